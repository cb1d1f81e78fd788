package model

import (
	"time"
)

// mss is the largest payload of one segment.
const mss = 1460

// sendSegment puts a segment on the link, applying the scripted faults, and records it.
func (s *sim) sendSegment(side Side, flags Flags, seq, ack uint32, n, retrans int, why Note) *Segment {
	e := &s.ep[side]
	seg := Segment{
		ID: len(s.segs), From: side, Flags: flags, Seq: seq, Len: n,
		SeqBase: e.ISS, AckBase: e.IRS, Retrans: retrans, SentAt: s.now, Why: why,
		Cause: s.nextCause,
	}
	s.nextCause = CauseNone
	s.stamp(side, &seg)
	s.sackOptions(side, &seg)
	if flags.Has(ACK) {
		seg.Ack = ack
		seg.Piggyback = e.AckOwed
		// Any segment with ACK carries the owed acknowledgment.
		e.AckOwed = false
		s.stopTimer(side, TimerDelayedAck)
		if !s.noStamp {
			e.LastAckSent = ack
		}
	}
	delay := s.sc.Delay[side]
	fx := s.faults.Count(&seg)
	s.place(&seg, delay, fx)
	s.segs = append(s.segs, seg)
	id := seg.ID
	s.record(Event{Kind: EvSend, Side: side, Seg: id, Note: seg.Why})
	s.launch(id)
	if fx.Dup {
		c := seg
		c.ID, c.CopyOf = len(s.segs), id
		c.Dup, c.Lost = true, false
		c.Why = Note{Rule: WhyDuplicateCopy}
		s.place(&c, delay+fx.DupDelay, s.faults.Count(&c))
		s.segs = append(s.segs, c)
		s.launch(c.ID)
	}
	return &s.segs[id]
}

// place sets when seg arrives, or where it is lost, given the link's delay and the
// faults' effect.
func (s *sim) place(seg *Segment, delay time.Duration, fx FaultEffect) {
	transit, lost, vanish := fx.Fate(delay)
	seg.Transit = transit
	seg.ArriveAt = s.now + transit
	if lost {
		seg.Lost = true
		seg.ArriveAt = s.now + vanish
	}
}

// launch queues a segment's arrival, or its loss.
func (s *sim) launch(id int) {
	seg := &s.segs[id]
	if seg.Lost {
		s.push(item{at: seg.ArriveAt, kind: itemLost, side: seg.From, seg: id})
		return
	}
	s.push(item{at: seg.ArriveAt, kind: itemArrive, side: seg.From.Peer(), seg: id})
}

// output sends whatever the endpoint may send now: queued data, then the FIN once the
// queue is empty (RFC 9293 §3.10.4: "queue until all preceding SENDs have been
// segmentized, then form a FIN segment").
func (s *sim) output(side Side) {
	e := &s.ep[side]
	if e.State != Established && e.State != CloseWait {
		return
	}
	for e.SndBuf > 0 {
		n := min(e.SndBuf, mss)
		e.SndBuf -= n
		seq := e.SndNxt
		e.SndNxt += uint32(n)
		s.timeSegment(side, seq)
		s.sending = 1 // the segment about to go counts among the packets in flight
		s.startRTO(side)
		s.sending = 0
		s.sendSegment(side, PSH|ACK, seq, e.RcvNxt, n, 0, Note{Rule: WhyData, N: n})

	}
	if e.FinQueued && !e.FinSent {
		e.FinSent = true
		e.FinSeq = e.SndNxt
		e.SndNxt++
		if e.State == Established {
			s.setState(side, FinWait1, Note{Rule: RuleFinWait1})
		} else {
			s.setState(side, LastAck, Note{Rule: RuleLastAck})
		}
		why := Note{Rule: WhyFIN}
		if e.AckOwed {
			why.Rule = WhyFINPiggyback
		}
		s.timeSegment(side, e.FinSeq)
		s.sending = 1
		s.startRTO(side)
		s.sending = 0
		s.sendSegment(side, FIN|ACK, e.FinSeq, e.RcvNxt, 0, 0, why)
	}
}

