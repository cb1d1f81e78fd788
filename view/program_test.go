package view

import (
	"bytes"
	"io"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/tcpwave/tcpwave/model"
)

func teaModel(t *testing.T, id string) *teatest.TestModel {
	t.Helper()
	m := mustNew(t, Options{Scenario: scenario(t, id)})
	return teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
}

func final(t *testing.T, tm *teatest.TestModel) *Model {
	t.Helper()
	return tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
}

// TestProgramDropFinalACK runs the whole program: step to the final ACK, drop it, step
// on to the end, quit.
func TestProgramDropFinalACK(t *testing.T) {
	tm := teaModel(t, "client-close")
	want := sized(t, "client-close", "linux", 80, 24)
	stepTo(t, want, isSend(model.A, model.ACK))
	tm.Type(strings.Repeat("l", want.Cursor()))
	tm.Type("d")
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Dropped the client's ACK")) },
		teatest.WithDuration(3*time.Second))
	tm.Type("G")
	tm.Type("q")
	m := final(t, tm)
	if m.Injected() != 1 || m.Cursor() != m.Timeline().Len()-1 {
		t.Fatalf("final: %d drops, cursor %d of %d", m.Injected(), m.Cursor(), m.Timeline().Len())
	}
	if s := m.Timeline().At(m.Cursor()).Snap[model.A].State; s != model.Closed {
		t.Errorf("client ends in %s", s)
	}
}

// TestProgramPickerAndProfile opens the picker, filters, opens a scenario and switches
// profile.
func TestProgramPickerAndProfile(t *testing.T) {
	tm := teaModel(t, "client-close")
	tm.Type("s")
	tm.Type("simul")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	tm.Type("lllp")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	m := final(t, tm)
	if m.Scenario().ID != "simultaneous-close" || m.Profile() != "rfc9293" || m.PickerOpen() {
		t.Fatalf("final: scenario %s profile %s picker %v", m.Scenario().ID, m.Profile(), m.PickerOpen())
	}
}

// TestProgramPlaysToTheEnd plays fin-ack-merged at the top speed until it stops by
// itself at the last event.
func TestProgramPlaysToTheEnd(t *testing.T) {
	tm := teaModel(t, "fin-ack-merged")
	tm.Type("++++")
	tm.Type(" ")
	// The last event's lesson is written only once playback has reached it (the
	// first frame is paused too, and names CLOSED, so neither says the end), and
	// playback has stopped once the header's ⏸ comes after its last ▶.
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("nothing is left to happen")) &&
			bytes.LastIndex(b, []byte("⏸")) > bytes.LastIndex(b, []byte("▶"))
	},
		teatest.WithDuration(15*time.Second), teatest.WithCheckInterval(100*time.Millisecond))
	tm.Type("q")
	m := final(t, tm)
	if m.Playing() || m.Cursor() != m.Timeline().Len()-1 || m.Speed() != 16 {
		t.Fatalf("final: playing %v cursor %d/%d speed %v", m.Playing(), m.Cursor(), m.Timeline().Len(), m.Speed())
	}
}

// countingWriter records the size of every write to the terminal.
type countingWriter struct {
	mu     sync.Mutex
	writes []int
	at     []time.Time
}

func (c *countingWriter) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.writes = append(c.writes, len(p))
	c.at = append(c.at, time.Now())
	c.mu.Unlock()
	return len(p), nil
}

// waitQuiet waits until nothing has been written for d (at most 10 s).
func (c *countingWriter) waitQuiet(t *testing.T, d time.Duration) {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		var last time.Time
		if len(c.at) > 0 {
			last = c.at[len(c.at)-1]
		}
		c.mu.Unlock()
		if !last.IsZero() && time.Since(last) >= d {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the program never stopped writing")
}

func (c *countingWriter) since(t time.Time) (n, bytes int, sizes []int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, at := range c.at {
		if !at.Before(t) {
			n++
			bytes += c.writes[i]
			sizes = append(sizes, c.writes[i])
		}
	}
	return
}

// TestBytesPerFrame measures what the program writes to an 80×24 terminal per frame
// while one segment flies, and checks that a paused program writes nothing. It runs the
// real program (renderer included) behind a counting writer; it is a measurement, so
// it logs its numbers (go test -v -run BytesPerFrame).
func TestBytesPerFrame(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the program for a few seconds")
	}
	m := mustNew(t, Options{})
	// Start at the last event of the instant the client's FIN leaves, paused: playing
	// from there, the FIN crosses the link in 0.6 s of story time.
	for m.Timeline().At(m.Cursor()).Kind != model.EvSend {
		m.play.Jump(m.Cursor() + 1)
	}
	for m.Timeline().At(m.Cursor()+1).T == m.Timeline().At(m.Cursor()).T {
		m.play.Jump(m.Cursor() + 1)
	}
	out := &countingWriter{}
	inR, inW := io.Pipe()
	defer inW.Close()
	p := tea.NewProgram(m, tea.WithOutput(out), tea.WithInput(inR), tea.WithWindowSize(80, 24),
		tea.WithColorProfile(colorprofile.ANSI256), tea.WithoutSignals())
	done := make(chan struct{})
	go func() { p.Run(); close(done) }()
	out.waitQuiet(t, 300*time.Millisecond) // the first full frame and the terminal queries
	start := time.Now()
	time.Sleep(700 * time.Millisecond)
	if n, b, _ := out.since(start); n != 0 || b != 0 {
		t.Errorf("paused before playing: %d writes, %d bytes", n, b)
	}
	// Play: the FIN crosses the link (0.6 s of story time at 1×, after a 60 ms dwell).
	p.Send(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	playStart := time.Now()
	time.Sleep(650 * time.Millisecond)
	p.Send(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
	time.Sleep(200 * time.Millisecond)
	n, total, sizes := out.since(playStart)
	if n == 0 {
		t.Fatal("nothing written while playing")
	}
	sort.Ints(sizes)
	median := sizes[len(sizes)/2]
	t.Logf("one segment flying at 80x24 for 0.65 s: %d frames, %d bytes, median %d bytes/frame, max %d", n, total, median, sizes[len(sizes)-1])
	if median >= 200 {
		t.Errorf("median %d bytes per frame while a segment flies, want < 200", median)
	}
	if float64(n) > 0.65*30*1.5 {
		t.Errorf("%d frames in 0.65 s: more than 30 fps", n)
	}
	pausedAt := time.Now()
	time.Sleep(time.Second)
	if n, b, _ := out.since(pausedAt); n != 0 || b != 0 {
		t.Errorf("paused: %d writes, %d bytes in a second", n, b)
	}
	p.Quit()
	<-done
}
