package model

import "time"

// FaultEffect is what the faults whose turn it is do to one segment on the link.
type FaultEffect struct {
	Lost      bool
	LossAfter time.Duration // when lost: how long after sending it vanishes (0: half way)
	Extra     time.Duration // delay added to the link's own
	Dup       bool          // the link makes a copy, DupDelay later than the original
	DupDelay  time.Duration
}

// Fate is the segment's journey over a link of one-way delay d under this effect: how
// long it takes to cross (or would have), whether it is lost, and when lost, how long
// after sending it vanishes: half way, or after LossAfter, at most its whole transit.
func (fx FaultEffect) Fate(d time.Duration) (transit time.Duration, lost bool, vanish time.Duration) {
	transit = d + fx.Extra
	if !fx.Lost {
		return transit, false, 0
	}
	vanish = transit / 2
	if fx.LossAfter > 0 {
		vanish = min(fx.LossAfter, transit)
	}
	return transit, true, vanish
}

// FaultCounter decides which segments a scenario's faults act on: each fault counts
// the segments that match it (Fault.Matches), in the order they are sent, and acts on
// the Nth and the Times-1 after it. The model's link and tcpwave real's link both
// count with it, so that a fault hits the same segment in both runs.
type FaultCounter struct {
	faults []Fault
	hits   []int
}

// NewFaultCounter starts counting for faults, none seen yet.
func NewFaultCounter(faults []Fault) FaultCounter {
	return FaultCounter{faults: append([]Fault(nil), faults...), hits: make([]int, len(faults))}
}

// Faults are the faults counted.
func (c *FaultCounter) Faults() []Fault { return c.faults }

// Clone is an independent copy, counts included.
func (c *FaultCounter) Clone() FaultCounter {
	return FaultCounter{faults: append([]Fault(nil), c.faults...), hits: append([]int(nil), c.hits...)}
}

// Recount sets the counts to those of segs having been sent (a fork resumes a run
// with a new set of faults).
func (c *FaultCounter) Recount(segs []Segment) {
	for i := range c.faults {
		c.hits[i] = 0
		for j := range segs {
			if c.faults[i].Matches(&segs[j]) {
				c.hits[i]++
			}
		}
	}
}

// Count counts seg against every fault that matches it and returns what the faults
// whose turn it is do to it: drop (the first drop's LossAfter, unless a later one
// sets one where it had none), delay (added up), duplicate (not a copy again).
func (c *FaultCounter) Count(seg *Segment) FaultEffect {
	var fx FaultEffect
	for i := range c.faults {
		f := &c.faults[i]
		if !f.Matches(seg) {
			continue
		}
		c.hits[i]++
		times := max(f.Times, 1)
		if c.hits[i] < f.Nth || c.hits[i] >= f.Nth+times {
			continue
		}
		switch f.Action {
		case FaultDrop:
			if !fx.Lost || f.LossAfter > 0 && fx.LossAfter == 0 {
				fx.LossAfter = f.LossAfter
			}
			fx.Lost = true
		case FaultDelay:
			fx.Extra += f.Delay
		case FaultDuplicate:
			if !seg.Dup {
				fx.Dup, fx.DupDelay = true, f.Delay
			}
		}
	}
	return fx
}
