package view

import (
	"strings"
	"testing"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// The source article (shared/seed/) makes these claims; the catalog's explanations and
// narrations must teach each of them, in our own words.
func TestNarrationCoversTheSourceArticle(t *testing.T) {
	var all strings.Builder
	for _, sc := range scenarios.Catalog() {
		all.WriteString(sc.Explanation + "\n")
		for _, name := range model.ProfileNames {
			p, _ := sc.ProfileFor(name)
			tl := model.Run(sc, p)
			for i := range tl.Len() {
				all.WriteString(eventNote(En, tl, tl.At(i)).why + "\n")
			}
		}
	}
	text := all.String()
	claims := []struct{ claim, phrase string }{
		{"1. either side may close first", "Either side may close first"},
		{"1. closing releases the host's resources", "resources are released"},
		{"2. client FIN → FIN_WAIT_1", "FIN_WAIT_1 waits for its ACK"},
		{"2. server ACKs → CLOSE_WAIT", "waits in CLOSE_WAIT"},
		{"2. client gets the ACK → FIN_WAIT_2", "FIN_WAIT_2 waits for the peer's own FIN"},
		{"2. server finishes, sends FIN → LAST_ACK", "waits in LAST_ACK for the ACK"},
		{"2. client ACKs → TIME_WAIT", "enters TIME_WAIT, for 2MSL"},
		{"2. server gets the ACK → CLOSED", "The last ACK arrived"},
		{"2. client waits 2MSL → CLOSED", "2MSL has passed"},
		{"3. each direction needs a FIN and an ACK: four", "one FIN and one ACK: four segments"},
		{"4. only the active closer has TIME_WAIT", "Only the side that closed first enters TIME_WAIT"},
		{"4. the passive closer never does", "The passive closer never enters TIME_WAIT"},
		{"5. a FIN only means no more data from that side", `A FIN only means \"I will send no more\"`},
		{"5. the receiver may still have data, so ACK now, FIN later", "ACKs the FIN at once and sends its own FIN later"},
		{"6a. TIME_WAIT keeps old segments from a later connection", "old segments of this connection must die out before a new connection can reuse the same 4-tuple"},
		{"6b. TIME_WAIT lets the passive closer close properly", "must still find someone to ACK it, so that the peer can close properly"},
	}
	for _, c := range claims {
		phrase := strings.ReplaceAll(c.phrase, `\"`, `"`)
		if !strings.Contains(text, phrase) {
			t.Errorf("claim %q: no narration says %q", c.claim, phrase)
		}
	}
}
