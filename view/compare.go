package view

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/tcpwave/tcpwave/model"
)

// CompareOther is what the model's run is compared with.
type CompareOther uint8

// The other side of a comparison.
const (
	OtherKernel  CompareOther = iota // this machine's kernel (tcpwave real)
	OtherCapture                     // a capture's connection (tcpwave open --simulate)
)

// CompareOptions is what the side-by-side comparison shows: the model's timeline
// (Timelines[0]) and the other one (Timelines[1]), and the steps that line their
// events up, in order, each marked.
type CompareOptions struct {
	Other     CompareOther
	Title     string // the scenario's id, or the capture's file name
	Source    string // the kernel ("Linux 6.18.44") or the connection ("10.0.0.1:40000-10.0.0.2:80")
	Timelines [2]*model.Timeline
	Steps     []CompareStep
	// Shift is how much later the other timeline's clock is than the model's: a capture
	// starts before the close, the model's run at it.
	Shift time.Duration
	Lang  Lang
	// Disturbed, when not 0, is how late the link or an app was in every run of the
	// kernel (a busy machine).
	Disturbed time.Duration
}

// compareArrange is how the two diagrams share the screen.
type compareArrange uint8

const (
	arrangeAuto    compareArrange = iota // side by side when wide enough, else stacked
	arrangeSide                          // side by side
	arrangeStacked                       // one above the other
)

// CompareMinSide is the narrowest screen on which the diagrams go side by side by
// themselves: two diagrams of the main view's minimum width and the gutter.
const CompareMinSide = 2*MinWidth + 3

// CompareModel is the side-by-side comparison: the model's diagram and the kernel's
// (or a capture's), on one time axis, so that an event both have is on the same row;
// each difference marked in a gutter with a glyph at the step it happens, and the
// narration saying what differs at the cursor. Stepping moves both sides together.
type CompareModel struct {
	o             CompareOptions
	lang          Lang
	width, height int
	isDark        bool
	colors        colorprofile.Profile
	styles        Styles
	arrange       compareArrange

	cur     int      // the step at the cursor
	cursors [][2]int // each step's event on each side
	diffs   []int    // the steps that differ
	pair    *alignedPair

	g   grid
	buf []byte
}

// NewCompare returns the comparison screen at its first step.
func NewCompare(o CompareOptions) *CompareModel {
	m := &CompareModel{o: o, lang: o.Lang.valid(), width: 100, height: 30, isDark: true, colors: colorprofile.ANSI256}
	m.cursors = compareCursors(o.Timelines, o.Steps)
	for j, st := range o.Steps {
		if st.Mark.differs() {
			m.diffs = append(m.diffs, j)
		}
	}
	m.styles = NewStyles(m.isDark, m.colors)
	return m
}

// differs reports whether a mark is a difference (a state sock_diag cannot see is not).
func (k RealMark) differs() bool { return k != RealSame && k != RealUnseen }

// Init asks for the terminal's background colour.
func (m *CompareModel) Init() tea.Cmd { return tea.RequestBackgroundColor }

// Step is the step at the cursor.
func (m *CompareModel) Step() int { return m.cur }

// Lang is the language on screen.
func (m *CompareModel) Lang() Lang { return m.lang }

// SideBySide reports whether the diagrams are drawn side by side (else stacked).
func (m *CompareModel) SideBySide() bool {
	switch m.arrange {
	case arrangeSide:
		return true
	case arrangeStacked:
		return false
	}
	return m.width >= CompareMinSide
}

// Update implements tea.Model: the keys step both sides together.
func (m *CompareModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
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
		last := len(m.o.Steps) - 1
		switch msg.String() {
		case "q", "esc", "ctrl+c":
			return m, tea.Quit
		case "right", "l", "space", "down", "j":
			m.cur = min(m.cur+1, max(last, 0))
		case "left", "h", "b", "up", "k":
			m.cur = max(m.cur-1, 0)
		case "home", "g":
			m.cur = 0
		case "end", "G":
			m.cur = max(last, 0)
		case "n":
			m.jump(1)
		case "N", "p":
			m.jump(-1)
		case "tab":
			if m.SideBySide() {
				m.arrange = arrangeStacked
			} else {
				m.arrange = arrangeSide
			}
		case "L":
			m.lang = m.lang.other()
		}
	}
	return m, nil
}

// jump moves to the next (dir 1) or previous (-1) difference.
func (m *CompareModel) jump(dir int) {
	for k := range m.diffs {
		j := m.diffs[k]
		if dir < 0 {
			j = m.diffs[len(m.diffs)-1-k]
		}
		if dir > 0 && j > m.cur || dir < 0 && j < m.cur {
			m.cur = j
			return
		}
	}
}

