package server

import (
	"errors"
	"strings"
	"sync"
)

// Named rooms let two teachers share one server: `ssh -p 2222 room-net101@HOST` joins
// the room net101, and a presenter who logs in so presents there; every other user
// name (the default one, a scenario id, drill) joins the default room, "". A room lives
// while someone is in it, so there are never more rooms than sessions.

// roomUserPrefix starts a user name that names a room.
const roomUserPrefix = "room-"

// maxRoomName is the longest room name.
const maxRoomName = 32

// errRoomName is a room-NAME user name whose NAME is no room name.
var errRoomName = errors.New("a room's name (ssh room-NAME@HOST) is 1 to 32 lowercase letters, digits, - or _")

// roomOf is the room a session's user name asks for: NAME for room-NAME, else the
// default room "".
func roomOf(user string) (string, error) {
	name, ok := strings.CutPrefix(user, roomUserPrefix)
	if !ok {
		return "", nil
	}
	if name == "" || len(name) > maxRoomName {
		return "", errRoomName
	}
	for _, c := range []byte(name) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return "", errRoomName
		}
	}
	return name, nil
}

// rooms are a server's classes by name, each made when its first member comes and
// dropped when its last leaves.
type rooms struct {
	fps int

	mu     sync.Mutex
	byName map[string]*room
}

func newRooms(fps int) *rooms { return &rooms{fps: fps, byName: map[string]*room{}} }

// join adds a session to the room called name, making the room if it is new.
func (rs *rooms) join(name string, presenter bool) *member {
	rs.mu.Lock()
	r := rs.byName[name]
	if r == nil {
		r = newRoom(rs.fps)
		r.name, r.rooms = name, rs
		rs.byName[name] = r
	}
	r.refs++ // under rs.mu: a room with a joining member is not dropped
	rs.mu.Unlock()
	return r.join(presenter)
}

// left drops r when its last member has left (called after r.mu is released, so
// that the lock order is always rs.mu before r.mu).
func (rs *rooms) left(r *room) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	r.refs--
	if r.refs == 0 && rs.byName[r.name] == r {
		delete(rs.byName, r.name)
	}
}

// count is how many rooms there are.
func (rs *rooms) count() int {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return len(rs.byName)
}
