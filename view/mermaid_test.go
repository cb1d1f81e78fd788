package view

import (
	"strings"
	"testing"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

func TestRenderMermaid(t *testing.T) {
	sc, _ := scenarios.Lookup("lost-final-ack")
	out := RenderMermaid(model.Run(sc, model.Linux()), false, En)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[0] != "sequenceDiagram" {
		t.Fatalf("first line %q", lines[0])
	}
	// In order: the FIN, the lost final ACK, TIME_WAIT, the retransmitted FIN, its
	// re-ACK, the server's CLOSED, the 60 s of TIME_WAIT, the client's CLOSED.
	want := []string{
		"A->>B: FIN|ACK seq=11 ack=11 len=0",
		"Note right of B: read() = EOF",
		"A-xB: ACK seq=12 ack=12 len=0 LOST",
		"Note left of A: TIME_WAIT",
		"B->>A: FIN|ACK seq=11 ack=12 len=0 (retransmission 1)",
		"A->>B: ACK seq=12 ack=12 len=0",
		"Note right of B: CLOSED",
		"Note over A,B: 60 s later (t=60.540 s)",
		"Note left of A: CLOSED",
	}
	i := 0
	for _, l := range lines {
		if i < len(want) && strings.TrimSpace(l) == want[i] {
			i++
		}
	}
	if i != len(want) {
		t.Errorf("line %q missing or out of order in:\n%s", want[i], out)
	}
	for _, l := range lines {
		if strings.ContainsAny(l, ";#") {
			t.Errorf("line %q would break Mermaid's grammar", l)
		}
	}
}
