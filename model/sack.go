package model

import (
	"fmt"
	"strings"
	"time"
)

// Selective acknowledgment (RFC 2018) and RACK's time-based loss detection (RFC 8985),
// as far as a close needs them: a receiver that holds segments beyond a hole reports
// them in SACK blocks on its ACKs, and a sender that learns some of its segments
// arrived and an earlier one did not resends the earlier one once RACK's reordering
// window has passed, instead of waiting for its tail loss probe or its RTO. Linux
// does both by default (net.ipv4.tcp_sack = 1, tcp_recovery = 1).
//
// Left out: D-SACK (RFC 2883; Linux reports a duplicate segment in a SACK block), the
// congestion window, and RACK's adaptive reordering window (reo_wnd_steps): the
// catalog's closes send a handful of segments, never more than a window.

// sackCap bounds the blocks an endpoint remembers, as a receiver and as a sender
// (Linux TCP_NUM_SACKS = 4).
const sackCap = 4

// SackBlock is one block of a SACK option: the sequence space [Start, End) in the data
// sender's numbering, received beyond the cumulative ACK (RFC 2018 §3).
type SackBlock struct{ Start, End uint32 }

// Sack is a segment's SACK-related options.
type Sack struct {
	// Permitted is the SACK-permitted option of a SYN or SYN|ACK (RFC 2018 §2).
	Permitted bool
	// N blocks of Blocks are on this ACK, the most recently changed first (§4).
	N      uint8
	Blocks [sackCap]SackBlock
}

// SackState is what the SACK and RACK rules keep for one side. It lives in the
// engine beside the RTT timing (sim.sk), not in the Endpoint snapshots, which every
// event copies twice: the screen draws none of it, and the timeline stays small.
// (Whether SACK was negotiated, Endpoint.SackOK, is in the snapshot.)
type SackState struct {
	// As a receiver: the blocks to report, most recent first (Linux
	// tp->selective_acks), NRx of them.
	Rx  [sackCap]SackBlock
	NRx uint8

	// As a sender, the scoreboard: what the peer has SACKed beyond SND.UNA, merged
	// (Linux TCPCB_SACKED_ACKED marks, tcp_sacktag_write_queue), NSacked blocks.
	Sacked  [sackCap]SackBlock
	NSacked uint8

	// RACK's state (RFC 8985 §6.1; Linux tp->rack): the send time and end of the most
	// recently sent segment known delivered, and its RTT.
	RackXmit time.Duration
	RackEnd  uint32
	RackRTT  time.Duration
	RackSet  bool
	// MinRTT is the least RTT measured (RACK.min_RTT; Linux tcp_min_rtt, a windowed
	// minimum over tcp_min_rtt_wlen = 300 s, longer than any scenario).
	MinRTT time.Duration
	// Recovery: RACK declared a loss and the sender is in fast recovery until
	// SND.UNA passes RecoveryHigh (Linux TCP_CA_Recovery, tp->high_seq).
	Recovery     bool
	RecoveryHigh uint32
}

// SackLabel is the trace's optional trailing field for the SACK options: " sackok=1"
// on a SYN that offers SACK, " sack=21-22,31-41" (relative to the data sender's ISN,
// as ack= is) on an ACK that carries blocks, or "".
func (s *Segment) SackLabel() string {
	switch {
	case s.SACK.Permitted:
		return " sackok=1"
	case s.SACK.N == 0:
		return ""
	}
	var b strings.Builder
	b.WriteString(" sack=")
	for i := range int(s.SACK.N) {
		if i > 0 {
			b.WriteByte(',')
		}
		blk := s.SACK.Blocks[i]
		fmt.Fprintf(&b, "%d-%d", blk.Start-s.AckBase, blk.End-s.AckBase)
	}
	return b.String()
}

// sackOptions puts the SACK options on a segment the side sends: SACK-permitted on
// its SYN when the profile has SACK (and, on a SYN|ACK, the peer offered it), and on
// an ACK the blocks it holds, at most three when timestamps take their 12 bytes of
// the 40 (RFC 2018 §3; Linux tcp_syn_options, tcp_established_options).
func (s *sim) sackOptions(side Side, seg *Segment) {
	e := &s.ep[side]
	if s.noStamp || !s.prof.SACK {
		return
	}
	if seg.Flags.Has(SYN) {
		seg.SACK.Permitted = !seg.Flags.Has(ACK) || e.SackOK
		return
	}
	k := &s.sk[side]
	if !e.SackOK || !seg.Flags.Has(ACK) || k.NRx == 0 {
		return
	}
	n := k.NRx
	if seg.HasTS {
		n = min(n, 3)
	}
	seg.SACK.N = n
	copy(seg.SACK.Blocks[:n], k.Rx[:n])
}

