package view

import (
	"errors"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// crowdedRun is a small scenario that no diagram can draw: a 40 KB write over an
// hour-long link keeps its segments and their retransmissions in flight at once.
func crowdedRun() *model.Scenario {
	return &model.Scenario{ID: "crowded", Title: "crowded", ISN: [2]uint32{1, 1},
		Delay: [2]time.Duration{time.Hour, time.Hour},
		Apps:  [2]model.App{{Steps: []model.Step{{Call: model.CallWrite, N: 40000}}}, {}}}
}

// TestTooBigToDraw: such a run took minutes to lay out (a 1 GB write: for ever);
// it is refused at once, Render says why, and the UI shows why in place of the diagram
// while its panes and keys go on working.
func TestTooBigToDraw(t *testing.T) {
	tl := model.Run(crowdedRun(), model.Linux())
	var tb *TooBigError
	if err := CheckDrawable(tl); !errors.As(err, &tb) || tb.Flight <= MaxDrawnFlight {
		t.Fatalf("CheckDrawable: %v", err)
	}
	out := Render(tl, RenderOptions{Width: 100})
	if !strings.Contains(out, "No diagram: the run keeps too many segments in flight at once to draw") || strings.Count(out, "\n") > 8 {
		t.Errorf("Render:\n%s", out)
	}

	m := mustNew(t, Options{Scenario: crowdedRun()})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	if s := screenText(m); !strings.Contains(s, "No diagram: the run keeps too many") || !strings.Contains(s, "Endpoints") {
		t.Errorf("screen:\n%s", s)
	}
	press(m, "l", "l", "d", "end", "p", "u", "home")
	if s := screenText(m); !strings.Contains(s, "No diagram") {
		t.Errorf("after keys:\n%s", s)
	}

	// Every catalog story is far within both limits.
	for _, sc := range scenarios.Catalog() {
		for _, name := range model.ProfileNames {
			p, _ := sc.ProfileFor(name)
			if err := CheckDrawable(model.Run(sc, p)); err != nil {
				t.Errorf("%s/%s: %v", sc.ID, name, err)
			}
		}
	}
}
