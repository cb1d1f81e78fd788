package model

import (
	"fmt"
	"strings"
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

// PAWS on a synchronized connection (tcp_validate_incoming): data failing it is
// answered by a duplicate ACK; an old pure ACK below RCV.NXT is dropped silently
// (tcp_disordered_ack_check, PAWSOldAck); a duplicate ACK at RCV.NXT within the
// replay window passes; a RST always passes; without the Linux leniency every failure
// draws the ACK (RFC 7323 §5.3).
func TestPAWSEstablished(t *testing.T) {
	for _, c := range []struct {
		name      string
		linux     bool
		flags     Flags
		seq       uint32
		len       int
		tsval     uint32
		consumed  bool
		ackedBack bool
	}{
		{"old data", true, PSH | ACK, 500, 10, 900, true, true},
		{"old pure ACK below RCV.NXT", true, ACK, 400, 0, 900, true, false},
		{"old pure ACK, RFC 7323", false, ACK, 400, 0, 900, true, true},
		{"dup ACK in the replay window", true, ACK, 500, 0, 900, false, false},
		{"dup ACK beyond the replay window", true, ACK, 500, 0, 100, true, true},
		{"old RST", true, RST, 500, 0, 900, false, false},
		{"fresh data", true, PSH | ACK, 500, 10, 1000, false, false},
	} {
		p := Linux()
		p.DisorderedAck = c.linux
		s := &sim{prof: p, now: time.Second, events: []Event{{}}}
		s.sc = &Scenario{Delay: [2]time.Duration{time.Millisecond, time.Millisecond}}
		e := &s.ep[A]
		e.State, e.TSOK, e.TSRecentSet, e.TSRecent = Established, true, true, 1000
		e.RcvNxt, e.SndUna, e.SndNxt, e.RcvWnd, e.RTO = 500, 77, 77, 65535, 220*time.Millisecond
		seg := Segment{From: B, Flags: c.flags, Seq: c.seq, Ack: 77, Len: c.len, Stamps: Stamps{HasTS: true, TSval: c.tsval}}
		if got := s.pawsCheck(A, &seg); got != c.consumed {
			t.Errorf("%s: consumed=%v, want %v", c.name, got, c.consumed)
		}
		if got := len(s.segs) > 0; got != c.ackedBack {
			t.Errorf("%s: answered=%v, want %v", c.name, got, c.ackedBack)
		}
	}
}

// The receiver's SACK blocks (Linux tcp_sack_new_ofo_skb, tcp_sack_remove): a new
// block goes first; one touching an older block merges with it and moves first; a
// fifth disjoint block pushes out the oldest; blocks RCV.NXT reaches are dropped.
func TestSackBlocks(t *testing.T) {
	s := &sim{prof: Linux()}
	s.ep[A].SackOK = true
	s.ep[A].RcvNxt = 100
	got := func() string {
		var b []string
		for _, blk := range s.sk[A].Rx[:s.sk[A].NRx] {
			b = append(b, fmt.Sprintf("%d-%d", blk.Start, blk.End))
		}
		return strings.Join(b, " ")
	}
	for _, c := range []struct {
		start, end uint32
		want       string
	}{
		{200, 210, "200-210"},
		{300, 310, "300-310 200-210"},
		{210, 220, "200-220 300-310"},
		{400, 410, "400-410 200-220 300-310"},
		{500, 510, "500-510 400-410 200-220 300-310"},
		{600, 610, "600-610 500-510 400-410 200-220"},
		{220, 300, "200-300 600-610 500-510 400-410"}, // 300-310 was pushed out
	} {
		s.sackReceived(A, c.start, c.end)
		if g := got(); g != c.want {
			t.Fatalf("after %d-%d: blocks %q, want %q", c.start, c.end, g, c.want)
		}
	}
	s.ep[A].RcvNxt = 450
	s.sackPrune(A)
	if g := got(); g != "600-610 500-510" {
		t.Fatalf("after RCV.NXT 450: blocks %q, want %q", g, "600-610 500-510")
	}
}

// The timer wheel's slack at HZ=250 (kernel/time/timer.c calc_wheel_index,
// calc_index): one bucket of the level the timer is filed in.
func TestWheelSlack(t *testing.T) {
	ms := time.Millisecond
	for _, c := range []struct {
		d, want time.Duration
	}{
		{0, 0},
		{8 * ms, 4 * ms},
		{248 * ms, 4 * ms},     // 62 jiffies: level 0
		{252 * ms, 32 * ms},    // 63 jiffies: level 1
		{2012 * ms, 32 * ms},   // 503 jiffies
		{2016 * ms, 256 * ms},  // 504 jiffies: level 2
		{16124 * ms, 256 * ms}, // 4031 jiffies
		{16128 * ms, 2048 * ms},
		{32 * time.Second, 2048 * ms},   // the SYN's last wait: +32 s came at +34 s
		{60 * time.Second, 2048 * ms},   // TIME_WAIT
		{130 * time.Second, 16384 * ms}, // 32500 jiffies: level 4
	} {
		if got := WheelSlack(250, c.d); got != c.want {
			t.Errorf("WheelSlack(250, %v) = %v, want %v", c.d, got, c.want)
		}
	}
	if got := WheelSlack(0, time.Minute); got != 0 {
		t.Errorf("no tick: slack %v, want 0", got)
	}
}
