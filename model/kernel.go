package model

import (
	"fmt"
	"strconv"
	"time"
)

// Kernel holds the profile's rules that make the linux profile behave as a Linux 6.18
// kernel with default sysctls: TCP timestamps and PAWS (RFC 7323), TIME_WAIT reuse
// (RFC 6191, tcp_twsk_unique), SYN linear timeouts, jiffies and the ISN clock.
type Kernel struct {
	// Timestamps negotiates the TCP Timestamps option (RFC 7323 §3; Linux
	// net.ipv4.tcp_timestamps = 1). On, every segment of the connection carries TSval
	// and TSecr, TS.Recent is kept (§4.3) and PAWS (§5) discards old segments. The
	// rfc9293 profile leaves it off: RFC 9293 makes the option a MAY (via RFC 7323),
	// and its Figures 12 and 13 are drawn without it.
	Timestamps bool

	// TWReuse is net.ipv4.tcp_tw_reuse: whether connect() from an automatic port may
	// take over a TIME_WAIT socket of the same 4-tuple (tcp_twsk_unique): 0 never, 1
	// always, 2 (the default) only on loopback. A connect() from an explicitly bound
	// port may take it over whenever the TIME_WAIT saw timestamps, whatever this says.
	TWReuse int
	// TWReuseDelay is net.ipv4.tcp_tw_reuse_delay (Linux 6.13+, 1 s): an automatic port
	// takes over a TIME_WAIT only this long after its last timestamp arrived.
	TWReuseDelay time.Duration
	// Loopback says the two endpoints talk over the loopback interface, where
	// tcp_tw_reuse = 2 allows reuse. The scenarios' hosts (10.0.0.1, 10.0.0.2) do not.
	Loopback bool

	// SynLinearTimeouts is net.ipv4.tcp_syn_linear_timeouts (Linux 6.5+, 4): the first
	// SYN retransmissions keep the initial RTO instead of doubling it, and as many
	// again are added to tcp_syn_retries (tcp_retransmit_timer, tcp_write_timeout).
	SynLinearTimeouts int

	// SynAckRetries is how many times a passive open resends its SYN|ACK before giving
	// up (Linux net.ipv4.tcp_synack_retries = 5, reqsk_timer_handler; RFC 9293 §3.8.3
	// gives a SYN 3 minutes, which the rfc9293 profile's 8 exceed).
	SynAckRetries int

	// SynAckOnSyn answers a retransmitted SYN that reaches SYN_RECEIVED with the
	// SYN|ACK again, at once, and restarts the SYN|ACK timer (Linux tcp_check_req,
	// inet_rtx_syn_ack; rate-limited by tcp_invalid_ratelimit). RFC 9293 §3.10.7.4
	// answers it, an old segment, with an ACK.
	SynAckOnSyn bool

	// HZ is the kernel's tick rate (CONFIG_HZ, 250 on Debian and most distributions):
	// timers that Linux counts in jiffies are rounded up to a whole jiffy. 0 means no
	// tick (the rfc9293 profile's exact clock).
	HZ int

	// DisorderedAck is Linux's leniency to pure ACKs that fail PAWS
	// (tcp_disordered_ack_check, 6.14+): an old one, below RCV.NXT, is dropped without
	// a duplicate ACK (PAWSOldAck); a duplicate ACK at RCV.NXT whose timestamp is
	// within the replay window (RTO × 1200 ticks, tcp_tsval_replay) is accepted. RFC
	// 7323 §5.3 answers every failure with an ACK.
	DisorderedAck bool

	// SACK negotiates selective acknowledgments (RFC 2018; Linux net.ipv4.tcp_sack =
	// 1): SACK blocks on a receiver's ACKs for what it holds beyond a hole, and RACK's
	// loss detection on the sender (RFC 8985; Linux tcp_recovery = 1), which resends
	// a segment once a later one is SACKed and the reordering window has passed
	// (sack.go). The rfc9293 profile leaves it off: RFC 9293 does not require SACK
	// (it is a separate, optional extension), and its Figures 12 and 13 have none.
	SACK bool

	// ISNClock is the tick of the ISN generator: an ISN is a per-4-tuple hash plus a
	// clock (RFC 9293 §3.4.1, RFC 6528: 4 µs; Linux secure_tcp_seq: ktime_ns >> 6, 64
	// ns).
	ISNClock time.Duration
}

