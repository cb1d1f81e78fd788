package view

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpwave/tcpwave/scenarios/capture"
)

// FlowPicker is the program that lists a capture's TCP connections and lets the user
// choose one, filtering as they type: addresses, ports, start time, packets and how
// each ended. Chosen is the flow chosen, nil if the user quit.
type FlowPicker struct {
	Chosen *capture.Flow

	file    string
	flows   []*capture.Flow
	lines   []string // each flow's line, in the language shown
	matches []int
	filter  string
	sel     int
	lang    Lang
	width   int
	height  int
	first   time.Duration
}

// NewFlowPicker lists flows of the capture file.
func NewFlowPicker(file string, flows []*capture.Flow, l Lang) *FlowPicker {
	p := &FlowPicker{file: file, flows: flows, lang: l.valid(), width: 80, height: 24}
	if len(flows) > 0 {
		p.first = flows[0].First
	}
	p.relabel()
	return p
}

// FlowLine is a flow as the picker lists it, in l: "10.0.0.1:50312 → 10.0.0.2:80
// four-way  +0.000000 s  4 packets": how it ended first, the most telling.
func FlowLine(l Lang, f *capture.Flow, first time.Duration) string {
	end := l.t("ending." + f.End.Key())
	if f.Reused() {
		end += ", " + l.t("ending.reused", f.Connections)
	}
	return fmt.Sprintf("%-21s → %-21s  %-14s  +%.6f s  %d %s", f.Client, f.Server, end, (f.First - first).Seconds(), f.Packets, l.t("ui.flows.packets"))
}

func (p *FlowPicker) relabel() {
	p.lines = p.lines[:0]
	for _, f := range p.flows {
		p.lines = append(p.lines, FlowLine(p.lang, f, p.first))
	}
	p.refilter()
}

// refilter keeps the flows whose line contains every word typed.
func (p *FlowPicker) refilter() {
	words := strings.Fields(strings.ToLower(p.filter))
	p.matches = p.matches[:0]
	for i, line := range p.lines {
		hay := strings.ToLower(line + " " + p.flows[i].End.String())
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(hay, w)
		}
		if ok {
			p.matches = append(p.matches, i)
		}
	}
	p.sel = max(0, min(p.sel, len(p.matches)-1))
}

// Init implements tea.Model.
func (p *FlowPicker) Init() tea.Cmd { return nil }

// Update implements tea.Model: arrows move, typing filters, enter opens, esc or
// ctrl+c quits, L switches the language.
func (p *FlowPicker) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		p.width, p.height = max(msg.Width, 1), max(msg.Height, 1)
	case tea.KeyPressMsg:
		switch msg.String() {
		case "ctrl+c", "esc":
			return p, tea.Quit
		case "enter":
			if len(p.matches) > 0 {
				p.Chosen = p.flows[p.matches[p.sel]]
				return p, tea.Quit
			}
		case "up", "ctrl+p":
			p.move(-1)
		case "down", "ctrl+n":
			p.move(1)
		case "pgup":
			p.move(-p.rows())
		case "pgdown":
			p.move(p.rows())
		case "backspace":
			if r := []rune(p.filter); len(r) > 0 {
				p.filter = string(r[:len(r)-1])
				p.refilter()
			}
		case "ctrl+l":
			p.lang = p.lang.other()
			p.relabel()
		default:
			if msg.Text != "" && msg.Mod&^tea.ModShift == 0 && len([]rune(p.filter)) < maxFilter {
				p.filter += msg.Text
				p.sel = 0
				p.refilter()
			}
		}
	}
	return p, nil
}

func (p *FlowPicker) move(d int) {
	if len(p.matches) > 0 {
		p.sel = max(0, min(p.sel+d, len(p.matches)-1))
	}
}

// rows is how many flows fit on the screen.
func (p *FlowPicker) rows() int { return max(1, p.height-4) }

// View implements tea.Model.
func (p *FlowPicker) View() tea.View {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", fitText(p.lang.t("ui.flows.title", p.file, len(p.flows)), p.width))
	fmt.Fprintf(&b, "%s%s▏\n", p.lang.t("ui.picker.filter"), p.filter)
	rows := p.rows()
	top := 0
	if p.sel >= rows {
		top = p.sel - rows + 1
	}
	if len(p.matches) == 0 {
		b.WriteString(p.lang.t("ui.picker.none") + "\n")
	}
	for i := top; i < len(p.matches) && i < top+rows; i++ {
		mark := "  "
		if i == p.sel {
			mark = "▸ "
		}
		b.WriteString(fitText(mark+p.lines[p.matches[i]], p.width) + "\n")
	}
	for i := len(p.matches) - top; i < rows; i++ {
		b.WriteByte('\n')
	}
	b.WriteString(fitText(p.lang.t("ui.flows.help", len(p.matches)), p.width))
	v := tea.NewView(b.String())
	v.AltScreen = true
	return v
}

// EndingName is how a connection ended, in l.
func EndingName(l Lang, e capture.Ending) string { return l.t("ending." + e.Key()) }

// FlowSummary is a flow as the command line lists it after its --flow, in l: how it
// ended, when it started (UTC) and its packets.
func FlowSummary(l Lang, f *capture.Flow) string {
	end := l.t("ending." + f.End.Key())
	if f.Reused() {
		end += ", " + l.t("ending.reused", f.Connections)
	}
	return fmt.Sprintf("%-14s  %s  %d %s", end, time.Unix(0, int64(f.First)).UTC().Format("15:04:05.000000"), f.Packets, l.t("ui.flows.packets"))
}
