package model

import "fmt"

// armApps queues each app's next step once its trigger holds.
func (s *sim) armApps() {
	for side := A; side <= B; side++ {
		a := &s.apps[side]
		steps := s.sc.Apps[side].Steps
		if a.scheduled || a.next >= len(steps) {
			continue
		}
		st := steps[a.next]
		if !s.triggered(side, st.On) {
			continue
		}
		at := s.now + st.After
		switch {
		case st.HasAt:
			at = max(st.At, s.now)
		case st.On == OnPrevious && a.next > 0:
			at = max(a.lastRun+st.After, s.now)
		case st.On == OnPrevious:
			at = st.After
		}
		a.scheduled = true
		s.push(item{at: at, kind: itemApp, side: side, step: a.next})
	}
}

func (s *sim) triggered(side Side, t Trigger) bool {
	e := &s.ep[side]
	switch t {
	case OnEOF:
		return e.Told&ToldEOF != 0
	case OnReset:
		return e.Told&(ToldReset|ToldPipe) != 0 || s.apps[side].pending != 0
	case OnEstablished:
		return e.State == Established || e.State == CloseWait
	case OnClosed:
		return e.State == Closed
	}
	return true
}

// runStep makes one scripted app call.
func (s *sim) runStep(side Side, idx int) {
	a := &s.apps[side]
	a.scheduled = false
	a.next = idx + 1
	a.lastRun = s.now
	st := s.sc.Apps[side].Steps[idx]
	switch st.Call {
	case CallClose:
		s.appClose(side)
	case CallShutdown:
		s.appShutdown(side)
	case CallWrite:
		s.appWrite(side, st.N)
	case CallLinger0:
		s.ep[side].Linger0 = true
		s.record(Event{Kind: EvApp, Side: side, Call: "setsockopt SO_LINGER {l_onoff=1, l_linger=0}",
			Note: Note{Rule: RuleLinger0Set}})
	case CallLinger:
		s.lingerSet(side, st.Linger)
	case CallConnect:
		s.appConnect(side, st)
	case CallRead:
		a.reading = true
		if e := &s.ep[side]; e.RcvBuf == 0 && !e.FinRcvd {
			s.appEvent(side, "read", Note{Rule: RuleReadWait})
		}
		s.deliver(side)
	}
}

func (s *sim) appEvent(side Side, call string, note Note) {
	s.record(Event{Kind: EvApp, Side: side, Call: call, Note: note})
}

// appClose is close(2) (RFC 9293 §3.10.4 CLOSE; Linux tcp_close).
func (s *sim) appClose(side Side) {
	e := &s.ep[side]
	p := &s.prof
	switch e.State {
	case Closed:
		s.appEvent(side, "close", Note{Rule: RuleCloseGone})
		return
	case Closing, LastAck, TimeWait:
		if p.HalfDuplexClose {
			e.Orphan, e.RcvShut = true, true
			s.appEvent(side, "close", Note{Rule: RuleCloseOrphan, State: e.State})
			return
		}
		s.appEvent(side, "close -> error connection closing", Note{Rule: RuleCloseClosing, State: e.State})
		return
	case SynSent:
		s.appEvent(side, "close", Note{Rule: RuleCloseBeforeHandshake})
		s.setState(side, Closed, Note{Rule: RuleNoConnection})
		return
	}
	if p.HalfDuplexClose && e.RcvBuf > 0 {
		s.appEvent(side, "close", Note{Rule: RuleCloseUnread, N: e.RcvBuf})
		s.abort(side, Note{Rule: RuleAbortUnread, N: e.RcvBuf})
		return
	}
	if e.Linger0 {
		s.appEvent(side, "close", Note{Rule: RuleCloseLinger0})
		s.abort(side, Note{Rule: RuleAbortLinger0})
		return
	}
	if e.Linger > 0 && s.lingerClose(side) {
		return
	}
	e.Orphan = p.HalfDuplexClose
	e.RcvShut = p.HalfDuplexClose
	switch e.State {
	case FinWait1, FinWait2:
		s.appEvent(side, "close", Note{Rule: RuleCloseAfterShutdown})
		if e.State == FinWait2 && e.Orphan && p.FinWait2Timer {
			s.armFinWait2(side)
		}
		return
	}
	note := Note{Rule: RuleCloseActive}
	if e.State == CloseWait {
		note.Rule = RuleClosePassive
	}
	s.appEvent(side, "close", note)
	e.FinQueued = true
	s.output(side)
}

// appShutdown is shutdown(SHUT_WR): a half-close that keeps the read side open.
func (s *sim) appShutdown(side Side) {
	e := &s.ep[side]
	if e.State != Established && e.State != CloseWait && e.State != SynReceived {
		s.appEvent(side, "shutdown SHUT_WR -> error ENOTCONN", Note{Rule: RuleShutdownNotConnected})
		return
	}
	s.appEvent(side, "shutdown SHUT_WR", Note{Rule: RuleShutdown})
	e.FinQueued = true
	s.output(side)
}

// appWrite is write(2) of n bytes.
func (s *sim) appWrite(side Side, n int) {
	e := &s.ep[side]
	a := &s.apps[side]
	call := fmt.Sprintf("write n=%d", n)
	if a.pending != 0 {
		err := a.pending
		a.pending = 0
		e.Told |= err
		s.appEvent(side, call+" -> error "+err.Names()[0], Note{Rule: RuleWriteAfterReset})
		return
	}
	if e.State == Closed || e.FinQueued || e.FinSent || !e.State.Synchronized() && e.State != SynReceived {
		e.Told |= ToldPipe
		s.appEvent(side, call+" -> error EPIPE", Note{Rule: RuleWriteEPIPE})
		return
	}
	s.appEvent(side, fmt.Sprintf("%s -> %d", call, n), Note{Rule: RuleWrite, N: n})
	e.SndBuf += n
	s.output(side)
}

