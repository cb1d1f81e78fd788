package model_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// The timestamp and out-of-order rules hold in every catalog run, under random drops:
// a side's TSval never goes back; TS.Recent never goes back within a connection; no
// byte is accepted from a segment that fails PAWS; the out-of-order queue stays
// within its bound and holds only segments beyond RCV.NXT.
func TestKernelPropertiesUnderRandomFaults(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 18))
	for _, sc := range scenarios.Catalog() {
		for _, name := range model.ProfileNames {
			for _, ts := range []string{"0", "1"} {
				p, err := sc.ProfileFor(name, model.Override{Knob: "tcp_timestamps", Value: ts})
				if err != nil {
					t.Fatal(err)
				}
				for trial := range 20 {
					faults := randomFaults(r)
					tl := model.Run(sc, p, faults...)
					checkKernel(t, fmt.Sprintf("%s/%s ts=%s trial %d faults %v", sc.ID, name, ts, trial, faults), tl)
				}
			}
		}
	}
}

func checkKernel(t *testing.T, where string, tl *model.Timeline) {
	t.Helper()
	var lastTS [2]uint32
	var seenTS [2]bool
	for _, s := range tl.Segments {
		if s.Dup || !s.HasTS {
			continue
		}
		if seenTS[s.From] && int32(s.TSval-lastTS[s.From]) < 0 {
			t.Fatalf("%s: %s's TSval went back from %d to %d (segment %d)", where, s.From, lastTS[s.From], s.TSval, s.ID)
		}
		lastTS[s.From], seenTS[s.From] = s.TSval, true
	}
	// SACK options (RFC 2018): only when the profile negotiates them, never on a RST,
	// blocks well formed, at most 3 beside timestamps (the 40 bytes of options).
	for _, s := range tl.Segments {
		if (s.SACK.Permitted || s.SACK.N > 0) && (!tl.Profile.SACK || s.Flags.Has(model.RST)) {
			t.Fatalf("%s: segment %d carries SACK options (profile SACK=%v, %s)", where, s.ID, tl.Profile.SACK, s.Flags)
		}
		if s.HasTS && s.SACK.N > 3 {
			t.Fatalf("%s: segment %d carries %d SACK blocks beside timestamps", where, s.ID, s.SACK.N)
		}
		for _, b := range s.SACK.Blocks[:s.SACK.N] {
			if int32(b.End-b.Start) <= 0 {
				t.Fatalf("%s: segment %d has an empty SACK block %d-%d", where, s.ID, b.Start, b.End)
			}
		}
	}
	for i := 1; i < len(tl.Events); i++ {
		ev, prev := &tl.Events[i], &tl.Events[i-1]
		for side := model.A; side <= model.B; side++ {
			e, b := &ev.Snap[side], &prev.Snap[side]
			if e.NOOO < 0 || e.NOOO > len(e.OOO) {
				t.Fatalf("%s event %d: %s holds %d out-of-order segments", where, i, side, e.NOOO)
			}
			for _, h := range e.OOO[:e.NOOO] {
				if int32(h.Seq-e.RcvNxt) <= 0 {
					t.Fatalf("%s event %d: %s holds seq %d, not beyond RCV.NXT %d", where, i, side, h.Seq, e.RcvNxt)
				}
			}
			// (After 24 days a TS.Recent may be replaced by anything: RFC 7323 §5.5.)
			if e.ISS == b.ISS && e.TSRecentSet && b.TSRecentSet && int32(e.TSRecent-b.TSRecent) < 0 &&
				ev.T < b.TSRecentAt+24*24*time.Hour {
				t.Fatalf("%s event %d: %s TS.Recent went back from %d to %d", where, i, side, b.TSRecent, e.TSRecent)
			}
		}
		if ev.Kind != model.EvRecv {
			continue
		}
		seg := &tl.Segments[ev.Seg]
		b, e := &prev.Snap[ev.Side], &ev.Snap[ev.Side]
		// PAWS (RFC 7323 §5.3): a segment older than TS.Recent by more than the
		// window delivers nothing.
		if b.TSOK && b.TSRecentSet && seg.HasTS && int32(b.TSRecent-seg.TSval) > 1 &&
			e.ISS == b.ISS && e.RcvNxt != b.RcvNxt && b.State.Synchronized() {
			t.Fatalf("%s event %d: %s accepted a segment that fails PAWS", where, i, ev.Side)
		}
	}
}

