package model

import (
	"fmt"
	"strings"
)

// Trace renders the timeline in the format of trace-format.md: a header of comments,
// then one event per line, "<t_ms> <kind> <fields>", each annotated with the key of
// the rule that fired (the model has no words: TraceWith takes them).
func (tl *Timeline) Trace() string { return tl.TraceWith(false, nil) }

// TraceWith is Trace with each event annotated by annotate ("" for none; nil for the
// rule's key), and with absolute sequence numbers instead of relative ones when
// absolute is set (a departure from trace-format.md, for comparing with RFC figures
// or raw captures).
func (tl *Timeline) TraceWith(absolute bool, annotate func(*Event) string) string {
	if annotate == nil {
		annotate = ruleKey
	}
	var b strings.Builder
	b.Grow(128 * len(tl.Events))
	sc := tl.Scenario
	fmt.Fprintf(&b, "# scenario: %s (%s)\n", sc.ID, sc.Title)
	fmt.Fprintf(&b, "# profile: %s\n", tl.Profile.Name)
	fmt.Fprintf(&b, "# link: A->B delay=%s B->A delay=%s\n", FormatMillis(sc.Delay[A]), FormatMillis(sc.Delay[B]))
	fmt.Fprintf(&b, "# isn: A=%d B=%d\n", sc.ISN[A], sc.ISN[B])
	if absolute {
		b.WriteString("# numbers: absolute\n")
	}
	fmt.Fprintf(&b, "# exchanged before t=0: A=%d B=%d\n", sc.Exchanged[A], sc.Exchanged[B])
	for side := A; side <= B; side++ {
		app := sc.Apps[side]
		var steps []string
		for _, st := range app.Steps {
			steps = append(steps, st.String())
		}
		if app.NoRead {
			steps = append([]string{"noread"}, steps...)
		}
		if len(steps) == 0 {
			steps = []string{"none"}
		}
		fmt.Fprintf(&b, "# app %s: %s\n", side, strings.Join(steps, "; "))
	}
	for _, f := range tl.Faults {
		fmt.Fprintf(&b, "# fault: %s\n", f)
	}
	if app := sc.Apps; app[A].Keepalive != nil || app[B].Keepalive != nil {
		for side := A; side <= B; side++ {
			if ka := app[side].Keepalive; ka != nil {
				fmt.Fprintf(&b, "# keepalive %s: idle=%s interval=%s probes=%d\n", side, ka.Idle, ka.Interval, ka.Probes)
			}
		}
	}
	if sc.Until > 0 {
		fmt.Fprintf(&b, "# until: %s\n", FormatMillis(sc.Until))
	}
	if tl.Stopped {
		fmt.Fprintf(&b, "# stopped: pending=%s\n", FormatMillis(sc.Until))
	}
	if tl.Truncated {
		fmt.Fprintf(&b, "# truncated: events=%d\n", MaxEvents)
	}
	if tl.OutOfTime {
		fmt.Fprintf(&b, "# truncated: time=%dy\n", MaxTimeYears)
	}
	for i := range tl.Events {
		ev := &tl.Events[i]
		if ev.Kind == EvStart {
			continue
		}
		line := ev.TraceBody(tl)
		if absolute && ev.Seg >= 0 {
			seg := &tl.Segments[ev.Seg]
			line = strings.Replace(line, seg.Label(), seg.LabelAbsolute(), 1)
		}
		b.WriteString(line)
		if note := annotate(ev); note != "" {
			b.WriteString("  # ")
			b.WriteString(note)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// TraceLine is one event in the trace grammar, annotated with its rule's key.
func (ev *Event) TraceLine(tl *Timeline) string {
	body := ev.TraceBody(tl)
	if key := ruleKey(ev); key != "" {
		return body + "  # " + key
	}
	return body
}

// ruleKey is an event's rule as the trace names it without words: "close-wait", or
// "close-wait + time-wait-skipped" when a second rule fired with it.
func ruleKey(ev *Event) string {
	n := ev.Note
	switch {
	case n.Rule == RuleNone:
		return ""
	case n.Also != RuleNone:
		return n.Rule.String() + " + " + n.Also.String()
	}
	return n.Rule.String()
}

// TraceBody is one event in the trace grammar, without the annotation.
func (ev *Event) TraceBody(tl *Timeline) string {
	t := FormatMillis(ev.T)
	switch ev.Kind {
	case EvApp:
		return fmt.Sprintf("%s app %s %s", t, ev.Side, ev.Call)
	case EvSend, EvDrop:
		seg := &tl.Segments[ev.Seg]
		return fmt.Sprintf("%s %s %s %s%s%s", t, ev.Kind, seg.From, seg.Label(), seg.TSLabel(), seg.SackLabel())
	case EvRecv:
		seg := &tl.Segments[ev.Seg]
		return fmt.Sprintf("%s recv %s %s%s%s", t, ev.Side, seg.Label(), seg.TSLabel(), seg.SackLabel())
	case EvState:
		return fmt.Sprintf("%s state %s %s", t, ev.Side, ev.To)
	case EvTimer:
		kind := "none"
		if ev.Timer < NumTimers {
			kind = ev.Timer.String()
		}
		return fmt.Sprintf("%s timer %s %s remaining=%d retrans=%d", t, ev.Side, kind, ev.Remaining.Milliseconds(), ev.Retrans)
	}
	return t + " start"
}

// String describes a script step as the trace header shows it.
func (st Step) String() string {
	var when string
	switch {
	case st.HasAt:
		when = "at " + st.At.String()
	case st.On != OnPrevious && st.After > 0:
		when = fmt.Sprintf("%s after %s", st.After, st.On)
	case st.On != OnPrevious:
		when = "on " + st.On.String()
	case st.After > 0:
		when = st.After.String() + " later"
	}
	call := st.Call.String()
	switch st.Call {
	case CallWrite:
		call = fmt.Sprintf("write %d", st.N)
	case CallShutdown:
		call = "shutdown(SHUT_WR)"
	case CallLinger0:
		call = "SO_LINGER {1,0}"
	case CallLinger:
		call = fmt.Sprintf("SO_LINGER {1,%s}", FormatDuration(st.Linger))
	case CallRead:
		call = "read"
	case CallConnect:
		call = "connect"
		if st.HasISN {
			call = fmt.Sprintf("connect isn=%+d", st.ISN)
		}
		if st.AutoPort {
			call += " port=auto"
		}
	}
	if when == "" {
		return call
	}
	return when + ": " + call
}
