package view

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/view/player"
)

func isQuit(cmd tea.Cmd) bool {
	if cmd == nil {
		return false
	}
	_, ok := cmd().(tea.QuitMsg)
	return ok
}

// TestUpdateKeys drives Update as a function, one key at a time, and checks the state
// each key leaves.
func TestUpdateKeys(t *testing.T) {
	t.Run("next", func(t *testing.T) {
		for _, k := range []string{"right", "l", "n"} {
			m := sized(t, "client-close", "linux", 80, 24)
			press(m, k)
			if m.Cursor() != 1 || m.Now() != m.Timeline().At(1).T {
				t.Errorf("%s: cursor %d now %v, want 1 at its instant", k, m.Cursor(), m.Now())
			}
		}
	})
	t.Run("prev", func(t *testing.T) {
		for _, k := range []string{"left", "h", "b"} {
			m := sized(t, "client-close", "linux", 80, 24)
			m.play.Jump(5)
			press(m, k)
			if m.Cursor() != 4 {
				t.Errorf("%s: cursor %d, want 4", k, m.Cursor())
			}
		}
	})
	t.Run("prev-disabled-at-first", func(t *testing.T) {
		m := sized(t, "client-close", "linux", 80, 24)
		m.updateKeys()
		if m.keys.Prev.Enabled() || m.keys.First.Enabled() {
			t.Error("rewind enabled at the first event")
		}
		if strings.Contains(screenText(m), "← back") {
			t.Error("help shows ← back at the first event")
		}
		press(m, "h")
		if m.Cursor() != 0 {
			t.Errorf("cursor %d after h at the first event", m.Cursor())
		}
	})
	t.Run("first-last", func(t *testing.T) {
		for _, k := range []string{"end", "G"} {
			m := sized(t, "client-close", "linux", 80, 24)
			press(m, k)
			if m.Cursor() != m.Timeline().Len()-1 || m.Now() != m.Timeline().End() {
				t.Errorf("%s: cursor %d now %v", k, m.Cursor(), m.Now())
			}
			if m.keys.Next.Enabled() || strings.Contains(screenText(m), "→ next") {
				t.Errorf("%s: next still offered at the last event", k)
			}
		}
		for _, k := range []string{"home", "g"} {
			m := sized(t, "client-close", "linux", 80, 24)
			press(m, "G", k)
			if m.Cursor() != 0 || m.Now() != 0 {
				t.Errorf("%s: cursor %d now %v", k, m.Cursor(), m.Now())
			}
		}
	})
	t.Run("space-plays-and-pauses", func(t *testing.T) {
		m := sized(t, "client-close", "linux", 80, 24)
		cmd := press(m, "space")
		if !m.Playing() || cmd == nil {
			t.Fatal("space did not start playing with a tick")
		}
		gen := m.gen
		start := time.Unix(1000, 0)
		// Feed ticks as the runtime would: 30 per second of wall time, for 6 s (the
		// first events are held long enough to read them).
		for i := 0; i < 180; i++ {
			_, cmd = m.Update(tickMsg{gen: gen, at: start.Add(time.Duration(i) * frameInterval)})
			if cmd == nil {
				t.Fatalf("tick %d was not re-armed", i)
			}
		}
		if m.Cursor() == 0 || m.Now() == 0 {
			t.Fatalf("six seconds of play left cursor %d now %v", m.Cursor(), m.Now())
		}
		cur, now := m.Cursor(), m.Now()
		press(m, "space")
		if m.Playing() {
			t.Fatal("space did not pause")
		}
		// A tick of the old generation is stale: no state change, no new tick.
		if _, cmd := m.Update(tickMsg{gen: gen, at: start.Add(3 * time.Second)}); cmd != nil || m.Cursor() != cur || m.Now() != now {
			t.Fatal("a stale tick moved the paused model or re-armed")
		}
	})
	t.Run("play-to-the-end-stops", func(t *testing.T) {
		m := sized(t, "client-close", "linux", 80, 24)
		press(m, "space")
		start := time.Unix(1000, 0)
		var ticks int
		for ticks = 0; ticks < 30*60 && m.Playing(); ticks++ {
			m.Update(tickMsg{gen: m.gen, at: start.Add(time.Duration(ticks) * frameInterval)})
		}
		if m.Playing() || m.Cursor() != m.Timeline().Len()-1 {
			t.Fatalf("still playing after %d ticks (cursor %d)", ticks, m.Cursor())
		}
		if secs := float64(ticks) / 30; secs >= 60 {
			t.Errorf("client-close took %.1f s of wall time at 1×, want < 60 (time to read each lesson)", secs)
		}
	})
	t.Run("speed", func(t *testing.T) {
		m := sized(t, "client-close", "linux", 80, 24)
		press(m, "+")
		if m.Speed() != 2 {
			t.Errorf("+: speed %v", m.Speed())
		}
		press(m, "-", "-")
		if m.Speed() != 0.5 {
			t.Errorf("-: speed %v", m.Speed())
		}
		for range 10 {
			press(m, "-")
		}
		if m.Speed() != player.Speeds[0] || m.keys.Slower.Enabled() {
			t.Errorf("slowest: speed %v, slower enabled %v", m.Speed(), m.keys.Slower.Enabled())
		}
	})
	t.Run("drop-and-undo", func(t *testing.T) {
		m := sized(t, "client-close", "linux", 80, 24)
		n := m.Timeline().Len()
		press(m, "u")
		if m.Injected() != 0 {
			t.Fatal("u with nothing to undo changed something")
		}
		press(m, "d") // nothing in flight at t=0: the next segment to be sent, the FIN
		if m.Injected() != 1 || m.Timeline().Len() == n {
			t.Fatalf("d: injected %d, events %d (was %d)", m.Injected(), m.Timeline().Len(), n)
		}
		f := m.Timeline().Injected()[0]
		if f.Side != model.A || f.Nth != 1 {
			t.Errorf("d dropped %v, want the client's first segment", f)
		}
		press(m, "u")
		if m.Injected() != 0 || m.Timeline().Len() != n {
			t.Errorf("u: injected %d, events %d", m.Injected(), m.Timeline().Len())
		}
	})
	t.Run("drop-disabled-when-nothing-left", func(t *testing.T) {
		m := sized(t, "client-close", "linux", 80, 24)
		press(m, "G")
		m.updateKeys()
		if m.keys.Drop.Enabled() {
			t.Fatal("d enabled at the end, with nothing left to send")
		}
		n := m.Timeline().Len()
		press(m, "d")
		if m.Injected() != 0 || m.Timeline().Len() != n {
			t.Error("d acted with nothing to drop")
		}
	})
	t.Run("profile-keeps-the-point-of-the-story", func(t *testing.T) {
		m := sized(t, "client-close", "linux", 80, 24)
		stepTo(t, m, func(tl *model.Timeline, ev *model.Event) bool {
			return ev.Kind == model.EvState && ev.Side == model.B && ev.To == model.LastAck
		})
		press(m, "p")
		if m.Profile() != "rfc9293" {
			t.Fatalf("profile %s after p", m.Profile())
		}
		ev := m.Timeline().At(m.Cursor())
		if ev.Kind != model.EvState || ev.Side != model.B || ev.To != model.LastAck {
			t.Errorf("after p the cursor is at %s, want the server entering LAST_ACK", ev.TraceBody(m.Timeline()))
		}
		press(m, "p")
		if m.Profile() != "linux" {
			t.Errorf("p twice: %s", m.Profile())
		}
	})
	t.Run("profile-keeps-drops", func(t *testing.T) {
		m := sized(t, "client-close", "linux", 80, 24)
		stepTo(t, m, isSend(model.A, model.ACK))
		press(m, "d", "p")
		if m.Injected() != 1 || len(m.Timeline().Injected()) != 1 {
			t.Fatalf("after p: %d drops", m.Injected())
		}
		press(m, "u")
		if m.Injected() != 0 {
			t.Error("undo after p failed")
		}
	})
	t.Run("scenario-picker", func(t *testing.T) {
		m := sized(t, "client-close", "linux", 80, 24)
		press(m, "s")
		if !m.PickerOpen() {
			t.Fatal("s did not open the picker")
		}
		press(m, "q") // types q: only ctrl+c quits in the picker
		if !m.PickerOpen() || m.picker.filter != "q" {
			t.Fatalf("q in the picker: open %v filter %q", m.PickerOpen(), m.picker.filter)
		}
		press(m, "backspace", "f", "i", "n", "a", "l")
		if got := m.picker.selected(); got == nil || got.ID != "lost-final-ack" {
			t.Fatalf("filter %q selects %v", m.picker.filter, got)
		}
		press(m, "esc")
		if m.PickerOpen() || m.Scenario().ID != "client-close" {
			t.Fatal("esc did not cancel")
		}
		press(m, "s", "down", "down", "up", "enter")
		if m.PickerOpen() || m.Scenario().ID != "server-close" || m.Cursor() != 0 {
			t.Errorf("enter opened %s at %d", m.Scenario().ID, m.Cursor())
		}
		press(m, "s")
		if cmd := press(m, "ctrl+c"); !isQuit(cmd) {
			t.Error("ctrl+c in the picker does not quit")
		}
	})
	t.Run("help", func(t *testing.T) {
		m := sized(t, "client-close", "linux", 80, 24)
		press(m, "?")
		if !m.HelpOpen() || !strings.Contains(screenText(m), "next event") {
			t.Error("? did not show the full help")
		}
		press(m, "?")
		if m.HelpOpen() {
			t.Error("? did not close the help")
		}
	})
	t.Run("quit", func(t *testing.T) {
		for _, k := range []string{"q", "ctrl+c"} {
			m := sized(t, "client-close", "linux", 80, 24)
			if !isQuit(press(m, k)) {
				t.Errorf("%s does not quit", k)
			}
		}
	})
	t.Run("space-string-never-a-binding", func(t *testing.T) {
		for _, b := range DefaultKeyMap().FullHelp() {
			for _, k := range b {
				for _, key := range k.Keys() {
					if key == " " {
						t.Errorf("binding %q uses \" \"", k.Help().Desc)
					}
				}
			}
		}
	})
	t.Run("key-release-ignored", func(t *testing.T) {
		m := sized(t, "client-close", "linux", 80, 24)
		m.Update(tea.KeyReleaseMsg{Code: 'l', Text: "l"})
		if m.Cursor() != 0 {
			t.Error("a key release stepped")
		}
	})
	t.Run("colours", func(t *testing.T) {
		m := sized(t, "client-close", "linux", 80, 24)
		press(m, "l", "l", "l")
		dark := m.View().Content
		m.Update(tea.BackgroundColorMsg{Color: lightColor{}})
		if m.isDark || m.View().Content == dark {
			t.Error("a light background changed nothing")
		}
		m.Update(tea.ColorProfileMsg{Profile: colorprofile.Ascii})
		if strings.Contains(m.View().Content, "38;5;") {
			t.Error("colour escapes with the Ascii profile (NO_COLOR)")
		}
		if cmd := m.Init(); cmd == nil {
			t.Error("Init does not ask for the background colour")
		}
	})
}