// SYN retransmission on Linux 6.18: tcp_syn_linear_timeouts = 4 keeps the first
// retransmissions at the initial RTO, and adds 4 to tcp_syn_retries = 6: 10
// retransmissions at +1 +1 +1 +1 +1 +2 +4 +8 +16 +32 s, then ETIMEDOUT 64 s later.
func TestSynLinearTimeouts(t *testing.T) {
	sc, ok := scenarios.Lookup("syn-in-time-wait")
	if !ok {
		t.Fatal("no syn-in-time-wait")
	}
	drop := model.Fault{Action: model.FaultDrop, Side: model.A, Flags: model.SYN, Exact: true, Nth: 1, Times: 100}
	for _, c := range []struct {
		profile string
		gaps    []int // seconds between SYNs
		giveUp  int   // seconds from the last SYN to ETIMEDOUT
	}{
		{"linux", []int{1, 1, 1, 1, 1, 2, 4, 8, 16, 32}, 64},
		{"rfc9293", []int{1, 2, 4, 8, 16, 32, 60, 60}, 60},
	} {
		p, _ := sc.ProfileFor(c.profile)
		tl := model.Run(sc, p, drop)
		var syns []time.Duration
		var timedOut time.Duration
		for _, ev := range tl.Events {
			if ev.Kind == model.EvSend && ev.Side == model.A && tl.Segments[ev.Seg].Flags == model.SYN {
				syns = append(syns, ev.T)
			}
			if ev.Kind == model.EvApp && ev.Side == model.A && ev.Call == "connect -> error ETIMEDOUT" {
				timedOut = ev.T
			}
		}
		if len(syns) != len(c.gaps)+1 {
			t.Fatalf("%s: %d SYNs, want %d", c.profile, len(syns), len(c.gaps)+1)
		}
		for i, g := range c.gaps {
			if d := syns[i+1] - syns[i]; d != time.Duration(g)*time.Second {
				t.Errorf("%s: SYN %d came %v after the one before, want %ds", c.profile, i+1, d, g)
			}
		}
		if d := timedOut - syns[len(syns)-1]; d != time.Duration(c.giveUp)*time.Second {
			t.Errorf("%s: ETIMEDOUT %v after the last SYN, want %ds", c.profile, d, c.giveUp)
		}
	}
}

// hz sets the jiffy: the quick SYN re-send after a RST is 2 jiffies (8 ms at 250 Hz,
// 2 ms at 1000 Hz).
func TestQuickRetryIsTwoJiffies(t *testing.T) {
	sc, ok := scenarios.Lookup("syn-in-time-wait-rejected")
	if !ok {
		t.Fatal("no syn-in-time-wait-rejected")
	}
	for hz, want := range map[string]time.Duration{"250": 8 * time.Millisecond, "1000": 2 * time.Millisecond, "100": 20 * time.Millisecond} {
		p, err := sc.ProfileFor("linux", model.Override{Knob: "hz", Value: hz})
		if err != nil {
			t.Fatal(err)
		}
		tl := model.Run(sc, p)
		var rst, resend time.Duration
		for _, ev := range tl.Events {
			if ev.Kind != model.EvSend || ev.Side != model.A {
				continue
			}
			switch seg := tl.Segments[ev.Seg]; {
			case seg.Flags == model.RST && rst == 0:
				rst = ev.T
			case seg.Flags == model.SYN && seg.Retrans == 1:
				resend = ev.T
			}
		}
		if resend-rst != want {
			t.Errorf("hz=%s: the SYN went again %v after the RST, want %v", hz, resend-rst, want)
		}
	}
}

// A burst whose first segment is late fills the out-of-order queue: the segments
// beyond its bound are dropped, answered by duplicate ACKs, and retransmitted; in the
// end every byte is read once and in order.
func TestOutOfOrderQueueBound(t *testing.T) {
	var steps []model.Step
	for range 7 {
		steps = append(steps, model.Step{After: time.Millisecond, Call: model.CallWrite, N: 100})
	}
	steps = append(steps, model.Step{After: time.Millisecond, Call: model.CallClose})
	sc := &model.Scenario{ID: "ooo-burst", Title: "burst", Exchanged: [2]int{10, 10}, ISN: [2]uint32{1000, 5000},
		Delay:  [2]time.Duration{10 * time.Millisecond, 10 * time.Millisecond},
		Faults: []model.Fault{{Action: model.FaultDelay, Side: model.B, Flags: model.PSH, Nth: 1, Delay: 30 * time.Millisecond}},
		Apps:   [2]model.App{{Steps: []model.Step{{On: model.OnEOF, Call: model.CallClose}}}, {Steps: steps}}}
	for _, name := range model.ProfileNames {
		p, _ := model.ProfileByName(name)
		tl := model.Run(sc, p)
		checkKernel(t, "ooo-burst/"+name, tl)
		full, read := 0, 0
		for _, ev := range tl.Events {
			if ev.Note.Rule == model.RuleOOOFull {
				full++
			}
		}
		last := tl.Events[len(tl.Events)-1].Snap[model.A]
		read = last.Read
		if full == 0 {
			t.Errorf("%s: the queue never overflowed", name)
		}
		if read != 10+700 {
			t.Errorf("%s: the client read %d bytes, want 710", name, read)
		}
	}
}

