package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseEvent(t *testing.T) {
	for _, tc := range []struct {
		row           string
		event, events int
		ok            bool
	}{
		{" tcpwave · following the presenter · f: explore · Client closes · linux · t=0.012 s · ▶ playing · 2× · 5/23", 5, 23, true},
		{" tcpwave · presenting: 100 follow, 0 explore · linux · t=1.500 s · ⏸ · 1× · 23/23 · relative · 1✕", 23, 23, true},
		{" tcpwave · 跟随讲师 · f：自己探索 · 客户端关闭 · linux · t=0.000 s · ⏸ 已暂停 · 1× · 1/23", 1, 23, true},
		{" tcpwave · pick a scenario", 0, 0, false},
		{" tcpwave · t=0.000 s · ⏸ · 1× · 0/23", 0, 0, false},  // no event 0
		{" tcpwave · t=0.000 s · ⏸ · 1× · 24/23", 0, 0, false}, // past the end
		{"", 0, 0, false},
	} {
		ev, evs, ok := parseEvent(tc.row)
		if ev != tc.event || evs != tc.events || ok != tc.ok {
			t.Errorf("parseEvent(%q) = %d, %d, %v; want %d, %d, %v", tc.row, ev, evs, ok, tc.event, tc.events, tc.ok)
		}
	}
}

func TestMotionStats(t *testing.T) {
	at := func(ms ...int) []time.Time {
		t0 := time.Unix(0, 0)
		var out []time.Time
		for _, m := range ms {
			out = append(out, t0.Add(time.Duration(m)*time.Millisecond))
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		frames []time.Time
		fps    float64
		p95    time.Duration
		share  float64
	}{
		{"none", nil, 0, 0, 0},
		{"one frame", at(5), 0, 0, 0},
		// Ten frames 40 ms apart, a hold of 500 ms, ten more 50 ms apart: 18 gaps of
		// motion in 810 ms; the hold is not motion.
		{"hold between two runs", append(at(0, 40, 80, 120, 160, 200, 240, 280, 320, 360),
			at(860, 910, 960, 1010, 1060, 1110, 1160, 1210, 1260, 1310)...), 18 / 0.810, 50 * time.Millisecond, 0.810 / 2},
		// All held: nothing moves.
		{"still", at(0, 1000, 2000), 0, 0, 0},
	} {
		m := motionStats(tc.frames, 150*time.Millisecond, 2*time.Second)
		if diff := m.fps - tc.fps; diff > 0.01 || diff < -0.01 || m.p95Gap != tc.p95 || m.share-tc.share > 0.001 || tc.share-m.share > 0.001 {
			t.Errorf("%s: %+v; want fps %.2f, p95 %s, share %.3f", tc.name, m, tc.fps, tc.p95, tc.share)
		}
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	for _, tc := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {0, time.Millisecond}} {
		if got := percentile(d, tc.p); got != tc.want {
			t.Errorf("p%.0f = %s, want %s", tc.p, got, tc.want)
		}
	}
	if percentile(nil, 50) != 0 {
		t.Error("the percentile of nothing is not 0")
	}
	if d[0] != 100*time.Millisecond {
		t.Error("percentile sorted its argument")
	}
}

func TestCatchUp(t *testing.T) {
	t0 := time.Unix(0, 0)
	mk := func(ms, epoch, event int) mark {
		return mark{at: t0.Add(time.Duration(ms) * time.Millisecond), epoch: epoch, event: event}
	}
	lead := []mark{mk(0, 0, 2), mk(100, 0, 3), mk(200, 0, 4), mk(300, 1, 1), mk(400, 1, 2), mk(500, 1, 3)}
	// The follower shows 2 late, skips 3 (4 stands for it), starts over with the
	// presenter, shows 1 of the new run before the presenter's own screen does, and
	// never reaches 3.
	follower := []mark{mk(20, 0, 2), mk(230, 0, 4), mk(295, 1, 1), mk(410, 1, 2)}
	lat, missed := catchUp(lead, follower)
	want := []time.Duration{20, 130, 30, -5, 10}
	if len(lat) != len(want) || missed != 1 {
		t.Fatalf("latencies %v, missed %d; want %v ms, missed 1", lat, missed, want)
	}
	for i := range want {
		if lat[i] != want[i]*time.Millisecond {
			t.Errorf("latency %d: %s, want %dms", i, lat[i], want[i])
		}
	}
}

// TestClassSmoke runs --class with three followers against the real server: the
// followers follow (their screens show the presenter's events), the two whose frames
// the server draws once for both show what the reference follower's own renderer
// draws, and the report has its lines. No figure is checked against a bound: they
// depend on the machine.
func TestClassSmoke(t *testing.T) {
	bin := buildServer(t)
	var out, errOut strings.Builder
	args := []string{"--server", bin, "--class", "-n", "3", "--duration", "3s", "--steps", "3", "--size", "100x30"}
	if code := run(args, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut.String(), out.String())
	}
	report := out.String()
	t.Log("\n" + report)
	for _, want := range []string{"class: 1 presenter and 3 followers", "2 of 2 followers show what the reference follower", "presenter: ", "followers: frames/s during motion",
		"of the presenter's frame rate", "server: CPU", "MB per follower", "its own screen"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, re := range []string{`shows it: p50 .*\((\d+) samples`, `shows the new event: p50 .*\((\d+) samples`} {
		m := regexp.MustCompile(re).FindStringSubmatch(report)
		if m == nil {
			t.Errorf("no %q in the report", re)
			continue
		}
		if n, _ := strconv.Atoi(m[1]); n == 0 {
			t.Errorf("%q: no sample: the followers' screens never showed the presenter's events", re)
		}
	}
	if code := run([]string{"--class", "--addr", "127.0.0.1:1"}, &out, &errOut); code != 2 {
		t.Errorf("--class with --addr: exit %d, want 2", code)
	}
}
