package model

import (
	"time"
)

// item kinds in the event queue.
type itemKind uint8

const (
	itemApp    itemKind = iota // an app step is due
	itemArrive                 // a segment reaches its receiver
	itemLost                   // a segment vanishes on the link
	itemTimer                  // a timer fires
	itemLinger                 // SO_LINGER's time in close() runs out (linger.go)
)

type item struct {
	at    time.Duration
	order uint64 // tie-break: items due at the same instant keep causal order
	kind  itemKind
	side  Side
	seg   int
	step  int
	timer TimerKind
	gen   uint32
}

// appState is an application's progress through its script.
type appState struct {
	next      int  // the next step to run
	scheduled bool // the next step is in the queue
	lastRun   time.Duration
	pending   Told // an error the next call will return (set by a RST)
	reading   bool // the app is blocked in read() whenever it has nothing else to do
}

// sim is the engine's whole mutable state. It is cloned for checkpoints.
type sim struct {
	sc   *Scenario
	prof Profile
	now  time.Duration

	ep    [2]Endpoint
	apps  [2]appState
	queue []item
	order uint64

	timerGen [2][NumTimers]uint32
	shown    [2]shownTimer // the timer each side's last timer line reported

	// RTT timing (one segment at a time, Karn's algorithm: RFC 6298 §3).
	rttTiming [2]bool
	rttSeq    [2]uint32
	rttStart  [2]time.Duration
	// sk is each side's SACK receiver blocks, scoreboard and RACK state (sack.go).
	sk [2]SackState

	// lastOOWAck is when each side last answered an invalid segment with an ACK
	// (Profile.InvalidRateLimit).
	lastOOWAck [2]time.Duration
	sentOOWAck [2]bool

	// faults counts the segments against the faults in force (faults.go).
	faults FaultCounter

	segs   []Segment
	events []Event
	// sending is 1 while a new segment's retransmission timer is armed just before
	// the segment is sent (packetsOut counts it).
	sending int

	// tsBase is each side's timestamp offset; noStamp sends a segment without
	// the Timestamps option (a host's RST, tcp_v4_send_reset).
	tsBase  [2]uint32
	noStamp bool

	recvEvent    int   // the recv event being processed, for explain
	nextCause    Cause // the Cause of the next segment sent (then reset)
	truncated    bool
	stopped      bool
	outOfTime    bool
	items        int
	checkpointed int // items when the last checkpoint was taken
	checkpoints  []checkpoint
}

type shownTimer struct {
	kind     TimerKind
	deadline time.Duration
	retrans  int
}

type checkpoint struct{ s *sim }

// checkpointEvery is how many queue items pass between two checkpoints, at least: a
// checkpoint copies the queue, so with a long queue they come once per queue's length
// of items (every copied item is paid for by one processed), which bounds their memory
// by the run's length whatever the queue holds.
const checkpointEvery = 8

func (s *sim) clone() *sim {
	c := *s
	c.queue = append([]item(nil), s.queue...)
	c.faults = s.faults.Clone()
	c.checkpoints = nil
	return &c
}

// Run simulates sc under profile p to quiescence (no event left, TIME_WAIT expiry
// included) and returns the timeline. Injected faults are added to the scenario's own.
// The same input gives the same timeline, byte for byte.
func Run(sc *Scenario, p Profile, injected ...Fault) *Timeline {
	s := &sim{sc: sc, prof: p}
	s.faults = NewFaultCounter(append(append([]Fault(nil), sc.Faults...), injected...))
	s.tsBase = tsBases(sc)
	s.segs = make([]Segment, 0, 32)
	s.events = make([]Event, 0, 64)
	for side := A; side <= B; side++ {
		s.ep[side] = s.initialEndpoint(side)
		s.apps[side].reading = !sc.Apps[side].NoRead
		s.shown[side].kind = NumTimers
	}
	s.record(Event{Kind: EvStart, Side: A, Note: Note{Rule: RuleStart}})
	for side := A; side <= B; side++ {
		s.keepaliveIdle(side)
	}
	s.reportTimers()
	return s.run()
}

