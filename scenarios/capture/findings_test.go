package capture

import (
	"net/netip"
	"testing"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// has reports whether the timeline has an event of side with rule (as its note or its
// segment's finding).
func has(tl *model.Timeline, side model.Side, r model.Rule) bool {
	for i := range tl.Events {
		if ev := &tl.Events[i]; ev.Side == side && ev.Note.Rule == r {
			return true
		}
	}
	return false
}

// TestFindings: each finding is flagged where it happens, in the export of the
// catalog scenario that shows it, read as taken on the link.
func TestFindings(t *testing.T) {
	for _, c := range []struct {
		id   string
		side model.Side
		rule model.Rule
	}{
		{"lost-first-fin", model.A, model.InferRetransmit},
		{"lost-first-fin", model.A, model.InferLostOriginal},
		{"lost-ack-of-fin", model.B, model.InferLostAck},
		{"lost-final-ack", model.B, model.InferFinalAckLost},
		{"lost-final-ack", model.A, model.InferLostAck},
		{"data-after-close-rst", model.A, model.InferRSTAfterFIN},
		{"fin-wait-2-timeout", model.A, model.InferOrphanTimeout},
		{"syn-in-time-wait", model.A, model.InferSynReuse},
		{"syn-in-time-wait", model.B, model.InferTimeWaitReused},
		{"close-wait-keepalive", model.B, model.InferKeepalive},
		{"unread-data-rst", model.A, model.InferClosedRSTSent},
		{"simultaneous-close", model.A, model.InferClosing},
	} {
		sc, ok := scenarios.Lookup(c.id)
		if !ok {
			t.Fatalf("%s: not in the catalog", c.id)
		}
		tl := open(t, runOf(t, sc, "linux"), AtLink).Timeline
		if !has(tl, c.side, c.rule) {
			t.Errorf("%s: no %s by the %s", c.id, c.rule.InferredKey(), c.side.Name())
		}
	}
}

// TestFindingsMadeUp: a zero window and a gap in the sequence numbers, in a
// connection made up for them.
func TestFindingsMadeUp(t *testing.T) {
	c, s := netip.MustParseAddrPort("10.0.0.1:40000"), netip.MustParseAddrPort("10.0.0.2:80")
	pkts := synthConn(c, s, 0, 3, FourWay)
	pkts[5].Window = 0 // the server's first data segment advertises no room
	pkts[7].Seq += 500 // the client's second data segment starts 500 bytes on
	inf, err := Infer(pkts, c.String(), s.String(), AtClient)
	if err != nil {
		t.Fatal(err)
	}
	tl := inf.Timeline
	if !has(tl, model.B, model.InferZeroWindow) || !has(tl, model.A, model.InferMissing) {
		t.Errorf("zero window or gap not flagged:\n%s", tl.Trace())
	}
	// A well-behaved connection has nothing to flag.
	clean, _ := Infer(synthConn(c, s, 0, 3, FourWay), c.String(), s.String(), AtClient)
	if clean.Findings != 0 {
		t.Errorf("%d findings in a clean connection", clean.Findings)
	}
}
