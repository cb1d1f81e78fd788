package player

import (
	"math"
	"sort"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// Playback time mapping.
//
// The simulator's virtual clock spans six orders of magnitude: a segment crosses the
// link in 10 ms, a delayed ACK waits 40 ms, an RTO 200 ms or 1 s, FIN_WAIT_2 5 s and
// TIME_WAIT 60 s or 240 s. No single speed factor shows all of these, so playback runs
// on a "story clock" (wall time at speed 1×) that is mapped piecewise onto virtual time:
//
//   - Each event is held for a dwell long enough to read its lesson: readPerRune for
//     every character of it, at least dwellEvent and at most dwellRead (timer
//     bookkeeping passes in dwellTimer, and while playing does not replace the lesson
//     on screen); virtual time stands still during a dwell.
//   - The gap g between an event and the next is played in GapWall(g) of story time,
//     linearly inside the gap, so a segment in flight moves at constant speed and a
//     timer bar runs down smoothly. Up to 10 ms the mapping is linear (10 ms of virtual
//     time take 0.6 s: a flight is visible for at least half a second); above that it
//     grows with the logarithm of the gap (0.5 s per factor e), so that 40 ms take 1.3 s,
//     1 s takes 2.9 s, and a 60 s TIME_WAIT 5 s in which the 2MSL bar runs down
//     visibly. client-close plays to its end, TIME_WAIT expiry included, in about 15 s.
//
// The speed factor (+/-) multiplies the rate at which the story clock advances.
const (
	dwellEvent  = DefaultDwell
	dwellTimer  = BookkeepingDwell
	dwellRead   = 3 * time.Second
	readPerRune = 12 * time.Millisecond // 80 characters a second: a first reading at 1×
	linearGap   = 10 * time.Millisecond
	linearWall  = 600 * time.Millisecond
	logWall     = 500 * time.Millisecond
)

// BookkeepingDwell is how long an event that only reports a timer is held.
const BookkeepingDwell = 60 * time.Millisecond

// ReadingTime is how long a lesson of n characters is held while playing: readPerRune
// each, at least DefaultDwell and at most dwellRead.
func ReadingTime(n int) time.Duration {
	return min(dwellRead, max(dwellEvent, time.Duration(n)*readPerRune))
}

// GapWall is the story time in which a virtual gap g is played.
func GapWall(g time.Duration) time.Duration {
	if g <= 0 {
		return 0
	}
	if g <= linearGap {
		return time.Duration(float64(linearWall) * float64(g) / float64(linearGap))
	}
	return linearWall + time.Duration(float64(logWall)*math.Log(float64(g)/float64(linearGap)))
}

// Total is the story clock's length: the wall time at 1× from the first event to the
// end.
func (p *Player) Total() time.Duration { return p.pace.total }

// ClockAt is the story clock at event cursor and virtual time now.
func (p *Player) ClockAt(cursor int, now time.Duration) time.Duration {
	return p.pace.position(p.tl, cursor, now)
}

// Locate is the event and virtual time at story clock c (the inverse of ClockAt).
func (p *Player) Locate(c time.Duration) (int, time.Duration) { return p.pace.locate(p.tl, c) }

// Start is the story clock when event i becomes current.
func (p *Player) Start(i int) time.Duration { return p.pace.start[i] }

// Dwell is how long event i is held while playing.
func (p *Player) Dwell(i int) time.Duration { return p.pace.dwell[i] }

// pacing is the story clock of one timeline: event i becomes current at start[i], is
// held for dwell[i], and then virtual time runs towards event i+1 until start[i+1].
type pacing struct {
	start []time.Duration
	dwell []time.Duration
	total time.Duration
}

func newPacing(tl *model.Timeline, dwell func(*model.Timeline, int) time.Duration) pacing {
	n := tl.Len()
	p := pacing{start: make([]time.Duration, n), dwell: make([]time.Duration, n)}
	var pos time.Duration
	for i := range n {
		ev := tl.At(i)
		p.start[i] = pos
		p.dwell[i] = DefaultDwell
		if dwell != nil {
			p.dwell[i] = dwell(tl, i)
		}
		pos += p.dwell[i]
		if i+1 < n {
			pos += GapWall(tl.At(i+1).T - ev.T)
		}
	}
	p.total = pos
	return p
}

// locate returns the current event and the virtual time at story position pos.
func (p *pacing) locate(tl *model.Timeline, pos time.Duration) (int, time.Duration) {
	n := len(p.start)
	if pos >= p.total {
		return n - 1, tl.End()
	}
	i := sort.Search(n, func(i int) bool { return p.start[i] > pos }) - 1
	i = max(i, 0)
	t := tl.At(i).T
	off := pos - p.start[i] - p.dwell[i]
	if off <= 0 || i+1 >= n {
		return i, t
	}
	gw := p.start[i+1] - p.start[i] - p.dwell[i]
	gap := tl.At(i+1).T - t
	if gw <= 0 {
		return i, t
	}
	now := t + time.Duration(float64(gap)*float64(off)/float64(gw))
	return i, min(now, tl.At(i+1).T)
}

// position is the story position of event cursor at virtual time now (the inverse of
// locate).
func (p *pacing) position(tl *model.Timeline, cursor int, now time.Duration) time.Duration {
	t := tl.At(cursor).T
	if now <= t || cursor+1 >= len(p.start) {
		return p.start[cursor]
	}
	gw := p.start[cursor+1] - p.start[cursor] - p.dwell[cursor]
	gap := tl.At(cursor+1).T - t
	if gap <= 0 {
		return p.start[cursor]
	}
	return p.start[cursor] + p.dwell[cursor] + time.Duration(float64(gw)*float64(now-t)/float64(gap))
}
