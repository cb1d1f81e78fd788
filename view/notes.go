package view

import (
	"strings"

	"github.com/tcpwave/tcpwave/model"
)

// noteContext is one event's rule, with the timeline around it, for the words that
// are true there.
type noteContext struct {
	l  Lang
	tl *model.Timeline
	ev *model.Event
	// relative: the numbers quoted are relative to the old connection's ISN, as the
	// screen shows them (the trace quotes absolute ones).
	relative bool
}

// say is the lesson of a catalog key: its words, formatted, and its source.
func (c *noteContext) say(key string, args ...any) lesson {
	return lesson{c.l.t(key, args...), sourceOf(key)}
}

// sourceOf is the source a key cites: its own, or its family's ("close-wait.merged"
// cites what "close-wait" does).
func sourceOf(key string) string {
	if s, ok := sources[key]; ok {
		return s
	}
	if base, _, ok := strings.Cut(key, "."); ok {
		return sources[base]
	}
	return ""
}

// before is the side's endpoint just before the event.
func (c *noteContext) before(side model.Side) *model.Endpoint {
	if c.ev.Index == 0 {
		return &c.ev.Snap[side]
	}
	return &c.tl.At(c.ev.Index - 1).Snap[side]
}

// seg is the event's segment, or nil.
func (c *noteContext) seg() *model.Segment {
	if c.ev.Seg >= 0 && c.ev.Seg < len(c.tl.Segments) {
		return &c.tl.Segments[c.ev.Seg]
	}
	return nil
}

// nextSend is the first segment side sends at or after the event, or nil.
func (c *noteContext) nextSend(side model.Side) (*model.Event, *model.Segment) {
	for i := c.ev.Index + 1; i < c.tl.Len(); i++ {
		if e := c.tl.At(i); e.Kind == model.EvSend && e.Side == side {
			return e, &c.tl.Segments[e.Seg]
		}
	}
	return nil, nil
}

// lesson is the event's rule in words.
func (c *noteContext) lesson() lesson {
	l, ev, n := c.l, c.ev, c.ev.Note
	side := ev.Side
	who, peer := l.side(side), l.side(side.Peer())
	key := n.Rule.String()
	switch n.Rule {
	case model.RuleReadData, model.RuleWrite, model.RuleCloseUnread, model.RuleAbortUnread,
		model.RuleOldDuplicateAccepted, model.RuleKeepaliveDead:
		return c.say(key, n.N)
	case model.RuleCloseOrphan, model.RuleConnectInUse:
		return c.say(key, n.State.String())
	case model.RuleConnect:
		if c.relative {
			// On screen the old SND.NXT is relative to the old ISN, and the new SYN
			// counts from its own ISN: say both in those terms.
			iss := c.tl.At(0).Snap[side].ISS
			return c.say(key+".relative", n.Seq-uint32(n.N)-iss, n.N, n.Seq-iss)
		}
		return c.say(key, n.Seq, n.N)
	case model.RuleNewISNLinux, model.RuleNewISNRFC:
		if c.relative {
			iss := c.tl.At(0).Snap[side].ISS
			return c.say(key+".relative", n.Seq-iss)
		}
		return c.say(key, n.Seq)
	case model.RuleConnectTakeover:
		if n.N == 1 {
			return c.say(key+".auto", n.Seq)
		}
		return c.say(key, n.Seq)
	case model.RuleConnectClock:
		return c.say(key, n.Seq, c.tl.Profile.ISNClock.String())
	case model.RuleConnectOtherPort:
		return c.otherPort()
	case model.RuleConnectOtherPortDelay:
		return c.say(key, trimSecs(n.D), trimSecs(ev.T-c.before(side).TSRecentAt))
	case model.RulePAWSReject:
		// Say that the bytes would have been taken only where they would have.
		if s, b := c.seg(), c.before(side); s != nil && s.Len > 0 && b.RcvWnd > 0 &&
			int32(s.Seq-b.RcvNxt) >= 0 && int32(s.Seq-b.RcvNxt) < int32(b.RcvWnd) {
			return c.say(key+".in-window", n.N)
		}
		return c.say(key, n.N)
	case model.RuleOOOFull, model.RuleSackTagged:
		return c.say(key, n.N)
	case model.RuleRackWait:
		return c.say(key, trimSecs(n.D))
	case model.RuleRackLost:
		return c.say(key, n.N, trimSecs(n.D))
	case model.RulePAWSTimeWait:
		if s := c.seg(); s != nil && s.Flags.Has(model.RST) {
			return c.say(key + ".rst")
		}
		return c.say(key)
	case model.RuleOOOQueued:
		if s := c.seg(); s != nil && s.Len == 0 && s.Flags.Has(model.FIN) {
			return c.say(key+".fin", n.N)
		}
		return c.say(key, n.N)
	case model.RuleInvalidRateLimited, model.RuleLingerSet, model.RuleCloseLinger,
		model.RuleLingerDone, model.RuleLingerTimeout:
		return c.say(key, trimSecs(n.D))
	case model.RuleReadEOF:
		// "This side may still write" only while it may: not once it has shut down or
		// closed its own direction.
		if b := c.before(side); b.FinQueued || b.FinSent {
			return c.say("read-eof.both-closed")
		}
		return c.say(key)
	case model.RuleRSTExact:
		if n.State == model.CloseWait {
			return c.say("rst-exact.close-wait", n.State.String())
		}
		return c.say(key, n.State.String())
	case model.RuleTimedOut:
		return c.timedOut()
	case model.RuleCloseWait:
		return c.closeWait()
	case model.RuleArrive:
		return c.arrive()
	case model.RuleArriveDuplicate:
		return c.say(key, who, peer)
	case model.RuleArriveListen:
		return c.say(key, peer, who)
	case model.RuleArriveNoConn:
		return c.say(key, peer, c.seg().Flags.String(), who)
	}
	if n.Rule.Why() && ev.Kind == model.EvSend {
		return c.send()
	}
	return c.say(key)
}

