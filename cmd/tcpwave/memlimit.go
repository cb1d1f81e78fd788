package main

import (
	"math"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// followLiveHeap sets the server's soft memory limit to floor, and then, once a
// second, to twice the live heap when that is more. The floor is what stops a flood's
// garbage from doubling the heap before the collector runs (serveMemoryLimit). But a
// soft limit below what the sessions really hold makes the collector run without
// pause: a session at 200×60 holds about 3 MB of Bubble Tea's cell buffers, so 100 of
// them went past 256 MB, and with the collector always marking, every cell the
// renderer copied paid a write barrier; the server drew 2.0 frames a second per
// session instead of 7.0 (median, load tool at 200×60, 100 sessions, paired runs).
// Twice the live heap leaves GOGC (the heap may grow by half) to pace the collector.
// It runs until done is closed.
func followLiveHeap(floor int64, done <-chan struct{}) {
	debug.SetMemoryLimit(floor)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	limit := floor
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		want := heapLimit(floor, sample[0].Value.Uint64())
		if want != limit {
			limit = want
			debug.SetMemoryLimit(limit)
		}
	}
}

// heapLimit is the soft memory limit for a live heap: twice it, and floor at least.
func heapLimit(floor int64, live uint64) int64 {
	if live > math.MaxInt64/2 {
		return math.MaxInt64
	}
	return max(floor, 2*int64(live))
}
