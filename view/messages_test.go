package view

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// messageCalls are the functions whose format argument (at the index given) is a
// message key of zhMessages.
var messageCalls = map[string]int{
	"Msgf":      1, // view.Msgf(l, format, ...)
	"say":       2, // say(w, l, format, ...)
	"Errorf":    0, // view.Errorf(format, ...)
	"errorf":    3, // scenarios' errorf(file, line, col, format, ...)
	"fail":      1, // scenarios' v.fail(field, format, ...)
	"nodeError": 2, // scenarios' nodeError(name, node, msg)
	"problemf":  0, // capture's problemf(format, ...)
}

// messageFormats finds every literal format passed to a message call in the Go files
// (tests excluded) of dirs.
func messageFormats(t *testing.T, dirs ...string) map[string]string {
	t.Helper()
	found := map[string]string{}
	fset := token.NewFileSet()
	for _, dir := range dirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				call, ok := n.(*ast.CallExpr)
				if !ok {
					return true
				}
				var fn string
				switch e := call.Fun.(type) {
				case *ast.Ident:
					fn = e.Name
				case *ast.SelectorExpr:
					if x, ok := e.X.(*ast.Ident); ok && (x.Name == "fmt" || x.Name == "errors") {
						return true // the standard library's, not a message
					}
					fn = e.Sel.Name
				}
				i, ok := messageCalls[fn]
				if !ok || i >= len(call.Args) {
					return true
				}
				lit, ok := call.Args[i].(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err != nil {
					t.Fatal(err)
				}
				found[s] = fset.Position(lit.Pos()).String()
				return true
			})
		}
	}
	return found
}

var verbRE = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

// TestMessagesAreTranslated finds every message the command line, the scenario
// loader and the view write through Msgf in Chinese, with the same verbs.
func TestMessagesAreTranslated(t *testing.T) {
	formats := messageFormats(t, ".", "../cmd/tcpwave", "../cmd/tcpwave/internal/real", "../scenarios", "../scenarios/capture")
	if len(formats) < 40 {
		t.Fatalf("found only %d message formats: is the scan broken?", len(formats))
	}
	for en, where := range formats {
		zh, ok := zhMessages[en]
		if !ok {
			t.Errorf("%s: no Chinese for %q", where, en)
			continue
		}
		ev, zv := verbRE.FindAllString(en, -1), verbRE.FindAllString(zh, -1)
		if !slices.Equal(ev, zv) && !reordered(ev, zv) {
			t.Errorf("%s: %q has verbs %v, its Chinese %v", where, en, ev, zv)
		}
		if strings.HasSuffix(en, "\n") != strings.HasSuffix(zh, "\n") {
			t.Errorf("%s: %q and its Chinese differ in the final newline", where, en)
		}
	}
	for en := range zhMessages {
		if _, ok := formats[en]; !ok {
			t.Errorf("zhMessages has %q, which nothing writes", en)
		}
	}
}

// reordered reports whether zh uses explicit indexes (%[2]s) for en's verbs.
func reordered(en, zh []string) bool {
	if len(en) != len(zh) {
		return false
	}
	for _, v := range zh {
		if !strings.HasPrefix(v, "%[") {
			return false
		}
	}
	return true
}