// otherPort says why connect() from an automatic port left this 4-tuple alone: it was
// busy, or its TIME_WAIT could not be taken over (Linux tcp_twsk_unique).
func (c *noteContext) otherPort() lesson {
	n, p := c.ev.Note, &c.tl.Profile
	b := c.before(c.ev.Side)
	switch {
	case n.State != model.TimeWait:
		return c.say("connect-other-port", n.State.String())
	case !b.TSOK || !b.TSRecentSet:
		return c.say("connect-other-port.no-ts")
	case p.TWReuse == 0:
		return c.say("connect-other-port.off")
	}
	return c.say("connect-other-port.not-loopback")
}

// closeWait is the CLOSE_WAIT lesson, told by what this side does with the ACK it
// owes: sent at once (the close then takes four segments), or delayed, then carried by
// its own FIN (three) or sent alone when the delay runs out (four).
func (c *noteContext) closeWait() lesson {
	p := &c.tl.Profile
	sendEv, seg := c.nextSend(c.ev.Side)
	switch {
	case seg != nil && seg.Flags == model.ACK && sendEv.T == c.ev.T:
		return c.say("close-wait.ack-now")
	case seg != nil && seg.Flags.Has(model.FIN) && seg.Piggyback:
		return c.say("close-wait.merged", trimSecs(p.DelayedAck))
	case seg != nil && seg.Cause == model.CauseDelayedAck:
		return c.say("close-wait.delayed-alone", trimSecs(p.DelayedAck))
	}
	return c.say("close-wait.delayed", trimSecs(p.DelayedAck))
}