// timeSegment starts an RTT measurement on the segment starting at seq, if none is
// running: the sample is taken when an ACK covers seq.
func (s *sim) timeSegment(side Side, seq uint32) {
	if !s.rttTiming[side] {
		s.rttTiming[side] = true
		s.rttSeq[side] = seq
		s.rttStart[side] = s.now
	}
}

// startRTO arms the retransmission timer if it is not running (RFC 6298 5.1). A
// pending tail loss probe is scheduled again from now, with the new count of packets
// in flight: Linux calls tcp_schedule_loss_probe after every transmission of new data
// (tcp_write_xmit).
func (s *sim) startRTO(side Side) {
	e := &s.ep[side]
	if e.SndNxt != e.SndUna && (!e.Timers[TimerRetransmit].Armed || e.ProbeArmed) {
		s.armRetransmit(side)
	}
}

// armRetransmit arms the retransmission timer for the outstanding flight: as a tail
// loss probe timeout when the profile probes and this flight has not been probed nor
// timed out yet, else for the RTO.
func (s *sim) armRetransmit(side Side) {
	e := &s.ep[side]
	e.ProbeArmed, e.ReoArmed = false, false
	switch e.State {
	case Established, FinWait1, CloseWait, Closing, LastAck:
		// No probe in recovery, nor while SACKed data is outstanding (Disorder), nor
		// without SACK (tcp_schedule_loss_probe: TCP_CA_Open or CWR only, and
		// !tcp_is_sack returns false: a kernel with tcp_sack = 0 waited for the RTO).
		if s.prof.TailLossProbe && e.Backoff == 0 && !e.ProbeSent && e.SRTT > 0 && !s.sk[side].Recovery && s.sk[side].NSacked == 0 && e.SackOK {
			// Probe timeout: 2·SRTT, plus rto_min for a lone segment in flight (its
			// ACK may be delayed), else TCP_TIMEOUT_MIN (2 jiffies), but never later
			// than the RTO (tcp_schedule_loss_probe: tp->packets_out == 1). A data
			// segment and the FIN sent after it are two packets, however few bytes:
			// a real 6.18 kernel probed such a close 2·SRTT + 8 ms after the FIN.
			pto := 2 * e.SRTT
			if s.packetsOut(side) <= 1 {
				pto += s.prof.RTOMin
			} else {
				pto += s.prof.timeoutMin()
			}
			e.ProbeArmed = true
			// tcp_schedule_loss_probe: usecs_to_jiffies(timeout).
			s.armTimer(side, TimerRetransmit, min(s.prof.jiffies(pto), e.RTO))
			return
		}
	}
	s.armTimer(side, TimerRetransmit, e.RTO)
}

// packetsOut is Linux's tp->packets_out for side: its segments that take sequence
// space and are not yet wholly acknowledged, each counted once however often it was
// sent, and the one being sent (s.sending: the timer is armed just before it goes, so
// that its event shows the timer running).
func (s *sim) packetsOut(side Side) int {
	una := s.ep[side].SndUna
	n := s.sending
	for i := range s.segs {
		g := &s.segs[i]
		if g.From != side || g.Dup || g.Retrans > 0 || g.SeqSpace() == 0 {
			continue
		}
		if seqGT(g.Seq+g.SeqSpace(), una) {
			n++
		}
	}
	return n
}

// sendAck sends a bare ACK <SEQ=SND.NXT><ACK=RCV.NXT>.
func (s *sim) sendAck(side Side, why Note) {
	e := &s.ep[side]
	s.sendSegment(side, ACK, e.SndNxt, e.RcvNxt, 0, 0, why)
}

// ackLater sends an owed ACK at once or, when the profile delays ACKs and the side is
// in pingpong mode, arms the delayed-ACK timer (RFC 9293 §3.8.6.3; Linux
// __tcp_ack_snd_check).
func (s *sim) ackLater(side Side, why Note) {
	e := &s.ep[side]
	if s.prof.DelayedAck == 0 || !e.Pingpong {
		s.sendAck(side, why)
		return
	}
	e.AckOwed = true
	if !e.Timers[TimerDelayedAck].Armed {
		s.armTimer(side, TimerDelayedAck, s.prof.DelayedAck)
	}
}