// A passive open resends its SYN|ACK tcp_synack_retries times (Linux 5, doubling from
// 1 s, no linear timeouts), gives up 32 s after the last, and tells no app: nobody
// accept()ed it.
func TestSynAckRetries(t *testing.T) {
	sc := &model.Scenario{ID: "synack", Title: "synack", Exchanged: [2]int{10, 10}, ISN: [2]uint32{89, 289},
		Delay:  [2]time.Duration{10 * time.Millisecond, 10 * time.Millisecond},
		Faults: []model.Fault{{Action: model.FaultDrop, Side: model.B, Flags: model.SYN | model.ACK, Exact: true, Nth: 1, Times: 100}},
		Apps: [2]model.App{
			{Steps: []model.Step{{On: model.OnEOF, After: 200 * time.Millisecond, Call: model.CallClose},
				{After: time.Second, Call: model.CallConnect, ISN: 100000, HasISN: true}}},
			{Steps: []model.Step{{Call: model.CallClose}}}}}
	// The timer alone: the client's retransmitted SYNs are not answered here.
	p := model.Linux()
	p.SynAckOnSyn = false
	tl := model.Run(sc, p)
	var synacks []time.Duration
	var gaveUp time.Duration
	for _, ev := range tl.Events {
		if ev.Kind == model.EvSend && ev.Side == model.B && tl.Segments[ev.Seg].Flags == model.SYN|model.ACK {
			synacks = append(synacks, ev.T)
		}
		if ev.Kind == model.EvState && ev.Side == model.B && ev.Note.Rule == model.RuleTimedOut && gaveUp == 0 {
			gaveUp = ev.T
			if ev.Note.N != p.SynAckRetries {
				t.Errorf("gave up after %d retransmissions, want %d", ev.Note.N, p.SynAckRetries)
			}
		}
		if ev.Kind == model.EvApp && ev.Side == model.B && strings.Contains(ev.Call, "ETIMEDOUT") {
			t.Errorf("the server's app is told %q of a connection it never accepted", ev.Call)
		}
	}
	if len(synacks) < 6 {
		t.Fatalf("SYN|ACKs at %v", synacks)
	}
	for i, g := range []int{1, 2, 4, 8, 16} {
		if d := synacks[i+1] - synacks[i]; d != time.Duration(g)*time.Second {
			t.Errorf("SYN|ACK %d came %v after the one before, want %ds", i+1, d, g)
		}
	}
	if d := gaveUp - synacks[5]; d != 32*time.Second {
		t.Errorf("gave up %v after the last SYN|ACK, want 32s", d)
	}
}

// Linux answers a retransmitted SYN in SYN_RECEIVED with the SYN|ACK at once
// (tcp_check_req, inet_rtx_syn_ack), outside the retry count, and restarts the timer.
func TestSynAckOnRetransmittedSyn(t *testing.T) {
	sc := &model.Scenario{ID: "synack", Title: "synack", Exchanged: [2]int{10, 10}, ISN: [2]uint32{89, 289},
		Delay:  [2]time.Duration{10 * time.Millisecond, 10 * time.Millisecond},
		Faults: []model.Fault{{Action: model.FaultDrop, Side: model.B, Flags: model.SYN | model.ACK, Exact: true, Nth: 1, Times: 3}},
		Apps: [2]model.App{
			{Steps: []model.Step{{On: model.OnEOF, After: 200 * time.Millisecond, Call: model.CallClose},
				{After: time.Second, Call: model.CallConnect, ISN: 100000, HasISN: true}}},
			{Steps: []model.Step{{Call: model.CallClose}}}}}
	tl := model.Run(sc, model.Linux())
	answered := 0
	for i, ev := range tl.Events {
		if ev.Kind != model.EvRecv || ev.Side != model.B || ev.Note.Rule != model.RuleSynAgain {
			continue
		}
		next := tl.Events[i+1]
		if next.Kind != model.EvSend || next.T != ev.T || tl.Segments[next.Seg].Cause != model.CauseSynAgain ||
			tl.Segments[next.Seg].Flags != model.SYN|model.ACK {
			t.Fatalf("a retransmitted SYN at %v was not answered by a SYN|ACK at once", ev.T)
		}
		if k, tm, ok := next.Snap[model.B].NextTimer(); !ok || k != model.TimerRetransmit || tm.Deadline != ev.T+tm.Length {
			t.Errorf("the SYN|ACK timer did not restart at %v", ev.T)
		}
		answered++
	}
	last := tl.Events[len(tl.Events)-1].Snap
	if answered == 0 || last[model.A].State != model.Established || last[model.B].State != model.Established {
		t.Errorf("%d SYNs answered; the run ends %s/%s", answered, last[model.A].State, last[model.B].State)
	}
}
