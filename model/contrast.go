package model

import (
	"fmt"
	"strings"
	"time"
)

// Contrast says how the other profile behaves at event i, where the two differ ("Under
// rfc9293 ..."), or "" where they agree. It reads the rules from the two profiles' fields,
// so it stays true when a knob is changed.
func (tl *Timeline) Contrast(i int) string {
	if i < 0 || i >= len(tl.Events) {
		return ""
	}
	p := &tl.Profile
	other := otherProfile(p.Name)
	ev := &tl.Events[i]
	var seg *Segment
	if ev.Seg >= 0 {
		seg = &tl.Segments[ev.Seg]
	}
	e := &ev.Snap[ev.Side]
	switch ev.Kind {
	case EvSend:
		switch {
		case seg.Piggyback && seg.Flags.Has(FIN):
			return fmt.Sprintf("%s sends FIN and ACK together here: the ACK of the peer's FIN was held back %s (delayed ACK) and the app called close() within that window, so the close takes three segments. Under %s the ACK goes out at once and it takes four.",
				title(p.Name), dur(p.DelayedAck), other.Name)
		case seg.Flags == ACK && strings.Contains(seg.Why, "delayed ACK"):
			return fmt.Sprintf("%s held this ACK back %s, hoping to piggyback it on data or a FIN; nothing came in time. Under %s it would have gone out at once.", title(p.Name), dur(p.DelayedAck), other.Name)
		case seg.Flags == ACK && strings.Contains(seg.Why, "peer's FIN, sent at once") && other.DelayedAck > 0:
			return fmt.Sprintf("Under %s this ACK waits %s for something to ride on: an app that closes within that window sends FIN|ACK and the close takes three segments (see fin-ack-merged).", other.Name, dur(other.DelayedAck))
		case seg.Flags.Has(RST) && strings.HasPrefix(seg.Why, "RST: abort"):
			return contrastAbort(p, &other)
		case seg.Flags.Has(RST) && strings.Contains(seg.Why, "after close()"):
			return fmt.Sprintf("Under %s close() is simplex (no half-duplex close, RFC 9293 MAY-1 not taken): the data would be accepted and ACKed, and the close would finish with FINs.", other.Name)
		case seg.Retrans == 1:
			return fmt.Sprintf("RTO: %s floors it at %s (RTO = %s); %s at %s. Each retransmission doubles it, up to %s here.",
				p.Name, dur(p.RTOMin), rtoRule(p), other.Name, dur(other.RTOMin), dur(p.RTOMax))
		}
	case EvTimer:
		switch ev.Timer {
		case TimerTimeWait:
			if p.TimeWait != other.TimeWait {
				return fmt.Sprintf("TIME_WAIT lasts %s under %s; under %s it is %s%s.", dur(p.TimeWait), p.Name, other.Name, dur(other.TimeWait), twWhy(&other))
			}
		case TimerFinWait2:
			if !other.FinWait2Timer {
				return fmt.Sprintf("RFC 9293 has no timer in FIN_WAIT_2: under %s this socket would wait for the peer's FIN for ever. Linux gives an orphaned socket (one whose app called close()) tcp_fin_timeout = %s.", other.Name, dur(p.FinTimeout))
			}
		case TimerRetransmit:
			if ev.Retrans == 0 && p.RTOMin != other.RTOMin && i > 0 && tl.firstTimer(i, TimerRetransmit) {
				return fmt.Sprintf("The first retransmission timeout: %s under %s (RTO = %s); under %s the floor is %s.", dur(ev.Remaining), p.Name, rtoRule(p), other.Name, dur(other.RTOMin))
			}
		}
	case EvState:
		switch {
		case ev.From == FinWait1 && ev.To == FinWait2 && strings.Contains(ev.Note, "passes through FIN_WAIT_2"):
			return fmt.Sprintf("Under %s the same segment takes FIN_WAIT_1 straight to TIME_WAIT (RFC 9293 Figure 5, note 2).", other.Name)
		case ev.To == FinWait2 && !p.FinWait2Timer && other.FinWait2Timer && i > 0:
			return fmt.Sprintf("Under %s a socket that was closed with close() may stay in FIN_WAIT_2 only tcp_fin_timeout (%s); here, as in RFC 9293, it waits for ever.", other.Name, dur(other.FinTimeout))
		case ev.To == Closed && strings.Contains(ev.Note, "never read"):
			return fmt.Sprintf("Under %s close() is simplex: unread data does not matter, and a FIN goes out as usual.", other.Name)
		case ev.To == Closed && strings.Contains(ev.Note, "TIME_WAIT assassination") && !other.RFC1337:
			return "With tcp_rfc1337 = 1 (RFC 1337's fix F1) the RST would be ignored and TIME_WAIT would run its course."
		case ev.To == Closed && strings.Contains(ev.Note, "orphaned FIN_WAIT_2 timer"):
			return fmt.Sprintf("Under %s there is no such timer: the socket would wait in FIN_WAIT_2 for the peer's FIN for ever.", other.Name)
		case ev.To == TimeWait && e.Orphan && strings.Contains(ev.Note, "RST's sender"):
			return fmt.Sprintf("Linux does not do this: after sending a RST it goes straight to CLOSED, and the port is free at once.")
		}
	case EvRecv:
		if e.State == TimeWait && seg.Flags.Has(SYN) && p.SynInTimeWait != other.SynInTimeWait {
			if p.SynInTimeWait == SynTWLinux {
				return "RFC 6191 without timestamps would accept this SYN only if its sequence number is above the old connection's, and otherwise drop it silently, with no ACK."
			}
			return "Linux would answer a SYN it cannot accept with the old connection's ACK; the client's RST in reply then kills TIME_WAIT unless tcp_rfc1337 = 1."
		}
	}
	return ""
}