// View implements tea.Model.
func (m *CompareModel) View() tea.View {
	v := tea.NewView(m.Frame())
	v.AltScreen = true
	return v
}

// sideName is a side's name in the pane titles and the narration.
func (m *CompareModel) sideName(s int) string {
	if s == 0 {
		return m.lang.t("cmp.model")
	}
	if m.o.Other == OtherCapture {
		return m.lang.t("cmp.capture")
	}
	return m.lang.t("cmp.kernel")
}

// title is a pane's title: the side and where it comes from.
func (m *CompareModel) title(s int) string {
	if s == 0 {
		return m.lang.t("cmp.model.title")
	}
	if m.o.Other == OtherCapture {
		return m.lang.t("cmp.capture.title", m.o.Source)
	}
	return m.lang.t("cmp.kernel.title", m.o.Source)
}

// narration says what differs at the cursor, and what each side did there.
func (m *CompareModel) narration() []string {
	l := m.lang
	if len(m.o.Steps) == 0 {
		return []string{l.t("cmp.empty")}
	}
	st := m.o.Steps[m.cur]
	other := m.sideName(1)
	body := func(s int) string {
		tl := m.o.Timelines[s]
		return eventSummary(l, tl, tl.At(st.Ev[s]))
	}
	ms := func(s int) string {
		t := m.o.Timelines[s].At(st.Ev[s]).T
		if s == 1 {
			t -= m.o.Shift
		}
		return model.FormatMillis(t)
	}
	var head string
	switch st.Mark {
	case RealSame:
		head = l.t("cmp.same", ms(0), other, ms(1))
	case RealOnlyModel:
		head = l.t("cmp.only.model", ms(0), other)
	case RealOnlyKernel:
		head = l.t("cmp.only.other", other, ms(1))
	case RealTiming:
		head = l.t("cmp.timing", ms(0), other, ms(1))
	case RealUnseen:
		head = l.t("cmp.unseen")
		if m.o.Other == OtherCapture {
			head = l.t("cmp.unseen.capture")
		}
	}
	lines := []string{realGlyph[st.Mark] + " " + head}
	for s := range 2 {
		if st.Ev[s] >= 0 {
			lines = append(lines, m.sideName(s)+" · "+body(s))
		}
	}
	// Then why each side did it, where there is room: the model's rule, and the
	// capture's inference (a kernel's run says no why).
	for s := range 2 {
		if st.Ev[s] < 0 || s == 1 && m.o.Other == OtherKernel {
			continue
		}
		tl := m.o.Timelines[s]
		if why := ownNoteIn(l, tl, tl.At(st.Ev[s]), false).text(); why != "" {
			lines = append(lines, m.sideName(s)+" · "+why)
		}
	}
	if m.o.Shift > 0 {
		lines = append(lines, l.t("cmp.shift", secs(m.o.Shift)))
	}
	if m.o.Disturbed > 0 {
		lines = append(lines, l.t("real.disturbed", model.FormatMillis(m.o.Disturbed)))
	}
	return lines
}

// status is the title's right end: agrees, or how many differences, and the step.
func (m *CompareModel) status() string {
	l := m.lang
	s := l.t("cmp.agrees")
	if n := len(m.diffs); n > 0 {
		s = l.t("cmp.differs", n)
	}
	if len(m.o.Steps) == 0 {
		return s
	}
	return s + " · " + l.t("cmp.step", m.cur+1, len(m.o.Steps))
}

// help is the key line: with the marks' meanings where it fits, else the keys alone
// (the narration says what the mark at the cursor means).
func (m *CompareModel) help(w int) string {
	if h := m.lang.t("cmp.help"); textWidth(h) <= w {
		return h
	}
	return m.lang.t("cmp.help.short")
}

// markStyle is the style of a mark's glyph (the glyph itself says the kind).
func markStyle(k RealMark) styleID {
	switch k {
	case RealOnlyModel, RealOnlyKernel:
		return stLost
	case RealTiming:
		return stWarn
	}
	return stDim
}

// wrapLines wraps each paragraph to lines of w cells.
func wrapLines(lines []string, w int) []string {
	var out []string
	var spans [][2]int
	for _, s := range lines {
		spans = wrap(s, w, spans[:0])
		for _, sp := range spans {
			out = append(out, strings.TrimRight(s[sp[0]:sp[1]], " "))
		}
	}
	return out
}
