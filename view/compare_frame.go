package view

import (
	"strings"
)

// comparePane is where one diagram of the comparison is drawn.
type comparePane struct {
	x, y, w, h int
	titleY     int
	gutterX    int // the column of the difference marks beside this pane
}

// compareScreen is where the last frame put each part.
type compareScreen struct {
	panes     [2]comparePane
	side      bool
	sepY      int
	narY      int
	narH      int
	helpY     int
	dividerX  int // side by side: the gutter between the panes
	diagWidth int
}

// layout places the panes for the screen's size and arrangement.
func (m *CompareModel) layout() compareScreen {
	w, h := m.width, m.height
	s := compareScreen{side: m.SideBySide(), narH: 4}
	switch {
	case h >= 45:
		s.narH = 8
	case h >= 36:
		s.narH = 6
	}
	s.helpY = h - 1
	s.narY = s.helpY - s.narH
	s.sepY = s.narY - 1
	if s.side {
		dw := (w - 3) / 2
		s.dividerX = dw + 1
		s.diagWidth = dw
		for i := range s.panes {
			x := 0
			if i == 1 {
				x = dw + 3
			}
			s.panes[i] = comparePane{x: x, y: 2, w: dw, h: s.sepY - 2, titleY: 1, gutterX: dw + 1}
		}
		return s
	}
	s.diagWidth = w - 2
	avail := s.sepY - 1 // rows 1 .. sepY-1: two titles and two diagrams
	h0 := (avail - 2) / 2
	s.panes[0] = comparePane{x: 2, y: 2, w: w - 2, h: h0, titleY: 1, gutterX: 0}
	s.panes[1] = comparePane{x: 2, y: 3 + h0, w: w - 2, h: s.sepY - 3 - h0, titleY: 2 + h0, gutterX: 0}
	return s
}

// Frame draws the screen as text.
func (m *CompareModel) Frame() string {
	w, h := m.width, m.height
	if w < MinWidth || h < MinHeight {
		return m.tooSmall()
	}
	s := m.layout()
	tall := min(s.panes[0].h, s.panes[1].h) >= 36
	if m.pair == nil || m.pair.width != s.diagWidth || m.pair.tall != tall {
		m.pair = alignDiagrams(m.o.Timelines, m.o.Steps, s.diagWidth, tall)
	}
	g := &m.g
	g.reset(w, s.helpY)
	m.drawTitle(g, w)

	// One time axis: both diagrams scrolled alike, so that the rows match.
	hv := min(s.panes[0].h, s.panes[1].h)
	var cur [2]int
	last := 0
	if len(m.o.Steps) > 0 {
		cur = m.cursors[m.cur]
		last = m.pair.stepAt[m.cur]
	}
	for i, d := range m.pair.d {
		if d.tooBig == nil {
			last = max(last, d.evMax[cur[i]]+m.pair.lead[i])
		}
	}
	top := 0
	if last+2 > hv {
		top = last + 2 - hv
	}
	top = max(0, min(top, m.pair.rows-hv))
	if last >= top+hv {
		top = last - hv + 1
	}
	for i, d := range m.pair.d {
		p := s.panes[i]
		m.drawPaneTitle(g, i, p, d, s.side)
		d.lang = m.lang
		if d.tooBig != nil {
			d.drawTooBig(g, p.x, p.y, p.h)
			continue
		}
		tl := m.o.Timelines[i]
		own := len(m.o.Steps) > 0 && m.o.Steps[m.cur].Ev[i] >= 0
		// The lead rows above the diagram's first are drawn as rows before it.
		lt := top - m.pair.lead[i]
		v := viewport{x0: p.x, y0: p.y, top: lt, end: lt + p.h - 1, last: d.evMax[cur[i]]}
		v.bottom = min(v.last, v.end)
		d.drawIn(g, v, cur[i], tl.At(cur[i]).T, false)
		if own { // the cursor mark on the step's own event, not the last one shown
			g.set(p.x+d.cols.mark, v.y(d.evRow[m.o.Steps[m.cur].Ev[i]]), '▸', stStrong)
		}
		m.drawMarks(g, p, i, top)
	}
	if s.side {
		for y := 1; y < s.sepY; y++ {
			g.set(s.dividerX-1, y, '│', stDim)
			g.set(s.dividerX+1, y, '│', stDim)
		}
	}
	g.hline(0, w, s.sepY, '─', stDim)
	g.text(1, s.sepY, " "+m.lang.t("cmp.at-cursor")+" ", stStrong, w)
	// Each paragraph whole or not at all (but the first, which says what differs).
	y := s.narY
	for k, para := range m.narration() {
		lines := wrapLines([]string{para}, w-2)
		if k > 0 && y+len(lines) > s.narY+s.narH {
			continue
		}
		st := stPlain
		if k == 0 && len(m.o.Steps) > 0 {
			st = markStyle(m.o.Steps[m.cur].Mark)
			if m.o.Steps[m.cur].Mark == RealSame {
				st = stStrong
			}
		}
		for _, line := range lines {
			if y >= s.narY+s.narH {
				break
			}
			g.text(1, y, line, st, w)
			y++
		}
	}
	b := g.appendTo(m.buf[:0], &m.styles)
	b = append(b, '\n')
	b = append(b, m.styles.pre[stDim]...)
	b = append(b, fitText(m.help(w), w)...)
	b = append(b, m.styles.suf[stDim]...)
	m.buf = b
	return string(b)
}

