package model

import "fmt"

// arrive delivers a segment to its receiver and runs RFC 9293 §3.10.7 on it.
func (s *sim) arrive(id int) {
	seg := s.segs[id]
	side := seg.From.Peer()
	s.record(Event{Kind: EvRecv, Side: side, Seg: id, Note: s.arrivalNote(side, &seg)})
	s.recvEvent = len(s.events) - 1
	e := &s.ep[side]
	switch e.State {
	case Closed:
		if e.Listening {
			s.listenArrive(side, &seg)
		} else {
			s.noTCB(side, &seg, "")
		}
	case SynSent:
		s.synSentArrive(side, &seg)
	default:
		s.syncArrive(side, &seg)
	}
	if ka := s.sc.Apps[side].Keepalive; ka != nil && e.Exists() {
		s.keepaliveIdle(side)
	}
	s.deliver(side)
	s.output(side)
}

// noTCB answers a segment for which this host has no connection (RFC 9293 §3.10.7.1,
// §3.5.2 reset generation).
func (s *sim) noTCB(side Side, seg *Segment, why string) {
	if seg.Flags.Has(RST) {
		return // a RST is never answered
	}
	e := &s.ep[side]
	if why == "" {
		why = "RST: no connection here"
	}
	// The RST is printed relative to the numbers this host last used.
	s.nextCause = CauseNoTCB
	if seg.Flags.Has(ACK) {
		s.sendRaw(side, RST, seg.Ack, 0, e.ISS, e.IRS, why)
	} else {
		s.sendRaw(side, RST|ACK, 0, seg.Seq+seg.SeqSpace(), e.ISS, e.IRS, why)
	}
}

// sendRaw sends a segment that no TCB owns (a host's RST), with explicit relative bases.
func (s *sim) sendRaw(side Side, flags Flags, seq, ack uint32, seqBase, ackBase uint32, why string) {
	e := &s.ep[side]
	savedISS, savedIRS := e.ISS, e.IRS
	e.ISS, e.IRS = seqBase, ackBase
	ackOwed := e.AckOwed
	s.sendSegment(side, flags, seq, ack, 0, 0, why)
	e.ISS, e.IRS, e.AckOwed = savedISS, savedIRS, ackOwed
}

// listenArrive is LISTEN processing (RFC 9293 §3.10.7.2) on the server's listening socket.
func (s *sim) listenArrive(side Side, seg *Segment) {
	switch {
	case seg.Flags.Has(RST):
		return
	case seg.Flags.Has(ACK):
		s.noTCB(side, seg, "RST: an ACK reached a listening socket with no connection (RFC 9293 §3.10.7.2)")
	case seg.Flags.Has(SYN):
		delta := s.sc.Apps[side].NextISNDelta
		if delta == 0 {
			delta = 65537
		}
		s.openFromSyn(side, seg, s.ep[side].SndNxt+uint32(delta),
			"The listening socket takes the SYN: a new connection on the same 4-tuple, in SYN_RECEIVED (RFC 9293 §3.10.7.2).")
	}
}

// openFromSyn starts a passive incarnation from a SYN and answers SYN|ACK.
func (s *sim) openFromSyn(side Side, seg *Segment, iss uint32, note string) {
	s.newIncarnation(side, iss)
	e := &s.ep[side]
	e.IRS = seg.Seq
	e.RcvNxt = seg.Seq + 1
	s.setState(side, SynReceived, note)
	e.SndNxt = e.ISS + 1
	s.timeSegment(side, e.ISS)
	s.startRTO(side)
	s.sendSegment(side, SYN|ACK, e.ISS, e.RcvNxt, 0, 0, "SYN|ACK")
}