// sackReceived records a segment queued beyond RCV.NXT in the blocks to report: it
// joins a block it touches, which moves to the front, or starts a new one at the
// front; a fifth drops the oldest (RFC 2018 §4: the first block reports the most
// recent segment; Linux tcp_sack_new_ofo_skb, tcp_sack_maybe_coalesce).
func (s *sim) sackReceived(side Side, start, end uint32) {
	if !s.ep[side].SackOK {
		return
	}
	e := &s.sk[side]
	blk, n := absorb(e.Rx[:], int(e.NRx), SackBlock{start, end})
	if n == sackCap {
		n--
	}
	copy(e.Rx[1:n+1], e.Rx[:n])
	e.Rx[0] = blk
	e.NRx = uint8(n + 1)
}

// absorb merges blk with every block of blocks[:n] it touches or overlaps, taking
// those out (the rest keep their order), and returns the merged block and how many
// blocks are left.
func absorb(blocks []SackBlock, n int, blk SackBlock) (SackBlock, int) {
	for i := 0; i < n; i++ {
		b := blocks[i]
		if seqGT(blk.Start, b.End) || seqGT(b.Start, blk.End) {
			continue
		}
		if seqLT(b.Start, blk.Start) {
			blk.Start = b.Start
		}
		if seqGT(b.End, blk.End) {
			blk.End = b.End
		}
		copy(blocks[i:], blocks[i+1:n])
		n--
		i = -1 // the merged block may now touch another
	}
	return blk, n
}

// sackPrune drops the blocks RCV.NXT has reached (Linux tcp_sack_remove, after
// tcp_ofo_queue).
func (s *sim) sackPrune(side Side) {
	e := &s.sk[side]
	rcvNxt := s.ep[side].RcvNxt
	n := 0
	for i := range int(e.NRx) {
		if seqLT(rcvNxt, e.Rx[i].Start) {
			e.Rx[n] = e.Rx[i]
			n++
		}
	}
	for i := n; i < int(e.NRx); i++ {
		e.Rx[i] = SackBlock{}
	}
	e.NRx = uint8(n)
}

// sackForget clears the blocks when a FIN is processed: Linux tcp_fin purges the
// out-of-order queue and resets the SACK list, after it has sent its ACK, which so
// still carries the blocks the FIN's arrival filled (a real 6.18 kernel's ACK of a
// held FIN said "ack 22, sack 21-22").
func (s *sim) sackForget(side Side) {
	e := &s.sk[side]
	e.Rx, e.NRx = [sackCap]SackBlock{}, 0
}

// skb is one segment of the sender's retransmission queue as RACK sees it: the
// original segment and when it (or a copy of it) was last sent.
type skb struct {
	seg  *Segment
	xmit time.Duration
}

// end is the sequence number after the segment.
func (k skb) end() uint32 { return k.seg.Seq + k.seg.SeqSpace() }

// rtxQueue lists side's original segments not yet cumulatively acknowledged, in the
// order they were first sent, each with its last send time (Linux tcp_rtx_queue,
// tcp_skb_timestamp_us). At most maxRtx are looked at: a close has a handful.
func (s *sim) rtxQueue(side Side, buf []skb) []skb {
	una := s.ep[side].SndUna
	out := buf[:0]
	for i := range s.segs {
		g := &s.segs[i]
		if g.From != side || g.Dup || g.SeqSpace() == 0 {
			continue
		}
		if g.Retrans == 0 {
			if seqGT(g.Seq+g.SeqSpace(), una) && len(out) < cap(out) {
				out = append(out, skb{seg: g, xmit: g.SentAt})
			}
			continue
		}
		// A copy: it refreshes the send time of every original it starts inside
		// (tcp_retransmit_skb stamps the skb it resends).
		for j := range out {
			k := &out[j]
			if seqLEQ(g.Seq, k.seg.Seq) && seqLT(k.seg.Seq, g.Seq+g.SeqSpace()) {
				k.xmit = g.SentAt
			}
		}
	}
	return out
}

// maxRtx bounds rtxQueue's buffer.
const maxRtx = 16

// sacked reports whether the scoreboard marks [start, end) as SACKed.
func (e *SackState) sacked(start, end uint32) bool {
	for i := range int(e.NSacked) {
		b := e.Sacked[i]
		if seqLEQ(b.Start, start) && seqLEQ(end, b.End) {
			return true
		}
	}
	return false
}

