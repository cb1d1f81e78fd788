package view

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpwave/tcpwave/model"
)

// runOf is a scenario's run in a profile, with faults.
func runOf(tb testing.TB, id, profile string, faults ...model.Fault) *model.Timeline {
	tb.Helper()
	sc := scenario(tb, id)
	p, err := sc.ProfileFor(profile)
	if err != nil {
		tb.Fatal(err)
	}
	sc2 := *sc
	sc2.Faults = append(append([]model.Fault(nil), sc.Faults...), faults...)
	return model.Run(&sc2, p)
}

// sameSteps pairs every event but the start of two runs of one story, index for index:
// a hand-made comparison for the tests of the screen.
func sameSteps(n int) []CompareStep {
	steps := make([]CompareStep, 0, n)
	for i := 1; i < n; i++ {
		steps = append(steps, CompareStep{Mark: RealSame, Ev: [2]int{i, i}})
	}
	return steps
}

// Each side's cursor covers every event before its next step's, and never goes back.
func TestCompareCursors(t *testing.T) {
	tl := runOf(t, "client-close", "linux")
	cases := []struct {
		name  string
		steps []CompareStep
		want  [][2]int
	}{
		{"pairs", []CompareStep{{Ev: [2]int{1, 1}}, {Ev: [2]int{3, 2}}, {Ev: [2]int{4, 4}}},
			[][2]int{{2, 1}, {3, 3}, {tl.Len() - 1, tl.Len() - 1}}},
		{"one side only", []CompareStep{{Ev: [2]int{1, -1}}, {Ev: [2]int{-1, 1}}, {Ev: [2]int{2, 2}}},
			[][2]int{{1, 0}, {1, 1}, {tl.Len() - 1, tl.Len() - 1}}},
		{"out of order", []CompareStep{{Ev: [2]int{2, 1}}, {Ev: [2]int{1, 2}}},
			[][2]int{{2, 1}, {tl.Len() - 1, tl.Len() - 1}}},
	}
	for _, c := range cases {
		got := compareCursors([2]*model.Timeline{tl, tl}, c.steps)
		for j := range c.want {
			if got[j] != c.want[j] {
				t.Errorf("%s: step %d cursors %v, want %v", c.name, j, got[j], c.want[j])
			}
		}
	}
}

// Every pair of events is drawn on one row: the same run beside itself needs nothing
// moved; a run with a retransmission beside one without gets rows added so that the
// events after it line up again.
func TestAlignDiagrams(t *testing.T) {
	a := runOf(t, "client-close", "linux")
	pair := alignDiagrams([2]*model.Timeline{a, a}, sameSteps(a.Len()), 70, false)
	if pair.lead != [2]int{} || pair.d[0].rows != pair.d[1].rows {
		t.Fatalf("the same run is moved: lead %v, rows %d and %d", pair.lead, pair.d[0].rows, pair.d[1].rows)
	}
	b := runOf(t, "client-close", "linux", model.Fault{Action: model.FaultDrop, Side: model.A, Flags: model.FIN | model.ACK, Nth: 1})
	// Pair b's events with a's by their trace line, the k-th copy with the k-th.
	steps := pairByTrace(a, b)
	pair = alignDiagrams([2]*model.Timeline{a, b}, steps, 70, false)
	paired := 0
	for _, st := range steps {
		if st.Ev[0] < 0 || st.Ev[1] < 0 {
			continue
		}
		paired++
		r0 := pair.d[0].evRow[st.Ev[0]] + pair.lead[0]
		r1 := pair.d[1].evRow[st.Ev[1]] + pair.lead[1]
		if r0 != r1 {
			t.Errorf("%s: row %d in one, %d in the other", a.At(st.Ev[0]).TraceBody(a), r0, r1)
		}
	}
	if paired < 5 {
		t.Fatalf("only %d pairs: the test pairs nothing", paired)
	}
}

