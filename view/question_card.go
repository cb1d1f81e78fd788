package view

import (
	"regexp"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tcpwave/tcpwave/scenarios"
)

// questionCard is the answer card of an interview question, drawn over the diagram
// while the scenario waits, paused, at the step that answers it. It is paged when it
// does not fit; esc closes it.
type questionCard struct {
	q     *scenarios.Question
	page  int
	pages int // as the last frame drew it
	// missed is set when the question's step was not found in the run (the model no
	// longer tells the story the index expects; the tests catch it): the card still
	// shows, the cursor is at the start.
	missed bool
	// wrapped is the card's text as the last frame wrapped it, for wrappedLang and
	// wrappedW: a frame redraws it without wrapping it again.
	wrapped     []cardLine
	wrappedLang Lang
	wrappedW    int
}

// openQuestion loads the question's scenario under its profile, as the catalog has
// it (without --delay or --set: the card speaks of that story), moves to its step,
// paused, and shows its card.
func (m *Model) openQuestion(q *scenarios.Question) error {
	sc, ok := scenarios.Lookup(q.Scenario)
	if !ok {
		return &scenarios.UnknownError{ID: q.Scenario}
	}
	m.stop()
	if err := m.play.OpenAsIs(sc, q.Profile); err != nil {
		return err
	}
	i, found := q.At.Find(m.play.Timeline())
	m.play.Jump(i)
	m.card = &questionCard{q: q, missed: !found}
	m.flash = ""
	return nil
}

// OpenQuestion opens the interview question with this id, as choosing it in the
// picker does.
func (m *Model) OpenQuestion(id string) error {
	q, ok := scenarios.QuestionByID(id)
	if !ok {
		return &UnknownQuestionError{ID: id}
	}
	return m.openQuestion(q)
}

// UnknownQuestionError says a question id is not in the index.
type UnknownQuestionError struct{ ID string }

func (e *UnknownQuestionError) Error() string { return e.text(En) }

func (e *UnknownQuestionError) text(l Lang) string {
	return Msgf(l, "unknown question %q; run 'tcpwave questions' for the list", scenarios.Printable(e.ID))
}

// CardOpen reports whether an answer card is shown.
func (m *Model) CardOpen() bool { return m.card != nil }

// cardKey handles a key while the card is shown: esc or enter closes it, m and the
// page keys turn its pages, L switches the language, q quits; any other key closes it
// and acts on the diagram, so that → steps on at once.
func (m *Model) cardKey(msg tea.KeyPressMsg) tea.Cmd {
	c := m.card
	switch {
	case msg.Code == tea.KeyEscape || msg.Code == tea.KeyEnter:
		m.card = nil
		return nil
	case msg.String() == "m" || msg.Code == tea.KeyPgDown || msg.Code == tea.KeyDown || msg.String() == "j":
		c.page++ // the frame wraps it round: the pages are known only there
		return nil
	case msg.Code == tea.KeyPgUp || msg.Code == tea.KeyUp || msg.String() == "k":
		c.page--
		return nil
	case key.Matches(msg, m.keys.Lang), key.Matches(msg, m.keys.Quit), key.Matches(msg, m.keys.Help):
		return m.key(msg)
	}
	m.card = nil
	return m.key(msg)
}

// drawCard draws the card in a box at the top of the diagram's rows y0..y1
// (exclusive): the question, the answer, and on its bottom edge how to page and close
// it. The box is as tall as the card (the diagram shows below it where there is room)
// and at most 100 columns wide; the rows it takes are blanked across the screen.
func (m *Model) drawCard(g *grid, w, y0, y1 int) {
	c := m.card
	x0, x1 := 0, w
	if w > 104 {
		x0, x1 = (w-100)/2, (w-100)/2+100
	}
	if y1-y0 < 5 || x1-x0 < 20 {
		return
	}
	inW := x1 - x0 - 4
	if c.wrapped == nil || c.wrappedLang != m.lang || c.wrappedW != inW {
		c.wrapped, c.wrappedLang, c.wrappedW = c.lines(m.lang, inW), m.lang, inW
	}
	y1 = min(y1, y0+len(c.wrapped)+2)
	// The box: a frame, blank inside, and nothing of the diagram beside it.
	for y := y0; y < y1; y++ {
		g.hline(0, w, y, ' ', stPlain)
		g.set(x0, y, '│', stDim)
		g.set(x1-1, y, '│', stDim)
	}
	g.hline(x0, x1, y0, '─', stDim)
	g.hline(x0, x1, y1-1, '─', stDim)
	g.set(x0, y0, '╭', stDim)
	g.set(x1-1, y0, '╮', stDim)
	g.set(x0, y1-1, '╰', stDim)
	g.set(x1-1, y1-1, '╯', stDim)
	l := m.lang
	g.text(x0+2, y0, " "+l.t("ui.card.title")+" ", stStrong, x1-2)

	lines := c.wrapped
	rows := y1 - y0 - 2
	c.pages = max(1, (len(lines)+rows-1)/rows)
	c.page = (c.page%c.pages + c.pages) % c.pages
	for i := 0; i < rows; i++ {
		n := c.page*rows + i
		if n >= len(lines) {
			break
		}
		g.text(x0+2, y0+1+i, lines[n].text, lines[n].st, x1-2)
	}
	hint := l.t("ui.card.close")
	if c.pages > 1 {
		hint = l.t("ui.card.more", c.page+1, c.pages) + " · " + hint
	}
	hint = " " + hint + " "
	g.text(max(x0+2, x1-2-textWidth(hint)), y1-1, hint, stDim, x1-1)
}

type cardLine struct {
	text string
	st   styleID
}

// lines is the card wrapped to width w: the question and the answer's paragraphs (the
// header above names the scenario).
func (c *questionCard) lines(l Lang, w int) []cardLine {
	var out []cardLine
	add := func(s string, st styleID) {
		for _, p := range strings.Split(s, "\n") {
			for _, r := range wrap(p, w, nil) {
				out = append(out, cardLine{p[r[0]:r[1]], st})
			}
		}
	}
	add(c.q.Q[l.String()], stStrong)
	if c.missed {
		add(l.t("ui.card.missed"), stWarn)
	}
	add(keepTogether(c.q.Card(l.String())), stPlain)
	return out
}

// nbspRE finds the spaces a line must not break at: between a number and its unit
// ("60 s", "200 ms"), in "RFC 6191", and in SO_LINGER's "{1, 0}".
var nbspRE = regexp.MustCompile(`([0-9]) (s|ms|µs)\b|(RFC) ([0-9])|\{([0-9]), ([0-9t])\}`)

// keepTogether joins those with a no-break space, which the wrap does not break at
// and the terminal shows as a space.
func keepTogether(s string) string {
	return nbspRE.ReplaceAllStringFunc(s, func(m string) string {
		return strings.Replace(m, " ", "\u00a0", 1)
	})
}
