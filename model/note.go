package model

import "time"

// Note is why an event happened, or why a segment was sent: the rule that fired, and
// the numbers it fired with. The model holds no prose: the words for every rule, in
// every language, are in the view's text catalogs, which may also look at the
// timeline around the event to say only what is true there.
type Note struct {
	Rule  Rule
	N     int           // a count the rule names: bytes, a probe's number
	D     time.Duration // a duration the rule used
	State State         // a state the rule names (the one the side was in)
	Seq   uint32        // a sequence number the rule names (an ISN)
	// Also is a second rule that fired with the first: TIME_WAIT switched off, the
	// RST's sender entering TIME_WAIT.
	Also Rule
}

// Rule names a rule of the model: a step of RFC 9293 §3.10, a Linux kernel function,
// or what an app call did. Its String is a stable key, which the trace prints when it
// is given no words.
type Rule uint16

// The rules. Each says where it fires; its source is in the catalogs.
const (
	RuleNone Rule = iota

	// The run.
	RuleStart    // time zero: both ESTABLISHED
	RuleLinkLoss // the link loses a segment

	// App calls (RFC 9293 §3.10.1-§3.10.5; Linux tcp_close, tcp_shutdown).
	RuleLinger0Set           // setsockopt SO_LINGER {1, 0}
	RuleReadWait             // read() blocks
	RuleReadData             // read() returns N bytes
	RuleReadEOF              // read() returns 0
	RuleReadReset            // read() fails: ECONNRESET
	RuleCloseGone            // close() of a socket already gone
	RuleCloseOrphan          // Linux close() in State: the kernel finishes alone
	RuleCloseClosing         // RFC close() in CLOSING/LAST_ACK/TIME_WAIT: "connection closing"
	RuleCloseBeforeHandshake // close() in SYN_SENT
	RuleNoConnection         // SYN_SENT → CLOSED on close()
	RuleCloseUnread          // close() with N unread bytes (Linux)
	RuleAbortUnread          // … so it resets: the abort
	RuleCloseLinger0         // close() with SO_LINGER {1, 0}
	RuleAbortLinger0         // … so it resets: the abort
	RuleLingerSet            // setsockopt SO_LINGER {1, D}
	RuleCloseLinger          // close() with SO_LINGER {1, D}: it blocks until our FIN is ACKed, at most D
	RuleLingerDone           // … our FIN was ACKed: close() returns 0
	RuleLingerTimeout        // … D passed first: close() returns 0 all the same; the close goes on
	RuleCloseAfterShutdown   // close() after shutdown(): FIN already sent
	RuleCloseActive          // close() in ESTABLISHED: FIN, FIN_WAIT_1
	RuleClosePassive         // close() in CLOSE_WAIT: FIN, LAST_ACK
	RuleShutdownNotConnected // shutdown() → ENOTCONN
	RuleShutdown             // shutdown(SHUT_WR)
	RuleWriteAfterReset      // write() → the reset's error
	RuleWriteEPIPE           // write() after close or reset
	RuleWrite                // write() of N bytes
	RuleConnectInUse         // connect() while the 4-tuple is in State
	RuleConnect              // connect(): ISN Seq, N from the old SND.NXT
	RuleSynSentState         // → SYN_SENT
	RuleConnectRefused       // connect() → ECONNREFUSED
	RuleAccept               // accept() → the new connection
	RuleTimedOutCall         // the app learns ETIMEDOUT
	RuleTimedOut             // N retransmissions unanswered: give up (N counts RTO expiries)
	RuleKeepaliveDead        // N keepalive probes unanswered: reset

	// Arrivals (RFC 9293 §3.10.7).
	RuleArrive                 // a segment reaches a side with a connection
	RuleArriveDuplicate        // an old duplicate arrives
	RuleArriveListen           // a SYN reaches the listening socket
	RuleArriveNoConn           // a segment reaches a host with no connection
	RuleListenSyn              // LISTEN takes a SYN: SYN_RECEIVED
	RuleSynRefused             // a RST answers our SYN
	RuleEstablished            // the SYN|ACK ACKs our SYN
	RuleSimultaneousOpen       // a SYN crossed ours
	RuleNewConnectionOpen      // our SYN|ACK is ACKed: ESTABLISHED
	RuleRSTOutOfWindow         // a RST outside the window: dropped
	RuleTimeWaitAckRearm       // Linux: a bare ACK in TIME_WAIT re-arms it
	RuleTimeWaitRSTInexact     // Linux TIME_WAIT drops a RST not at RCV.NXT
	RuleNoACKBit               // a segment without ACK: dropped
	RuleAckOfUnsentDropped     // Linux drops an ACK of data never sent
	RuleFinAcked               // FIN_WAIT_1 → FIN_WAIT_2
	RuleFinAckedWithFin        // Linux: FIN_WAIT_2 for an instant (the ACK of a FIN|ACK first)
	RuleSimultaneousCloseAcked // CLOSING → TIME_WAIT
	RuleLastAckArrived         // LAST_ACK → CLOSED
	RuleDataAfterClose         // Linux: data after close() → RST, CLOSED
	RuleOldDuplicateAccepted   // an old duplicate accepted as N bytes of new data
	RuleCloseWait              // ESTABLISHED → CLOSE_WAIT on the peer's FIN
	RuleTimeWaitFinAck         // FIN_WAIT_1 → TIME_WAIT on a FIN that ACKs ours
	RuleClosing                // FIN_WAIT_1 → CLOSING: the FINs crossed
	RuleTimeWait               // FIN_WAIT_2 → TIME_WAIT
	RuleRFC1337Ignored         // tcp_rfc1337: a RST in TIME_WAIT ignored
	RuleTimeWaitAssassinated   // a RST ends TIME_WAIT
	RuleRSTSynReceived         // a RST in SYN_RECEIVED
	RuleRST                    // a valid RST: CLOSED
	RuleRSTExact               // a valid RST in State; N=1 when the app already read EOF
	RuleTimeWaitSynLinux       // Linux: a new SYN ends TIME_WAIT
	RuleNewISNLinux            // … the new ISN Seq
	RuleTimeWaitSynRFC         // RFC 6191: a new SYN ends TIME_WAIT
	RuleNewISNRFC              // … the new ISN Seq
	RuleTimeWaitSynDropped     // RFC 6191: a SYN not above: dropped
	RuleInvalidRateLimited     // the ACK to an invalid segment suppressed (within D)

	// Timestamps, TIME_WAIT reuse, out-of-order segments (kernel.go; issue 11).
	RuleConnectTakeover       // connect() takes over its TIME_WAIT: ISN Seq; N=1 from an automatic port
	RuleTimeWaitRecycled      // TIME_WAIT → CLOSED: taken over by connect()
	RuleConnectOtherPort      // an automatic-port connect() may not take over: another port
	RuleConnectOtherPortDelay // … not yet: within tcp_tw_reuse_delay D of the last timestamp
	RuleConnectClock          // connect() with the ISN clock's value Seq
	RulePAWSReject            // PAWS: TSval N older than TS.Recent, discarded
	RulePAWSTimeWait          // PAWS in TIME_WAIT: discarded, 2MSL restarted
	RuleOOOQueued             // beyond RCV.NXT: held, N segments in the queue
	RuleOOOFull               // beyond RCV.NXT, the queue (N) full: dropped
	RuleOOOFilled             // the hole is filled: held segments delivered
	RuleTimeWaitSynTS         // a SYN with a newer timestamp ends TIME_WAIT
	RulePAWSOldAck            // Linux: an old pure ACK fails PAWS: dropped, no ACK
	RuleSynAgain              // Linux: a retransmitted SYN in SYN_RECEIVED: SYN|ACK again

	// SACK and RACK (sack.go).
	RuleSackTagged // the ACK's SACK blocks mark N more segments received
	RuleRackWait   // RACK: an earlier segment may only be reordered: wait reo_wnd D more
	RuleRackLost   // RACK: N earlier segments lost (reo_wnd D): resent at once

	// States entered on sending.
	RuleFinWait1 // ESTABLISHED → FIN_WAIT_1
	RuleLastAck  // CLOSE_WAIT → LAST_ACK

	// Timers that end a connection.
	RuleFinWait2Timeout      // the orphaned FIN_WAIT_2 timer
	RuleTimeWaitOver         // 2MSL passed
	RuleTimeWaitOverAfterRST // 2MSL passed after our RST

	// Modifiers (Note.Also).
	RuleTimeWaitSkipped   // skip_time_wait: no TIME_WAIT
	RuleRSTSenderTimeWait // RFC 9293: the RST's sender enters TIME_WAIT

	// Why segments are sent (Segment.Why).
	WhySYN
	WhySYNACK
	WhyHandshakeACK // the third segment of the handshake
	WhyRSTNoConn    // no connection for the segment
	WhyRSTListenACK // an ACK reached a listening socket
	WhyRSTBadSynAck // an ACK that does not acknowledge our SYN (SYN_SENT)
	WhyRSTBadAck    // an ACK that does not fit our SYN|ACK (SYN_RECEIVED)
	WhyRSTDataAfterClose
	WhyRSTAbort
	WhyChallengeRST   // challenge ACK: a RST in the window, not exact
	WhyChallengeSYN   // challenge ACK: a SYN on a synchronized connection
	WhyAckUnsent      // ACK: the segment acknowledges what was not sent
	WhyAckData        // ACK of N bytes
	WhyDupAckAhead    // duplicate ACK: out of order, beyond RCV.NXT
	WhyDupAckOld      // duplicate ACK: old, below RCV.NXT
	WhyAckRetransFin  // ACK of a retransmitted FIN (not in TIME_WAIT)
	WhyAckFinDelayed  // the ACK of the peer's FIN, to be delayed
	WhyAckFinAtOnce   // the ACK of the peer's FIN, at once
	WhyAckFinLast     // the ACK of the peer's FIN: the last segment of the close
	WhyAckFinClosing  // the ACK of the peer's FIN, ours not yet ACKed
	WhyTimeWaitAck    // TIME_WAIT restates its numbers to an old segment
	WhyTimeWaitAckFin // TIME_WAIT ACKs a retransmitted FIN and restarts 2MSL
	WhyTimeWaitAckSyn // Linux TIME_WAIT answers a SYN not above with the old ACK
	WhyData           // N bytes of data
	WhyFIN            // our FIN
	WhyFINPiggyback   // our FIN, carrying the delayed ACK
	WhyDelayedAck     // the delayed-ACK timer fired (after D)
	WhyKeepalive      // keepalive probe N (of the scenario's probes)
	WhyResendData     // data sent again
	WhyResendFIN      // the FIN sent again
	WhyDuplicateCopy  // a copy the link made
	WhyPAWSAck        // the duplicate ACK answering a segment that failed PAWS
	WhyAckGapFilled   // the immediate ACK when a hole is filled

	NumRules
)

