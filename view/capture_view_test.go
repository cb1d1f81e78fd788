package view

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios/capture"
)

// realCapture infers the one connection of a real capture of scenarios/capture's test
// data, taken on the client's host.
func realCapture(t testing.TB, name string) (*capture.Flow, *capture.Inference) {
	t.Helper()
	path := filepath.Join("..", "scenarios", "capture", "testdata", "real", name)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc, err := capture.ScanFlows(f, nil)
	if err != nil || len(sc.Flows) != 1 {
		t.Fatalf("%s: %v", name, err)
	}
	f.Seek(0, 0)
	pkts, _, _, err := capture.ReadFlow(f, sc.Flows[0].Key)
	if err != nil {
		t.Fatal(err)
	}
	fl := sc.Flows[0]
	inf, err := capture.Infer(pkts, fl.Client.String(), fl.Server.String(), capture.AtClient)
	if err != nil {
		t.Fatal(err)
	}
	return fl, inf
}

// captureModel opens a real capture in the diagram at w×h.
func captureModel(t testing.TB, name string, w, h int) *Model {
	fl, inf := realCapture(t, name)
	m := mustNew(t, Options{Timeline: inf.Timeline, Addrs: [2]string{fl.Client.String(), fl.Server.String()}, Write: true})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

// TestCaptureFrames: golden frames of real captures in the diagram: the first screen
// (where the capture is assumed taken), the repeated FIN with its finding, the end of
// a three-segment close in Chinese.
func TestCaptureFrames(t *testing.T) {
	cases := []struct {
		name, file string
		set        func(t *testing.T, m *Model)
	}{
		{"refin-start", "refin.pcap", func(t *testing.T, m *Model) {}},
		{"refin-again", "refin.pcap", func(t *testing.T, m *Model) {
			stepTo(t, m, func(tl *model.Timeline, ev *model.Event) bool {
				return ev.Kind == model.EvSend && tl.Segments[ev.Seg].Retrans == 1
			})
		}},
		{"zh-three-end", "three.pcap", func(t *testing.T, m *Model) { inChinese(m); press(m, "G") }},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					m := captureModel(t, c.file, size[0], size[1])
					c.set(t, m)
					out := screenText(m)
					if strings.Contains(out, "[ui.") || strings.Contains(out, "[infer.") || strings.Contains(out, "%!") {
						t.Errorf("a missing word or a bad format:\n%s", out)
					}
					golden.RequireEqual(t, out)
				})
			}
		})
	}
}

// TestCaptureKeys: a capture's timeline cannot be forked or rerun: drop, undo,
// profile, the scenario picker and w are off, and pressing them changes nothing.
func TestCaptureKeys(t *testing.T) {
	m := captureModel(t, "four.pcap", 100, 30)
	press(m, "l", "l", "l")
	tl, cursor := m.Timeline(), m.play.Cursor()
	for _, k := range []string{"d", "u", "p", "s", "w"} {
		if cmd := press(m, k); cmd != nil {
			t.Errorf("%s returned a command", k)
		}
	}
	if m.Timeline() != tl || m.play.Cursor() != cursor || m.PickerOpen() {
		t.Errorf("a disabled key acted: cursor %d→%d, picker %v", cursor, m.play.Cursor(), m.PickerOpen())
	}
	for _, b := range []bool{m.keys.Drop.Enabled(), m.keys.Profile.Enabled(), m.keys.Pick.Enabled(), m.keys.Write.Enabled()} {
		if b {
			t.Errorf("a key that cannot act is enabled")
		}
	}
	if !strings.Contains(screenText(m), "inferred") {
		t.Errorf("the header does not say the states are inferred:\n%s", screenText(m))
	}
}

// TestFlowPicker drives the picker as a function: typing filters, enter chooses,
// backspace widens, esc quits without a choice.
func TestFlowPicker(t *testing.T) {
	_, inf := realCapture(t, "four.pcap")
	_ = inf
	var flows []*capture.Flow
	for _, name := range []string{"four.pcap", "three.pcap", "abort.pcap"} {
		fl, _ := realCapture(t, name)
		flows = append(flows, fl)
	}
	p := NewFlowPicker("x.pcap", flows, En)
	p.Update(tea.WindowSizeMsg{Width: 100, Height: 10})
	if v := ansiFree(p); !strings.Contains(v, "x.pcap: 3 TCP connections") || strings.Count(v, "10.13.0.1:40013") != 3 {
		t.Fatalf("picker:\n%s", v)
	}
	for _, r := range "RST" {
		p.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	if v := ansiFree(p); strings.Count(v, "10.13.0.1:40013") != 1 || !strings.Contains(v, "1 shown") {
		t.Fatalf("filter RST:\n%s", v)
	}
	_, cmd := p.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if cmd == nil || p.Chosen != flows[2] {
		t.Fatalf("enter chose %v", p.Chosen)
	}
	q := NewFlowPicker("x.pcap", flows, Zh)
	q.Update(tea.KeyPressMsg{Code: 'z', Text: "z"})
	if v := ansiFree(q); !strings.Contains(v, "显示 0 个") {
		t.Fatalf("no match in Chinese:\n%s", v)
	}
	q.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	q.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if q.Chosen != nil || !strings.Contains(ansiFree(q), "三次挥手") {
		t.Fatalf("esc chose %v, or no Chinese endings:\n%s", q.Chosen, ansiFree(q))
	}
}

func ansiFree(p *FlowPicker) string { return p.View().Content }
