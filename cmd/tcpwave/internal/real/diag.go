//go:build linux

package real

import (
	"errors"
	"sync"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// Linux's TCP states (include/net/tcp_states.h), as sock_diag reports them, mapped to
// the model's. TCP_CLOSE, TCP_NEW_SYN_RECV and an absent socket are all CLOSED: a
// closed socket is not in the kernel's tables, so sock_diag cannot show it.
var linuxStates = map[uint8]model.State{
	1:  model.Established,
	2:  model.SynSent,
	3:  model.SynReceived,
	4:  model.FinWait1,
	5:  model.FinWait2,
	6:  model.TimeWait,
	7:  model.Closed,
	8:  model.CloseWait,
	9:  model.LastAck,
	10: model.Listen,
	11: model.Closing,
	12: model.SynReceived,
}

// sock_diag's idiag_timer values (net/ipv4/inet_diag.c inet_sk_diag_fill,
// inet_twsk_diag_fill).
const (
	diagTimerNone      = 0
	diagTimerRetrans   = 1
	diagTimerKeepalive = 2
	diagTimerTimeWait  = 3
	diagTimerProbe     = 4
)

// sockState is one look at a connection's socket through sock_diag (the interface ss
// uses).
type sockState struct {
	state   model.State
	timer   uint8
	expires time.Duration
	retrans int
}

// observer reads the connection's socket in both namespaces through sock_diag and
// records every change it sees, with the time it saw it. It is called after every
// segment the link carries and around every application call (so that a state that
// lasts only until the next call or segment is still seen), and by a poller for what
// timers change.
type observer struct {
	diag  [2]*diagSock
	clock *clock

	// side[i] serializes the looks at one side (its netlink handle is not shared);
	// mu guards what they record.
	side [2]sync.Mutex
	mu   sync.Mutex
	last [2]sockState
	seen [2]bool
	obs  []stateObs
	err  error
}

// stateObs is a state or timer change seen on one side.
type stateObs struct {
	at   time.Duration
	side model.Side
	s    sockState
}

// maxStateObs bounds the changes a run records.
const maxStateObs = 20000

// look reads side's socket now and records it if it changed.
//
// The time recorded is when the look began: what it sees was so by then (a TUN write
// runs the receiver's input path before it returns, and a look after a call begins
// after the call returned).
func (o *observer) look(side model.Side) {
	o.side[side].Lock()
	defer o.side[side].Unlock()
	at := o.clock.now()
	s, err := o.read(side)
	o.mu.Lock()
	defer o.mu.Unlock()
	if err != nil {
		if o.err == nil {
			o.err = err
		}
		return
	}
	if o.seen[side] && sameLook(o.last[side], s) {
		return
	}
	o.seen[side], o.last[side] = true, s
	if len(o.obs) < maxStateObs {
		o.obs = append(o.obs, stateObs{at: at, side: side, s: s})
	}
}

// sameLook compares what a trace shows: the state, the kind of timer, and the
// retransmission count (expires only counts down).
func sameLook(a, b sockState) bool {
	return a.state == b.state && a.timer == b.timer && a.retrans == b.retrans
}

// read looks up the connection's socket in side's namespace by its 4-tuple.
func (o *observer) read(side model.Side) (sockState, error) {
	local, remote, lport, rport := addrA, addrB, uint16(portA), uint16(portB)
	if side == model.B {
		local, remote, lport, rport = addrB, addrA, portB, portA
	}
	state, timer, retrans, expires, err := o.diag[side].get(local, remote, lport, rport)
	if errors.Is(err, errNoSocket) {
		return sockState{state: model.Closed}, nil
	}
	if err != nil {
		return sockState{}, err
	}
	st, ok := linuxStates[state]
	if !ok || st == model.Listen {
		// A lookup by 4-tuple falls back on the listener when the connection is gone.
		st = model.Closed
	}
	return sockState{state: st, timer: timer, expires: expires, retrans: int(retrans)}, nil
}

// changes returns what the observer saw, in the order it saw it.
func (o *observer) changes() ([]stateObs, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]stateObs(nil), o.obs...), o.err
}

// current returns the last state seen on side.
func (o *observer) current(side model.Side) model.State {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.last[side].state
}