func linuxKernel() Kernel {
	return Kernel{Timestamps: true, TWReuse: 2, TWReuseDelay: time.Second,
		SynLinearTimeouts: 4, SynAckRetries: 5, SynAckOnSyn: true, HZ: 250, DisorderedAck: true, SACK: true,
		ISNClock: 64 * time.Nanosecond}
}

func rfcKernel() Kernel {
	return Kernel{Timestamps: false, TWReuse: 0, TWReuseDelay: time.Second,
		SynLinearTimeouts: 0, SynAckRetries: 8, HZ: 0, ISNClock: 4 * time.Microsecond}
}

// kernelKnobs are the Kernel fields a scenario or --set may change.
var kernelKnobs = []Knob{
	boolKnob("tcp_timestamps", func(p *Profile) *bool { return &p.Timestamps }),
	rangeKnob("tcp_tw_reuse", 0, 2, func(p *Profile) *int { return &p.TWReuse }),
	durKnob("tcp_tw_reuse_delay", func(p *Profile) *time.Duration { return &p.TWReuseDelay }),
	boolKnob("loopback", func(p *Profile) *bool { return &p.Loopback }),
	intKnob("tcp_syn_linear_timeouts", func(p *Profile) *int { return &p.SynLinearTimeouts }),
	intKnob("tcp_synack_retries", func(p *Profile) *int { return &p.SynAckRetries }),
	boolKnob("synack_on_syn", func(p *Profile) *bool { return &p.SynAckOnSyn }),
	rangeKnob("hz", 0, 1000, func(p *Profile) *int { return &p.HZ }),
	boolKnob("paws_disordered_ack", func(p *Profile) *bool { return &p.DisorderedAck }),
	boolKnob("tcp_sack", func(p *Profile) *bool { return &p.SACK }),
	{Name: "isn_clock",
		get: func(p *Profile) string { return p.ISNClock.String() },
		set: func(p *Profile, v string) error {
			d, err := ParseDuration(v)
			if err != nil {
				return err
			}
			if d <= 0 || d > time.Second {
				return inputError(ProblemNotTick, v)
			}
			p.ISNClock = d
			return nil
		}},
}

func rangeKnob(name string, lo, hi int, f func(*Profile) *int) Knob {
	return Knob{Name: name,
		get: func(p *Profile) string { return strconv.Itoa(*f(p)) },
		set: func(p *Profile, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < lo || n > hi {
				return &InputError{Problem: ProblemNotInRange, Value: v, Low: lo, High: hi}
			}
			*f(p) = n
			return nil
		}}
}

// jiffies rounds a timer up to whole jiffies, as usecs_to_jiffies does, when the
// profile has a tick.
func (p *Profile) jiffies(d time.Duration) time.Duration {
	if p.HZ <= 0 || d <= 0 {
		return d
	}
	j := time.Second / time.Duration(p.HZ)
	return (d + j - 1) / j * j
}

// timeoutMin is TCP_TIMEOUT_MIN, 2 jiffies (2 ms without a tick).
func (p *Profile) timeoutMin() time.Duration {
	if p.HZ <= 0 {
		return 2 * time.Millisecond
	}
	return 2 * time.Second / time.Duration(p.HZ)
}

// Stamps is a segment's Timestamps option (RFC 7323 §3.2).
type Stamps struct {
	HasTS bool   // the option is present
	TSval uint32 // the sender's clock
	TSecr uint32 // the TS.Recent echoed (0 when ACK is not set)
}

// TSLabel is the trace's optional trailing fields: " tsval=N tsecr=N", or "".
func (s *Stamps) TSLabel() string {
	if !s.HasTS {
		return ""
	}
	return fmt.Sprintf(" tsval=%d tsecr=%d", s.TSval, s.TSecr)
}

// oooCap bounds the out-of-order queue of an endpoint: a segment beyond it is dropped
// (still answered by a duplicate ACK). Linux bounds its queue by memory (tcp_prune_ofo_queue).
const oooCap = 4

// Held is one segment held in the out-of-order queue.
type Held struct {
	Seq uint32
	Len uint32 // payload bytes (uint32 keeps snapshots small)
	FIN bool
}

