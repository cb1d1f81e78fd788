package model

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// SynInTimeWait says how a TIME_WAIT socket judges a new SYN on its 4-tuple.
type SynInTimeWait uint8

const (
	// SynTWRFC6191 follows RFC 6191 without timestamps (B.2/B.3): a SYN whose sequence
	// number is above the last one seen opens a new incarnation; any other is dropped
	// silently.
	SynTWRFC6191 SynInTimeWait = iota
	// SynTWLinux follows tcp_timewait_state_process: a SYN after rcv_nxt opens a new
	// incarnation (ISN = snd_nxt + 65537); any other is answered with the old
	// connection's ACK.
	SynTWLinux
)

// Profile is a TCP stack's behaviour as data: every rule in which RFC 9293 and Linux
// differ is one field. Knob names (for scenario files and --set) are listed in Knobs.
type Profile struct {
	Name string

	// TimeWait is how long TIME_WAIT lasts ("2MSL"): RFC 9293 §3.4.2 MSL = 2 min, so
	// 240 s; Linux TCP_TIMEWAIT_LEN = 60 s, fixed.
	TimeWait time.Duration

	// RTOInitial, RTOMin and RTOMax bound the retransmission timeout (RFC 6298 2.1,
	// 2.4, 2.5; Linux TCP_TIMEOUT_INIT, TCP_RTO_MIN, TCP_RTO_MAX).
	RTOInitial, RTOMin, RTOMax time.Duration
	// RTOMinOnVariance applies RTOMin to the variance term (Linux: RTO = SRTT +
	// max(4·RTTVAR, rto_min)) instead of to the whole RTO (RFC 6298 2.4).
	RTOMinOnVariance bool

	// DelayedAck is how long an ACK of a FIN or of data waits for something to ride on
	// (RFC 9293 §3.8.6.3; Linux TCP_DELACK_MIN in pingpong mode). 0 sends it at once.
	DelayedAck time.Duration

	// FinWait2Timer arms Linux's orphan timer in FIN_WAIT_2 (after close(), not after
	// shutdown()); FinTimeout is tcp_fin_timeout, at least 3.5·RTO.
	FinWait2Timer bool
	FinTimeout    time.Duration

	// OrphanRetries, Retries2 and SynRetries are how many retransmissions are made
	// before giving up: for a socket closed with close() (tcp_orphan_retries; 0 means
	// 8), for one still held by its app (tcp_retries2), and for a SYN (tcp_syn_retries).
	// RFC 9293 §3.8.3 sets R2 ≥ 100 s (3 min for a SYN); the rfc9293 profile's counts
	// are chosen to exceed those times.
	OrphanRetries, Retries2, SynRetries int

	// RFC1337 ignores a RST that reaches TIME_WAIT (RFC 1337 F1; net.ipv4.tcp_rfc1337).
	RFC1337 bool

	// RSTSenderTimeWait puts an endpoint that aborts with a RST into TIME_WAIT
	// (RFC 9293 §3.5.2 / Figure 5 note 3). Linux goes straight to CLOSED.
	RSTSenderTimeWait bool

	// AbortRSTHasACK: an abort sends RST|ACK seq=SND.NXT ack=RCV.NXT (Linux
	// tcp_send_active_reset) rather than <SEQ=SND.NXT><CTL=RST> (RFC 9293 §3.10.5).
	AbortRSTHasACK bool

	// HalfDuplexClose makes close() a full close (RFC 9293 §3.6.1 MAY-1): close() with
	// unread data, or data arriving after close(), resets the connection (SHLD-3; Linux
	// tcp_close and tcp_rcv_state_process).
	HalfDuplexClose bool

	// TransientFinWait2: a FIN that also ACKs our FIN takes FIN_WAIT_1 through
	// FIN_WAIT_2 to TIME_WAIT in one segment (Linux), instead of straight to TIME_WAIT
	// (RFC 9293 Figure 5 note 2).
	TransientFinWait2 bool

	// SynInTimeWait judges a new SYN that reaches TIME_WAIT.
	SynInTimeWait SynInTimeWait

	// InvalidRateLimit is the least time between two ACKs sent in answer to
	// out-of-window segments, ACKs of unsent data and challenges (RFC 5961 §7; Linux
	// tcp_invalid_ratelimit). Segments carrying data or FIN are exempt. 0 disables it.
	InvalidRateLimit time.Duration

	// DropAckOfUnsent silently drops a segment that ACKs data never sent (Linux
	// tcp_ack), instead of answering it with an ACK (RFC 9293 §3.10.7.4 step 5).
	DropAckOfUnsent bool

	// TailLossProbe: before the first RTO of a flight, resend its last segment once
	// after the probe timeout, min(2·SRTT + rto_min, RTO), without backing the RTO off
	// (RFC 8985 §7, RACK-TLP; Linux tcp_schedule_loss_probe / tcp_send_loss_probe,
	// with SACK and tcp_early_retrans = 3, the defaults). It needs SACK negotiated
	// (tcp_sack): without it Linux sends no probe.
	TailLossProbe bool

	// SynSentQuickRetry: when SYN_SENT answers a stray ACK with a RST before any
	// retransmission, the SYN is resent after TCP_TIMEOUT_MIN, 2 jiffies (8 ms at
	// HZ=250), instead of the full RTO, since the RST may just have cleared the way
	// (Linux tcp_rcv_synsent_state_process). Off, it waits for the RTO.
	SynSentQuickRetry bool

	// The rules of Linux 6.18 and RFC 7323 added for issue 11 (kernel.go).
	Kernel

	// SkipTimeWait removes TIME_WAIT altogether (as SO_LINGER 0, a TW-bucket overflow or
	// the old tcp_tw_recycle would): a teaching knob for why TIME_WAIT exists.
	SkipTimeWait bool
}

