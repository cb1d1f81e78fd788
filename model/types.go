package model

import (
	"fmt"
	"strings"
	"time"
)

// Side names an endpoint: A is the client (active opener), B the server.
type Side uint8

const (
	// A is the client, the active opener.
	A Side = iota
	// B is the server, the passive opener.
	B
)

// Peer returns the other side.
func (s Side) Peer() Side { return 1 - s }

// String returns "A" or "B".
func (s Side) String() string {
	if s == A {
		return "A"
	}
	return "B"
}

// Name returns "client" or "server".
func (s Side) Name() string {
	if s == A {
		return "client"
	}
	return "server"
}

// State is a connection state of RFC 9293 §3.3.2, printed with underscores.
//
// CLOSED is fictional (no TCB). The closing states and their successors (RFC 9293
// Figure 5, §3.10.7.4):
//   - ESTABLISHED → FIN_WAIT_1 (close) or CLOSE_WAIT (FIN received)
//   - FIN_WAIT_1 → FIN_WAIT_2 (our FIN ACKed), CLOSING (their FIN), TIME_WAIT (both at once)
//   - FIN_WAIT_2 → TIME_WAIT (their FIN); Linux: CLOSED when the orphan timer fires
//   - CLOSE_WAIT → LAST_ACK (close)
//   - CLOSING → TIME_WAIT (our FIN ACKed)
//   - LAST_ACK → CLOSED (our FIN ACKed)
//   - TIME_WAIT → CLOSED (2MSL expires); terminal but for a new SYN (RFC 6191)
//
// Any synchronized state goes to CLOSED on a valid RST or an abort.
type State uint8

// The states of RFC 9293 §3.3.2.
const (
	Closed State = iota
	Listen
	SynSent
	SynReceived
	Established
	FinWait1
	FinWait2
	CloseWait
	Closing
	LastAck
	TimeWait
	numStates
)

var stateNames = [numStates]string{
	"CLOSED", "LISTEN", "SYN_SENT", "SYN_RECEIVED", "ESTABLISHED", "FIN_WAIT_1",
	"FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT",
}

// String returns the RFC name with underscores, e.g. "FIN_WAIT_1".
func (s State) String() string {
	if s < numStates {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", uint8(s))
}

// ParseState reads a state name as printed by String.
func ParseState(name string) (State, bool) { return parseName[State](stateNames[:], name) }

// Synchronized reports whether the state is one of RFC 9293's synchronized states
// (ESTABLISHED and every state after it).
func (s State) Synchronized() bool { return s >= Established }

// Flags are the TCP control bits of a segment.
type Flags uint8

// Control bits, in the trace's fixed print order SYN FIN RST PSH URG ACK.
const (
	SYN Flags = 1 << iota
	FIN
	RST
	PSH
	URG
	ACK
)

var flagNames = [...]string{"SYN", "FIN", "RST", "PSH", "URG", "ACK"}

// Has reports whether every bit of f2 is set in f.
func (f Flags) Has(f2 Flags) bool { return f&f2 == f2 }

// String joins the set flags with "|" in the order SYN FIN RST PSH URG ACK; "NONE" if none.
func (f Flags) String() string {
	if f == 0 {
		return "NONE"
	}
	var b strings.Builder
	for i, n := range flagNames {
		if f&(1<<i) != 0 {
			if b.Len() > 0 {
				b.WriteByte('|')
			}
			b.WriteString(n)
		}
	}
	return b.String()
}

// ParseFlags reads flags as printed by String ("FIN|ACK", "NONE"); "ANY" is not a flag set.
func ParseFlags(s string) (Flags, error) {
	if s == "NONE" {
		return 0, nil
	}
	var f Flags
	for _, part := range strings.Split(s, "|") {
		found := false
		for i, n := range flagNames {
			if strings.EqualFold(part, n) {
				f |= 1 << i
				found = true
			}
		}
		if !found {
			return 0, inputError(ProblemUnknownFlag, part)
		}
	}
	return f, nil
}

// seqLT and friends compare sequence numbers modulo 2^32 (RFC 9293 §3.4).
func seqLT(a, b uint32) bool  { return int32(a-b) < 0 }
func seqLEQ(a, b uint32) bool { return int32(a-b) <= 0 }
func seqGT(a, b uint32) bool  { return int32(a-b) > 0 }
func seqGEQ(a, b uint32) bool { return int32(a-b) >= 0 }

// FormatMillis prints a virtual time or duration as milliseconds with exactly three
// decimals, the trace's time format.
func FormatMillis(d time.Duration) string {
	us := d.Microseconds()
	sign := ""
	if us < 0 {
		sign, us = "-", -us
	}
	return fmt.Sprintf("%s%d.%03d", sign, us/1000, us%1000)
}
