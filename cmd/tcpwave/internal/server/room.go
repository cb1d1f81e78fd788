package server

import (
	"context"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/tcpwave/tcpwave/view"
	"github.com/tcpwave/tcpwave/view/player"
)

// A room is one class: the sessions whose key is a presenter key drive, every other
// session follows. What a presenter's model publishes is its position in the story (a
// player.Position), and the room hands each member the latest one when the member can
// take it: a publish costs O(members) non-blocking wake-ups and nothing more, each
// member's own goroutine delivers at most one message a frame, and a slow member only
// ever skips to the latest position, so it never slows the presenter or the others.
type room struct {
	frame time.Duration // the least time between two deliveries to one member
	name  string        // "" for the default room (rooms.go)
	rooms *rooms        // the server's rooms, nil for a room of its own (tests)
	refs  int           // members joined and not yet gone, guarded by rooms.mu

	mu         sync.Mutex
	pos        player.Position
	seq        uint64 // numbers the presenter's positions
	havePos    bool
	presenters int
	members    map[*member]struct{}
	following  int // followers that follow (the rest explore)
	followers  int
	// poll is the presenter's drill; answers the followers' choices to its question.
	poll    view.PollState
	answers map[*member]int
}

func newRoom(fps int) *room {
	return &room{frame: time.Second / time.Duration(max(fps, 1)), members: map[*member]struct{}{}, answers: map[*member]int{}}
}

// member is one session's side of the room: it is the view's Class.
type member struct {
	room      *room
	presenter bool
	wake      chan struct{} // cap 1: something changed since the last delivery

	// Guarded by room.mu.
	follows bool
}

var _ view.Class = (*member)(nil)

// role is the member's part, for the log.
func (m *member) role() string {
	if m.presenter {
		return "presenter"
	}
	return "follower"
}

// join adds a session to the room.
func (r *room) join(presenter bool) *member {
	m := &member{room: r, presenter: presenter, wake: make(chan struct{}, 1), follows: !presenter}
	r.mu.Lock()
	r.members[m] = struct{}{}
	if presenter {
		r.presenters++
	} else {
		r.followers++
		r.following++
	}
	r.wakeAll()
	r.mu.Unlock()
	m.poke()
	return m
}

// leave removes a session from the room: a presenter's followers keep the last
// position and are told the presenter left. The last to leave a named room drops it.
func (m *member) leave() {
	if m.drop() && m.room.rooms != nil {
		m.room.rooms.left(m.room)
	}
}

// drop takes m out of its room's members; false if it was not in.
func (m *member) drop() bool {
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.members[m]; !ok {
		return false
	}
	delete(r.members, m)
	delete(r.answers, m)
	if m.presenter {
		r.presenters--
		if r.presenters == 0 {
			r.poll = view.PollState{} // a presenter's drill ends with them
			clear(r.answers)
		}
	} else {
		r.followers--
		if m.follows {
			r.following--
		}
	}
	r.wakeAll()
	return true
}

// wakeAll tells every member something changed (r.mu held).
func (r *room) wakeAll() {
	for o := range r.members {
		o.poke()
	}
}

func (m *member) poke() {
	select {
	case m.wake <- struct{}{}:
	default: // already woken: it will read the latest
	}
}

// Publish implements view.Class: a presenter's new position.
func (m *member) Publish(pos player.Position) {
	if !m.presenter {
		return
	}
	r := m.room
	r.mu.Lock()
	r.pos, r.havePos = pos, true
	r.seq++
	for o := range r.members {
		if !o.presenter {
			o.poke()
		}
	}
	r.mu.Unlock()
}

// Poll implements view.Class: the presenter's drill. A new question clears the answers.
func (m *member) Poll(p view.PollState) {
	if !m.presenter {
		return
	}
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if p.Question != r.poll.Question || p.Active != r.poll.Active {
		clear(r.answers)
	}
	r.poll = p
	r.wakeAll()
}

