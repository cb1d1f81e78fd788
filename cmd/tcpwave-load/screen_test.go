package main

import (
	"bytes"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/view"
)

// TestTermFollowsTheRenderer feeds term what Bubble Tea's renderer (ultraviolet's, set
// up as Bubble Tea sets it up for an SSH session in the alt screen) writes for a run
// of real frames of the UI, each a diff of the one before, at two sizes and in both
// languages, and checks after every frame that term shows the frame's text.
func TestTermFollowsTheRenderer(t *testing.T) {
	for _, tc := range []struct {
		w, h int
		lang view.Lang
		keys string
	}{
		{100, 30, view.En, "nnnnddnnnunnpnnnnnnnnbbbgnnnnnnnnnnnnnnnnGg"},
		{200, 60, view.En, "nnnnnnnnnnnnnnnnnnnndnnnnnnnnnnbbbbbGgnnn"},
		{80, 24, view.Zh, "nnnnnnnnnnnnnnndnnnnnnnLnnnnnnnbbbbbGg"},
	} {
		sc, err := scenarios.Get("client-close")
		if err != nil {
			t.Fatal(err)
		}
		m, err := view.New(view.Options{Scenario: sc, Lang: tc.lang})
		if err != nil {
			t.Fatal(err)
		}
		m.Update(tea.WindowSizeMsg{Width: tc.w, Height: tc.h})
		m.Update(tea.ColorProfileMsg{Profile: colorprofile.ANSI256})

		var out bytes.Buffer
		r := uv.NewTerminalRenderer(&out, []string{"TERM=xterm-256color"})
		r.SetColorProfile(colorprofile.ANSI256)
		r.SetMapNewline(true)
		r.SetTabStops(-1)
		r.SetScrollOptim(true)
		r.Resize(tc.w, tc.h)
		r.SaveCursor()
		r.SetFullscreen(true)
		r.SetRelativeCursor(false)
		r.Erase()
		buf := uv.NewScreenBuffer(tc.w, tc.h)
		tm := newTerm(tc.w, tc.h)

		for i, k := range "." + tc.keys {
			if k != '.' {
				m.Update(tea.KeyPressMsg{Code: k, Text: string(k)})
			}
			frame := m.Frame()
			buf.Clear()
			uv.NewStyledString(frame).Draw(buf, buf.Bounds())
			r.Render(buf.RenderBuffer)
			if err := r.Flush(); err != nil {
				t.Fatal(err)
			}
			tm.Write(out.Bytes())
			out.Reset()
			want := strings.Split(ansi.Strip(frame), "\n")
			for y := range tc.h {
				w := ""
				if y < len(want) {
					w = want[y]
				}
				if got := strings.TrimRight(tm.Row(y), " "); got != strings.TrimRight(w, " ") {
					t.Fatalf("%dx%d, frame %d (key %q), row %d:\n got %q\nwant %q", tc.w, tc.h, i, k, y, got, w)
				}
			}
		}
	}
}

// TestTermSplitSequences feeds a sequence one byte at a time, as reads may cut it.
func TestTermSplitSequences(t *testing.T) {
	tm := newTerm(20, 3)
	for _, c := range []byte("\x1b[2;5Hab✕\x1b[1;1H\x1b]0;title\x07x\x1b[3;2Hyz\x1b[2b\x1b[3;3H\x1b[P") {
		tm.Write([]byte{c})
	}
	for y, want := range []string{"x", "    ab✕", " yzz"} {
		if got := strings.TrimRight(tm.Row(y), " "); got != want {
			t.Errorf("row %d: %q, want %q", y, got, want)
		}
	}
}
