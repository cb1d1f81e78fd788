package view

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpwave/tcpwave/model"
)

// RealMark is how the kernel's run and the model's differ at one event.
type RealMark uint8

// The marks of a comparison row.
const (
	RealSame       RealMark = iota // both, close in time
	RealOnlyModel                  // the model has it, the kernel not
	RealOnlyKernel                 // the kernel has it, the model not
	RealTiming                     // both, too far apart in time
	RealUnseen                     // a state the model passes within an instant: sock_diag cannot see it
)

// realGlyph is each mark's glyph: the mark is never carried by colour alone.
var realGlyph = [...]string{" ", "-", "+", "~", "·"}

// RealRow is one event of the merged timeline of a kernel run and a model run.
type RealRow struct {
	Mark              RealMark
	HasModel, HasKern bool
	ModelT, KernT     time.Duration
	Body              string // the event in the trace grammar, without its time
}

// RealOptions is what the comparison screen shows.
type RealOptions struct {
	Scenario string // the scenario's id
	Kernel   string // "Linux 6.18.44"
	Horizon  time.Duration
	Rows     []RealRow
	Lang     Lang
	// Disturbed, when not 0, is how late the link or an app was in every run (a busy
	// machine): the screen says so, as the times are then not the kernel's alone.
	Disturbed time.Duration
}

// RealModel is the comparison screen of tcpwave real: the model's run and the
// kernel's, side by side (or one above the other, tab switches), every event on the
// row of its partner, differences marked.
type RealModel struct {
	o             RealOptions
	width, height int
	top           int // first row shown
	stacked       bool
	styles        Styles
	isDark        bool
	colors        colorprofile.Profile
	diffs         []int // indexes of the rows that differ
}

// NewReal returns the comparison screen.
func NewReal(o RealOptions) *RealModel {
	m := &RealModel{o: o, width: 100, height: 30, isDark: true, colors: colorprofile.ANSI256}
	for i, r := range o.Rows {
		if r.Mark != RealSame && r.Mark != RealUnseen {
			m.diffs = append(m.diffs, i)
		}
	}
	m.styles = NewStyles(m.isDark, m.colors)
	return m
}

// Init asks for the terminal's background colour.
func (m *RealModel) Init() tea.Cmd { return tea.RequestBackgroundColor }

// Top is the first row shown.
func (m *RealModel) Top() int { return m.top }

// Stacked reports whether the runs are shown one above the other.
func (m *RealModel) Stacked() bool { return m.stacked }

// Update implements tea.Model.
func (m *RealModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 0), max(msg.Height, 0)
	case tea.BackgroundColorMsg:
		m.isDark = msg.IsDark()
		m.styles = NewStyles(m.isDark, m.colors)
	case tea.ColorProfileMsg:
		m.colors = msg.Profile
		m.styles = NewStyles(m.isDark, m.colors)
	case tea.KeyPressMsg:
		switch msg.String() {
		case "q", "esc", "ctrl+c":
			return m, tea.Quit
		case "down", "j":
			m.scroll(1)
		case "up", "k":
			m.scroll(-1)
		case "pgdown", "space":
			m.scroll(m.page())
		case "pgup":
			m.scroll(-m.page())
		case "home", "g":
			m.top = 0
		case "end", "G":
			m.scroll(len(m.o.Rows))
		case "n":
			m.jump(1)
		case "N", "p":
			m.jump(-1)
		case "tab":
			m.stacked = !m.stacked
			m.scroll(0)
		case "L":
			m.o.Lang = 1 - m.o.Lang
		}
	}
	return m, nil
}

// page is how many rows one pane shows.
func (m *RealModel) page() int {
	h := max(m.height-4, 1) // title, column heads, status, help
	if m.o.Disturbed > 0 {
		h = max(h-1, 1) // the line that says the run was disturbed
	}
	if m.stacked {
		h = max((h-1)/2, 1) // two panes and a rule between
	}
	return h
}

func (m *RealModel) scroll(d int) {
	m.top = max(min(m.top+d, len(m.o.Rows)-m.page()), 0)
}