type lightColor struct{}

func (lightColor) RGBA() (r, g, b, a uint32) { return 0xffff, 0xffff, 0xffff, 0xffff }

// TestDropInFlightPastHalfWay drops a segment that is already more than half-way
// across: it vanishes right where it is drawn, now, its ✕ is drawn at once, and the
// next step is its loss, at the same instant.
func TestDropInFlightPastHalfWay(t *testing.T) {
	m := sized(t, "client-close", "linux", 80, 24)
	stepTo(t, m, isSend(model.A, model.FIN|model.ACK))
	seg := m.Timeline().Segments[m.Timeline().At(m.Cursor()).Seg]
	m.play.Seek(m.Cursor(), seg.SentAt+(seg.ArriveAt-seg.SentAt)*4/5)
	m.updateKeys()
	press(m, "d")
	if m.Injected() != 1 {
		t.Fatal("d did not drop the FIN in flight")
	}
	lost := m.Timeline().Segments[seg.ID]
	if !lost.Lost || lost.ArriveAt != m.Now() {
		t.Fatalf("segment %d: lost %v at %v, now %v", seg.ID, lost.Lost, lost.ArriveAt, m.Now())
	}
	if ev := m.Timeline().At(m.Cursor()); ev.T > m.Now() || m.Cursor()+1 < m.Timeline().Len() && m.Timeline().At(m.Cursor()+1).T < m.Now() {
		t.Errorf("cursor %d (t=%v) does not match now %v", m.Cursor(), ev.T, m.Now())
	}
	if out := screenText(m); !strings.Contains(out, "✕") || strings.Contains(out, "◆") {
		t.Errorf("the loss is not drawn at once:\n%s", out)
	}
	press(m, "l")
	if ev := m.Timeline().At(m.Cursor()); ev.Kind != model.EvDrop || ev.Seg != seg.ID || ev.T != lost.ArriveAt {
		t.Errorf("the next step is %s, not the loss", ev.TraceLine(m.Timeline()))
	}
}