// synSentArrive is SYN-SENT processing (RFC 9293 §3.10.7.3).
func (s *sim) synSentArrive(side Side, seg *Segment) {
	e := &s.ep[side]
	ackOK := false
	if seg.Flags.Has(ACK) {
		if seqLEQ(seg.Ack, e.ISS) || seqGT(seg.Ack, e.SndNxt) {
			if !seg.Flags.Has(RST) {
				if d := s.prof.SynSentQuickRetry; d > 0 && e.Backoff == 0 {
					// The stray ACK may come from a TIME_WAIT that this RST is about to
					// clear: try the SYN again at once (Linux, "previous FIN/ACK or
					// RST/ACK might be ignored").
					s.armTimer(side, TimerRetransmit, d)
				}
				s.sendRaw(side, RST, seg.Ack, 0, seg.AckBase, e.IRS,
					"RST: that ACK does not acknowledge our SYN, so it belongs to another connection (RFC 9293 §3.10.7.3)")
			}
			return
		}
		ackOK = true
	}
	if seg.Flags.Has(RST) {
		if ackOK {
			prev := e.State
			s.setState(side, Closed, "A valid RST answers the SYN: the connection is refused (RFC 9293 §3.10.7.3).")
			s.tellReset(side, prev)
		}
		return
	}
	if !seg.Flags.Has(SYN) {
		return
	}
	e.IRS = seg.Seq
	e.RcvNxt = seg.Seq + 1
	if ackOK {
		s.ackAdvance(side, seg.Ack)
	}
	if seqGT(e.SndUna, e.ISS) {
		s.setState(side, Established, "The SYN|ACK acknowledges our SYN: the connection is open (RFC 9293 §3.10.7.3).")
		s.sendAck(side, "ACK of the SYN|ACK: the handshake's third segment")
		return
	}
	s.setState(side, SynReceived, "Simultaneous open: a SYN crossed ours (RFC 9293 §3.10.7.3).")
	s.sendSegment(side, SYN|ACK, e.ISS, e.RcvNxt, 0, 0, "SYN|ACK")
}

// acceptable is the sequence-number test of RFC 9293 §3.10.7.4 step 1.
func acceptable(e *Endpoint, seg *Segment) bool {
	n := seg.SeqSpace()
	in := func(x uint32) bool { return seqLEQ(e.RcvNxt, x) && seqLT(x, e.RcvNxt+e.RcvWnd) }
	switch {
	case n == 0 && e.RcvWnd == 0:
		return seg.Seq == e.RcvNxt
	case n == 0:
		return in(seg.Seq)
	case e.RcvWnd == 0:
		return false
	default:
		return in(seg.Seq) || in(seg.Seq+n-1)
	}
}

