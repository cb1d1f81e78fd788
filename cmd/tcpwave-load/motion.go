package main

import (
	"slices"
	"time"
)

// motion is how a client's frames came while something moved: a gap between two
// frames of at most the hold threshold is motion; a longer one is the UI holding an
// event still (it rightly draws nothing then), or a stall. frames/s during motion is
// the motion frames over the time they took; share is that time over the window, so a
// client whose frames stall shows it there (compare it with the presenter's).
type motion struct {
	fps    float64       // frames per second during motion
	p95Gap time.Duration // the 95th percentile of the gaps during motion
	share  float64       // the part of the window in motion, 0..1
	frames int           // the frames counted (after the first)
}

// motionStats summarises frame start times (in order) seen over window.
func motionStats(frames []time.Time, hold, window time.Duration) motion {
	var gaps []time.Duration
	var moving time.Duration
	for i := 1; i < len(frames); i++ {
		g := frames[i].Sub(frames[i-1])
		if g <= hold {
			gaps = append(gaps, g)
			moving += g
		}
	}
	m := motion{frames: len(gaps)}
	if moving > 0 {
		m.fps = float64(len(gaps)) / moving.Seconds()
		m.p95Gap = percentile(gaps, 95)
	}
	if window > 0 {
		m.share = min(float64(moving)/float64(window), 1)
	}
	return m
}

// percentile is the p-th percentile of d (nearest rank); 0 for none.
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// mark is the moment a client's screen first showed an event of the story: the event
// counter of its header (1-based), in a run of playing (epoch: each time the counter
// goes back, a new run from the start begins).
type mark struct {
	at    time.Time
	epoch int
	event int
}

// after reports whether position a is at or past b.
func (a mark) after(b mark) bool {
	return a.epoch > b.epoch || a.epoch == b.epoch && a.event >= b.event
}

// catchUp is how long a follower's screen took to show what the presenter's screen
// showed: for each of the presenter's marks, the time from it to the follower's first
// mark at that position or past it (a follower may skip an event when two come within
// one of its frames). missed counts the presenter's marks the follower never reached.
// Both lists are in time order.
func catchUp(lead, follower []mark) (lat []time.Duration, missed int) {
	j := 0
	for _, l := range lead {
		for j < len(follower) && !follower[j].after(l) {
			j++
		}
		if j == len(follower) {
			missed++
			continue
		}
		lat = append(lat, follower[j].at.Sub(l.at))
	}
	return lat, missed
}

// perFrame is the server's CPU time per frame its clients received: on a shared
// machine, a steadier figure than frames a second for comparing two builds.
func perFrame(cpu time.Duration, frames int) time.Duration {
	if frames <= 0 {
		return 0
	}
	return cpu / time.Duration(frames)
}
