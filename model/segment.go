package model

import (
	"fmt"
	"time"
)

// Segment is one TCP segment as it crossed (or failed to cross) the link. Segments are
// immutable once sent: a fork shares the segments sent before the fork point.
type Segment struct {
	ID    int   // index in Timeline.Segments
	From  Side  // the sender
	Flags Flags // control bits
	Seq   uint32
	Ack   uint32 // meaningful only when Flags has ACK
	Len   int    // payload bytes; SYN and FIN take a sequence number but no length

	// SeqBase and AckBase are the ISNs that make Seq and Ack relative: the sender's
	// ISS and the sender's idea of the peer's ISS when it sent the segment.
	SeqBase, AckBase uint32

	Retrans int  // 0 for an original; n for the nth retransmission of this data
	Dup     bool // a copy made by the link (an old duplicate when delayed)
	// CopyOf is, for a copy made by the link, the ID of the segment it copies.
	CopyOf int
	// Piggyback: this segment carries an ACK that was being delayed (Linux's FIN|ACK
	// of the three-segment close).
	Piggyback bool
	// Cause says why a segment of a notable kind was sent (CauseNone for the rest).
	Cause Cause

	SentAt   time.Duration
	ArriveAt time.Duration // when it reaches the peer, or when it was lost
	Lost     bool          // dropped on the link; ArriveAt is then where it vanished
	// Transit is how long the segment takes to cross the link, or would have taken
	// had it not been lost.
	Transit time.Duration

	// Stamps is its Timestamps option, if any (RFC 7323).
	Stamps
	// SACK is its SACK-permitted or SACK option, if any (RFC 2018; sack.go).
	SACK Sack

	// Why is the rule that sent it (WhyFIN, WhyAckFinLast, …); for a send event it is
	// the event's note too.
	Why Note
}

// Cause names why some segments were sent, for those who explain them.
type Cause uint8

// Causes of notable segments.
const (
	CauseNone           Cause = iota
	CauseDelayedAck           // a bare ACK sent when the delayed-ACK timer fired
	CauseAbort                // the RST of an abort (close with unread data, SO_LINGER 0, keepalive)
	CauseDataAfterClose       // the RST for data that arrived after close()
	CauseNoTCB                // a RST from a host with no connection for the segment
	CauseKeepalive            // a keepalive probe
	CauseProbe                // a tail loss probe (RFC 8985 §7)
	CauseSynAgain             // a SYN|ACK sent again for a retransmitted SYN (Linux tcp_check_req)
	CauseRACK                 // a segment RACK declared lost, resent (RFC 8985 §6.2; sack.go)
)

// RelSeq is Seq relative to the sender's ISN.
func (s *Segment) RelSeq() uint32 { return s.Seq - s.SeqBase }

// RelAck is Ack relative to the receiver's ISN.
func (s *Segment) RelAck() uint32 { return s.Ack - s.AckBase }

// LabelAbsolute is Label with absolute sequence numbers: "FIN|ACK seq=100 ack=300 len=0".
func (s *Segment) LabelAbsolute() string {
	ack := "-"
	if s.Flags.Has(ACK) {
		ack = fmt.Sprint(s.Ack)
	}
	return fmt.Sprintf("%s seq=%d ack=%s len=%d", s.Flags, s.Seq, ack, s.Len)
}

// SeqSpace is the sequence space the segment occupies: its length plus one for SYN and
// one for FIN.
func (s *Segment) SeqSpace() uint32 {
	n := uint32(s.Len)
	if s.Flags.Has(SYN) {
		n++
	}
	if s.Flags.Has(FIN) {
		n++
	}
	return n
}

// Label is the segment as the trace prints it: "FIN|ACK seq=11 ack=11 len=0".
func (s *Segment) Label() string {
	ack := "-"
	if s.Flags.Has(ACK) {
		ack = fmt.Sprint(s.RelAck())
	}
	return fmt.Sprintf("%s seq=%d ack=%s len=%d", s.Flags, s.RelSeq(), ack, s.Len)
}

// InFlight reports whether the segment is on the link at virtual time t.
func (s *Segment) InFlight(t time.Duration) bool { return s.SentAt <= t && t < s.ArriveAt }
