package main

import (
	"strings"
	"testing"
)

// TestSimulateEndToEnd opens a committed capture (a FIN lost and sent again, taken on
// Linux) in a real terminal with --simulate: the model's run of the scenario built
// from it beside the capture; n jumps to the first difference, L to Chinese, q quits.
// Then the same from the capture's own view: its s key opens the comparison.
func TestSimulateEndToEnd(t *testing.T) {
	file := "../../scenarios/capture/testdata/real/refin.pcap"
	s := startUISession(t, "simulate", 100, 30, "env TERM=xterm-256color LANG=C BIN open "+file+" --simulate; echo EXIT=$?; sleep 60")
	scr := s.waitFor("the screen", "refin.pcap · the model beside the capture", "model · linux profile", "capture · 10.13.0.1:40013-10.13.0.2:8080")
	for _, want := range []string{"At the cursor", "step 1/", "differences"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the screen lacks %q:\n%s", want, scr)
		}
	}
	s.keys("n")
	scr = s.waitFor("n", "Both have it, but further apart in time")
	if !strings.Contains(scr, "~") {
		t.Errorf("no ~ mark at the first difference:\n%s", scr)
	}
	s.keys("L")
	s.waitFor("L", "模型与抓包并排对照")
	s.keys("q")
	if scr := s.waitFor("q", "EXIT="); !strings.Contains(scr, "EXIT=0") {
		t.Errorf("after q:\n%s", scr)
	}

	k := startUISession(t, "simulate-key", 100, 30, "env TERM=xterm-256color LANG=C BIN open "+file+"; echo EXIT=$?; sleep 60")
	k.waitFor("the capture", "s simulate this")
	k.keys("s")
	k.waitFor("s", "refin.pcap · the model beside the capture")
	k.keys("q")
	if scr := k.waitFor("q", "EXIT="); !strings.Contains(scr, "EXIT=0") {
		t.Errorf("after q:\n%s", scr)
	}
}
