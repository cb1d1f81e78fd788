package model_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// sameRun reports how two timelines of one scenario differ ("" if they do not): every
// event with both snapshots, every segment, and how the run ended.
func sameRun(a, b *model.Timeline) string {
	if a.Truncated != b.Truncated || a.Stopped != b.Stopped {
		return "the runs end differently"
	}
	if len(a.Segments) != len(b.Segments) {
		return fmt.Sprintf("%d segments against %d", len(a.Segments), len(b.Segments))
	}
	for i := range a.Segments {
		if a.Segments[i] != b.Segments[i] {
			return fmt.Sprintf("segment %d: %+v against %+v", i, a.Segments[i], b.Segments[i])
		}
	}
	for i := range min(a.Len(), b.Len()) {
		if *a.At(i) != *b.At(i) {
			return fmt.Sprintf("event %d: %s against %s", i, a.At(i).TraceLine(a), b.At(i).TraceLine(b))
		}
	}
	if a.Len() != b.Len() {
		return fmt.Sprintf("%d events against %d", a.Len(), b.Len())
	}
	return ""
}

// extra is the faults of tl beyond the scenario's own: what Run must be given to
// reproduce it.
func extra(tl *model.Timeline) []model.Fault { return tl.Faults[len(tl.Scenario.Faults):] }

// TestForkUndoSeekSequences plays random sequences of drops (at any segment, in flight
// or not, anywhere along its path), undos and seeks on every catalog scenario under
// both profiles, as a user pressing d, u and the arrows would, and checks that nothing
// panics and that every timeline on the stack is exactly what a fresh run with the
// same faults gives.
func TestForkUndoSeekSequences(t *testing.T) {
	ops := 240
	if testing.Short() || raceOn {
		ops = 40 // under the race detector, a smoke run: the exhaustive one runs without
	}
	for _, sc := range scenarios.Catalog() {
		for _, name := range model.ProfileNames {
			t.Run(sc.ID+"/"+name, func(t *testing.T) {
				p, err := sc.ProfileFor(name)
				if err != nil {
					t.Fatal(err)
				}
				r := rand.New(rand.NewPCG(uint64(len(sc.ID)), uint64(len(name))))
				cli := []model.Fault(nil)
				if r.IntN(3) == 0 { // sometimes a --drop from the command line too
					cli = append(cli, model.Fault{Action: model.FaultDrop, Side: model.Side(r.IntN(2)), Nth: 1 + r.IntN(3), Times: 1})
				}
				stack := []*model.Timeline{model.Run(sc, p, cli...)}
				cursor := 0
				var log []string
				for op := range ops {
					tl := stack[len(stack)-1]
					switch k := r.IntN(10); {
					case k < 5: // drop at a random point of the story
						cursor = r.IntN(tl.Len())
						now := tl.At(cursor).T
						if cursor+1 < tl.Len() {
							now += time.Duration(r.Int64N(int64(tl.At(cursor+1).T-now) + 1))
						}
						c, ok := tl.DropTarget(cursor, now)
						if !ok {
							continue
						}
						log = append(log, fmt.Sprintf("drop at %d/%v: %v", cursor, now, c.Fault))
						forked := tl.Fork(c.Fault)
						if !forked.Segments[c.Seg.ID].Lost {
							t.Fatalf("after %v: the targeted segment %d is not lost", log, c.Seg.ID)
						}
						stack = append(stack, forked)
					case k < 7: // drop a segment chosen directly, the --drop way
						i := r.IntN(len(tl.Segments))
						if tl.Segments[i].Lost {
							continue
						}
						f := tl.FaultFor(i)
						log = append(log, fmt.Sprintf("drop segment %d: %v", i, f))
						stack = append(stack, tl.Fork(f))
					case k < 9: // undo
						if len(stack) == 1 {
							if _, ok := tl.Undo(); ok {
								t.Fatalf("Undo of a timeline with no injected fault reported true")
							}
							continue
						}
						undone, ok := tl.Undo()
						if !ok {
							t.Fatalf("after %v: Undo reported nothing to undo", log)
						}
						log = append(log, "undo")
						stack = stack[:len(stack)-1]
						if d := sameRun(undone, stack[len(stack)-1]); d != "" {
							t.Fatalf("after %v: undo does not give back the timeline before: %s", log, d)
						}
					default: // seek
						cursor = r.IntN(tl.Len())
						if ev := tl.At(cursor); ev.Index != cursor || tl.IndexAt(ev.T) < cursor {
							t.Fatalf("seek to %d: event %d, IndexAt %d", cursor, ev.Index, tl.IndexAt(ev.T))
						}
						continue
					}
					top := stack[len(stack)-1]
					fresh := model.Run(sc, p, extra(top)...)
					if d := sameRun(top, fresh); d != "" {
						t.Fatalf("op %d, after %v: the timeline differs from a fresh run with the same faults: %s", op, log, d)
					}
				}
			})
		}
	}
}

