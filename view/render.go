package view

import (
	"github.com/tcpwave/tcpwave/model"
)

// MinRenderWidth is the narrowest diagram Render draws.
const MinRenderWidth = 48

// RenderOptions say how Render draws.
type RenderOptions struct {
	// Width is the diagram's width in columns (at least MinRenderWidth).
	Width int
	// Styles colour the output; nil draws plain text (no escape sequences), for
	// files, slides and pipes.
	Styles *Styles
	// Absolute labels segments with their absolute sequence numbers rather than
	// numbers relative to the ISNs.
	Absolute bool
	// Lang is the language of the title and names.
	Lang Lang
}

// Render draws the finished diagram of tl with the same renderer as the UI: a title
// line (cut with … to the width), the lifeline names, then every row of the diagram.
func Render(tl *model.Timeline, o RenderOptions) string {
	width := max(o.Width, MinRenderWidth)
	d := newDiagram(tl, width, false, o.Absolute)
	rows := d.rows
	if d.tooBig != nil {
		rows = 3 // the lines that say why there is no diagram
	}
	var g grid
	g.reset(width, rows+3)
	l := o.Lang.valid()
	d.lang = l
	title := l.t("render.title", tl.Scenario.ID, scenarioTitle(l, tl.Scenario), tl.Profile.Name)
	if o.Absolute {
		title += " · " + l.t("render.absolute")
	}
	g.text(0, 0, fitText(title, width), stTitle, width)
	if d.tooBig == nil {
		nm := Model{diag: d, lang: l}
		nm.drawNames(&g, 2)
	}
	d.draw(&g, 0, 3, rows, tl.Len()-1, tl.End(), false)
	b := g.appendTo(nil, o.Styles)
	return string(b) + "\n"
}
