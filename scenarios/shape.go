package scenarios

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"

	"github.com/goccy/go-yaml/ast"
)

// The shape a scenario file may have, checked before and after the YAML parser reads
// it. The parser's memory grows with the square of a file's nesting (a 40 KB file of
// [ took 1.3 GB), and a decoder expands aliases, so a file nested deeper than any
// scenario is, or holding anchors and aliases, or more than one document, is refused
// with where it went wrong.

// The limits of a file's shape: a scenario needs a handful of levels.
const (
	maxIndent   = 64   // the leading spaces, tabs and "- " of a line
	maxBrackets = 2048 // [ and { in the whole file: the parser's memory is the square of its nesting
)

// utf8BOM is the byte order mark some editors write at the start of a file.
var utf8BOM = []byte("\xef\xbb\xbf")

// checkShape refuses a file nested too deep for a scenario, before it is parsed.
func checkShape(name string, data []byte) error {
	brackets := 0
	for i, line := range bytes.Split(data, []byte("\n")) {
		indent := 0
		for indent < len(line) && (line[indent] == ' ' || line[indent] == '\t' || line[indent] == '-') {
			indent++
		}
		if indent > maxIndent {
			return errorf(name, i+1, indent, "indented %d columns: nested deeper than a scenario can be (at most %d)", indent, maxIndent)
		}
		for j, b := range line {
			if b == '[' || b == '{' {
				if brackets++; brackets > maxBrackets {
					return errorf(name, i+1, j+1, "more than %d [ and { in the file: far more than a scenario needs (the parser's memory grows with the square of their nesting)", maxBrackets)
				}
			}
		}
	}
	return nil
}

// checkNodes refuses what the parser found that a scenario has no use for: a second
// document, an anchor or an alias.
func checkNodes(name string, f *ast.File) error {
	docs := 0
	for _, d := range f.Docs {
		if d.Body == nil {
			continue
		}
		if docs++; docs > 1 {
			return nodeError(name, d.Body, "a second document (after ---): a scenario file holds one")
		}
	}
	var bad ast.Node
	for _, d := range f.Docs {
		if d.Body != nil && bad == nil {
			ast.Walk(visitFunc(func(n ast.Node) bool {
				switch n.(type) {
				case *ast.AnchorNode, *ast.AliasNode:
					if bad == nil {
						bad = n
					}
					return false
				}
				return bad == nil
			}), d.Body)
		}
	}
	if bad != nil {
		return nodeError(name, bad, "anchors and aliases (& and *) are not supported in scenario files")
	}
	return nil
}

// visitFunc adapts a function to ast.Visitor: it says whether to go into a node.
type visitFunc func(ast.Node) bool

func (f visitFunc) Visit(n ast.Node) ast.Visitor {
	if f(n) {
		return f
	}
	return nil
}

func nodeError(name string, n ast.Node, msg string) error {
	e := &Error{File: name, Msg: msg, Format: msg}
	if tok := n.GetToken(); tok != nil && tok.Position != nil {
		e.Line, e.Col = tok.Position.Line, tok.Position.Column
	}
	return e
}

// wholeNumber is an integer field that takes a whole number only (1.5 became 1).
type wholeNumber int64

// UnmarshalYAML implements yaml.NodeUnmarshaler; its error says where.
func (n *wholeNumber) UnmarshalYAML(node ast.Node) error {
	s := strings.TrimSpace(node.String())
	v, err := strconv.ParseInt(s, 10, 64)
	if err == nil {
		*n = wholeNumber(v)
		return nil
	}
	e := errorf("", 0, 0, "want a whole number, got %s", s)
	if tok := node.GetToken(); tok != nil && tok.Position != nil {
		e.Line, e.Col = tok.Position.Line, tok.Position.Column
	}
	return e
}

// controlIn finds a control character (other than the newline and tab a text may
// hold) in s, which would reach the terminal as an escape sequence.
func controlIn(s string) (rune, bool) {
	for _, r := range s {
		if (unicode.IsControl(r) && r != '\n' && r != '\t') || r == 0x7f {
			return r, true
		}
	}
	return 0, false
}

// printable writes s with every control character as a Go escape, so that a string
// from a file reaches the terminal as text.
// Printable is s with its control characters escaped (ESC as \x1b), so that a
// string from a file or a client never reaches a terminal raw.
func Printable(s string) string { return printable(s) }

func printable(s string) string {
	if _, ok := controlIn(s); !ok && !strings.ContainsAny(s, "\n\t") {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) || r == 0x7f {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
