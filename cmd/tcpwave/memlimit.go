package main

import (
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
func followLiveHeap(floor int64) {
	debug.SetMemoryLimit(floor)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	limit := floor
	for range time.Tick(time.Second) {
		metrics.Read(sample)
		if sample[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		want := max(floor, 2*int64(sample[0].Value.Uint64()))
		if want != limit {
			limit = want
			debug.SetMemoryLimit(limit)
		}
	}
}
