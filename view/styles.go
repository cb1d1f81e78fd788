package view

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
)

// styleID names a semantic style; the grid stores one per cell.
type styleID uint8

const (
	stPlain   styleID = iota
	stDim             // secondary text, separators, the future
	stTitle           // the header's title
	stClient          // the client's lifeline and notes
	stServer          // the server's lifeline and notes
	stSegA            // a segment the client sent
	stSegB            // a segment the server sent
	stLost            // ✕ and lost segments
	stRetrans         // ⟲n marks
	stFlight          // a segment in flight and its head
	stCursor          // the current event
	stBreak           // a compressed stretch of time
	stBarA            // the filled part of a client timer bar
	stBarB            // the filled part of a server timer bar
	stWarn            // flash messages (drop, undo, profile)
	stStrong          // emphasis
	numStyles
)

// Styles holds the look of one session, built from the terminal's background and
// colour profile (never from the local terminal: over SSH the client's terminal is the
// one that counts). Colours are ANSI-256 indices so that they look as intended in 256
// colours; Bubble Tea downsamples them further for 16-colour terminals, and drops them
// for NO_COLOR (colour profile Ascii). No information is carried by colour alone: every
// styled thing also has its own glyph (✕, ⟲n, ◆, ▸, █/░).
type Styles struct {
	style [numStyles]lipgloss.Style
	// pre and suf are the escape sequences each style wraps around a run of text,
	// computed once so that drawing a frame renders no lipgloss styles.
	pre, suf [numStyles]string
	// Help styles the help line.
	Help help.Styles
}

// NewStyles returns the styles for a dark or light background. With a colour profile
// of Ascii or NoTTY the styles carry attributes only (bold, faint, reverse).
func NewStyles(isDark bool, p colorprofile.Profile) Styles {
	ld := lipgloss.LightDark(isDark)
	c := func(light, dark string) lipgloss.Style {
		return lipgloss.NewStyle().Foreground(ld(lipgloss.Color(light), lipgloss.Color(dark)))
	}
	var s Styles
	mono := p == colorprofile.Ascii || p == colorprofile.NoTTY
	if mono {
		n := lipgloss.NewStyle()
		s.style = [numStyles]lipgloss.Style{
			stPlain: n, stDim: n.Faint(true), stTitle: n.Bold(true), stClient: n, stServer: n,
			stSegA: n, stSegB: n, stLost: n.Bold(true), stRetrans: n.Bold(true),
			stFlight: n.Bold(true), stCursor: n.Reverse(true), stBreak: n.Faint(true),
			stBarA: n, stBarB: n, stWarn: n.Bold(true), stStrong: n.Bold(true),
		}
	} else {
		s.style = [numStyles]lipgloss.Style{
			stPlain:   lipgloss.NewStyle(),
			stDim:     c("245", "243"),
			stTitle:   lipgloss.NewStyle().Bold(true),
			stClient:  c("25", "39"),
			stServer:  c("127", "170"),
			stSegA:    c("25", "75"),
			stSegB:    c("127", "176"),
			stLost:    c("160", "203").Bold(true),
			stRetrans: c("130", "214").Bold(true),
			stFlight:  c("28", "120").Bold(true),
			stCursor:  lipgloss.NewStyle().Reverse(true),
			stBreak:   c("245", "243"),
			stBarA:    c("25", "39"),
			stBarB:    c("127", "170"),
			stWarn:    c("130", "214").Bold(true),
			stStrong:  lipgloss.NewStyle().Bold(true),
		}
	}
	const mark = "\uE000"
	for i, st := range s.style {
		out := st.Render(mark)
		if pre, suf, ok := strings.Cut(out, mark); ok {
			s.pre[i], s.suf[i] = pre, suf
		}
	}
	s.Help = help.DefaultStyles(isDark)
	if mono {
		s.Help = help.Styles{}
	}
	return s
}
