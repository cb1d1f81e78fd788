package view

import (
	"strings"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// picker is the scenario picker: the catalog, filtered by what has been typed; its
// second tab is the interview-question index (picker_questions.go).
type picker struct {
	filter  string
	all     []*model.Scenario
	matches []*model.Scenario
	sel     int
	lang    Lang
	// questions is true on the questions tab; qs is that tab's list.
	questions bool
	qs        questionList
}

func newPicker(current string, l Lang) *picker {
	p := &picker{all: scenarios.Catalog(), lang: l}
	p.refilter()
	for i, sc := range p.matches {
		if sc.ID == current {
			p.sel = i
		}
	}
	return p
}

// refilter keeps the scenarios whose id or title contains every word of the filter.
func (p *picker) refilter() {
	if p.questions {
		p.qs.refilter(p.filter)
		return
	}
	words := strings.Fields(strings.ToLower(p.filter))
	p.matches = p.matches[:0]
	for _, sc := range p.all {
		if matchesAll(words, sc.ID, sc.Title, scenarioTitle(p.lang, sc)) {
			p.matches = append(p.matches, sc)
		}
	}
	p.sel = max(0, min(p.sel, len(p.matches)-1))
}

func (p *picker) move(d int) {
	if p.questions {
		p.qs.move(d)
		return
	}
	if len(p.matches) == 0 {
		return
	}
	p.sel = (p.sel + d + len(p.matches)) % len(p.matches)
}

// maxFilter bounds the filter: no id or title is longer, and each key re-filters.
const maxFilter = 64

func (p *picker) typeText(s string) {
	if len([]rune(p.filter))+len([]rune(s)) > maxFilter {
		return
	}
	p.filter += s
	p.sel, p.qs.sel = 0, 0
	p.refilter()
}

func (p *picker) backspace() {
	if p.filter == "" {
		return
	}
	r := []rune(p.filter)
	p.filter = string(r[:len(r)-1])
	p.refilter()
}

func (p *picker) selected() *model.Scenario {
	if p.questions || p.sel < 0 || p.sel >= len(p.matches) {
		return nil
	}
	return p.matches[p.sel]
}

// draw draws the picker into g at (x, y), w×h.
func (p *picker) draw(g *grid, x, y, w, h int) {
	if h <= 0 {
		return
	}
	if h >= 4 {
		p.drawTabs(g, x, y, w)
		y, h = y+1, h-1
	}
	if p.questions {
		p.qs.draw(g, p, x, y, w, h)
		return
	}
	g.text(x, y, p.lang.t("ui.picker.title"), stStrong, x+w)
	if h < 2 {
		return
	}
	end := g.text(x, y+1, p.lang.t("ui.picker.filter")+p.filter, stPlain, x+w)
	g.set(end, y+1, '▏', stDim)
	rows := h - 2
	if len(p.matches) == 0 {
		if rows > 0 {
			g.text(x, y+2, p.lang.t("ui.picker.none"), stDim, x+w)
		}
		return
	}
	top := 0
	if p.sel >= rows {
		top = p.sel - rows + 1
	}
	idW := 0
	for _, sc := range p.all {
		idW = max(idW, len(sc.ID))
	}
	for i := 0; i < rows && top+i < len(p.matches); i++ {
		sc := p.matches[top+i]
		st, mark := stPlain, "  "
		if top+i == p.sel {
			st, mark = stCursor, "▸ "
		}
		yy := y + 2 + i
		g.text(x, yy, mark, stStrong, x+w)
		e := g.text(x+2, yy, sc.ID, st, x+w)
		g.text(max(e+2, x+2+idW+2), yy, scenarioTitle(p.lang, sc), st, x+w)
	}
}

// matchesAll reports whether every word (lower case) is in one of the texts.
func matchesAll(words []string, texts ...string) bool {
	hay := strings.ToLower(strings.Join(texts, " "))
	for _, w := range words {
		if !strings.Contains(hay, w) {
			return false
		}
	}
	return true
}
