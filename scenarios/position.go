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
		p, err := yaml.PathString("$." + strings.Join(parts[:n], "."))
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