// pairByTrace is the tests' own pairing: events with the same trace body (without
// time), k-th with k-th, the rest alone, in the order of a then b.
func pairByTrace(a, b *model.Timeline) []CompareStep {
	body := func(tl *model.Timeline, i int) string {
		_, s, _ := strings.Cut(tl.At(i).TraceBody(tl), " ")
		return s
	}
	used := make([]bool, b.Len())
	var steps []CompareStep
	j := 1
	for i := 1; i < a.Len(); i++ {
		k := -1
		for x := j; x < b.Len(); x++ {
			if !used[x] && body(b, x) == body(a, i) {
				k = x
				break
			}
		}
		if k < 0 {
			steps = append(steps, CompareStep{Mark: RealOnlyModel, Ev: [2]int{i, -1}})
			continue
		}
		for ; j < k; j++ {
			if !used[j] {
				used[j] = true
				steps = append(steps, CompareStep{Mark: RealOnlyKernel, Ev: [2]int{-1, j}})
			}
		}
		used[k] = true
		steps = append(steps, CompareStep{Mark: RealSame, Ev: [2]int{i, k}})
	}
	for ; j < b.Len(); j++ {
		if !used[j] {
			steps = append(steps, CompareStep{Mark: RealOnlyKernel, Ev: [2]int{-1, j}})
		}
	}
	return steps
}

func compareOf(t testing.TB) *CompareModel {
	a := runOf(t, "client-close", "linux")
	b := runOf(t, "client-close", "linux", model.Fault{Action: model.FaultDrop, Side: model.A, Flags: model.FIN | model.ACK, Nth: 1})
	return NewCompare(CompareOptions{Title: "client-close", Source: "Linux test", Timelines: [2]*model.Timeline{a, b}, Steps: pairByTrace(a, b)})
}

// Update as a function: the keys step both sides, jump between differences, switch
// the arrangement and the language, and quit.
func TestCompareUpdate(t *testing.T) {
	m := compareOf(t)
	press := func(k tea.KeyPressMsg) tea.Cmd { _, c := m.Update(k); return c }
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	if m.SideBySide() {
		t.Fatal("side by side at 100 columns")
	}
	press(tea.KeyPressMsg{Code: tea.KeyRight})
	if m.Step() != 1 {
		t.Fatalf("→: step %d, want 1", m.Step())
	}
	press(tea.KeyPressMsg{Code: tea.KeyLeft})
	press(tea.KeyPressMsg{Code: tea.KeyLeft})
	if m.Step() != 0 {
		t.Fatalf("←←: step %d, want 0", m.Step())
	}
	press(tea.KeyPressMsg{Code: 'n', Text: "n"})
	if len(m.diffs) == 0 || m.Step() != m.diffs[0] {
		t.Fatalf("n: step %d, want the first difference of %v", m.Step(), m.diffs)
	}
	press(tea.KeyPressMsg{Code: 'G', Text: "G"})
	if m.Step() != len(m.o.Steps)-1 {
		t.Fatalf("G: step %d", m.Step())
	}
	press(tea.KeyPressMsg{Code: 'N', Text: "N"})
	if m.Step() != m.diffs[len(m.diffs)-1] {
		t.Fatalf("N from the end: step %d, want %d", m.Step(), m.diffs[len(m.diffs)-1])
	}
	press(tea.KeyPressMsg{Code: tea.KeyTab})
	if !m.SideBySide() {
		t.Fatal("tab did not put the diagrams side by side")
	}
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	press(tea.KeyPressMsg{Code: tea.KeyTab})
	if m.SideBySide() {
		t.Fatal("tab at 200 columns did not stack them")
	}
	press(tea.KeyPressMsg{Code: 'L', Text: "L"})
	if m.Lang() != Zh {
		t.Fatal("L did not switch to Chinese")
	}
	if cmd := press(tea.KeyPressMsg{Code: 'q', Text: "q"}); cmd == nil {
		t.Fatal("q does not quit")
	}
}

