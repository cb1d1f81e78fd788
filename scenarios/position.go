package scenarios

import (
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
)

type astFile = ast.File

// positionOf finds the line and column of the value at a dotted field path such as
// "server.steps[1].after"; for a missing field, the nearest existing parent.
func positionOf(f any, field string) (int, int) {
	file, ok := f.(*ast.File)
	if !ok || field == "" {
		return 0, 0
	}
	parts := strings.Split(field, ".")
	for n := len(parts); n > 0; n-- {
		path := "$." + strings.Join(parts[:n], ".")
		if strings.HasPrefix(field, "[") {
			path = "$" + path[2:] // an element of a list at the top (the question index)
		}
		p, err := yaml.PathString(path)
		if err != nil {
			continue
		}
		node, err := p.FilterFile(file)
		if err != nil || node == nil {
			continue
		}
		if tok := node.GetToken(); tok != nil && tok.Position != nil {
			return tok.Position.Line, tok.Position.Column
		}
	}
	return 1, 1
}
