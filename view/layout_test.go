package view

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// The layout checker: whatever the scenario, profile, width and point of the story,
// the diagram a reader sees keeps the promises a reader relies on. It reads the drawn
// cells, not the layout's own records, except to know what should be there.

// checkWidths are the widths the checker draws at.
var checkWidths = []int{64, 80, 100, 120, 160, 200, 250}

// diagramProblems lists what is wrong with the diagram d drawn in g through viewport
// v at event cursor and time now.
func diagramProblems(g *grid, d *diagram, v viewport, cursor int, now time.Duration) []string {
	var out []string
	bad := func(y int, format string, args ...any) {
		row := ""
		if gy := v.y(y); gy >= 0 && gy < g.h {
			row = strings.TrimRight(gridRow(g, gy), " ")
		}
		out = append(out, fmt.Sprintf("row %d: %s\n    %s", y, fmt.Sprintf(format, args...), row))
	}
	xl, xr := v.x(d.cols.xl), v.x(d.cols.xr)
	at := func(x, y int) rune {
		gy := v.y(y)
		if x < 0 || x >= g.w || gy < 0 || gy >= g.h {
			return 0
		}
		return g.cells[gy*g.w+x].r
	}
	breakRow := map[int]bool{}
	for _, b := range d.breaks {
		breakRow[b.row] = true
	}

	// Labels: each visible arrow's label, whole, once for each arrow that has it.
	want := map[int]map[string]int{}
	flying, lostMarks, heads := 0, 0, 0
	for i := range d.arrows {
		a := &d.arrows[i]
		av := a.at(cursor, now)
		if !av.visible {
			continue
		}
		if a.labelAt < 0 {
			bad(a.r0, "segment %d (%s) has no label", a.seg, d.tl.Segments[a.seg].Label())
		} else if y := a.cells[a.labelAt].y; v.inView(y) {
			if want[y] == nil {
				want[y] = map[string]int{}
			}
			want[y][a.label]++
			if !a.whole() {
				bad(y, "segment %d's label is cut to %q", a.seg, a.label)
			}
		}
		end := a.cells[len(a.cells)-1]
		switch {
		case av.done && a.lost && v.past(end.y):
			lostMarks++
			// The ✕ is on the row where the loss's time is written.
			if d.cols.timeW > 0 {
				tt := strings.TrimSpace(string(rowRunes(g, v.y(end.y))[v.x0 : v.x0+d.cols.timeW]))
				if tt != "" && tt != fmtClock(a.endAt) {
					bad(end.y, "the ✕ of segment %d (lost at %s) is on the row of %s", a.seg, fmtClock(a.endAt), tt)
				}
			}
		case av.done && v.past(end.y):
			heads++
		case !av.done:
			if v.inView(a.cells[av.head].y) {
				flying++
			}
			switch {
			case a.lost && v.inView(end.y):
				lostMarks++ // a doomed segment shows its ✕ ahead, always
			case av.pending && av.head != len(a.cells)-1 && v.inView(end.y):
				heads++
			}
		}
	}
	for y := v.top; y <= v.end; y++ {
		text := string(rowRunes(g, v.y(y))[xl+1 : xr])
		for l, n := range want[y] {
			if c := strings.Count(text, l); c != n {
				bad(y, "label %q appears %d times, want %d", l, c, n)
			}
		}
	}
	// Breaks: each label whole.
	for _, b := range d.breaks {
		if !v.past(b.row) || b.ev > cursor && now <= b.from {
			continue
		}
		label := b.label
		if b.ev > cursor {
			label = fmtGap(now-b.from) + " …"
		}
		if text := string(rowRunes(g, v.y(b.row))); !strings.Contains(text, " "+label+" ") {
			bad(b.row, "break label %q is not intact", label)
		}
	}
	// Every line cell joins what it points at; every mark sits on a line.
	counts := map[rune]int{}
	for y := v.top; y <= v.end; y++ {
		for x := xl + 1; x < xr; x++ {
			r := at(x, y)
			counts[r]++
			j, isLine := glyphJoins(r)
			switch {
			case isLine && r == '╌' && breakRow[y]:
			case isLine:
				for _, dir := range [4]struct {
					bit    uint8
					dx, dy int
					back   uint8
				}{{joinUp, 0, -1, joinDown}, {joinDown, 0, 1, joinUp}, {joinLeft, -1, 0, joinRight}, {joinRight, 1, 0, joinLeft}} {
					if j&dir.bit == 0 {
						continue
					}
					n := at(x+dir.dx, y+dir.dy)
					nj, nLine := glyphJoins(n)
					// A line may run into a mark or a label, a horizontal one into a
					// lifeline, and a vertical one behind a label or across a break.
					ok := nLine && nj&dir.back != 0 || isMark(n) || isLetter(n) ||
						y+dir.dy < v.top || y+dir.dy > v.end || // scrolled out of view
						dir.dy == 0 && (x+dir.dx == xl || x+dir.dx == xr) ||
						dir.dy != 0 && breakRow[y+dir.dy] && n == '╌'

					if !ok {
						bad(y, "%c at column %d joins %q on its %s", r, x-v.x0, n, dirName(dir.bit))
					}
				}
			case r == '◆' || r == '✕' || r == '▶' || r == '◀':
				joined := false
				for _, n := range [4]struct {
					dx, dy int
					bit    uint8
				}{{-1, 0, joinRight}, {1, 0, joinLeft}, {0, -1, joinDown}, {0, 1, joinUp}} {
					nr := at(x+n.dx, y+n.dy)
					if nj, ok := glyphJoins(nr); ok && nj&n.bit != 0 || isLetter(nr) || nr == '◆' && r != '◆' ||
						y+n.dy < v.top || y+n.dy > v.end ||
						n.dy == 0 && (x+n.dx == xl || x+n.dx == xr) {
						joined = true
					}
				}
				if !joined {
					bad(y, "%c at column %d is on no line", r, x-v.x0)
				}
			}
		}
	}
	if counts['◆'] != flying {
		bad(v.top, "%d ◆ drawn, %d segments in flight", counts['◆'], flying)
	}
	if counts['✕'] != lostMarks {
		bad(v.top, "%d ✕ drawn, want %d", counts['✕'], lostMarks)
	}
	if n := counts['▶'] + counts['◀']; n != heads {
		bad(v.top, "%d arrowheads drawn, want %d", n, heads)
	}
	return out
}

