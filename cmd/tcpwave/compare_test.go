package main

import (
	"os"
	"path/filepath"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpwave/tcpwave/cmd/tcpwave/internal/real"
	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/scenarios/capture"
	"github.com/tcpwave/tcpwave/view"
)

// openComparison builds "simulate this" for one of the real captures of
// scenarios/capture's test data, as tcpwave open FILE --simulate does.
func openComparison(t testing.TB, name string) view.CompareOptions {
	t.Helper()
	path := filepath.Join("..", "..", "scenarios", "capture", "testdata", "real", name)
	sc, err := scanCapture(path, view.En, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	f, err := chooseFlow(sc, "")
	if err != nil {
		t.Fatal(err)
	}
	inf, _, err := inferFlow(path, f, capture.AtLink)
	if err != nil {
		t.Fatal(err)
	}
	o, err := captureComparison(inf, path, f.String())
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// compareFrame draws the comparison at w×h in l after the keys, without colour.
func compareFrame(o view.CompareOptions, l view.Lang, w, h int, keys ...string) string {
	o.Lang = l
	m := view.NewCompare(o)
	m.Update(tea.ColorProfileMsg{Profile: colorprofile.Ascii})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	for _, k := range keys {
		m.Update(keyPress(k))
	}
	return m.Frame()
}

// kernelComparisonOf builds tcpwave real's comparison from a kernel run's trace kept
// in testdata (made with tcpwave real SCENARIO --trace on Linux 6.18 as root), so that
// its screen is tested without root.
func kernelComparisonOf(t testing.TB, id string) view.CompareOptions {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", id+".kernel.trace"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	evs, err := real.ParseTrace(f)
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenarios.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	tl, _, err := real.ModelEvents(sc)
	if err != nil {
		t.Fatal(err)
	}
	o, err := kernelComparison(sc, evs, real.HorizonFor(tl, real.MaxObserve), real.DefaultTolerance)
	if err != nil {
		t.Fatal(err)
	}
	o.Source = "Linux 6.18.44" // the kernel the trace was made on, not this machine's
	return o
}

// TestCompareFrames: golden frames of the side-by-side comparison, for a capture
// (tcpwave open --simulate) and a kernel run (tcpwave real), in both languages, on a
// 100x30 screen (one above the other) and a 200x60 one (side by side).
func TestCompareFrames(t *testing.T) {
	refin := openComparison(t, "refin.pcap")
	three := openComparison(t, "three.pcap")
	kernel := kernelComparisonOf(t, "lost-final-ack")
	cases := []struct {
		name string
		o    view.CompareOptions
		l    view.Lang
		w, h int
		keys []string
	}{
		{"capture-refin-first-diff-en-100x30", refin, view.En, 100, 30, []string{"n"}},
		{"capture-refin-end-zh-200x60", refin, view.Zh, 200, 60, []string{"G"}},
		{"capture-three-end-en-200x60", three, view.En, 200, 60, []string{"G"}},
		{"kernel-lost-final-ack-start-zh-100x30", kernel, view.Zh, 100, 30, nil},
		{"kernel-lost-final-ack-step8-en-200x60", kernel, view.En, 200, 60, []string{"right", "right", "right", "right", "right", "right", "right"}},
		{"kernel-lost-final-ack-end-en-100x30-side", kernel, view.En, 100, 30, []string{"G", "tab"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			golden.RequireEqual(t, []byte(ansi.Strip(compareFrame(c.o, c.l, c.w, c.h, c.keys...))))
		})
	}
}

// keyPress is the message of one key, by its name ("right", "tab", "n").
func keyPress(k string) tea.KeyPressMsg {
	switch k {
	case "right":
		return tea.KeyPressMsg{Code: tea.KeyRight}
	case "left":
		return tea.KeyPressMsg{Code: tea.KeyLeft}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	}
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}
