package scenarios

import (
	"fmt"
	"slices"
	"strings"
	"testing"

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

// sequenceCase is one scenario's expected segments and state sequences.
type sequenceCase struct {
	id       string
	segs     []string
	stA, stB string
}

// checkSequences runs each case under profile and compares segments and states.
func checkSequences(t *testing.T, profile string, cases []sequenceCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.id, func(t *testing.T) {
			tl := run(t, c.id, profile)
			if got := segments(tl); !slices.Equal(got, c.segs) {
				t.Errorf("segments:\n got %q\nwant %q", got, c.segs)
			}
			if got := states(tl, model.A); got != c.stA {
				t.Errorf("A: got %s, want %s", got, c.stA)
			}
			if got := states(tl, model.B); got != c.stB {
				t.Errorf("B: got %s, want %s", got, c.stB)
			}
		})
	}
}
