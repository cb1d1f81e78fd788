package model_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// finalOK lists the states a run may legally end in when nothing is left to happen:
// CLOSED; ESTABLISHED (a new incarnation, or a peer that never heard of the close);
// and the documented stuck states with no timer in the profile: CLOSE_WAIT (the app
// never calls close) and FIN_WAIT_2 (RFC 9293 has no timer there; Linux only for
// orphans).
var finalOK = map[model.State]bool{
	model.Closed: true, model.Established: true, model.CloseWait: true, model.FinWait2: true,
}

// randomFaults picks 1 to 3 drops of early segments.
func randomFaults(r *rand.Rand) []model.Fault {
	n := 1 + r.IntN(3)
	var fs []model.Fault
	for range n {
		fs = append(fs, model.Fault{Action: model.FaultDrop, Side: model.Side(r.IntN(2)), Nth: 1 + r.IntN(6), Times: 1 + r.IntN(2), Injected: true})
	}
	return fs
}

func TestPropertiesUnderRandomFaults(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, sc := range scenarios.Catalog() {
		for _, name := range model.ProfileNames {
			p, err := sc.ProfileFor(name)
			if err != nil {
				t.Fatal(err)
			}
			for trial := range 40 {
				faults := randomFaults(r)
				tl := model.Run(sc, p, faults...)
				where := fmt.Sprintf("%s/%s trial %d faults %v", sc.ID, name, trial, faults)
				checkTimeline(t, where, tl)
				// Same input, same timeline, byte for byte.
				if again := model.Run(sc, p, faults...); again.Trace() != tl.Trace() {
					t.Fatalf("%s: not deterministic", where)
				}
			}
		}
	}
}

func checkTimeline(t *testing.T, where string, tl *model.Timeline) {
	t.Helper()
	if tl.Truncated {
		t.Fatalf("%s: never went quiet", where)
	}
	last := tl.Events[len(tl.Events)-1]
	for side := model.A; side <= model.B; side++ {
		e := last.Snap[side]
		if tl.Stopped {
			break // stopped at the scenario's until: the story goes on
		}
		if !finalOK[e.State] {
			t.Errorf("%s: %s ends in %s", where, side, e.State)
		}
		for k, tm := range e.Timers {
			if tm.Armed {
				t.Errorf("%s: %s ends with timer %s armed", where, side, model.TimerKind(k))
			}
		}
	}
	prevT := tl.Events[0].T
	for i := range tl.Events {
		ev := &tl.Events[i]
		if ev.T < prevT {
			t.Fatalf("%s: time goes backwards at event %d", where, i)
		}
		prevT = ev.T
		for side := model.A; side <= model.B; side++ {
			e := ev.Snap[side]
			if e.State.String()[0] == 'S' && e.State.String() == fmt.Sprintf("State(%d)", uint8(e.State)) {
				t.Fatalf("%s: state outside RFC 9293", where)
			}
			if _, ok := model.ParseState(e.State.String()); !ok {
				t.Fatalf("%s: state %v outside RFC 9293", where, e.State)
			}
			// SND.UNA ≤ SND.NXT, and nothing beyond SND.NXT is ever acknowledged.
			if int32(e.SndNxt-e.SndUna) < 0 {
				t.Fatalf("%s event %d: %s SND.UNA %d > SND.NXT %d", where, i, side, e.SndUna, e.SndNxt)
			}
			// A FIN takes exactly one sequence number.
			if e.FinSent && e.State != model.Closed && e.ISS == ev.Snap[side].ISS {
				if int32(e.SndNxt-e.FinSeq) != 1 {
					t.Fatalf("%s event %d: %s FIN at %d but SND.NXT %d", where, i, side, e.FinSeq, e.SndNxt)
				}
			}
		}
		if ev.Kind == model.EvRecv {
			seg := tl.Segments[ev.Seg]
			if seg.Lost {
				t.Fatalf("%s: a lost segment was delivered", where)
			}
		}
	}
	// Sequence space: what a side sent adds up to where its SND.NXT ended (per
	// incarnation: the ISN bases segments).
	for side := model.A; side <= model.B; side++ {
		e := last.Snap[side]
		var top uint32
		seen := false
		for _, s := range tl.Segments {
			if s.From != side || s.SeqBase != e.ISS || s.Flags.Has(model.RST) || s.Dup {
				continue
			}
			end := s.Seq + s.SeqSpace()
			if !seen || int32(end-top) > 0 {
				top, seen = end, true
			}
		}
		if seen && e.State != model.Closed && top != e.SndNxt {
			t.Errorf("%s: %s sent up to %d but SND.NXT is %d", where, side, top, e.SndNxt)
		}
	}
}

// Forking at a fault gives exactly what a fresh run with that fault gives, and leaves
// the original timeline untouched; Undo gives back the original.
func TestForkEqualsFreshRun(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, sc := range scenarios.Catalog() {
		for _, name := range model.ProfileNames {
			p, _ := sc.ProfileFor(name)
			base := model.Run(sc, p)
			before := base.Trace()
			for range 10 {
				cursor := r.IntN(base.Len())
				c, ok := base.DropTarget(cursor, base.At(cursor).T)
				if !ok {
					continue
				}
				f, seg := c.Fault, c.Seg
				forked := base.Fork(f)
				fresh := model.Run(sc, p, f)
				if forked.Trace() != fresh.Trace() {
					t.Fatalf("%s/%s: fork at %d (%v) differs from a fresh run", sc.ID, name, cursor, f)
				}
				if !forked.Segments[seg.ID].Lost {
					t.Fatalf("%s/%s: the targeted segment %d was not lost in the fork", sc.ID, name, seg.ID)
				}
				// The prefix before the dropped segment's send is shared, not recomputed.
				for i := 0; i < base.Len() && base.At(i).T < seg.SentAt; i++ {
					if base.At(i).TraceLine(base) != forked.At(i).TraceLine(forked) {
						t.Fatalf("%s/%s: fork changed the past at event %d", sc.ID, name, i)
					}
				}
				undone, ok := forked.Undo()
				if !ok || undone.Trace() != before {
					t.Fatalf("%s/%s: undo did not restore the timeline", sc.ID, name)
				}
				// A fault given to Run (a --drop) survives undoing an injected one.
				cli := model.Fault{Action: model.FaultDrop, Side: model.A, Nth: 1, Times: 1}
				withCLI := model.Run(sc, p, cli)
				if c2, ok := withCLI.DropTarget(cursor, withCLI.At(min(cursor, withCLI.Len()-1)).T); ok {
					back, _ := withCLI.Fork(c2.Fault).Undo()
					if back.Trace() != withCLI.Trace() {
						t.Fatalf("%s/%s: undo lost a fault given to Run", sc.ID, name)
					}
				}
				if base.Trace() != before {
					t.Fatalf("%s/%s: fork modified the original timeline", sc.ID, name)
				}
			}
		}
	}
}

// Seeking is exact: the snapshot at an event is the same however you got there.
func TestSeekIsStable(t *testing.T) {
	sc, _ := scenarios.Lookup("lost-final-ack")
	tl := model.Run(sc, model.Linux())
	for i := range tl.Len() {
		ev := tl.At(i)
		if ev.Index != i || tl.IndexAt(ev.T) < i && tl.At(tl.IndexAt(ev.T)).T != ev.T {
			t.Fatalf("event %d: index %d, IndexAt(%v) = %d", i, ev.Index, ev.T, tl.IndexAt(ev.T))
		}
	}
}