// The gutter marks each difference with its glyph on its row, and the narration says
// what differs at the cursor, in both languages; every size draws.
func TestCompareFrameMarks(t *testing.T) {
	for _, l := range []Lang{En, Zh} {
		for _, size := range [][2]int{{100, 30}, {200, 60}, {64, 18}, {40, 10}} {
			m := compareOf(t)
			m.lang = l
			m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			m.jump(1)
			f := m.Frame()
			if size[0] < MinWidth {
				if !strings.Contains(f, "80") && !strings.Contains(f, "64") {
					t.Errorf("%dx%d: no size message: %q", size[0], size[1], f)
				}
				continue
			}
			if lines := strings.Count(f, "\n") + 1; lines != size[1] {
				t.Errorf("%v %dx%d: %d lines", l, size[0], size[1], lines)
			}
			mk := m.o.Steps[m.cur].Mark
			want := l.t("cmp.only.model", "", "")[:6]
			if mk == RealOnlyKernel {
				want = l.t("cmp.only.other", "", "")[:6]
			}
			if !strings.Contains(f, want) {
				t.Errorf("%v %dx%d: the narration does not say %q:\n%s", l, size[0], size[1], want, f)
			}
		}
	}
}

func BenchmarkCompareFrame(b *testing.B) {
	m := compareOf(b)
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 60})
	m.Frame() // the layout, once per size
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		m.cur = i % len(m.o.Steps)
		m.Frame()
	}
}

// In a capture's view opened with Simulate, s asks for the comparison and ends the
// program; without Simulate, and in a model run, it does not.
func TestSimulateKey(t *testing.T) {
	fl, inf := realCapture(t, "refin.pcap")
	for _, allow := range []bool{true, false} {
		m := mustNew(t, Options{Timeline: inf.Timeline, Addrs: [2]string{fl.Client.String(), fl.Server.String()}, Simulate: allow})
		m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
		_, cmd := m.Update(tea.KeyPressMsg{Code: 's', Text: "s"})
		if m.SimulateAsked() != allow || (cmd != nil) != allow {
			t.Errorf("Simulate %v: asked %v, cmd %v", allow, m.SimulateAsked(), cmd != nil)
		}
		if allow && !strings.Contains(ansi.Strip(m.Frame()), "s simulate this") {
			t.Errorf("the help does not offer s:\n%s", m.Frame())
		}
	}
	m := mustNew(t, Options{Scenario: scenario(t, "client-close"), Simulate: true})
	m.Update(tea.KeyPressMsg{Code: 's', Text: "s"})
	if m.SimulateAsked() {
		t.Error("s in a model run asked to simulate")
	}
}

// BenchmarkCompareLayout is the work of a new size: both diagrams laid out and aligned.
func BenchmarkCompareLayout(b *testing.B) {
	m := compareOf(b)
	b.ReportAllocs()
	for b.Loop() {
		alignDiagrams(m.o.Timelines, m.o.Steps, 98, false)
	}
}

// With nothing to compare (a kernel run with no events), the screen says so, and the
// keys do nothing harmful.
func TestCompareEmpty(t *testing.T) {
	a := runOf(t, "client-close", "linux")
	m := NewCompare(CompareOptions{Title: "x", Timelines: [2]*model.Timeline{a, a}})
	m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	for _, k := range []tea.KeyPressMsg{{Code: 'G', Text: "G"}, {Code: tea.KeyRight}, {Code: 'n', Text: "n"}, {Code: 'N', Text: "N"}, {Code: tea.KeyLeft}} {
		m.Update(k)
	}
	f := ansi.Strip(m.Frame())
	if m.Step() != 0 || !strings.Contains(f, En.t("cmp.empty")) || strings.Contains(f, "step 1/0") {
		t.Errorf("step %d:\n%s", m.Step(), f)
	}
}