// timedOut is the giving up after the retransmissions, numbered as the arrows are
// (⟲n counts every copy, the tail loss probe's too).
func (c *noteContext) timedOut() lesson {
	side := c.ev.Side
	last, probe := 0, false
	for i := c.ev.Index - 1; i >= 0; i-- {
		e := c.tl.At(i)
		if e.Kind != model.EvSend || e.Side != side {
			continue
		}
		s := &c.tl.Segments[e.Seg]
		if s.Retrans == 0 {
			break
		}
		last = max(last, s.Retrans)
		probe = probe || s.Cause == model.CauseProbe
	}
	src := "RFC 9293 §3.8.3 R2; Linux tcp_retransmit_timer, "
	if c.before(side).Orphan {
		src += "tcp_orphan_retries"
	} else {
		src += "tcp_retries2"
	}
	switch c.ev.Note.State {
	case model.SynSent:
		src = "RFC 9293 §3.8.3 R2; Linux tcp_write_timeout (tcp_syn_retries + tcp_syn_linear_timeouts)"
	case model.SynReceived:
		src = "RFC 9293 §3.8.3 R2; Linux reqsk_timer_handler (tcp_synack_retries)"
	}
	ls := c.say("timed-out", c.ev.Note.N, last)
	if probe {
		ls = c.say("timed-out.probe", c.ev.Note.N, last)
	}
	ls.src = src
	return ls
}

// arrive says what a segment brings to a side with a connection, from the segment and
// the side as it was.
func (c *noteContext) arrive() lesson {
	l := c.l
	seg := c.seg()
	e := c.before(c.ev.Side)
	acksOurFin := e.FinSent && seg.Flags.Has(model.ACK) && seg.Ack == e.FinSeq+1 && !e.FinAcked()
	var what string
	switch f := seg.Flags; {
	case f.Has(model.RST):
		what = l.t("what.rst")
	case f.Has(model.SYN) && f.Has(model.ACK):
		what = l.t("what.syn-ack")
	case f.Has(model.SYN):
		what = l.t("what.syn")
	case f.Has(model.FIN) && seg.Retrans > 0:
		what = l.t("what.fin-again", seg.Retrans)
	case f.Has(model.FIN) && seg.Len > 0:
		what = l.t("what.data-fin", seg.Len)
	case f.Has(model.FIN):
		what = l.t("what.fin")
	case seg.Len > 0:
		what = l.t("what.data", seg.Len)
	case acksOurFin:
		what = l.t("what.ack-of-fin")
	default:
		what = l.t("what.ack")
	}
	who, peer := l.side(c.ev.Side), l.side(seg.From)
	if seg.Flags.Has(model.FIN) && acksOurFin {
		return c.say("arrive.acks-fin", who, e.State.String(), what, peer, l.side(c.ev.Side))
	}
	return c.say("arrive", who, e.State.String(), what, peer)
}

// send says why a segment went out: its reason, and for a copy sent again, which
// rule sent it, numbered as its arrow is (⟲n).
func (c *noteContext) send() lesson {
	seg := c.seg()
	p := &c.tl.Profile
	side := c.ev.Side
	n := seg.Why
	why := c.reason(n)
	if seg.Retrans == 0 {
		return why
	}
	timer := c.before(side).Timers[model.TimerRetransmit]
	switch {
	case seg.Cause == model.CauseSynAgain:
		return c.say("send.synack-again", seg.Retrans)
	case seg.Cause == model.CauseRACK:
		return c.say("send.rack", seg.Retrans, why.why)
	case seg.Cause == model.CauseProbe:
		return c.say("send.probe", seg.Retrans, why.why, trimSecs(p.RTOMin), trimSecs(timer.Length))
	case seg.Flags.Has(model.SYN) && !seg.Flags.Has(model.ACK) && p.QuickRetry() > 0 && timer.Length == p.QuickRetry():
		return c.say("send.syn-quick", seg.Retrans, trimSecs(timer.Length))
	}
	return c.say("send.retrans", seg.Retrans, why.why, trimSecs(timer.Length))
}

// reason is a segment's reason in words.
func (c *noteContext) reason(n model.Note) lesson {
	key := n.Rule.String()
	switch n.Rule {
	case model.WhyAckData, model.WhyData:
		return c.say(key, n.N)
	case model.WhyDelayedAck:
		return c.say(key, trimSecs(n.D))
	case model.WhyDupAckAhead:
		if s := c.seg(); s != nil && s.SACK.N > 0 {
			return c.say(key + ".sack")
		}
	case model.WhyKeepalive:
		probes := 0
		if ka := c.tl.Scenario.Apps[c.ev.Side].Keepalive; ka != nil {
			probes = ka.Probes
		}
		return c.say(key, n.N, probes)
	}
	return c.say(key)
}
