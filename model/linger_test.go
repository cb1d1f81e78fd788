package model_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// lingerScenario: the client writes 100 bytes, sets SO_LINGER {1, linger} and closes;
// its FIN is lost finLost times; the server closes 500 ms after EOF.
func lingerScenario(linger time.Duration, finLost int) *model.Scenario {
	sc := &model.Scenario{
		ID: "linger", Exchanged: [2]int{10, 10}, ISN: [2]uint32{89, 289},
		Delay: [2]time.Duration{10 * time.Millisecond, 10 * time.Millisecond},
	}
	sc.Apps[model.A].Steps = []model.Step{
		{Call: model.CallWrite, N: 100},
		{Call: model.CallLinger, Linger: linger},
		{Call: model.CallClose},
	}
	sc.Apps[model.B].Steps = []model.Step{{On: model.OnEOF, After: 500 * time.Millisecond, Call: model.CallClose}}
	if finLost > 0 {
		sc.Faults = []model.Fault{{Action: model.FaultDrop, Side: model.A, Flags: model.FIN, Nth: 1, Times: finLost}}
	}
	return sc
}

// closeReturn finds the client's return from the blocked close().
func closeReturn(t *testing.T, tl *model.Timeline) *model.Event {
	t.Helper()
	for i := range tl.Events {
		if ev := &tl.Events[i]; ev.Kind == model.EvApp && ev.Side == model.A && ev.Call == "close -> 0" {
			return ev
		}
	}
	t.Fatalf("close() never returned:\n%s", tl.Trace())
	return nil
}

func TestLingerReturnsWhenTheFINIsACKed(t *testing.T) {
	for _, prof := range []model.Profile{model.Linux(), model.RFC9293()} {
		tl := model.Run(lingerScenario(2*time.Second, 0), prof)
		ret := closeReturn(t, tl)
		if ret.Note.Rule != model.RuleLingerDone || ret.Snap[model.A].State != model.FinWait2 {
			t.Errorf("%s: close() returned by %s in %s, want linger-done in FIN_WAIT_2", prof.Name, ret.Note.Rule, ret.Snap[model.A].State)
		}
		// It returns at the event that took FIN_WAIT_1 away, not later.
		prev := tl.At(ret.Index - 1)
		if prev.Kind != model.EvState || prev.To != model.FinWait2 || prev.T != ret.T {
			t.Errorf("%s: close() returned after %s %s at %v, want right after FIN_WAIT_2", prof.Name, prev.Kind, prev.To, prev.T)
		}
		// Blocked, the socket was no orphan; returned, it is (Linux), and Linux's
		// FIN_WAIT_2 timer runs from then.
		if tl.At(ret.Index - 1).Snap[model.A].Orphan {
			t.Errorf("%s: an orphan while close() blocked", prof.Name)
		}
		if got := ret.Snap[model.A].Orphan; got != prof.HalfDuplexClose {
			t.Errorf("%s: orphan %v after close() returned", prof.Name, got)
		}
		if next := tl.At(ret.Index + 1); prof.FinWait2Timer && !next.Snap[model.A].Timers[model.TimerFinWait2].Armed {
			t.Errorf("%s: no FIN_WAIT_2 timer after close() returned", prof.Name)
		}
	}
}

func TestLingerTimeoutSendsNoRST(t *testing.T) {
	for _, prof := range []model.Profile{model.Linux(), model.RFC9293()} {
		tl := model.Run(lingerScenario(time.Second, 4), prof)
		ret := closeReturn(t, tl)
		if ret.Note.Rule != model.RuleLingerTimeout || ret.T != time.Second || ret.Snap[model.A].State != model.FinWait1 {
			t.Errorf("%s: close() returned by %s at %v in %s, want linger-timeout at 1 s in FIN_WAIT_1", prof.Name, ret.Note.Rule, ret.T, ret.Snap[model.A].State)
		}
		for _, seg := range tl.Segments {
			if seg.Flags.Has(model.RST) {
				t.Errorf("%s: a RST was sent: %s", prof.Name, seg.Label())
			}
		}
		// The close goes on: the FIN gets through and the client ends in TIME_WAIT,
		// then CLOSED.
		if !strings.Contains(tl.Trace(), "state A TIME_WAIT") || tl.Events[tl.Len()-1].Snap[model.A].State != model.Closed {
			t.Errorf("%s: the close did not go on after close() returned:\n%s", prof.Name, tl.Trace())
		}
	}
}

// While close() blocks the socket is not an orphan, so an unanswered FIN is resent
// tcp_retries2 times; once close() has returned, tcp_orphan_retries.
func TestLingerRetriesLimit(t *testing.T) {
	p := model.Linux()
	p.Retries2, p.OrphanRetries = 5, 2
	for _, c := range []struct {
		linger time.Duration
		want   int
	}{
		{time.Hour, 5},        // blocked all along: tcp_retries2
		{time.Millisecond, 2}, // returned at once: tcp_orphan_retries
	} {
		tl := model.Run(lingerScenario(c.linger, 1000), p)
		var timedOut *model.Event
		for i := range tl.Events {
			if ev := &tl.Events[i]; ev.Kind == model.EvState && ev.Side == model.A && ev.Note.Rule == model.RuleTimedOut {
				timedOut = ev
			}
		}
		if timedOut == nil || timedOut.Note.N != c.want {
			t.Errorf("linger %v: gave up %+v, want after %d retransmissions on timeout\n%s", c.linger, timedOut, c.want, tl.Trace())
		}
	}
}
