package view

import (
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// Illustrative addresses for the two lifelines. The model has no addresses (they play
// no part in the close); these are the ones design.md draws.
const (
	clientAddr = "10.0.0.1:50312"
	serverAddr = "10.0.0.2:80"
)

// breakGap is the shortest quiet stretch drawn compressed, as a break with its length.
const breakGap = 500 * time.Millisecond

// diagram is the laid-out sequence diagram of one timeline at one width: the rows and
// columns of every note, arrow and break, computed once per timeline and width (see
// newDiagram for the phases). Drawing a frame only decides which of them are visible
// at the cursor and how far the segments in flight have gone.
type diagram struct {
	lang  Lang // of the words drawn in place of a diagram too big to draw
	tl    *model.Timeline
	width int
	cols  columns
	// scale multiplies the rows a gap takes (2 on tall screens).
	scale int
	// quantum: events less than this after an instant's first are drawn in its block
	// (0: only events at the same time). The comparison draws a kernel's or a capture's
	// microseconds apart as one instant, as its time column (in ms) shows them.
	quantum time.Duration

	times []time.Duration // distinct event times
	tRow  []int           // first row of each distinct time's block
	tEv   []int           // first event of each distinct time
	evRow []int           // row of each event
	evMax []int           // the lowest row of events 0..i
	rows  int

	notes  []note
	arrows []arrow
	breaks []brk
	// changes lists each side's state changes by row, for the lifelines.
	changes [2][]change

	// segDep and segArr are where each segment leaves and reaches a lifeline.
	segDep, segArr []touchAt

	// absolute: the labels' sequence numbers are the real ones, not relative.
	absolute bool
	// extra and grow are how the layout was widened and lengthened (see newDiagram).
	extra int
	grow  []int
	// budget is how much more work the search may do (see layoutBudget).
	budget int
	// tooBig, when set, is why tl is not laid out at all (see CheckDrawable).
	tooBig error

	lc lineCanvas // scratch space of draw
}

// change is a state change written at a row.
type change struct {
	row, ev int
	to      model.State
}

// notePart is one piece of a lifeline note (a state, or an app call) and the event
// that makes it visible.
type notePart struct {
	ev    int
	text  string
	state bool
}

// note is what is written beside a lifeline at one row: a new state and the app call
// that goes with it ("FIN_WAIT_1 close()"), or one of them when a note too wide for its
// gutter is split over two rows.
type note struct {
	row   int
	side  model.Side
	parts []notePart
}

// brk is a compressed quiet stretch: drawn at row once the cursor reaches event ev.
type brk struct {
	row   int
	ev    int
	from  time.Duration // the start of the quiet stretch
	gap   time.Duration
	label string
}

// newDiagram lays tl out at the given width; tall doubles the rows given to each step
// of time, for tall screens. The phases: the instants of the timeline; the notes
// beside the lifelines; the columns (times, gutters, the space between the lifelines,
// which depend on how wide the notes and labels are); the rows of each instant's
// block, its notes and the breaks between blocks; and last the arrows, routed one by
// one.
//
// When some label does not fit whole (arrows that cross need more room than one
// label), the layout is made again with more room between the lifelines, as long as
// the notes can give it; then with other places for the labels; then with more rows
// where the arrows are too crowded.
func newDiagram(tl *model.Timeline, width int, tall, absolute bool) *diagram {
	return newDiagramIn(tl, width, tall, absolute, 0)
}

// newDiagramIn is newDiagram with events less than quantum apart drawn as one instant.
func newDiagramIn(tl *model.Timeline, width int, tall, absolute bool, quantum time.Duration) *diagram {
	if err := CheckDrawable(tl); err != nil {
		d := &diagram{tl: tl, width: width, scale: 1, absolute: absolute, tooBig: err}
		if tall {
			d.scale = 2
		}
		return d
	}
	budget := layoutBudget
	var d *diagram
	for extra := 0; extra <= 24 && budget > 0; extra += 4 {
		next := layOut(tl, width, tall, absolute, quantum, extra, nil, budget)
		if d != nil && next.cols.span() <= d.cols.span() {
			break // no more room to be had
		}
		d, budget = next, next.budget
		if d.labelsWhole() {
			return d
		}
	}
	// Other places for the labels; then more rows where it is crowded (each round a
	// row more in every gap that an arrow with a cut label spans), and a last search.
	d.budget = budget
	d.layArrows(true)
	for round := 0; round < 24 && !d.labelsWhole() && d.budget > 0; round++ {
		d = layOut(tl, width, tall, absolute, quantum, d.extra, d.crowded(), d.budget)
	}
	if !d.labelsWhole() && d.budget > 0 {
		d.layArrows(true)
	}
	return d
}

// layoutBudget bounds the work of one layout, in the router's steps (rows × columns²
// for each arrow routed): at most about 60 ms, whatever the timeline. A search for label
// places or rows that has not succeeded by then stops with the best found, which may
// cut a label short.
const layoutBudget = 8_000_000

// layOut lays tl out, spending at most budget (see layoutBudget), with absolute
// sequence numbers if absolute, events less than quantum apart as one instant, with extra more columns between the lifelines than the labels
// need, and grow[k] more rows after instant k's block.
func layOut(tl *model.Timeline, width int, tall, absolute bool, quantum time.Duration, extra int, grow []int, budget int) *diagram {
	d := &diagram{tl: tl, width: width, scale: 1, absolute: absolute, quantum: quantum, extra: extra, grow: grow, budget: budget}
	if tall {
		d.scale = 2
	}
	evTime := d.indexTimes()
	drafts := draftNotes(tl, evTime)
	var sizes [2][]noteSize
	for _, n := range drafts {
		sizes[n.side] = append(sizes[n.side], n.size())
	}
	d.cols = chooseColumns(width, d.timeWidth(), sizes, d.labelWidth(), extra)
	d.layRows(evTime, drafts)
	d.layArrows(false)
	return d
}

// crowded is d's rows grown by one in every gap that an arrow without its full label
// spans.
func (d *diagram) crowded() []int {
	grow := make([]int, len(d.times))
	copy(grow, d.grow)
	for i := range d.arrows {
		if d.arrows[i].whole() {
			continue
		}
		k0, k1 := d.blockOf(d.arrows[i].r0), d.blockOf(d.arrows[i].r1)
		for k := k0; k < max(k1, k0+1) && k < len(grow); k++ {
			grow[k]++
		}
	}
	return grow
}

// blockOf is the instant whose block holds row r.
func (d *diagram) blockOf(r int) int {
	return max(0, sort.Search(len(d.tRow), func(k int) bool { return d.tRow[k] > r })-1)
}

// cut counts the arrows without their full label.
func (d *diagram) cut() int {
	n := 0
	for i := range d.arrows {
		if !d.arrows[i].whole() {
			n++
		}
	}
	return n
}

// tall reports whether d was laid out for a tall screen.
func (d *diagram) tall() bool { return d.scale == 2 }

// layoutCache keeps the last few layouts, so that undoing a drop, switching the
// profile back or resizing back to a width draws at once.
type layoutCache struct{ recent []*diagram }

const layoutsKept = 6

// get returns the layout of tl at a width, laying it out if it is not kept.
func (c *layoutCache) get(tl *model.Timeline, width int, tall, absolute bool) *diagram {
	for i, d := range c.recent {
		if d.tl == tl && d.width == width && d.tall() == tall && d.absolute == absolute {
			copy(c.recent[1:i+1], c.recent[:i])
			c.recent[0] = d
			return d
		}
	}
	d := newDiagram(tl, width, tall, absolute)
	if len(c.recent) < layoutsKept {
		c.recent = append(c.recent, nil)
	}
	copy(c.recent[1:], c.recent)
	c.recent[0] = d
	return d
}

// labelsWhole reports whether every arrow carries its full label.
func (d *diagram) labelsWhole() bool {
	for i := range d.arrows {
		if !d.arrows[i].whole() {
			return false
		}
	}
	return true
}

// indexTimes finds the distinct instants and returns each event's instant.
func (d *diagram) indexTimes() []int {
	n := d.tl.Len()
	evTime := make([]int, n)
	for i := range n {
		t := d.tl.At(i).T
		if len(d.times) == 0 || t-d.times[len(d.times)-1] > d.quantum {
			d.times = append(d.times, t)
			d.tEv = append(d.tEv, i)
		}
		evTime[i] = len(d.times) - 1
	}
	return evTime
}

// timeWidth is how wide the time column must be for the latest instant.
func (d *diagram) timeWidth() int { return textWidth(fmtClock(d.times[len(d.times)-1])) }

// labelWidth is the widest full segment label.
func (d *diagram) labelWidth() int {
	w := 0
	for i := range d.tl.Segments {
		w = max(w, textWidth(labelVariants(&d.tl.Segments[i], d.absolute)[0]))
	}
	return w
}

// touchAt is where a segment touches a lifeline: instant k's block, row off in it (k
// is -1 when it never does).
type touchAt struct{ k, off int }

// breakSpan is the columns a break's label may take, whatever it counts.
func (d *diagram) breakSpan(b brk) (lo, hi int) {
	w := 0
	for _, t := range []time.Duration{min(b.gap, 999*time.Millisecond), min(b.gap, 9900*time.Millisecond), b.gap} {
		w = max(w, textWidth(" "+fmtGap(t)+" … "))
	}
	w = max(w, textWidth(" "+b.label+" "))
	lo = d.cols.xl + (d.cols.xr-d.cols.xl-w)/2 + 1
	return lo, lo + w - 1
}

// fmtGap writes a quiet stretch's length for a break: "≈ 60 s", "≈ 990 ms".
func fmtGap(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("≈ %d s", int(math.Round(d.Seconds())))
	case d >= time.Second:
		return fmt.Sprintf("≈ %.1f s", d.Seconds())
	default:
		return fmt.Sprintf("≈ %d ms", d.Milliseconds())
	}
}

