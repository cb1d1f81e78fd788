package view

import (
	"testing"

	"github.com/tcpwave/tcpwave/scenarios"
)

// Every catalog scenario has its title and explanation in every language.
func TestScenariosAreTranslated(t *testing.T) {
	for l := Lang(1); l < numLangs; l++ {
		for _, sc := range scenarios.Catalog() {
			for _, part := range []string{"title", "explanation", "moral"} {
				if catalogs[l]["scenario."+sc.ID+"."+part] == "" {
					t.Errorf("%s lacks the %s of %s", l, part, sc.ID)
				}
			}
		}
	}
}