func isMark(r rune) bool { return r == '◆' || r == '✕' || r == '▶' || r == '◀' }
func isLetter(r rune) bool {
	_, line := glyphJoins(r)
	return r > ' ' && !line && !isMark(r) && r != '┃' && r != '┊'
}

func dirName(bit uint8) string {
	switch bit {
	case joinUp:
		return "top"
	case joinDown:
		return "bottom"
	case joinLeft:
		return "left"
	}
	return "right"
}

func rowRunes(g *grid, y int) []rune {
	out := make([]rune, g.w)
	for x := range g.w {
		r := g.cells[y*g.w+x].r
		if r == 0 {
			r = ' '
		}
		out[x] = r
	}
	return out
}

func gridRow(g *grid, y int) string { return string(rowRunes(g, y)) }

// storyPoints are the points of a timeline the checker looks at: every event, and
// every gap between two a quarter, half, three quarters and 99 % of the way (where a
// head is about to arrive, or to vanish).
func storyPoints(tl *model.Timeline) [][2]int64 {
	var out [][2]int64
	for i := range tl.Len() {
		out = append(out, [2]int64{int64(i), int64(tl.At(i).T)})
		if i+1 < tl.Len() {
			t0, t1 := tl.At(i).T, tl.At(i+1).T
			for _, f := range []int64{25, 50, 75, 99} {
				if t1 > t0 {
					out = append(out, [2]int64{int64(i), int64(t0) + (int64(t1-t0))*f/100})
				}
			}
		}
	}
	return out
}

