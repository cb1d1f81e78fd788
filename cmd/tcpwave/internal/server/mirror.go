package server

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpwave/tcpwave/view"
)

// Followers that draw the same frame share one rendering of it (a mirror group).
//
// Most of a frame's cost is Bubble Tea's renderer, not the View: for every frame it
// clears a cell buffer of the whole screen, parses the View's string into it and
// compares every cell with the last frame (about 1.6 ms at 200×60 on a 2-core
// machine). In a class, the followers of one size, terminal and colour profile draw
// byte for byte the same View after each of the presenter's moves, and their
// renderers then write the same bytes. A group renders each frame once, with
// ultraviolet's renderer set up as Bubble Tea sets up its own, and writes the bytes to
// every member; a member's own program keeps running (keys, its model, its View) but
// its View is held still, so its renderer has nothing to do, and whatever it writes
// is dropped.
//
// A frame's identity is its content and the presenter's position it shows (the
// room's FollowMsg.Seq): a member joins a group only when its own View for a position
// is the group's frame for that position, and it leaves as soon as it is not (it
// opened the help, broke away, was resized, got a notice), when it falls too far
// behind, or when its session ends. Joining writes the whole current frame to the
// member (with the cursor where the group's renderer has it), so that from then on
// the group's changes apply to its screen; leaving hands the screen back to the
// member's own renderer with a full redraw (tea.ClearScreen), and the View stays held
// until that redraw is queued. Two followers showing the same frame start a group.
type mirrors struct {
	mu     sync.Mutex
	groups map[mirrorKey]*mirrorGroup
	cands  map[mirrorKey]candidate // a follower's last frame, waiting for a twin
}

// mirrorKey is what makes two renderers write the same bytes for the same View, in
// one room (the room's presenter numbers the positions a frame is known by).
type mirrorKey struct {
	room     string
	w, h     int
	term     string
	profile  colorprofile.Profile
	grapheme bool // the terminal reported Unicode core (mode 2027)
	syncd    bool // the terminal reported synchronized output (mode 2026)
}

type candidate struct {
	m    *mirrorMember
	seq  uint64
	view tea.View
}

// mirrorHistory is how many of a group's last frames are kept, by position, for a
// member that is a few positions behind.
const mirrorHistory = 16

// mirrorQueue is how many frames a member may have waiting to be written; a member
// whose connection falls further behind leaves its group.
const mirrorQueue = 32

type mirrorGroup struct {
	key     mirrorKey
	r       *uv.TerminalRenderer
	out     bytes.Buffer
	buf     uv.ScreenBuffer
	cur     string
	seq     uint64
	hist    map[uint64]string
	members map[*mirrorMember]struct{}
}

// mirrorMember is one follower's side of the mirrors.
type mirrorMember struct {
	raw  io.Writer     // the session
	sw   *switchWriter // the program's output
	send func(tea.Msg) // to its program
	log  func(msg any, kv ...any)

	overflow atomic.Bool // its queue was full: it missed a frame

	// Guarded by mirrors.mu.
	seq     uint64    // the position its model shows (from FollowMsg)
	key     mirrorKey // its terminal's, as its last View was asked for
	own     bool      // input of its own since its last View: that View may be its alone
	cand    bool      // it waits in cands[key] for a twin
	group   *mirrorGroup
	queue   chan []byte
	given   chan struct{} // closed once the output is its program's again (drain)
	held    tea.View      // its View while a member, and until its redraw after
	holding bool
	ended   bool
}

// unholdMsg tells a member's wrapper that its full redraw is queued: its View may move.
type unholdMsg struct{ mm *mirrorMember }

// switchWriter is a program's output that can be turned off (while the group writes).
type switchWriter struct {
	mu  sync.Mutex
	w   io.Writer
	off bool
}

func (s *switchWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.off {
		return len(p), nil
	}
	return s.w.Write(p)
}

func (s *switchWriter) set(off bool) {
	s.mu.Lock()
	s.off = off
	s.mu.Unlock()
}

func newMirrors() *mirrors {
	return &mirrors{groups: map[mirrorKey]*mirrorGroup{}, cands: map[mirrorKey]candidate{}}
}