// syncArrive is segment arrival in SYN-RECEIVED and the synchronized states
// (RFC 9293 §3.10.7.4, with RFC 5961, RFC 6191 and the Linux TIME_WAIT rules).
func (s *sim) syncArrive(side Side, seg *Segment) {
	e := &s.ep[side]
	p := &s.prof

	if e.State == TimeWait && s.timeWaitSyn(side, seg) {
		return
	}

	// Step 1: sequence number check.
	if !acceptable(e, seg) {
		if seg.Flags.Has(RST) {
			s.explain("The RST is outside the receive window, so it is dropped silently (RFC 9293 §3.10.7.4 step 1).")
			return
		}
		s.unacceptable(side, seg)
		return
	}
	if e.State == TimeWait && p.SynInTimeWait == SynTWLinux && seg.Seq == e.RcvNxt && seg.Len == 0 && !seg.Flags.Has(RST) && !seg.Flags.Has(SYN) {
		s.armTimer(side, TimerTimeWait, p.TimeWait)
		s.explain("An in-window bare ACK in TIME_WAIT: Linux re-arms the TIME_WAIT timer (tcp_timewait_state_process).")
		return
	}

	// Step 2: RST (RFC 5961 §3: only an exact match resets; otherwise a challenge ACK).
	if seg.Flags.Has(RST) {
		if seg.Seq != e.RcvNxt {
			if e.State == TimeWait && p.SynInTimeWait == SynTWLinux {
				s.explain("A RST that is not exactly at RCV.NXT is dropped silently in Linux's TIME_WAIT, without a challenge ACK.")
				return
			}
			s.invalidAck(side, seg, "challenge ACK: the RST is in the window but not exactly at RCV.NXT, so it may be forged (RFC 5961 §3.2)")
			return
		}
		s.resetArrives(side)
		return
	}

	// Step 4: a SYN in a synchronized state gets a challenge ACK (RFC 5961 §4).
	if seg.Flags.Has(SYN) && e.State != SynReceived {
		s.invalidAck(side, seg, "challenge ACK: a SYN on a synchronized connection is never obeyed (RFC 5961 §4, RFC 9293 §3.10.7.4 step 4)")
		return
	}

	// Step 5: the ACK field.
	if !seg.Flags.Has(ACK) {
		s.explain("A segment without ACK in a synchronized state is dropped (RFC 9293 §3.10.7.4 step 5).")
		return
	}
	if e.State == SynReceived {
		if seqLT(e.SndUna, seg.Ack) && seqLEQ(seg.Ack, e.SndNxt) {
			s.ackAdvance(side, seg.Ack)
			s.setState(side, Established, "Our SYN is acknowledged: the new connection is open (RFC 9293 §3.10.7.4 step 5).")
			if side == B {
				s.appEvent(side, "accept -> ok", "The server's app accepts the new connection.")
			}
		} else {
			s.noTCB(side, seg, "RST: that ACK does not fit our SYN|ACK (RFC 9293 §3.10.7.4)")
			return
		}
	} else {
		switch {
		case seqGT(seg.Ack, e.SndNxt):
			if p.DropAckOfUnsent {
				s.explain("This segment acknowledges data we never sent: Linux drops it silently (tcp_ack). The two ends no longer agree on the numbers (RFC 1337 hazard H2).")
				return
			}
			s.invalidAck(side, seg, "ACK: the segment acknowledges something not yet sent, so we restate our numbers (RFC 9293 §3.10.7.4 step 5; RFC 1337 hazard H2)")
			return
		case seqGT(seg.Ack, e.SndUna):
			s.ackAdvance(side, seg.Ack)
		}
	}
	switch e.State {
	case FinWait1:
		if e.FinAcked() && (p.TransientFinWait2 || !seg.Flags.Has(FIN)) {
			note := "The peer acknowledged our FIN: this direction is closed. FIN_WAIT_2 waits for the peer's own FIN, which comes when its app calls close() (RFC 9293 §3.10.7.4 step 5)."
			if seg.Flags.Has(FIN) {
				note = "This segment ACKs our FIN and carries the peer's FIN. Linux handles the ACK first, so the socket passes through FIN_WAIT_2 for an instant (tcp_rcv_state_process)."
			}
			s.setState(side, FinWait2, note)
			if e.Orphan && p.FinWait2Timer && !seg.Flags.Has(FIN) {
				s.armFinWait2(side)
			}
		}
	case Closing:
		if e.FinAcked() {
			s.enterTimeWait(side, "Our FIN is acknowledged after a simultaneous close: both FINs are ACKed, and this side waits out 2MSL in TIME_WAIT too (RFC 9293 §3.10.7.4 step 5, Figure 13).")
			return
		}
	case LastAck:
		if e.FinAcked() {
			s.setState(side, Closed, "The last ACK arrived: our FIN is acknowledged, so the connection is closed and its resources are released at once. The passive closer never enters TIME_WAIT (RFC 9293 §3.10.7.4 step 5).")
			return
		}
	}

	// Step 7: segment text.
	if seg.Len > 0 {
		switch e.State {
		case Established, FinWait1, FinWait2:
			if p.HalfDuplexClose && e.RcvShut {
				s.nextCause = CauseDataAfterClose
				s.sendRaw(side, RST, seg.Ack, 0, e.ISS, e.IRS,
					"RST: data arrived after close(); nobody can read it (RFC 9293 §3.6.1 SHLD-3; Linux tcp_rcv_state_process, TCPAbortOnData)")
				s.setState(side, Closed, "Linux resets a connection that receives data after the app called close(): the app can never read it. \"RFC 793 says to queue data in these states, RFC 1122 says we MUST send a reset.\" A true half-close needs shutdown(SHUT_WR).")
				return
			}
			if seg.Seq == e.RcvNxt || seqLT(seg.Seq, e.RcvNxt) {
				skip := e.RcvNxt - seg.Seq // already received bytes at the front
				n := uint32(seg.Len) - min(skip, uint32(seg.Len))
				if n > 0 {
					e.RcvNxt += n
					e.RcvBuf += int(n)
					s.ackLater(side, fmt.Sprintf("ACK of %d bytes", n))
					if seg.Dup {
						s.explain(fmt.Sprintf("An old duplicate from the previous connection lands inside the new connection's receive window and is accepted as %d bytes of new data: silent corruption. TIME_WAIT exists to prevent exactly this (RFC 9293 §3.6.1, RFC 1337 hazard H1).", n))
					}
				}
			} else {
				s.invalidAck(side, seg, "duplicate ACK: a segment beyond RCV.NXT, out of order (RFC 9293 §3.10.7.4 step 7)")
				return
			}
		}
	}

	// Step 8: the FIN bit (only once everything before it has arrived).
	if seg.Flags.Has(FIN) && seg.Seq+uint32(seg.Len) == e.RcvNxt {
		s.finArrives(side)
	}
}

