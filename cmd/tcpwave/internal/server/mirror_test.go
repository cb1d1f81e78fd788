package server

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// fakeFollower is a follower's side for the mirrors: what its session received, what
// its program wrote, and the messages its program got.
type fakeFollower struct {
	mm      *mirrorMember
	session syncBuffer // the screen's bytes, from the group or the program
	mu      sync.Mutex
	msgs    []tea.Msg
}

func newFakeFollower() *fakeFollower {
	f := &fakeFollower{}
	f.mm = &mirrorMember{raw: &f.session, sw: &switchWriter{w: &f.session}, log: func(any, ...any) {}}
	f.mm.send = func(m tea.Msg) { f.mu.Lock(); f.msgs = append(f.msgs, m); f.mu.Unlock() }
	return f
}

func (f *fakeFollower) got(want func(tea.Msg) bool) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range f.msgs {
		if want(m) {
			return true
		}
	}
	return false
}

func frameOf(seq uint64, extra string) tea.View {
	var v tea.View
	lines := []string{fmt.Sprintf("tcpwave · event %d", seq), "│ a lifeline" + extra}
	v.SetContent(strings.Join(lines, "\n"))
	return v
}

func eventually(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestMirrorsShareAndHandBack: two followers at one position with one picture form a
// group, and their programs' output is turned off; a third joins; the frame of the
// next position is rendered once and reaches all three; a member with another
// picture at a position leaves, and its program gets a full redraw and its View back;
// a group of one is no group.
func TestMirrorsShareAndHandBack(t *testing.T) {
	s := newMirrors()
	key := mirrorKey{w: 40, h: 5, term: "xterm-256color", profile: colorprofile.ANSI256}
	a, b, c := newFakeFollower(), newFakeFollower(), newFakeFollower()
	for _, f := range []*fakeFollower{a, b, c} {
		s.followed(f.mm, 1)
	}
	if v := s.view(a.mm, key, frameOf(1, "")); v.Content != frameOf(1, "").Content || a.mm.group != nil {
		t.Fatalf("a alone is in a group")
	}
	s.view(b.mm, key, frameOf(1, ""))
	if a.mm.group == nil || a.mm.group != b.mm.group {
		t.Fatal("a and b, at one position with one picture, are not one group")
	}
	s.view(c.mm, key, frameOf(1, ""))
	g := a.mm.group
	if c.mm.group != g || len(g.members) != 3 {
		t.Fatalf("c did not join: %d members", len(g.members))
	}
	for _, f := range []*fakeFollower{a, b, c} {
		eventually(t, "the whole frame written to each", func() bool { return strings.Contains(f.session.String(), "event 1") })
	}
	// Each program's own output is dropped now.
	eventually(t, "a's program's output off", func() bool { a.mm.sw.mu.Lock(); defer a.mm.sw.mu.Unlock(); return a.mm.sw.off })
	fmt.Fprint(a.mm.sw, "PROGRAM")
	if strings.Contains(a.session.String(), "PROGRAM") {
		t.Error("a's program wrote to the screen while in a group")
	}

	// The next position: b gets there first and renders it for all.
	for _, f := range []*fakeFollower{a, b, c} {
		s.followed(f.mm, 2)
	}
	held := s.view(b.mm, key, frameOf(2, ""))
	if held.Content != frameOf(1, "").Content {
		t.Errorf("b's View moved while the group draws: %q", held.Content)
	}
	for _, f := range []*fakeFollower{a, b, c} {
		eventually(t, "the next frame for each", func() bool { return strings.Contains(f.session.String(), "2") && g.seq == 2 })
	}
	s.view(a.mm, key, frameOf(2, ""))
	s.view(c.mm, key, frameOf(2, ""))
	if len(g.members) != 3 {
		t.Fatalf("a member left over the same picture: %d", len(g.members))
	}

	// c opens its help: another picture at the same position.
	s.view(c.mm, key, frameOf(2, " and c's help"))
	if c.mm.group != nil || len(g.members) != 2 {
		t.Fatalf("c, with its own picture, is still in the group")
	}
	eventually(t, "c's program gets a full redraw and its View back", func() bool {
		return c.got(func(m tea.Msg) bool { _, ok := m.(unholdMsg); return ok })
	})
	s.unhold(c.mm)
	if v := s.view(c.mm, key, frameOf(2, " and c's help")); !strings.Contains(v.Content, "c's help") {
		t.Errorf("c's View is still held: %q", v.Content)
	}
	if !c.got(func(m tea.Msg) bool { return fmt.Sprintf("%T", m) == fmt.Sprintf("%T", tea.ClearScreen()) }) {
		t.Error("c's program was not told to redraw its whole screen")
	}

	// A new scenario's title: the group does not write titles, b's program does.
	titled := frameOf(3, "")
	titled.WindowTitle = "tcpwave · another scenario"
	s.followed(b.mm, 3)
	s.view(b.mm, key, titled)
	if b.mm.group != nil {
		t.Fatal("b stays in the group with another window title")
	}
	s.unhold(b.mm)
	eventually(t, "b's own output back", func() bool { b.mm.sw.mu.Lock(); defer b.mm.sw.mu.Unlock(); return !b.mm.sw.off })

	// a's session ends: no group is left.
	s.end(a.mm)
	if s.groups[key] != nil {
		t.Error("a group of none remains")
	}
}

func TestMirrorsEndAlone(t *testing.T) {
	s := newMirrors()
	key := mirrorKey{w: 40, h: 5, term: "xterm-256color", profile: colorprofile.ANSI256}
	a, b := newFakeFollower(), newFakeFollower()
	for _, f := range []*fakeFollower{a, b} {
		s.followed(f.mm, 1)
		s.view(f.mm, key, frameOf(1, ""))
	}
	if a.mm.group == nil {
		t.Fatal("no group")
	}
	// b's session ends: a alone is no group.
	s.end(b.mm)
	if a.mm.group != nil || s.groups[key] != nil {
		t.Error("a group of one remains")
	}
}

// TestMirrorsDropTheSlow: a member whose connection does not take its frames (its
// queue full) leaves at its next View, and the others go on.
func TestMirrorsDropTheSlow(t *testing.T) {
	s := newMirrors()
	key := mirrorKey{w: 20, h: 3, term: "xterm", profile: colorprofile.ANSI}
	fs := []*fakeFollower{newFakeFollower(), newFakeFollower(), newFakeFollower()}
	slow := fs[2]
	block := make(chan struct{})
	defer close(block)
	slow.mm.raw = writerFunc(func(p []byte) (int, error) { <-block; return len(p), nil })
	for _, f := range fs {
		s.followed(f.mm, 1)
		s.view(f.mm, key, frameOf(1, ""))
	}
	drained := func(f *fakeFollower) func() bool {
		return func() bool { s.mu.Lock(); defer s.mu.Unlock(); return f.mm.queue == nil || len(f.mm.queue) == 0 }
	}
	for seq := uint64(2); seq < 2+mirrorQueue+4; seq++ {
		s.followed(fs[0].mm, seq)
		s.view(fs[0].mm, key, frameOf(seq, ""))
		// The others' connections take their frames as they come.
		eventually(t, "the others' frames written", drained(fs[0]))
		eventually(t, "the others' frames written", drained(fs[1]))
	}
	if !slow.mm.overflow.Load() {
		t.Fatal("the slow member's queue never filled")
	}
	s.view(slow.mm, key, frameOf(1, ""))
	if slow.mm.group != nil || fs[0].mm.group == nil || fs[0].mm.group != fs[1].mm.group {
		t.Error("the slow member is still in, or the others are out")
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestMirrorsKeepABoundedHistory: positions reach a group with gaps (a member takes
// only the latest), and the group keeps only the last mirrorHistory positions' frames
// however far apart they come (every 2nd or 3rd position once left 800 of 2000).
func TestMirrorsKeepABoundedHistory(t *testing.T) {
	s := newMirrors()
	key := mirrorKey{w: 40, h: 5, term: "xterm-256color", profile: colorprofile.ANSI256}
	a, b := newFakeFollower(), newFakeFollower()
	seq := uint64(1)
	for _, f := range []*fakeFollower{a, b} {
		s.followed(f.mm, seq)
		s.view(f.mm, key, frameOf(seq, ""))
	}
	g := a.mm.group
	if g == nil {
		t.Fatal("no group")
	}
	for i := 0; seq < 2000; i++ {
		seq += uint64(2 + i%2)
		for _, f := range []*fakeFollower{a, b} {
			s.followed(f.mm, seq)
			s.view(f.mm, key, frameOf(seq, ""))
		}
	}
	s.mu.Lock()
	n := len(g.hist)
	s.mu.Unlock()
	if n > mirrorHistory {
		t.Errorf("the group holds %d frames, more than its history of %d", n, mirrorHistory)
	}
}

// TestMirrorsLeaveOnOwnInput: a member's key (its help, a break-away) makes its next
// View its own, even at a new position: it leaves, and that View never becomes the
// group's frame (once, a follower's help was drawn on every screen of its group).
func TestMirrorsLeaveOnOwnInput(t *testing.T) {
	s := newMirrors()
	key := mirrorKey{w: 40, h: 5, term: "xterm-256color", profile: colorprofile.ANSI256}
	a, b, c := newFakeFollower(), newFakeFollower(), newFakeFollower()
	for _, f := range []*fakeFollower{a, b, c} {
		s.followed(f.mm, 1)
		s.view(f.mm, key, frameOf(1, ""))
	}
	g := a.mm.group
	if g == nil || len(g.members) != 3 {
		t.Fatal("no group of three")
	}
	s.input(a.mm)
	s.followed(a.mm, 2)
	s.view(a.mm, key, frameOf(2, " HELP OF A"))
	s.mu.Lock()
	cur, inGroup := g.cur, a.mm.group != nil
	s.mu.Unlock()
	if inGroup || strings.Contains(cur, "HELP OF A") {
		t.Errorf("a's own View: still in the group %v, the group's frame %q", inGroup, cur)
	}
	if b.mm.group != g || c.mm.group != g {
		t.Error("b and c left with a")
	}
}

// TestMirrorsCandidatesFollowTheTerminal: a follower waiting for a twin, then
// resized, is no twin for a follower at its old size, and keeps one entry however
// often it resizes.
func TestMirrorsCandidatesFollowTheTerminal(t *testing.T) {
	s := newMirrors()
	small := mirrorKey{w: 40, h: 5, term: "xterm-256color", profile: colorprofile.ANSI256}
	a, b := newFakeFollower(), newFakeFollower()
	s.followed(a.mm, 1)
	s.view(a.mm, small, frameOf(1, ""))
	for w := 41; w < 300; w++ {
		k := small
		k.w = w
		s.view(a.mm, k, frameOf(1, ""))
	}
	s.mu.Lock()
	n := len(s.cands)
	s.mu.Unlock()
	if n != 1 {
		t.Errorf("one follower resizing left %d candidates", n)
	}
	s.followed(b.mm, 1)
	s.view(b.mm, small, frameOf(1, ""))
	if a.mm.group != nil || b.mm.group != nil {
		t.Error("a, now 299 wide, joined a group at 40×5")
	}
}
