package model

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
			s.noTCB(side, &seg, WhyRSTNoConn)
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
func (s *sim) noTCB(side Side, seg *Segment, why Rule) {
	if seg.Flags.Has(RST) {
		return // a RST is never answered
	}
	e := &s.ep[side]
	// The RST is printed relative to the numbers this host last used.
	s.nextCause = CauseNoTCB
	if seg.Flags.Has(ACK) {
		s.sendRaw(side, RST, seg.Ack, 0, e.ISS, e.IRS, why)
	} else {
		s.sendRaw(side, RST|ACK, 0, seg.Seq+seg.SeqSpace(), e.ISS, e.IRS, why)
	}
}

// sendRaw sends a segment that no TCB owns (a host's RST), with explicit relative bases.
func (s *sim) sendRaw(side Side, flags Flags, seq, ack uint32, seqBase, ackBase uint32, why Rule) {
	e := &s.ep[side]
	savedISS, savedIRS := e.ISS, e.IRS
	e.ISS, e.IRS = seqBase, ackBase
	ackOwed := e.AckOwed
	s.noStamp = true // tcp_v4_send_reset puts no timestamp on the RST
	s.sendSegment(side, flags, seq, ack, 0, 0, Note{Rule: why})
	s.noStamp = false
	e.ISS, e.IRS, e.AckOwed = savedISS, savedIRS, ackOwed
}

// listenArrive is LISTEN processing (RFC 9293 §3.10.7.2) on the server's listening socket.
func (s *sim) listenArrive(side Side, seg *Segment) {
	switch {
	case seg.Flags.Has(RST):
		return
	case seg.Flags.Has(ACK):
		s.noTCB(side, seg, WhyRSTListenACK)
	case seg.Flags.Has(SYN):
		// The ISN comes from the clock-driven generator (RFC 9293 §3.4.1; Linux
		// secure_tcp_seq), unless the scenario forces one relative to the old SND.NXT.
		iss := s.isnNow(side)
		if delta := s.sc.Apps[side].NextISNDelta; delta != 0 {
			iss = s.ep[side].SndNxt + uint32(delta)
		}
		s.openFromSyn(side, seg, iss, Note{Rule: RuleListenSyn, Seq: iss})
	}
}

// openFromSyn starts a passive incarnation from a SYN and answers SYN|ACK.
func (s *sim) openFromSyn(side Side, seg *Segment, iss uint32, note Note) {
	s.newIncarnation(side, iss)
	e := &s.ep[side]
	e.IRS = seg.Seq
	e.RcvNxt = seg.Seq + 1
	// Timestamps are on when the SYN offered them and this host allows them (RFC 7323
	// §3.2); TS.Recent starts as the SYN's TSval.
	e.TSOK = s.prof.Timestamps && seg.HasTS
	// SACK likewise (RFC 2018 §2; Linux tcp_openreq_init: sack_ok).
	e.SackOK = s.prof.SACK && seg.SACK.Permitted
	if e.TSOK {
		e.TSRecent, e.TSRecentAt, e.TSRecentSet = seg.TSval, s.now, true
	}
	s.setState(side, SynReceived, note)
	e.SndNxt = e.ISS + 1
	s.timeSegment(side, e.ISS)
	s.startRTO(side)
	s.sendSegment(side, SYN|ACK, e.ISS, e.RcvNxt, 0, 0, Note{Rule: WhySYNACK})
}

