package drill

import (
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// myths are the wrong answers a student is likely to give at event i, derived from the
// right one and the story so far, most telling first. Each is generated from the
// numbers of this run; none is canned.
func myths(tl *model.Timeline, i int, k Kind, right Answer) []Answer {
	switch k {
	case Send:
		return sendMyths(tl, i, right)
	case State:
		return stateMyths(tl, i, right)
	case Timer:
		return timerMyths(tl, i, right)
	case App:
		return appMyths(right)
	}
	return nil
}

// sendMyths: the peer resends its ACK (when the right answer is a retransmitted FIN:
// the FIN is what is resent, never its ACK); the FIN and the ACK swapped or merged; an
// ACK of a FIN that does not count the FIN; a RST.
func sendMyths(tl *model.Timeline, i int, r Answer) []Answer {
	var out []Answer
	with := func(m Myth, f func(a *Answer)) {
		a := r
		a.Myth = m
		f(&a)
		out = append(out, a)
	}
	if r.Retrans > 0 {
		// The peer's last bare ACK, sent again.
		for j := i - 1; j > 0; j-- {
			ev := tl.At(j)
			if ev.Kind != model.EvSend || ev.Side != r.Side.Peer() {
				continue
			}
			s := &tl.Segments[ev.Seg]
			if s.Flags == model.ACK && !s.Dup {
				out = append(out, Answer{Side: s.From, Flags: s.Flags, Seq: s.Seq, Ack: s.Ack,
					SeqBase: s.SeqBase, AckBase: s.AckBase, Len: s.Len, Retrans: s.Retrans + 1,
					Timer: model.NumTimers, Myth: MythAckRetransmitted})
			}
			break
		}
	}
	acksFin := r.Flags.Has(model.ACK) && finAcked(tl, i, r)
	switch {
	case r.Flags == model.ACK|model.FIN:
		with(MythAckOnly, func(a *Answer) { a.Flags = model.ACK })
	case r.Flags == model.ACK && acksFin && !tl.At(i).Snap[r.Side].FinSent:
		with(MythFinWithAck, func(a *Answer) { a.Flags = model.FIN | model.ACK })
	}
	if acksFin {
		with(MythFinNoSeq, func(a *Answer) { a.Ack-- })
	}
	if r.Flags.Has(model.RST) {
		// An ACK that answers the segment instead of a reset.
		e := &tl.At(i - 1).Snap[r.Side]
		with(MythAckOnly, func(a *Answer) { a.Flags, a.Ack, a.AckBase = model.ACK, e.RcvNxt, e.IRS })
	} else {
		with(MythReset, func(a *Answer) { a.Flags = model.RST | model.ACK; a.Len = 0 })
	}
	return out
}

// finAcked reports whether the right answer acknowledges the peer's FIN: its ack is
// one past the FIN's sequence number.
func finAcked(tl *model.Timeline, i int, r Answer) bool {
	e := &tl.At(i - 1).Snap[r.Side]
	return e.FinRcvd || tl.At(i).Snap[r.Side].FinRcvd
}

// stateMyths: the misconceptions about the state entered (the passive closer's
// TIME_WAIT, CLOSE_WAIT's timer, …), then the other states RFC 9293 Figure 5 lets
// follow this one.
func stateMyths(tl *model.Timeline, i int, r Answer) []Answer {
	from := tl.At(i).From
	var out []Answer
	st := func(s model.State, m Myth) {
		out = append(out, Answer{Side: r.Side, State: s, Timer: model.NumTimers, Myth: m})
	}
	stay := func(m Myth) {
		out = append(out, Answer{Side: r.Side, State: from, Stay: true, Timer: model.NumTimers, Myth: m})
	}
	switch {
	case r.State == model.Closed && from == model.LastAck:
		st(model.TimeWait, MythPassiveTimeWait)
		stay(MythWaitForever)
	case r.State == model.Closed && from == model.TimeWait:
		st(model.Listen, MythListen)
		stay(MythWaitForever)
	case r.State == model.Closed && from == model.FinWait2:
		stay(MythWaitForever)
		st(model.TimeWait, MythSuccessor)
	case r.State == model.Closed && from == model.CloseWait:
		stay(MythWaitForever)
		st(model.LastAck, MythSuccessor)
	case r.State == model.Closed:
		st(model.TimeWait, MythPassiveTimeWait)
	case r.State == model.CloseWait:
		st(model.LastAck, MythFinWithAck)
		st(model.FinWait2, MythSuccessor)
	case r.State == model.LastAck:
		out = append(out, Answer{Side: r.Side, State: model.Closed, Timer: model.NumTimers, CloseWait: true, Myth: MythCloseWaitTimer})
		st(model.FinWait1, MythSuccessor)
	case r.State == model.FinWait2:
		st(model.TimeWait, MythAckEndsIt)
		st(model.CloseWait, MythSuccessor)
	case r.State == model.TimeWait:
		st(model.Closed, MythClosedAtOnce)
	case r.State == model.FinWait1:
		st(model.CloseWait, MythSuccessor)
		st(model.FinWait2, MythSuccessor)
	}
	for _, s := range successors[from] {
		st(s, MythSuccessor)
	}
	if r.State == model.TimeWait {
		st(model.FinWait2, MythSuccessor)
	}
	stay(MythWaitForever) // the last resort: nothing changes
	return out
}

// successors are the states RFC 9293 Figure 5 (and RFC 6191's SYN in TIME_WAIT) lets
// follow each state.
var successors = map[model.State][]model.State{
	model.Closed:      {model.SynSent, model.Listen},
	model.Listen:      {model.SynReceived, model.SynSent},
	model.SynSent:     {model.Established, model.SynReceived, model.Closed},
	model.SynReceived: {model.Established, model.FinWait1, model.Closed},
	model.Established: {model.FinWait1, model.CloseWait, model.Closed},
	model.FinWait1:    {model.FinWait2, model.Closing, model.TimeWait, model.Closed},
	model.FinWait2:    {model.TimeWait, model.Closed},
	model.CloseWait:   {model.LastAck, model.Closed},
	model.Closing:     {model.TimeWait, model.Closed},
	model.LastAck:     {model.Closed},
	model.TimeWait:    {model.Closed, model.SynReceived},
}

// timerMyths: no timer at all, the wrong timer (2MSL for FIN_WAIT_2's, the RTO), a
// 2MSL that keeps running instead of restarting, a timer of CLOSE_WAIT.
func timerMyths(tl *model.Timeline, i int, r Answer) []Answer {
	var out []Answer
	t := func(k model.TimerKind, d time.Duration, m Myth) {
		out = append(out, Answer{Side: r.Side, Timer: k, Length: d, Myth: m})
	}
	switch r.Timer {
	case model.TimerTimeWait:
		if r.Restart {
			out = append(out, Answer{Side: r.Side, Timer: model.TimerTimeWait, Length: r.Length, Myth: MythTimerRuns})
		}
		t(model.NumTimers, 0, MythClosedAtOnce)
		rto := tl.At(i).Snap[r.Side].RTO
		t(model.TimerRetransmit, rto, MythRetransmitTimer)
	case model.TimerFinWait2:
		t(model.NumTimers, 0, MythWaitForever)
		t(model.TimerTimeWait, r.Length, MythTimeWaitTimer)
	case model.TimerKeepalive:
		if tl.At(i).Snap[r.Side].State == model.CloseWait {
			out = append(out, Answer{Side: r.Side, Timer: model.NumTimers, CloseWait: true, Myth: MythCloseWaitTimer})
		}
		t(model.NumTimers, 0, MythWaitForever)
		t(model.TimerFinWait2, tl.Profile.FinTimeout, MythOtherTimer)
	}
	return out
}

// appMyths: the other outcomes of the same call.
func appMyths(r Answer) []Answer {
	var results []string
	switch r.Call {
	case "read":
		results = []string{"EOF", "ECONNRESET", "blocks", "data"}
	case "write":
		results = []string{"EPIPE", "ECONNRESET", "ok"}
	case "connect":
		results = []string{"EADDRNOTAVAIL", "ECONNREFUSED", "ok"}
	default:
		results = []string{"ECONNRESET", "ok"}
	}
	var out []Answer
	for _, res := range results {
		m := MythOtherError
		if res == "blocks" {
			m = MythBlocks
		}
		out = append(out, Answer{Side: r.Side, Timer: model.NumTimers, Call: r.Call, Result: res, Myth: m})
	}
	return out
}
