package view

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tcpwave/tcpwave/model"
)

func decodeRune(s string) (rune, int) { return utf8.DecodeRuneInString(s) }

func sideName(s model.Side) string { return s.Name() }

func sideTitle(s model.Side) string {
	if s == model.A {
		return "Client"
	}
	return "Server"
}

// eventSummary is the first narration line: when, who, what.
func eventSummary(tl *model.Timeline, ev *model.Event) string {
	t := "t=" + secs(ev.T) + " s · "
	switch ev.Kind {
	case model.EvStart:
		return t + tl.Scenario.Title + " (" + tl.Profile.Name + " profile)"
	case model.EvApp:
		return t + sideTitle(ev.Side) + "'s app calls " + callText(ev.Call)
	case model.EvSend:
		s := &tl.Segments[ev.Seg]
		what := ""
		if s.Retrans > 0 {
			what = fmt.Sprintf(" (retransmission ⟲%d)", s.Retrans)
		}
		return t + sideTitle(ev.Side) + " sends " + s.Label() + what
	case model.EvDrop:
		s := &tl.Segments[ev.Seg]
		return t + "✕ the link loses the " + sideName(s.From) + "'s " + s.Label()
	case model.EvRecv:
		s := &tl.Segments[ev.Seg]
		dup := ""
		if s.Dup {
			dup = " (an old duplicate)"
		}
		return t + sideTitle(ev.Side) + " receives " + s.Label() + dup
	case model.EvState:
		return t + sideTitle(ev.Side) + ": " + ev.From.String() + " → " + ev.To.String()
	case model.EvTimer:
		if ev.Timer >= model.NumTimers {
			if k, ok := stoppedTimer(tl, ev); ok {
				return t + sideTitle(ev.Side) + "'s " + timerNames[k] + " stops; no timer is left"
			}
			return t + sideTitle(ev.Side) + ": no timer armed"
		}
		name := timerNames[ev.Timer]
		length := ev.Snap[ev.Side].Timers[ev.Timer].Length
		extra := ""
		if ev.Timer == model.TimerRetransmit {
			extra = fmt.Sprintf(", backoff %d", ev.Retrans)
		}
		// A timer line reports the side's next timer: armed just now, or one already
		// running that is next once another has stopped.
		if ev.Remaining < length {
			return fmt.Sprintf("%s%s's next timer: its %s, %s s left of %s s%s", t, sideTitle(ev.Side), name, trimSecs(ev.Remaining), trimSecs(length), extra)
		}
		verb := "arms"
		if ev.Timer == model.TimerTimeWait && restarted(tl, ev) {
			verb = "restarts"
		}
		return fmt.Sprintf("%s%s %s its %s: %s s%s", t, sideTitle(ev.Side), verb, name, trimSecs(ev.Remaining), extra)
	}
	return t
}

// timerNames are the timers as the narration names them.
var timerNames = [model.NumTimers]string{
	model.TimerRetransmit: "retransmission timer",
	model.TimerDelayedAck: "delayed-ACK timer",
	model.TimerFinWait2:   "FIN_WAIT_2 timer",
	model.TimerTimeWait:   "2MSL timer",
	model.TimerKeepalive:  "keepalive timer",
}

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

// eventNote is the narration under the summary line: the event's explanation and, at
// the last event, where the story left both sides.
func eventNote(tl *model.Timeline, ev *model.Event) string {
	note := ownNote(tl, ev)
	if ev.Index == tl.Len()-1 && ev.Index > 0 {
		if ev.Kind == model.EvTimer {
			return ending(tl) // "no timer armed" says nothing the ending does not
		}
		return note + " " + ending(tl)
	}
	return note
}

