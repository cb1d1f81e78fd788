package capture

import (
	"testing"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

var profiles = []string{"linux", "rfc9293"}

// runOf runs a catalog scenario under a profile.
func runOf(t testing.TB, sc *model.Scenario, profile string) *model.Timeline {
	t.Helper()
	p, err := sc.ProfileFor(profile)
	if err != nil {
		t.Fatal(err)
	}
	return model.Run(sc, p)
}

// catalog is every catalog scenario.
func catalog() []*model.Scenario { return scenarios.Catalog() }
