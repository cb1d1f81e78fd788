package view

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// The narration. The model says which rule fired at each event, with its numbers
// (model.Note); the words are here, from the catalogs, and they look at the timeline
// around the event so that each sentence is true where it is shown: whether this
// close took three segments or four, whether the side that reads EOF had already
// closed its own direction, whose timer still runs.

func decodeRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }

// side is a side's name in a sentence ("the client"'s "client").
func (l Lang) side(s model.Side) string {
	if s == model.A {
		return l.t("client")
	}
	return l.t("server")
}

// sideTitle is a side's name at the start of a sentence.
func (l Lang) sideTitle(s model.Side) string {
	if s == model.A {
		return l.t("Client")
	}
	return l.t("Server")
}

// timerName is a timer as the narration names it.
func (l Lang) timerName(k model.TimerKind) string { return l.t("timer." + k.String()) }

// lesson is the narration of one event: why it happened, and the rule's source (an
// RFC section, a kernel function) for a line of its own.
type lesson struct{ why, src string }

// text is the lesson on one line, as the trace annotates an event.
func (ls lesson) text() string {
	switch {
	case ls.src == "":
		return ls.why
	case ls.why == "":
		return ls.src
	}
	return ls.why + " [" + ls.src + "]"
}

// eventSummary is the first narration line: when, who, what.
func eventSummary(l Lang, tl *model.Timeline, ev *model.Event) string {
	return eventSummaryIn(l, tl, ev, false)
}

// eventSummaryIn is eventSummary with absolute sequence numbers if absolute.
func eventSummaryIn(l Lang, tl *model.Timeline, ev *model.Event, absolute bool) string {
	label := func(s *model.Segment) string {
		if absolute {
			return s.LabelAbsolute()
		}
		return s.Label()
	}
	t := "t=" + secs(ev.T) + " s · "
	who := l.sideTitle(ev.Side)
	switch ev.Kind {
	case model.EvStart:
		return t + l.t("sum.start", scenarioTitle(l, tl.Scenario), tl.Profile.Name)
	case model.EvApp:
		return t + l.t("sum.app", who, callText(ev.Call))
	case model.EvSend:
		s := &tl.Segments[ev.Seg]
		if s.Retrans > 0 {
			return t + l.t("sum.send.retrans", who, label(s), s.Retrans)
		}
		return t + l.t("sum.send", who, label(s))
	case model.EvDrop:
		s := &tl.Segments[ev.Seg]
		return t + l.t("sum.drop", l.side(s.From), label(s))
	case model.EvRecv:
		s := &tl.Segments[ev.Seg]
		if s.Dup {
			return t + l.t("sum.recv.dup", who, label(s))
		}
		return t + l.t("sum.recv", who, label(s))
	case model.EvState:
		return t + l.t("sum.state", who, ev.From.String(), ev.To.String())
	case model.EvTimer:
		if ev.Timer >= model.NumTimers {
			if k, ok := stoppedTimer(tl, ev); ok {
				return t + l.t("sum.timer.stops", who, l.timerName(k))
			}
			return t + l.t("sum.timer.none", who)
		}
		name := l.timerName(ev.Timer)
		length := ev.Snap[ev.Side].Timers[ev.Timer].Length
		extra := ""
		if ev.Timer == model.TimerRetransmit && ev.Retrans > 0 {
			extra = l.t("sum.timer.backoff", ev.Retrans)
		}
		// A timer line reports the side's next timer: armed just now, or one already
		// running that is next once another has stopped.
		if ev.Remaining < length {
			return t + l.t("sum.timer.next", who, name, trimSecs(ev.Remaining), trimSecs(length)) + extra
		}
		if ev.Timer == model.TimerTimeWait && restarted(tl, ev) {
			return t + l.t("sum.timer.restarts", who, name, trimSecs(ev.Remaining)) + extra
		}
		return t + l.t("sum.timer.arms", who, name, trimSecs(ev.Remaining)) + extra
	}
	return t
}

// scenarioTitle is a scenario's title in l: the catalog's, or the file's own.
func scenarioTitle(l Lang, sc *model.Scenario) string {
	if s, ok := catalogs[l.valid()]["scenario."+sc.ID+".title"]; ok && l != En && fromCatalog(sc) {
		return s
	}
	return sc.Title
}

