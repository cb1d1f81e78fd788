package view

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/view/drill"
)

// The drill in the UI: it plays the story up to the step before each question, asks,
// takes 1–4, plays the step with its narration and says whether the answer was right,
// and ends with what was missed. The questions themselves come from view/drill.

// QuestionIndex links what a drill question tests to the interview-question index, so
// that the drill's summary can send a student from a missed question to its question
// in the index. The index fills it; without one (nil), the summary names the scenario
// and the step to replay.
type QuestionIndex interface {
	// QuestionFor is the title, in l, of the interview question about topic (its
	// scenario, the kind of question, the model's rule at the event), if the index
	// has one.
	QuestionFor(topic drill.Topic, l Lang) (title string, ok bool)
}

// drillPhase is where the drill is.
type drillPhase uint8

const (
	drillMoving    drillPhase = iota // playing up to the step before the question
	drillAsking                      // stopped, waiting for 1–4
	drillRevealing                   // playing the step asked about
	drillRevealed                    // stopped on it, its narration shown
	drillDone                        // the summary
)

// drillRun is a drill in progress.
type drillRun struct {
	qs     []drill.Question
	at     int // the current question
	phase  drillPhase
	picked int // the choice picked for qs[at]
	score  int
	missed []drillMiss
	// target is the event playback stops at: the question's Stop, then its Event.
	target int
	// page is the summary's first line shown.
	page pager
	// lines caches the question's lines for the frame (linesFor says for what).
	lines    []narLine
	linesFor drillLinesKey
}

// drillLinesKey is what a question's lines depend on.
type drillLinesKey struct {
	at, w    int
	lang     Lang
	absolute bool
}

// drillMiss is a question answered wrong, and what was chosen.
type drillMiss struct {
	q      drill.Question
	picked int
}

// Drilling reports whether a drill is running.
func (m *Model) Drilling() bool { return m.drill != nil }

// DrillScore is the drill's score: right answers and questions answered.
func (m *Model) DrillScore() (right, answered int) {
	if m.drill == nil {
		return 0, 0
	}
	return m.drill.score, m.drill.answered()
}

func (d *drillRun) answered() int {
	n := d.at
	if d.phase >= drillRevealing {
		n++
	}
	return min(n, len(d.qs))
}

// startDrill starts a drill over the current timeline, from its first event.
func (m *Model) startDrill() tea.Cmd {
	m.stop()
	var other *model.Timeline
	if o, ok := m.play.Other(); ok {
		other = model.Run(m.play.Timeline().Scenario, *o)
	}
	qs := drill.Questions(m.play.Timeline(), drill.Alternatives(m.play.Timeline(), other))
	if len(qs) == 0 {
		m.setFlash(m.lang.t("drill.none"))
		return nil
	}
	m.drill = &drillRun{qs: qs, picked: -1}
	m.play.Jump(0)
	m.setFlash(m.lang.t("drill.start", len(qs)))
	return m.drillMove()
}

// leaveDrill ends the drill where the story is.
func (m *Model) leaveDrill() {
	m.stop()
	m.drill = nil
	m.flash = ""
	m.keys = keyMapIn(m.lang)
}

// drillMove plays up to the step before the current question (at once if already
// there).
func (m *Model) drillMove() tea.Cmd {
	d := m.drill
	d.phase, d.picked = drillMoving, -1
	return m.drillPlayTo(d.qs[d.at].Stop)
}

// drillPlayTo plays from the cursor up to event target, where tick stops and calls
// drillArrive.
func (m *Model) drillPlayTo(target int) tea.Cmd {
	d := m.drill
	d.target = target
	if m.play.Cursor() >= target {
		m.drillArrive()
		return nil
	}
	m.play.Play()
	m.gen++
	m.lastTick = time.Time{}
	return m.nextTick()
}

// drillStop is the tick's hook: once playback reaches the drill's target, it stops
// there and reports true.
func (m *Model) drillStop() bool {
	d := m.drill
	if d == nil || (d.phase != drillMoving && d.phase != drillRevealing) {
		return false
	}
	stop := m.play.ClockAt(d.target, m.play.Timeline().At(d.target).T)
	if m.play.Clock() < stop {
		return false
	}
	m.drillSkip()
	return true
}

// drillSkip jumps to the drill's target and arrives there.
func (m *Model) drillSkip() {
	m.stop()
	d := m.drill
	flash, at := m.flash, m.flashPos
	m.play.Jump(d.target)
	m.flash, m.flashPos = flash, at
	m.drillArrive()
}

// drillArrive is reaching the target: ask the question, or show its answer.
func (m *Model) drillArrive() {
	m.stop()
	d := m.drill
	switch d.phase {
	case drillMoving:
		d.phase = drillAsking
	case drillRevealing:
		d.phase = drillRevealed
		m.setFlash(m.drillVerdict())
	}
}