// sackArrives takes the SACK blocks of an ACK that reached side, the data sender:
// valid blocks (within SND.UNA..SND.NXT) mark the segments they cover on the
// scoreboard, each newly marked one advances RACK, and RACK then looks for losses
// (RFC 2018 §5, RFC 8985 §6.2; Linux tcp_sacktag_write_queue, tcp_rack_advance,
// tcp_rack_mark_lost via tcp_fastretrans_alert).
func (s *sim) sackArrives(side Side, seg *Segment) {
	e, k := &s.ep[side], &s.sk[side]
	if !e.SackOK || seg.SACK.N == 0 {
		return
	}
	var buf [maxRtx]skb
	q := s.rtxQueue(side, buf[:])
	newly := 0
	for i := range int(seg.SACK.N) {
		blk := seg.SACK.Blocks[i]
		// tcp_is_sackblock_valid: above SND.UNA, not beyond SND.NXT (a D-SACK
		// block below SND.UNA is for reporting only).
		if !seqLT(blk.Start, blk.End) || !seqLT(e.SndUna, blk.End) || seqGT(blk.End, e.SndNxt) {
			continue
		}
		for _, b := range q {
			if seqLEQ(blk.Start, b.seg.Seq) && seqLEQ(b.end(), blk.End) && !k.sacked(b.seg.Seq, b.end()) {
				newly++
				s.rackAdvance(side, b)
			}
		}
		s.scoreboardAdd(side, blk)
	}
	if newly == 0 {
		return
	}
	s.explain(Note{Rule: RuleSackTagged, N: newly})
	s.rackDetect(side, q, true)
}

// scoreboardAdd merges a SACKed block into the sender's scoreboard; a fifth disjoint
// block drops the one with the lowest start (bounded; Linux keeps a mark per skb).
func (s *sim) scoreboardAdd(side Side, blk SackBlock) {
	e := &s.sk[side]
	blk, n := absorb(e.Sacked[:], int(e.NSacked), blk)
	if n == sackCap {
		low := 0
		for i := 1; i < n; i++ {
			if seqLT(e.Sacked[i].Start, e.Sacked[low].Start) {
				low = i
			}
		}
		copy(e.Sacked[low:], e.Sacked[low+1:n])
		n--
	}
	e.Sacked[n] = blk
	e.NSacked = uint8(n + 1)
	for i := n + 1; i < sackCap; i++ {
		e.Sacked[i] = SackBlock{}
	}
}

// scoreboardPrune forgets what SND.UNA has passed, and leaves recovery once SND.UNA
// reaches the recovery point (Linux tcp_clean_rtx_queue, tcp_try_undo_recovery /
// tcp_end_cwnd_reduction).
func (s *sim) scoreboardPrune(side Side) {
	e := &s.sk[side]
	una := s.ep[side].SndUna
	n := 0
	for i := range int(e.NSacked) {
		b := e.Sacked[i]
		if seqLT(una, b.End) {
			if seqLT(b.Start, una) {
				b.Start = una
			}
			e.Sacked[n] = b
			n++
		}
	}
	for i := n; i < sackCap; i++ {
		e.Sacked[i] = SackBlock{}
	}
	e.NSacked = uint8(n)
	if e.Recovery && seqGEQ(una, e.RecoveryHigh) {
		e.Recovery = false
	}
}

// rackAdvance records a segment newly known delivered, SACKed or cumulatively
// acknowledged: its RTT becomes RACK's, and if it was sent after the one RACK holds,
// its send time and end too (RFC 8985 §6.2 step 2; Linux 6.18 tcp_rack_advance sets
// rack.rtt_us for every such segment, rack.mstamp only for a later one). A
// retransmitted segment delivered sooner than min_RTT after its last copy is
// ambiguous (the original may be what arrived) and is not used.
func (s *sim) rackAdvance(side Side, k skb) {
	e := &s.sk[side]
	rtt := s.now - k.xmit
	if k.xmit != k.seg.SentAt && rtt < e.MinRTT {
		return
	}
	e.RackRTT = rtt
	if !e.RackSet || sentAfter(k.xmit, e.RackXmit, k.end(), e.RackEnd) {
		e.RackXmit, e.RackEnd, e.RackSet = k.xmit, k.end(), true
	}
}

// sentAfter is tcp_skb_sent_after: sent later, or at the same instant and ending
// later.
func sentAfter(t1, t2 time.Duration, end1, end2 uint32) bool {
	return t1 > t2 || t1 == t2 && seqGT(end1, end2)
}

