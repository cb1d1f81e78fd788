package capture

import (
	"slices"
	"testing"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// TestAsScenario: a catalog run exported, read back and written as a scenario loads,
// and the model's run of it goes through the states the capture showed, side by side.
func TestAsScenario(t *testing.T) {
	for _, id := range []string{"client-close", "server-close", "fin-ack-merged", "lost-first-fin", "lost-final-ack", "linger-abort", "simultaneous-close"} {
		sc, _ := scenarios.Lookup(id)
		inf := open(t, runOf(t, sc, "linux"), AtLink)
		text, err := AsScenario(inf, id+".pcap")
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		back, err := scenarios.Parse(id+".yaml", []byte(text))
		if err != nil {
			t.Fatalf("%s: the scenario written does not load: %v\n%s", id, err, text)
		}
		run := runOf(t, back, "linux")
		want, got := states(inf.Timeline), visible(run)
		for s := model.A; s <= model.B; s++ {
			if !slices.Equal(want[s], got[s]) {
				t.Errorf("%s, %s: the capture shows %v, its scenario's run %v\n%s", id, s.Name(), want[s], got[s], text)
			}
		}
	}
}