// appConnect opens a new incarnation of the connection on the same 4-tuple: from the
// port the app bound (the old connection's), or from a port the kernel picks
// (Step.AutoPort; Linux __inet_hash_connect, which skips a port whose TIME_WAIT it may
// not take over).
func (s *sim) appConnect(side Side, st Step) {
	e := &s.ep[side]
	switch {
	case e.State == Closed:
		// A free 4-tuple: the ISN comes from the clock-driven generator (RFC 9293
		// §3.4.1; Linux secure_tcp_seq), unless the scenario forces one.
		iss, note := s.isnNow(side), Note{Rule: RuleConnectClock}
		if st.HasISN {
			iss, note = e.SndNxt+uint32(st.ISN), Note{Rule: RuleConnect, N: int(st.ISN)}
		}
		note.Seq = iss
		s.appEvent(side, "connect", note)
		s.newIncarnation(side, iss)
		s.openActive(side)
		return
	case e.State == TimeWait:
		ok, why := s.connectTakesOver(side, st.AutoPort)
		if ok {
			// tcp_twsk_unique: write_seq = tw_snd_nxt + 65535 + 2, and the new
			// connection inherits TS.Recent, so PAWS guards it from the start.
			iss := e.SndNxt + 65535 + 2
			tsRecent, tsAt := e.TSRecent, e.TSRecentAt
			n := 0
			if st.AutoPort {
				n = 1
			}
			s.appEvent(side, "connect", Note{Rule: RuleConnectTakeover, Seq: iss, N: n})
			s.setState(side, Closed, Note{Rule: RuleTimeWaitRecycled})
			s.newIncarnation(side, iss)
			e.TSRecent, e.TSRecentAt, e.TSRecentSet = tsRecent, tsAt, e.TSOK
			s.openActive(side)
			return
		}
		if st.AutoPort {
			s.appEvent(side, "connect -> ok, another port", Note{Rule: why, D: s.prof.TWReuseDelay, State: e.State})
			return
		}
	case st.AutoPort:
		s.appEvent(side, "connect -> ok, another port", Note{Rule: RuleConnectOtherPort, State: e.State})
		return
	}
	e.Told |= ToldAddrInUse
	s.appEvent(side, "connect -> error EADDRNOTAVAIL", Note{Rule: RuleConnectInUse, State: e.State})
}

// openActive starts the active open of a new incarnation: SYN_SENT and the SYN (RFC
// 9293 §3.10.1).
func (s *sim) openActive(side Side) {
	e := &s.ep[side]
	s.setState(side, SynSent, Note{Rule: RuleSynSentState})
	e.SndNxt = e.ISS + 1
	s.timeSegment(side, e.ISS)
	s.startRTO(side)
	s.sendSegment(side, SYN, e.ISS, 0, 0, 0, Note{Rule: WhySYN})
}

// newIncarnation resets a TCB for a fresh connection on the same 4-tuple.
func (s *sim) newIncarnation(side Side, iss uint32) {
	e := &s.ep[side]
	*e = Endpoint{
		Side: side, State: e.State, ISS: iss, IRS: e.IRS,
		SndUna: iss, SndNxt: iss, RcvWnd: 65535, Listening: e.Listening,
		RTO: s.prof.RTOInitial,
	}
	// An active open offers timestamps when the profile has them (RFC 7323 §3.2);
	// a passive one takes them if the SYN offered them (openFromSyn).
	e.TSOK = s.prof.Timestamps
	e.SackOK = s.prof.SACK
	s.sk[side] = SackState{}
	s.apps[side].pending = 0
}

// deliver hands received bytes and EOF to a reading app.
func (s *sim) deliver(side Side) {
	e := &s.ep[side]
	if !s.apps[side].reading || e.RcvShut || e.Orphan {
		return
	}
	if e.RcvBuf > 0 {
		n := e.RcvBuf
		e.RcvBuf = 0
		e.Read += n
		s.appEvent(side, fmt.Sprintf("read -> n=%d", n), Note{Rule: RuleReadData, N: n})
	}
	if e.FinRcvd && e.Told&ToldEOF == 0 {
		e.Told |= ToldEOF
		s.appEvent(side, "read -> EOF", Note{Rule: RuleReadEOF})
	}
}

// tellReset tells an app its connection was reset (RFC 9293 §3.10.7.4 step 2).
func (s *sim) tellReset(side Side, prev State) {
	e := &s.ep[side]
	a := &s.apps[side]
	if e.Orphan {
		return
	}
	reading := s.apps[side].reading && e.Told&ToldEOF == 0 && prev != SynSent
	switch {
	case reading:
		e.Told |= ToldReset
		s.appEvent(side, "read -> error ECONNRESET", Note{Rule: RuleReadReset})
	case prev == CloseWait:
		a.pending = ToldPipe // Linux tcp_reset: EPIPE in CLOSE_WAIT
	case prev == SynSent:
		e.Told |= ToldRefused
		s.appEvent(side, "connect -> error ECONNREFUSED", Note{Rule: RuleConnectRefused})
	default:
		a.pending = ToldReset
	}
}