// initialEndpoint builds a TCB as the handshake and the exchange left it.
func (s *sim) initialEndpoint(side Side) Endpoint {
	sc := s.sc
	iss, irs := sc.ISN[side], sc.ISN[side.Peer()]
	e := Endpoint{
		Side:      side,
		State:     Established,
		ISS:       iss,
		IRS:       irs,
		SndUna:    iss + 1 + uint32(sc.Exchanged[side]),
		SndNxt:    iss + 1 + uint32(sc.Exchanged[side]),
		RcvNxt:    irs + 1 + uint32(sc.Exchanged[side.Peer()]),
		RcvWnd:    65535,
		Read:      sc.Exchanged[side.Peer()],
		Listening: side == B,
		// The server answered the client's request at once, which puts it in
		// pingpong mode (tcp_event_data_sent); the client, which wrote first, is not.
		Pingpong: side == B && sc.Exchanged[B] > 0,
	}
	// The handshake negotiated timestamps, and the last segment before time zero left
	// the peer's timestamp in TS.Recent (RFC 7323 §3.2, §4.3).
	e.TSOK = s.prof.Timestamps
	if e.TSOK {
		back := -sc.Delay[side.Peer()]
		e.TSRecent, e.TSRecentAt, e.TSRecentSet = s.tsClock(side.Peer(), back), back, true
	}
	e.LastAckSent = e.RcvNxt
	// One RTT sample from the handshake (RFC 6298 2.2).
	rtt := sc.Delay[0] + sc.Delay[1]
	e.SRTT, e.RTTVar = rtt, rtt/2
	s.sk[side] = SackState{MinRTT: rtt}
	e.RTO = s.computeRTO(&e)
	// The handshake negotiated SACK when the profile has it (RFC 2018 §2).
	e.SackOK = s.prof.SACK
	return e
}

func (s *sim) run() *Timeline {
	if len(s.checkpoints) == 0 {
		s.checkpoint()
	}
	for {
		s.armApps()
		if len(s.queue) == 0 {
			break
		}
		if len(s.events) >= MaxEvents {
			s.truncated = true
			break
		}
		if s.sc.Until > 0 && s.queue[0].at > s.sc.Until {
			s.stopped = true
			break
		}
		if s.queue[0].at > MaxTime {
			s.outOfTime = true
			break
		}
		it := s.pop()
		s.now = it.at
		switch it.kind {
		case itemApp:
			s.runStep(it.side, it.step)
		case itemArrive:
			s.arrive(it.seg)
		case itemLost:
			seg := &s.segs[it.seg]
			s.record(Event{Kind: EvDrop, Side: seg.From, Seg: it.seg, Note: Note{Rule: RuleLinkLoss}})
		case itemTimer:
			if s.timerGen[it.side][it.timer] == it.gen && s.ep[it.side].Timers[it.timer].Armed {
				s.ep[it.side].Timers[it.timer].Armed = false
				s.fire(it.side, it.timer)
			}
		case itemLinger:
			s.lingerTimeout(it.side)
		}
		s.lingerCheck()
		s.reportTimers()
		s.items++
		if s.items-s.checkpointed >= max(checkpointEvery, len(s.queue)) {
			s.checkpoint()
		}
	}
	tl := &Timeline{
		Scenario:    s.sc,
		Profile:     s.prof,
		Faults:      s.faults.Faults(),
		Events:      s.events,
		Segments:    s.segs,
		Truncated:   s.truncated,
		Stopped:     s.stopped,
		OutOfTime:   s.outOfTime,
		checkpoints: s.checkpoints,
	}
	tl.indexSegments()
	return tl
}

func (s *sim) checkpoint() {
	s.checkpointed = s.items
	c := s.clone()
	c.events = s.events[:len(s.events):len(s.events)]
	c.segs = s.segs[:len(s.segs):len(s.segs)]
	s.checkpoints = append(s.checkpoints, checkpoint{c})
}

// The event queue is a binary heap ordered by (at, order): items due at the same
// instant keep the order they were pushed in (causal order).

func (a item) before(b item) bool { return a.at < b.at || a.at == b.at && a.order < b.order }

// push adds an item to the queue.
func (s *sim) push(it item) {
	s.order++
	it.order = s.order
	q := append(s.queue, it)
	for i := len(q) - 1; i > 0; {
		parent := (i - 1) / 2
		if !q[i].before(q[parent]) {
			break
		}
		q[i], q[parent] = q[parent], q[i]
		i = parent
	}
	s.queue = q
}

