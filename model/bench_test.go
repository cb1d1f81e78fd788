package model_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// Simulating a catalog scenario to quiescence (TIME_WAIT expiry included).
func BenchmarkRun(b *testing.B) {
	for _, sc := range scenarios.Catalog() {
		for _, name := range model.ProfileNames {
			p, _ := sc.ProfileFor(name)
			b.Run(sc.ID+"/"+name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					model.Run(sc, p)
				}
			})
		}
	}
}

// longRun builds a scenario whose timeline has at least n events: the server streams
// small writes before the close.
func longRun(n int) *model.Timeline {
	writes := n / 4
	steps := make([]model.Step, 0, writes+1)
	for range writes {
		steps = append(steps, model.Step{After: 5 * time.Millisecond, Call: model.CallWrite, N: 100})
	}
	steps = append(steps, model.Step{After: 5 * time.Millisecond, Call: model.CallClose})
	sc := &model.Scenario{ID: "long", Title: "long", Exchanged: [2]int{10, 10}, ISN: [2]uint32{1, 1},
		Delay: [2]time.Duration{time.Millisecond, time.Millisecond},
		Apps:  [2]model.App{{Steps: []model.Step{{On: model.OnEOF, Call: model.CallClose}}}, {Steps: steps}}}
	return model.Run(sc, model.Linux())
}

// Seeking to an event costs the same on a 100-event and a 10,000-event timeline: O(1).
func BenchmarkSeek(b *testing.B) {
	for _, n := range []int{100, 10000} {
		tl := longRun(n)
		if tl.Len() < n {
			b.Fatalf("timeline has %d events, want ≥ %d", tl.Len(), n)
		}
		b.Run(fmt.Sprintf("events=%d", tl.Len()), func(b *testing.B) {
			i, sum := 0, 0
			for b.Loop() {
				i = (i*7919 + 13) % tl.Len()
				sum += int(tl.At(i).Snap[0].State)
			}
			_ = sum
		})
	}
}

// Forking near the end of a long timeline resumes from a checkpoint instead of
// recomputing the whole past.
func BenchmarkForkLate(b *testing.B) {
	for _, n := range []int{100, 10000} {
		tl := longRun(n)
		cursor := tl.Len() - 8
		c, ok := tl.DropTarget(cursor, tl.At(cursor).T)
		f := c.Fault
		if !ok {
			b.Fatal("nothing to drop")
		}
		b.Run(fmt.Sprintf("events=%d", tl.Len()), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tl.Fork(f)
			}
		})
	}
}
