package view

import (
	"strings"

	"github.com/tcpwave/tcpwave/model"
)

// The narration pane: what happened at the event shown, why, and the source, wrapped
// to the pane (by display width, breaking between Chinese characters as well as at
// spaces) and read in pages when it does not fit.

// drawNarration writes what just happened and why, then where the other profile
// differs.
//
// When it does not fit, it is read in pages: the last row says so, and the more key
// turns the page (back to the first after the last). No line is ever out of reach.
func (m *Model) drawNarration(g *grid, x, y, w, h int) {
	if h <= 0 {
		return
	}
	asked := m.drillLines(w)
	if asked != nil {
		asked = append(asked[:len(asked):len(asked)], m.pollTally(w)...)
	} else {
		asked = m.pollLines(w)
	}
	if asked != nil {
		for i := 0; i < h && i < len(asked); i++ {
			g.text(x, y+i, asked[i].text, asked[i].st, x+w)
		}
		return
	}
	ev := m.tl.At(m.play.Cursor())
	if m.play.Playing() {
		// Timer bookkeeping passes quickly and leaves the lesson before it in view.
		for i := m.play.Cursor(); i > 0 && bookkeeping(ev); i-- {
			ev = m.tl.At(i - 1)
		}
	}
	lines := m.narrationLines(ev, w)
	page, pages := 0, 1
	rows := h
	if len(lines) > h && h >= 2 {
		rows = h - 1 // the last row says that there is more
		pages = (len(lines) + rows - 1) / rows
		if m.narAt == m.play.Cursor() && ev.Index == m.play.Cursor() {
			page = m.narPage % pages
		}
	}
	m.narPages = pages
	for i := 0; i < rows && page*rows+i < len(lines); i++ {
		l := lines[page*rows+i]
		g.text(x, y+i, l.text, l.st, x+w)
	}
	if pages > 1 {
		g.text(x, y+rows, fitText(m.lang.t("ui.more", page+1, pages), w), stDim, x+w)
	}
}

// closingPunct reports whether r is punctuation a Chinese line never begins with.
func closingPunct(r rune) bool {
	return strings.ContainsRune("，。、：；！？）」』》〉】…—", r)
}

// narLine is one wrapped line of the narration, with its style.
type narLine struct {
	text string
	st   styleID
}

// narCache keeps the narration's wrapped lines for one event, language, width and
// flash: a frame while playing (30 a second) redraws the same words.
type narCache struct {
	tl    *model.Timeline
	ev    int
	lang  Lang
	w     int
	flash string
	lines []narLine
}

// narrationLines is what the narration pane says at event ev, wrapped to w.
func (m *Model) narrationLines(ev *model.Event, w int) []narLine {
	c := &m.narCache
	if c.tl == m.tl && c.ev == ev.Index && c.lang == m.lang && c.w == w && c.flash == m.flash && c.lines != nil {
		return c.lines
	}
	lines := c.lines[:0]
	put := func(s string, st styleID) {
		for _, l := range wrap(s, w, nil) {
			lines = append(lines, narLine{s[l[0]:l[1]], st})
		}
	}
	if m.flash != "" {
		put(m.flash, stWarn)
	}
	put(eventSummaryIn(m.lang, m.tl, ev, m.absolute), stStrong)
	ls := eventNoteIn(m.lang, m.tl, ev, m.absolute)
	put(ls.why, stPlain)
	if other, ok := m.play.Other(); ok {
		put(remark(m.lang, m.tl, other, ev), stRetrans)
	}
	put(ls.src, stDim)
	*c = narCache{tl: m.tl, ev: ev.Index, lang: m.lang, w: w, flash: m.flash, lines: lines}
	return lines
}

// wrap breaks s into lines of at most w cells at spaces, as [start, end) byte offsets
// into s, appended to lines.
func wrap(s string, w int, lines [][2]int) [][2]int {
	s = strings.TrimRight(s, " \n")
	w = max(w, 1)
	start := 0
	for start < len(s) {
		for start < len(s) && s[start] == ' ' {
			start++
		}
		if start >= len(s) {
			break
		}
		// A line breaks at a space, or between two wide (CJK) characters, where
		// Chinese breaks; never before closing punctuation (，。：；）」).
		cells, lastSpace, lastWide, i := 0, -1, -1, start
		for i < len(s) {
			r, size := rune(s[i]), 1
			if r >= 0x80 {
				r, size = decodeRune(s[i:])
			}
			if r == '\n' {
				break
			}
			if r == ' ' {
				lastSpace = i
			}
			cw := 1
			if r >= 0x80 {
				cw = textWidth(string(r))
			}
			if cells+cw > w && i > start {
				break // a rune wider than the whole line still goes on a line of its own
			}
			if cw == 2 && i > start && !closingPunct(r) {
				lastWide = i // a break may come before this character
			}
			cells += cw
			i += size
		}
		end := i
		switch {
		case i < len(s) && s[i] == '\n':
			lines = append(lines, [2]int{start, end})
			start = i + 1
			continue
		case i < len(s) && lastSpace > start && lastSpace >= lastWide:
			end = lastSpace
		case i < len(s) && lastWide > start:
			if r, _ := decodeRune(s[i:]); textWidth(string(r)) == 2 && !closingPunct(r) {
				break // the next character may begin the next line: break here
			}
			end = lastWide
		}
		lines = append(lines, [2]int{start, end})
		start = end
	}
	return lines
}
