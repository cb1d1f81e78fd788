package view

import (
	"fmt"
	"strings"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// mermaidGap is the quiet stretch after which the Mermaid diagram notes the time passed.
const mermaidGap = 500 * time.Millisecond

// RenderMermaid writes the finished timeline as a Mermaid sequence diagram, for
// Markdown documents: each segment is a message at the moment it is sent (-x when it
// was lost), each app call and state change a note beside its side, and each long quiet
// stretch a note across both.
// With absolute, segments carry their absolute sequence numbers.
// Its words are in l.
func RenderMermaid(tl *model.Timeline, absolute bool, l Lang) string {
	l = l.valid()
	var b strings.Builder
	b.WriteString("sequenceDiagram\n")
	fmt.Fprintf(&b, "    participant A as %s\n", l.t("Client"))
	fmt.Fprintf(&b, "    participant B as %s\n", l.t("Server"))
	numbers := ""
	if absolute {
		numbers = " · " + l.t("render.absolute")
	}
	fmt.Fprintf(&b, "    Note over A,B: %s%s\n", mermaidText(l.t("mermaid.title", scenarioTitle(l, tl.Scenario), tl.Profile.Name)), numbers)
	start := tl.At(0).Snap
	fmt.Fprintf(&b, "    Note left of A: %s\n", start[model.A].State)
	fmt.Fprintf(&b, "    Note right of B: %s\n", start[model.B].State)
	last := time.Duration(0)
	for i := 1; i < tl.Len(); i++ {
		ev := tl.At(i)
		if ev.Kind == model.EvTimer || ev.Kind == model.EvRecv || ev.Kind == model.EvDrop {
			continue
		}
		if gap := ev.T - last; gap >= mermaidGap {
			fmt.Fprintf(&b, "    Note over A,B: %s\n", l.t("mermaid.later", gapText(gap), secs(ev.T)))
		}
		last = ev.T
		side := "left of A"
		if ev.Side == model.B {
			side = "right of B"
		}
		switch ev.Kind {
		case model.EvSend:
			seg := &tl.Segments[ev.Seg]
			from, to := "A", "B"
			if seg.From == model.B {
				from, to = "B", "A"
			}
			arrow := "->>"
			if seg.Lost {
				arrow = "-x"
			}
			label := seg.Label()
			if absolute {
				label = seg.LabelAbsolute()
			}
			if seg.Retrans > 0 {
				label += fmt.Sprintf(" (retransmission %d)", seg.Retrans)
			}
			if seg.Lost {
				label += " LOST"
			}
			fmt.Fprintf(&b, "    %s%s%s: %s\n", from, arrow, to, mermaidText(label))
		case model.EvApp:
			fmt.Fprintf(&b, "    Note %s: %s\n", side, mermaidText(appCallText(ev.Call)))
		case model.EvState:
			fmt.Fprintf(&b, "    Note %s: %s\n", side, ev.To)
		}
	}
	return b.String()
}

// appCallText turns a trace call ("read -> EOF") into what the diagram shows
// ("read() = EOF").
func appCallText(call string) string {
	name, result, ok := strings.Cut(call, " -> ")
	verb, args, _ := strings.Cut(name, " ")
	s := verb + "(" + args + ")"
	if ok {
		s += " = " + result
	}
	return s
}

// gapText prints a quiet stretch compactly: "60 s", "0.8 s", "4 min".
func gapText(d time.Duration) string {
	switch {
	case d >= 2*time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%d min", d/time.Minute)
	case d >= 10*time.Second:
		return fmt.Sprintf("%.0f s", d.Seconds())
	default:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
}

// mermaidText keeps a label inside Mermaid's grammar: ';' ends a statement and '#'
// starts an entity code.
func mermaidText(s string) string {
	return strings.NewReplacer(";", ",", "#", "no. ", "\n", " ").Replace(s)
}
