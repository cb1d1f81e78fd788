package view

import (
	tea "charm.land/bubbletea/v2"

	"github.com/tcpwave/tcpwave/view/player"
)

// Classroom mode, over SSH: the presenter (the teacher) drives the story, and every
// follower (a student) sees it live at their own size and in their own language. What
// travels from the presenter to the followers is the story's position (a
// player.Position: a few words and numbers), never a frame: each follower's Player
// rebuilds the same timeline and draws it itself.
//
// The view knows nothing of rooms or connections: a presenter's model hands its
// position to its Class after each move, and a follower's model is sent what it must
// show (FollowMsg) and how the room stands (RoomMsg). The server keeps the room.

// Role is a session's part in a class.
type Role uint8

// The roles.
const (
	Solo      Role = iota // no class: the story is the user's own (the default)
	Presenter             // drives the story; the followers see it
	Follower              // sees the presenter's story, or explores on their own
)

// Class is how a model reaches its room.
type Class interface {
	// Publish hands the room a presenter's new position. It must not block: the room
	// keeps only the latest, and each follower takes it when it can.
	Publish(player.Position)
	// Following tells the room whether a follower follows (false: it explores on its
	// own), for the presenter's count.
	Following(bool)
	// Poll hands the room the presenter's drill (class_poll.go); Answer a follower's
	// choice (from 0) for a question of it.
	Poll(PollState)
	Answer(question, choice int)
}

// FollowMsg is the presenter's position, sent to a follower. Seq numbers the
// presenter's positions in the order they were published (the server's renderer
// shares the work of followers that draw the same frame by it; the view ignores it).
type FollowMsg struct {
	Position player.Position
	Seq      uint64
}

// RoomMsg says how the room stands: whether a presenter is there, and how many follow
// and how many explore on their own (the presenter's header shows both); the
// presenter's drill as a poll, and, for the presenter, the answers so far to its
// question (by choice) and how many following have not answered.
type RoomMsg struct {
	Room                 string // the room's name; "" for the server's default room
	Presenter            bool
	Following, Exploring int
	Poll                 PollState
	Answers              [4]int
	Unanswered           int
}

// class is a model's side of a class.
type class struct {
	role Role
	room Class
	name string // the room's name ("" for the default room)

	// A presenter's: the last position published, and the room's counts.
	published            player.Position
	havePublished        bool
	following, exploring int
	poll                 PollState // the drill as last published
	answers              [4]int
	unanswered           int

	// A follower's: whether it follows (else it explores on its own copy), whether a
	// presenter is in the room, and the presenter's last position.
	follows     bool
	presenterIn bool
	lead        player.Position
	haveLead    bool
	fpoll       followerPoll
}

// newClass is the class part of a model with these options.
func newClass(opts Options) class {
	c := class{role: opts.Role, room: opts.Class}
	if c.room == nil {
		c.role = Solo
	}
	c.follows = c.role == Follower
	c.fpoll.picked = -1
	return c
}

// Role is the model's part in a class.
func (m *Model) Role() Role { return m.class.role }

// Following reports whether a follower follows the presenter now.
func (m *Model) Following() bool { return m.class.role == Follower && m.class.follows }

// locked reports whether the story's keys are off: a follower that follows a present
// presenter cannot change the room's story, only watch it (f breaks away).
func (m *Model) locked() bool {
	return m.class.role == Follower && m.class.follows && m.class.presenterIn
}

// classMsg handles the room's messages; false if msg is none of them.
func (m *Model) classMsg(msg tea.Msg) (tea.Cmd, bool) {
	c := &m.class
	switch msg := msg.(type) {
	case FollowMsg:
		if c.role != Follower {
			return nil, true
		}
		c.lead, c.haveLead = msg.Position, true
		if !c.presenterIn {
			c.presenterIn = true
		}
		if c.follows {
			m.follow()
		}
		return nil, true
	case RoomMsg:
		c.name = msg.Room
		switch c.role {
		case Presenter:
			c.following, c.exploring = msg.Following, msg.Exploring
			c.answers, c.unanswered = msg.Answers, msg.Unanswered
		case Follower:
			if c.presenterIn && !msg.Presenter {
				m.setFlash(m.lang.t("class.flash.left"))
			} else if !c.presenterIn && msg.Presenter && c.follows {
				m.setFlash(m.lang.t("class.flash.joined"))
			}
			c.presenterIn = msg.Presenter
			m.pollMsg(msg.Poll)
		}
		return nil, true
	}
	return nil, false
}

// follow shows the presenter's last position. The follower draws what it is sent and
// runs no clock of its own: the presenter's moves, up to a frame apart, are its frames.
func (m *Model) follow() {
	c := &m.class
	if !c.haveLead {
		return
	}
	if m.drill != nil {
		m.leaveDrill() // the class's story replaces the one being drilled
	}
	m.gen++ // no tick of its own
	if err := m.play.SetPosition(c.lead); err != nil {
		m.setFlash(ErrorText(m.lang, err))
		return
	}
	m.picker = nil
	m.keys.pickerMode(false)
}

// toggleFollow breaks away from the presenter (exploring from this exact point, every
// key working) or rejoins the presenter where the presenter is now.
func (m *Model) toggleFollow() {
	c := &m.class
	c.follows = !c.follows
	c.room.Following(c.follows)
	if c.follows {
		m.follow()
		m.setFlash(m.lang.t("class.flash.rejoined"))
		return
	}
	m.stop() // from here the story is this copy's own, paused where it was
	m.setFlash(m.lang.t("class.flash.explore"))
}

// publish hands a presenter's position, and its drill, to the room when they have
// changed.
func (m *Model) publish() {
	c := &m.class
	if c.role != Presenter {
		return
	}
	m.publishPoll()
	pos := m.play.Position()
	if c.havePublished && pos.Shows(c.published) {
		// Only the story clock moved (an event held for reading): the followers'
		// screens would not change, and each of them would draw its frame again.
		return
	}
	c.published, c.havePublished = pos, true
	c.room.Publish(pos)
}

// classHeader is the class's part of the header: who drives, and the key that
// changes it; short for a narrow screen. "" outside a class.
func (m *Model) classHeader(short bool) string {
	s := m.roleHeader(short)
	if s != "" && m.class.name != "" && !short {
		s = m.lang.t("class.room", m.class.name) + " · " + s
	}
	return s
}

// roleHeader is the class header without the room's name.
func (m *Model) roleHeader(short bool) string {
	c := &m.class
	l := m.lang
	switch c.role {
	case Presenter:
		if short {
			return l.t("class.presenter.short", c.following, c.exploring)
		}
		return l.t("class.presenter", c.following, c.exploring)
	case Follower:
		key := "class.exploring"
		switch {
		case !c.presenterIn && c.follows:
			key = "class.none"
		case c.follows:
			key = "class.following"
		}
		if short {
			key += ".short"
		}
		return l.t(key)
	}
	return ""
}

// InClass puts a new model in a class, with its role and its room, and returns it.
func (m *Model) InClass(role Role, room Class) *Model {
	m.opts.Role, m.opts.Class = role, room
	m.class = newClass(m.opts)
	m.updateKeys()
	return m
}
