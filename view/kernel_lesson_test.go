package view

import (
	"strings"
	"testing"

	"github.com/tcpwave/tcpwave/model"
)

// The narration of the timestamp, TIME_WAIT-reuse, out-of-order and SYN-timeout rules
// (issue 11) is true where it is shown, and each check meets its case in the catalog.
func TestKernelLessonsAreTrueWhereShown(t *testing.T) {
	seen := map[string]int{}
	allRuns(t, En, func(id string, tl *model.Timeline, says []told) {
		for i, s := range says {
			ev := s.ev
			fail := func(format string, args ...any) {
				t.Helper()
				t.Errorf("%s at %s (event %d): "+format, append([]any{id, model.FormatMillis(ev.T), i}, args...)...)
			}
			if ev.Index == 0 {
				continue
			}
			// A recv event's snapshot is taken as the segment arrives; what it did is
			// in the last snapshot of that instant.
			last := ev.Index
			for last+1 < tl.Len() && tl.At(last+1).T == ev.T {
				last++
			}
			before, after := &tl.At(ev.Index - 1).Snap[ev.Side], &tl.At(last).Snap[ev.Side]
			var seg *model.Segment
			if ev.Seg >= 0 {
				seg = &tl.Segments[ev.Seg]
			}
			// PAWS: the timestamp really is older, nothing was taken, and "inside
			// the window" only when it is.
			if strings.Contains(s.why, "PAWS discards it") {
				seen["paws"]++
				if seg == nil || !seg.HasTS || int32(before.TSRecent-seg.TSval) <= 1 || after.RcvNxt != before.RcvNxt {
					fail("says PAWS discarded a segment that passes it: %q", s.why)
				}
				if strings.Contains(s.why, "inside the receive window") {
					seen["paws-window"]++
					if off := int32(seg.Seq - before.RcvNxt); off < 0 || off >= int32(before.RcvWnd) {
						fail("says the old bytes fit the window; they start %d past RCV.NXT", off)
					}
				}
			}
			// A held segment starts beyond RCV.NXT, and a held FIN changes no state.
			if strings.Contains(s.why, "out-of-order queue (") {
				seen["ooo"]++
				if seg == nil || int32(seg.Seq-before.RcvNxt) <= 0 || after.NOOO == 0 {
					fail("says a segment was held that is not beyond RCV.NXT: %q", s.why)
				}
				if strings.Contains(s.why, "This FIN") && (after.State != before.State || !seg.Flags.Has(model.FIN)) {
					fail("a held FIN changed the state from %s to %s", before.State, after.State)
				}
			}
			// connect() takes over only its own TIME_WAIT, with the ISN it says.
			if ev.Kind == model.EvApp && ev.Note.Rule == model.RuleConnectTakeover {
				seen["takeover"]++
				if before.State != model.TimeWait || ev.Note.Seq != before.SndNxt+65537 {
					fail("takeover from %s with ISN %d (old SND.NXT %d)", before.State, ev.Note.Seq, before.SndNxt)
				}
			}
			// "Not yet" only within tcp_tw_reuse_delay of the last timestamp.
			if strings.Contains(s.why, "Not yet") {
				seen["delay"]++
				if ev.T-before.TSRecentAt > tl.Profile.TWReuseDelay {
					fail("says too soon %v after the last timestamp (delay %v)", ev.T-before.TSRecentAt, tl.Profile.TWReuseDelay)
				}
			}
			// The RTO stays at its initial value only while it does.
			if strings.Contains(s.why, "stays at its initial") {
				seen["linear"]++
				if ev.Remaining != tl.Profile.RTOInitial {
					fail("says the SYN's RTO stays at its initial value, and it is %v", ev.Remaining)
				}
			}
			if strings.Contains(s.why, "RTO doubled") && after.State == model.SynSent && ev.Retrans <= tl.Profile.SynLinearTimeouts {
				fail("says the RTO doubled during the linear SYN timeouts: %q", s.why)
			}
		}
	})
	for _, k := range []string{"paws", "paws-window", "ooo", "takeover", "delay", "linear"} {
		if seen[k] == 0 {
			t.Errorf("no run of the catalog has a %q event: the check tests nothing", k)
		}
	}
}