// finArrives processes an in-order FIN (RFC 9293 §3.10.7.4 step 8; Linux tcp_fin).
func (s *sim) finArrives(side Side) {
	e := &s.ep[side]
	e.RcvNxt++
	e.FinRcvd = true
	switch e.State {
	case SynReceived, Established:
		s.setState(side, CloseWait, "The peer's FIN arrived. A FIN only means \"I will send no more\": this side may still have data to send, so it ACKs the FIN now and sends its own FIN later, when its app calls close(). That is why the close takes four segments. Until then it waits in CLOSE_WAIT, for as long as its app likes (RFC 9293 §3.10.7.4 step 8).")
		if s.prof.DelayedAck > 0 {
			e.Pingpong = true
			s.ackLater(side, "delayed ACK of the peer's FIN")
		} else {
			s.sendAck(side, "ACK of the peer's FIN, sent at once")
		}
	case FinWait1:
		if e.FinAcked() {
			s.sendAck(side, "ACK of the peer's FIN: the last segment of the close")
			s.enterTimeWait(side, "The peer's FIN arrived, and the same segment ACKs ours: both directions are closed. This side closed first, so it waits 2MSL in TIME_WAIT (RFC 9293 §3.10.7.4 step 8; Figure 5 note 2).")
		} else {
			s.setState(side, Closing, "The peer's FIN crossed ours: both sides closed at once. CLOSING waits for the ACK of our FIN (RFC 9293 §3.10.7.4 step 8, §3.6 case 3).")
			s.sendAck(side, "ACK of the peer's FIN (our own FIN is not yet ACKed)")
		}
	case FinWait2:
		s.sendAck(side, "ACK of the peer's FIN: the last segment of the close")
		s.enterTimeWait(side, "The peer's FIN arrived and is ACKed: both directions are closed. Only the side that closed first enters TIME_WAIT, for 2MSL, for two reasons: old segments of this connection must die out before a new connection can reuse the same 4-tuple, and if this last ACK is lost, the peer's retransmitted FIN must still find someone to ACK it so it can close properly (RFC 9293 §3.10.7.4 step 8, §3.6.1 MUST-13).")
	}
}

// unacceptable answers a segment that fails the sequence test: an ACK that restates
// where we are (RFC 9293 §3.10.7.4 step 1). In TIME_WAIT it also restarts 2MSL when it
// is a retransmitted FIN (RFC 9293 step 8), or on Linux when it carries ACK.
func (s *sim) unacceptable(side Side, seg *Segment) {
	e := &s.ep[side]
	p := &s.prof
	if e.State != TimeWait {
		why := "duplicate ACK: the segment is old (below RCV.NXT), so we restate what we have (RFC 9293 §3.10.7.4 step 1)"
		if seg.Flags.Has(FIN) {
			why = "ACK of a retransmitted FIN: it was already received, so we acknowledge it again (RFC 9293 §3.10.7.4 step 1)"
		}
		s.invalidAck(side, seg, why)
		return
	}
	if p.SynInTimeWait == SynTWLinux {
		// tcp_timewait_state_process: a segment with ACK re-arms TIME_WAIT.
		if seg.Flags.Has(ACK) {
			s.armTimer(side, TimerTimeWait, p.TimeWait)
		}
	} else if seg.Flags.Has(FIN) {
		s.armTimer(side, TimerTimeWait, p.TimeWait)
	}
	why := "ACK from TIME_WAIT: an old segment arrived, so we restate our numbers (RFC 9293 §3.10.7.4 step 1)"
	if seg.Flags.Has(FIN) {
		why = "ACK of the retransmitted FIN: our last ACK was lost, so TIME_WAIT answers again and restarts 2MSL (RFC 9293 §3.10.7.4 steps 5 and 8)"
	}
	s.invalidAck(side, seg, why)
}

