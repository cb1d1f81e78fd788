package view

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

func realRows() []RealRow {
	ms := time.Millisecond
	rows := []RealRow{
		{Mark: RealSame, HasModel: true, HasKern: true, ModelT: 0, KernT: 150 * time.Microsecond, Body: "app A close"},
		{Mark: RealSame, HasModel: true, HasKern: true, ModelT: 0, KernT: 200 * time.Microsecond, Body: "send A FIN|ACK seq=11 ack=11 len=0"},
		{Mark: RealUnseen, HasModel: true, ModelT: 20 * ms, Body: "state A FIN_WAIT_2"},
		{Mark: RealOnlyModel, HasModel: true, ModelT: 50 * ms, Body: "send B ACK seq=11 ack=12 len=0"},
		{Mark: RealOnlyKernel, HasKern: true, KernT: 11 * ms, Body: "send B ACK seq=11 ack=12 len=0"},
		{Mark: RealTiming, HasModel: true, HasKern: true, ModelT: 220 * ms, KernT: 260 * ms, Body: "send A FIN|ACK seq=11 ack=11 len=0"},
	}
	for i := 0; i < 40; i++ {
		rows = append(rows, RealRow{Mark: RealSame, HasModel: true, HasKern: true, ModelT: time.Duration(300+i) * ms, KernT: time.Duration(301+i) * ms, Body: "state B CLOSED"})
	}
	return rows
}

func newRealForTest(w, h int) *RealModel {
	m := NewReal(RealOptions{Scenario: "x", Kernel: "Linux 6.18", Horizon: time.Second, Rows: realRows(), Lang: En})
	m.Update(tea.ColorProfileMsg{Profile: colorprofile.Ascii})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

func pressReal(m *RealModel, k string) {
	var msg tea.KeyPressMsg
	switch k {
	case "tab":
		msg = tea.KeyPressMsg{Code: tea.KeyTab}
	case "down":
		msg = tea.KeyPressMsg{Code: tea.KeyDown}
	case "end":
		msg = tea.KeyPressMsg{Code: tea.KeyEnd}
	default:
		msg = tea.KeyPressMsg{Code: rune(k[0]), Text: k}
	}
	m.Update(msg)
}

func TestRealFrameShowsBothRunsAndMarks(t *testing.T) {
	m := newRealForTest(120, 20)
	f := ansi.Strip(m.Frame())
	lines := strings.Split(f, "\n")
	if len(lines) != 20 {
		t.Errorf("frame has %d lines, want 20", len(lines))
	}
	for _, want := range []string{
		"tcpwave real · x · Linux 6.18 kernel against the linux model, to 1000.000 ms  differs: 3",
		"model (linux profile)", "│  kernel (sock_diag and the link)",
		"-     50.000 send B ACK seq=11 ack=12 len=0", "+     11.000 send B ACK seq=11 ack=12 len=0",
		"~    220.000 send A FIN|ACK", "~    260.000 send A FIN|ACK", "·     20.000 state A FIN_WAIT_2", "(none)",
		"at 50.000 ms the model has send B ACK seq=11 ack=12 len=0, the kernel not",
	} {
		if !strings.Contains(f, want) {
			t.Errorf("frame lacks %q:\n%s", want, f)
		}
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > 120 {
			t.Errorf("line %d is %d cells wide", i, w)
		}
	}
}

func TestRealKeysScrollJumpAndSwitch(t *testing.T) {
	m := newRealForTest(100, 12)
	pressReal(m, "n")
	if m.Top() != 3 {
		t.Errorf("n: top %d, want 3 (the first difference)", m.Top())
	}
	pressReal(m, "n")
	pressReal(m, "n")
	if m.Top() != 5 {
		t.Errorf("n n: top %d, want 5", m.Top())
	}
	pressReal(m, "N")
	if m.Top() != 4 {
		t.Errorf("N: top %d, want 4", m.Top())
	}
	pressReal(m, "end")
	if last := len(realRows()) - m.page(); m.Top() != last {
		t.Errorf("end: top %d, want %d", m.Top(), last)
	}
	pressReal(m, "down")
	if last := len(realRows()) - m.page(); m.Top() != last {
		t.Errorf("down at the end moved to %d", m.Top())
	}
	if !strings.Contains(ansi.Strip(m.Frame()), "no difference below") {
		t.Errorf("at the end, the status says:\n%s", ansi.Strip(m.Frame()))
	}
	pressReal(m, "tab")
	f := ansi.Strip(m.Frame())
	if !m.Stacked() || strings.Contains(f, "│") || strings.Count(f, "state B CLOSED") < 2 || len(strings.Split(f, "\n")) > 12 {
		t.Errorf("tab: stacked %v:\n%s", m.Stacked(), f)
	}
	pressReal(m, "L")
	if f := m.Frame(); !strings.Contains(f, "内核") {
		t.Errorf("L: not in Chinese:\n%s", f)
	}
	_, cmd := m.Update(tea.KeyPressMsg{Code: 'q', Text: "q"})
	if cmd == nil {
		t.Error("q does not quit")
	}
}

func TestRealAgreeingRunSaysSo(t *testing.T) {
	m := NewReal(RealOptions{Scenario: "y", Kernel: "Linux", Rows: realRows()[:3], Lang: Zh, Disturbed: 42 * time.Millisecond})
	m.Update(tea.ColorProfileMsg{Profile: colorprofile.Ascii})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 10})
	f := ansi.Strip(m.Frame())
	if !strings.Contains(f, "一致") || !strings.Contains(f, "sock_diag 看不到") || !strings.Contains(f, "42.000 ms") {
		t.Errorf("frame:\n%s", f)
	}
	if n := len(strings.Split(f, "\n")); n != 10 {
		t.Errorf("frame has %d lines, want 10 (the disturbed line takes a row from the panes)", n)
	}
	// A tiny window still draws without panicking, within its width.
	m.Update(tea.WindowSizeMsg{Width: 1, Height: 1})
	for _, l := range strings.Split(ansi.Strip(m.Frame()), "\n") {
		if ansi.StringWidth(l) > 20 {
			t.Errorf("line %q wider than the 20-cell floor", l)
		}
	}
}

func BenchmarkRealFrame(b *testing.B) {
	m := newRealForTest(160, 50)
	b.ReportAllocs()
	for b.Loop() {
		_ = m.Frame()
	}
}