// firstTimer reports whether event i is the first timer line of its kind and side.
func (tl *Timeline) firstTimer(i int, k TimerKind) bool {
	ev := &tl.Events[i]
	for j := 0; j < i; j++ {
		o := &tl.Events[j]
		if o.Kind == EvTimer && o.Side == ev.Side && o.Timer == k {
			return false
		}
	}
	return true
}

func contrastAbort(p, other *Profile) string {
	switch {
	case p.RSTSenderTimeWait && !other.RSTSenderTimeWait:
		return fmt.Sprintf("Under %s the RST carries an ACK (seq=SND.NXT ack=RCV.NXT) and its sender goes straight to CLOSED: no TIME_WAIT, the port is free at once.", other.Name)
	case !p.RSTSenderTimeWait && other.RSTSenderTimeWait:
		return fmt.Sprintf("Under %s the abort sends <SEQ=SND.NXT><CTL=RST> (RFC 9293 §3.10.5) and the RST's sender enters TIME_WAIT (§3.5.2).", other.Name)
	}
	return ""
}

func rtoRule(p *Profile) string {
	if p.RTOMinOnVariance {
		return "SRTT + max(4·RTTVAR, rto_min)"
	}
	return "max(SRTT + 4·RTTVAR, 1 s) (RFC 6298 2.4)"
}

func twWhy(p *Profile) string {
	if p.Name == "rfc9293" {
		return " (2 × MSL of 2 minutes, RFC 9293 §3.4.2)"
	}
	return " (TCP_TIMEWAIT_LEN, fixed)"
}

func otherProfile(name string) Profile {
	if name == "linux" {
		return RFC9293()
	}
	return Linux()
}

func title(s string) string {
	if s == "linux" {
		return "Linux"
	}
	return s
}

// dur prints a duration compactly: "40ms", "60s", "4m0s" as "240s".
func dur(d time.Duration) string {
	if d >= time.Second && d%time.Second == 0 {
		return fmt.Sprintf("%ds", d/time.Second)
	}
	return d.String()
}
