package model

// This file lets a timeline be built outside the model, from a packet capture: the
// rules of inference that explain it, and the constructor. Like the model's own
// rules, an inference rule names no words: the view's catalogs hold them.

// The rules of inference: why a capture's reader believes an endpoint entered a state,
// and what it found in the segments. They are numbered from InferBase, apart from the
// model's own rules, so that a model.Note carries either kind.
const (
	// InferBase is the first inference rule; every rule from it on is inferred.
	InferBase Rule = 0x1000 + iota

	// Where the capture starts.
	InferStartHandshake   // the capture begins with a SYN: client CLOSED, server LISTEN
	InferStartEstablished // the capture begins after the handshake: both ESTABLISHED

	// States, from segments sent and received (RFC 9293 §3.10).
	InferSynSent         // a SYN left: SYN_SENT (connect())
	InferSynReceived     // a SYN|ACK left: SYN_RECEIVED
	InferEstablished     // the SYN|ACK arrived: ESTABLISHED
	InferEstablishedAck  // the ACK of our SYN|ACK arrived: ESTABLISHED
	InferFinWait1        // a FIN left from ESTABLISHED: FIN_WAIT_1 (close() or shutdown())
	InferLastAck         // a FIN left from CLOSE_WAIT: LAST_ACK
	InferCloseWait       // the peer's FIN arrived in ESTABLISHED: CLOSE_WAIT
	InferFinWait2        // the ACK of our FIN arrived in FIN_WAIT_1: FIN_WAIT_2
	InferFinWait2Instant // Linux: a FIN|ACK that ACKs our FIN passes through FIN_WAIT_2
	InferClosing         // the peer's FIN, not ACKing ours, arrived in FIN_WAIT_1: CLOSING
	InferTimeWait        // the peer's FIN arrived in FIN_WAIT_2: TIME_WAIT
	InferTimeWaitClosing // the ACK of our FIN arrived in CLOSING: TIME_WAIT
	InferClosedLastAck   // the ACK of our FIN arrived in LAST_ACK: CLOSED
	InferClosedRSTSent   // this side sent a RST: CLOSED (an abort, or no connection)
	InferClosedRSTRecv   // a RST arrived: CLOSED
	InferOrphanTimeout   // FIN_WAIT_2 answered with a RST, not a FIN: it had timed out
	InferTimeWaitReused  // a new SYN on the 4-tuple ended TIME_WAIT
	InferReused          // a new SYN on the 4-tuple of a closed connection: a new connection

	// What a segment is (its Segment.Why, or a recv's note).
	InferSeen         // a segment seen in the capture
	InferArrive       // a segment reaches its receiver (when: from the capture point and delays)
	InferRetransmit   // a retransmission: the original or its ACK was lost
	InferLostOriginal // lost: no ACK came before it was sent again
	InferLostAck      // lost: an ACK, since the peer sent its segment again
	InferFinalAckLost // the final ACK was lost: the LAST_ACK side sent its FIN again
	InferMissing      // a gap in the sequence numbers: segments missing from the capture
	InferRSTAfterFIN  // a RST after a FIN
	InferKeepalive    // a keepalive probe (SEG.SEQ = SND.NXT − 1)
	InferZeroWindow   // a zero window advertised
	InferSynReuse     // a SYN reusing the 4-tuple of a connection in TIME_WAIT
	numInferRules     // one past the last
)

var inferKeys = [...]string{
	"start-handshake", "start-established",
	"syn-sent", "syn-received", "established", "established-ack", "fin-wait-1", "last-ack",
	"close-wait", "fin-wait-2", "fin-wait-2-instant", "closing", "time-wait", "time-wait-closing",
	"closed-last-ack", "closed-rst-sent", "closed-rst-recv", "orphan-timeout",
	"time-wait-reused", "reused",
	"seen", "arrive", "retransmit", "lost-original", "lost-ack", "final-ack-lost", "missing",
	"rst-after-fin", "keepalive", "zero-window", "syn-reuse",
}

// Inferred reports whether r is a rule of inference (from a capture), not the model's.
func (r Rule) Inferred() bool { return r > InferBase && r < numInferRules }

// InferredKey is an inference rule's stable key ("fin-wait-1", "retransmit"), the
// catalog's "infer." key without its prefix; "" for any other rule.
func (r Rule) InferredKey() string {
	if !r.Inferred() {
		return ""
	}
	return inferKeys[r-InferBase-1]
}

// External builds a timeline from events and segments made outside the model (a
// capture's, with inferred states). Each event's Index is set; every send, recv and
// drop must name a segment of segs, and events must be in time order, starting with
// an EvStart. A timeline built so has no checkpoints: it cannot be forked.
func External(sc *Scenario, p Profile, events []Event, segs []Segment) *Timeline {
	tl := &Timeline{Scenario: sc, Profile: p, Events: events, Segments: segs}
	for i := range tl.Events {
		tl.Events[i].Index = i
	}
	tl.indexSegments()
	return tl
}

// Forkable reports whether drops can be injected into the timeline: a model run can,
// a timeline built by External cannot.
func (tl *Timeline) Forkable() bool { return len(tl.checkpoints) > 0 }