// TestDropAgainAfterRetransmission is the crash of the issue: drop the FIN, step to its
// retransmission in flight, drop again.
func TestDropAgainAfterRetransmission(t *testing.T) {
	for _, id := range []string{"client-close", "lost-final-ack", "server-close", "simultaneous-close"} {
		sc, _ := scenarios.Lookup(id)
		for _, name := range model.ProfileNames {
			p, _ := sc.ProfileFor(name)
			tl := model.Run(sc, p)
			c, ok := tl.DropTarget(0, 0)
			if !ok {
				t.Fatalf("%s: nothing to drop at the start", id)
			}
			tl = tl.Fork(c.Fault)
			dropped := false
			for i := range tl.Len() {
				ev := tl.At(i)
				if ev.Kind != model.EvSend || tl.Segments[ev.Seg].Retrans == 0 {
					continue
				}
				c, ok := tl.DropTarget(i, ev.T)
				if !ok || c.Seg.ID != ev.Seg {
					t.Fatalf("%s/%s: at the retransmission, drop targets %v", id, name, c.Seg)
				}
				twice := tl.Fork(c.Fault)
				if d := sameRun(twice, model.Run(sc, p, extra(twice)...)); d != "" {
					t.Fatalf("%s/%s: %s", id, name, d)
				}
				dropped = true
				break
			}
			if !dropped {
				t.Fatalf("%s/%s: no retransmission after the first drop", id, name)
			}
		}
	}
}

// A copy made by the link (an old duplicate) can be lost too, and only it.
func TestDropTheOldDuplicate(t *testing.T) {
	sc, _ := scenarios.Lookup("old-duplicate-no-time-wait")
	tl := model.Run(sc, model.Linux())
	dup := -1
	for i, s := range tl.Segments {
		if s.Dup {
			dup = i
		}
	}
	if dup < 0 {
		t.Fatal("no copy in old-duplicate-no-time-wait")
	}
	cursor := tl.SendEvent(dup) + 1
	for tl.Flying(dup, cursor) && !onlyFlying(tl, dup, cursor) {
		cursor++
	}
	c, ok := tl.DropTarget(cursor, tl.At(cursor).T)
	if !ok || c.Seg.ID != dup || !c.Fault.Copy {
		t.Fatalf("drop while only the copy flies: %+v", c)
	}
	forked := tl.Fork(c.Fault)
	if !forked.Segments[dup].Lost || forked.Segments[dup-1].Lost {
		t.Fatal("the fork did not lose the copy, and the copy alone")
	}
	if d := sameRun(forked, model.Run(sc, model.Linux(), c.Fault)); d != "" {
		t.Fatal(d)
	}
}

func onlyFlying(tl *model.Timeline, id, cursor int) bool {
	for i := range tl.Segments {
		if i != id && tl.Flying(i, cursor) {
			return false
		}
	}
	return true
}
