package model

import "time"

// WheelSlack is how late, at most, a Linux timer_list armed d ahead fires after its
// deadline, at hz ticks a second (0: no tick, no slack). Every TCP timer is one
// (icsk_retransmit_timer, icsk_delack_timer, sk_timer; TIME_WAIT's tw_timer). The
// timer wheel (kernel/time/timer.c) files a timer in level n when it is due less than
// LVL_START(n+1) = 63·8^n jiffies ahead; that level's buckets are LVL_GRAN(n) = 8^n
// jiffies wide, and calc_index rounds the expiry up to the next bucket edge, so that
// a timer never fires early: it fires up to one bucket late. At HZ=250: 4 ms below
// 252 ms, 32 ms below 2.016 s, 256 ms below 16.128 s, 2.048 s below 129.024 s, 16.384 s
// beyond (the next level, a bucket of 8^4 jiffies). So a SYN retransmitted after
// 32 s, due at +32 s, came at +34 s on a 6.18 kernel, and TIME_WAIT's 60 s lasts up
// to 62 s. The model keeps each timer's nominal deadline; this is the window a real
// kernel may add (tcpwave real allows for it).
func WheelSlack(hz int, d time.Duration) time.Duration {
	if hz <= 0 || d <= 0 {
		return 0
	}
	jiffy := time.Second / time.Duration(hz)
	delta := (d + jiffy - 1) / jiffy // usecs_to_jiffies rounds up
	gran, start := time.Duration(1), time.Duration(63)
	for lvl := 0; lvl < 8 && delta >= start; lvl++ {
		gran *= 8
		start *= 8
	}
	return gran * jiffy
}

// TimerSlack is WheelSlack at the profile's HZ.
func (p *Profile) TimerSlack(d time.Duration) time.Duration { return WheelSlack(p.HZ, d) }
