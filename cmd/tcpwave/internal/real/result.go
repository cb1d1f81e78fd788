//go:build linux

package real

import (
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/tcpwave/tcpwave/model"
)

// Result is a kernel run: its timeline in the trace grammar.
type Result struct {
	Header  []string
	Events  []Event
	Horizon time.Duration
	ISN     [2]uint32
	// Late is how late, at worst, the link delivered a segment or an app made a call
	// after its time: the machine's scheduling, which the comparison cannot tell
	// from the kernel's doing.
	Late time.Duration // absolute, as the kernel picked them
}

// Text is the run as a trace.
func (r *Result) Text() string { return FormatTrace(r.Header, r.Events) }

// timed is an event with the order it was recorded in, for a stable sort.
type timed struct {
	ev    Event
	order int
}

// buildResult turns what the link, sock_diag and the apps saw into a timeline: times
// relative to the scenario's zero (t0 on the run's clock), sequence numbers relative
// to each side's ISN (taken from the handshake the link carried), ends named A and B.
// Events after the horizon are left out.
func buildResult(sc *model.Scenario, t0, horizon time.Duration, segs []*segment, changes []stateObs, apps []appObs) *Result {
	res := &Result{Horizon: horizon}
	// Each connection's numbers are relative to its own ISNs: a SYN from A, or a
	// SYN|ACK from B, starts a new epoch (the handshake before time zero, then each
	// reconnect); a segment keeps the ISNs in force when it was sent.
	labels := make([]string, len(segs))
	var isn [2]uint32
	var epochs [][2]uint32
	for i, s := range segs {
		switch {
		case s.dup:
		case s.from == model.A && s.flags == model.SYN && isn[model.A] != s.seq:
			isn[model.A] = s.seq
			epochs = append(epochs, isn)
		case s.from == model.B && s.flags == model.SYN|model.ACK && isn[model.B] != s.seq:
			isn[model.B] = s.seq
			if len(epochs) > 0 {
				epochs[len(epochs)-1][model.B] = s.seq
			}
		}
		labels[i] = segLabel(s, isn)
	}
	if len(epochs) > 0 {
		res.ISN = epochs[0]
	}
	var out []timed
	add := func(at time.Duration, body string, kind string, side model.Side) {
		t := at - t0
		if t < 0 || t > horizon {
			return
		}
		out = append(out, timed{Event{T: t, Kind: kind, Side: side.String(), Body: body}, len(out)})
	}
	// At one instant (rare: times are in µs) a call comes first, then what the
	// link carried, then what sock_diag saw.
	for _, a := range apps {
		add(a.at, fmt.Sprintf("app %s %s", a.side, a.call), "app", a.side)
	}
	for i, s := range segs {
		if s.at < t0 {
			continue
		}
		label := labels[i]
		if !s.dup {
			add(s.at, fmt.Sprintf("send %s %s", s.from, label), "send", s.from)
		}
		switch {
		case s.lost:
			add(s.lostAt, fmt.Sprintf("drop %s %s", s.from, label), "drop", s.from)
		case s.delivered > 0:
			to := s.from.Peer()
			add(s.delivered, fmt.Sprintf("recv %s %s", to, label), "recv", to)
		}
	}
	last := [2]sockState{{state: model.Established}, {state: model.Established}}
	for _, c := range changes {
		if c.at < t0 {
			last[c.side] = c.s
			continue
		}
		if c.s.state != last[c.side].state {
			add(c.at, fmt.Sprintf("state %s %s", c.side, c.s.state), "state", c.side)
		}
		if kind := timerKind(c.s); kind != timerKind(last[c.side]) || c.s.retrans != last[c.side].retrans {
			rem := c.s.expires.Milliseconds()
			if kind == "none" {
				rem = 0
			}
			add(c.at, fmt.Sprintf("timer %s %s remaining=%d retrans=%d", c.side, kind, rem, c.s.retrans), "timer", c.side)
		}
		last[c.side] = c.s
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].ev.T != out[j].ev.T {
			return out[i].ev.T < out[j].ev.T
		}
		return out[i].order < out[j].order
	})
	for _, o := range out {
		res.Events = append(res.Events, o.ev)
	}
	res.Header = []string{
		fmt.Sprintf("scenario: %s (%s)", sc.ID, sc.Title),
		"source: " + KernelRelease() + " kernel, run by tcpwave real",
		fmt.Sprintf("link: A->B delay=%s B->A delay=%s", model.FormatMillis(sc.Delay[model.A]), model.FormatMillis(sc.Delay[model.B])),
		fmt.Sprintf("isn: A=%d B=%d (the kernel's own)", res.ISN[model.A], res.ISN[model.B]),
		fmt.Sprintf("before t=0: handshake done, A wrote %d bytes, B wrote %d bytes", sc.Exchanged[model.A], sc.Exchanged[model.B]),
	}
	for _, e := range epochs[min(1, len(epochs)):] {
		res.Header = append(res.Header, fmt.Sprintf("isn of a reconnect: A=%d B=%d (the kernel's own; numbers are relative to them)", e[model.A], e[model.B]))
	}
	if s := SysctlText(sc); s != "" {
		res.Header = append(res.Header, "sysctl: "+s)
	}
	res.Header = append(res.Header,
		"observed: segments at the link; states and timers by sock_diag after every segment and call, and every 2 ms",
		"horizon: observed until "+model.FormatMillis(horizon))
	return res
}

// segLabel writes a segment as the trace does: flags, relative seq and ack, length.
func segLabel(s *segment, isn [2]uint32) string {
	ack := "-"
	if s.flags.Has(model.ACK) {
		ack = fmt.Sprint(s.ack - isn[s.from.Peer()])
	}
	return fmt.Sprintf("%s seq=%d ack=%s len=%d", s.flags, s.seq-isn[s.from], ack, s.n)
}

// timerKind names the timer sock_diag reports in the trace's words. Linux runs the
// FIN_WAIT_2 orphan timer on the keepalive timer (or, when short, as a TIME_WAIT
// socket whose sub-state is FIN_WAIT_2).
func timerKind(s sockState) string {
	switch s.timer {
	case diagTimerRetrans:
		return "retransmit"
	case diagTimerKeepalive:
		if s.state == model.FinWait2 {
			return "fin-wait-2"
		}
		return "keepalive"
	case diagTimerTimeWait:
		if s.state == model.FinWait2 {
			return "fin-wait-2"
		}
		return "time-wait"
	case diagTimerProbe:
		return "retransmit"
	}
	return "none"
}

// writePcap writes what the senders sent (not the link's copies), stamped with the
// wall-clock time each left.
func writePcap(w io.Writer, segs []*segment, zero time.Time) error {
	pw := pcapgo.NewWriter(w)
	if err := pw.WriteFileHeader(maxPacket, layers.LinkTypeRaw); err != nil {
		return err
	}
	for _, s := range segs {
		if s.dup {
			continue
		}
		ci := gopacket.CaptureInfo{Timestamp: zero.Add(s.at), CaptureLength: len(s.raw), Length: len(s.raw)}
		if err := pw.WritePacket(ci, s.raw); err != nil {
			return err
		}
	}
	return nil
}
