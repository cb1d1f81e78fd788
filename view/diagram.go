package view

import (
	"fmt"
	"math"
	"sort"
	"strings"
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
	tl    *model.Timeline
	width int
	cols  columns
	// scale multiplies the rows a gap takes (2 on tall screens).
	scale int

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
	budget := layoutBudget
	var d *diagram
	for extra := 0; extra <= 24 && budget > 0; extra += 4 {
		next := layOut(tl, width, tall, absolute, extra, nil, budget)
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
		d = layOut(tl, width, tall, absolute, d.extra, d.crowded(), d.budget)
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
// sequence numbers if absolute, with extra more columns between the lifelines than the labels
// need, and grow[k] more rows after instant k's block.
func layOut(tl *model.Timeline, width int, tall, absolute bool, extra int, grow []int, budget int) *diagram {
	d := &diagram{tl: tl, width: width, scale: 1, absolute: absolute, extra: extra, grow: grow, budget: budget}
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
		if len(d.times) == 0 || d.times[len(d.times)-1] != t {
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

// noteDraft is a note before it has rows: its parts in the order of their events.
type noteDraft struct {
	side  model.Side
	k     int // its instant
	parts []notePart
	first int  // the event of its first part
	split bool // written over several rows
	row   int  // its first row within the instant's block
}

// text is the note on one row: the state first, then the call ("FIN_WAIT_1 close()").
func (n *noteDraft) text() string {
	var states, calls []string
	for _, p := range n.parts {
		if p.state {
			states = append(states, p.text)
		} else {
			calls = append(calls, p.text)
		}
	}
	return strings.Join(append(states, calls...), " ")
}

func (n *noteDraft) size() noteSize {
	s := noteSize{full: textWidth(n.text())}
	for _, p := range n.parts {
		s.piece = max(s.piece, textWidth(p.text))
	}
	return s
}

// draftNotes collects the notes: each state change is a note, and an app call is
// written with the state change of the same side at the same instant (the next one, or
// else the one before, if no other call of that side comes between), or alone.
func draftNotes(tl *model.Timeline, evTime []int) []noteDraft {
	n := tl.Len()
	attach := make([]int, n) // app event -> the state event it is written with, or -1
	claimed := make([]bool, n)
	for i := range n {
		attach[i] = -1
		ev := tl.At(i)
		if ev.Kind != model.EvApp {
			continue
		}
		look := func(j int) (stop, found bool) {
			e := tl.At(j)
			if e.Kind == model.EvState && e.Side == ev.Side && !claimed[j] {
				return true, true
			}
			return e.Kind == model.EvApp && e.Side == ev.Side, false
		}
		for j := i + 1; j < n && evTime[j] == evTime[i]; j++ {
			if stop, found := look(j); found {
				attach[i], claimed[j] = j, true
				break
			} else if stop {
				break
			}
		}
		for j := i - 1; attach[i] < 0 && j >= 0 && evTime[j] == evTime[i]; j-- {
			if stop, found := look(j); found {
				attach[i], claimed[j] = j, true
				break
			} else if stop {
				break
			}
		}
	}
	var drafts []noteDraft
	noteOf := make(map[int]int) // state event -> its draft
	for i := range n {
		ev := tl.At(i)
		if ev.Kind == model.EvState {
			noteOf[i] = len(drafts)
			drafts = append(drafts, noteDraft{side: ev.Side, k: evTime[i], first: i,
				parts: []notePart{{ev: i, text: ev.To.String(), state: true}}})
		}
	}
	for i := range n {
		ev := tl.At(i)
		if ev.Kind != model.EvApp {
			continue
		}
		p := notePart{ev: i, text: callText(ev.Call)}
		if a := attach[i]; a >= 0 {
			dr := &drafts[noteOf[a]]
			if i < dr.first {
				dr.parts = append([]notePart{p}, dr.parts...)
				dr.first = i
			} else {
				dr.parts = append(dr.parts, p)
			}
			continue
		}
		drafts = append(drafts, noteDraft{side: ev.Side, k: evTime[i], first: i, parts: []notePart{p}})
	}
	sort.SliceStable(drafts, func(a, b int) bool { return drafts[a].first < drafts[b].first })
	return drafts
}

// layRows gives each instant a block of rows and each event its row: first within its
// block (blockRows), then the blocks down the diagram with the gaps and breaks between
// them (placeBlocks), then every event, note and state change at its row.
func (d *diagram) layRows(evTime []int, drafts []noteDraft) {
	gut := [2]int{d.cols.gutL, d.cols.gutR}
	for i := range drafts {
		dr := &drafts[i]
		dr.split = textWidth(dr.text()) > gut[dr.side] && len(dr.parts) > 1
	}
	evOff, blockRows := d.blockRows(drafts)
	d.placeBlocks(blockRows)
	d.placeEvents(evTime, evOff, drafts)
}

// blockLayout is where one instant's block has got to, per side: the row its story
// has reached, the next free row for a note and for a lifeline touch, and the row of
// its last departure (-1: none).
type blockLayout struct {
	cur, nextNote, nextTouch, lastSend [2]int
}

// touch takes the next row on side s's lifeline at or below least.
func (b *blockLayout) touch(s model.Side, least int) int {
	off := max(b.nextTouch[s], b.cur[s], least)
	b.nextTouch[s], b.cur[s] = off+1, off
	return off
}

// blockRows gives each event its row within its instant's block, and each block its
// height. Each side writes its notes on rows of its own, and every segment that leaves
// or reaches a lifeline touches it on a row of its own: two arrows never meet at a
// lifeline. A segment sent in answer to one that arrived leaves below it; one that
// arrives at the instant it was sent (no delay) arrives on its sending row or below; a
// note that starts with a call the app made after a segment left goes below that
// segment, so that rows read in the order things happened.
func (d *diagram) blockRows(drafts []noteDraft) (evOff, blockRows []int) {
	tl := d.tl
	n := tl.Len()
	partOf := make(map[int]int, n) // note event -> its draft
	for i := range drafts {
		for _, p := range drafts[i].parts {
			partOf[p.ev] = i
		}
	}
	copies := make(map[int][]int) // segment -> the copies the link made of it
	for i := range tl.Segments {
		if s := &tl.Segments[i]; s.Dup {
			copies[s.CopyOf] = append(copies[s.CopyOf], i)
		}
	}
	evOff = make([]int, n)
	d.segDep = make([]touchAt, len(tl.Segments))
	d.segArr = make([]touchAt, len(tl.Segments))
	for i := range d.segDep {
		d.segDep[i], d.segArr[i] = touchAt{-1, 0}, touchAt{-1, 0}
	}
	blockRows = make([]int, len(d.times))
	for k := range d.times {
		end := n
		if k+1 < len(d.tEv) {
			end = d.tEv[k+1]
		}
		b := blockLayout{lastSend: [2]int{-1, -1}}
		for i := d.tEv[k]; i < end; i++ {
			ev := tl.At(i)
			s := ev.Side
			switch ev.Kind {
			case model.EvSend:
				evOff[i] = b.touch(s, 0)
				b.lastSend[s] = evOff[i]
				d.segDep[ev.Seg] = touchAt{k, evOff[i]}
				for _, c := range copies[ev.Seg] { // a copy leaves with it, a row below
					off := max(b.nextTouch[s], b.cur[s])
					b.nextTouch[s] = off + 1
					d.segDep[c] = touchAt{k, off}
				}
			case model.EvRecv:
				least := 0
				if dep := d.segDep[ev.Seg]; dep.k == k {
					least = dep.off
				}
				evOff[i] = b.touch(s, least)
				d.segArr[ev.Seg] = touchAt{k, evOff[i]}
			case model.EvDrop:
				if dep := d.segDep[ev.Seg]; dep.k == k {
					evOff[i] = dep.off
				}
			case model.EvState, model.EvApp:
				evOff[i] = b.note(&drafts[partOf[i]], i, ev.Kind == model.EvApp)
			default:
				evOff[i] = b.cur[s]
			}
		}
		blockRows[k] = max(1, b.nextNote[0], b.nextNote[1], b.nextTouch[0], b.nextTouch[1], b.cur[0]+1, b.cur[1]+1)
	}
	return evOff, blockRows
}

// note places event i, a part of note dr, and returns its row: the note takes its rows
// when its first part comes (below a departure it follows, if that part is a call).
func (b *blockLayout) note(dr *noteDraft, i int, call bool) int {
	s := dr.side
	if dr.first == i {
		dr.row = max(b.nextNote[s], b.cur[s])
		if call && b.lastSend[s] >= 0 && dr.row <= b.lastSend[s] {
			dr.row = b.lastSend[s] + 1
		}
		rows := 1
		if dr.split {
			rows = len(dr.parts)
		}
		b.nextNote[s] = dr.row + rows
	}
	off := dr.row
	if dr.split {
		for j, p := range dr.parts {
			if p.ev == i {
				off += j
			}
		}
	}
	b.cur[s] = max(b.cur[s], off)
	return off
}

// placeBlocks puts the blocks down the diagram: between two, a gap takes rows by its
// length (gapRows, doubled on tall screens), or one row for a break when it is long;
// grow adds rows where the arrows were too crowded.
func (d *diagram) placeBlocks(blockRows []int) {
	d.tRow = make([]int, len(d.times))
	row := 0
	for k := range d.times {
		d.tRow[k] = row
		block := blockRows[k]
		if k < len(d.grow) {
			block += d.grow[k]
		}
		if k+1 < len(d.times) {
			g := d.times[k+1] - d.times[k]
			if g >= breakGap {
				d.breaks = append(d.breaks, brk{row: row + block, ev: d.tEv[k+1], from: d.times[k], gap: g, label: fmtGap(g)})
				row += block + 1
			} else {
				row += max(block, d.scale*gapRows(g)+block-1)
			}
		} else {
			row += block
		}
	}
	d.rows = row
}

// placeEvents puts every event, note and state change at its row.
func (d *diagram) placeEvents(evTime, evOff []int, drafts []noteDraft) {
	n := d.tl.Len()
	d.evRow = make([]int, n)
	d.evMax = make([]int, n)
	for i := range n {
		d.evRow[i] = d.tRow[evTime[i]] + evOff[i]
		d.evMax[i] = d.evRow[i]
		if i > 0 {
			d.evMax[i] = max(d.evMax[i], d.evMax[i-1])
		}
	}
	for _, dr := range drafts {
		r := d.tRow[dr.k] + dr.row
		if dr.split {
			for j, p := range dr.parts {
				d.notes = append(d.notes, note{row: r + j, side: dr.side, parts: []notePart{p}})
			}
		} else {
			d.notes = append(d.notes, note{row: r, side: dr.side, parts: orderedParts(dr.parts)})
		}
	}
	for i := range n {
		if ev := d.tl.At(i); ev.Kind == model.EvState {
			d.changes[ev.Side] = append(d.changes[ev.Side], change{row: d.evRow[i], ev: i, to: ev.To})
		}
	}
	for s := range d.changes {
		sort.SliceStable(d.changes[s], func(a, b int) bool { return d.changes[s][a].row < d.changes[s][b].row })
	}
}

// orderedParts puts the states before the calls, as a note on one row reads.
func orderedParts(parts []notePart) []notePart {
	out := make([]notePart, 0, len(parts))
	for _, p := range parts {
		if p.state {
			out = append(out, p)
		}
	}
	for _, p := range parts {
		if !p.state {
			out = append(out, p)
		}
	}
	return out
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

// callText turns a trace call ("read -> error ECONNRESET") into what the diagram writes
// beside the lifeline ("read()=ECONNRESET").
func callText(call string) string {
	name, result, hasResult := strings.Cut(call, " -> ")
	verb, args, _ := strings.Cut(name, " ")
	switch verb {
	case "setsockopt":
		if strings.Contains(args, "l_linger=0") {
			return "SO_LINGER{1,0}"
		}
		return "setsockopt()"
	case "shutdown":
		verb += "()"
	case "write":
		args = strings.TrimPrefix(args, "n=")
		verb += "(" + args + ")"
	default:
		verb += "()"
	}
	if !hasResult {
		return verb
	}
	result = strings.TrimPrefix(result, "error ")
	result = strings.TrimPrefix(result, "n=")
	if strings.HasPrefix(verb, "write(") && result == args {
		return verb
	}
	return verb + "=" + result
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
	v := d.viewAt(x0, y0, h, cursor, now)
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
		g.set(x0+d.cols.mark, v.y(y), '▸', stStrong)
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
