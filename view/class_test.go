package view

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/view/player"
)

// room is a Class that records what a model told it.
type room struct {
	published []player.Position
	following []bool
	polls     []PollState
	answers   [][2]int
}

func (r *room) Publish(p player.Position) { r.published = append(r.published, p) }
func (r *room) Following(f bool)          { r.following = append(r.following, f) }
func (r *room) Poll(p PollState)          { r.polls = append(r.polls, p) }
func (r *room) Answer(q, choice int)      { r.answers = append(r.answers, [2]int{q, choice}) }

func classModel(t *testing.T, role Role, r *room, lang Lang) *Model {
	t.Helper()
	sc, _ := scenarios.Lookup("client-close")
	m, err := New(Options{Scenario: sc, Role: role, Class: r, Lang: lang})
	if err != nil {
		t.Fatal(err)
	}
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	return m
}

// TestPresenterPublishesEveryMove: each move of the presenter's story reaches its
// room once, and nothing else does; its header counts the class.
func TestPresenterPublishesEveryMove(t *testing.T) {
	r := &room{}
	m := classModel(t, Presenter, r, En)
	n := len(r.published)
	press(m, "l", "l", "l")
	if len(r.published) != n+3 || r.published[len(r.published)-1].Cursor != 3 {
		t.Fatalf("published %d positions after three steps (was %d)", len(r.published), n)
	}
	press(m, "?", "?", "L", "L") // help and language move nothing
	if len(r.published) != n+3 {
		t.Errorf("help and language published %d positions", len(r.published)-n-3)
	}
	press(m, "d")
	if last := r.published[len(r.published)-1]; len(last.Faults) != 1 {
		t.Errorf("the drop did not travel: %+v", last)
	}
	m.Update(RoomMsg{Presenter: true, Following: 28, Exploring: 2})
	if s := screenText(m); !strings.Contains(s, "presenting: 28 following, 2 exploring") {
		t.Errorf("the presenter's header does not count the class:\n%s", s)
	}
}

// TestFollowerFollows: a follower shows the presenter's position, its story keys are
// off while it follows, f breaks away from that exact point with every key working,
// and f again rejoins where the presenter is now.
func TestFollowerFollows(t *testing.T) {
	lead := classModel(t, Presenter, &room{}, En)
	press(lead, "l", "l", "l", "l", "l", "d", "l")
	r := &room{}
	m := classModel(t, Follower, r, Zh)
	if s := screenText(m); !strings.Contains(s, "现在没有在上课") {
		t.Errorf("no presenter yet, and the header does not say so:\n%s", s)
	}
	m.Update(RoomMsg{Presenter: true})
	m.Update(FollowMsg{Position: lead.Player().Position()})
	if m.Cursor() != lead.Cursor() || m.Injected() != 1 || m.Timeline().Trace() != lead.Timeline().Trace() {
		t.Fatalf("follower at %d with %d drops; presenter at %d", m.Cursor(), m.Injected(), lead.Cursor())
	}
	if s := screenText(m); !strings.Contains(s, "跟随老师") || !strings.Contains(s, "✕") {
		t.Errorf("the follower's header or the drop is missing:\n%s", s)
	}
	// The story's keys do nothing while following.
	at := m.Cursor()
	press(m, "l", "l", "d", "p", "space", "s")
	if m.Cursor() != at || m.Injected() != 1 || m.Profile() != "linux" || m.Playing() || m.PickerOpen() {
		t.Fatalf("a following follower changed the story: cursor %d, %d drops, %s", m.Cursor(), m.Injected(), m.Profile())
	}
	// f: explore from here.
	press(m, "f")
	if len(r.following) != 1 || r.following[0] {
		t.Fatalf("the room was not told: %v", r.following)
	}
	press(m, "h", "h", "u")
	if m.Cursor() >= at || m.Injected() != 0 {
		t.Fatalf("an exploring follower cannot move: cursor %d, %d drops", m.Cursor(), m.Injected())
	}
	if s := screenText(m); !strings.Contains(s, "自己探索中") {
		t.Errorf("the header does not say exploring:\n%s", s)
	}
	// The presenter moves on meanwhile; f rejoins where the presenter is now.
	press(lead, "l", "l")
	m.Update(FollowMsg{Position: lead.Player().Position()})
	if m.Cursor() >= at {
		t.Fatal("an exploring follower was moved by the presenter")
	}
	press(m, "f")
	if m.Cursor() != lead.Cursor() || m.Injected() != 1 || !m.Following() {
		t.Fatalf("rejoined at %d with %d drops, presenter at %d", m.Cursor(), m.Injected(), lead.Cursor())
	}
	// The presenter leaves: the last picture stays, and the follower is told.
	m.Update(RoomMsg{Presenter: false})
	if s := screenText(m); !strings.Contains(s, "老师离开了") || m.Cursor() != lead.Cursor() {
		t.Errorf("the presenter left and the follower was not told:\n%s", s)
	}
	press(m, "l")
	if m.Cursor() != lead.Cursor()+1 {
		t.Error("with no presenter, the follower's keys stay off")
	}
}

// TestSoloHasNoClass: without a class, f does nothing and the header has no class.
func TestSoloHasNoClass(t *testing.T) {
	m := sized(t, "client-close", "linux", 100, 30)
	before := screenText(m)
	press(m, "f")
	if screenText(m) != before || m.Role() != Solo {
		t.Error("f changed a solo screen")
	}
}

