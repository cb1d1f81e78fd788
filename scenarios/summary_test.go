package scenarios

import (
	"fmt"
	"strings"

	"github.com/tcpwave/tcpwave/model"
)

// segments summarises a run's segments as "A FIN|ACK 11/11" (relative seq/ack; "-" for
// no ACK), with " +10" for a payload, " lost" for a dropped one, " dup" for a copy.
func segments(tl *model.Timeline) []string {
	var out []string
	for i := range tl.Segments {
		s := &tl.Segments[i]
		ack := "-"
		if s.Flags.Has(model.ACK) {
			ack = fmt.Sprint(s.RelAck())
		}
		line := fmt.Sprintf("%s %s %d/%s", s.From, s.Flags, s.RelSeq(), ack)
		if s.Len > 0 {
			line += fmt.Sprintf(" +%d", s.Len)
		}
		if s.Lost {
			line += " lost"
		}
		if s.Dup {
			line += " dup"
		}
		out = append(out, line)
	}
	return out
}

// states is the sequence of states one side went through, starting from ESTABLISHED.
func states(tl *model.Timeline, side model.Side) string {
	seq := []string{tl.Events[0].Snap[side].State.String()}
	for i := range tl.Events {
		ev := &tl.Events[i]
		if ev.Kind == model.EvState && ev.Side == side {
			seq = append(seq, ev.To.String())
		}
	}
	return strings.Join(seq, " ")
}
