package model

import (
	"testing"
	"time"
)

// PAWS in TIME_WAIT (tcp_timewait_state_process, tcp_paws_reject): an old segment is
// discarded and re-arms 2MSL; an old RST is dropped, unless TS.Recent is older than
// TCP_PAWS_MSL; a segment with a timestamp not older passes.
func TestPAWSInTimeWait(t *testing.T) {
	for _, c := range []struct {
		name     string
		flags    Flags
		tsval    uint32
		now      time.Duration
		consumed bool
		rearmed  bool
	}{
		{"old ACK", ACK, 900, 10 * time.Second, true, true},
		{"old RST", RST, 900, 10 * time.Second, true, false},
		{"old RST after TCP_PAWS_MSL", RST, 900, 61 * time.Second, false, false},
		{"equal timestamp", ACK, 1000, 10 * time.Second, false, false},
		{"newer timestamp", ACK, 1001, 10 * time.Second, false, false},
	} {
		s := &sim{prof: Linux(), now: c.now, events: []Event{{}}}
		e := &s.ep[A]
		e.State, e.TSOK, e.TSRecentSet, e.TSRecent = TimeWait, true, true, 1000
		s.sc = &Scenario{Delay: [2]time.Duration{time.Millisecond, time.Millisecond}}
		seg := Segment{From: B, Flags: c.flags, Stamps: Stamps{HasTS: true, TSval: c.tsval}}
		if got := s.pawsCheck(A, &seg); got != c.consumed {
			t.Errorf("%s: consumed=%v, want %v", c.name, got, c.consumed)
		}
		if got := e.Timers[TimerTimeWait].Armed; got != c.rearmed {
			t.Errorf("%s: 2MSL re-armed=%v, want %v", c.name, got, c.rearmed)
		}
	}
}
