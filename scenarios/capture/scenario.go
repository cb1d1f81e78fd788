package capture

import (
	"fmt"
	"strings"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// AsScenario writes a scenario file (the catalog's YAML) that tells the story of the
// inferred connection to the model: who closed first (with a FIN, or with an abort's
// RST), when the other side closed after it read EOF, the measured one-way delay, the
// bytes the client had sent before, and each segment the capture shows lost, as a
// drop. Running it shows what the model's rules make of the same story. name is the
// capture's file name, for the title.
func AsScenario(inf *Inference, name string) (string, error) {
	tl := inf.Timeline
	first := CloseStart(tl) // the event at which the close begins
	if first < 0 {
		return "", problemf("the connection does not close in the capture (no FIN, no RST): there is no close to simulate")
	}
	ev := &tl.Events[first]
	closer := ev.Side
	seg := &tl.Segments[ev.Seg]
	start := ev.T

	// Bytes the client sent before the close (the model takes one figure for both).
	sent := 0
	for i := 0; i < first; i++ {
		if e := &tl.Events[i]; e.Kind == model.EvSend && e.Side == model.A && tl.Segments[e.Seg].Retrans == 0 {
			sent += tl.Segments[e.Seg].Len
		}
	}
	sent = min(sent, 1<<20)

	oneWay := inf.Delay[model.A] + inf.Delay[model.B]
	oneWay = max(oneWay, time.Microsecond)

	var b strings.Builder
	fmt.Fprintf(&b, "id: from-capture\n")
	fmt.Fprintf(&b, "title: %q\n", "From "+name+": "+tl.Scenario.Title)
	fmt.Fprintf(&b, "explanation: >\n  Built by tcpwave open --as-scenario from the capture %s: the %s closes first", name, closer.Name())
	if seg.Flags.Has(model.RST) {
		fmt.Fprintf(&b, " with a RST (an abort)")
	}
	fmt.Fprintf(&b, ", the\n  link's one-way delay is the measured %s, and the segments the capture shows lost are lost here\n  too. What the model does with that story can be set beside what the capture shows.\n", fmtDur(oneWay))
	fmt.Fprintf(&b, "exchanged: %d\n", sent)
	fmt.Fprintf(&b, "link:\n  delay: %s\n", fmtDur(oneWay))

	// Losses: the nth segment with these exact flags its side sent from the close on.
	var faults []string
	count := map[string]int{}
	for i := first; i < len(tl.Events); i++ {
		e := &tl.Events[i]
		if e.Kind != model.EvSend {
			continue
		}
		s := &tl.Segments[e.Seg]
		k := s.From.Name() + " " + s.Flags.String()
		count[k]++
		if s.Lost {
			faults = append(faults, fmt.Sprintf("  - do: drop\n    side: %s\n    flags: %s\n    nth: %d\n", s.From.Name(), s.Flags, count[k]))
		}
	}
	if len(faults) > 0 {
		b.WriteString("faults:\n" + strings.Join(faults, ""))
	}

	app := func(side model.Side) string {
		if side == closer {
			if seg.Flags.Has(model.RST) {
				return "  steps:\n    - do: linger0\n    - do: close\n"
			}
			return "  steps:\n    - do: close\n"
		}
		// The other side: its own FIN, after the closer's FIN reached it.
		var got, fin time.Duration = -1, -1
		for i := first; i < len(tl.Events); i++ {
			e := &tl.Events[i]
			if e.Kind == model.EvRecv && e.Side == side && tl.Segments[e.Seg].Flags.Has(model.FIN) && got < 0 {
				got = e.T
			}
			if e.Kind == model.EvSend && e.Side == side && tl.Segments[e.Seg].Flags.Has(model.FIN) && fin < 0 {
				fin = e.T
			}
		}
		switch {
		case fin >= 0 && got >= 0 && fin >= got:
			return fmt.Sprintf("  steps:\n    - on: eof\n      after: %s\n      do: close\n", fmtDur(fin-got))
		case fin >= 0:
			return fmt.Sprintf("  steps:\n    - after: %s\n      do: close\n", fmtDur(max(fin-start, 0)))
		}
		return "  steps: []\n"
	}
	fmt.Fprintf(&b, "client:\n%s", app(model.A))
	fmt.Fprintf(&b, "server:\n%s", app(model.B))
	return b.String(), nil
}

// CloseStart is the event at which the connection's close begins, the first FIN or
// RST sent, or -1 if there is none: the scenario AsScenario builds starts there (its
// time zero is this event's time).
func CloseStart(tl *model.Timeline) int {
	for i := range tl.Events {
		ev := &tl.Events[i]
		if ev.Kind == model.EvSend && tl.Segments[ev.Seg].Flags&(model.FIN|model.RST) != 0 && !tl.Segments[ev.Seg].Flags.Has(model.SYN) {
			return i
		}
	}
	return -1
}

// fmtDur writes a duration as scenario files take it, in whole microseconds.
func fmtDur(d time.Duration) string {
	return d.Round(time.Microsecond).String()
}