// reoWnd is RACK's reordering window (RFC 8985 §6.2 step 4; Linux tcp_rack_reo_wnd):
// none in recovery, nor once tcp_reordering (3) segments are SACKed (the classic
// duplicate-ACK threshold); else min_RTT/4, at most SRTT.
func (s *sim) reoWnd(side Side, q []skb) time.Duration {
	e := &s.sk[side]
	if e.Recovery {
		return 0
	}
	n := 0
	for _, k := range q {
		if e.sacked(k.seg.Seq, k.end()) {
			n++
		}
	}
	if n >= 3 {
		return 0
	}
	return min(e.MinRTT/4, s.ep[side].SRTT)
}

// rackDetect marks lost every segment not SACKed that was sent before RACK's segment
// and has waited RACK.rtt + reo_wnd since: those are resent at once, in recovery. For
// the others it arms the reordering timer for the longest remaining wait, plus
// TCP_TIMEOUT_MIN_US (2 ms) for a late ACK, in jiffies, at most the RTO (RFC 8985
// §6.2 step 5, §6.3; Linux tcp_rack_detect_loss, tcp_rack_mark_lost). It reports
// whether it resent anything. onArrival: it runs for the ACK being processed, whose
// note it sets (not when the reordering timer fires).
func (s *sim) rackDetect(side Side, q []skb, onArrival bool) bool {
	e, r := &s.ep[side], &s.sk[side]
	if !r.RackSet {
		return false
	}
	reo := s.reoWnd(side, q)
	var lost [maxRtx]*Segment
	nLost := 0
	var wait time.Duration
	for _, k := range q {
		if r.sacked(k.seg.Seq, k.end()) || !sentAfter(r.RackXmit, k.xmit, r.RackEnd, k.end()) {
			continue
		}
		remaining := r.RackRTT + reo - (s.now - k.xmit)
		if remaining <= 0 {
			lost[nLost] = k.seg
			nLost++
		} else {
			wait = max(wait, remaining)
		}
	}
	if nLost > 0 {
		if !r.Recovery {
			r.Recovery, r.RecoveryHigh = true, e.SndNxt
		}
		// tcp_xmit_retransmit_queue: the lost segments go again; the head's copy
		// re-arms the RTO (a full one, from now).
		if onArrival {
			s.explain(Note{Rule: RuleRackLost, N: nLost, D: reo})
		}
		e.ProbeArmed, e.ReoArmed = false, false
		s.armTimer(side, TimerRetransmit, e.RTO)
		for _, g := range lost[:nLost] {
			s.resendLost(side, g)
		}
		return true
	}
	if wait > 0 && onArrival {
		s.explain(Note{Rule: RuleRackWait, D: reo})
		e.ProbeArmed, e.ReoArmed = false, true
		s.armTimer(side, TimerRetransmit, min(s.prof.jiffies(wait+2*time.Millisecond), e.RTO))
	}
	return false
}

// reoTimeout is the reordering timer firing: RACK looks again, resends what is lost
// by now, and the timer goes back to the RTO (Linux tcp_rack_reo_timeout,
// tcp_rearm_rto).
func (s *sim) reoTimeout(side Side) {
	e := &s.ep[side]
	e.ReoArmed = false
	var buf [maxRtx]skb
	if !s.rackDetect(side, s.rtxQueue(side, buf[:]), false) && !e.Timers[TimerRetransmit].Armed {
		s.armRetransmit(side)
	}
}

// resendLost resends one segment RACK found lost, as copy number e.Resent: the same
// flags and numbers, with the current ACK (Linux __tcp_retransmit_skb).
func (s *sim) resendLost(side Side, g *Segment) {
	e := &s.ep[side]
	e.Resent++
	what := Note{Rule: WhyResendData}
	if g.Flags.Has(FIN) {
		what.Rule = WhyResendFIN
	}
	seq, n := g.Seq, g.Len
	if seqLT(seq, e.SndUna) {
		n -= int(e.SndUna - seq)
		seq = e.SndUna
	}
	s.karn(side, g.Seq, g.SeqSpace())
	s.nextCause = CauseRACK
	s.sendSegment(side, g.Flags&^SYN|ACK, seq, e.RcvNxt, max(n, 0), e.Resent, what)
}

// headLimit is how much of the outstanding data an RTO resends when the scoreboard
// says the peer holds what lies beyond a hole: up to the first SACKed block (Linux
// tcp_retransmit_timer resends the head skb only). ok is false when nothing is SACKed.
func (s *sim) headLimit(side Side) (end uint32, ok bool) {
	e := &s.sk[side]
	una := s.ep[side].SndUna
	for i := range int(e.NSacked) {
		b := e.Sacked[i]
		if seqGT(b.Start, una) && (!ok || seqLT(b.Start, end)) {
			end, ok = b.Start, true
		}
	}
	return end, ok
}