// drillVerdict says whether the pick was right and, if not, why the pick is wrong.
func (m *Model) drillVerdict() string {
	d, l := m.drill, m.lang
	q := d.qs[d.at]
	right := m.answerText(q, q.Choices[q.Right])
	if d.picked == q.Right {
		return l.t("drill.right", right)
	}
	a := q.Choices[d.picked]
	s := l.t("drill.wrong", m.answerText(q, a), right)
	switch {
	case a.Myth != drill.MythNone:
		s = joinSentences(l, s, l.t("drill.myth."+a.Myth.String()))
	case a.Source == drill.FromOtherProfile:
		other := "linux"
		if m.play.Profile() == "linux" {
			other = "rfc9293"
		}
		s = joinSentences(l, s, l.t("drill.from.profile", other))
	case a.Source == drill.FromOtherFault:
		s = joinSentences(l, s, l.t("drill.from.fault"))
	}
	return s
}

// drillKey handles a key press during a drill.
func (m *Model) drillKey(msg tea.KeyPressMsg) tea.Cmd {
	k, d := &m.keys, m.drill
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Lang):
		m.SetLang(m.lang.other())
		if d.phase == drillRevealed {
			m.setFlash(m.drillVerdict())
		}
	case key.Matches(msg, k.Help):
		m.openLegend()
	case key.Matches(msg, k.Numbers):
		m.toggleNumbers()
		if d.phase == drillRevealed {
			m.setFlash(m.drillVerdict())
		}
	case key.Matches(msg, k.More):
		if m.narAt != m.play.Cursor() {
			m.narAt, m.narPage = m.play.Cursor(), 0
		}
		m.narPage = (m.narPage + 1) % max(m.narPages, 1)
	case d.phase == drillDone && key.Matches(msg, k.Drill):
		return m.startDrill()
	case key.Matches(msg, k.Drill), msg.String() == "esc":
		m.leaveDrill()
	case d.phase == drillDone:
		d.page.key(msg.String())
	case d.phase == drillAsking && key.Matches(msg, k.Answer):
		n := int(msg.Code - '1')
		q := d.qs[d.at]
		if n < 0 || n >= len(q.Choices) {
			return nil
		}
		d.picked = n
		if n == q.Right {
			d.score++
		} else {
			d.missed = append(d.missed, drillMiss{q, n})
		}
		d.phase = drillRevealing
		m.flash = ""
		return m.drillPlayTo(q.Event)
	case key.Matches(msg, k.DrillGo):
		switch d.phase {
		case drillMoving, drillRevealing:
			m.drillSkip()
		case drillRevealed:
			m.flash = ""
			if d.at+1 >= len(d.qs) {
				d.phase = drillDone
				d.page = pager{}
				return nil
			}
			d.at++
			return m.drillMove()
		}
	}
	return nil
}

// drillKeys enables the keys the drill's phase answers to.
func (m *Model) drillKeys() {
	k, d := &m.keys, m.drill
	for _, b := range k.all() {
		b.SetEnabled(false)
	}
	for _, b := range []*key.Binding{&k.Quit, &k.Lang, &k.Help, &k.Numbers, &k.Drill} {
		b.SetEnabled(true)
	}
	k.Drill.SetHelp("t", m.lang.t("key.leave-drill"))
	if d.phase == drillDone {
		k.Drill.SetHelp("t", m.lang.t("key.drill"))
	}
	k.Answer.SetEnabled(d.phase == drillAsking)
	k.DrillGo.SetEnabled(d.phase != drillAsking && d.phase != drillDone)
	k.More.SetEnabled(d.phase == drillRevealed)
	if len(d.qs) > 0 && d.phase == drillAsking {
		k.Answer.SetHelp(fmt.Sprintf("1-%d", len(d.qs[d.at].Choices)), m.lang.t("key.answer"))
	}
	if d.phase == drillRevealed && d.at+1 >= len(d.qs) {
		k.DrillGo.SetHelp("space", m.lang.t("drill.last"))
	} else {
		k.DrillGo.SetHelp("space", m.lang.t("key.drill-next"))
	}
}

// drillHeader is the drill's score for the header, or "".
func (m *Model) drillHeader() string {
	if m.drill == nil {
		return ""
	}
	return " · " + m.lang.t("drill.header", m.drill.score, m.drill.answered())
}

// drillRows is how many rows the narration pane needs for the drill now (0: its own).
func (m *Model) drillRows() int {
	d := m.drill
	if d == nil {
		return 0
	}
	switch d.phase {
	case drillAsking:
		return len(m.drillLines(m.width - 2))
	case drillRevealed, drillRevealing:
		return 6
	}
	return 0
}

