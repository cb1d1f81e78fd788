package model

// keepaliveIdle (re)starts the keepalive idle timer after a segment from the peer, when
// the app turned SO_KEEPALIVE on and the state is one where Linux probes (any but
// CLOSED, LISTEN, SYN_SENT, and the TIME_WAIT and orphaned FIN_WAIT_2 minisockets).
func (s *sim) keepaliveIdle(side Side) {
	ka := s.sc.Apps[side].Keepalive
	e := &s.ep[side]
	if ka == nil {
		return
	}
	e.KeepaliveProbes = 0
	switch e.State {
	case Established, CloseWait, FinWait1, Closing, LastAck:
	case FinWait2:
		if e.Orphan && s.prof.FinWait2Timer {
			s.stopTimer(side, TimerKeepalive)
			return
		}
	default:
		s.stopTimer(side, TimerKeepalive)
		return
	}
	s.armTimer(side, TimerKeepalive, ka.Idle)
}

// keepaliveFire sends a probe, or gives up after the last one went unanswered (RFC 9293
// §3.8.4; Linux tcp_keepalive_timer sends a RST and reports ETIMEDOUT).
func (s *sim) keepaliveFire(side Side) {
	ka := s.sc.Apps[side].Keepalive
	e := &s.ep[side]
	if ka == nil || e.State == Closed || e.State == TimeWait {
		return
	}
	if e.SndNxt != e.SndUna {
		// Data is outstanding: the retransmission timer is in charge (Linux resched).
		s.armTimer(side, TimerKeepalive, ka.Interval)
		return
	}
	if e.KeepaliveProbes >= ka.Probes {
		prev := e.State
		s.abort(side, Note{Rule: RuleKeepaliveDead, N: e.KeepaliveProbes})
		if !e.Orphan || prev == CloseWait {
			e.Told |= ToldTimedOut
			s.apps[side].pending = ToldTimedOut
		}
		return
	}
	e.KeepaliveProbes++
	s.nextCause = CauseKeepalive
	// The probe re-sends the last byte the peer already has: SEG.SEQ = SND.UNA - 1,
	// which any live peer must answer with an ACK (RFC 9293 §3.8.4).
	s.sendSegment(side, ACK, e.SndUna-1, e.RcvNxt, 0, 0, Note{Rule: WhyKeepalive, N: e.KeepaliveProbes})
	s.armTimer(side, TimerKeepalive, ka.Interval)
}
