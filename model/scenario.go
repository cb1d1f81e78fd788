package model

import (
	"fmt"
	"strings"
	"time"
)

// Scenario is everything a run needs: who does what when, the link, the faults and the
// profile tweaks. The scenarios package loads these from files.
type Scenario struct {
	ID          string
	Title       string
	Explanation string
	// Moral is what a run of the scenario shows, for its last step (data from the
	// scenario's file, like the title).
	Moral string

	// Exchanged is the number of bytes each app wrote (and the other read) before time
	// zero, after the handshake: [A→B, B→A]. The TCBs start ESTABLISHED with the
	// sequence numbers that history leaves.
	Exchanged [2]int
	// ISN is each side's initial sequence number (absolute).
	ISN [2]uint32
	// Delay is the one-way delay of the link, per direction: [A→B, B→A].
	Delay [2]time.Duration

	Apps   [2]App
	Faults []Fault

	// Overrides are knob settings applied on top of a profile. A setting whose Profile
	// is empty applies to every profile.
	Overrides []Override

	// Until stops the run at this virtual time, for a story that would otherwise go on
	// for ever (keepalive probes to a peer stuck in FIN_WAIT_2). 0 means no limit.
	Until time.Duration
}

// Override sets one profile knob for a scenario.
type Override struct {
	Profile string // "" for every profile
	Knob    string
	Value   string
}

// App is one side's application: whether it reads, and its script.
type App struct {
	// NoRead: the app never calls read(), so received bytes stay queued.
	NoRead bool
	// NextISNDelta is the ISN this host picks for its next incarnation of the
	// connection, relative to the last incarnation's SND.NXT (a stand-in for the ISN
	// clock of RFC 9293 §3.4.1). 0 means the default, +65537.
	NextISNDelta int64
	// Keepalive turns SO_KEEPALIVE on (RFC 9293 §3.8.4; Linux TCP_KEEPIDLE,
	// TCP_KEEPINTVL, TCP_KEEPCNT).
	Keepalive *Keepalive
	Steps     []Step
}

// Keepalive is SO_KEEPALIVE's setting: after Idle without a segment from the peer, send
// a probe every Interval; after Probes unanswered probes, give up.
type Keepalive struct {
	Idle, Interval time.Duration
	Probes         int
}

// Trigger is what a step waits for before its delay starts.
type Trigger uint8

// Triggers a step can wait for.
const (
	// OnPrevious starts the delay when the previous step ran (at time zero for the first).
	OnPrevious Trigger = iota
	// OnEOF waits until read() returned EOF.
	OnEOF
	// OnReset waits until the app was told ECONNRESET or EPIPE.
	OnReset
	// OnEstablished waits until the connection is ESTABLISHED (after connect or accept).
	OnEstablished
	// OnClosed waits until the endpoint is CLOSED.
	OnClosed
)

var triggerNames = [...]string{"previous", "eof", "reset", "established", "closed"}

// String returns the trigger's name as written in scenario files.
func (t Trigger) String() string { return triggerNames[t] }

// ParseTrigger reads a trigger name.
func ParseTrigger(s string) (Trigger, bool) { return parseName[Trigger](triggerNames[:], s) }

// CallKind is an application call.
type CallKind uint8

// Application calls a script can make.
const (
	CallClose CallKind = iota
	CallShutdown
	CallWrite
	CallLinger0
	CallConnect
	// CallRead makes an app that did not read (NoRead) start reading: it reads what is
	// queued, and from then on everything that arrives.
	CallRead
	// CallLinger sets SO_LINGER {1, Step.Linger}: close() then blocks until its FIN is
	// ACKed, at most that long (linger.go).
	CallLinger
)

var callNames = [...]string{"close", "shutdown", "write", "linger0", "connect", "read", "linger"}

// String returns the call's name as written in scenario files.
func (c CallKind) String() string { return callNames[c] }

// ParseCall reads a call name.
func ParseCall(s string) (CallKind, bool) { return parseName[CallKind](callNames[:], s) }