// resetArrives processes a valid RST (RFC 9293 §3.10.7.4 step 2).
func (s *sim) resetArrives(side Side) {
	e := &s.ep[side]
	prev := e.State
	switch prev {
	case TimeWait:
		if s.prof.RFC1337 {
			// Current Linux ignores it without touching the timer
			// (tcp_timewait_state_process: the reschedule is for bare ACKs only).
			s.explain("A RST reached TIME_WAIT and is ignored: tcp_rfc1337=1 follows RFC 1337's fix F1, so TIME_WAIT cannot be assassinated and keeps protecting the 4-tuple.")
			return
		}
		s.setState(side, Closed, "A RST hit TIME_WAIT and killed it early: TIME_WAIT assassination (RFC 1337). The 4-tuple is free before 2MSL, so old duplicates can reach a new connection. tcp_rfc1337=1 ignores such RSTs.")
		return
	case SynReceived:
		if e.Listening {
			s.setState(side, Closed, "A RST answers our SYN|ACK: the half-open connection is dropped and the listening socket carries on (RFC 9293 §3.10.7.4 step 2).")
			return
		}
	case Closing, LastAck:
		s.setState(side, Closed, "A valid RST: the connection is gone (RFC 9293 §3.10.7.4 step 2).")
		return
	}
	e.SndBuf, e.RcvBuf = 0, 0
	told := "the app is told \"connection reset\", ECONNRESET"
	if prev == CloseWait {
		told = "the app, which already read EOF, learns it on its next write: EPIPE (Linux tcp_reset)"
	}
	s.setState(side, Closed, fmt.Sprintf("A valid RST (SEG.SEQ = RCV.NXT exactly, RFC 5961 §3.2) ends the connection from %s: queues are flushed and %s (RFC 9293 §3.10.7.4 step 2).", prev, told))
	s.tellReset(side, prev)
}

// timeWaitSyn handles a new SYN that reaches TIME_WAIT (RFC 9293 §3.6.1 MAY-2, RFC 6191;
// Linux tcp_timewait_state_process). It reports whether the segment was consumed.
func (s *sim) timeWaitSyn(side Side, seg *Segment) bool {
	if !seg.Flags.Has(SYN) || seg.Flags.Has(ACK) || seg.Flags.Has(RST) {
		return false
	}
	e := &s.ep[side]
	newer := seqGT(seg.Seq, e.RcvNxt)
	if s.prof.SynInTimeWait == SynTWLinux {
		if newer {
			iss := e.SndNxt + 65535 + 2
			s.setState(side, Closed, "A new SYN reached TIME_WAIT with a sequence number after the old connection's: Linux ends TIME_WAIT and opens a new connection on the same 4-tuple (tcp_timewait_state_process; RFC 9293 MAY-2).")
			s.openFromSyn(side, seg, iss, fmt.Sprintf("The new connection's ISN is the old SND.NXT + 65537 = %d, above anything the old one used, so old segments cannot be mistaken for new (Linux tw_snd_nxt + 65535 + 2).", iss))
			return true
		}
		// Not newer: answered with the old connection's ACK (TCP_TW_ACK), rate-limited.
		s.invalidAck(side, seg, "ACK with the old connection's numbers: the SYN's sequence number is not after the old RCV.NXT, so TIME_WAIT cannot tell it from an old duplicate (Linux tcp_timewait_state_process; RFC 5961 challenge ACK)")
		return true
	}
	if newer {
		iss := e.SndNxt + 65535 + 2
		s.setState(side, Closed, "A new SYN reached TIME_WAIT with a higher sequence number than the old connection used: RFC 6191 (B.2) and MAY-2 allow a new connection on the same 4-tuple.")
		s.openFromSyn(side, seg, iss, fmt.Sprintf("The new ISN %d is above anything the old connection used (RFC 9293 §3.6.1 MAY-2).", iss))
		return true
	}
	s.explain("A SYN reached TIME_WAIT with a sequence number not above the old connection's: without timestamps it may be an old duplicate, so RFC 6191 (B.3) drops it silently and TIME_WAIT stays.")
	return true
}