// gapRows is the number of rows between two instants g apart: one per doubling above
// 10 ms, so a transit is drawn sloped by its length, at most four rows.
func gapRows(g time.Duration) int {
	if g < 20*time.Millisecond {
		return 1
	}
	return min(4, 1+int(math.Log2(float64(g)/float64(10*time.Millisecond))))
}

// rowOf maps a virtual time to a (fractional) row: blocks start at their rows and time
// is linear in between.
func (d *diagram) rowOf(t time.Duration) float64 {
	k := sort.Search(len(d.times), func(k int) bool { return d.times[k] > t }) - 1
	if k < 0 {
		return 0
	}
	if k+1 >= len(d.times) {
		return float64(d.tRow[k])
	}
	f := float64(t-d.times[k]) / float64(d.times[k+1]-d.times[k])
	return float64(d.tRow[k]) + f*float64(d.tRow[k+1]-d.tRow[k])
}

// visibleRow is the last row drawn at cursor and now: the cursor's row, or further down
// when virtual time has moved on from it, or as far as a flying segment's head has gone.
func (d *diagram) visibleRow(cursor int, now time.Duration) int {
	r := d.evMax[cursor]
	if now > d.tl.At(cursor).T {
		r = max(r, int(math.Round(d.rowOf(now))))
		// Inside a quiet stretch: its break is drawn at once, counting.
		for _, b := range d.breaks {
			if b.ev == cursor+1 {
				r = max(r, b.row)
			}
		}
	}
	for i := range d.arrows {
		a := &d.arrows[i]
		if v := a.at(cursor, now); v.visible && !v.done {
			r = max(r, a.cells[v.head].y)
		}
	}
	return min(r, d.rows-1)
}