// Answer implements view.Class: a follower's choice for the poll's question, counted
// once per follower (the last choice counts) and only while the question is open.
func (m *member) Answer(question, choice int) {
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if m.presenter || !r.poll.Active || r.poll.Revealed || question != r.poll.Question || choice < 0 || choice >= 4 {
		return
	}
	r.answers[m] = choice
	for o := range r.members {
		if o.presenter {
			o.poke()
		}
	}
}

// Following implements view.Class: a follower breaks away or rejoins.
func (m *member) Following(f bool) {
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	if m.presenter || m.follows == f {
		return
	}
	m.follows = f
	if f {
		r.following++
	} else {
		r.following--
	}
	for o := range r.members {
		if o.presenter {
			o.poke()
		}
	}
}

// state is what a member is to be shown.
type roomState struct {
	msg     view.RoomMsg
	pos     player.Position
	seq     uint64
	havePos bool
}

func (m *member) state() roomState {
	r := m.room
	r.mu.Lock()
	defer r.mu.Unlock()
	msg := view.RoomMsg{Room: r.name, Presenter: r.presenters > 0, Following: r.following, Exploring: r.followers - r.following}
	if r.presenters > 0 {
		msg.Poll = r.poll
	}
	if m.presenter && r.poll.Active {
		for o, c := range r.answers {
			if o.follows {
				msg.Answers[c]++
			}
		}
		msg.Unanswered = r.following - (msg.Answers[0] + msg.Answers[1] + msg.Answers[2] + msg.Answers[3])
	}
	return roomState{
		msg:     msg,
		pos:     r.pos,
		seq:     r.seq,
		havePos: r.havePos && r.presenters > 0,
	}
}

// deliver runs for a session's life: each time the room changes, it sends the
// session's program what changed (how the room stands; a follower the presenter's
// position), at most once a frame and always the latest. Sending blocks only this
// goroutine, while the program takes the message.
func (m *member) deliver(ctx context.Context, p interface{ Send(tea.Msg) }, touch func()) {
	var last roomState
	first := true
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-m.wake:
		}
		st := m.state()
		if first || st.msg != last.msg {
			p.Send(st.msg)
		}
		if !m.presenter && st.havePos && (first || !last.havePos || !st.pos.Same(last.pos)) {
			p.Send(view.FollowMsg{Position: st.pos, Seq: st.seq})
			touch()
		}
		last, first = st, false
		// At most one delivery a frame: what comes meanwhile is coalesced into the
		// next (wake holds one signal, state() reads the latest).
		timer.Reset(m.room.frame)
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
	}
}

// isPresenter reports whether the session authenticated with a presenter key.
func (s *Server) isPresenter(sess ssh.Session) bool {
	key := sess.PublicKey()
	if key == nil {
		return false
	}
	for _, k := range s.cfg.PresenterKeys {
		if ssh.KeysEqual(k, key) {
			return true
		}
	}
	return false
}

// classAuth sets up authentication for a class: presenters prove their key; anyone
// else gets in as before (any key or none, when the server is open; only the
// authorized keys, when it is not).
func classAuth(cfg *Config) (ssh.PublicKeyHandler, ssh.KeyboardInteractiveHandler) {
	allowed := append(append([]gossh.PublicKey(nil), cfg.AuthorizedKeys...), cfg.PresenterKeys...)
	open := len(cfg.AuthorizedKeys) == 0
	pk := func(_ ssh.Context, key ssh.PublicKey) bool {
		if open {
			return true
		}
		for _, k := range allowed {
			if ssh.KeysEqual(k, key) {
				return true
			}
		}
		return false
	}
	var ki ssh.KeyboardInteractiveHandler
	if open {
		// A student without a key (or whose keys are refused) still gets in.
		ki = func(ssh.Context, gossh.KeyboardInteractiveChallenge) bool { return true }
	}
	return pk, ki
}