// KernelState is the part of an endpoint that the Kernel rules keep.
type KernelState struct {
	// TSOK: timestamps were negotiated on this connection (RFC 7323 §3.2).
	TSOK bool
	// TSRecent is the peer's timestamp to echo (RFC 7323 §4.3); TSRecentAt is when
	// it was last updated (Linux ts_recent_stamp); TSRecentSet says it holds one.
	TSRecent    uint32
	TSRecentAt  time.Duration
	TSRecentSet bool
	// LastAckSent is the ACK field of the last segment sent (RFC 7323 §4.3
	// Last.ACK.sent; Linux rcv_wup).
	LastAckSent uint32
	// OOO holds segments that arrived beyond RCV.NXT (RFC 9293 §3.10.7.4 "held for
	// later processing"; Linux tcp_data_queue_ofo), NOOO of them.
	OOO  [oooCap]Held
	NOOO int
}

// tsClock is the side's timestamp clock: milliseconds since time zero plus an offset
// (Linux: tcp_clock_ms plus a random per-address-pair offset, secure_tcp_ts_off; here
// derived from the scenario so that every run is the same).
func (s *sim) tsClock(side Side, at time.Duration) uint32 {
	ms := at.Milliseconds()
	if at < 0 && at%time.Millisecond != 0 {
		ms--
	}
	return s.tsBase[side] + uint32(ms)
}

// tsBases derives each side's timestamp offset from the scenario (FNV-1a of its id,
// the side and the side's ISN).
func tsBases(sc *Scenario) [2]uint32 {
	var out [2]uint32
	for side := A; side <= B; side++ {
		h := uint32(2166136261)
		for _, c := range []byte(sc.ID + "/" + side.String()) {
			h = (h ^ uint32(c)) * 16777619
		}
		h = (h ^ sc.ISN[side]) * 16777619
		out[side] = h
	}
	return out
}

// isnNow is the ISN the side's generator gives at this instant: the 4-tuple's hash,
// here the scenario's own ISN for the side, plus the clock (RFC 9293 §3.4.1, RFC 6528;
// Linux secure_tcp_seq).
func (s *sim) isnNow(side Side) uint32 {
	return s.sc.ISN[side] + uint32(s.now/s.prof.ISNClock)
}

// stamp puts the Timestamps option on a segment the side sends, when the connection
// negotiated it (RFC 7323 §3.2: on every segment, TSecr valid only with ACK).
func (s *sim) stamp(side Side, seg *Segment) {
	e := &s.ep[side]
	if s.noStamp || !e.TSOK {
		return
	}
	seg.HasTS = true
	seg.TSval = s.tsClock(side, s.now)
	if seg.Flags.Has(ACK) {
		seg.TSecr = e.TSRecent
	}
}

// pawsMSL is Linux's TCP_PAWS_MSL: after it, a TIME_WAIT's timestamp is too old to
// reject a RST by.
const pawsMSL = 60 * time.Second

// paws24Days is TCP_PAWS_24DAYS: a TS.Recent this old no longer judges anything, since
// a 1 ms clock may have wrapped half its 32 bits since (RFC 7323 §5.5).
const paws24Days = 24 * 24 * time.Hour

// pawsFails is RFC 7323 §5.3 R1 (Linux tcp_paws_check): the segment's TSval is older
// than TS.Recent by more than win, and TS.Recent is less than 24 days old.
func (s *sim) pawsFails(e *Endpoint, seg *Segment, win int32) bool {
	return e.TSOK && seg.HasTS && e.TSRecentSet && int32(e.TSRecent-seg.TSval) > win &&
		s.now < e.TSRecentAt+paws24Days
}