// viewAt is the part of the diagram that a frame h rows high at (x0, y0) shows at
// event cursor and virtual time now: scrolled so that the present is visible, with a
// row to spare below it when there is room.
func (d *diagram) viewAt(x0, y0, h, cursor int, now time.Duration) viewport {
	last := d.visibleRow(cursor, now)
	top := 0
	if last+2 > h {
		top = last + 2 - h
	}
	top = max(0, min(top, max(0, d.rows-h)))
	if last >= top+h {
		top = last - h + 1
	}
	return viewport{x0: x0, y0: y0, top: top, bottom: min(last, top+h-1), end: top + h - 1, last: last}
}

// draw draws the diagram into g at (x0, y0), h rows high, showing what has happened up
// to event cursor at virtual time now, scrolled so that the present is visible.
// mark draws the cursor mark.
func (d *diagram) draw(g *grid, x0, y0, h int, cursor int, now time.Duration, mark bool) {
	if h <= 0 {
		return
	}
	if d.tooBig != nil {
		d.drawTooBig(g, x0, y0, h)
		return
	}
	v := d.viewAt(x0, y0, h, cursor, now)
	d.drawIn(g, v, cursor, now, mark)
}

// drawIn draws the part of the diagram that viewport v shows, at event cursor and
// virtual time now (the side-by-side comparison gives both diagrams one viewport).
func (d *diagram) drawIn(g *grid, v viewport, cursor int, now time.Duration, mark bool) {
	d.drawLifelines(g, v, cursor)
	d.drawBreaks(g, v, cursor, now)
	d.drawTimes(g, v, cursor)
	d.drawArrows(g, v, cursor, now)
	d.drawNotes(g, v, cursor, mark)
	if mark {
		y := d.evRow[cursor]
		if now > d.tl.At(cursor).T {
			y = v.last
		}
		g.set(v.x0+d.cols.mark, v.y(y), '▸', stStrong)
	}
}

// viewport is the part of the diagram a frame shows: rows top to end (inclusive) at
// grid row y0, of which top to bottom are the story so far and the rest what lies
// ahead.
type viewport struct {
	x0, y0           int
	top, bottom, end int
	last             int // the present's row
}

func (v viewport) y(r int) int       { return v.y0 + r - v.top }
func (v viewport) x(col int) int     { return v.x0 + col }
func (v viewport) past(r int) bool   { return r >= v.top && r <= v.bottom }
func (v viewport) inView(r int) bool { return r >= v.top && r <= v.end }
func (v viewport) height() int       { return v.end - v.top + 1 }