// drawTitle writes the header: what is compared, and the status at its right.
func (m *CompareModel) drawTitle(g *grid, w int) {
	x := g.text(1, 0, "tcpwave", stTitle, w)
	x = g.text(x, 0, " · ", stDim, w)
	right := m.status()
	title := m.lang.t("cmp.title", m.o.Title, m.sideName(1))
	room := w - x - textWidth(right) - 2
	x = g.text(x, 0, fitText(title, max(room, 0)), stStrong, w)
	g.text(max(x+2, w-textWidth(right)-1), 0, right, stPlain, w)
}

// drawPaneTitle writes a pane's title and, where they fit, the endpoints' names over
// the lifelines.
func (m *CompareModel) drawPaneTitle(g *grid, i int, p comparePane, d *diagram, side bool) {
	st := stStrong
	x := p.x
	if !side {
		g.hline(0, m.width, p.titleY, '─', stDim)
		x = p.x + 1
	}
	end := g.text(x, p.titleY, " "+m.title(i)+" ", st, p.x+p.w)
	if d.tooBig != nil {
		return
	}
	for s, col := range [2]int{d.cols.xl, d.cols.xr} {
		name := m.lang.t("Client")
		stn := stClient
		if s == 1 {
			name, stn = m.lang.t("Server"), stServer
		}
		nx := p.x + col - textWidth(name)/2
		if nx <= end || nx+textWidth(name) > p.x+p.w {
			continue
		}
		end = g.text(nx, p.titleY, name, stn, p.x+p.w)
	}
}

// drawMarks writes, in the pane's gutter, the mark of every step reached: the glyph
// of its difference on the row of the side's event (or of the other side's, where
// this side has none), and the cursor's step highlighted.
func (m *CompareModel) drawMarks(g *grid, p comparePane, side, top int) {
	for j := 0; j <= m.cur && j < len(m.o.Steps); j++ {
		mk := m.o.Steps[j].Mark
		if mk == RealSame && j != m.cur {
			continue
		}
		r := m.pair.rowOn(j, side, m.o.Steps[j])
		if r < top || r >= top+p.h {
			continue
		}
		glyph := []rune(realGlyph[mk])[0]
		st := markStyle(mk)
		if j == m.cur {
			st = stCursor
			if mk == RealSame {
				glyph = '='
			}
		}
		g.set(p.gutterX, p.y+r-top, glyph, st)
	}
}

// tooSmall says the screen is too small, in the main view's words.
func (m *CompareModel) tooSmall() string {
	msg := m.lang.t("ui.too-small", MinWidth, MinHeight, m.width, m.height)
	var b strings.Builder
	for i, l := range wrap(msg, max(m.width, 1), nil) {
		if i >= max(m.height, 1) {
			break
		}
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(msg[l[0]:l[1]])
	}
	return b.String()
}
