// Package drill builds the questions of tcpwave's "predict the next step" drill from a
// timeline: before each decisive event (a segment sent, a state entered, a 2MSL or
// FIN_WAIT_2 timer armed, what an app is told), one question with three or four
// choices. The right choice is the model's event; the wrong ones are generated, never
// canned: the answer the other profile gives at the same point of the story, the one a
// different fault gives, and the common misconceptions (the passive closer enters
// TIME_WAIT, the ACK is retransmitted, CLOSE_WAIT ends by a timer, …).
//
// The package is pure: no Bubble Tea, no words. An Answer is data (flags and numbers,
// a state, a timer and its length, an error name) with a Myth naming the misconception
// it stands for; the view's catalogs say it in a language.
package drill

import (
	"hash/fnv"
	"strings"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// Kind is what a question asks about.
type Kind uint8

// Question kinds.
const (
	// Send: which segment goes next (sender, flags, seq/ack, retransmission).
	Send Kind = iota
	// State: which state a side enters.
	State
	// Timer: which timer a side arms (or re-arms), and for how long.
	Timer
	// App: what an application is told by its socket call.
	App
)

var kindNames = [...]string{"send", "state", "timer", "app"}

// String is the kind's name ("send", "state", "timer", "app").
func (k Kind) String() string { return kindNames[k] }

// Source says where a choice comes from.
type Source uint8

// Sources of choices.
const (
	// FromModel is the model's own event: the right answer.
	FromModel Source = iota
	// FromOtherProfile is what the other profile does at the same point of the story.
	FromOtherProfile
	// FromOtherFault is what the run does under a different fault: without the
	// scenario's faults, or with the segment nearest the question lost.
	FromOtherFault
	// FromMyth is a common misconception (see Myth).
	FromMyth
)

// Myth names a misconception a wrong choice stands for.
type Myth uint8

// Misconceptions. MythNone is a choice that is some run's real answer.
const (
	MythNone Myth = iota
	// MythPassiveTimeWait: the side that closes second enters TIME_WAIT too.
	MythPassiveTimeWait
	// MythAckRetransmitted: a lost ACK is retransmitted by its sender (an ACK is
	// never retransmitted: only the FIN it acknowledged is).
	MythAckRetransmitted
	// MythCloseWaitTimer: CLOSE_WAIT ends by a timer (it ends only when the app
	// calls close(), or on a RST).
	MythCloseWaitTimer
	// MythFinNoSeq: a FIN takes no sequence number, so the ACK of a FIN does not
	// count it.
	MythFinNoSeq
	// MythFinWithAck: the FIN goes out together with the ACK of the peer's FIN.
	MythFinWithAck
	// MythAckOnly: only an ACK goes out, with no FIN.
	MythAckOnly
	// MythReset: the side resets the connection.
	MythReset
	// MythClosedAtOnce: the side is freed at once, with no waiting state.
	MythClosedAtOnce
	// MythWaitForever: the side stays where it is with no timer.
	MythWaitForever
	// MythTimerRuns: the 2MSL timer keeps running, not restarted.
	MythTimerRuns
	// MythRetransmitTimer: the retransmission timer is what runs here.
	MythRetransmitTimer
	// MythSuccessor: another state that can follow this one in RFC 9293 Figure 5,
	// but not on this event.
	MythSuccessor
	// MythBlocks: the call waits, and the app is told nothing yet.
	MythBlocks
	// MythOtherError: another outcome of the same call.
	MythOtherError
	// MythTimeWaitTimer: the timer armed is 2MSL (it is FIN_WAIT_2's own).
	MythTimeWaitTimer
	// MythListen: the socket goes back to LISTEN.
	MythListen
	// MythAckEndsIt: the ACK of our FIN ends the close (TIME_WAIT after FIN_WAIT_1).
	MythAckEndsIt
	// MythOtherTimer: a timer that belongs to another state.
	MythOtherTimer
	numMyths
)

var mythKeys = [numMyths]string{
	"", "passive-time-wait", "ack-retransmitted", "close-wait-timer", "fin-no-seq",
	"fin-with-ack", "ack-only", "reset", "closed-at-once", "wait-forever", "timer-runs",
	"retransmit-timer", "successor", "blocks", "other-error", "time-wait-timer", "listen",
	"ack-ends-it", "other-timer",
}

// String is the myth's catalog key ("passive-time-wait", …); "" for MythNone.
func (m Myth) String() string { return mythKeys[m] }

// Answer is one choice: what happens next, as data. Only the fields of the question's
// kind are set. Answers compare equal (==) exactly when a student would read them as
// the same; Source and Myth are not part of that (see Same).
type Answer struct {
	Side model.Side

	// Send.
	Flags            model.Flags
	Seq, Ack         uint32 // absolute
	SeqBase, AckBase uint32 // the ISNs that make Seq and Ack relative
	Len              int
	Retrans          int

	// State: the state entered; Stay means the side stays in State.
	State model.State
	Stay  bool

	// Timer: the timer armed (model.NumTimers: none), its length, and whether it is
	// restarted. CloseWait is the timer that does not exist (MythCloseWaitTimer).
	Timer     model.TimerKind
	Length    time.Duration
	Restart   bool
	CloseWait bool

	// App: the call ("read", "write", "connect") and what it returned: "EOF",
	// "data", "ok", "blocks" or an error name ("ECONNRESET", "EPIPE", …).
	Call, Result string

	Source Source
	Myth   Myth
}

// Same reports whether a and b read the same on screen.
func (a Answer) Same(b Answer) bool {
	a.Source, a.Myth, b.Source, b.Myth = 0, 0, 0, 0
	return a == b
}

// RelSeq is the answer's seq relative to its sender's ISN.
func (a Answer) RelSeq() uint32 { return a.Seq - a.SeqBase }

// RelAck is the answer's ack relative to the receiver's ISN.
func (a Answer) RelAck() uint32 { return a.Ack - a.AckBase }

// Question is one stop of the drill.
type Question struct {
	// Event is the index of the event asked about; Stop is the event the UI stops at
	// to ask (the one before it).
	Event, Stop int
	Kind        Kind
	// Side is whose step it is (for Send: the right answer's sender).
	Side    model.Side
	Choices []Answer
	Right   int // index in Choices of the model's answer

	// Topic is what the question is about, for linking a missed question to the
	// interview-question index: the scenario's id, the kind, and the rule that fired
	// at the event (model.Rule's key, e.g. "time-wait", "why-resend-fin"; for a timer
	// "timer.time-wait", "timer.fin-wait-2", "timer.keepalive", or
	// "timer.time-wait.restart").
	Topic Topic
}

// Topic identifies what a question tests, independent of its words.
type Topic struct {
	Scenario string
	Kind     Kind
	Rule     string // the event's model.Note rule key, or "timer.KIND[.restart]"
}

// MaxChoices is the most choices a question has; MinChoices the fewest.
const (
	MaxChoices = 4
	MinChoices = 3
)

// Alt is another run of the same story: the other profile's, or a different fault's.
type Alt struct {
	TL     *model.Timeline
	Source Source
}

// Alternatives is the set of other runs a drill compares with: other (the same
// scenario under the other profile, or nil) and, when tl has faults, the same story
// without them.
func Alternatives(tl, other *model.Timeline) []Alt {
	var alts []Alt
	if other != nil {
		alts = append(alts, Alt{other, FromOtherProfile})
	}
	if len(tl.Faults) > 0 {
		sc := *tl.Scenario
		sc.Faults = nil
		alts = append(alts, Alt{model.Run(&sc, tl.Profile), FromOtherFault})
	}
	return alts
}

// Questions is every question of the drill over tl, in order.
func Questions(tl *model.Timeline, alts []Alt) []Question {
	var qs []Question
	for i := 1; i < tl.Len(); i++ {
		if q, ok := question(tl, i, alts); ok && !asked(qs, q) {
			qs = append(qs, q)
		}
	}
	return qs
}

// asked reports whether qs already asks q: the same rule with the same right answer
// (a keepalive probe and its answer, every 75 s). A drill asks each lesson once.
func asked(qs []Question, q Question) bool {
	for _, p := range qs {
		if p.Topic == q.Topic && p.Choices[p.Right].Same(q.Choices[q.Right]) {
			return true
		}
	}
	return false
}

// Next is the first question about an event after cursor, or false at the end.
func Next(tl *model.Timeline, cursor int, alts []Alt) (Question, bool) {
	for _, q := range Questions(tl, alts) {
		if q.Event > cursor {
			return q, true
		}
	}
	return Question{}, false
}

// Decisive reports whether event i of tl gets a question, and of which kind.
func Decisive(tl *model.Timeline, i int) (Kind, bool) {
	ev := tl.At(i)
	switch ev.Kind {
	case model.EvSend:
		return Send, !tl.Segments[ev.Seg].Dup
	case model.EvState:
		return State, true
	case model.EvTimer:
		return Timer, timerArmed(tl, i)
	case model.EvApp:
		_, result, ok := appResult(ev.Call)
		return App, ok && result != "data" && result != "ok"
	}
	return 0, false
}

// timerArmed reports whether event i arms (or re-arms) a 2MSL, FIN_WAIT_2 or
// keepalive timer that was not armed with the same deadline just before: the timers
// whose start is a lesson, not bookkeeping.
func timerArmed(tl *model.Timeline, i int) bool {
	ev := tl.At(i)
	switch ev.Timer {
	case model.TimerTimeWait, model.TimerFinWait2, model.TimerKeepalive:
	default:
		return false
	}
	if !ev.Snap[ev.Side].Timers[ev.Timer].Armed {
		return false
	}
	prev, ok := previousTimer(tl, i)
	if ev.Timer == model.TimerKeepalive {
		return !ok || prev.Timer != ev.Timer // its first arming; the probes are asked as segments
	}
	return !ok || prev.Timer != ev.Timer || deadline(prev) != deadline(ev)
}

// previousTimer is the timer event of the same side before event i: the timer that
// side reported last. (A snapshot just before i may already hold i's timer: a timer is
// reported after the other events of its instant.)
func previousTimer(tl *model.Timeline, i int) (*model.Event, bool) {
	side := tl.At(i).Side
	for j := i - 1; j > 0; j-- {
		if ev := tl.At(j); ev.Kind == model.EvTimer && ev.Side == side {
			return ev, true
		}
	}
	return nil, false
}

// deadline is when a timer event's timer fires.
func deadline(ev *model.Event) time.Duration { return ev.T + ev.Remaining }

// appResult splits an app event's call into the call's verb and its outcome: "read
// -> EOF" is ("read", "EOF"), "write n=10 -> error EPIPE" ("write", "EPIPE"), "read ->
// n=10" ("read", "data"). ok is false for a call without an outcome ("close").
func appResult(call string) (verb, result string, ok bool) {
	c, r, ok := strings.Cut(call, " -> ")
	if !ok {
		return "", "", false
	}
	verb, _, _ = strings.Cut(c, " ")
	switch {
	case strings.HasPrefix(r, "error "):
		result = strings.TrimPrefix(r, "error ")
		if i := strings.IndexByte(result, ' '); i >= 0 {
			result = result[:i] // "connection closing" is one outcome
		}
	case r == "EOF":
		result = "EOF"
	case strings.HasPrefix(r, "n="), verb == "write":
		result = "data"
		if verb == "write" {
			result = "ok"
		}
	default:
		result = "ok"
	}
	return verb, result, true
}

// answerAt is the answer event i of tl gives to a question of kind k.
func answerAt(tl *model.Timeline, i int, k Kind) Answer {
	ev := tl.At(i)
	a := Answer{Side: ev.Side, Timer: model.NumTimers}
	switch k {
	case Send:
		s := &tl.Segments[ev.Seg]
		a.Flags, a.Seq, a.Ack, a.SeqBase, a.AckBase, a.Len, a.Retrans = s.Flags, s.Seq, s.Ack, s.SeqBase, s.AckBase, s.Len, s.Retrans
		if !s.Flags.Has(model.ACK) {
			a.Ack, a.AckBase = 0, 0
		}
	case State:
		a.State = ev.To
	case Timer:
		t := ev.Snap[ev.Side].Timers[ev.Timer]
		a.Timer, a.Length = ev.Timer, t.Length
		prev, ok := previousTimer(tl, i)
		a.Restart = ok && prev.Timer == ev.Timer
	case App:
		a.Call, a.Result, _ = appResult(ev.Call)
	}
	return a
}

// slot is where a question stands in its story, to find the same point in another
// run: the nth decisive event of its kind by its side (for a timer, of its timer; for
// an app, of its call).
func slot(tl *model.Timeline, i int, k Kind) int {
	n := 0
	for j := 1; j <= i; j++ {
		if sameSlot(tl, j, tl, i, k) {
			n++
		}
	}
	return n
}

func sameSlot(tl *model.Timeline, j int, ref *model.Timeline, i int, k Kind) bool {
	kj, ok := Decisive(tl, j)
	if !ok || kj != k {
		return false
	}
	a, b := tl.At(j), ref.At(i)
	if a.Side != b.Side {
		return false
	}
	switch k {
	case Timer:
		return a.Timer == b.Timer
	case App:
		va, _, _ := appResult(a.Call)
		vb, _, _ := appResult(b.Call)
		return va == vb
	}
	return true
}

// counterpart is alt's answer at the point of tl's event i: the nth event of the same
// slot. With none, a timer question's answer is "no timer" and a state question's
// "stays"; the others have none.
func counterpart(tl *model.Timeline, i int, k Kind, alt *model.Timeline) (Answer, bool) {
	n := slot(tl, i, k)
	seen := 0
	for j := 1; j < alt.Len(); j++ {
		if sameSlot(alt, j, tl, i, k) {
			if seen++; seen == n {
				return answerAt(alt, j, k), true
			}
		}
	}
	ev := tl.At(i)
	switch k {
	case Timer:
		return Answer{Side: ev.Side, Timer: model.NumTimers}, true
	case State:
		return Answer{Side: ev.Side, Timer: model.NumTimers, State: ev.From, Stay: true}, true
	}
	return Answer{}, false
}

// question builds the question about event i, or false if i is not decisive.
func question(tl *model.Timeline, i int, alts []Alt) (Question, bool) {
	k, ok := Decisive(tl, i)
	if !ok {
		return Question{}, false
	}
	ev := tl.At(i)
	right := answerAt(tl, i, k)
	right.Source = FromModel
	choices := []Answer{right}
	add := func(a Answer) {
		if len(choices) >= MaxChoices {
			return
		}
		for _, c := range choices {
			// A state question's choices differ by their state: "CLOSED" and
			// "CLOSED: CLOSE_WAIT times out" would be two ways to say one thing.
			if c.Same(a) || k == State && c.State == a.State && c.Stay == a.Stay {
				return
			}
		}
		choices = append(choices, a)
	}
	for _, alt := range alts {
		if a, ok := counterpart(tl, i, k, alt.TL); ok {
			a.Source = alt.Source
			add(a)
		}
	}
	// A different fault: lose the segment nearest the question, and see.
	if c, ok := tl.DropTarget(i-1, tl.At(i-1).T); ok {
		if a, ok := counterpart(tl, i, k, tl.Fork(c.Fault)); ok {
			a.Source = FromOtherFault
			add(a)
		}
	}
	for _, a := range myths(tl, i, k, right) {
		a.Source = FromMyth
		add(a)
	}
	if len(choices) < MinChoices {
		return Question{}, false
	}
	rule := ev.Note.Rule.String()
	if k == Timer {
		// A timer event has no rule of its own: its topic is the timer, and whether
		// it restarted ("timer.time-wait.restart": TIME_WAIT answered a segment).
		rule = "timer." + ev.Timer.String()
		if right.Restart {
			rule += ".restart"
		}
	}
	q := Question{
		Event: i, Stop: i - 1, Kind: k, Side: ev.Side,
		Topic: Topic{Scenario: tl.Scenario.ID, Kind: k, Rule: rule},
	}
	q.Choices, q.Right = shuffle(choices, seed(tl, i))
	return q, true
}

// seed is the fixed seed of event i's shuffle: the same story gives the same order.
func seed(tl *model.Timeline, i int) uint64 {
	h := fnv.New64a()
	h.Write([]byte(tl.Scenario.ID))
	h.Write([]byte(tl.Profile.Name))
	var b [8]byte
	for j := range b {
		b[j] = byte(i >> (8 * j))
	}
	h.Write(b[:])
	return h.Sum64()
}

// shuffle orders choices by a Fisher-Yates shuffle driven by seed, and returns where
// the first (the right answer) went.
func shuffle(choices []Answer, seed uint64) ([]Answer, int) {
	out := append([]Answer(nil), choices...)
	idx := make([]int, len(out))
	for i := range idx {
		idx[i] = i
	}
	x := seed | 1
	for i := len(out) - 1; i > 0; i-- {
		x ^= x << 13 // xorshift64
		x ^= x >> 7
		x ^= x << 17
		j := int(x % uint64(i+1))
		out[i], out[j] = out[j], out[i]
		idx[i], idx[j] = idx[j], idx[i]
	}
	for i, v := range idx {
		if v == 0 {
			return out, i
		}
	}
	return out, 0
}