// drawLifelines draws both lifelines: solid while the endpoint exists, dotted once it
// is CLOSED (from the row where the state change is written).
func (d *diagram) drawLifelines(g *grid, v viewport, cursor int) {
	for s, x := range [2]int{d.cols.xl, d.cols.xr} {
		ch := d.changes[s]
		state := d.tl.At(0).Snap[s].State
		j := 0
		for r := v.top; r <= v.bottom; r++ {
			for ; j < len(ch) && ch[j].row <= r; j++ {
				if ch[j].ev <= cursor {
					state = ch[j].to
				}
			}
			r1, st := '┃', stClient
			if s == 1 {
				st = stServer
			}
			if state == model.Closed {
				r1, st = '┊', stDim
			}
			g.set(v.x(x), v.y(r), r1, st)
		}
	}
}

// drawBreaks draws the compressed stretches reached, and the one being crossed with
// the time elapsed so far.
func (d *diagram) drawBreaks(g *grid, v viewport, cursor int, now time.Duration) {
	for _, b := range d.breaks {
		label := b.label
		switch {
		case !v.past(b.row):
			continue
		case b.ev > cursor && now > b.from:
			label = fmtGap(now-b.from) + " …"
		case b.ev > cursor:
			continue
		}
		y := v.y(b.row)
		for x := d.cols.xl + 1; x < d.cols.xr; x++ {
			g.set(v.x(x), y, '╌', stBreak)
		}
		lbl := " " + label + " "
		lo, hi := d.breakSpan(b)
		x := lo + (hi-lo+1-textWidth(lbl))/2
		g.text(v.x(x), y, lbl, stBreak, v.x(d.cols.xr))
	}
}

// drawTimes writes the time of each instant shown, on its first row.
func (d *diagram) drawTimes(g *grid, v viewport, cursor int) {
	if d.cols.timeW == 0 {
		return
	}
	for k, r := range d.tRow {
		if d.tEv[k] > cursor || !v.past(r) {
			continue
		}
		g.text(v.x(0), v.y(r), fmtClock(d.times[k]), stDim, v.x(d.cols.timeW))
	}
}

// drawArrows draws every arrow sent so far: the lines first, all together, so that
// crossings join, then the labels and heads over them.
func (d *diagram) drawArrows(g *grid, v viewport, cursor int, now time.Duration) {
	lc := &d.lc
	lc.reset(v.x(d.cols.xl+1), v.y(v.top), d.cols.span(), v.height())
	views := make([]arrowView, len(d.arrows))
	for i := range d.arrows {
		views[i] = d.arrows[i].at(cursor, now)
	}
	labelShown := func(i int) bool {
		a := &d.arrows[i]
		return views[i].visible && a.labelAt >= 0 && v.inView(a.cells[a.labelAt].y)
	}
	for pass := range 2 {
		for i := range d.arrows {
			a := &d.arrows[i]
			if !views[i].visible {
				continue
			}
			if pass == 0 {
				a.drawLines(lc, views[i], v, labelShown)
			} else {
				a.drawMarks(g, views[i], v)
			}
		}
		if pass == 0 {
			lc.flush(g)
		}
	}
}

// drawNotes writes the notes beside the lifelines; the one of the cursor's event is
// highlighted.
func (d *diagram) drawNotes(g *grid, v viewport, cursor int, mark bool) {
	for i := range d.notes {
		nt := &d.notes[i]
		if !v.past(nt.row) {
			continue
		}
		var b [96]byte
		s, cur := b[:0], false
		for _, p := range nt.parts {
			if p.ev > cursor {
				continue
			}
			if len(s) > 0 {
				s = append(s, ' ')
			}
			s = append(s, p.text...)
			cur = cur || p.ev == cursor
		}
		if len(s) == 0 {
			continue
		}
		st := stClient
		if nt.side == model.B {
			st = stServer
		}
		if cur && mark {
			st = stCursor
		}
		y := v.y(nt.row)
		if nt.side == model.A {
			text := fitText(string(s), d.cols.gutL)
			g.text(v.x(d.cols.xl-1-textWidth(text)), y, text, st, v.x(d.cols.xl-1))
		} else {
			text := fitText(string(s), d.width-d.cols.xr-2)
			g.text(v.x(d.cols.xr+2), y, text, st, v.x(d.width))
		}
	}
}

// fitText cuts s to w cells, marking the cut with …
func fitText(s string, w int) string {
	if textWidth(s) <= w {
		return s
	}
	if w <= 0 {
		return ""
	}
	r := []rune(s)
	for len(r) > 0 && textWidth(string(r))+1 > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// fmtClock writes a virtual time for the time column: "0.220s", "60.220s".
func fmtClock(t time.Duration) string {
	return fmt.Sprintf("%.3fs", t.Seconds())
}