// ruleKeys are the rules' stable names.
var ruleKeys = [NumRules]string{
	RuleNone:                   "none",
	RuleStart:                  "start",
	RuleLinkLoss:               "link-loss",
	RuleLinger0Set:             "linger0-set",
	RuleReadWait:               "read-wait",
	RuleReadData:               "read-data",
	RuleReadEOF:                "read-eof",
	RuleReadReset:              "read-reset",
	RuleCloseGone:              "close-gone",
	RuleCloseOrphan:            "close-orphan",
	RuleCloseClosing:           "close-closing",
	RuleCloseBeforeHandshake:   "close-before-handshake",
	RuleNoConnection:           "no-connection",
	RuleCloseUnread:            "close-unread",
	RuleAbortUnread:            "abort-unread",
	RuleCloseLinger0:           "close-linger0",
	RuleAbortLinger0:           "abort-linger0",
	RuleLingerSet:              "linger-set",
	RuleCloseLinger:            "close-linger",
	RuleLingerDone:             "linger-done",
	RuleLingerTimeout:          "linger-timeout",
	RuleCloseAfterShutdown:     "close-after-shutdown",
	RuleCloseActive:            "close-active",
	RuleClosePassive:           "close-passive",
	RuleShutdownNotConnected:   "shutdown-not-connected",
	RuleShutdown:               "shutdown",
	RuleWriteAfterReset:        "write-after-reset",
	RuleWriteEPIPE:             "write-epipe",
	RuleWrite:                  "write",
	RuleConnectInUse:           "connect-in-use",
	RuleConnect:                "connect",
	RuleSynSentState:           "syn-sent-state",
	RuleConnectRefused:         "connect-refused",
	RuleAccept:                 "accept",
	RuleTimedOutCall:           "timed-out-call",
	RuleTimedOut:               "timed-out",
	RuleKeepaliveDead:          "keepalive-dead",
	RuleArrive:                 "arrive",
	RuleArriveDuplicate:        "arrive-duplicate",
	RuleArriveListen:           "arrive-listen",
	RuleArriveNoConn:           "arrive-no-conn",
	RuleListenSyn:              "listen-syn",
	RuleSynRefused:             "syn-refused",
	RuleEstablished:            "established",
	RuleSimultaneousOpen:       "simultaneous-open",
	RuleNewConnectionOpen:      "new-connection-open",
	RuleRSTOutOfWindow:         "rst-out-of-window",
	RuleTimeWaitAckRearm:       "time-wait-ack-rearm",
	RuleTimeWaitRSTInexact:     "time-wait-rst-inexact",
	RuleNoACKBit:               "no-ack-bit",
	RuleAckOfUnsentDropped:     "ack-of-unsent-dropped",
	RuleFinAcked:               "fin-acked",
	RuleFinAckedWithFin:        "fin-acked-with-fin",
	RuleSimultaneousCloseAcked: "simultaneous-close-acked",
	RuleLastAckArrived:         "last-ack-arrived",
	RuleDataAfterClose:         "data-after-close",
	RuleOldDuplicateAccepted:   "old-duplicate-accepted",
	RuleCloseWait:              "close-wait",
	RuleTimeWaitFinAck:         "time-wait-fin-ack",
	RuleClosing:                "closing",
	RuleTimeWait:               "time-wait",
	RuleRFC1337Ignored:         "rfc1337-ignored",
	RuleTimeWaitAssassinated:   "time-wait-assassinated",
	RuleRSTSynReceived:         "rst-syn-received",
	RuleRST:                    "rst",
	RuleRSTExact:               "rst-exact",
	RuleTimeWaitSynLinux:       "time-wait-syn-linux",
	RuleNewISNLinux:            "new-isn-linux",
	RuleTimeWaitSynRFC:         "time-wait-syn-rfc",
	RuleNewISNRFC:              "new-isn-rfc",
	RuleTimeWaitSynDropped:     "time-wait-syn-dropped",
	RuleInvalidRateLimited:     "invalid-rate-limited",
	RuleConnectTakeover:        "connect-time-wait-reuse",
	RuleTimeWaitRecycled:       "time-wait-recycled",
	RuleConnectOtherPort:       "connect-other-port",
	RuleConnectOtherPortDelay:  "connect-other-port-delay",
	RuleConnectClock:           "connect-clock",
	RulePAWSReject:             "paws-reject",
	RulePAWSTimeWait:           "paws-time-wait",
	RuleOOOQueued:              "ooo-queued",
	RuleOOOFull:                "ooo-full",
	RuleOOOFilled:              "ooo-filled",
	RuleSackTagged:             "sack-tagged",
	RuleRackWait:               "rack-wait",
	RuleRackLost:               "rack-lost",
	RuleTimeWaitSynTS:          "time-wait-syn-ts",
	RulePAWSOldAck:             "paws-old-ack",
	RuleSynAgain:               "syn-again",
	RuleFinWait1:               "fin-wait-1",
	RuleLastAck:                "last-ack",
	RuleFinWait2Timeout:        "fin-wait-2-timeout",
	RuleTimeWaitOver:           "time-wait-over",
	RuleTimeWaitOverAfterRST:   "time-wait-over-after-rst",
	RuleTimeWaitSkipped:        "time-wait-skipped",
	RuleRSTSenderTimeWait:      "rst-sender-time-wait",
	WhySYN:                     "why-syn",
	WhySYNACK:                  "why-synack",
	WhyHandshakeACK:            "why-handshake-ack",
	WhyRSTNoConn:               "why-rst-no-conn",
	WhyRSTListenACK:            "why-rst-listen-ack",
	WhyRSTBadSynAck:            "why-rst-bad-syn-ack",
	WhyRSTBadAck:               "why-rst-bad-ack",
	WhyRSTDataAfterClose:       "why-rst-data-after-close",
	WhyRSTAbort:                "why-rst-abort",
	WhyChallengeRST:            "why-challenge-rst",
	WhyChallengeSYN:            "why-challenge-syn",
	WhyAckUnsent:               "why-ack-unsent",
	WhyAckData:                 "why-ack-data",
	WhyDupAckAhead:             "why-dup-ack-ahead",
	WhyDupAckOld:               "why-dup-ack-old",
	WhyAckRetransFin:           "why-ack-retrans-fin",
	WhyAckFinDelayed:           "why-ack-fin-delayed",
	WhyAckFinAtOnce:            "why-ack-fin-at-once",
	WhyAckFinLast:              "why-ack-fin-last",
	WhyAckFinClosing:           "why-ack-fin-closing",
	WhyTimeWaitAck:             "why-time-wait-ack",
	WhyTimeWaitAckFin:          "why-time-wait-ack-fin",
	WhyTimeWaitAckSyn:          "why-time-wait-ack-syn",
	WhyData:                    "why-data",
	WhyFIN:                     "why-fin",
	WhyFINPiggyback:            "why-fin-piggyback",
	WhyDelayedAck:              "why-delayed-ack",
	WhyKeepalive:               "why-keepalive",
	WhyResendData:              "why-resend-data",
	WhyResendFIN:               "why-resend-fin",
	WhyDuplicateCopy:           "why-duplicate-copy",
	WhyPAWSAck:                 "why-paws-ack",
	WhyAckGapFilled:            "why-ack-gap-filled",
}

// String is the rule's stable key ("close-wait", "why-fin").
func (r Rule) String() string {
	if r < NumRules {
		return ruleKeys[r]
	}
	return "rule-unknown"
}

// Why reports whether the rule says why a segment was sent (a Segment.Why).
func (r Rule) Why() bool { return r >= WhySYN && r < NumRules }