// fire handles an expired timer.
func (s *sim) fire(side Side, k TimerKind) {
	e := &s.ep[side]
	switch k {
	case TimerDelayedAck:
		if e.AckOwed {
			s.nextCause = CauseDelayedAck
			s.sendAck(side, Note{Rule: WhyDelayedAck, D: s.prof.DelayedAck})
		}
	case TimerRetransmit:
		s.retransmit(side)
	case TimerFinWait2:
		s.setState(side, Closed, Note{Rule: RuleFinWait2Timeout})
	case TimerKeepalive:
		s.keepaliveFire(side)
	case TimerTimeWait:
		note := Note{Rule: RuleTimeWaitOver}
		if !e.FinSent {
			note.Rule = RuleTimeWaitOverAfterRST
		}
		s.setState(side, Closed, note)
	}
}

// retransmit resends the segment at the head of the retransmission queue, or gives up
// (RFC 9293 §3.8.3, RFC 6298 5.4-5.7; Linux tcp_retransmit_timer).
func (s *sim) retransmit(side Side) {
	e := &s.ep[side]
	if e.SndNxt == e.SndUna {
		return
	}
	if e.ReoArmed {
		s.reoTimeout(side)
		return
	}
	if e.ProbeArmed {
		s.sendProbe(side)
		return
	}
	limit := s.prof.retries(e)
	if e.Backoff >= limit {
		prev := e.State
		s.setState(side, Closed, Note{Rule: RuleTimedOut, N: e.Backoff, State: prev})
		// A passive open nobody accept()ed yet is a request socket: it is dropped
		// silently (Linux reqsk_timer_handler), no app is told.
		if !e.Orphan && !(prev == SynReceived && e.Listening) {
			e.Told |= ToldTimedOut
			call := "read -> error ETIMEDOUT"
			if prev == SynSent {
				call = "connect -> error ETIMEDOUT"
			}
			s.appEvent(side, call, Note{Rule: RuleTimedOutCall})
		}
		return
	}
	e.Backoff++
	e.Resent++
	// RFC 6298 5.5: back off the timer; Linux 6.5+ keeps the first
	// tcp_syn_linear_timeouts SYN retransmissions at the initial RTO
	// (tcp_retransmit_timer: total_rto > sysctl_tcp_syn_linear_timeouts).
	if e.State != SynSent || e.Backoff > s.prof.SynLinearTimeouts {
		e.RTO = min(2*e.RTO, s.prof.RTOMax)
	}
	s.rttTiming[side] = false // Karn: never time a retransmitted segment
	s.armTimer(side, TimerRetransmit, e.RTO)
	switch e.State {
	case SynSent:
		s.sendSegment(side, SYN, e.ISS, 0, 0, e.Resent, Note{Rule: WhySYN})
	case SynReceived:
		s.sendSegment(side, SYN|ACK, e.ISS, e.RcvNxt, 0, e.Resent, Note{Rule: WhySYNACK})
	default:
		s.resendHead(side)
	}
}

// sendProbe sends the tail loss probe: the outstanding data again, once, and re-arms
// the timer for a full RTO from now, without backoff (RFC 8985 §7.3; Linux
// tcp_send_loss_probe, tcp_rearm_rto). The probe is not a retransmission timeout:
// Backoff, and so tcp_orphan_retries, do not count it.
func (s *sim) sendProbe(side Side) {
	e := &s.ep[side]
	e.ProbeArmed, e.ProbeSent, e.ProbeHigh = false, true, e.SndNxt
	e.Resent++
	s.armTimer(side, TimerRetransmit, e.RTO)
	s.nextCause = CauseProbe
	s.resendLast(side)
}

