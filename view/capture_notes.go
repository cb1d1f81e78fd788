package view

import (
	"strings"

	"github.com/tcpwave/tcpwave/model"
)

// inferredNote is the lesson of an event of a timeline read from a capture: the rule
// of inference behind a state, or what a segment was found to be. A state's words
// begin with "Inferred:", since no capture shows a state, only segments.
func inferredNote(l Lang, tl *model.Timeline, ev *model.Event) lesson {
	key := "infer." + ev.Note.Rule.InferredKey()
	who, peer := l.side(ev.Side), l.side(ev.Side.Peer())
	var why string
	switch ev.Kind {
	case model.EvStart:
		why = tIndexed(l, key, l.t("infer.at."+captureAt(tl)), model.FormatMillis(tl.Scenario.Delay[model.A]))
	case model.EvState:
		why = l.t("infer.mark") + tIndexed(l, key, who, peer, ev.To.String())
	case model.EvSend:
		seg := &tl.Segments[ev.Seg]
		why = tIndexed(l, key, who, peer, seg.Retrans)
	default:
		why = tIndexed(l, key, who, peer)
	}
	return lesson{why, sourceOf(key)}
}

// tIndexed is l.t for words that pick their arguments by index (%[2]s), and may
// use none: the arguments go only to words that have a verb.
func tIndexed(l Lang, key string, args ...any) string {
	f, ok := catalogs[l.valid()][key]
	if !ok {
		f = catalogs[En][key]
	}
	if !strings.Contains(f, "%[") {
		return l.t(key)
	}
	return l.t(key, args...)
}

// captureAt is the capture point a capture's timeline was read as taken at, from its
// scenario's id ("capture.link").
func captureAt(tl *model.Timeline) string {
	if _, at, ok := strings.Cut(tl.Scenario.ID, "@"); ok {
		return at
	}
	return "link"
}

// captureEnding is what the last event of a capture says: where it left both sides.
func captureEnding(l Lang, tl *model.Timeline) string {
	snap := tl.At(tl.Len() - 1).Snap
	return l.t("infer.end", snap[model.A].State.String(), snap[model.B].State.String())
}

// InferredTraceText is a capture's timeline in the trace's grammar: a header of
// comments, then one event a line; a state line's annotation says "inferred:" and the
// rule, a segment's what was found, each with its source.
func InferredTraceText(l Lang, tl *model.Timeline, header []string) string {
	var b strings.Builder
	for _, h := range header {
		b.WriteString("# " + h + "\n")
	}
	for i := range tl.Events {
		ev := &tl.Events[i]
		if ev.Kind == model.EvStart {
			continue
		}
		b.WriteString(ev.TraceBody(tl))
		if ev.Note.Rule.Inferred() {
			ls := inferredNote(l, tl, ev)
			if ev.Kind == model.EvState {
				ls.why = strings.TrimPrefix(ls.why, l.t("infer.mark"))
				b.WriteString("  # inferred: " + ls.text())
			} else if ev.Note.Rule != model.InferSeen && ev.Note.Rule != model.InferArrive {
				b.WriteString("  # " + ls.text())
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}