// view is a follower's View as its program should see it: v itself when the follower
// draws on its own, or the held View while its group draws for it.
func (s *mirrors) view(mm *mirrorMember, key mirrorKey, v tea.View) tea.View {
	s.mu.Lock()
	defer s.mu.Unlock()
	if mm.ended {
		return v
	}
	own := mm.own
	mm.own, mm.key = false, key
	if g := mm.group; g != nil {
		switch {
		case own:
			// A key, a paste or a notice of its own: its View may be its alone (the
			// help, a break-away), even at a new position; it must not become the
			// group's frame.
			s.leave(mm, "its own input")
		case g.key != key:
			s.leave(mm, "resized")
		case mm.overflow.Load():
			s.leave(mm, "behind")
		case v.WindowTitle != mm.held.WindowTitle:
			// A group writes the screen, not the title: its program writes that.
			s.leave(mm, "title")
		case v.Content == g.cur:
		case mm.seq > g.seq:
			s.render(g, v.Content, mm.seq)
		case mm.seq < g.seq:
			if h, ok := g.hist[mm.seq]; ok && h != v.Content {
				s.leave(mm, "its own picture")
			}
		default: // the same position, another picture: its screen is its own now
			s.leave(mm, "its own picture")
		}
		return mm.held
	}
	if mm.holding {
		return mm.held // until its redraw is queued
	}
	if mm.seq == 0 {
		return v
	}
	if g := s.groups[key]; g != nil {
		if h, ok := g.hist[mm.seq]; ok && h == v.Content {
			s.join(g, mm, v)
			return mm.held
		}
		return v
	}
	if c, ok := s.cands[key]; ok && c.m != mm && !c.m.ended && c.m.group == nil && !c.m.holding &&
		c.m.key == key && c.seq == mm.seq && c.view.Content == v.Content {
		g := s.newGroup(key, v.Content, mm.seq)
		s.groups[key] = g
		delete(s.cands, key)
		c.m.cand = false
		s.dropCandidate(mm)
		s.join(g, c.m, c.view)
		s.join(g, mm, v)
		return mm.held
	}
	// One entry a member: its entry under its old terminal's key goes (a follower
	// resizing over and over must not leave a frame behind for each size).
	s.dropCandidate(mm)
	s.cands[key] = candidate{m: mm, seq: mm.seq, view: v}
	mm.cand = true
	return v
}

// dropCandidate removes mm's entry from cands, if it has one.
func (s *mirrors) dropCandidate(mm *mirrorMember) {
	if !mm.cand {
		return
	}
	mm.cand = false
	for k, c := range s.cands {
		if c.m == mm {
			delete(s.cands, k)
			return
		}
	}
}

// input notes input of a member's own (a key, a paste, a notice of dropped input):
// its next View may be its alone.
func (s *mirrors) input(mm *mirrorMember) {
	s.mu.Lock()
	mm.own = true
	s.mu.Unlock()
}

// followed records the position a member's model shows.
func (s *mirrors) followed(mm *mirrorMember, seq uint64) {
	s.mu.Lock()
	mm.seq = seq
	s.mu.Unlock()
}

// unhold lets a member's View move again after its redraw.
func (s *mirrors) unhold(mm *mirrorMember) {
	s.mu.Lock()
	if mm.group == nil {
		mm.holding = false
	}
	s.mu.Unlock()
}

// quit takes a member out for good as its program quits, and waits (a while at
// most) until its output is its program's again: the program's last words give the
// terminal back (the main screen, the cursor), and must not be dropped.
func (s *mirrors) quit(mm *mirrorMember) {
	s.mu.Lock()
	given := mm.given
	busy := mm.group != nil || mm.holding
	s.endLocked(mm)
	s.mu.Unlock()
	if busy && given != nil {
		select {
		case <-given:
		case <-time.After(mirrorQuitWait):
			// A slow link still writes the group's frames: the program's last
			// words (the main screen, the cursor) go out all the same, after them.
			mm.sw.set(false)
		}
	}
}

// mirrorQuitWait bounds how long a quitting member waits for its frames to be written.
const mirrorQuitWait = 2 * time.Second

// end takes a member out for good (its session ended).
func (s *mirrors) end(mm *mirrorMember) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.endLocked(mm)
}

func (s *mirrors) endLocked(mm *mirrorMember) {
	mm.ended = true
	if mm.group != nil {
		s.leave(mm, "ended")
	}
	s.dropCandidate(mm)
}

func (s *mirrors) newGroup(key mirrorKey, content string, seq uint64) *mirrorGroup {
	g := &mirrorGroup{key: key, hist: map[uint64]string{}, members: map[*mirrorMember]struct{}{}}
	g.r = newMirrorRenderer(&g.out, key)
	g.buf = uv.NewScreenBuffer(key.w, key.h)
	if key.grapheme {
		g.buf.Method = ansi.GraphemeWidth
	}
	s.render(g, content, seq)
	g.out.Reset() // the first frame goes to each member whole, as it joins
	return g
}

// newMirrorRenderer is ultraviolet's renderer as Bubble Tea sets it up for an SSH
// session in the alt screen (cursedRenderer: reset, setOptimizations, enterAltScreen).
func newMirrorRenderer(w io.Writer, key mirrorKey) *uv.TerminalRenderer {
	r := uv.NewTerminalRenderer(w, []string{"TERM=" + key.term})
	r.SetColorProfile(key.profile)
	r.SetTabStops(-1)
	r.SetBackspace(false)
	r.SetMapNewline(true)
	r.SetScrollOptim(true)
	r.Resize(key.w, key.h)
	r.SetFullscreen(true)
	r.SetRelativeCursor(false)
	r.Erase()
	return r
}