// pawsCheck discards a segment that fails PAWS in a synchronized state (RFC 7323 §5.3;
// Linux tcp_validate_incoming, tcp_paws_discard, counter PAWSEstab): it is answered
// by a duplicate ACK unless it is a RST (a RST is accepted even if it fails PAWS).
// In TIME_WAIT (tcp_timewait_state_process, PAWSTimewait) it also restarts the timer.
// It reports whether the segment was consumed.
func (s *sim) pawsCheck(side Side, seg *Segment) bool {
	e := &s.ep[side]
	if e.State == TimeWait {
		if !s.pawsFails(e, seg, 0) {
			return false
		}
		if seg.Flags.Has(RST) {
			// tcp_paws_reject: a RST is let through once TS.Recent is older than
			// TCP_PAWS_MSL (60 s); before that it is dropped silently.
			if s.now >= e.TSRecentAt+pawsMSL {
				return false
			}
			s.explain(Note{Rule: RulePAWSTimeWait})
			return true
		}
		s.armTimer(side, TimerTimeWait, s.prof.TimeWait)
		if s.invalidAck(side, seg, WhyPAWSAck) {
			s.explain(Note{Rule: RulePAWSTimeWait})
		}
		return true
	}
	// TCP_PAWS_WINDOW = 1 outside TIME_WAIT.
	if seg.Flags.Has(RST) || !s.pawsFails(e, seg, 1) {
		return false
	}
	if seg.Flags.Has(SYN) {
		return false // Linux: syn_challenge, as RFC 5961 §4 below
	}
	if s.prof.DisorderedAck && seg.Flags.Has(ACK) && seg.SeqSpace() == 0 {
		// tcp_disordered_ack_check (step 4, a window update, never applies here:
		// the model's windows do not move).
		switch {
		case seqLT(seg.Seq, e.RcvNxt):
			s.explain(Note{Rule: RulePAWSOldAck})
			return true
		case seg.Seq == e.RcvNxt && seg.Ack == e.SndUna &&
			int64(int32(e.TSRecent-seg.TSval)) <= int64(e.RTO)*1200/int64(time.Second):
			return false
		}
	}
	if s.invalidAck(side, seg, WhyPAWSAck) {
		s.explain(Note{Rule: RulePAWSReject, N: int(e.TSRecent - seg.TSval)})
	}
	return true
}

// updateTSRecent keeps the peer's newest timestamp (RFC 7323 §4.3: when SEG.TSval ≥
// TS.Recent and SEG.SEQ ≤ Last.ACK.sent; Linux tcp_replace_ts_recent).
func (s *sim) updateTSRecent(side Side, seg *Segment) {
	e := &s.ep[side]
	if !e.TSOK || !seg.HasTS || seqGT(seg.Seq, e.LastAckSent) {
		return
	}
	if !e.TSRecentSet || int32(seg.TSval-e.TSRecent) >= 0 || s.now >= e.TSRecentAt+paws24Days {
		e.TSRecent, e.TSRecentAt, e.TSRecentSet = seg.TSval, s.now, true
	}
}

// holdOutOfOrder queues a segment that starts beyond RCV.NXT (RFC 9293 §3.10.7.4:
// "segments with higher beginning sequence numbers SHOULD be held for later
// processing"; Linux tcp_data_queue_ofo) and answers at once with a duplicate ACK
// (RFC 5681 §4.2 SHOULD; Linux __tcp_ack_snd_check with a non-empty ofo queue). Both
// profiles do this: RFC 9293 asks for it too.
func (s *sim) holdOutOfOrder(side Side, seg *Segment) {
	e := &s.ep[side]
	h := Held{Seq: seg.Seq, Len: uint32(seg.Len), FIN: seg.Flags.Has(FIN)}
	dup := false
	for i := range e.NOOO {
		if e.OOO[i] == h {
			dup = true
		}
	}
	switch {
	case dup:
		s.explain(Note{Rule: RuleOOOQueued, N: e.NOOO})
	case e.NOOO >= oooCap:
		s.explain(Note{Rule: RuleOOOFull, N: oooCap})
	default:
		e.OOO[e.NOOO] = h
		e.NOOO++
		s.explain(Note{Rule: RuleOOOQueued, N: e.NOOO})
		s.sackReceived(side, seg.Seq, seg.Seq+seg.SeqSpace())
	}
	s.sendAck(side, Note{Rule: WhyDupAckAhead})
}