// TestDiagramNeverCollides draws every catalog scenario under both profiles at every
// width from 64 to 250, whole, at every event and in the middle of every gap, and
// checks each picture.
func TestDiagramNeverCollides(t *testing.T) {
	step := 1
	if raceOn {
		step = 11
	}
	for _, sc := range scenarios.Catalog() {
		for _, prof := range model.ProfileNames {
			p, _ := sc.ProfileFor(prof)
			tl := model.Run(sc, p)
			for _, w := range checkWidths {
				for _, tall := range []bool{false, true} {
					d := newDiagram(tl, w, tall, false)
					if used := layoutBudget - d.budget; used > layoutBudget/4 {
						t.Errorf("%s/%s width %d tall=%v: the layout took %d of its budget of %d", sc.ID, prof, w, tall, used, layoutBudget)
					}
					var g grid
					points := storyPoints(tl)
					for pi := 0; pi < len(points); pi += step {
						cursor, now := int(points[pi][0]), time.Duration(points[pi][1])
						g.reset(w, d.rows+1)
						d.draw(&g, 0, 0, d.rows+1, cursor, now, true)
						v := d.viewAt(0, 0, d.rows+1, cursor, now)
						if probs := diagramProblems(&g, d, v, cursor, now); len(probs) > 0 {
							t.Fatalf("%s/%s width %d tall=%v at event %d, t=%v:\n%s\n\n%s", sc.ID, prof, w, tall, cursor, now,
								strings.Join(probs, "\n"), gridText(&g))
						}
					}
				}
			}
		}
	}
}

// TestScreenNeverCollides checks the diagram on the screen, scrolled, at the sizes
// students use, at every event of every catalog scenario.
func TestScreenNeverCollides(t *testing.T) {
	sizes := [][2]int{{64, 18}, {80, 24}, {100, 30}, {120, 40}, {160, 50}, {200, 60}, {250, 80}}
	step := 1
	if raceOn {
		step = 11
	}
	for _, sc := range scenarios.Catalog() {
		for _, prof := range model.ProfileNames {
			m := mustNew(t, Options{Scenario: sc, Profile: prof})
			points := storyPoints(m.Timeline())
			for _, size := range sizes {
				m.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				for pi := 0; pi < len(points); pi += step {
					m.play.Seek(int(points[pi][0]), time.Duration(points[pi][1]))
					m.frame()
					s := m.scr
					v := m.diag.viewAt(0, s.diagY, s.diagH, m.Cursor(), m.Now())
					if probs := diagramProblems(&m.g, m.diag, v, m.Cursor(), m.Now()); len(probs) > 0 {
						t.Fatalf("%s/%s %dx%d at event %d, t=%v:\n%s\n\n%s", sc.ID, prof, size[0], size[1], m.Cursor(), m.Now(),
							strings.Join(probs, "\n"), gridText(&m.g))
					}
				}
			}
		}
	}
}

func gridText(g *grid) string {
	var b strings.Builder
	for y := range g.h {
		b.WriteString(strings.TrimRight(gridRow(g, y), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// TestTimesShowFrom80Columns: from 80 columns up, the time axis is there for every
// catalog scenario, and a state is never cut (a note too wide goes over two rows).
func TestTimesShowFrom80Columns(t *testing.T) {
	for _, sc := range scenarios.Catalog() {
		for _, prof := range model.ProfileNames {
			p, _ := sc.ProfileFor(prof)
			tl := model.Run(sc, p)
			for _, w := range []int{80, 100, 120} {
				d := newDiagram(tl, w, false, false)
				if d.cols.timeW == 0 {
					t.Errorf("%s/%s at %d columns: no time axis", sc.ID, prof, w)
				}
				for _, n := range d.notes {
					for _, part := range n.parts {
						gut := d.cols.gutL
						if n.side == model.B {
							gut = d.cols.gutR
						}
						if part.state && textWidth(part.text) > gut {
							t.Errorf("%s/%s at %d columns: state %s cut to %d columns", sc.ID, prof, w, part.text, gut)
						}
					}
				}
			}
		}
	}
}
