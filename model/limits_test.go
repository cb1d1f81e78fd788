package model_test

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// liveAfter runs sc and reports the timeline and the heap it keeps alive.
func liveAfter(sc *model.Scenario) (*model.Timeline, uint64) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tl := model.Run(sc, model.Linux())
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(tl)
	return tl, after.HeapAlloc - min(after.HeapAlloc, before.HeapAlloc)
}

// TestRunMemoryIsBounded: a small scenario that keeps tens of thousands of segments in
// flight at once (an hour-long link) took 10-16 GB, because each checkpoint copied the
// whole queue every few events. Checkpoints now come once per queue length of
// events, so a run's memory is bounded by its events, and its events by MaxEvents.
func TestRunMemoryIsBounded(t *testing.T) {
	if raceOn {
		t.Skip("one goroutine, nothing to race; memory figures are the plain build's")
	}
	hour := [2]time.Duration{time.Hour, time.Hour}
	big := make([]model.Step, 100)
	for i := range big {
		big[i] = model.Step{Call: model.CallWrite, N: 1 << 20}
	}
	many := make([]model.Step, 40000)
	for i := range many {
		many[i] = model.Step{Call: model.CallWrite, N: 1}
	}
	for _, c := range []struct {
		name  string
		steps []model.Step
	}{{"100 writes of 1 MiB", big}, {"40000 writes of 1 byte", many}} {
		t.Run(c.name, func(t *testing.T) {
			sc := &model.Scenario{ID: "big", Title: "big", ISN: [2]uint32{1, 1}, Delay: hour,
				Apps: [2]model.App{{Steps: c.steps}, {}}}
			tl, live := liveAfter(sc)
			if !tl.Truncated || tl.Len() < model.MaxEvents || tl.Len() > model.MaxEvents+16 {
				t.Errorf("truncated %v after %d events, want stopped at %d (one step's events may pass it)", tl.Truncated, tl.Len(), model.MaxEvents)
			}
			if live > 200<<20 {
				t.Errorf("the timeline keeps %d MB", live>>20)
			}
			if !strings.Contains(tl.Trace(), "# truncated: events=100000\n") {
				t.Error("the trace does not say it was cut")
			}
		})
	}
}

// TestRunStopsAtMaxTime: a story that goes on for ever with long timers (keepalive
// probes a live peer answers, every 1000 h) stops at MaxTime, before virtual time can
// overflow, and says so.
func TestRunStopsAtMaxTime(t *testing.T) {
	sc := &model.Scenario{ID: "forever", Title: "forever", ISN: [2]uint32{1, 1},
		Delay: [2]time.Duration{time.Millisecond, time.Millisecond},
		Apps:  [2]model.App{{Keepalive: &model.Keepalive{Idle: model.MaxDuration, Interval: time.Hour, Probes: 9}}, {}}}
	tl := model.Run(sc, model.Linux())
	if !tl.OutOfTime || tl.Truncated {
		t.Fatalf("out of time %v, truncated %v, after %d events at %v", tl.OutOfTime, tl.Truncated, tl.Len(), tl.End())
	}
	for i := 1; i < tl.Len(); i++ {
		if tl.At(i).T < tl.At(i-1).T || tl.At(i).T > model.MaxTime {
			t.Fatalf("event %d at %v after %v", i, tl.At(i).T, tl.At(i-1).T)
		}
	}
	if !strings.Contains(tl.Trace(), "# truncated: time=100y\n") {
		t.Error("the trace does not say it was cut")
	}
}

// TestDurationsAreBounded: no duration a file or a flag gives can make the clock
// overflow.
func TestDurationsAreBounded(t *testing.T) {
	for _, s := range []string{"1001h", "9e12s", "-1001h", "2562047h"} {
		if _, err := model.ParseDuration(s); err == nil {
			t.Errorf("%s accepted", s)
		}
	}
	if d, err := model.ParseDuration("1000h"); err != nil || d != model.MaxDuration {
		t.Errorf("1000h: %v %v", d, err)
	}
	p := model.Linux()
	if err := p.Set("time_wait", "1001h"); err == nil {
		t.Error("a knob took 1001h")
	}
}
