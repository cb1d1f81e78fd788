package model

import (
	"sort"
	"time"
)

// EventKind is the kind of a timeline event; the names match trace-format.md.
type EventKind uint8

// Event kinds.
const (
	// EvStart is the first event of every timeline: the state at time zero.
	EvStart EventKind = iota
	EvApp
	EvSend
	EvDrop
	EvRecv
	EvState
	EvTimer
)

var eventKindNames = [...]string{"start", "app", "send", "drop", "recv", "state", "timer"}

// String returns the trace name of the kind.
func (k EventKind) String() string { return eventKindNames[k] }

// Event is one thing that happened, with both endpoints as they were right after it.
type Event struct {
	Index int
	T     time.Duration
	Kind  EventKind
	Side  Side // who did it (for recv: the receiver)

	Seg int // segment index for send, drop, recv; -1 otherwise

	From, To State // for state

	Call string // for app: "close", "read -> EOF", "write n=10 -> error EPIPE"

	Timer     TimerKind // for timer: the side's next timer, NumTimers for none
	Remaining time.Duration
	Retrans   int

	// Note says why: the rule that fired and its numbers. The trace prints it as an
	// annotation and the UI as narration, in words from the view's catalogs.
	Note Note

	Snap [2]Endpoint
}

// Timeline is a finished run: every event in order, and every segment.
type Timeline struct {
	Scenario *Scenario
	Profile  Profile
	Faults   []Fault // every fault in force: scripted, then injected
	Events   []Event
	Segments []Segment
	// Truncated is set when the run hit MaxEvents before it went quiet.
	Truncated bool
	// Stopped is set when the run reached Scenario.Until with events still pending.
	Stopped bool
	// OutOfTime is set when the run reached MaxTime of virtual time, events pending.
	OutOfTime bool

	checkpoints []checkpoint
	segEv       []segEvents
}

// MaxEvents bounds a run, so that a scenario that never goes quiet still ends, and
// its memory (about 0.7 KB an event with its snapshots: 70 MB at most).
const MaxEvents = 100000

// MaxTime bounds a run's virtual time (a century): with every duration at most
// MaxDuration, nothing after it can overflow the clock.
const MaxTime = 100 * 365 * 24 * time.Hour

// MaxTimeYears is MaxTime in years, as the trace's header and the view write it.
const MaxTimeYears = 100

// End is the time of the last event.
func (tl *Timeline) End() time.Duration { return tl.Events[len(tl.Events)-1].T }

// Len is the number of events.
func (tl *Timeline) Len() int { return len(tl.Events) }

// At returns event i. O(1).
func (tl *Timeline) At(i int) *Event { return &tl.Events[i] }

// IndexAt returns the index of the last event at or before t.
func (tl *Timeline) IndexAt(t time.Duration) int {
	i := sort.Search(len(tl.Events), func(i int) bool { return tl.Events[i].T > t })
	if i == 0 {
		return 0
	}
	return i - 1
}

// Injected returns the faults added interactively, in order.
func (tl *Timeline) Injected() []Fault {
	var out []Fault
	for _, f := range tl.Faults {
		if f.Injected {
			out = append(out, f)
		}
	}
	return out
}

// SendEvent is the index of the event at which segment id was sent; a copy made by
// the link leaves with its original.
func (tl *Timeline) SendEvent(id int) int { return tl.segEv[id].send }

// EndEvent is the index of the event at which segment id arrived or was lost, or -1 if
// the run ended while it was still on the link.
func (tl *Timeline) EndEvent(id int) int { return tl.segEv[id].end }

// Flying reports whether segment id is on the link at event cursor: sent at or before
// it, and not yet arrived or lost.
func (tl *Timeline) Flying(id, cursor int) bool {
	ev := tl.segEv[id]
	return ev.send <= cursor && (ev.end < 0 || ev.end > cursor)
}

// segEvents is where one segment's life starts and ends in the timeline.
type segEvents struct{ send, end int }

// indexSegments finds each segment's send and end events.
func (tl *Timeline) indexSegments() {
	tl.segEv = make([]segEvents, len(tl.Segments))
	for i := range tl.segEv {
		tl.segEv[i] = segEvents{-1, -1}
	}
	for i := range tl.Events {
		ev := &tl.Events[i]
		switch ev.Kind {
		case EvSend:
			tl.segEv[ev.Seg].send = i
		case EvRecv, EvDrop:
			if tl.segEv[ev.Seg].end < 0 {
				tl.segEv[ev.Seg].end = i
			}
		}
	}
	for i := range tl.Segments {
		if s := &tl.Segments[i]; s.Dup {
			tl.segEv[i].send = tl.segEv[s.CopyOf].send
		}
	}
}

// Acted reports whether fault f found its segment in this run: whether its side sent
// at least Nth segments that match it.
func (tl *Timeline) Acted(f Fault) bool {
	return tl.Matching(f) >= f.Nth
}

// Matching counts the segments of this run that fault f's pattern matches.
func (tl *Timeline) Matching(f Fault) int {
	n := 0
	for i := range tl.Segments {
		if f.Matches(&tl.Segments[i]) {
			n++
		}
	}
	return n
}

// FaultFor is the injected fault that loses segment id and nothing else: the Nth
// segment its sender sent, or the Nth copy the link made of that sender's segments.
func (tl *Timeline) FaultFor(id int) Fault {
	seg := &tl.Segments[id]
	nth := 0
	for i := 0; i <= id; i++ {
		if s := &tl.Segments[i]; s.From == seg.From && s.Dup == seg.Dup {
			nth++
		}
	}
	return Fault{Action: FaultDrop, Side: seg.From, Nth: nth, Times: 1, Copy: seg.Dup, Injected: true}
}

