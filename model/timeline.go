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

	// Note says why, with the RFC section or kernel rule; the trace prints it as an
	// annotation and the UI as narration.
	Note string

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

	checkpoints []checkpoint
}

// MaxEvents bounds a run, so that a scenario that never goes quiet still ends.
const MaxEvents = 200000

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

// DropTarget finds the segment that a "drop" at event cursor and virtual time now
// would lose: the most recently sent segment still in flight at now, or else the next
// segment sent after the cursor that is not already lost. It returns the fault that
// loses it.
func (tl *Timeline) DropTarget(cursor int, now time.Duration) (Fault, *Segment, bool) {
	var pick *Segment
	for i := len(tl.Segments) - 1; i >= 0; i-- {
		s := &tl.Segments[i]
		if !s.Lost && s.InFlight(now) {
			pick = s
			break
		}
	}
	if pick == nil {
		for i := cursor + 1; i < len(tl.Events); i++ {
			ev := &tl.Events[i]
			if ev.Kind == EvSend && !tl.Segments[ev.Seg].Lost {
				pick = &tl.Segments[ev.Seg]
				break
			}
		}
	}
	if pick == nil {
		return Fault{}, nil, false
	}
	nth := 0
	for i := 0; i <= pick.ID; i++ {
		if tl.Segments[i].From == pick.From && !tl.Segments[i].Dup {
			nth++
		}
	}
	if pick.Dup {
		return Fault{}, nil, false
	}
	return Fault{Action: FaultDrop, Side: pick.From, Nth: nth, Times: 1, Injected: true}, pick, true
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
		s := &tl.Segments[i]
		if !s.Dup && f.Matches(s) {
			nth++
			if nth == f.Nth {
				target = i
				break
			}
		}
	}
	cp := tl.checkpoints[0]
	for _, c := range tl.checkpoints {
		if len(c.s.segs) <= target {
			cp = c
		}
	}
	s := cp.s.clone()
	s.faults = faults
	s.faultHits = append(s.faultHits, 0)
	s.events = tl.Events[:len(cp.s.events):len(cp.s.events)]
	s.segs = tl.Segments[:len(cp.s.segs):len(cp.s.segs)]
	s.checkpoints = append([]checkpoint(nil), tl.checkpoints[:cpIndex(tl.checkpoints, cp)+1]...)
	// The checkpoint's fault counters predate the new fault; recount it over the
	// segments already sent.
	for i := range s.segs {
		if !s.segs[i].Dup && f.Matches(&s.segs[i]) {
			s.faultHits[len(s.faultHits)-1]++
		}
	}
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

func cpIndex(cps []checkpoint, c checkpoint) int {
	for i := range cps {
		if len(cps[i].s.events) == len(c.s.events) {
			return i
		}
	}
	return 0
}