// KnobDoc says what a profile knob does, in l.
func KnobDoc(l Lang, knob string) string { return l.t("knob." + knob) }

// ScenarioTitle is a scenario's title in l: the catalog's translation, or the
// scenario file's own.
func ScenarioTitle(l Lang, sc *model.Scenario) string { return scenarioTitle(l, sc) }

// stoppedTimer finds the timer that a "no timer" event reports as stopped: armed on
// that side earlier in the same instant (the model reports timers once a step is
// done), and not any more.
func stoppedTimer(tl *model.Timeline, ev *model.Event) (model.TimerKind, bool) {
	now := &ev.Snap[ev.Side]
	for j := ev.Index - 1; j >= 0; j-- {
		before := &tl.At(j).Snap[ev.Side]
		for k := model.TimerKind(0); k < model.NumTimers; k++ {
			if before.Timers[k].Armed && !now.Timers[k].Armed {
				return k, true
			}
		}
		if tl.At(j).T != ev.T {
			break
		}
	}
	return 0, false
}

// eventNote is the narration under the summary line: the event's lesson and, at the
// last event, where the story left both sides.
func eventNote(l Lang, tl *model.Timeline, ev *model.Event) lesson {
	return eventNoteIn(l, tl, ev, true)
}

// eventNoteIn is eventNote with the numbers it quotes as the screen shows them:
// absolute, or relative to the old connection's ISN (where a SYN of a new connection
// on the same 4-tuple reads seq=0).
func eventNoteIn(l Lang, tl *model.Timeline, ev *model.Event, absolute bool) lesson {
	ls := ownNoteIn(l, tl, ev, absolute)
	if ev.Index == tl.Len()-1 && ev.Index > 0 {
		if ev.Kind == model.EvTimer {
			return lesson{why: ending(l, tl)} // "no timer armed" says nothing the ending does not
		}
		ls.why = joinSentences(l, ls.why, ending(l, tl))
	}
	return ls
}

// joinSentences puts two sentences together as l writes them.
func joinSentences(l Lang, a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case l == Zh:
		return a + b
	}
	return a + " " + b
}

// ending says where the story left both sides, at the last event.
func ending(l Lang, tl *model.Timeline) string {
	if !tl.Forkable() {
		return captureEnding(l, tl)
	}
	switch {
	case tl.Truncated:
		return l.t("end.truncated", model.MaxEvents)
	case tl.OutOfTime:
		return l.t("end.out-of-time")
	}
	if tl.Stopped {
		return l.t("end.stopped", secs(tl.Scenario.Until))
	}
	return joinSentences(l, where(l, tl), scenarioMoral(l, tl.Scenario))
}

// where says in which state the run left both sides.
func where(l Lang, tl *model.Timeline) string {
	snap := tl.At(tl.Len() - 1).Snap
	a, b := snap[model.A].State, snap[model.B].State
	if a == model.Closed && b == model.Closed {
		return l.t("end.closed")
	}
	out := l.t("end")
	for _, side := range []model.Side{model.A, model.B} {
		switch st := snap[side].State; st {
		case model.CloseWait:
			out = joinSentences(l, out, l.t("end.close-wait", l.side(side)))
		case model.FinWait2:
			out = joinSentences(l, out, l.t("end.fin-wait-2", l.side(side)))
		default:
			out = joinSentences(l, out, l.t("end.state", l.side(side), st.String()))
		}
	}
	return out
}

// ownNote is the lesson of an event: the model's rule in words, or for a timer event,
// which the model leaves unexplained, what the timer is for.
func ownNote(l Lang, tl *model.Timeline, ev *model.Event) lesson {
	return ownNoteIn(l, tl, ev, true)
}

// ownNoteIn is ownNote with the numbers it quotes absolute or relative.
func ownNoteIn(l Lang, tl *model.Timeline, ev *model.Event, absolute bool) lesson {
	if ev.Note.Rule.Inferred() {
		return inferredNote(l, tl, ev) // a capture's, not the model's
	}
	if ev.Note.Rule != model.RuleNone {
		c := noteContext{l: l, tl: tl, ev: ev, relative: !absolute}
		ls := c.lesson()
		if also := ev.Note.Also; also != model.RuleNone {
			more := c.say(also.String())
			ls.why = joinSentences(l, ls.why, more.why)
			ls.src = strings.Join(slices.DeleteFunc([]string{ls.src, more.src}, func(s string) bool { return s == "" }), "; ")
		}
		return ls
	}
	if ev.Kind != model.EvTimer {
		return lesson{}
	}
	return timerNote(l, tl, ev)
}

