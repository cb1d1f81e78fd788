package view

import (
	"strings"

	"github.com/tcpwave/tcpwave/model"
)

// The reading aids of ?: a page over the diagram with a legend for every mark and
// column, a glossary and every key, in the screen's language, scrolled with ↑/↓.

// pager is a scrolled page of lines drawn over the diagram and panes.
type pager struct {
	top, rows, total int
	// lines caches the page's lines for the frame (linesFor says for what).
	lines    []narLine
	linesFor legendKey
}

// legendKey is what the legend's lines depend on.
type legendKey struct {
	w        int
	lang     Lang
	drilling bool
}

// key scrolls the page; it reports whether the key was a scrolling key.
func (p *pager) key(k string) bool {
	switch k {
	case "up", "k":
		p.top--
	case "down", "j", "enter":
		p.top++
	case "pgup", "b":
		p.top -= max(p.rows-1, 1)
	case "pgdown", "space", "f":
		p.top += max(p.rows-1, 1)
	case "home", "g":
		p.top = 0
	case "end", "G":
		p.top = p.total
	default:
		return false
	}
	p.clamp()
	return true
}

func (p *pager) clamp() {
	p.top = max(0, min(p.top, p.total-p.rows))
}

// draw draws the lines from the page's top in h rows at (x, y); when they do not fit,
// the last row says where the page is.
func (p *pager) draw(g *grid, l Lang, lines []narLine, x, y, w, h int) {
	if h <= 0 {
		return
	}
	rows := h
	if len(lines) > h && h >= 2 {
		rows = h - 1
	}
	p.rows, p.total = rows, len(lines)
	p.clamp()
	for i := 0; i < rows && p.top+i < len(lines); i++ {
		ln := lines[p.top+i]
		g.text(x, y+i, ln.text, ln.st, x+w)
	}
	if rows < h {
		g.text(x, y+rows, fitText(l.t("ui.scroll", p.top+1, p.top+rows, len(lines)), w), stDim, x+w)
	}
}

// openLegend shows the legend page (and the full help under it, where it fits).
func (m *Model) openLegend() {
	m.stop()
	m.help.ShowAll = true
	m.legend = &pager{}
}

// closeLegend hides it.
func (m *Model) closeLegend() {
	m.help.ShowAll = false
	m.legend = nil
}

// legendKey handles a key while the legend is shown: it scrolls, closes, switches the
// language or the numbers, or quits.
func (m *Model) legendKey(key string) bool {
	switch key {
	case "?", "esc":
		m.closeLegend()
	case "q", "ctrl+c":
		return false
	case "L":
		m.SetLang(m.lang.other())
	case "a":
		m.toggleNumbers()
	default:
		m.legend.key(key)
	}
	return true
}

// legendLines is the legend page in the screen's language, wrapped to w.
func (m *Model) legendLines(w int) []narLine {
	k := legendKey{w, m.lang, m.drill != nil}
	if p := m.legend; p != nil && p.lines != nil && p.linesFor == k {
		return p.lines
	}
	l := m.lang
	var lines []narLine
	put := func(s string, st styleID) {
		for _, r := range wrap(s, w, nil) {
			lines = append(lines, narLine{s[r[0]:r[1]], st})
		}
	}
	// item writes a term and what it means, the meaning wrapped under itself.
	item := func(term, def string, termW int) {
		pad := termW - textWidth(term)
		indent := strings.Repeat(" ", termW+3)
		for i, r := range wrap(def, max(w-termW-3, 10), nil) {
			head := indent
			if i == 0 {
				head = " " + term + strings.Repeat(" ", max(pad, 0)+2)
			}
			lines = append(lines, narLine{head + def[r[0]:r[1]], stPlain})
		}
	}
	blank := func() { lines = append(lines, narLine{"", stPlain}) }
	put(l.t("legend.title"), stTitle)
	blank()
	put(l.t("legend.marks"), stStrong)
	for _, mk := range [][2]string{{"◆", "flight"}, {"✕", "lost"}, {"⟲n", "retrans"}, {"≈", "break"},
		{"┊", "closed"}, {"dup", "dup"}, {"▸", "cursor"}} {
		item(mk[0], l.t("legend.mark."+mk[1]), 4)
	}
	blank()
	put(l.t("legend.columns"), stStrong)
	cols := [][2]string{{l.t("ui.col.state"), "state"}, {"SND.UNA", "una"}, {"SND.NXT", "nxt"},
		{"RCV.NXT", "rcv"}, {l.t("ui.col.unread"), "unread"}, {l.t("ui.col.told"), "told"}}
	for _, c := range cols {
		item(c[0], l.t("legend.col."+c[1]), 8)
	}
	put(l.t("legend.col.numbers"), stDim)
	blank()
	put(l.t("legend.glossary"), stStrong)
	for _, g := range [][2]string{{"MSL", "MSL"}, {"2MSL", "2MSL"}, {"RTO", "RTO"}, {"ISN", "ISN"},
		{"TCB", "TCB"}, {"TLP", "TLP"}, {"orphan", "orphan"}, {"pingpong", "pingpong"},
		{"challenge ACK", "challenge"}, {"4-tuple", "tuple"}, {"PAWS", "PAWS"}} {
		item(g[0], l.t("legend.g."+g[1]), 13)
	}
	blank()
	put(l.t("legend.keys"), stStrong)
	full := m.keys.FullHelp()
	for _, col := range full[:len(full)-1] { // the last column is the picker's
		for _, b := range col {
			if h := b.Help(); h.Key != "" && (h.Key != "f" || m.class.role == Follower) {
				item(h.Key, h.Desc, 8) // f only for a class's follower
			}
		}
	}
	if p := m.legend; p != nil {
		p.lines, p.linesFor = lines, k
	}
	return lines
}

// toggleNumbers switches between relative and absolute sequence numbers.
func (m *Model) toggleNumbers() {
	m.absolute = !m.absolute
	m.diag = nil
	m.narCache = narCache{}
	if m.absolute {
		m.setFlash(m.lang.t("flash.numbers.abs"))
	} else {
		m.setFlash(m.lang.t("flash.numbers.rel"))
	}
}

// Absolute reports whether sequence numbers are shown absolute.
func (m *Model) Absolute() bool { return m.absolute }

// numbersHeader is the header's word for the numbering.
func (m *Model) numbersHeader() string {
	if m.absolute {
		return " · " + m.lang.t("ui.numbers.abs")
	}
	return " · " + m.lang.t("ui.numbers.rel")
}

// seqNums are an endpoint's SND.UNA, SND.NXT and RCV.NXT as the screen shows them.
func (m *Model) seqNums(e *model.Endpoint) [3]uint32 {
	if m.absolute {
		return [3]uint32{e.SndUna, e.SndNxt, e.RcvNxt}
	}
	return [3]uint32{e.SndUna - e.ISS, e.SndNxt - e.ISS, e.RcvNxt - e.IRS}
}
