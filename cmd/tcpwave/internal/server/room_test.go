package server

import (
	"context"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpwave/tcpwave/view"
	"github.com/tcpwave/tcpwave/view/player"
)

// sink is a program that records what the room sends it; a blocked sink takes
// nothing until released, like a follower whose client stopped reading.
type sink struct {
	mu      sync.Mutex
	follows []player.Position
	rooms   []view.RoomMsg
	got     chan struct{}
	release chan struct{} // nil: never blocks
}

func newSink(blocked bool) *sink {
	s := &sink{got: make(chan struct{}, 1)}
	if blocked {
		s.release = make(chan struct{})
	}
	return s
}

func (s *sink) Send(msg tea.Msg) {
	if s.release != nil {
		<-s.release
	}
	s.mu.Lock()
	switch m := msg.(type) {
	case view.FollowMsg:
		s.follows = append(s.follows, m.Position)
	case view.RoomMsg:
		s.rooms = append(s.rooms, m)
	}
	s.mu.Unlock()
	select {
	case s.got <- struct{}{}:
	default:
	}
}

// waitFor waits until ok holds of what the sink got (the test's deadline bounds it).
func (s *sink) waitFor(t *testing.T, what string, ok func(follows []player.Position, rooms []view.RoomMsg) bool) {
	t.Helper()
	for {
		s.mu.Lock()
		done := ok(s.follows, s.rooms)
		s.mu.Unlock()
		if done {
			return
		}
		select {
		case <-s.got:
		case <-t.Context().Done():
			t.Fatalf("never got %s", what)
		}
	}
}

// TestRoomFansOutTheLatest: a presenter's thousand moves reach each follower as the
// latest position, coalesced (far fewer messages than moves); a follower that takes
// nothing holds up neither the presenter nor the others; counts follow breakaways.
func TestRoomFansOutTheLatest(t *testing.T) {
	r := newRoom(1000) // a frame of 1 ms
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pres := r.join(true)
	presSink := newSink(false)
	go pres.deliver(ctx, presSink, func() {})
	var fast []*sink
	var members []*member
	for range 3 {
		m, s := r.join(false), newSink(false)
		go m.deliver(ctx, s, func() {})
		fast, members = append(fast, s), append(members, m)
	}
	stuck := r.join(false)
	stuckSink := newSink(true)
	go stuck.deliver(ctx, stuckSink, func() {})

	// A thousand moves, published as fast as the presenter makes them: Publish never
	// waits for a follower (the stuck one would hold it for ever).
	const moves = 1000
	for i := 1; i <= moves; i++ {
		pres.Publish(player.Position{Scenario: "client-close", Profile: "linux", Cursor: i, Now: time.Duration(i)})
	}
	for i, s := range fast {
		s.waitFor(t, "the last move", func(f []player.Position, _ []view.RoomMsg) bool {
			return len(f) > 0 && f[len(f)-1].Cursor == moves
		})
		s.mu.Lock()
		n := len(s.follows)
		for j := 1; j < n; j++ {
			if s.follows[j].Cursor < s.follows[j-1].Cursor {
				t.Errorf("follower %d went back from %d to %d", i, s.follows[j-1].Cursor, s.follows[j].Cursor)
			}
		}
		s.mu.Unlock()
		if n >= moves/2 {
			t.Errorf("follower %d got %d messages for %d moves: not coalesced", i, n, moves)
		}
	}
	// A follower explores: the presenter's count says so.
	members[0].Following(false)
	presSink.waitFor(t, "3 following and 1 exploring", func(_ []player.Position, rooms []view.RoomMsg) bool {
		return len(rooms) > 0 && rooms[len(rooms)-1] == view.RoomMsg{Presenter: true, Following: 3, Exploring: 1}
	})
	// The stuck follower, released, catches up at once with the latest.
	close(stuckSink.release)
	stuckSink.waitFor(t, "the latest position", func(f []player.Position, _ []view.RoomMsg) bool {
		return len(f) > 0 && f[len(f)-1].Cursor == moves
	})
	// The presenter leaves: every follower is told, and keeps the last position.
	pres.leave()
	fast[1].waitFor(t, "the presenter gone", func(f []player.Position, rooms []view.RoomMsg) bool {
		return len(rooms) > 0 && !rooms[len(rooms)-1].Presenter && f[len(f)-1].Cursor == moves
	})
	stuck.leave()
	for _, m := range members {
		m.leave()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.members) != 0 || r.presenters != 0 || r.followers != 0 || r.following != 0 {
		t.Errorf("after everyone left: %d members, %d presenters, %d followers, %d following", len(r.members), r.presenters, r.followers, r.following)
	}
}

// TestRoomCountsThePoll: the followers' answers to the presenter's question are
// counted by choice, once each, only for the open question and only while following;
// a new question, or the presenter's leaving, clears them.
func TestRoomCountsThePoll(t *testing.T) {
	r := newRoom(1000)
	pres := r.join(true)
	a, b, c := r.join(false), r.join(false), r.join(false)
	pres.Poll(view.PollState{Active: true, Question: 2})
	a.Answer(2, 1)
	b.Answer(2, 3)
	b.Answer(2, 1) // the last choice counts
	c.Answer(1, 0) // another question: not counted
	a.Answer(2, 9) // no such choice
	msg := pres.state().msg
	if msg.Answers != [4]int{0, 2, 0, 0} || msg.Unanswered != 1 {
		t.Errorf("answers %v, %d unanswered; want [0 2 0 0] and 1", msg.Answers, msg.Unanswered)
	}
	if fm := c.state().msg; fm.Poll != (view.PollState{Active: true, Question: 2}) || fm.Answers != [4]int{} {
		t.Errorf("a follower sees %+v", fm)
	}
	b.Following(false) // an explorer's answer is not the class's
	if msg := pres.state().msg; msg.Answers != [4]int{0, 1, 0, 0} || msg.Unanswered != 1 {
		t.Errorf("after b explores: answers %v, %d unanswered", msg.Answers, msg.Unanswered)
	}
	pres.Poll(view.PollState{Active: true, Question: 2, Revealed: true})
	c.Answer(2, 0) // revealed: too late
	pres.Poll(view.PollState{Active: true, Question: 3})
	if msg := pres.state().msg; msg.Answers != [4]int{} {
		t.Errorf("a new question kept the answers: %v", msg.Answers)
	}
	a.Answer(3, 2)
	pres.leave()
	if fm := a.state().msg; fm.Poll.Active || len(r.answers) != 0 {
		t.Errorf("the presenter left and the poll stayed: %+v, %d answers", fm.Poll, len(r.answers))
	}
}