// TestDropBeforeHalfWay drops a segment just sent: it is drawn doomed at once, its ✕
// ahead where it will vanish, half-way across, and its head still flying towards it.
func TestDropBeforeHalfWay(t *testing.T) {
	m := sized(t, "client-close", "linux", 80, 24)
	stepTo(t, m, isSend(model.A, model.FIN|model.ACK))
	seg := m.Timeline().Segments[m.Timeline().At(m.Cursor()).Seg]
	press(m, "d")
	lost := m.Timeline().Segments[seg.ID]
	if !lost.Lost || lost.ArriveAt != seg.SentAt+seg.Transit/2 {
		t.Fatalf("segment %d: lost %v at %v, want half-way", seg.ID, lost.Lost, lost.ArriveAt)
	}
	out := screenText(m)
	if !strings.Contains(out, "✕") || !strings.Contains(out, "◆") || !strings.Contains(out, "┄") {
		t.Errorf("the doomed segment is not drawn with its head, the rest of its way and its ✕:\n%s", out)
	}
}

// --delay applies to every scenario the UI shows, including one chosen in the picker.
func TestDelayAppliesToPickedScenarios(t *testing.T) {
	m, err := New(Options{Delay: 3 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if d := m.Timeline().Scenario.Delay; d != [2]time.Duration{3 * time.Millisecond, 3 * time.Millisecond} {
		t.Fatalf("initial scenario delay %v", d)
	}
	sc, _ := scenarios.Lookup("simultaneous-close") // 50 ms of its own
	if err := m.play.Choose(sc); err != nil {
		t.Fatal(err)
	}
	if d := m.Timeline().Scenario.Delay; d != [2]time.Duration{3 * time.Millisecond, 3 * time.Millisecond} {
		t.Fatalf("picked scenario delay %v, want 3ms", d)
	}
	if sc.Delay[0] != 50*time.Millisecond {
		t.Fatal("the catalog's scenario was modified")
	}
}

// Switching profile keeps the same segment lost, even when it is another Nth segment
// under the other rules: in fin-ack-merged the server's FIN|ACK is its 1st segment
// under Linux but its 2nd under RFC 9293 (which sends a bare ACK first).
func TestProfileSwitchLosesTheSameSegment(t *testing.T) {
	m := sized(t, "fin-ack-merged", "linux", 80, 24)
	tl := m.Timeline()
	for i := range tl.Len() {
		ev := tl.At(i)
		if ev.Kind == model.EvSend && ev.Side == model.B && tl.Segments[ev.Seg].Flags == model.FIN|model.ACK {
			m.play.Seek(i, ev.T)
			break
		}
	}
	m.updateKeys()
	press(m, "d")
	lostFlags := func(tl *model.Timeline) []string {
		var out []string
		for _, s := range tl.Segments {
			if s.Lost {
				out = append(out, s.From.String()+" "+s.Flags.String())
			}
		}
		return out
	}
	if got := lostFlags(m.Timeline()); len(got) != 1 || got[0] != "B FIN|ACK" {
		t.Fatalf("under linux lost %v, want the server's FIN|ACK", got)
	}
	press(m, "p")
	if got := lostFlags(m.Timeline()); len(got) != 1 || got[0] != "B FIN|ACK" {
		t.Fatalf("under rfc9293 lost %v, want the server's FIN|ACK still", got)
	}
}

// --drop faults belong to the scenario named on the command line, not to one chosen
// later in the picker.
func TestCommandLineDropsStayWithTheirScenario(t *testing.T) {
	sc, _ := scenarios.Lookup("client-close")
	m, err := New(Options{Scenario: sc, Faults: []model.Fault{{Action: model.FaultDrop, Side: model.A, Nth: 1, Times: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if !m.Timeline().Segments[0].Lost {
		t.Fatal("the --drop fault was not applied to its scenario")
	}
	other, _ := scenarios.Lookup("server-close")
	if err := m.play.Choose(other); err != nil {
		t.Fatal(err)
	}
	for _, s := range m.Timeline().Segments {
		if s.Lost {
			t.Fatalf("a --drop fault followed into %s: %s lost", other.ID, s.Label())
		}
	}
}

// A drop's message stays for flashHold of playback, not just until the next event.
func TestFlashOutlastsTheNextEvent(t *testing.T) {
	m := sized(t, "client-close", "linux", 80, 24)
	press(m, "d")
	if m.flash == "" {
		t.Fatal("no message after d")
	}
	press(m, "space")
	start := time.Unix(0, 0)
	at := func(d time.Duration) { m.Update(tickMsg{gen: m.gen, at: start.Add(d)}) }
	at(0)
	first := m.Cursor()
	at(time.Second)
	if m.Cursor() == first {
		t.Fatal("playback did not move")
	}
	if m.flash == "" {
		t.Fatal("the message went at the next event")
	}
	for d := time.Second; d <= 5*time.Second; d += 200 * time.Millisecond {
		at(d) // ticks of at most maxTickGap each
	}
	if m.flash != "" {
		t.Fatalf("the message is still there after 5 s of playback: %q", m.flash)
	}
}

// Stepping forward from a point between two events (paused while playing) and back
// again returns to exactly the same screen.
func TestStepBackReturnsBetweenEvents(t *testing.T) {
	m := sized(t, "client-close", "linux", 80, 24)
	press(m, "space")
	start := time.Unix(0, 0)
	for d := time.Duration(0); d <= 1300*time.Millisecond; d += 100 * time.Millisecond {
		m.Update(tickMsg{gen: m.gen, at: start.Add(d)})
	}
	press(m, "space")
	if m.Now() == m.Timeline().At(m.Cursor()).T {
		t.Skip("paused exactly on an event; the case needs a point between events")
	}
	before := screenText(m)
	for _, n := range []int{1, 3} {
		for range n {
			press(m, "right")
		}
		for range n {
			press(m, "left")
		}
		if got := screenText(m); got != before {
			t.Fatalf("%d forward and %d back:\n%s\nwant\n%s", n, n, got, before)
		}
	}
}

// TestDropWhatIsDrawn: d loses the segment drawn in flight, not one not yet sent; with
// two in flight, the one nearer its arrival first, and d again the other.
func TestDropWhatIsDrawn(t *testing.T) {
	t.Run("the one in flight", func(t *testing.T) {
		m := sized(t, "simultaneous-close", "linux", 80, 24)
		m.play.Jump(9) // 10/25: the client's FIN has arrived, the server's is still flying
		m.updateKeys()
		var flying []int
		for i := range m.Timeline().Segments {
			if m.Timeline().Flying(i, m.Cursor()) && !m.Timeline().Segments[i].Lost {
				flying = append(flying, i)
			}
		}
		if len(flying) != 1 || m.Timeline().Segments[flying[0]].From != model.B {
			t.Fatalf("at 10/25 the segments in flight are %v", flying)
		}
		if !strings.Contains(screenText(m), "◆") {
			t.Fatalf("no segment drawn in flight at 10/25:\n%s", screenText(m))
		}
		press(m, "d")
		if !m.Timeline().Segments[flying[0]].Lost {
			t.Fatalf("d did not lose the server's FIN in flight; flash: %s", m.flash)
		}
		if !strings.Contains(m.flash, "server's FIN|ACK seq=11 ack=11 len=0") {
			t.Errorf("flash = %q", m.flash)
		}
	})
	t.Run("two in flight", func(t *testing.T) {
		m := sized(t, "simultaneous-close", "linux", 80, 24)
		for m.Timeline().At(m.Cursor()+1).T == 0 {
			press(m, "l")
		}
		m.play.Seek(m.Cursor(), 25*time.Millisecond) // both FINs half-way
		m.updateKeys()
		press(m, "d")
		first := -1
		for i, s := range m.Timeline().Segments {
			if s.Lost {
				first = i
			}
		}
		if first < 0 || !strings.Contains(m.flash, "nearer its arrival") || !strings.Contains(m.flash, "d again drops the other") {
			t.Fatalf("first d: lost %d, flash %q", first, m.flash)
		}
		press(m, "d")
		var lost []model.Side
		for _, s := range m.Timeline().Segments {
			if s.Lost {
				lost = append(lost, s.From)
			}
		}
		if len(lost) != 2 || lost[0] == lost[1] {
			t.Fatalf("after d d: lost %v, want both FINs", lost)
		}
		diagram := strings.Join(strings.Split(screenText(m), "\n")[m.scr.diagY:m.scr.diagY+m.scr.diagH], "\n")
		if n := strings.Count(diagram, "✕"); n != 2 {
			t.Errorf("%d ✕ drawn, want 2:\n%s", n, screenText(m))
		}
	})
}

// TestShortHelpKeepsHelpAndQuit: however narrow, the short help ends with ? help and
// quit; the least needed keys leave it first.
func TestShortHelpKeepsHelpAndQuit(t *testing.T) {
	for _, w := range []int{64, 70, 80, 100} {
		m := sized(t, "client-close", "linux", w, 18)
		for _, keys := range [][]string{{}, {"l", "l", "l"}, {"d"}, {"space"}} {
			press(m, keys...)
			lines := strings.Split(screenText(m), "\n")
			last := lines[len(lines)-1]
			if !strings.HasSuffix(last, "? help · q quit") || strings.Contains(last, "…") {
				t.Errorf("%d columns after %v: help line %q", w, keys, last)
			}
		}
		press(m, "s")
		lines := strings.Split(screenText(m), "\n")
		if last := lines[len(lines)-1]; !strings.HasSuffix(last, "ctrl+c quit") {
			t.Errorf("%d columns, picker: help line %q", w, last)
		}
	}
}

// TestProfileBackIsFree: p, then p again before any drop, goes back to the very
// timelines (and layouts) that were there, not a recomputation; a drop in between
// makes it recompute.
func TestProfileBackIsFree(t *testing.T) {
	m := sized(t, "lost-final-ack", "linux", 80, 24)
	stepTo(t, m, isSend(model.B, model.FIN|model.ACK))
	press(m, "l", "d")
	before, cursor := m.Timeline(), m.Cursor()
	m.View()
	layout := m.diag
	press(m, "p")
	if m.Profile() != "rfc9293" || m.Injected() != 1 {
		t.Fatalf("after p: profile %s, %d drops", m.Profile(), m.Injected())
	}
	press(m, "p")
	if m.Timeline() != before || m.Cursor() != cursor || m.Injected() != 1 {
		t.Fatalf("p p: timeline %p (was %p), cursor %d (was %d)", m.Timeline(), before, m.Cursor(), cursor)
	}
	if m.View(); m.diag != layout {
		t.Error("p p laid the diagram out again")
	}
	press(m, "p", "u", "p")
	if m.Timeline() == before || m.Injected() != 0 {
		t.Error("p u p went back to the timeline with the drop")
	}
}

// While playing, a timer's bookkeeping passes quickly and leaves the lesson before it
// on screen; each lesson is held in proportion to its length.
func TestPlayingKeepsTheLesson(t *testing.T) {
	m := sized(t, "client-close", "linux", 120, 40)
	press(m, "space")
	start := time.Unix(1000, 0)
	sawTimer := false
	for i := 0; i < 30*60 && m.Playing(); i++ {
		m.Update(tickMsg{gen: m.gen, at: start.Add(time.Duration(i) * frameInterval)})
		ev := m.Timeline().At(m.Cursor())
		if !m.Playing() || !bookkeeping(ev) {
			continue
		}
		sawTimer = true
		prev := m.Cursor() - 1
		for bookkeeping(m.Timeline().At(prev)) {
			prev--
		}
		want := eventSummary(En, m.Timeline(), m.Timeline().At(prev))
		if s := screenText(m); !strings.Contains(s, want) || strings.Contains(s, eventSummary(En, m.Timeline(), ev)) {
			t.Fatalf("at timer event %d the narration is not the lesson of event %d (%q)", m.Cursor(), prev, want)
		}
	}
	if !sawTimer {
		t.Fatal("playback never rested on a timer event")
	}
	long, short := -1, -1
	for i := 1; i < m.Timeline().Len(); i++ {
		switch n := len(eventNote(En, m.Timeline(), m.Timeline().At(i)).why); {
		case n > 300 && long < 0:
			long = i
		case n > 0 && n < 60 && short < 0:
			short = i
		}
	}
	if long < 0 || short < 0 || m.play.Dwell(long) <= m.play.Dwell(short) {
		t.Errorf("a long lesson (event %d) is not held longer than a short one (event %d)", long, short)
	}
}

// L switches every word at the same point of the story, the help line included, and
// back again.
func TestLanguageKey(t *testing.T) {
	m := sized(t, "client-close", "linux", 100, 30)
	press(m, "l", "l", "l")
	cursor := m.Cursor()
	en := screenText(m)
	press(m, "L")
	zh := screenText(m)
	if m.Lang() != Zh || m.Cursor() != cursor {
		t.Fatalf("after L: %s at event %d, want zh at %d", m.Lang(), m.Cursor(), cursor)
	}
	for _, want := range []string{"两端状态", "发生了什么", "下一步", "帮助", "客户端"} {
		if !strings.Contains(zh, want) {
			t.Errorf("the Chinese screen lacks %q", want)
		}
	}
	press(m, "L")
	back := screenText(m)
	for _, want := range []string{"Endpoints", "What happened", "next", "help", "Client"} {
		if !strings.Contains(back, want) {
			t.Errorf("back in English, the screen lacks %q", want)
		}
	}
	if strings.Contains(back, "帮助") || strings.Contains(back, "下一步") {
		t.Errorf("back in English, Chinese is left on screen:\n%s", back)
	}
	_ = en
}
