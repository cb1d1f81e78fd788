package view

import (
	"io"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	uv "github.com/charmbracelet/ultraviolet"
)

// benchRenderer measures what Bubble Tea's renderer does with one of our frames while
// a segment flies (what a session's frame costs the server beyond View): it parses
// the View's string into its cell buffer (clearing it first) and diffs that against
// the screen it last drew, writing the changes, as cursedRenderer.flush does.
func benchRenderer(b *testing.B, w, h int) {
	m := flying(b, w, h)
	m.Update(tea.ColorProfileMsg{Profile: colorprofile.ANSI256})
	r := uv.NewTerminalRenderer(io.Discard, []string{"TERM=xterm-256color"})
	r.SetColorProfile(colorprofile.ANSI256)
	r.SetMapNewline(true)
	r.SetTabStops(-1)
	r.SetScrollOptim(true)
	r.Resize(w, h)
	r.SetFullscreen(true)
	r.SetRelativeCursor(false)
	buf := uv.NewScreenBuffer(w, h)
	draw := func() {
		buf.Clear()
		uv.NewStyledString(m.View().Content).Draw(buf, buf.Bounds())
		r.Render(buf.RenderBuffer)
		_ = r.Flush()
	}
	draw()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.play.Seek(m.Cursor(), m.Now()+100*time.Microsecond)
		draw()
	}
}

// BenchmarkRenderer100x30 is a frame through the renderer at 100×30.
func BenchmarkRenderer100x30(b *testing.B) { benchRenderer(b, 100, 30) }

// BenchmarkRenderer200x60 is a frame through the renderer at 200×60.
func BenchmarkRenderer200x60(b *testing.B) { benchRenderer(b, 200, 60) }