// DropChoice is the segment a drop at one point of the story loses, and the fault that
// loses it.
type DropChoice struct {
	Fault Fault
	Seg   *Segment
	// InFlight: the segment is on the link at that point (otherwise it is the next
	// segment to be sent).
	InFlight bool
	// Others counts the other segments on the link that a further drop could lose.
	Others int
}

// DropTarget finds what a drop at event cursor and virtual time now loses: of the
// segments on the link (Flying) and not already lost, the one nearest its arrival; if
// none, the next segment sent after the cursor that is not already lost. A segment in
// flight vanishes where it is at now, or half way across if it has not got that far.
func (tl *Timeline) DropTarget(cursor int, now time.Duration) (DropChoice, bool) {
	var c DropChoice
	for i := range tl.Segments {
		s := &tl.Segments[i]
		if s.Lost || !tl.Flying(i, cursor) {
			continue
		}
		if c.Seg == nil || s.ArriveAt < c.Seg.ArriveAt {
			if c.Seg != nil {
				c.Others++
			}
			c.Seg = s
		} else {
			c.Others++
		}
	}
	if c.Seg != nil {
		c.InFlight = true
		c.Fault = tl.FaultFor(c.Seg.ID)
		transit := c.Seg.ArriveAt - c.Seg.SentAt
		c.Fault.LossAfter = min(max(now-c.Seg.SentAt, transit/2), transit)
		if c.Fault.LossAfter == transit/2 {
			c.Fault.LossAfter = 0 // the default: half way
		}
		return c, true
	}
	for i := cursor + 1; i < len(tl.Events); i++ {
		if ev := &tl.Events[i]; ev.Kind == EvSend && !tl.Segments[ev.Seg].Lost {
			c.Seg = &tl.Segments[ev.Seg]
			c.Fault = tl.FaultFor(ev.Seg)
			return c, true
		}
	}
	return DropChoice{}, false
}

// Counterpart maps fault f, which loses a segment of tl, to the fault that loses the
// same segment in other (the same story under other rules): the segment with the same
// sender and flags, original or copy, sent the same number of times before it (the
// 2nd FIN|ACK the server sends, say). It reports false when other has no such segment.
func (tl *Timeline) Counterpart(f Fault, other *Timeline) (Fault, bool) {
	var lost *Segment
	nth := 0
	for i := range tl.Segments {
		if s := &tl.Segments[i]; f.Matches(s) {
			if nth++; nth == f.Nth {
				lost = s
				break
			}
		}
	}
	if lost == nil {
		return Fault{}, false
	}
	same := func(s *Segment) bool { return s.From == lost.From && s.Dup == lost.Dup && s.Flags == lost.Flags }
	occurrence := 0
	for i := 0; i <= lost.ID; i++ {
		if same(&tl.Segments[i]) {
			occurrence++
		}
	}
	seen := 0
	for i := range other.Segments {
		if s := &other.Segments[i]; same(s) {
			if seen++; seen == occurrence {
				g := other.FaultFor(i)
				g.Action, g.Times, g.Delay, g.LossAfter, g.Injected = f.Action, f.Times, f.Delay, f.LossAfter, f.Injected
				if g.LossAfter > s.ArriveAt-s.SentAt {
					g.LossAfter = 0
				}
				return g, true
			}
		}
	}
	return Fault{}, false
}

// Fork returns a new timeline with one more fault. The events before the fault can first
// apply are shared with tl, not recomputed: the run resumes from the latest checkpoint
// before that point.
func (tl *Timeline) Fork(f Fault) *Timeline {
	faults := append(append([]Fault(nil), tl.Faults...), f)
	// The fault acts when its segment is sent; find that segment in this timeline.
	target := len(tl.Segments)
	nth := 0
	for i := range tl.Segments {
		if f.Matches(&tl.Segments[i]) {
			if nth++; nth == f.Nth {
				target = i
				break
			}
		}
	}
	at := 0
	for i, c := range tl.checkpoints {
		if len(c.s.segs) <= target {
			at = i
		}
	}
	cp := tl.checkpoints[at]
	s := cp.s.clone()
	s.events = tl.Events[:len(cp.s.events):len(cp.s.events)]
	s.segs = tl.Segments[:len(cp.s.segs):len(cp.s.segs)]
	s.checkpoints = append([]checkpoint(nil), tl.checkpoints[:at+1]...)
	// Up to the checkpoint no fault of the new set has acted differently from the set
	// the checkpoint ran with (which may lack later injected faults, when it was
	// inherited from an earlier fork), so the state is the same; but the fault
	// counters must be those of the new set: count every fault over the segments sent.
	s.faults = NewFaultCounter(faults)
	s.faults.Recount(s.segs)
	return s.run()
}

// Undo returns the timeline without its last injected fault. Every other fault stays:
// the scenario's own, those given to Run (e.g. from the command line), and earlier
// injected ones.
func (tl *Timeline) Undo() (*Timeline, bool) {
	last := -1
	for i, f := range tl.Faults {
		if f.Injected {
			last = i
		}
	}
	if last < 0 {
		return tl, false
	}
	own := len(tl.Scenario.Faults) // Run puts the scenario's faults first
	extra := make([]Fault, 0, len(tl.Faults)-own)
	for i := own; i < len(tl.Faults); i++ {
		if i != last {
			extra = append(extra, tl.Faults[i])
		}
	}
	return Run(tl.Scenario, tl.Profile, extra...), true
}
