package view

import (
	"fmt"
	"strings"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/view/drill"
)

// The class's poll: when the presenter runs the drill (t), every follower that follows
// is asked the same question on its own terminal, answers it with 1–4, and the
// presenter's screen counts the answers live; the presenter's own answer reveals the
// model's, and every follower sees it and whether they were right. The question is
// not sent: each follower computes the drill of the same story (view/drill is
// deterministic), so only its number travels, with the answers.

// PollState is the presenter's drill as the room sees it.
type PollState struct {
	Active   bool // a drill runs
	Question int  // the question asked, by its index in the drill of the story
	Revealed bool // the presenter answered: the model's answer is shown
}

// pollState is the presenter's drill now.
func (m *Model) pollState() PollState {
	d := m.drill
	if d == nil || d.phase == drillDone || len(d.qs) == 0 {
		return PollState{}
	}
	// Moving to a question is not asking it yet: the followers are asked when the
	// presenter is.
	return PollState{Active: d.phase != drillMoving, Question: d.at, Revealed: d.phase >= drillRevealing}
}

// publishPoll hands the presenter's drill to the room when it changed.
func (m *Model) publishPoll() {
	c := &m.class
	if c.role != Presenter {
		return
	}
	if p := m.pollState(); p != c.poll {
		c.poll = p
		c.room.Poll(p)
	}
}

// followerPoll is a follower's side of the poll.
type followerPoll struct {
	state  PollState
	qs     []drill.Question
	qsFor  *model.Timeline // the timeline qs were made for
	picked int             // the choice sent, or -1
}

// pollMsg takes the room's poll (a follower's).
func (m *Model) pollMsg(p PollState) {
	c := &m.class
	if c.role != Follower {
		return
	}
	if !p.Active {
		c.fpoll.state = p
		return
	}
	f := &c.fpoll
	if f.state.Question != p.Question || !f.state.Active {
		f.picked = -1
	}
	revealedNow := p.Revealed && !f.state.Revealed
	f.state = p
	if revealedNow && c.follows {
		if q, ok := m.pollQuestion(); ok {
			m.setFlash(m.pollVerdict(q))
		}
	}
}

// pollQuestion is the question the room is asked, as this follower's drill of the
// same story has it.
func (m *Model) pollQuestion() (drill.Question, bool) {
	f := &m.class.fpoll
	tl := m.play.Timeline()
	if f.qsFor != tl {
		var other *model.Timeline
		if o, ok := m.play.Other(); ok {
			other = model.Run(tl.Scenario, *o)
		}
		f.qs, f.qsFor = drill.Questions(tl, drill.Alternatives(tl, other)), tl
	}
	if !f.state.Active || f.state.Question < 0 || f.state.Question >= len(f.qs) {
		return drill.Question{}, false
	}
	return f.qs[f.state.Question], true
}

// polling reports whether a following follower is asked a question now.
func (m *Model) polling() bool {
	c := &m.class
	return c.role == Follower && c.follows && c.presenterIn && c.fpoll.state.Active && !c.fpoll.state.Revealed
}

// pollAnswer sends a follower's choice n (from 0) to the room.
func (m *Model) pollAnswer(n int) {
	q, ok := m.pollQuestion()
	if !ok || n < 0 || n >= len(q.Choices) || m.class.fpoll.picked >= 0 {
		return
	}
	m.class.fpoll.picked = n
	m.class.room.Answer(m.class.fpoll.state.Question, n)
}

// pollVerdict says whether the follower's choice was the model's.
func (m *Model) pollVerdict(q drill.Question) string {
	l, picked := m.lang, m.class.fpoll.picked
	right := m.answerText(q, q.Choices[q.Right])
	switch {
	case picked < 0:
		return l.t("poll.unanswered", right)
	case picked == q.Right:
		return l.t("drill.right", right)
	}
	return l.t("drill.wrong", m.answerText(q, q.Choices[picked]), right)
}

// pollLines is what a follower's narration pane shows while the room is asked, or nil.
func (m *Model) pollLines(w int) []narLine {
	if !m.polling() {
		return nil
	}
	q, ok := m.pollQuestion()
	if !ok {
		return nil
	}
	var lines []narLine
	for _, l := range wrap(m.questionText(q), w, nil) {
		lines = append(lines, narLine{m.questionText(q)[l[0]:l[1]], stStrong})
	}
	picked := m.class.fpoll.picked
	for i, c := range q.Choices {
		mark, st := "  ", stPlain
		if i == picked {
			mark, st = "▸ ", stStrong
		}
		lines = append(lines, narLine{fitText(fmt.Sprintf("%s%d  %s", mark, i+1, m.answerText(q, c)), w), st})
	}
	if picked >= 0 {
		lines = append(lines, narLine{fitText(m.lang.t("poll.sent", picked+1), w), stDim})
	} else {
		lines = append(lines, narLine{fitText(m.lang.t("poll.ask"), w), stDim})
	}
	return lines
}

// pollTally is the presenter's count of the room's answers, for its question pane.
func (m *Model) pollTally(w int) []narLine {
	c := &m.class
	if c.role != Presenter || !c.poll.Active || c.poll.Revealed {
		return nil
	}
	var b strings.Builder
	b.WriteString(m.lang.t("poll.tally"))
	for i, n := range c.answers {
		if i >= len(m.drill.qs[m.drill.at].Choices) {
			break
		}
		fmt.Fprintf(&b, "  %d: %d", i+1, n)
	}
	b.WriteString("  · " + m.lang.t("poll.waiting", c.unanswered))
	return []narLine{{fitText(b.String(), w), stRetrans}}
}
