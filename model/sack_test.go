package model_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// out-of-order-fin, as a Linux 6.18 kernel plays it (measured with tcpwave real): the
// client's duplicate ACK SACKs the early FIN; the server's RACK resends the data one
// reordering timer later (RACK.rtt + min_RTT/4 - elapsed + 2 ms, in jiffies: 8 ms),
// with no tail loss probe of the FIN. Without SACK (tcp_sack=0, or the rfc9293
// profile) nothing is SACKed and no RACK retransmission happens, and Linux sends no
// tail loss probe either (tcp_schedule_loss_probe needs tcp_is_sack): a 6.18 kernel
// with tcp_sack = 0 waited for the delayed data.
func TestSackRackOutOfOrderFin(t *testing.T) {
	sc, ok := scenarios.Lookup("out-of-order-fin")
	if !ok {
		t.Fatal("no out-of-order-fin in the catalog")
	}
	noSack := model.Linux()
	if err := noSack.Set("tcp_sack", "0"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name    string
		p       model.Profile
		sack    string // the duplicate ACK's SACK field
		rackAt  time.Duration
		probeAt time.Duration // the FIN's tail loss probe, 0 for none
	}{
		{"linux", model.Linux(), " sack=21-22", 138 * time.Millisecond, 0},
		{"linux tcp_sack=0", noSack, "", 0, 0}, // no SACK, no probe either (tcp_schedule_loss_probe)
		{"rfc9293", model.RFC9293(), "", 0, 0},
	} {
		tl := model.Run(sc, c.p)
		var dupSack string
		var rackAt, probeAt time.Duration
		for _, ev := range tl.Events {
			if ev.Kind != model.EvSend {
				continue
			}
			seg := &tl.Segments[ev.Seg]
			switch {
			case ev.Note.Rule == model.WhyDupAckAhead && dupSack == "":
				dupSack = seg.SackLabel()
			case seg.Cause == model.CauseRACK:
				rackAt = ev.T
				if seg.Flags != model.PSH|model.ACK || seg.RelSeq() != 11 || seg.Len != 10 {
					t.Errorf("%s: RACK resent %s, want the data", c.name, seg.Label())
				}
			case seg.Cause == model.CauseProbe:
				probeAt = ev.T
			}
		}
		if dupSack != c.sack || rackAt != c.rackAt || probeAt != c.probeAt {
			t.Errorf("%s: duplicate ACK SACK %q, RACK resend at %v, probe at %v; want %q, %v, %v",
				c.name, dupSack, rackAt, probeAt, c.sack, c.rackAt, c.probeAt)
		}
		if syn := strings.Contains(tl.Trace(), "sackok=1"); syn {
			t.Errorf("%s: no SYN in this story, yet a sackok=1", c.name)
		}
	}
}

// A reconnect negotiates SACK only when both SYNs offer it (RFC 2018 §2): the SYN and
// the SYN|ACK carry SACK-permitted under linux, neither under rfc9293.
func TestSackPermittedOnSyns(t *testing.T) {
	sc, ok := scenarios.Lookup("time-wait-blocks-port")
	if !ok {
		t.Fatal("no time-wait-blocks-port in the catalog")
	}
	for _, c := range []struct {
		p    model.Profile
		want int
	}{{model.Linux(), 2}, {model.RFC9293(), 0}} {
		tl := model.Run(sc, c.p)
		n := 0
		for _, s := range tl.Segments {
			if s.Flags.Has(model.SYN) && !s.Dup && s.SACK.Permitted {
				n++
			}
		}
		if n < c.want || c.want == 0 && n != 0 {
			t.Errorf("%s: %d SYNs offer SACK, want %d", c.p.Name, n, c.want)
		}
	}
}

// TestRackKeepsItsTimerOnACumulativeAck: the second of two data segments is delayed
// long, the first a little; the FIN and then the first arrive, so a cumulative ACK
// (ack=21) comes while the FIN is still SACKed beyond the hole. RACK looks again at
// that ACK and keeps its reordering timer: the hole is resent by RACK, and no tail
// loss probe is armed while SACKed data is outstanding (tcp_schedule_loss_probe:
// TCP_CA_Open only; tcp_fastretrans_alert → tcp_rack_mark_lost on every ACK). Before,
// the cumulative ACK replaced the timer with a probe, which resent the FIN the peer
// already had and never the hole.
func TestRackKeepsItsTimerOnACumulativeAck(t *testing.T) {
	sc, err := scenarios.Parse("two-reordered.yaml", []byte(`id: two-reordered
title: two data segments and a FIN, reordered
link:
  delay: 40ms
faults:
  - {do: delay, side: server, has: PSH, nth: 1, delay: 10ms}
  - {do: delay, side: server, has: PSH, nth: 2, delay: 200ms}
client:
  steps:
    - do: shutdown
    - {on: eof, do: close}
server:
  steps:
    - {on: eof, after: 100ms, do: write, n: 10}
    - {do: write, n: 10}
    - do: close
`))
	if err != nil {
		t.Fatal(err)
	}
	tl := model.Run(sc, model.Linux())
	var rackAt time.Duration
	for _, ev := range tl.Events {
		if ev.Kind != model.EvSend || ev.Side != model.B {
			continue
		}
		seg := &tl.Segments[ev.Seg]
		switch seg.Cause {
		case model.CauseProbe:
			t.Errorf("a tail loss probe at %v while SACKed data was outstanding: %s", ev.T, seg.Label())
		case model.CauseRACK:
			if seg.RelSeq() != 21 || seg.Len != 10 {
				t.Errorf("RACK resent %s, want the hole (seq=21 len=10)", seg.Label())
			}
			if rackAt == 0 {
				rackAt = ev.T
			}
		}
	}
	// The cumulative ACK at 230 ms delivers the first data, sent at 140 ms: RACK's
	// RTT becomes 90 ms (tcp_rack_advance sets it for every delivered segment), so
	// the hole, sent at 140 ms too, is lost at 140 + 90 + the reordering window,
	// timed in jiffies: 254 ms (with the SACK's stale 80 ms RTT it was 242 ms).
	if rackAt != 254*time.Millisecond {
		t.Errorf("the hole resent by RACK at %v, want 254ms:\n%s", rackAt, tl.Trace())
	}
}
