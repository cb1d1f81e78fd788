package scenarios

import (
	"slices"
	"testing"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// The scenarios where Linux tells another story than the RFC (protocol.md §2.12 and the
// "Linux" notes of §3).
func TestScenarioSequencesLinux(t *testing.T) {
	checkSequences(t, "linux", []sequenceCase{
		// g: the delayed ACK rides on the FIN: three segments; A passes FIN_WAIT_2 for an
		// instant on the same segment.
		{"fin-ack-merged", []string{"A FIN|ACK 11/11", "B FIN|ACK 11/12", "A ACK 12/12"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"},
		// i: close() with unread data: RST|ACK seq=SND.NXT ack=RCV.NXT, no TIME_WAIT.
		{"unread-data-rst", []string{"B PSH|ACK 11/11 +100", "A ACK 11/111", "A RST|ACK 11/111"},
			"ESTABLISHED CLOSED", "ESTABLISHED CLOSED"},
		// j: SO_LINGER {1,0}: RST|ACK, no TIME_WAIT.
		{"linger-abort", []string{"A RST|ACK 11/11"}, "ESTABLISHED CLOSED", "ESTABLISHED CLOSED"},
		// k: the orphaned FIN_WAIT_2 vanishes silently; the late FIN meets a RST from SEG.ACK.
		{"fin-wait-2-timeout", []string{"A FIN|ACK 11/11", "B ACK 11/12", "B FIN|ACK 11/12", "A RST 12/-"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSED", "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"},
		// h trap: data after close() draws <SEQ=SEG.ACK><CTL=RST>.
		{"data-after-close-rst", []string{"A FIN|ACK 11/11", "B PSH|ACK 11/12 +10", "A RST 12/-"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSED", "ESTABLISHED CLOSE_WAIT CLOSED"},
		// Keepalive: the probe reaches a host whose FIN_WAIT_2 expired and draws a RST.
		{"close-wait-keepalive", []string{"A FIN|ACK 11/11", "B ACK 11/12", "B ACK 10/12", "A RST 12/-"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 CLOSED", "ESTABLISHED CLOSE_WAIT CLOSED"},
		// m2: old ACK from TIME_WAIT, RST from SYN_SENT kills it (tcp_rfc1337=0), the
		// retransmitted SYN gets in.
		{"syn-in-time-wait-rejected", []string{"B FIN|ACK 11/11", "A ACK 11/12", "A FIN|ACK 11/12", "B ACK 12/12",
			"A SYN 0/-", "B ACK 12/12", "A RST 12/-", "A SYN 0/-", "B SYN|ACK 0/1", "A ACK 1/1"},
			"ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED SYN_SENT ESTABLISHED",
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED SYN_RECEIVED ESTABLISHED"},
	})
}

// Linux timers: the delayed ACK (40 ms), the first RTO (200 ms + RTT) and its doubling,
// TIME_WAIT of 60 s restarted by a retransmitted FIN, and the m1 ISN rule.
func TestLinuxTimers(t *testing.T) {
	tl := run(t, "lost-final-ack", "linux")
	var bFIN []time.Duration
	var twStart []time.Duration
	var aClosed time.Duration
	for _, ev := range tl.Events {
		switch {
		case ev.Kind == model.EvSend && ev.Side == model.B && tl.Segments[ev.Seg].Flags.Has(model.FIN):
			bFIN = append(bFIN, ev.T)
		case ev.Kind == model.EvTimer && ev.Side == model.A && ev.Timer == model.TimerTimeWait:
			twStart = append(twStart, ev.T)
			if ev.Remaining != 60*time.Second {
				t.Errorf("TIME_WAIT armed for %v, want 60s", ev.Remaining)
			}
		case ev.Kind == model.EvState && ev.Side == model.A && ev.To == model.Closed:
			aClosed = ev.T
		}
	}
	// RTT 20 ms: RTO = SRTT + max(4·RTTVAR, 200 ms) = 220 ms.
	if len(bFIN) != 2 || bFIN[1]-bFIN[0] != 220*time.Millisecond {
		t.Errorf("B's FIN at %v, want a retransmission 220 ms after the first", bFIN)
	}
	if len(twStart) != 2 || aClosed != twStart[1]+60*time.Second {
		t.Errorf("TIME_WAIT starts %v, closed at %v: want a restart and CLOSED 60 s after it", twStart, aClosed)
	}

	tl = run(t, "lost-fin-twice", "linux")
	var aFIN []time.Duration
	for _, ev := range tl.Events {
		if ev.Kind == model.EvSend && ev.Side == model.A && tl.Segments[ev.Seg].Flags.Has(model.FIN) {
			aFIN = append(aFIN, ev.T)
		}
	}
	// The first resend is a tail loss probe at min(2·SRTT + 200 ms, RTO) = 220 ms,
	// which re-arms a full RTO without backoff; the RTO at 440 ms then backs off.
	if !slices.Equal(aFIN, []time.Duration{0, 220 * time.Millisecond, 440 * time.Millisecond}) {
		t.Errorf("A's FINs at %v, want 0, 220ms (probe), 440ms (RTO)", aFIN)
	}
	var probes, backoffs int
	for _, s := range tl.Segments {
		if s.Cause == model.CauseProbe {
			probes++
		}
	}
	for _, ev := range tl.Events {
		if ev.Kind == model.EvTimer && ev.Side == model.A && ev.Timer == model.TimerRetransmit && ev.Retrans == 1 {
			backoffs++
			if ev.Remaining != 440*time.Millisecond {
				t.Errorf("after the first RTO the timer is %v, want 440ms", ev.Remaining)
			}
		}
	}
	if probes != 1 || backoffs != 1 {
		t.Errorf("%d probes and %d backed-off timers, want one of each", probes, backoffs)
	}

	tl = run(t, "client-close", "linux")
	for _, ev := range tl.Events {
		if ev.Kind == model.EvSend && ev.Side == model.B && tl.Segments[ev.Seg].Flags == model.ACK {
			if ev.T != 50*time.Millisecond { // FIN arrives at 10 ms; 40 ms delayed ACK
				t.Errorf("B's ACK of the FIN at %v, want 50ms", ev.T)
			}
		}
	}

	tl = run(t, "syn-in-time-wait", "linux")
	for _, s := range tl.Segments {
		if s.Flags == model.SYN|model.ACK {
			// tw_snd_nxt + 65535 + 2: B's old SND.NXT was ISN+1+10+1 = 301.
			if s.Seq != 301+65537 {
				t.Errorf("SYN|ACK ISN %d, want %d", s.Seq, 301+65537)
			}
		}
	}
}

// Segments of note carry their cause, for the UI to explain without reading prose.
func TestSegmentCauses(t *testing.T) {
	want := map[string]model.Cause{
		"data-after-close-rst": model.CauseDataAfterClose,
		"unread-data-rst":      model.CauseAbort,
		"linger-abort":         model.CauseAbort,
		"fin-wait-2-timeout":   model.CauseNoTCB,
		"close-wait-keepalive": model.CauseKeepalive,
		"client-close":         model.CauseDelayedAck,
	}
	for id, cause := range want {
		tl := run(t, id, "linux")
		found := false
		for _, s := range tl.Segments {
			found = found || s.Cause == cause
		}
		if !found {
			t.Errorf("%s: no segment with cause %d", id, cause)
		}
	}
}
