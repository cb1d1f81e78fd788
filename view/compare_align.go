package view

import (
	"sort"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// CompareStep is one step of a side-by-side comparison: an event of the model's
// timeline, of the other one (the kernel's run, or a capture), or of both when they
// are the same event, and how the two differ there. Ev holds each event's index in
// its timeline, -1 where that side has none.
type CompareStep struct {
	Mark RealMark
	Ev   [2]int
}

// compareQuantum is how close in time events are drawn as one instant in the
// comparison: a kernel does in a few microseconds, one after the other, what the model
// does in one instant (a call, its state, its segment), and the time column shows ms.
const compareQuantum = time.Millisecond

// alignedPair is the two diagrams of a comparison laid out on one time axis: every
// event that both timelines have is on the same row in both.
type alignedPair struct {
	d      [2]*diagram
	lead   [2]int // rows drawn blank above each diagram's first row
	width  int
	tall   bool
	rows   int
	stepAt []int // the row of each step
}

// alignDiagrams lays out both timelines at width and pushes rows down, on one side or
// the other, until each step's two events share a row: a step whose event on one side
// comes on a higher row than on the other gets rows added before that event's instant
// (the diagram's grow, the same room it adds where arrows are crowded). Events at the
// same instant cannot be pulled apart, and a pair out of order with an earlier one
// cannot be aligned without undoing it: those stay on their own rows.
func alignDiagrams(tls [2]*model.Timeline, steps []CompareStep, width int, tall bool) *alignedPair {
	p := &alignedPair{width: width, tall: tall}
	for s := range p.d {
		p.d[s] = newDiagramIn(tls[s], width, tall, false, compareQuantum)
	}
	if p.d[0].tooBig == nil && p.d[1].tooBig == nil {
		var add [2][]int
		add, p.lead = p.shifts(steps)
		for s := range p.d {
			if add[s] == nil {
				continue
			}
			d := p.d[s]
			grow := make([]int, len(d.times))
			copy(grow, d.grow)
			for k, n := range add[s] {
				grow[k] += n
			}
			nd := layOut(tls[s], width, tall, false, compareQuantum, d.extra, grow, layoutBudget)
			if !nd.labelsWhole() && nd.budget > 0 {
				nd.layArrows(true)
			}
			p.d[s] = nd
		}
	}
	p.stepAt = make([]int, len(steps))
	for j, st := range steps {
		p.stepAt[j] = p.rowOfStep(st)
	}
	p.rows = max(p.d[0].rows+p.lead[0], p.d[1].rows+p.lead[1])
	return p
}

// shifts is how many rows to add after each instant's block, on each side (nil:
// none), and how many above the first (lead).
func (p *alignedPair) shifts(steps []CompareStep) (add [2][]int, lead [2]int) {
	shift := func(s, k int) int {
		n := lead[s]
		for _, a := range add[s][:k] {
			n += a
		}
		return n
	}
	for s := range add {
		add[s] = make([]int, len(p.d[s].times))
	}
	last := [2]int{-1, -1} // the block of each side's last aligned event
	for _, st := range steps {
		if st.Ev[0] < 0 || st.Ev[1] < 0 {
			continue
		}
		var row, k [2]int
		for s := range row {
			k[s] = instantOf(p.d[s], st.Ev[s])
			row[s] = p.d[s].evRow[st.Ev[s]] + shift(s, k[s])
		}
		lo := 0 // the side whose event is higher up
		if row[1] < row[0] {
			lo = 1
		}
		// Rows added at or before the block of an event already aligned would move it
		// too: one instant of the model often holds what the kernel spreads over a few
		// microseconds (a call, its state, its segment). Those stay where they are; the
		// next instant lines up again.
		switch d := row[1-lo] - row[lo]; {
		case d <= 0 || k[lo] <= last[lo]:
		case k[lo] > 0:
			add[lo][k[lo]-1] += d
		default:
			lead[lo] += d
		}
		last = k
	}
	for s := range add {
		if shift(s, len(add[s])) == lead[s] {
			add[s] = nil
		}
	}
	return add, lead
}

// instantOf is the instant (block) of event i in d.
func instantOf(d *diagram, i int) int {
	return max(0, sort.Search(len(d.tEv), func(k int) bool { return d.tEv[k] > i })-1)
}

// rowOn is the row of a step's event on side s, or the step's row when s has none.
func (p *alignedPair) rowOn(j, s int, st CompareStep) int {
	if i := st.Ev[s]; i >= 0 && p.d[s].tooBig == nil {
		return p.d[s].evRow[i] + p.lead[s]
	}
	return p.stepAt[j]
}

// rowOfStep is the row of a step: its model event's, else its other event's.
func (p *alignedPair) rowOfStep(st CompareStep) int {
	for s := range st.Ev {
		if i := st.Ev[s]; i >= 0 && p.d[s].tooBig == nil {
			return p.d[s].evRow[i] + p.lead[s]
		}
	}
	return 0
}

// compareCursors is, for each step, the event each side has reached: everything
// before the next step's event of that side, and at least every event of the steps
// so far.
func compareCursors(tls [2]*model.Timeline, steps []CompareStep) [][2]int {
	out := make([][2]int, len(steps))
	for s := range 2 {
		next := tls[s].Len() // the smallest event of this side in the steps after j
		for j := len(steps) - 1; j >= 0; j-- {
			out[j][s] = next - 1
			if i := steps[j].Ev[s]; i >= 0 {
				next = min(next, i)
			}
		}
		reached := 0
		for j := range steps {
			if i := steps[j].Ev[s]; i >= 0 {
				reached = max(reached, i)
			}
			out[j][s] = max(out[j][s], reached)
		}
	}
	return out
}