// render draws content as the group's next frame and queues the changes to every
// member.
func (s *mirrors) render(g *mirrorGroup, content string, seq uint64) {
	g.buf.Clear()
	uv.NewStyledString(content).Draw(g.buf, g.buf.Bounds())
	g.r.Render(g.buf.RenderBuffer)
	_ = g.r.Flush()
	g.cur, g.seq = content, seq
	g.hist[seq] = content
	// Positions reach a group with gaps (a member takes only the latest), so every
	// frame older than the history goes, not only the one mirrorHistory back.
	for old := range g.hist {
		if old+mirrorHistory <= seq {
			delete(g.hist, old)
		}
	}
	if g.out.Len() == 0 {
		return
	}
	b := wrapSync(g.key, g.out.Bytes())
	g.out.Reset()
	for mm := range g.members {
		select {
		case mm.queue <- b:
		default:
			mm.overflow.Store(true)
		}
	}
}

// wrapSync wraps a frame's changes in synchronized output when the terminal has it,
// as Bubble Tea does. It returns a copy.
func wrapSync(key mirrorKey, b []byte) []byte {
	out := make([]byte, 0, len(b)+16)
	if key.syncd {
		out = append(out, ansi.SetModeSynchronizedOutput...)
	}
	out = append(out, b...)
	if key.syncd {
		out = append(out, ansi.ResetModeSynchronizedOutput...)
	}
	return out
}

// join makes mm a member of g: its program's output is turned off, and its screen
// gets g's current frame whole (drain does both, in that order).
func (s *mirrors) join(g *mirrorGroup, mm *mirrorMember, v tea.View) {
	mm.queue = make(chan []byte, mirrorQueue)
	mm.given = make(chan struct{})
	mm.overflow.Store(false)
	mm.group, mm.held, mm.holding = g, v, true
	g.members[mm] = struct{}{}
	mm.log("mirror join", "members", len(g.members), "size", fmt.Sprintf("%dx%d", g.key.w, g.key.h))
	mm.queue <- wrapSync(g.key, g.whole())
	go drain(mm, mm.queue, mm.given)
}

// whole is g's current frame drawn from scratch, ending with the cursor where g's
// renderer has it, so that g's next changes apply to it.
func (g *mirrorGroup) whole() []byte {
	var out bytes.Buffer
	r := newMirrorRenderer(&out, g.key)
	buf := uv.NewScreenBuffer(g.key.w, g.key.h)
	buf.Method = g.buf.Method
	uv.NewStyledString(g.cur).Draw(buf, buf.Bounds())
	r.Render(buf.RenderBuffer)
	r.MoveTo(g.r.Position())
	_ = r.Flush()
	return out.Bytes()
}

// leave takes mm out of its group; a group of one is no group, and its last member
// leaves too.
func (s *mirrors) leave(mm *mirrorMember, why string) {
	g := mm.group
	mm.log("mirror leave", "why", why, "members", len(g.members)-1)
	delete(g.members, mm)
	mm.group = nil
	close(mm.queue) // drain hands the screen back once the frames queued are written
	mm.queue = nil
	if len(g.members) < 2 {
		for o := range g.members {
			s.leave(o, "alone")
		}
		if s.groups[g.key] == g {
			delete(s.groups, g.key)
		}
	}
}

// drain writes a member's frames until it leaves, then hands its screen back to its
// program: output on, a full redraw, and its View free to move.
func drain(mm *mirrorMember, q <-chan []byte, given chan<- struct{}) {
	// Here, not in join: turning the output off waits for a write of the program's
	// own in progress, which a slow connection may hold up.
	mm.sw.set(true)
	for b := range q {
		_, _ = mm.raw.Write(b)
	}
	mm.sw.set(false)
	close(given)
	mm.send(tea.ClearScreen())
	mm.send(unholdMsg{mm})
}

// mirrorMsg notes what a follower's mirroring depends on: the presenter's position
// its model shows, what its terminal reported, and the end of a hold.
func (m *wrapper) mirrorMsg(msg tea.Msg) {
	if m.mir == nil {
		return
	}
	switch msg := msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg, tea.MouseMsg, inputNoticeMsg:
		m.srv.mirrors.input(m.mir)
	case view.FollowMsg:
		m.srv.mirrors.followed(m.mir, msg.Seq)
	case tea.ColorProfileMsg:
		m.mkey.profile = msg.Profile
	case tea.ModeReportMsg:
		switch msg.Mode {
		case ansi.ModeSynchronizedOutput:
			m.mkey.syncd = m.mkey.syncd || msg.Value == ansi.ModeReset
		case ansi.ModeUnicodeCore:
			m.mkey.grapheme = m.mkey.grapheme || msg.Value == ansi.ModeReset || msg.Value == ansi.ModeSet || msg.Value == ansi.ModePermanentlySet
		}
	case unholdMsg:
		if msg.mm == m.mir {
			m.srv.mirrors.unhold(m.mir)
			m.fresh = true
		}
	}
}

// mirrored is v as the program should see it (mirrors.view).
func (m *wrapper) mirrored(v tea.View) tea.View {
	if m.mir == nil || m.panicked {
		return v
	}
	key := m.mkey
	key.w, key.h = m.w, m.h
	return m.srv.mirrors.view(m.mir, key, v)
}