// resendLast resends the last segment of the flight, as copy number e.Resent: a tail
// loss probe retransmits the highest-sequence segment, not the head (Linux
// tcp_send_loss_probe: tcp_write_queue_tail). After a data segment and a FIN, that is
// the FIN alone.
func (s *sim) resendLast(side Side) {
	e := &s.ep[side]
	last := -1
	for i := range s.segs {
		g := &s.segs[i]
		if g.From != side || g.Dup || g.Retrans > 0 || g.SeqSpace() == 0 || !seqGT(g.Seq+g.SeqSpace(), e.SndUna) {
			continue
		}
		if last < 0 || seqGT(g.Seq, s.segs[last].Seq) {
			last = i
		}
	}
	if last < 0 {
		s.resendHead(side)
		return
	}
	g := s.segs[last]
	flags := g.Flags &^ SYN
	what := Note{Rule: WhyResendData}
	if flags.Has(FIN) {
		what.Rule = WhyResendFIN
	}
	seq := g.Seq
	if seqLT(seq, e.SndUna) { // partly acknowledged: resend what is not
		seq = e.SndUna
	}
	n := g.Len - int(seq-g.Seq)
	if n < 0 {
		n = 0
	}
	s.karn(side, seq, g.Seq+g.SeqSpace()-seq)
	s.sendSegment(side, flags|ACK, seq, e.RcvNxt, n, e.Resent, what)
}

// karn stops the RTT measurement when the segment about to be resent covers the
// timed sequence number (RFC 6298 §3, Karn's algorithm: a retransmitted segment gives
// no sample). A probe or a RACK resend of another segment leaves it running: Linux
// takes its sample from the first segment an ACK covers if that one was never
// resent (tcp_clean_rtx_queue, FLAG_RETRANS_DATA_ACKED).
func (s *sim) karn(side Side, seq, space uint32) {
	if s.rttTiming[side] && seqLEQ(seq, s.rttSeq[side]) && seqLT(s.rttSeq[side], seq+space) {
		s.rttTiming[side] = false
	}
}

// resendHead resends the outstanding data from SND.UNA, with the FIN if it is
// outstanding too, as copy number e.Resent.
func (s *sim) resendHead(side Side) {
	e := &s.ep[side]
	n := int(e.SndNxt - e.SndUna)
	flags := ACK
	what := Note{Rule: WhyResendData}
	fin := e.FinSent && seqGEQ(e.FinSeq, e.SndUna)
	if end, ok := s.headLimit(side); ok {
		// The peer SACKed what lies beyond: resend the hole only.
		n = int(end - e.SndUna)
		fin = e.FinSent && seqLT(e.FinSeq, end)
	}
	if fin {
		n--
		flags |= FIN
		what.Rule = WhyResendFIN
	}
	if n > 0 {
		flags |= PSH
	}
	s.sendSegment(side, flags, e.SndUna, e.RcvNxt, n, e.Resent, what)
}

// armFinWait2 starts Linux's orphan timer: max(tcp_fin_timeout, 3.5·RTO) (tcp_fin_time).
func (s *sim) armFinWait2(side Side) {
	e := &s.ep[side]
	tmo := max(s.prof.FinTimeout, e.RTO*7/2)
	s.armTimer(side, TimerFinWait2, tmo)
}

// enterTimeWait moves to TIME_WAIT and starts the 2MSL timer (RFC 9293 §3.10.7.4 step 8).
func (s *sim) enterTimeWait(side Side, note Note) {
	if s.prof.SkipTimeWait {
		note.Also = RuleTimeWaitSkipped
		s.setState(side, Closed, note)
		return
	}
	s.setState(side, TimeWait, note)
	s.armTimer(side, TimerTimeWait, s.prof.TimeWait)
}

// abort resets the connection from this side (RFC 9293 §3.10.5 ABORT; Linux
// tcp_send_active_reset / tcp_disconnect).
func (s *sim) abort(side Side, note Note) {
	e := &s.ep[side]
	switch e.State {
	case SynReceived, Established, FinWait1, FinWait2, CloseWait:
		s.nextCause = CauseAbort
		if s.prof.AbortRSTHasACK {
			s.sendSegment(side, RST|ACK, e.SndNxt, e.RcvNxt, 0, 0, Note{Rule: WhyRSTAbort})
		} else {
			s.sendSegment(side, RST, e.SndNxt, 0, 0, 0, Note{Rule: WhyRSTAbort})
		}
	}
	e.SndBuf, e.RcvBuf = 0, 0
	e.Orphan = true
	if s.prof.RSTSenderTimeWait && !s.prof.SkipTimeWait {
		note.Also = RuleRSTSenderTimeWait
		s.enterTimeWait(side, note)
		return
	}
	s.setState(side, Closed, note)
}
