package model

import "time"

// TimerKind names one of an endpoint's timers.
type TimerKind uint8

// The timers an endpoint can arm (RFC 9293 §3.8, §3.10.8; Linux tcp_timer.c).
const (
	// TimerRetransmit is the retransmission timer (RTO, RFC 6298), with backoff.
	TimerRetransmit TimerKind = iota
	// TimerDelayedAck is the delayed-ACK timer (RFC 9293 §3.8.6.3; Linux TCP_DELACK_MIN).
	TimerDelayedAck
	// TimerFinWait2 is Linux's orphaned FIN_WAIT_2 timer (tcp_fin_timeout).
	TimerFinWait2
	// TimerTimeWait is the 2MSL timer of TIME_WAIT.
	TimerTimeWait
	// TimerKeepalive is SO_KEEPALIVE's idle and probe timer (RFC 9293 §3.8.4; Linux
	// tcp_keepalive_timer).
	TimerKeepalive
	// NumTimers counts the kinds.
	NumTimers
)

var timerNames = [NumTimers]string{"retransmit", "delayed-ack", "fin-wait-2", "time-wait", "keepalive"}

// String returns the trace name of the timer ("retransmit", "time-wait", ...).
func (k TimerKind) String() string {
	if k < NumTimers {
		return timerNames[k]
	}
	return "none"
}

// Timer is one armed (or idle) timer.
type Timer struct {
	Armed    bool
	Deadline time.Duration // when it fires
	Length   time.Duration // how long it was armed for (for drawing a bar)
}

// Remaining is the time left at t (0 when idle or past due).
func (t Timer) Remaining(now time.Duration) time.Duration {
	if !t.Armed || now >= t.Deadline {
		return 0
	}
	return t.Deadline - now
}

// Told is what an application has been told by its socket, as a set.
type Told uint8

// What an application can be told.
const (
	ToldEOF       Told = 1 << iota // read() returned 0: the peer sent FIN
	ToldReset                      // ECONNRESET
	ToldPipe                       // EPIPE on write
	ToldTimedOut                   // ETIMEDOUT: retransmissions gave up
	ToldAddrInUse                  // EADDRNOTAVAIL: the 4-tuple is held by TIME_WAIT
	ToldRefused                    // ECONNREFUSED
)

var toldNames = [...]string{"EOF", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EADDRNOTAVAIL", "ECONNREFUSED"}

// Names lists what was told, in a fixed order.
func (t Told) Names() []string {
	var out []string
	for i, n := range toldNames {
		if t&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// Endpoint is one side's TCB and socket as seen at one instant. It is a plain value (no
// pointers), so a snapshot is a copy.
type Endpoint struct {
	Side  Side
	State State

	// RFC 9293 §3.3.1 send and receive sequence variables.
	ISS, IRS       uint32
	SndUna, SndNxt uint32
	RcvNxt         uint32
	RcvWnd         uint32

	SndBuf int // bytes written by the app and not yet sent
	RcvBuf int // bytes received and not yet read by the app
	Read   int // bytes the app has read in all

	// Close bookkeeping.
	FinQueued bool   // the app closed or shut down: a FIN goes out once SndBuf is empty
	FinSent   bool   // our FIN has been sent; it occupies FinSeq
	FinSeq    uint32 // the sequence number of our FIN
	FinRcvd   bool   // the peer's FIN was received and consumed
	Orphan    bool   // the app called close(): no process holds the socket
	RcvShut   bool   // the app can no longer read (close(), not shutdown(SHUT_WR))
	Linger0   bool   // SO_LINGER {1, 0} is set
	// Linger is SO_LINGER's time when it is set and not 0 (SO_LINGER {1, Linger});
	// Lingering is set while close() blocks in it, until LingerUntil at the latest
	// (linger.go).
	Linger      time.Duration
	Lingering   bool
	LingerUntil time.Duration
	Listening   bool // a listening socket exists on this host (the server)

	// Retransmission (RFC 6298): the current RTO, its estimator and the backoff count.
	RTO     time.Duration
	SRTT    time.Duration
	RTTVar  time.Duration
	Backoff int // retransmissions of the segment at the head of the queue (RTO backoffs)
	// Resent counts copies of outstanding data resent since the last new ACK, tail
	// loss probe included (Backoff does not count the probe).
	Resent int
	// ProbeArmed: the retransmission timer runs as a tail loss probe timeout;
	// ProbeSent: this flight has had its probe.
	ProbeArmed, ProbeSent bool
	// ReoArmed: the retransmission timer runs as RACK's reordering timer (Linux
	// ICSK_TIME_REO_TIMEOUT shares icsk_retransmit_timer; sack.go).
	ReoArmed bool
	// ProbeHigh is SND.NXT when the probe was sent (Linux tlp_high_seq).
	ProbeHigh uint32

	// Delayed ACK: an ACK is owed and waiting on TimerDelayedAck.
	AckOwed bool
	// Pingpong is Linux's interactive mode, in which ACKs are delayed: entered by a
	// side that answered data within the ACK timeout (the server of the exchange
	// before time zero), and by any side that receives a FIN (tcp_fin). Otherwise
	// ACKs go out at once (quick-ACK mode).
	Pingpong bool

	Timers [NumTimers]Timer

	// KeepaliveProbes counts keepalive probes sent and not answered.
	KeepaliveProbes int

	// KernelState is what the timestamp and out-of-order rules keep (kernel.go).
	KernelState
	// SackOK: both SYNs carried SACK-permitted (RFC 2018 §2; Linux
	// tp->rx_opt.sack_ok). What SACK and RACK keep is in the engine (sack.go).
	SackOK bool

	Told Told // what the app has been told so far
}

// SndQueue is the number of sequence numbers sent and not yet acknowledged.
func (e *Endpoint) SndQueue() uint32 { return e.SndNxt - e.SndUna }

// Exists reports whether the endpoint has a TCB (any state but CLOSED).
func (e *Endpoint) Exists() bool { return e.State != Closed }

// FinAcked reports whether our FIN has been sent and acknowledged.
func (e *Endpoint) FinAcked() bool { return e.FinSent && seqGT(e.SndUna, e.FinSeq) }

// NextTimer is the armed timer that fires first, with its kind; ok is false when none is
// armed. This is the timer `ss -o` would show and the trace's timer line reports.
func (e *Endpoint) NextTimer() (TimerKind, Timer, bool) {
	best := NumTimers
	for k := TimerKind(0); k < NumTimers; k++ {
		t := e.Timers[k]
		if t.Armed && (best == NumTimers || t.Deadline < e.Timers[best].Deadline) {
			best = k
		}
	}
	if best == NumTimers {
		return NumTimers, Timer{}, false
	}
	return best, e.Timers[best], true
}