// timerNote says what an armed timer is for, or why no timer is left. A backed-off
// retransmission timer long enough for the kernel's timer wheel to fire it noticeably
// late (a bucket of 256 ms or more, from 2.016 s at HZ=250) says so too
// (model.WheelSlack): a SYN's last wait of 32 s ended after 34 s on a real kernel.
func timerNote(l Lang, tl *model.Timeline, ev *model.Event) lesson {
	ls := timerPurpose(l, tl, ev)
	if ev.Timer != model.TimerRetransmit || ls.why == "" {
		return ls
	}
	if slack := tl.Profile.TimerSlack(ev.Remaining); slack >= 256*time.Millisecond {
		ls.why = joinSentences(l, ls.why, l.t("timer-note.wheel", trimSecs(slack)))
		ls.src = strings.Join(slices.DeleteFunc([]string{ls.src, sourceOf("timer-note.wheel")}, func(s string) bool { return s == "" }), "; ")
	}
	return ls
}

// timerPurpose says what an armed timer is for, or why no timer is left.
func timerPurpose(l Lang, tl *model.Timeline, ev *model.Event) lesson {
	p := &tl.Profile
	say := func(key string, args ...any) lesson { return lesson{l.t(key, args...), sourceOf(key)} }
	switch ev.Timer {
	case model.TimerRetransmit:
		if ev.Snap[ev.Side].ReoArmed {
			return say("timer-note.rack", trimSecs(ev.Remaining))
		}
		if ev.Snap[ev.Side].ProbeArmed {
			return say("timer-note.probe", trimSecs(p.RTOMin), trimSecs(ev.Remaining))
		}
		if ev.Retrans > 0 {
			if ev.Snap[ev.Side].State == model.SynSent && ev.Retrans <= p.SynLinearTimeouts {
				return say("timer-note.linear", ev.Retrans, trimSecs(ev.Remaining), p.SynLinearTimeouts)
			}
			return say("timer-note.backoff", ev.Retrans, trimSecs(ev.Remaining))
		}
		return say("timer-note.retransmit")
	case model.TimerDelayedAck:
		return say("timer-note.delayed-ack", trimSecs(p.DelayedAck))
	case model.TimerFinWait2:
		return say("timer-note.fin-wait-2", trimSecs(ev.Remaining))
	case model.TimerKeepalive:
		return say("timer-note.keepalive")
	case model.TimerTimeWait:
		if restarted(tl, ev) {
			return say("timer-note.time-wait.restarts")
		}
		return say("timer-note.time-wait", trimSecs(ev.Remaining))
	}
	k, ok := stoppedTimer(tl, ev)
	snap := &ev.Snap[ev.Side]
	switch {
	case !ok:
	case k == model.TimerRetransmit && snap.State != model.Closed:
		return say("timer-note.acked")
	case k == model.TimerDelayedAck:
		return say("timer-note.ack-sent")
	case snap.State == model.Closed:
		return say("timer-note.gone")
	}
	// No timer on this side: say whose still runs, if the other side's does.
	other := ev.Side.Peer()
	if k, _, ok := ev.Snap[other].NextTimer(); ok {
		return say("timer-note.none.other", l.side(ev.Side), l.side(other), l.timerName(k))
	}
	return say("timer-note.none")
}

// restarted reports whether a time-wait timer event re-arms a 2MSL timer that was
// already running: the side was in TIME_WAIT with it armed before this instant. (The
// event just before may already show the timer armed in the same step that entered
// TIME_WAIT: that is the first arming, not a restart.)
func restarted(tl *model.Timeline, ev *model.Event) bool {
	for j := ev.Index - 1; j >= 0; j-- {
		prev := tl.At(j)
		if prev.T == ev.T {
			continue
		}
		snap := &prev.Snap[ev.Side]
		return snap.State == model.TimeWait && snap.Timers[model.TimerTimeWait].Armed
	}
	return false
}

