package view

import (
	"fmt"

	"github.com/tcpwave/tcpwave/model"
)

// MinRenderWidth is the narrowest diagram Render draws.
const MinRenderWidth = 48

// Render draws the finished diagram of tl, width columns wide, with the same renderer
// as the UI: a title line, the lifeline names, then every row of the diagram. With
// styles nil the text is plain (no escape sequences), for files, slides and pipes.
func Render(tl *model.Timeline, width int, styles *Styles) string {
	width = max(width, MinRenderWidth)
	d := newDiagram(tl, width, false)
	var g grid
	g.reset(width, d.rows+3)
	title := fmt.Sprintf("%s · %s · %s profile", tl.Scenario.ID, tl.Scenario.Title, tl.Profile.Name)
	g.text(0, 0, title, stTitle, width)
	nm := Model{diag: d}
	nm.drawNames(&g, 2)
	d.draw(&g, 0, 3, d.rows, tl.Len()-1, tl.End(), false)
	b := g.appendTo(nil, styles)
	return string(b) + "\n"
}
