package view

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// flying returns a model of client-close at w×h, with the first FIN half-way across.
func flying(tb testing.TB, w, h int) *Model {
	tb.Helper()
	m := mustNew(tb, Options{})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	for m.Timeline().At(m.Cursor()).Kind != EvSendKind() {
		m.play.Jump(m.Cursor() + 1)
	}
	seg := &m.Timeline().Segments[m.Timeline().At(m.Cursor()).Seg]
	m.play.Seek(m.Cursor(), seg.SentAt+(seg.ArriveAt-seg.SentAt)/2)
	m.updateKeys()
	return m
}

func benchView(b *testing.B, w, h int) {
	m := flying(b, w, h)
	m.View()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.play.Seek(m.Cursor(), m.Now()+time.Microsecond) // a new frame each time, as while playing
		_ = m.View()
	}
}

// BenchmarkView80x24 measures one frame at 80×24 while a segment flies.
func BenchmarkView80x24(b *testing.B) { benchView(b, 80, 24) }

// BenchmarkView200x60 measures one frame at 200×60 while a segment flies.
func BenchmarkView200x60(b *testing.B) { benchView(b, 200, 60) }

// BenchmarkLayout measures laying out a diagram (once per timeline and width: at the
// start, on a resize, a drop or a profile switch).
func BenchmarkLayout(b *testing.B) {
	for _, id := range []string{"client-close", "simultaneous-close", "old-duplicate", "half-close"} {
		for _, w := range []int{80, 200} {
			tl := mustNew(b, Options{Scenario: scenario(b, id)}).tl
			b.Run(fmt.Sprintf("%s/%d", id, w), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					newDiagram(tl, w, false, false)
				}
			})
		}
	}
}