// ending says where the story left both sides, at the last event.
func ending(tl *model.Timeline) string {
	switch {
	case tl.Truncated:
		return fmt.Sprintf("The run was cut here, after %d events, the most a run may have: the story goes on past them.", model.MaxEvents)
	case tl.OutOfTime:
		return "The run was cut here, at " + model.MaxTimeText + " of virtual time, the longest a run may last: events were still to come."
	}
	if tl.Stopped {
		return fmt.Sprintf("The run stops here, at %s s: it would go on the same way for ever.", secs(tl.Scenario.Until))
	}
	snap := tl.At(tl.Len() - 1).Snap
	a, b := snap[model.A].State, snap[model.B].State
	if a == model.Closed && b == model.Closed {
		return "The end: both sides are CLOSED and nothing is left to happen."
	}
	out := "The end."
	for _, side := range []model.Side{model.A, model.B} {
		who := "The " + sideName(side)
		switch st := snap[side].State; st {
		case model.CloseWait:
			out += " " + who + " stays in CLOSE_WAIT for ever: no timer ends it, only its app's close() would."
		case model.FinWait2:
			out += " " + who + " stays in FIN_WAIT_2 for ever: no timer ends it here, only the peer's FIN would."
		default:
			out += " " + who + " is " + st.String() + "."
		}
	}
	return out
}

// ownNote is the model's explanation of an event; timer events, which the model
// leaves unexplained, get one here.
func ownNote(tl *model.Timeline, ev *model.Event) string {
	if ev.Note != "" {
		return ev.Note
	}
	if ev.Kind != model.EvTimer {
		return ""
	}
	p := &tl.Profile
	switch ev.Timer {
	case model.TimerRetransmit:
		if ev.Snap[ev.Side].ProbeArmed {
			return fmt.Sprintf("Linux first waits for a tail loss probe, min(2·SRTT + %s s, RTO): if no ACK comes by then, it sends the last segment once more, before any real timeout (RFC 8985 §7; RFC 9293 has no probe, only the RTO).", trimSecs(p.RTOMin))
		}
		if ev.Retrans > 0 {
			return fmt.Sprintf("The RTO doubled after retransmission %d (exponential backoff, RFC 6298 5.5): the next try waits %s s.", ev.Retrans, trimSecs(ev.Remaining))
		}
		return "The retransmission timer guards the unacknowledged segment: if no ACK comes within the RTO, it is sent again (RFC 9293 §3.8.1, RFC 6298)."
	case model.TimerDelayedAck:
		return fmt.Sprintf("The ACK waits up to %s s for data or a FIN to ride on (delayed ACK, RFC 9293 §3.8.6.3).", trimSecs(p.DelayedAck))
	case model.TimerFinWait2:
		return fmt.Sprintf("No process holds this socket any more, so it will not wait in FIN_WAIT_2 forever: after tcp_fin_timeout (%s s) it is destroyed.", trimSecs(ev.Remaining))
	case model.TimerKeepalive:
		return "SO_KEEPALIVE: after a quiet spell the socket probes the peer with a segment any live peer must ACK; a dead peer's host answers RST (RFC 9293 §3.8.4)."
	case model.TimerTimeWait:
		if restarted(tl, ev) {
			return "The 2MSL timer restarts: TIME_WAIT answered a segment of the old connection and starts its wait again (RFC 9293 §3.10.7.4)."
		}
		return fmt.Sprintf("TIME_WAIT lasts 2MSL (%s s here) before the TCB is deleted (RFC 9293 §3.6.1 MUST-13).", trimSecs(ev.Remaining))
	}
	k, ok := stoppedTimer(tl, ev)
	switch {
	case !ok:
	case k == model.TimerRetransmit && ev.Snap[ev.Side].State != model.Closed:
		return "Everything this side sent has been acknowledged, so its retransmission timer stops (RFC 6298 5.2)."
	case k == model.TimerDelayedAck:
		return "The ACK it owed has gone out, so the delayed-ACK timer stops."
	case ev.Snap[ev.Side].State == model.Closed:
		return "The connection is gone on this side, and its timers with it."
	}
	return "No timer is armed on the " + sideName(ev.Side) + " now."
}

// restarted reports whether a time-wait timer event re-arms a 2MSL timer that was
// already running.
func restarted(tl *model.Timeline, ev *model.Event) bool {
	if ev.Index == 0 {
		return false
	}
	prev := &tl.At(ev.Index - 1).Snap[ev.Side]
	return prev.State == model.TimeWait && prev.Timers[model.TimerTimeWait].Armed
}