// drainOutOfOrder moves the held segments that RCV.NXT has reached into the receive
// buffer (Linux tcp_ofo_queue). It reports whether any was taken and whether a held
// FIN is now in order.
func (s *sim) drainOutOfOrder(side Side) (took, fin bool) {
	e := &s.ep[side]
	for again := true; again; {
		again = false
		for i := 0; i < e.NOOO; i++ {
			h := e.OOO[i]
			if seqGT(h.Seq, e.RcvNxt) {
				continue
			}
			end := h.Seq + h.Len
			if seqGT(end, e.RcvNxt) {
				n := end - e.RcvNxt
				e.RcvNxt += n
				e.RcvBuf += int(n)
			}
			if h.FIN && end == e.RcvNxt {
				fin = true
			}
			copy(e.OOO[i:], e.OOO[i+1:e.NOOO])
			e.NOOO--
			e.OOO[e.NOOO] = Held{}
			took, again = true, true
			break
		}
	}
	return took, fin
}

// afterGapFilled finishes a delivery that filled the hole before held segments: the
// held FIN is processed (RFC 9293 §3.10.7.4 step 8), and the ACK goes out at once
// (RFC 5681 §4.2: an immediate ACK when a gap is filled; Linux ICSK_ACK_NOW).
func (s *sim) afterGapFilled(side Side, fin bool) {
	e := &s.ep[side]
	s.explain(Note{Rule: RuleOOOFilled})
	if fin {
		s.finArrives(side)
	}
	if e.AckOwed || !fin {
		s.sackPrune(side)
		s.sendAck(side, Note{Rule: WhyAckGapFilled})
	}
}

// connectTakesOver is Linux tcp_twsk_unique: may a connect() on this side take over
// its TIME_WAIT socket of the same 4-tuple? Only if the TIME_WAIT holds a timestamp
// (then PAWS protects the new connection); from a bound port always, from an
// automatic port only with tcp_tw_reuse (2: on loopback only) and tcp_tw_reuse_delay
// after that timestamp arrived. autoReason says why an automatic port may not.
func (s *sim) connectTakesOver(side Side, auto bool) (ok bool, autoReason Rule) {
	e := &s.ep[side]
	p := &s.prof
	if e.State != TimeWait || !e.TSOK || !e.TSRecentSet {
		return false, RuleConnectOtherPort
	}
	if !auto {
		// __inet_hash_connect: a bound port calls check_established with twp ==
		// NULL, and tcp_twsk_unique's "!twp ||" skips tcp_tw_reuse and the delay.
		return true, RuleNone
	}
	reuse := p.TWReuse
	if reuse == 2 && !p.Loopback {
		reuse = 0
	}
	if reuse == 0 {
		return false, RuleConnectOtherPort
	}
	if s.now <= e.TSRecentAt+p.TWReuseDelay {
		return false, RuleConnectOtherPortDelay
	}
	return true, RuleNone
}

// QuickRetry is how soon SYN_SENT resends its SYN after answering a stray ACK with a
// RST (Profile.SynSentQuickRetry: TCP_TIMEOUT_MIN), or 0 when it waits for the RTO.
func (p *Profile) QuickRetry() time.Duration {
	if !p.SynSentQuickRetry {
		return 0
	}
	return p.timeoutMin()
}

// synAgain answers a retransmitted SYN that reaches a passive open in SYN_RECEIVED:
// the peer has not had the SYN|ACK, so it goes again at once and the SYN|ACK timer
// restarts with its current timeout (Linux tcp_check_req: inet_rtx_syn_ack,
// mod_timer_pending with reqsk_timeout). The copy does not count toward
// tcp_synack_retries (num_retrans, not num_timeout). It reports whether seg was one.
func (s *sim) synAgain(side Side, seg *Segment) bool {
	e := &s.ep[side]
	p := &s.prof
	if !p.SynAckOnSyn || e.State != SynReceived || !e.Listening || seg.Flags != SYN || seg.Seq != e.IRS {
		return false
	}
	if p.InvalidRateLimit > 0 && s.sentOOWAck[side] && s.now-s.lastOOWAck[side] < p.InvalidRateLimit {
		s.explain(Note{Rule: RuleInvalidRateLimited, D: p.InvalidRateLimit})
		return true
	}
	s.sentOOWAck[side], s.lastOOWAck[side] = true, s.now
	s.explain(Note{Rule: RuleSynAgain})
	e.Resent++
	s.rttTiming[side] = false
	s.armTimer(side, TimerRetransmit, e.RTO)
	s.nextCause = CauseSynAgain
	s.sendSegment(side, SYN|ACK, e.ISS, e.RcvNxt, 0, e.Resent, Note{Rule: WhySYNACK})
	return true
}
