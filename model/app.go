package model

import (
	"fmt"
	"time"
)

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
			Note: "SO_LINGER with a zero timeout: close() will abort the connection with a RST instead of a FIN (RFC 9293 §3.10.5 ABORT)."})
	case CallConnect:
		s.appConnect(side, st.ISN)
	case CallRead:
		a.reading = true
		if e := &s.ep[side]; e.RcvBuf == 0 && !e.FinRcvd {
			s.appEvent(side, "read", "The app calls read() and waits for data.")
		}
		s.deliver(side)
	}
}

func (s *sim) appEvent(side Side, call, note string) {
	s.record(Event{Kind: EvApp, Side: side, Call: call, Note: note})
}

// appClose is close(2) (RFC 9293 §3.10.4 CLOSE; Linux tcp_close).
func (s *sim) appClose(side Side) {
	e := &s.ep[side]
	p := &s.prof
	switch e.State {
	case Closed:
		s.appEvent(side, "close", "The socket was already gone (reset or timed out): close() only frees the descriptor.")
		return
	case Closing, LastAck, TimeWait:
		if p.HalfDuplexClose {
			e.Orphan, e.RcvShut = true, true
			s.appEvent(side, "close", fmt.Sprintf("close() releases the descriptor; the kernel finishes %s on its own.", e.State))
			return
		}
		s.appEvent(side, "close -> error connection closing", "RFC 9293 §3.10.4: CLOSE in CLOSING, LAST_ACK or TIME_WAIT answers \"connection closing\".")
		return
	case SynSent:
		s.appEvent(side, "close", "close() before the handshake finished: the TCB is deleted (RFC 9293 §3.10.4).")
		s.setState(side, Closed, "No connection yet: nothing to send.")
		return
	}
	if p.HalfDuplexClose && e.RcvBuf > 0 {
		s.appEvent(side, "close", fmt.Sprintf("close() with %d unread bytes in the receive buffer.", e.RcvBuf))
		s.abort(side, fmt.Sprintf("%d bytes were never read, so Linux resets instead of closing (RFC 9293 §3.6.1 SHLD-3, RFC 2525 §2.17; tcp_close, TCPAbortOnClose). No FIN, no TIME_WAIT.", e.RcvBuf))
		return
	}
	if e.Linger0 {
		s.appEvent(side, "close", "close() with SO_LINGER {1, 0}.")
		s.abort(side, "SO_LINGER {1, 0}: close() aborts. Unsent data is discarded and a RST goes out (RFC 9293 §3.10.5 ABORT; Linux tcp_disconnect).")
		return
	}
	e.Orphan = p.HalfDuplexClose
	e.RcvShut = p.HalfDuplexClose
	switch e.State {
	case FinWait1, FinWait2:
		s.appEvent(side, "close", "close() after shutdown(): the FIN is already sent; the app lets go of the socket.")
		if e.State == FinWait2 && e.Orphan && p.FinWait2Timer {
			s.armFinWait2(side)
		}
		return
	}
	note := "The app has nothing more to send and calls close(). A FIN goes out and the socket waits in FIN_WAIT_1 for its ACK (RFC 9293 §3.10.4)."
	if e.State == CloseWait {
		note = "The app has finished and calls close(): its own FIN goes out and it waits in LAST_ACK for the ACK of that FIN (RFC 9293 §3.10.4)."
	}
	s.appEvent(side, "close", note)
	e.FinQueued = true
	s.output(side)
}

// appShutdown is shutdown(SHUT_WR): a half-close that keeps the read side open.
func (s *sim) appShutdown(side Side) {
	e := &s.ep[side]
	if e.State != Established && e.State != CloseWait && e.State != SynReceived {
		s.appEvent(side, "shutdown SHUT_WR -> error ENOTCONN", "shutdown() on a socket that is not connected.")
		return
	}
	s.appEvent(side, "shutdown SHUT_WR", "shutdown(SHUT_WR): \"I will send no more\", but the app keeps reading. A FIN goes out; data can still flow the other way (RFC 9293 §3.6.1, half-close).")
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
		s.appEvent(side, call+" -> error "+err.Names()[0], "The connection was reset: the first call after the RST reports it (Linux sk_err; RFC 9293 §3.10.7.4 \"connection reset\").")
		return
	}
	if e.State == Closed || e.FinQueued || e.FinSent || !e.State.Synchronized() && e.State != SynReceived {
		e.Told |= ToldPipe
		s.appEvent(side, call+" -> error EPIPE", "Writing after the connection was closed or reset fails with EPIPE (and SIGPIPE).")
		return
	}
	s.appEvent(side, fmt.Sprintf("%s -> %d", call, n), fmt.Sprintf("The app writes %d bytes.", n))
	e.SndBuf += n
	s.output(side)
}

// appConnect opens a new incarnation of the connection on the same 4-tuple.
func (s *sim) appConnect(side Side, isnDelta int64) {
	e := &s.ep[side]
	if e.State != Closed {
		e.Told |= ToldAddrInUse
		s.appEvent(side, "connect -> error EADDRNOTAVAIL", fmt.Sprintf("The 4-tuple is still held by a socket in %s, so a new connection on it cannot start (RFC 9293 OPEN: \"connection already exists\"; Linux connect() skips the port: EADDRNOTAVAIL). The reason a busy client runs out of ports (RFC 9293 §3.6.1 MUST-13).", e.State))
		return
	}
	iss := e.SndNxt + uint32(isnDelta)
	s.newIncarnation(side, iss)
	s.appEvent(side, "connect", fmt.Sprintf("connect() opens a new connection on the same 4-tuple with ISN %d (%+d from the old SND.NXT).", iss, isnDelta))
	s.setState(side, SynSent, "A SYN goes out; the socket waits in SYN_SENT for a SYN|ACK (RFC 9293 §3.10.1).")
	e.SndNxt = e.ISS + 1
	s.timeSegment(side, e.ISS)
	s.startRTO(side)
	s.sendSegment(side, SYN, e.ISS, 0, 0, 0, "SYN")
}

// newIncarnation resets a TCB for a fresh connection on the same 4-tuple.
func (s *sim) newIncarnation(side Side, iss uint32) {
	e := &s.ep[side]
	*e = Endpoint{
		Side: side, State: e.State, ISS: iss, IRS: e.IRS,
		SndUna: iss, SndNxt: iss, RcvWnd: 65535, Listening: e.Listening,
		RTO: s.prof.RTOInitial,
	}
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
		s.appEvent(side, fmt.Sprintf("read -> n=%d", n), fmt.Sprintf("The app reads the %d bytes that arrived.", n))
	}
	if e.FinRcvd && e.Told&ToldEOF == 0 {
		e.Told |= ToldEOF
		s.appEvent(side, "read -> EOF", "read() returns 0: end of file. The peer will send no more, but this side may still write (RFC 9293 §3.6, case 2).")
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
		s.appEvent(side, "read -> error ECONNRESET", "The app, blocked in read(), is told the connection was reset.")
	case prev == CloseWait:
		a.pending = ToldPipe // Linux tcp_reset: EPIPE in CLOSE_WAIT
	case prev == SynSent:
		e.Told |= ToldRefused
		s.appEvent(side, "connect -> error ECONNREFUSED", "The SYN was answered with a RST: connection refused.")
	default:
		a.pending = ToldReset
	}
}

// durText prints a duration for narration ("200ms", "60s").
func durText(d time.Duration) string { return d.String() }