// drillLines is what the narration pane shows while a question waits, or nil.
func (m *Model) drillLines(w int) []narLine {
	d := m.drill
	if d == nil || d.phase != drillAsking {
		return nil
	}
	k := drillLinesKey{d.at, w, m.lang, m.absolute}
	if d.lines != nil && d.linesFor == k {
		return d.lines
	}
	q := d.qs[d.at]
	var lines []narLine
	put := func(s string, st styleID) {
		for _, l := range wrap(s, w, nil) {
			lines = append(lines, narLine{s[l[0]:l[1]], st})
		}
	}
	put(m.questionText(q), stStrong)
	for i, c := range q.Choices {
		s := fmt.Sprintf("%d  %s", i+1, m.answerText(q, c))
		lines = append(lines, narLine{fitText(s, w), stPlain})
	}
	d.lines, d.linesFor = lines, k
	return lines
}

// questionText is a question in words.
func (m *Model) questionText(q drill.Question) string {
	l := m.lang
	switch q.Kind {
	case drill.Send:
		return l.t("drill.q.send")
	case drill.State:
		return l.t("drill.q.state", l.side(q.Side))
	case drill.Timer:
		return l.t("drill.q.timer", l.side(q.Side))
	}
	return l.t("drill.q.app", l.side(q.Side), q.Choices[q.Right].Call)
}

// answerText is a choice in words, with the numbers as the screen shows them.
func (m *Model) answerText(q drill.Question, a drill.Answer) string {
	l := m.lang
	switch q.Kind {
	case drill.Send:
		s := l.t("drill.a.send", l.sideTitle(a.Side), m.answerLabel(a))
		if a.Retrans > 0 {
			s += l.t("drill.a.retrans", a.Retrans)
		}
		return s
	case drill.State:
		switch {
		case a.CloseWait:
			return l.t("drill.a.close-wait")
		case a.Stay:
			return l.t("drill.a.stay", a.State.String())
		}
		return a.State.String()
	case drill.Timer:
		switch {
		case a.CloseWait:
			return l.t("drill.a.timer.cw")
		case a.Timer >= model.NumTimers:
			return l.t("drill.a.timer.none")
		case a.Timer == model.TimerTimeWait && !a.Restart && q.Choices[q.Right].Restart:
			return l.t("drill.a.timer.runs", l.timerName(a.Timer))
		case a.Restart:
			return l.t("drill.a.timer.new", l.timerName(a.Timer), trimSecs(a.Length))
		}
		return l.t("drill.a.timer", l.timerName(a.Timer), trimSecs(a.Length))
	}
	switch a.Result {
	case "EOF", "data", "blocks", "ok":
		return l.t("drill.a.app." + a.Result)
	}
	return l.t("drill.a.app.error", a.Result)
}

// answerLabel is a segment choice's label, relative or absolute as on screen.
func (m *Model) answerLabel(a drill.Answer) string {
	seg := model.Segment{From: a.Side, Flags: a.Flags, Seq: a.Seq, Ack: a.Ack, SeqBase: a.SeqBase, AckBase: a.AckBase, Len: a.Len}
	if m.absolute {
		return seg.LabelAbsolute()
	}
	return seg.Label()
}

// drillSummary is the summary's lines: the score, then each question missed, what
// was chosen and the model's answer, and where to see it again.
func (m *Model) drillSummary(w int) []narLine {
	d, l := m.drill, m.lang
	var lines []narLine
	put := func(s string, st styleID, indent string) {
		for _, r := range wrap(s, w-len(indent), nil) {
			lines = append(lines, narLine{indent + s[r[0]:r[1]], st})
		}
	}
	put(l.t("drill.done.title", d.score, len(d.qs)), stStrong, "")
	put(l.t("drill.done.keys"), stDim, "")
	if len(d.missed) == 0 {
		put(l.t("drill.done.none"), stPlain, "")
	} else {
		put(l.t("drill.done.missed"), stPlain, "")
	}
	for _, miss := range d.missed {
		q := miss.q
		ev := m.play.Timeline().At(q.Event)
		put("t="+secs(ev.T)+" s · "+m.questionText(q), stStrong, "")
		put(l.t("drill.done.you", m.answerText(q, q.Choices[miss.picked])), stPlain, "  ")
		put(l.t("drill.done.model", m.answerText(q, q.Choices[q.Right])), stPlain, "  ")
		if idx := m.opts.Questions; idx != nil {
			if title, ok := idx.QuestionFor(q.Topic, l); ok {
				put(l.t("drill.done.question", title), stRetrans, "  ")
				continue
			}
		}
		put(l.t("drill.done.step", m.play.Scenario().ID, q.Event+1), stDim, "  ")
	}
	return lines
}