// synSentArrive is SYN-SENT processing (RFC 9293 §3.10.7.3).
func (s *sim) synSentArrive(side Side, seg *Segment) {
	e := &s.ep[side]
	ackOK := false
	if seg.Flags.Has(ACK) {
		if seqLEQ(seg.Ack, e.ISS) || seqGT(seg.Ack, e.SndNxt) {
			if !seg.Flags.Has(RST) {
				if s.prof.SynSentQuickRetry && e.Backoff == 0 {
					// The stray ACK may come from a TIME_WAIT that this RST is about to
					// clear: try the SYN again after TCP_TIMEOUT_MIN, 2 jiffies (Linux
					// tcp_rcv_synsent_state_process, "previous FIN/ACK or RST/ACK
					// might be ignored").
					s.armTimer(side, TimerRetransmit, s.prof.QuickRetry())
				}
				s.sendRaw(side, RST, seg.Ack, 0, seg.AckBase, e.IRS, WhyRSTBadSynAck)
			}
			return
		}
		ackOK = true
	}
	if seg.Flags.Has(RST) {
		if ackOK {
			prev := e.State
			s.setState(side, Closed, Note{Rule: RuleSynRefused})
			s.tellReset(side, prev)
		}
		return
	}
	if !seg.Flags.Has(SYN) {
		return
	}
	e.IRS = seg.Seq
	e.RcvNxt = seg.Seq + 1
	// The SYN|ACK says whether the peer agreed to timestamps; TS.Recent is its TSval
	// (RFC 7323 §3.2; Linux tcp_rcv_synsent_state_process, tcp_store_ts_recent).
	e.TSOK = e.TSOK && seg.HasTS
	e.SackOK = e.SackOK && seg.SACK.Permitted
	if e.TSOK {
		e.TSRecent, e.TSRecentAt, e.TSRecentSet = seg.TSval, s.now, true
	}
	if ackOK {
		s.ackAdvance(side, seg.Ack)
	}
	if seqGT(e.SndUna, e.ISS) {
		s.setState(side, Established, Note{Rule: RuleEstablished})
		s.sendAck(side, Note{Rule: WhyHandshakeACK})
		return
	}
	s.setState(side, SynReceived, Note{Rule: RuleSimultaneousOpen})
	s.sendSegment(side, SYN|ACK, e.ISS, e.RcvNxt, 0, 0, Note{Rule: WhySYNACK})
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
	if s.synAgain(side, seg) {
		return
	}

	// PAWS comes before the sequence check (RFC 7323 §5.3 R1; Linux
	// tcp_validate_incoming, tcp_timewait_state_process).
	if s.pawsCheck(side, seg) {
		return
	}

	// Step 1: sequence number check.
	if !acceptable(e, seg) {
		if seg.Flags.Has(RST) {
			s.explain(Note{Rule: RuleRSTOutOfWindow})
			return
		}
		s.unacceptable(side, seg)
		return
	}
	if e.State == TimeWait && p.SynInTimeWait == SynTWLinux && seg.Seq == e.RcvNxt && seg.Len == 0 && !seg.Flags.Has(RST) && !seg.Flags.Has(SYN) {
		s.armTimer(side, TimerTimeWait, p.TimeWait)
		s.updateTSRecent(side, seg)
		s.explain(Note{Rule: RuleTimeWaitAckRearm})
		return
	}
	if e.State != TimeWait {
		s.updateTSRecent(side, seg)
	}

	// Step 2: RST (RFC 5961 §3: only an exact match resets; otherwise a challenge ACK).
	if seg.Flags.Has(RST) {
		if seg.Seq != e.RcvNxt {
			if e.State == TimeWait && p.SynInTimeWait == SynTWLinux {
				s.explain(Note{Rule: RuleTimeWaitRSTInexact})
				return
			}
			s.invalidAck(side, seg, WhyChallengeRST)
			return
		}
		s.resetArrives(side)
		return
	}

	// Step 4: a SYN in a synchronized state gets a challenge ACK (RFC 5961 §4).
	if seg.Flags.Has(SYN) && e.State != SynReceived {
		s.invalidAck(side, seg, WhyChallengeSYN)
		return
	}

	// Step 5: the ACK field.
	if !seg.Flags.Has(ACK) {
		s.explain(Note{Rule: RuleNoACKBit})
		return
	}
	if e.State == SynReceived {
		if seqLT(e.SndUna, seg.Ack) && seqLEQ(seg.Ack, e.SndNxt) {
			s.ackAdvance(side, seg.Ack)
			s.setState(side, Established, Note{Rule: RuleNewConnectionOpen})
			if side == B {
				s.appEvent(side, "accept -> ok", Note{Rule: RuleAccept})
			}
		} else {
			s.noTCB(side, seg, WhyRSTBadAck)
			return
		}
	} else {
		switch {
		case seqGT(seg.Ack, e.SndNxt):
			if p.DropAckOfUnsent {
				s.explain(Note{Rule: RuleAckOfUnsentDropped})
				return
			}
			s.invalidAck(side, seg, WhyAckUnsent)
			return
		case seqGT(seg.Ack, e.SndUna):
			s.ackAdvance(side, seg.Ack)
		}
		// The SACK blocks, after the cumulative ACK (Linux tcp_ack: tcp_sacktag_
		// write_queue, then tcp_fastretrans_alert).
		s.sackArrives(side, seg)
	}
	switch e.State {
	case FinWait1:
		if e.FinAcked() && (p.TransientFinWait2 || !seg.Flags.Has(FIN)) {
			note := Note{Rule: RuleFinAcked}
			if seg.Flags.Has(FIN) {
				note.Rule = RuleFinAckedWithFin
			}
			s.setState(side, FinWait2, note)
			if e.Orphan && p.FinWait2Timer && !seg.Flags.Has(FIN) {
				s.armFinWait2(side)
			}
		}
	case Closing:
		if e.FinAcked() {
			s.enterTimeWait(side, Note{Rule: RuleSimultaneousCloseAcked})
			return
		}
	case LastAck:
		if e.FinAcked() {
			s.setState(side, Closed, Note{Rule: RuleLastAckArrived})
			return
		}
	}

	// Step 7: segment text.
	if seg.Len > 0 {
		switch e.State {
		case Established, FinWait1, FinWait2:
			if p.HalfDuplexClose && e.RcvShut {
				s.nextCause = CauseDataAfterClose
				s.sendRaw(side, RST, seg.Ack, 0, e.ISS, e.IRS, WhyRSTDataAfterClose)
				s.setState(side, Closed, Note{Rule: RuleDataAfterClose})
				return
			}
			if seg.Seq == e.RcvNxt || seqLT(seg.Seq, e.RcvNxt) {
				skip := e.RcvNxt - seg.Seq // already received bytes at the front
				n := uint32(seg.Len) - min(skip, uint32(seg.Len))
				if n > 0 {
					e.RcvNxt += n
					e.RcvBuf += int(n)
					if took, fin := s.drainOutOfOrder(side); took {
						s.afterGapFilled(side, fin)
						return
					}
					s.ackLater(side, Note{Rule: WhyAckData, N: int(n)})
					if seg.Dup {
						s.explain(Note{Rule: RuleOldDuplicateAccepted, N: int(n)})
					}
				}
			} else {
				s.holdOutOfOrder(side, seg)
				return
			}
		}
	}
	// A FIN alone beyond RCV.NXT is held too, for when the data before it arrives.
	if seg.Len == 0 && seg.Flags.Has(FIN) && seqGT(seg.Seq, e.RcvNxt) {
		switch e.State {
		case Established, FinWait1, FinWait2:
			s.holdOutOfOrder(side, seg)
			return
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
		s.setState(side, CloseWait, Note{Rule: RuleCloseWait})
		// tcp_fin resets the SACK blocks before this ACK goes (only FIN_WAIT_1 and
		// FIN_WAIT_2 send theirs first, with the block the FIN filled).
		s.sackForget(side)
		if s.prof.DelayedAck > 0 {
			e.Pingpong = true
			s.ackLater(side, Note{Rule: WhyAckFinDelayed})
		} else {
			s.sendAck(side, Note{Rule: WhyAckFinAtOnce})
		}
	case FinWait1:
		if e.FinAcked() {
			s.sendAck(side, Note{Rule: WhyAckFinLast})
			s.enterTimeWait(side, Note{Rule: RuleTimeWaitFinAck})
		} else {
			s.setState(side, Closing, Note{Rule: RuleClosing})
			s.sendAck(side, Note{Rule: WhyAckFinClosing})
		}
	case FinWait2:
		s.sendAck(side, Note{Rule: WhyAckFinLast})
		s.enterTimeWait(side, Note{Rule: RuleTimeWait})
	}
	s.sackForget(side)
}

// unacceptable answers a segment that fails the sequence test: an ACK that restates
// where we are (RFC 9293 §3.10.7.4 step 1). In TIME_WAIT it also restarts 2MSL when it
// is a retransmitted FIN (RFC 9293 step 8), or on Linux when it carries ACK.
func (s *sim) unacceptable(side Side, seg *Segment) {
	e := &s.ep[side]
	p := &s.prof
	if e.State != TimeWait {
		why := WhyDupAckOld
		if seg.Flags.Has(FIN) {
			why = WhyAckRetransFin
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
	why := WhyTimeWaitAck
	if seg.Flags.Has(FIN) {
		why = WhyTimeWaitAckFin
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
			s.explain(Note{Rule: RuleRFC1337Ignored})
			return
		}
		s.setState(side, Closed, Note{Rule: RuleTimeWaitAssassinated})
		return
	case SynReceived:
		if e.Listening {
			s.setState(side, Closed, Note{Rule: RuleRSTSynReceived})
			return
		}
	case Closing, LastAck:
		s.setState(side, Closed, Note{Rule: RuleRST})
		return
	}
	e.SndBuf, e.RcvBuf = 0, 0
	s.setState(side, Closed, Note{Rule: RuleRSTExact, State: prev})
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
	// Timestamps: the old incarnation kept one (tsUsed), and the SYN offers one the
	// new incarnation will use (tsNew); its TSval is newer, or older (PAWS).
	tsUsed := e.TSOK && e.TSRecentSet
	tsNew := tsUsed && seg.HasTS && s.prof.Timestamps
	tsNewer := tsNew && int32(e.TSRecent-seg.TSval) < 0
	pawsReject := tsNew && s.pawsFails(e, seg, 0)
	if s.prof.SynInTimeWait == SynTWLinux {
		// tcp_timewait_state_process: a SYN that passes PAWS and is either after
		// rcv_nxt or has a newer timestamp opens a new incarnation (TCP_TW_SYN).
		if !pawsReject && (newer || tsNewer) {
			iss := e.SndNxt + 65535 + 2
			rule := RuleTimeWaitSynLinux
			if !newer {
				rule = RuleTimeWaitSynTS
			}
			s.setState(side, Closed, Note{Rule: rule})
			s.openFromSyn(side, seg, iss, Note{Rule: RuleNewISNLinux, Seq: iss})
			return true
		}
		// Not newer: answered with the old connection's ACK (TCP_TW_ACK),
		// rate-limited; a PAWS failure also restarts TIME_WAIT.
		if pawsReject {
			s.armTimer(side, TimerTimeWait, s.prof.TimeWait)
		}
		s.invalidAck(side, seg, WhyTimeWaitAckSyn)
		return true
	}
	// RFC 6191 §2: with timestamps on both incarnations, a newer TSval (or an equal
	// one with a higher sequence number) is new; without, the sequence number decides;
	// if only the new incarnation uses timestamps, the SYN is honoured.
	accept := newer
	switch {
	case tsNew:
		accept = tsNewer || seg.TSval == e.TSRecent && newer
	case !tsUsed && s.prof.Timestamps && seg.HasTS:
		accept = true
	}
	if accept {
		iss := e.SndNxt + 65535 + 2
		rule := RuleTimeWaitSynRFC
		if !newer {
			rule = RuleTimeWaitSynTS
		}
		s.setState(side, Closed, Note{Rule: rule})
		s.openFromSyn(side, seg, iss, Note{Rule: RuleNewISNRFC, Seq: iss})
		return true
	}
	s.explain(Note{Rule: RuleTimeWaitSynDropped})
	return true
}

// ackAdvance takes a new acknowledgment (SND.UNA < SEG.ACK ≤ SND.NXT): RTT sample,
// backoff reset, and the retransmission timer (RFC 6298 5.2-5.3).
func (s *sim) ackAdvance(side Side, ack uint32) {
	e := &s.ep[side]
	if e.SackOK {
		// What the ACK newly covers advances RACK, as a SACK does (Linux
		// tcp_clean_rtx_queue → tcp_rack_advance); what was SACKed already has.
		var buf [maxRtx]skb
		for _, k := range s.rtxQueue(side, buf[:]) {
			if seqLEQ(k.end(), ack) && !s.sk[side].sacked(k.seg.Seq, k.end()) {
				s.rackAdvance(side, k)
			}
		}
	}
	e.SndUna = ack
	if s.rttTiming[side] && seqGT(ack, s.rttSeq[side]) {
		s.rttTiming[side] = false
		s.rttSample(e, s.now-s.rttStart[side])
	}
	if e.Backoff > 0 {
		e.Backoff = 0
		e.RTO = s.computeRTO(e)
	}
	// A probe stays outstanding until an ACK covers what it probed (Linux
	// tcp_process_tlp_ack clears tlp_high_seq only then): until then no second probe
	// is scheduled, and its copy keeps its number.
	if !e.ProbeSent || seqGEQ(ack, e.ProbeHigh) {
		e.Resent, e.ProbeSent = 0, false
	}
	e.ProbeArmed, e.ReoArmed = false, false
	s.scoreboardPrune(side)
	s.stopTimer(side, TimerRetransmit)
	if e.SndNxt != e.SndUna {
		s.armRetransmit(side)
		if s.sk[side].NSacked > 0 {
			// SACKed data is still outstanding (TCP_CA_Disorder or Recovery): RACK
			// looks again at every ACK, which keeps its reordering timer, or resends
			// what is lost by now (tcp_fastretrans_alert → tcp_identify_packet_loss →
			// tcp_rack_mark_lost, which re-arms ICSK_TIME_REO_TIMEOUT).
			var buf [maxRtx]skb
			s.rackDetect(side, s.rtxQueue(side, buf[:]), true)
		}
	}
}

// explain replaces the note of the segment arrival being processed: what became of it.
func (s *sim) explain(note Note) {
	s.events[s.recvEvent].Note = note
}

// invalidAck answers an invalid segment (out of window, ACK of unsent data, challenge)
// with an ACK, unless one was sent less than InvalidRateLimit ago (RFC 5961 §7; Linux
// tcp_oow_rate_limited). Segments carrying data or FIN are never limited: they are not
// part of an ACK loop. It reports whether the ACK went out.
func (s *sim) invalidAck(side Side, seg *Segment, why Rule) bool {
	exempt := seg.SeqSpace() > 0 && !seg.Flags.Has(SYN)
	if !exempt && s.prof.InvalidRateLimit > 0 {
		if s.sentOOWAck[side] && s.now-s.lastOOWAck[side] < s.prof.InvalidRateLimit {
			s.explain(Note{Rule: RuleInvalidRateLimited, D: s.prof.InvalidRateLimit})
			return false
		}
		s.sentOOWAck[side], s.lastOOWAck[side] = true, s.now
	}
	s.sendAck(side, Note{Rule: why})
	return true
}

// arrivalNote says what a segment brings, before the receiver acts on it; the
// catalogs say what it is from the segment and the receiver as it was.
func (s *sim) arrivalNote(side Side, seg *Segment) Note {
	e := &s.ep[side]
	switch {
	case seg.Dup:
		return Note{Rule: RuleArriveDuplicate}
	case !e.Exists() && e.Listening && seg.Flags == SYN:
		return Note{Rule: RuleArriveListen}
	case !e.Exists():
		return Note{Rule: RuleArriveNoConn}
	}
	return Note{Rule: RuleArrive, State: e.State}
}
