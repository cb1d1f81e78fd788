package view

import (
	"strings"
	"testing"

	"github.com/tcpwave/tcpwave/model"
)

// TestProfileRemarks checks that the narration says how the other profile differs
// exactly where it does, and stays quiet elsewhere.
func TestProfileRemarks(t *testing.T) {
	type want struct {
		id, prof string
		at       func(tl *model.Timeline, ev *model.Event) bool
		says     string
	}
	state := func(side model.Side, st model.State) func(*model.Timeline, *model.Event) bool {
		return func(_ *model.Timeline, ev *model.Event) bool {
			return ev.Kind == model.EvState && ev.Side == side && ev.To == st
		}
	}
	app := func(side model.Side, call string) func(*model.Timeline, *model.Event) bool {
		return func(_ *model.Timeline, ev *model.Event) bool {
			return ev.Kind == model.EvApp && ev.Side == side && ev.Call == call
		}
	}
	for _, c := range []want{
		{"client-close", "linux", isTimer(model.B, model.TimerDelayedAck), "delays this ACK up to 0.04 s"},
		{"client-close", "rfc9293", isSend(model.B, model.ACK), "Linux would hold it up to 0.04 s"},
		{"client-close", "linux", state(model.A, model.TimeWait), "fixed 60 s"},
		{"client-close", "rfc9293", state(model.A, model.TimeWait), "240 s"},
		{"client-close", "linux", isTimer(model.A, model.TimerRetransmit), "RTO = SRTT + max(4·RTTVAR, 0.2 s)"},
		{"client-close", "linux", state(model.A, model.FinWait2), "tcp_fin_timeout"},
		{"unread-data-rst", "linux", app(model.A, "close"), "Linux resets here"},
		{"unread-data-rst", "rfc9293", app(model.A, "close"), "send a RST instead of a FIN"},
		{"linger-abort", "rfc9293", isSend(model.A, model.RST), "puts the RST sender in TIME_WAIT"},
		{"fin-ack-merged", "linux", state(model.A, model.TimeWait), "passes through FIN_WAIT_2"},
		{"data-after-close-rst", "linux", isSend(model.A, model.RST), "its close() is a full close"},
		{"syn-in-time-wait-rejected", "linux", func(tl *model.Timeline, ev *model.Event) bool {
			return ev.Kind == model.EvRecv && ev.Side == model.B && tl.Segments[ev.Seg].Flags == model.SYN
		}, "RFC 6191 without timestamps drops the others silently"},
	} {
		m := sized(t, c.id, c.prof, 80, 24)
		tl := m.Timeline()
		found := false
		for i := 0; i < tl.Len() && !found; i++ {
			ev := tl.At(i)
			if !c.at(tl, ev) {
				continue
			}
			found = true
			if r := remark(En, tl, other(t, m), ev); !strings.Contains(r, c.says) {
				t.Errorf("%s/%s at %s: remark %q, want %q", c.id, c.prof, ev.TraceBody(tl), r, c.says)
			}
		}
		if !found {
			t.Errorf("%s/%s: no such event", c.id, c.prof)
		}
	}
	// Quiet where the profiles agree: arrivals and app reads say nothing.
	for _, id := range []string{"client-close", "lost-final-ack", "simultaneous-close"} {
		for _, prof := range []string{"linux", "rfc9293"} {
			m := sized(t, id, prof, 80, 24)
			tl := m.Timeline()
			for i := 0; i < tl.Len(); i++ {
				ev := tl.At(i)
				if ev.Kind == model.EvRecv || ev.Kind == model.EvDrop || ev.Kind == model.EvStart {
					if r := remark(En, tl, other(t, m), ev); r != "" {
						t.Errorf("%s/%s at %s: unexpected remark %q", id, prof, ev.TraceBody(tl), r)
					}
				}
			}
		}
	}
}

// The last event says where the story left both sides.
func TestEndingNarration(t *testing.T) {
	for _, c := range []struct{ id, prof, says string }{
		{"client-close", "linux", "The end: both sides are CLOSED"},
		{"peer-never-closes", "rfc9293", "The server stays in CLOSE_WAIT for ever"},
		{"peer-never-closes", "rfc9293", "The client stays in FIN_WAIT_2 for ever"},
		{"peer-never-closes", "linux", "The client is CLOSED. The server stays in CLOSE_WAIT for ever"},
		{"syn-in-time-wait", "linux", "The client is ESTABLISHED. The server is ESTABLISHED."},
		{"close-wait-keepalive", "rfc9293", "The run stops here, at 600.000 s"},
	} {
		m := sized(t, c.id, c.prof, 80, 24)
		tl := m.Timeline()
		if got := eventNote(En, tl, tl.At(tl.Len()-1)).why; !strings.Contains(got, c.says) {
			t.Errorf("%s/%s: ending %q, want %q", c.id, c.prof, got, c.says)
		}
		if got := eventNote(En, tl, tl.At(tl.Len()-2)).why; strings.Contains(got, "The end") {
			t.Errorf("%s/%s: the ending shows before the last event", c.id, c.prof)
		}
	}
}

// A timer line is "arms" only when the whole length remains; otherwise it is a timer
// already running that is now the side's next (here the server's keepalive, once its
// delayed ACK went out).
func TestTimerSummarySaysWhatIsLeft(t *testing.T) {
	m := sized(t, "close-wait-keepalive", "linux", 80, 24)
	tl := m.Timeline()
	var armed, left bool
	for i := range tl.Len() {
		ev := tl.At(i)
		if ev.Kind != model.EvTimer || ev.Timer >= model.NumTimers {
			continue
		}
		s := eventSummary(En, tl, ev)
		length := ev.Snap[ev.Side].Timers[ev.Timer].Length
		switch {
		case ev.Remaining == length && strings.Contains(s, " arms its "):
			armed = true
		case ev.Remaining < length && strings.Contains(s, " left of "+trimSecs(length)+" s"):
			left = true
		case ev.Remaining == length && strings.Contains(s, " restarts its "):
		default:
			t.Errorf("event %d (%s): summary %q", i, ev.TraceBody(tl), s)
		}
	}
	if !armed || !left {
		t.Errorf("want both kinds of timer summary; armed %v, left %v", armed, left)
	}
}

// A "no timer" step says which timer stopped and why.
func TestStoppedTimerNarration(t *testing.T) {
	m := sized(t, "client-close", "rfc9293", 80, 24)
	tl := m.Timeline()
	for i := range tl.Len() {
		ev := tl.At(i)
		if ev.Kind == model.EvTimer && ev.Side == model.A && ev.Timer >= model.NumTimers {
			s, n := eventSummary(En, tl, ev), eventNote(En, tl, ev).why
			if !strings.Contains(s, "Client's retransmission timer stops") || !strings.Contains(n, "acknowledged") {
				t.Errorf("at %s: %q / %q", ev.TraceBody(tl), s, n)
			}
			return
		}
	}
	t.Fatal("no timer-none event for the client")
}

// other is the other profile as the model's player resolves it.
func other(t *testing.T, m *Model) *model.Profile {
	t.Helper()
	o, ok := m.Player().Other()
	if !ok {
		t.Fatal("no other profile")
	}
	return o
}