// RFC9293 is the profile of RFC 9293 read literally.
func RFC9293() Profile {
	return Profile{
		Name:              "rfc9293",
		TimeWait:          240 * time.Second,
		RTOInitial:        time.Second,
		RTOMin:            time.Second,
		RTOMax:            60 * time.Second,
		DelayedAck:        0,
		FinWait2Timer:     false,
		FinTimeout:        60 * time.Second,
		OrphanRetries:     8,
		Retries2:          8,
		SynRetries:        8,
		RFC1337:           false,
		RSTSenderTimeWait: true,
		AbortRSTHasACK:    false,
		HalfDuplexClose:   false,
		TransientFinWait2: false,
		SynInTimeWait:     SynTWRFC6191,
		InvalidRateLimit:  500 * time.Millisecond,
		Kernel:            rfcKernel(),
	}
}

// Linux is the profile of a current Linux kernel with default sysctls.
func Linux() Profile {
	return Profile{
		Name:              "linux",
		TimeWait:          60 * time.Second,
		RTOInitial:        time.Second,
		RTOMin:            200 * time.Millisecond,
		RTOMax:            120 * time.Second,
		RTOMinOnVariance:  true,
		DelayedAck:        40 * time.Millisecond,
		FinWait2Timer:     true,
		FinTimeout:        60 * time.Second,
		OrphanRetries:     8,
		Retries2:          15,
		SynRetries:        6,
		RFC1337:           false,
		RSTSenderTimeWait: false,
		AbortRSTHasACK:    true,
		HalfDuplexClose:   true,
		TransientFinWait2: true,
		SynInTimeWait:     SynTWLinux,
		InvalidRateLimit:  500 * time.Millisecond,
		DropAckOfUnsent:   true,
		SynSentQuickRetry: true,
		TailLossProbe:     true,
		Kernel:            linuxKernel(),
	}
}

// ProfileNames lists the built-in profiles.
var ProfileNames = []string{"linux", "rfc9293"}

// ProfileByName returns a built-in profile.
func ProfileByName(name string) (Profile, error) {
	switch name {
	case "linux":
		return Linux(), nil
	case "rfc9293", "rfc":
		return RFC9293(), nil
	}
	return Profile{}, inputError(ProblemUnknownProfile, name)
}

// Knob describes one settable field of a Profile.
type Knob struct {
	Name string
	get  func(*Profile) string
	set  func(*Profile, string) error
}

func durKnob(name string, f func(*Profile) *time.Duration) Knob {
	return Knob{Name: name,
		get: func(p *Profile) string { return FormatDuration(*f(p)) },
		set: func(p *Profile, v string) error {
			d, err := ParseDuration(v)
			if err != nil {
				return err
			}
			if d < 0 {
				return inputError(ProblemNegative, v)
			}
			*f(p) = d
			return nil
		}}
}

func boolKnob(name string, f func(*Profile) *bool) Knob {
	return Knob{Name: name,
		get: func(p *Profile) string {
			if *f(p) {
				return "1"
			}
			return "0"
		},
		set: func(p *Profile, v string) error {
			switch strings.ToLower(v) {
			case "1", "true", "on", "yes":
				*f(p) = true
			case "0", "false", "off", "no":
				*f(p) = false
			default:
				return inputError(ProblemNotSwitch, v)
			}
			return nil
		}}
}

func intKnob(name string, f func(*Profile) *int) Knob {
	return Knob{Name: name,
		get: func(p *Profile) string { return strconv.Itoa(*f(p)) },
		set: func(p *Profile, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 || n > MaxCount {
				return inputError(ProblemNotCount, v)
			}
			*f(p) = n
			return nil
		}}
}