// ackAdvance takes a new acknowledgment (SND.UNA < SEG.ACK ≤ SND.NXT): RTT sample,
// backoff reset, and the retransmission timer (RFC 6298 5.2-5.3).
func (s *sim) ackAdvance(side Side, ack uint32) {
	e := &s.ep[side]
	e.SndUna = ack
	if s.rttTiming[side] && seqGT(ack, s.rttSeq[side]) {
		s.rttTiming[side] = false
		s.rttSample(e, s.now-s.rttStart[side])
	}
	if e.Backoff > 0 {
		e.Backoff = 0
		e.RTO = s.computeRTO(e)
	}
	e.Resent, e.ProbeArmed, e.ProbeSent = 0, false, false
	s.stopTimer(side, TimerRetransmit)
	if e.SndNxt != e.SndUna {
		s.armRetransmit(side)
	}
}

// explain replaces the note of the segment arrival being processed: what became of it.
func (s *sim) explain(note string) {
	s.events[s.recvEvent].Note = note
}

// invalidAck answers an invalid segment (out of window, ACK of unsent data, challenge)
// with an ACK, unless one was sent less than InvalidRateLimit ago (RFC 5961 §7; Linux
// tcp_oow_rate_limited). Segments carrying data or FIN are never limited: they are not
// part of an ACK loop. It reports whether the ACK went out.
func (s *sim) invalidAck(side Side, seg *Segment, why string) bool {
	exempt := seg.SeqSpace() > 0 && !seg.Flags.Has(SYN)
	if !exempt && s.prof.InvalidRateLimit > 0 {
		if s.sentOOWAck[side] && s.now-s.lastOOWAck[side] < s.prof.InvalidRateLimit {
			s.explain(fmt.Sprintf("An invalid segment; the ACK it would draw is suppressed, since one went out less than %s ago (RFC 5961 §7; Linux tcp_invalid_ratelimit). This is what ends ACK wars.", s.prof.InvalidRateLimit))
			return false
		}
		s.sentOOWAck[side], s.lastOOWAck[side] = true, s.now
	}
	s.sendAck(side, why)
	return true
}

// arrivalNote says what a segment brings, before the receiver acts on it.
func (s *sim) arrivalNote(side Side, seg *Segment) string {
	e := &s.ep[side]
	who, peer := side.Name(), seg.From.Name()
	if seg.Dup {
		return fmt.Sprintf("An old duplicate reaches the %s: a copy of a segment the %s sent long ago, held in the network until now.", who, peer)
	}
	if !e.Exists() {
		if e.Listening && seg.Flags == SYN {
			return fmt.Sprintf("The %s's SYN reaches the %s's listening socket: a new connection on the same 4-tuple.", peer, who)
		}
		return fmt.Sprintf("The %s's %s reaches the %s's host, which has no connection for it any more.", peer, seg.Flags, who)
	}
	var what string
	switch f := seg.Flags; {
	case f.Has(RST):
		what = "a RST"
	case f.Has(SYN) && f.Has(ACK):
		what = "a SYN|ACK"
	case f.Has(SYN):
		what = "a SYN for a new connection on the same 4-tuple"
	case f.Has(FIN) && seg.Retrans > 0:
		what = fmt.Sprintf("a retransmitted FIN (copy #%d)", seg.Retrans+1)
	case f.Has(FIN) && seg.Len > 0:
		what = fmt.Sprintf("%d bytes of data and a FIN", seg.Len)
	case f.Has(FIN):
		what = "a FIN"
	case seg.Len > 0:
		what = fmt.Sprintf("%d bytes of data", seg.Len)
	case e.FinSent && seg.Ack == e.FinSeq+1 && !e.FinAcked():
		what = "the ACK of its FIN"
	default:
		what = "an ACK"
	}
	note := fmt.Sprintf("The %s, in %s, receives %s from the %s", who, e.State, what, peer)
	if f := seg.Flags; f.Has(FIN) && f.Has(ACK) && e.FinSent && seg.Ack == e.FinSeq+1 && !e.FinAcked() {
		note += fmt.Sprintf(", which also ACKs the %s's own FIN", who)
	}
	return note + "."
}