// TestClassPoll: the presenter's drill asks the class. A follower sees the same
// question, answers it with a number, and the presenter's pane counts the answers;
// the presenter's own answer reveals the model's, and the follower is told whether it
// was right.
func TestClassPoll(t *testing.T) {
	r := &room{}
	lead := classModel(t, Presenter, r, En)
	f := classModel(t, Follower, &room{}, Zh)
	fr := f.class.room.(*room)
	// The presenter starts the drill; it plays up to its first question and asks.
	lead.startDrill()
	lead.drillSkip()
	lead.Update(RoomMsg{Presenter: true, Following: 1})
	if len(r.polls) == 0 || !r.polls[len(r.polls)-1].Active || r.polls[len(r.polls)-1].Revealed {
		t.Fatalf("the presenter's question was not put to the class: %+v", r.polls)
	}
	poll := r.polls[len(r.polls)-1]
	f.Update(FollowMsg{Position: lead.Player().Position()})
	f.Update(RoomMsg{Presenter: true, Following: 1, Poll: poll})
	q := lead.drill.qs[poll.Question]
	right := q.Right
	s := screenText(f)
	if !strings.Contains(s, "老师向全班提问") || !strings.Contains(s, f.answerText(q, q.Choices[0])) {
		t.Fatalf("the follower is not asked the presenter's question:\n%s", s)
	}
	wrong := (right + 1) % len(q.Choices)
	press(f, string(rune('1'+wrong)))
	if len(fr.answers) != 1 || fr.answers[0] != [2]int{poll.Question, wrong} {
		t.Fatalf("the follower's answer did not reach the room: %v", fr.answers)
	}
	press(f, string(rune('1'+right))) // one answer: the second is not sent
	if len(fr.answers) != 1 {
		t.Errorf("a second answer was sent: %v", fr.answers)
	}
	// The presenter sees the count.
	var answers [4]int
	answers[wrong] = 1
	lead.Update(RoomMsg{Presenter: true, Following: 3, Poll: poll, Answers: answers, Unanswered: 2})
	if s := screenText(lead); !strings.Contains(s, "The class:") || !strings.Contains(s, "2 yet to answer") {
		t.Errorf("the presenter does not see the poll:\n%s", s)
	}
	// The presenter answers: revealed. The follower is told it was wrong.
	press(lead, string(rune('1'+right)))
	if last := r.polls[len(r.polls)-1]; !last.Revealed || last.Question != poll.Question {
		t.Fatalf("the reveal was not published: %+v", last)
	}
	f.Update(RoomMsg{Presenter: true, Following: 1, Poll: r.polls[len(r.polls)-1]})
	if s := screenText(f); !strings.Contains(s, "你选了") {
		t.Errorf("the follower is not told its answer was wrong:\n%s", s)
	}
}

// TestPresenterSkipsHolds: while an event is held for reading only the story clock
// runs, and the presenter does not publish (each follower would draw the same frame
// again); what the followers show is the same as if every position had travelled.
func TestPresenterSkipsHolds(t *testing.T) {
	r := &room{}
	lead := classModel(t, Presenter, r, En)
	every := classModel(t, Follower, &room{}, En)
	last := classModel(t, Follower, &room{}, En)
	for _, f := range []*Model{every, last} {
		f.Update(RoomMsg{Presenter: true})
	}
	press(lead, " ")
	start := time.Unix(0, 0)
	ticks := 0
	for i := 1; lead.play.Playing() && i < 2000; i++ {
		lead.Update(tickMsg{gen: lead.gen, at: start.Add(time.Duration(i) * frameInterval)})
		ticks++
		every.Update(FollowMsg{Position: lead.Player().Position()})
		last.Update(FollowMsg{Position: r.published[len(r.published)-1]})
		if a, b := screenText(every), screenText(last); a != b {
			t.Fatalf("tick %d: the follower of the last published position shows\n%s\nand the follower of every position\n%s", i, b, a)
		}
	}
	if ticks < 100 || len(r.published) >= ticks*9/10 {
		t.Errorf("%d ticks, %d positions published: the holds were published too", ticks, len(r.published))
	}
}

// TestHoldsTickLess: while an event is held, playback ticks at the end of the hold
// (at most player.MaxTickGap on), not 30 times a second, and nothing on screen moves
// meanwhile: played 30 times a second, every frame within a wait that tickAfter asked
// for is the frame it was asked at; while virtual time runs it ticks every
// frameInterval.
func TestHoldsTickLess(t *testing.T) {
	m := classModel(t, Solo, nil, En)
	press(m, " ")
	start := time.Unix(0, 0)
	m.Update(tickMsg{gen: m.gen, at: start})
	holds, moving := 0, 0
	var until time.Duration // the end of the wait asked for
	var held string         // the frame when it was asked
	for i := 1; m.play.Playing() && i < 5000; i++ {
		at := time.Duration(i) * frameInterval
		m.Update(tickMsg{gen: m.gen, at: start.Add(at)})
		s := screenText(m)
		if at < until && s != held {
			t.Fatalf("at %s, within a hold to %s, the screen moved:\n%s\nwas\n%s", at, until, s, held)
		}
		if at >= until {
			if wait := m.tickAfter(); wait > frameInterval {
				holds++
				until, held = at+wait-frameInterval/2, s
			} else {
				moving++
			}
		}
	}
	if holds == 0 || moving == 0 {
		t.Errorf("%d waits in holds, %d ticks moving: want both", holds, moving)
	}
}