// Knobs are the profile fields a scenario file or --set may change, by name.
var Knobs = []Knob{
	durKnob("time_wait", func(p *Profile) *time.Duration { return &p.TimeWait }),
	durKnob("rto_initial", func(p *Profile) *time.Duration { return &p.RTOInitial }),
	durKnob("rto_min", func(p *Profile) *time.Duration { return &p.RTOMin }),
	durKnob("rto_max", func(p *Profile) *time.Duration { return &p.RTOMax }),
	durKnob("delayed_ack", func(p *Profile) *time.Duration { return &p.DelayedAck }),
	boolKnob("fin_wait_2_timer", func(p *Profile) *bool { return &p.FinWait2Timer }),
	durKnob("tcp_fin_timeout", func(p *Profile) *time.Duration { return &p.FinTimeout }),
	intKnob("tcp_orphan_retries", func(p *Profile) *int { return &p.OrphanRetries }),
	intKnob("tcp_retries2", func(p *Profile) *int { return &p.Retries2 }),
	intKnob("tcp_syn_retries", func(p *Profile) *int { return &p.SynRetries }),
	boolKnob("tcp_rfc1337", func(p *Profile) *bool { return &p.RFC1337 }),
	boolKnob("rst_sender_time_wait", func(p *Profile) *bool { return &p.RSTSenderTimeWait }),
	boolKnob("abort_rst_ack", func(p *Profile) *bool { return &p.AbortRSTHasACK }),
	boolKnob("half_duplex_close", func(p *Profile) *bool { return &p.HalfDuplexClose }),
	boolKnob("transient_fin_wait_2", func(p *Profile) *bool { return &p.TransientFinWait2 }),
	durKnob("tcp_invalid_ratelimit", func(p *Profile) *time.Duration { return &p.InvalidRateLimit }),
	boolKnob("drop_ack_of_unsent", func(p *Profile) *bool { return &p.DropAckOfUnsent }),
	boolKnob("tail_loss_probe", func(p *Profile) *bool { return &p.TailLossProbe }),
	boolKnob("syn_sent_quick_retry", func(p *Profile) *bool { return &p.SynSentQuickRetry }),
	boolKnob("skip_time_wait", func(p *Profile) *bool { return &p.SkipTimeWait }),
	{Name: "syn_in_time_wait",
		get: func(p *Profile) string {
			if p.SynInTimeWait == SynTWLinux {
				return "linux"
			}
			return "rfc6191"
		},
		set: func(p *Profile, v string) error {
			switch v {
			case "linux":
				p.SynInTimeWait = SynTWLinux
			case "rfc6191":
				p.SynInTimeWait = SynTWRFC6191
			default:
				return inputError(ProblemNotSynTW, v)
			}
			return nil
		}},
}

func init() { Knobs = append(Knobs, kernelKnobs...) }

// KnobNames lists the knob names, sorted.
func KnobNames() []string {
	names := make([]string, len(Knobs))
	for i, k := range Knobs {
		names[i] = k.Name
	}
	sort.Strings(names)
	return names
}

// Set changes one knob by name.
func (p *Profile) Set(name, value string) error {
	for _, k := range Knobs {
		if k.Name == name {
			if err := k.set(p, value); err != nil {
				if ie, ok := err.(*InputError); ok {
					ie.Knob = name
				}
				return err
			}
			return nil
		}
	}
	return inputError(ProblemUnknownKnob, name)
}

// Get returns one knob's value as text.
func (p *Profile) Get(name string) (string, bool) {
	for _, k := range Knobs {
		if k.Name == name {
			return k.get(p), true
		}
	}
	return "", false
}

// ParseDuration reads a duration with its unit: "200ms", "1.5s", "2m", "50us"; "0"
// needs none. A bare number is refused rather than guessed at (5 could mean 5 ms or
// 5 s).
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return 0, inputError(ProblemNoUnit, s)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, inputError(ProblemBadDuration, s)
	}
	if d > MaxDuration || d < -MaxDuration {
		return 0, inputError(ProblemTooLong, s)
	}
	return d, nil
}

// MaxDuration bounds every duration a scenario or a knob gives (1000 h): far more
// than any story needs, and far enough from the clock's limit (292 years) that no sum
// of them can overflow it.
const MaxDuration = 1000 * time.Hour

// FormatDuration writes a duration as ParseDuration reads it, in the largest unit that
// keeps it exact: "60s", "200ms", "1.5s", "50µs".
func FormatDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0s"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	case d%time.Millisecond == 0 && d < time.Second:
		return strconv.FormatInt(int64(d/time.Millisecond), 10) + "ms"
	case d%time.Millisecond == 0:
		return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
	}
	return d.String()
}

// retries is the retransmission limit for an endpoint in its current condition.
func (p *Profile) retries(e *Endpoint) int {
	switch {
	case e.State == SynSent:
		// tcp_write_timeout: in SYN_SENT the linear timeouts come on top of
		// tcp_syn_retries (6 + 4 = 10 retransmissions by default).
		return p.SynRetries + p.SynLinearTimeouts
	case e.State == SynReceived:
		return p.SynAckRetries
	case e.Orphan:
		if p.OrphanRetries == 0 {
			return 8 // tcp_orphan_retries = 0 means 8 (tcp_timer.c tcp_orphan_retries)
		}
		return p.OrphanRetries
	default:
		return p.Retries2
	}
}