// Step is one line of an app's script: wait for On (or, with HasAt, for absolute time
// At), then After more, then make the call.
type Step struct {
	On    Trigger
	HasAt bool
	At    time.Duration
	After time.Duration
	Call  CallKind
	N     int   // bytes, for write
	ISN   int64 // for connect: the new ISS relative to the previous incarnation's SND.NXT
	// Linger is SO_LINGER's l_linger, for linger: how long close() may block.
	Linger time.Duration
	// HasISN: connect forces ISN; without it the ISN clock picks one.
	HasISN bool
	// AutoPort: connect from a port the kernel picks, not the bound old one.
	AutoPort bool
}

// FaultAction is what the link does to a matching segment.
type FaultAction uint8

// Link faults.
const (
	FaultDrop FaultAction = iota
	FaultDelay
	FaultDuplicate
)

var faultNames = [...]string{"drop", "delay", "duplicate"}

// String returns the fault's name as written in scenario files.
func (a FaultAction) String() string { return faultNames[a] }

// ParseFaultAction reads a fault name.
func ParseFaultAction(s string) (FaultAction, bool) { return parseName[FaultAction](faultNames[:], s) }

// Fault acts on the Nth (1-based) segment that Side sends and that matches: if Exact, its
// flags equal Flags; otherwise it has every flag in Flags (Flags 0 matches any segment).
// Times > 1 acts on that many consecutive matches.
type Fault struct {
	Action FaultAction
	Side   Side
	Flags  Flags
	Exact  bool
	Nth    int
	Times  int
	Delay  time.Duration // for delay and duplicate: the extra time on the link
	// Copy makes the fault act on the copies the link made of Side's segments (the old
	// duplicates of a duplicate fault) instead of on the segments Side sent: Nth
	// counts copies. Only drop and delay act on a copy.
	Copy bool
	// LossAfter is, for a drop, how long after it was sent the segment vanishes, at
	// most its whole transit; 0 means half way across.
	LossAfter time.Duration
	// Injected marks a fault added interactively (drop at the cursor), not by the script.
	Injected bool
}

// Matches reports whether seg matches the fault's pattern: the sender, original or
// copy, and the flags.
func (f *Fault) Matches(seg *Segment) bool {
	if seg.From != f.Side || seg.Dup != f.Copy {
		return false
	}
	if f.Exact {
		return seg.Flags == f.Flags
	}
	return seg.Flags.Has(f.Flags)
}

// String describes the fault: "drop the 2nd ACK B sends".
// String writes the fault in the trace header's grammar, with the scenario file's
// field names: "do=drop side=A flags=ACK nth=1", "do=duplicate side=B has=PSH nth=1
// delay=2s"; flags= is an exact match, has= an at-least one.
func (f Fault) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "do=%s side=%s", f.Action, f.Side)
	switch {
	case f.Flags != 0 && f.Exact:
		fmt.Fprintf(&b, " flags=%s", f.Flags)
	case f.Flags != 0:
		fmt.Fprintf(&b, " has=%s", f.Flags)
	}
	if f.Copy {
		b.WriteString(" copy=1")
	}
	fmt.Fprintf(&b, " nth=%d", f.Nth)
	if f.Times > 1 {
		fmt.Fprintf(&b, " times=%d", f.Times)
	}
	if f.Action != FaultDrop {
		fmt.Fprintf(&b, " delay=%s", f.Delay)
	}
	if f.Action == FaultDrop && f.LossAfter > 0 {
		fmt.Fprintf(&b, " loss_after=%s", f.LossAfter)
	}
	return b.String()
}

// ProfileFor returns the named profile with the scenario's overrides applied and then
// extra (e.g. from the command line, "knob=value" already split).
func (sc *Scenario) ProfileFor(name string, extra ...Override) (Profile, error) {
	p, err := ProfileByName(name)
	if err != nil {
		return p, err
	}
	for _, o := range append(append([]Override(nil), sc.Overrides...), extra...) {
		if o.Profile != "" && o.Profile != p.Name {
			continue
		}
		if err := p.Set(o.Knob, o.Value); err != nil {
			return p, err
		}
	}
	return p, nil
}

// parseName finds s in a table of names and returns its index as a T.
func parseName[T ~uint8](names []string, s string) (T, bool) {
	for i, n := range names {
		if n == s {
			return T(i), true
		}
	}
	return 0, false
}