// pop takes the first item off the queue.
func (s *sim) pop() item {
	q := s.queue
	it := q[0]
	last := len(q) - 1
	q[0] = q[last]
	q = q[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(q) && q[l].before(q[m]) {
			m = l
		}
		if r < len(q) && q[r].before(q[m]) {
			m = r
		}
		if m == i {
			break
		}
		q[i], q[m] = q[m], q[i]
		i = m
	}
	s.queue = q
	return it
}

// record appends an event with a snapshot of both endpoints.
func (s *sim) record(ev Event) {
	ev.Index = len(s.events)
	ev.T = s.now
	if ev.Kind != EvSend && ev.Kind != EvDrop && ev.Kind != EvRecv {
		ev.Seg = -1
	}
	ev.Snap = s.ep
	s.events = append(s.events, ev)
}

// setState moves an endpoint to a new state and records it.
func (s *sim) setState(side Side, to State, note Note) {
	e := &s.ep[side]
	from := e.State
	if from == to {
		return
	}
	e.State = to
	switch to {
	case Closed:
		for k := range e.Timers {
			s.stopTimer(side, TimerKind(k))
		}
		e.AckOwed = false
		e.SndBuf = 0
	case TimeWait:
		for k := range e.Timers {
			s.stopTimer(side, TimerKind(k))
		}
		e.AckOwed = false
	}
	s.record(Event{Kind: EvState, Side: side, From: from, To: to, Note: note})
}

// armTimer (re)starts a timer.
func (s *sim) armTimer(side Side, k TimerKind, d time.Duration) {
	e := &s.ep[side]
	s.timerGen[side][k]++
	e.Timers[k] = Timer{Armed: true, Deadline: s.now + d, Length: d}
	s.push(item{at: s.now + d, kind: itemTimer, side: side, timer: k, gen: s.timerGen[side][k]})
}

func (s *sim) stopTimer(side Side, k TimerKind) {
	if s.ep[side].Timers[k].Armed {
		s.timerGen[side][k]++
		s.ep[side].Timers[k].Armed = false
	}
}

// reportTimers records a timer line for each side whose next timer changed: the timer
// `ss -o` would show (trace-format.md, kind timer).
func (s *sim) reportTimers() {
	for side := A; side <= B; side++ {
		e := &s.ep[side]
		k, t, ok := e.NextTimer()
		cur := shownTimer{kind: NumTimers}
		if ok {
			cur = shownTimer{kind: k, deadline: t.Deadline, retrans: e.Backoff}
		}
		if cur == s.shown[side] {
			continue
		}
		s.shown[side] = cur
		ev := Event{Kind: EvTimer, Side: side, Timer: cur.kind, Retrans: cur.retrans}
		if ok {
			ev.Remaining = t.Deadline - s.now
		}
		s.record(ev)
	}
}

// computeRTO applies RFC 6298 (2.2/2.3), or Linux's variant, and the profile's bounds.
func (s *sim) computeRTO(e *Endpoint) time.Duration {
	p := &s.prof
	var rto time.Duration
	if p.RTOMinOnVariance {
		rto = e.SRTT + max(4*e.RTTVar, p.RTOMin)
	} else {
		rto = max(e.SRTT+max(time.Millisecond, 4*e.RTTVar), p.RTOMin)
	}
	// Linux keeps the RTO in jiffies (__tcp_set_rto: usecs_to_jiffies rounds up).
	return min(p.jiffies(rto), p.RTOMax)
}

// rttSample folds one measurement into the estimator (RFC 6298 2.3).
func (s *sim) rttSample(e *Endpoint, r time.Duration) {
	if k := &s.sk[e.Side]; k.MinRTT == 0 || r < k.MinRTT {
		k.MinRTT = r // RACK.min_RTT (RFC 8985 §6.2 step 2; Linux tcp_update_rtt_min)
	}
	if e.SRTT == 0 {
		e.SRTT, e.RTTVar = r, r/2
	} else {
		diff := e.SRTT - r
		if diff < 0 {
			diff = -diff
		}
		e.RTTVar = (3*e.RTTVar + diff) / 4
		e.SRTT = (7*e.SRTT + r) / 8
	}
	e.RTO = s.computeRTO(e)
}
