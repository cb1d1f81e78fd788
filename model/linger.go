package model

import (
	"fmt"
	"time"
)

// SO_LINGER with a time that is not zero, SO_LINGER {1, t}: close() does its usual
// work (a FIN, or a RST for unread data) and then blocks until the close has got
// somewhere, at most t. Linux (inet_release → tcp_close → __tcp_close →
// sk_stream_wait_close) sleeps while the state is FIN_WAIT_1, CLOSING or LAST_ACK,
// that is until our FIN is ACKed (or the connection is gone), and returns 0 whether
// that happened or the time ran out: no RST, no EWOULDBLOCK (BSD's close() returns
// EWOULDBLOCK there), and the close goes on in the background as after any close().
// The socket is orphaned only when close() returns (sock_orphan after the wait), so
// while it blocks, its retransmissions count against tcp_retries2, not
// tcp_orphan_retries, and no FIN_WAIT_2 timer runs. RFC 9293 has no SO_LINGER (it is
// the sockets API's); POSIX close() likewise blocks "for up to the current linger
// interval until all data is transmitted". Both profiles do as Linux does.

// lingerSet is setsockopt(SO_LINGER, {l_onoff=1, l_linger=d}); d = 0 is the abort
// that CallLinger0 makes.
func (s *sim) lingerSet(side Side, d time.Duration) {
	e := &s.ep[side]
	if d == 0 {
		e.Linger0, e.Linger = true, 0
		s.record(Event{Kind: EvApp, Side: side, Call: "setsockopt SO_LINGER {l_onoff=1, l_linger=0}",
			Note: Note{Rule: RuleLinger0Set}})
		return
	}
	e.Linger0, e.Linger = false, d
	s.record(Event{Kind: EvApp, Side: side,
		Call: fmt.Sprintf("setsockopt SO_LINGER {l_onoff=1, l_linger=%s}", FormatDuration(d)),
		Note: Note{Rule: RuleLingerSet, D: d}})
}

// lingerClose is close() with SO_LINGER {1, t} in a state where it sends a FIN (or
// has sent it, after shutdown()): the FIN goes out as usual and the app blocks. It
// reports false when there is nothing to wait for, and close() goes on as without
// SO_LINGER.
func (s *sim) lingerClose(side Side) bool {
	e := &s.ep[side]
	switch e.State {
	case Established, CloseWait, FinWait1:
	default:
		return false
	}
	// __tcp_close: the socket can no longer be read (sk_shutdown = SHUTDOWN_MASK),
	// but it is not an orphan until the wait is over.
	e.RcvShut = s.prof.HalfDuplexClose
	e.Lingering = true
	e.LingerUntil = s.now + e.Linger
	s.appEvent(side, "close", Note{Rule: RuleCloseLinger, D: e.Linger})
	if e.State != FinWait1 {
		e.FinQueued = true
		s.output(side)
	}
	s.push(item{at: e.LingerUntil, kind: itemLinger, side: side})
	return true
}

// lingerCheck wakes a close() that blocks in SO_LINGER once the state has left
// FIN_WAIT_1, CLOSING and LAST_ACK (sk_stream_closing is false): our FIN was ACKed,
// or the connection is gone. It runs after every step of the simulation.
func (s *sim) lingerCheck() {
	for side := A; side <= B; side++ {
		e := &s.ep[side]
		if !e.Lingering {
			continue
		}
		switch e.State {
		case FinWait1, Closing, LastAck:
			continue
		}
		s.lingerReturn(side, Note{Rule: RuleLingerDone, D: e.Linger, State: e.State})
	}
}

// lingerTimeout is the end of SO_LINGER's time: close() returns 0 all the same.
func (s *sim) lingerTimeout(side Side) {
	e := &s.ep[side]
	if !e.Lingering || e.LingerUntil != s.now {
		return
	}
	s.lingerReturn(side, Note{Rule: RuleLingerTimeout, D: e.Linger, State: e.State})
}

// lingerReturn returns from the blocked close(): the app lets go of the socket, which
// becomes an orphan as after a close() without SO_LINGER (__tcp_close after
// sk_stream_wait_close: sock_orphan, then the FIN_WAIT_2 timer if it is there).
func (s *sim) lingerReturn(side Side, note Note) {
	e := &s.ep[side]
	e.Lingering = false
	e.Orphan = s.prof.HalfDuplexClose
	s.appEvent(side, "close -> 0", note)
	if e.State == FinWait2 && e.Orphan && s.prof.FinWait2Timer {
		s.armFinWait2(side)
	}
}