// otherProfile is the built-in profile that is not tl's, with the scenario's
// overrides.
func otherProfile(tl *model.Timeline) (model.Profile, bool) {
	name := "rfc9293"
	if tl.Profile.Name == "rfc9293" {
		name = "linux"
	}
	p, err := tl.Scenario.ProfileFor(name)
	return p, err == nil
}

// remark says where the other profile o behaves differently at this event, or "":
// only for the rules in which the two profiles (with the scenario's overrides) really
// differ, and only at the events those rules govern.
func remark(tl *model.Timeline, o *model.Profile, ev *model.Event) string {
	p := &tl.Profile
	linux := p.Name == "linux"
	var seg *model.Segment
	if ev.Seg >= 0 && ev.Seg < len(tl.Segments) {
		seg = &tl.Segments[ev.Seg]
	}
	switch {
	case p.DelayedAck != o.DelayedAck && (ev.Kind == model.EvTimer && ev.Timer == model.TimerDelayedAck ||
		ev.Kind == model.EvSend && seg != nil && (seg.Cause == model.CauseDelayedAck || seg.Piggyback)):
		if linux {
			return fmt.Sprintf("Here Linux differs from the rfc9293 profile: it delays this ACK up to %s s hoping to send it with data or with its own FIN, which is why a prompt close() merges FIN and ACK (three segments, not four). The rfc9293 profile ACKs at once.", trimSecs(p.DelayedAck))
		}
		return fmt.Sprintf("Here RFC 9293 as profiled sends the ACK without delay; Linux would hold it up to %s s for data or a FIN to ride on.", trimSecs(o.DelayedAck))
	case p.DelayedAck != o.DelayedAck && !linux && ev.Kind == model.EvSend && seg != nil && seg.Flags == model.ACK &&
		ev.Snap[ev.Side].State == model.CloseWait && answersFIN(tl, ev):
		return fmt.Sprintf("Linux would not send this ACK at once: it waits up to %s s so that, if its app closes promptly, FIN and ACK leave together.", trimSecs(o.DelayedAck))
	case p.TransientFinWait2 != o.TransientFinWait2 && ev.Kind == model.EvState && ev.To == model.TimeWait &&
		(ev.From == model.FinWait1 || ev.From == model.FinWait2 && transientFinWait2(tl, ev)):
		if linux {
			return "Linux takes the ACK first and passes through FIN_WAIT_2 for an instant; RFC 9293 (Figure 5, note 2) goes from FIN_WAIT_1 straight to TIME_WAIT."
		}
		return "Linux would pass through FIN_WAIT_2 for an instant here, handling the ACK before the FIN."
	case p.TimeWait != o.TimeWait && (ev.Kind == model.EvState && ev.To == model.TimeWait || ev.Kind == model.EvTimer && ev.Timer == model.TimerTimeWait):
		if linux {
			return fmt.Sprintf("Linux's TIME_WAIT is a fixed %s s (TCP_TIMEWAIT_LEN); RFC 9293 asks for 2×MSL with MSL = 2 minutes: %s s.", trimSecs(p.TimeWait), trimSecs(o.TimeWait))
		}
		return fmt.Sprintf("RFC 9293: 2×MSL with MSL = 2 minutes, %s s. Linux waits a fixed %s s.", trimSecs(p.TimeWait), trimSecs(o.TimeWait))
	case (p.RTOMin != o.RTOMin || p.RTOMinOnVariance != o.RTOMinOnVariance) && ev.Kind == model.EvTimer && ev.Timer == model.TimerRetransmit:
		if linux {
			return fmt.Sprintf("Linux computes RTO = SRTT + max(4·RTTVAR, %s s) and backs off from there; RFC 6298 floors the whole RTO at %s s, so the rfc9293 profile waits much longer.", trimSecs(p.RTOMin), trimSecs(o.RTOMin))
		}
		return fmt.Sprintf("RFC 6298 floors the RTO at %s s; Linux's floor is %s s on the variance term, so it would retransmit far sooner on this short link.", trimSecs(p.RTOMin), trimSecs(o.RTOMin))
	case p.HalfDuplexClose != o.HalfDuplexClose && ev.Kind == model.EvApp && strings.HasPrefix(ev.Call, "close") && rcvBufBefore(tl, ev) > 0:
		if linux {
			return "Linux resets here because unread data would be lost (RFC 9293 §3.6.1 SHLD-3, RFC 2525 §2.17). The rfc9293 profile (no half-duplex close) sends a FIN and leaves the data unread."
		}
		return "Here Linux differs: close() with unread data makes it send a RST instead of a FIN, so the peer learns that data was lost (SHLD-3, RFC 2525 §2.17)."
	case p.HalfDuplexClose != o.HalfDuplexClose && ev.Kind == model.EvSend && seg != nil && seg.Flags.Has(model.RST) &&
		seg.Cause == model.CauseDataAfterClose:
		return "Here Linux differs: its close() is a full close, so data that arrives afterwards can never be read and it resets. The rfc9293 profile (close() is simplex) accepts and ACKs the data, and the close ends with FINs."
	case ev.Kind == model.EvSend && seg != nil && seg.Flags.Has(model.RST) && (p.RSTSenderTimeWait != o.RSTSenderTimeWait || p.AbortRSTHasACK != o.AbortRSTHasACK) &&
		ev.Index > 0 && tl.At(ev.Index - 1).Snap[ev.Side].State.Synchronized() && tl.At(ev.Index - 1).Snap[ev.Side].State != model.TimeWait &&
		seg.Flags.Has(model.ACK) == p.AbortRSTHasACK:
		if linux {
			return "Linux sends RST|ACK and goes straight to CLOSED; RFC 9293 sends <SEQ=SND.NXT><CTL=RST> and (Figure 5, note 3) puts the RST sender in TIME_WAIT."
		}
		return "RFC 9293 (Figure 5, note 3) puts the RST sender in TIME_WAIT; Linux sends RST|ACK and goes straight to CLOSED."
	case p.FinWait2Timer != o.FinWait2Timer && (ev.Kind == model.EvTimer && ev.Timer == model.TimerFinWait2 ||
		ev.Kind == model.EvState && ev.To == model.FinWait2 && !leavesAtOnce(tl, ev)):
		if linux {
			if ev.Kind == model.EvState && !ev.Snap[ev.Side].Orphan {
				return "The app still holds this socket (shutdown(), not close()), so even Linux waits in FIN_WAIT_2 as long as it takes."
			}
			return fmt.Sprintf("Linux limits an orphaned FIN_WAIT_2 to tcp_fin_timeout (%s s); RFC 9293 would wait for the peer's FIN as long as it takes.", trimSecs(p.FinTimeout))
		}
		return fmt.Sprintf("RFC 9293 waits in FIN_WAIT_2 as long as it takes. Linux gives a socket closed with close() only tcp_fin_timeout (%s s).", trimSecs(o.FinTimeout))
	case p.SynInTimeWait != o.SynInTimeWait && ev.Kind == model.EvRecv && seg != nil && seg.Flags.Has(model.SYN) && wasState(tl, ev.Index, ev.Side, model.TimeWait):
		if linux {
			return "Linux (tcp_timewait_state_process) accepts a SYN above the old RCV.NXT and answers any other with the old connection's ACK; RFC 6191 without timestamps drops the others silently."
		}
		return "RFC 6191 without timestamps: a SYN above the last sequence number opens a new incarnation, any other is dropped. Linux would answer those with the old connection's ACK."
	case p.RFC1337 != o.RFC1337 && ev.Kind == model.EvRecv && seg != nil && seg.Flags.Has(model.RST) && wasState(tl, ev.Index, ev.Side, model.TimeWait):
		if p.RFC1337 {
			return "With tcp_rfc1337 the RST is ignored and TIME_WAIT keeps protecting the 4-tuple; without it the RST would end TIME_WAIT early (assassination, RFC 1337)."
		}
		return "Without RFC 1337's fix the RST ends TIME_WAIT early (assassination); with tcp_rfc1337=1 it would be ignored."
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