// remark says where the other profile o behaves differently at this event, or "":
// only for the rules in which the two profiles (with the scenario's overrides) really
// differ, and only at the events those rules govern.
func remark(l Lang, tl *model.Timeline, o *model.Profile, ev *model.Event) string {
	p := &tl.Profile
	linux := p.Name == "linux"
	var seg *model.Segment
	if ev.Seg >= 0 && ev.Seg < len(tl.Segments) {
		seg = &tl.Segments[ev.Seg]
	}
	pick := func(linuxKey, rfcKey string, linuxArgs, rfcArgs []any) string {
		if linux {
			return l.t(linuxKey, linuxArgs...)
		}
		return l.t(rfcKey, rfcArgs...)
	}
	switch {
	case p.DelayedAck != o.DelayedAck && (ev.Kind == model.EvTimer && ev.Timer == model.TimerDelayedAck ||
		ev.Kind == model.EvSend && seg != nil && (seg.Cause == model.CauseDelayedAck || seg.Piggyback)):
		return pick("remark.delayed-ack.linux", "remark.delayed-ack.rfc",
			[]any{trimSecs(p.DelayedAck)}, []any{trimSecs(o.DelayedAck)})
	case p.DelayedAck != o.DelayedAck && !linux && ev.Kind == model.EvSend && seg != nil && seg.Flags == model.ACK &&
		ev.Snap[ev.Side].State == model.CloseWait && answersFIN(tl, ev):
		return l.t("remark.ack-at-once.rfc", trimSecs(o.DelayedAck))
	case p.TransientFinWait2 != o.TransientFinWait2 && ev.Kind == model.EvState && ev.To == model.TimeWait &&
		(ev.From == model.FinWait1 || ev.From == model.FinWait2 && transientFinWait2(tl, ev)):
		return pick("remark.transient-fin-wait-2.linux", "remark.transient-fin-wait-2.rfc", nil, nil)
	case p.TimeWait != o.TimeWait && (ev.Kind == model.EvState && ev.To == model.TimeWait || ev.Kind == model.EvTimer && ev.Timer == model.TimerTimeWait):
		return pick("remark.time-wait.linux", "remark.time-wait.rfc",
			[]any{trimSecs(p.TimeWait), trimSecs(o.TimeWait)}, []any{trimSecs(p.TimeWait), trimSecs(o.TimeWait)})
	case (p.RTOMin != o.RTOMin || p.RTOMinOnVariance != o.RTOMinOnVariance) && ev.Kind == model.EvTimer && ev.Timer == model.TimerRetransmit:
		return pick("remark.rto.linux", "remark.rto.rfc",
			[]any{trimSecs(p.RTOMin), trimSecs(o.RTOMin)}, []any{trimSecs(p.RTOMin), trimSecs(o.RTOMin)})
	case p.HalfDuplexClose != o.HalfDuplexClose && ev.Kind == model.EvApp && strings.HasPrefix(ev.Call, "close") && rcvBufBefore(tl, ev) > 0:
		return pick("remark.unread-close.linux", "remark.unread-close.rfc", nil, nil)
	case p.HalfDuplexClose != o.HalfDuplexClose && ev.Kind == model.EvSend && seg != nil && seg.Flags.Has(model.RST) &&
		seg.Cause == model.CauseDataAfterClose:
		return l.t("remark.data-after-close.linux")
	case ev.Kind == model.EvSend && seg != nil && seg.Flags.Has(model.RST) && (p.RSTSenderTimeWait != o.RSTSenderTimeWait || p.AbortRSTHasACK != o.AbortRSTHasACK) &&
		ev.Index > 0 && tl.At(ev.Index - 1).Snap[ev.Side].State.Synchronized() && tl.At(ev.Index - 1).Snap[ev.Side].State != model.TimeWait &&
		seg.Flags.Has(model.ACK) == p.AbortRSTHasACK:
		return pick("remark.abort.linux", "remark.abort.rfc", nil, nil)
	case p.FinWait2Timer != o.FinWait2Timer && (ev.Kind == model.EvTimer && ev.Timer == model.TimerFinWait2 ||
		ev.Kind == model.EvState && ev.To == model.FinWait2 && !leavesAtOnce(tl, ev)):
		if linux && ev.Kind == model.EvState && !ev.Snap[ev.Side].Orphan {
			return l.t("remark.fin-wait-2.held")
		}
		return pick("remark.fin-wait-2.linux", "remark.fin-wait-2.rfc",
			[]any{trimSecs(p.FinTimeout)}, []any{trimSecs(o.FinTimeout)})
	case p.SynInTimeWait != o.SynInTimeWait && ev.Kind == model.EvRecv && seg != nil && seg.Flags.Has(model.SYN) && wasState(tl, ev.Index, ev.Side, model.TimeWait):
		return pick("remark.syn-in-time-wait.linux", "remark.syn-in-time-wait.rfc", nil, nil)
	case p.Timestamps != o.Timestamps && ev.Kind == model.EvApp &&
		(ev.Note.Rule == model.RuleConnectTakeover && ev.Note.N == 0 || ev.Note.Rule == model.RuleConnectInUse && ev.Note.State == model.TimeWait):
		return pick("remark.connect-time-wait.linux", "remark.connect-time-wait.rfc", nil, nil)
	case p.RFC1337 != o.RFC1337 && ev.Kind == model.EvRecv && seg != nil && seg.Flags.Has(model.RST) && wasState(tl, ev.Index, ev.Side, model.TimeWait):
		if p.RFC1337 {
			return l.t("remark.rfc1337.on")
		}
		return l.t("remark.rfc1337.off")
	}
	return ""
}

