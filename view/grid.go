package view

import (
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// cell is one terminal cell: a rune and a style. A rune of 0 is the second half of a
// wide rune and is skipped on output.
type cell struct {
	r  rune
	st styleID
}

// grid is a reusable screen-sized canvas of cells. Drawing a frame writes into it and
// then serialises it once; its memory is reused from frame to frame.
type grid struct {
	w, h  int
	cells []cell
}

// reset resizes the grid (reusing its memory) and blanks it.
func (g *grid) reset(w, h int) {
	w, h = max(w, 0), max(h, 0)
	n := w * h
	if cap(g.cells) < n {
		g.cells = make([]cell, n)
	}
	g.cells = g.cells[:n]
	for i := range g.cells {
		g.cells[i] = cell{r: ' '}
	}
	g.w, g.h = w, h
}

// set writes one rune; out-of-range cells are ignored.
func (g *grid) set(x, y int, r rune, st styleID) {
	if x < 0 || y < 0 || x >= g.w || y >= g.h {
		return
	}
	g.cells[y*g.w+x] = cell{r, st}
}

// text writes s from x on row y, clipped to maxX (exclusive), and returns the column
// after the last cell written.
func (g *grid) text(x, y int, s string, st styleID, maxX int) int {
	maxX = min(maxX, g.w)
	for _, r := range s {
		w := runewidth.RuneWidth(r)
		if w == 0 {
			continue
		}
		if x+w > maxX {
			break
		}
		g.set(x, y, r, st)
		if w == 2 {
			g.set(x+1, y, 0, st)
		}
		x += w
	}
	return x
}

// runeWidth is the number of cells r takes.
func runeWidth(r rune) int { return runewidth.RuneWidth(r) }

// textWidth is the number of cells s takes.
func textWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runewidth.RuneWidth(r)
	}
	return n
}

// hline fills row y from x0 to x1 (exclusive) with r.
func (g *grid) hline(x0, x1, y int, r rune, st styleID) {
	for x := x0; x < x1; x++ {
		g.set(x, y, r, st)
	}
}

// appendTo serialises the grid: rows separated by newlines, trailing blanks trimmed,
// each run of one style wrapped in that style's escape sequences (none when plain).
func (g *grid) appendTo(b []byte, s *Styles) []byte {
	for y := 0; y < g.h; y++ {
		if y > 0 {
			b = append(b, '\n')
		}
		row := g.cells[y*g.w : (y+1)*g.w]
		end := len(row)
		for end > 0 && (row[end-1].r == ' ' && (s == nil || row[end-1].st == stPlain || s.pre[row[end-1].st] == "")) {
			end--
		}
		cur := styleID(255)
		for _, c := range row[:end] {
			if c.r == 0 {
				continue
			}
			if c.st != cur {
				if s != nil && cur != 255 {
					b = append(b, s.suf[cur]...)
				}
				cur = c.st
				if s != nil {
					b = append(b, s.pre[cur]...)
				}
			}
			b = utf8.AppendRune(b, c.r)
		}
		if s != nil && cur != 255 {
			b = append(b, s.suf[cur]...)
		}
	}
	return b
}