// jump scrolls to the next (dir 1) or previous (-1) difference.
func (m *RealModel) jump(dir int) {
	for k := range m.diffs {
		i := m.diffs[k]
		if dir < 0 {
			i = m.diffs[len(m.diffs)-1-k]
		}
		if dir > 0 && i > m.top || dir < 0 && i < m.top {
			m.top = i
			m.scroll(0)
			return
		}
	}
}

// View implements tea.Model.
func (m *RealModel) View() tea.View {
	v := tea.NewView(m.Frame())
	v.AltScreen = true
	return v
}

// Frame draws the screen as text.
func (m *RealModel) Frame() string {
	l := m.o.Lang
	w := max(m.width, 20)
	var b strings.Builder
	line := func(s string) {
		b.WriteString(ansi.Truncate(s, w, "…"))
		b.WriteByte('\n')
	}
	status := l.t("real.agrees")
	if n := len(m.diffs); n > 0 {
		status = l.t("real.differs", n)
	}
	line(m.paint(stTitle, l.t("real.title", m.o.Scenario, m.o.Kernel, model.FormatMillis(m.o.Horizon))) + "  " + m.paint(stStrong, status))
	rows := m.o.Rows[m.top:min(m.top+m.page(), len(m.o.Rows))]
	if m.stacked {
		line(m.paint(stDim, "  "+l.t("real.model")))
		for _, r := range rows {
			line(m.cell(r, false, w))
		}
		line(m.paint(stDim, strings.Repeat("─", w)))
		line(m.paint(stDim, "  "+l.t("real.kernel")))
		for _, r := range rows {
			line(m.cell(r, true, w))
		}
	} else {
		half := (w - 1) / 2
		line(m.paint(stDim, realPad("  "+l.t("real.model"), half)+"│  "+l.t("real.kernel")))
		for _, r := range rows {
			line(realPad(m.cell(r, false, half), half) + m.paint(stDim, "│") + m.cell(r, true, w-half-1))
		}
	}
	for i := len(rows); i < m.page() && !m.stacked; i++ {
		line("")
	}
	if m.o.Disturbed > 0 {
		line(m.paint(stWarn, l.t("real.disturbed", model.FormatMillis(m.o.Disturbed))))
	}
	line(m.describe())
	b.WriteString(m.paint(stDim, ansi.Truncate(l.t("real.help"), w, "…")))
	return b.String()
}

// cell draws one side of a row: the mark, the time, the event; blank where that run
// has no such event.
func (m *RealModel) cell(r RealRow, kernel bool, w int) string {
	has, t := r.HasModel, r.ModelT
	if kernel {
		has, t = r.HasKern, r.KernT
	}
	st := stPlain
	switch r.Mark {
	case RealOnlyModel, RealOnlyKernel:
		st = stLost
	case RealTiming:
		st = stWarn
	case RealUnseen:
		st = stDim
	}
	if !has {
		return m.paint(st, realGlyph[r.Mark]+" "+realPad("", 10)+m.o.Lang.t("real.none"))
	}
	text := fmt.Sprintf("%s %10s %s", realGlyph[r.Mark], model.FormatMillis(t), r.Body)
	return m.paint(st, ansi.Truncate(text, w, "…"))
}

// describe says what the first difference on screen (or after it) is.
func (m *RealModel) describe() string {
	l := m.o.Lang
	for _, i := range m.diffs {
		if i < m.top {
			continue
		}
		r := m.o.Rows[i]
		switch r.Mark {
		case RealOnlyModel:
			return m.paint(stLost, l.t("real.only.model", model.FormatMillis(r.ModelT), r.Body))
		case RealOnlyKernel:
			return m.paint(stLost, l.t("real.only.kernel", model.FormatMillis(r.KernT), r.Body))
		case RealTiming:
			return m.paint(stWarn, l.t("real.timing", r.Body, model.FormatMillis(r.KernT), model.FormatMillis(r.ModelT)))
		}
	}
	if len(m.diffs) > 0 {
		return l.t("real.above")
	}
	return l.t("real.same")
}

func (m *RealModel) paint(st styleID, s string) string {
	return m.styles.pre[st] + s + m.styles.suf[st]
}

// realPad pads s with spaces to w cells.
func realPad(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}