// answersFIN reports whether the send event ev answers a FIN its side received at the
// same instant.
func answersFIN(tl *model.Timeline, ev *model.Event) bool {
	for i := ev.Index - 1; i >= 0 && tl.At(i).T == ev.T; i-- {
		if e := tl.At(i); e.Kind == model.EvRecv && e.Side == ev.Side {
			return tl.Segments[e.Seg].Flags.Has(model.FIN)
		}
	}
	return false
}

// transientFinWait2 reports whether ev's side entered FIN_WAIT_2 from FIN_WAIT_1 at the
// same instant as ev.
func transientFinWait2(tl *model.Timeline, ev *model.Event) bool {
	for i := ev.Index - 1; i >= 0 && tl.At(i).T == ev.T; i-- {
		if e := tl.At(i); e.Kind == model.EvState && e.Side == ev.Side && e.To == model.FinWait2 {
			return e.From == model.FinWait1
		}
	}
	return false
}

// leavesAtOnce reports whether ev's side changes state again at the same instant.
func leavesAtOnce(tl *model.Timeline, ev *model.Event) bool {
	for i := ev.Index + 1; i < tl.Len() && tl.At(i).T == ev.T; i++ {
		if e := tl.At(i); e.Kind == model.EvState && e.Side == ev.Side {
			return true
		}
	}
	return false
}

// wasState reports whether side was in state st just before event i.
func wasState(tl *model.Timeline, i int, side model.Side, st model.State) bool {
	return i > 0 && tl.At(i - 1).Snap[side].State == st
}

// rcvBufBefore is the side's unread bytes just before event ev.
func rcvBufBefore(tl *model.Timeline, ev *model.Event) int {
	if ev.Index == 0 {
		return 0
	}
	return tl.At(ev.Index - 1).Snap[ev.Side].RcvBuf
}

// TraceText is the timeline as `tcpwave trace` prints it (trace-format.md), each event
// annotated in l with the rule that fired and its source; absolute prints absolute
// sequence numbers.
func TraceText(l Lang, tl *model.Timeline, absolute bool) string {
	return tl.TraceWith(absolute, func(ev *model.Event) string {
		if ev.Note.Rule == model.RuleNone {
			return ""
		}
		return ownNote(l, tl, ev).text()
	})
}

// scenarioExplanation is a scenario's explanation in l: the catalog's, or the file's own.
func scenarioExplanation(l Lang, sc *model.Scenario) string {
	if s, ok := catalogs[l.valid()]["scenario."+sc.ID+".explanation"]; ok && l != En && fromCatalog(sc) {
		return s
	}
	return sc.Explanation
}

// scenarioMoral is what a run of the scenario shows, in l.
func scenarioMoral(l Lang, sc *model.Scenario) string {
	if s, ok := catalogs[l.valid()]["scenario."+sc.ID+".moral"]; ok && l != En && fromCatalog(sc) {
		return s
	}
	return sc.Moral
}

// fromCatalog reports whether sc is the catalog's scenario of its id (a user's file
// may take a catalog id and say something else).
func fromCatalog(sc *model.Scenario) bool {
	cat, ok := scenarios.Lookup(sc.ID)
	return ok && cat.Title == sc.Title && cat.Explanation == sc.Explanation && cat.Moral == sc.Moral
}
