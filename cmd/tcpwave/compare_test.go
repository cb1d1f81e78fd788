package main

import (
	"os"
	"path/filepath"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/tcpwave/tcpwave/scenarios/capture"
	"github.com/tcpwave/tcpwave/view"
)

// openComparison builds "simulate this" for one of the real captures of
// scenarios/capture's test data, as tcpwave open FILE --simulate does.
func openComparison(t testing.TB, name string) view.CompareOptions {
	t.Helper()
	path := filepath.Join("..", "..", "scenarios", "capture", "testdata", "real", name)
	sc, err := scanCapture(path, os.Stderr)
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

func TestCompareDump(t *testing.T) {
	if os.Getenv("DUMP") == "" {
		t.Skip()
	}
	o := openComparison(t, os.Getenv("DUMP"))
	t.Log("\n" + compareFrame(o, view.En, 100, 30, "G"))
	t.Log("\n" + compareFrame(o, view.Zh, 200, 60, "G"))
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
