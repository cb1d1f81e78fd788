package server

import (
	"context"
	"testing"

	"github.com/tcpwave/tcpwave/view"
	"github.com/tcpwave/tcpwave/view/player"
)

// TestRoomOf reads the room a user name asks for.
func TestRoomOf(t *testing.T) {
	for _, c := range []struct {
		user, room string
		bad        bool
	}{
		{"alice", "", false},
		{"client-close", "", false},
		{"drill", "", false},
		{"room-net101", "net101", false},
		{"room-a_b-2", "a_b-2", false},
		{"room-", "", true},
		{"room-Net101", "", true},
		{"room-a b", "", true},
		{"room-\x1b[2J", "", true},
		{"room-" + string(make([]byte, 33)), "", true},
		{"room-abcdefghijklmnopqrstuvwxyz0123456", "", true}, // 33 characters
		{"room-abcdefghijklmnopqrstuvwxyz012345", "abcdefghijklmnopqrstuvwxyz012345", false}, // 32
		{"room-abcdefghijklmnopqrstuvwxyz012", "abcdefghijklmnopqrstuvwxyz012", false},
	} {
		room, err := roomOf(c.user)
		if room != c.room || (err != nil) != c.bad {
			t.Errorf("roomOf(%q) = %q, %v; want %q, bad %v", c.user, room, err, c.room, c.bad)
		}
	}
}

// TestNamedRoomsAreApart: a presenter's moves reach the followers of its own room
// only, each member is told its room's name, and a room is dropped when its last
// member leaves.
func TestNamedRoomsAreApart(t *testing.T) {
	rs := newRooms(1000)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	presA, presB := rs.join("a", true), rs.join("", true)
	folA, folB := rs.join("a", false), rs.join("", false)
	sinkA, sinkB := newSink(false), newSink(false)
	for _, m := range []*member{presA, presB} {
		go m.deliver(ctx, newSink(false), func() {})
	}
	go folA.deliver(ctx, sinkA, func() {})
	go folB.deliver(ctx, sinkB, func() {})
	if n := rs.count(); n != 2 {
		t.Fatalf("%d rooms, want 2", n)
	}
	presA.Publish(player.Position{Scenario: "client-close", Profile: "linux", Cursor: 7})
	presB.Publish(player.Position{Scenario: "lost-final-ack", Profile: "linux", Cursor: 3})
	sinkA.waitFor(t, "room a's story", func(f []player.Position, rooms []view.RoomMsg) bool {
		return len(f) > 0 && f[len(f)-1].Cursor == 7 && len(rooms) > 0 && rooms[len(rooms)-1].Room == "a"
	})
	sinkB.waitFor(t, "the default room's story", func(f []player.Position, rooms []view.RoomMsg) bool {
		return len(f) > 0 && f[len(f)-1].Cursor == 3 && len(rooms) > 0 && rooms[len(rooms)-1].Room == ""
	})
	for _, s := range []*sink{sinkA, sinkB} {
		s.mu.Lock()
		for _, p := range s.follows {
			if s == sinkA && p.Scenario != "client-close" || s == sinkB && p.Scenario != "lost-final-ack" {
				t.Errorf("a follower got another room's story: %+v", p)
			}
		}
		s.mu.Unlock()
	}
	presA.leave()
	folA.leave()
	folA.leave() // twice: counted once
	if n := rs.count(); n != 1 {
		t.Errorf("after room a emptied: %d rooms, want 1", n)
	}
	// A newcomer to a: a new room, with no presenter.
	again := rs.join("a", false)
	if again.room == presA.room {
		t.Errorf("an emptied room was reused")
	}
	again.leave()
	presB.leave()
	folB.leave()
	if n := rs.count(); n != 0 {
		t.Errorf("after everyone left: %d rooms", n)
	}
}
