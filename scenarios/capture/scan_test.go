package capture

import (
	"bytes"
	"testing"

	"github.com/tcpwave/tcpwave/scenarios"
)

// TestScanLarge: a capture of 700 connections and 70,000 packets is summarized in one
// pass, each connection's ending told, the progress reported on the way.
func TestScanLarge(t *testing.T) {
	var b bytes.Buffer
	if err := writeSized(&b, 700, 100, 10, 20); err != nil {
		t.Fatal(err)
	}
	var calls []Stats
	sc, err := ScanFlows(bytes.NewReader(b.Bytes()), func(st Stats) { calls = append(calls, st) })
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Flows) != 700 || sc.Stats.TCP != 67900 || sc.Stats.Skipped() != 0 {
		t.Fatalf("%d flows, %d packets, %d skipped", len(sc.Flows), sc.Stats.TCP, sc.Stats.Skipped())
	}
	if len(calls) != 1 || calls[0].Packets != progressEvery || calls[0].Bytes <= 0 {
		t.Errorf("progress: %+v", calls)
	}
	count := map[Ending]int{}
	for _, f := range sc.Flows {
		count[f.End]++
	}
	for _, e := range []Ending{FourWay, ThreeWay, Reset, HalfOpen, StillOpen} {
		if count[e] != 140 {
			t.Errorf("%s: %d connections, want 140 (%v)", e, count[e], count)
		}
	}
}

// TestEndings: how each catalog close ends, as the picker says it.
func TestEndings(t *testing.T) {
	for id, want := range map[string]Ending{
		"client-close": FourWay, "fin-ack-merged": ThreeWay, "simultaneous-close": Simultaneous,
		"linger-abort": Reset, "peer-never-closes": HalfOpen, "syn-in-time-wait": StillOpen,
	} {
		sc, _ := scenarios.Lookup(id)
		var b bytes.Buffer
		if err := Export(&b, runOf(t, sc, "linux"), AtLink); err != nil {
			t.Fatal(err)
		}
		s, err := ScanFlows(bytes.NewReader(b.Bytes()), nil)
		if err != nil || len(s.Flows) != 1 {
			t.Fatalf("%s: %v", id, err)
		}
		f := s.Flows[0]
		if f.End != want {
			t.Errorf("%s: %s, want %s", id, f.End, want)
		}
		if reused := id == "syn-in-time-wait"; f.Reused() != reused || (reused && f.Connections != 2) {
			t.Errorf("%s: %d connections", id, f.Connections)
		}
	}
}
