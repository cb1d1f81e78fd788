package view

import (
	"strings"

	"github.com/tcpwave/tcpwave/scenarios"
)

// questionList is the picker's second tab: the interview-question index, filtered by
// what has been typed (in either language).
type questionList struct {
	all     []*scenarios.Question
	matches []*scenarios.Question
	sel     int
}

// switchTab moves the picker to its other tab, keeping the filter.
func (p *picker) switchTab() {
	p.questions = !p.questions
	if p.questions && p.qs.all == nil {
		p.qs.all = scenarios.Questions()
	}
	p.refilter()
}

// selectedQuestion is the question under the cursor on the questions tab.
func (p *picker) selectedQuestion() *scenarios.Question {
	if !p.questions {
		return nil
	}
	return p.qs.selected()
}

// refilter keeps the questions whose id, scenario, or question in either language
// contains every word of the filter.
func (ql *questionList) refilter(filter string) {
	words := strings.Fields(strings.ToLower(filter))
	ql.matches = ql.matches[:0]
	for _, q := range ql.all {
		if matchesAll(words, q.ID, q.Scenario, q.Q["zh"], q.Q["en"]) {
			ql.matches = append(ql.matches, q)
		}
	}
	ql.sel = max(0, min(ql.sel, len(ql.matches)-1))
}

func (ql *questionList) move(d int) {
	if n := len(ql.matches); n > 0 {
		ql.sel = (ql.sel + d + n) % n
	}
}

func (ql *questionList) selected() *scenarios.Question {
	if ql.sel < 0 || ql.sel >= len(ql.matches) {
		return nil
	}
	return ql.matches[ql.sel]
}

// drawTabs writes the tab row: both tabs' names, the current one marked, and how to
// switch.
func (p *picker) drawTabs(g *grid, x, y, w int) {
	l := p.lang
	names := [2]string{l.t("ui.picker.tab.scenarios"), l.t("ui.picker.tab.questions")}
	cur := 0
	if p.questions {
		cur = 1
	}
	xx := x
	for i, n := range names {
		st := stDim
		if i == cur {
			st = stCursor
		}
		xx = g.text(xx, y, " "+n+" ", st, x+w) + 1
	}
	g.text(xx+1, y, l.t("ui.picker.tab.hint"), stDim, x+w)
}

// draw draws the questions tab: its title, the filter, and one question a row (in the
// picker's language), with the scenario that answers it.
func (ql *questionList) draw(g *grid, p *picker, x, y, w, h int) {
	l := p.lang
	g.text(x, y, l.t("ui.picker.questions.title"), stStrong, x+w)
	if h < 2 {
		return
	}
	end := g.text(x, y+1, l.t("ui.picker.filter")+p.filter, stPlain, x+w)
	g.set(end, y+1, '▏', stDim)
	rows := h - 2
	if len(ql.matches) == 0 {
		if rows > 0 {
			g.text(x, y+2, l.t("ui.picker.questions.none"), stDim, x+w)
		}
		return
	}
	top := 0
	if ql.sel >= rows {
		top = ql.sel - rows + 1
	}
	for i := 0; i < rows && top+i < len(ql.matches); i++ {
		q := ql.matches[top+i]
		st, mark := stPlain, "  "
		if top+i == ql.sel {
			st, mark = stCursor, "▸ "
		}
		yy := y + 2 + i
		g.text(x, yy, mark, stStrong, x+w)
		e := g.text(x+2, yy, q.Q[l.String()], st, x+w)
		if tag := "· " + q.Scenario; e+2 <= x+w-textWidth(tag) {
			g.text(x+w-textWidth(tag), yy, tag, stDim, x+w)
		}
	}
}
