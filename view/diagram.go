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

// diagram is the laid-out sequence diagram of one timeline at one width: rows and
// columns of every note, arrow and break, computed once per timeline and width. Drawing
// a frame only decides which of them are visible at the cursor and how far the
// segments in flight have gone.
type diagram struct {
	tl    *model.Timeline
	width int

	// Columns: [timeW: time][client notes] xl [arrows] xr [server notes]; the cursor
	// mark goes in the first column after the times.
	timeW, gutW, xl, xr int
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
}

// change is a state change written at a row.
type change struct {
	row, ev int
	to      model.State
}

// notePart is one piece of a lifeline note (a state, or an app call) and the event
// that makes it visible.
type notePart struct {
	ev   int
	text string
}

// note is what is written beside a lifeline at one row: a new state and the app call
// that caused it, e.g. "FIN_WAIT_1 close()".
type note struct {
	row   int
	side  model.Side
	parts []notePart
}

// arrow is one segment drawn from lifeline to lifeline as a staircase whose height
// follows its transit time.
type arrow struct {
	seg    int
	from   model.Side
	sendEv int // visible once the cursor reaches this event
	endEv  int // arrived (or lost) once the cursor reaches this event; -1 never
	lost   bool
	dup    bool
	// lossAt is how far along the path the segment vanished (0..1).
	lossAt  float64
	lossIdx int // the path cell where it vanished
	// rowStart is the index in path of each row's first cell (see at).
	rowStart []int
	path     []pcell // from the sender's lifeline to the receiver's
	label    string
	lx, ly   int // where the label is written
	// labelRunes is the label as runes, to draw the head over it.
	labelRunes []rune
}

// pcell is one cell of an arrow's path.
type pcell struct {
	x, y int
	r    rune
}

// brk is a compressed quiet stretch: drawn at row once the cursor reaches event ev.
type brk struct {
	row   int
	ev    int
	from  time.Duration // the start of the quiet stretch
	label string
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

// newDiagram lays out tl at the given width; tall doubles the rows given to each step
// of time, for tall screens.
func newDiagram(tl *model.Timeline, width int, tall bool) *diagram {
	d := &diagram{tl: tl, width: width, scale: 1}
	if tall {
		d.scale = 2
	}
	if width >= 100 {
		d.timeW = 9
	}
	// Left notes in [timeW, xl-2], right notes in [xr+2, width-1], both gutW wide; the
	// arrows get what is left, at least 34 columns when there is room.
	d.gutW = max(8, min(30, (width-d.timeW-3-35)/2))
	d.xl = d.timeW + d.gutW + 1
	d.xr = width - d.gutW - 2
	// Beyond 90 columns wider arrows only flatten the slopes: centre the lifelines.
	if extra := d.xr - d.xl - 1 - 90; extra > 0 {
		d.xl += extra / 2
		d.xr -= extra - extra/2
	}
	if d.xr-d.xl < 8 {
		d.xr = d.xl + 8
	}
	n := tl.Len()
	d.evRow = make([]int, n)
	evTime := make([]int, n) // distinct-time index of each event
	for i := range n {
		t := tl.At(i).T
		if len(d.times) == 0 || d.times[len(d.times)-1] != t {
			d.times = append(d.times, t)
			d.tEv = append(d.tEv, i)
		}
		evTime[i] = len(d.times) - 1
	}

	// Notes: each state change gets its own row in its instant's block; an app call is
	// written with the state change of the same side at the same instant, or alone.
	// Within a block, segments that arrive land on its first row, and a segment sent
	// in answer (after an arrival at the same instant) leaves from the row below, so
	// the two arrows never share a row.
	attach := make([]int, n) // app event -> state event it is written with, or -1
	claimed := make([]bool, n)
	for i := range n {
		attach[i] = -1
		ev := tl.At(i)
		if ev.Kind != model.EvApp {
			continue
		}
		k := evTime[i]
		look := func(j int) (stop, found bool) {
			e := tl.At(j)
			if e.Kind == model.EvState && e.Side == ev.Side && !claimed[j] {
				return true, true
			}
			return e.Kind == model.EvApp && e.Side == ev.Side, false
		}
		for j := i + 1; j < n && evTime[j] == k; j++ {
			if stop, found := look(j); found {
				attach[i], claimed[j] = j, true
				break
			} else if stop {
				break
			}
		}
		for j := i - 1; attach[i] < 0 && j >= 0 && evTime[j] == k; j-- {
			if stop, found := look(j); found {
				attach[i], claimed[j] = j, true
				break
			} else if stop {
				break
			}
		}
	}
	type pending struct {
		side  model.Side
		parts []notePart
		slot  int
		k     int
	}
	var notes []pending
	evNote := make([]int, n)
	for i := range evNote {
		evNote[i] = -1
	}
	evSlot := make([]int, n) // row of each event within its block
	blockRows := make([]int, len(d.times))
	for k := range d.times {
		end := n
		if k+1 < len(d.tEv) {
			end = d.tEv[k+1]
		}
		var slots, last [2]int
		recv := false
		rows := 1
		for i := d.tEv[k]; i < end; i++ {
			ev := tl.At(i)
			switch {
			case ev.Kind == model.EvApp && attach[i] > i:
				// The call comes first: its note (and row) is taken now, for the state
				// change it will be written with.
				j, s := attach[i], ev.Side
				notes = append(notes, pending{side: s, slot: slots[s], k: k})
				evNote[j] = len(notes) - 1
				evSlot[j] = slots[s]
				last[s] = slots[s]
				slots[s]++
			case ev.Kind == model.EvState && evNote[i] >= 0:
				// Its note was taken by the call before it.
			case ev.Kind == model.EvState || ev.Kind == model.EvApp && attach[i] < 0:
				s := ev.Side
				notes = append(notes, pending{side: s, slot: slots[s], k: k})
				evNote[i] = len(notes) - 1
				evSlot[i] = slots[s]
				last[s] = slots[s]
				slots[s]++
			case ev.Kind == model.EvRecv:
				recv = true
			case ev.Kind == model.EvSend:
				r := last[ev.Side]
				if recv {
					r = max(r, 1)
				}
				evSlot[i] = r
				rows = max(rows, r+1)
			}
		}
		blockRows[k] = max(rows, slots[0], slots[1])
	}
	for i := range n {
		ev := tl.At(i)
		switch {
		case ev.Kind == model.EvState:
			notes[evNote[i]].parts = append(notes[evNote[i]].parts, notePart{i, ev.To.String()})
		case ev.Kind == model.EvApp && attach[i] < 0:
			notes[evNote[i]].parts = append(notes[evNote[i]].parts, notePart{i, callText(ev.Call)})
		}
	}
	for i := range n {
		if a := attach[i]; a >= 0 {
			evNote[i] = evNote[a]
			evSlot[i] = evSlot[a]
			notes[evNote[a]].parts = append(notes[evNote[a]].parts, notePart{i, callText(tl.At(i).Call)})
		}
	}

	// Rows.
	d.tRow = make([]int, len(d.times))
	row := 0
	for k := range d.times {
		d.tRow[k] = row
		block := blockRows[k]
		if k+1 < len(d.times) {
			g := d.times[k+1] - d.times[k]
			if g >= breakGap {
				d.breaks = append(d.breaks, brk{row: row + block, ev: d.tEv[k+1], from: d.times[k], label: fmtGap(g)})
				row += block + 1
			} else {
				row += max(block, d.scale*gapRows(g)+block-1)
			}
		} else {
			row += block
		}
	}
	d.rows = row
	for _, p := range notes {
		d.notes = append(d.notes, note{row: d.tRow[p.k] + p.slot, side: p.side, parts: p.parts})
	}
	for i := range n {
		if ev := tl.At(i); ev.Kind == model.EvState {
			d.changes[ev.Side] = append(d.changes[ev.Side], change{row: d.tRow[evTime[i]] + evSlot[i], ev: i, to: ev.To})
		}
	}
	for s := range d.changes {
		sort.SliceStable(d.changes[s], func(a, b int) bool { return d.changes[s][a].row < d.changes[s][b].row })
	}
	d.evMax = make([]int, n)
	for i := range n {
		d.evRow[i] = d.tRow[evTime[i]] + evSlot[i]
		d.evMax[i] = d.evRow[i]
		if i > 0 {
			d.evMax[i] = max(d.evMax[i], d.evMax[i-1])
		}
	}

	// Arrows.
	sendEv := make([]int, len(tl.Segments))
	endEv := make([]int, len(tl.Segments))
	for i := range sendEv {
		sendEv[i], endEv[i] = -1, -1
	}
	for i := range n {
		ev := tl.At(i)
		switch ev.Kind {
		case model.EvSend:
			if sendEv[ev.Seg] < 0 {
				sendEv[ev.Seg] = i
			}
		case model.EvRecv, model.EvDrop:
			if endEv[ev.Seg] < 0 {
				endEv[ev.Seg] = i
			}
		}
	}
	var taken []span
	for i := range tl.Segments {
		s := &tl.Segments[i]
		se := sendEv[i]
		if se < 0 {
			// A copy made by the link has no send event of its own: it appears with the
			// original.
			for j := range tl.Segments {
				o := &tl.Segments[j]
				if !o.Dup && o.From == s.From && o.Seq == s.Seq && o.Flags == s.Flags && o.SentAt == s.SentAt && sendEv[j] >= 0 {
					se = sendEv[j]
					break
				}
			}
			if se < 0 {
				se = tl.IndexAt(s.SentAt)
			}
		}
		a := arrow{seg: i, from: s.From, sendEv: se, endEv: endEv[i], lost: s.Lost, dup: s.Dup}
		arrive := s.ArriveAt
		if s.Lost {
			full := tl.Scenario.Delay[s.From]
			if full <= 0 || full < s.ArriveAt-s.SentAt {
				full = 2 * (s.ArriveAt - s.SentAt)
			}
			arrive = s.SentAt + full
			if full > 0 {
				a.lossAt = float64(s.ArriveAt-s.SentAt) / float64(full)
			}
		}
		r0 := int(math.Round(d.rowOf(s.SentAt)))
		if se >= 0 && se < n {
			r0 = d.evRow[se]
		}
		r1 := int(math.Round(d.rowOf(arrive)))
		if !s.Lost && endEv[i] >= 0 {
			r1 = d.tRow[evTime[endEv[i]]]
		}
		r1 = max(r1, r0)
		a.label = segLabel(s, d.xr-d.xl-1-4)
		a.labelRunes = []rune(a.label)
		d.layArrow(&a, r0, r1, &taken)
		d.arrows = append(d.arrows, a)
	}
	return d
}

// segLabel is a segment's label, shortened to fit max cells: flags, seq, ack, len,
// and a mark for a retransmission (⟲n) or a copy made by the link (dup).
func segLabel(s *model.Segment, maxW int) string {
	ack := "-"
	if s.Flags.Has(model.ACK) {
		ack = fmt.Sprint(s.RelAck())
	}
	mark := ""
	if s.Retrans > 0 {
		mark = fmt.Sprintf(" ⟲%d", s.Retrans)
	}
	if s.Dup {
		mark += " dup"
	}
	for _, l := range []string{
		fmt.Sprintf("%s seq=%d ack=%s len=%d%s", s.Flags, s.RelSeq(), ack, s.Len, mark),
		fmt.Sprintf("%s seq=%d ack=%s%s", s.Flags, s.RelSeq(), ack, mark),
		fmt.Sprintf("%s %d/%s%s", s.Flags, s.RelSeq(), ack, mark),
		s.Flags.String() + mark,
	} {
		if textWidth(l) <= maxW {
			return l
		}
	}
	return s.Flags.String()
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

// layArrow computes the staircase path of an arrow from row r0 to row r1. The first
// row carries the label; the remaining horizontal run is split evenly over the rows
// below, joined by rounded corners. taken lists the label spans already placed, so
// that crossing arrows put their labels on different rows.
func (d *diagram) layArrow(a *arrow, r0, r1 int, taken *[]span) {
	if !d.layArrowAt(a, r0, r1, taken, false) {
		d.layArrowAt(a, r0, r1, taken, true)
	}
}

// layArrowAt lays the arrow with its label on the first row (or, with last, on the
// last row) and reports whether the label is clear of the labels already placed; it
// places the label only then, or when last is set.
func (d *diagram) layArrowAt(a *arrow, r0, r1 int, taken *[]span, last bool) bool {
	steps := r1 - r0
	x0, x1 := d.xl+1, d.xr-1 // inclusive span between the lifelines
	width := x1 - x0 + 1
	if width < 2 {
		return true
	}
	lw := textWidth(a.label)
	w := make([]int, steps+1)
	first := width
	if steps > 0 {
		first = max(2, min(lw+4, width-steps*2))
	}
	lj := 0 // the row of the label
	if last {
		lj = steps
	}
	w[lj] = first
	rest := width - first
	left := steps
	for j := 0; j <= steps; j++ {
		if j == lj {
			continue
		}
		share := rest / left
		w[j] = share
		rest -= share
		left--
	}
	// Each row's piece as [lo, hi] columns; pieces share a column at each corner.
	lo := make([]int, steps+1)
	hi := make([]int, steps+1)
	a.path = make([]pcell, 0, width+steps)
	if a.from == model.A {
		x := x0
		for j := 0; j <= steps; j++ {
			end := x + w[j] - 1
			if j == steps {
				end = x1
			}
			lo[j], hi[j] = x, end
			for c := x; c <= end; c++ {
				r := '─'
				switch {
				case j > 0 && c == x:
					r = '╰'
				case j < steps && c == end:
					r = '╮'
				case j == steps && c == end:
					r = '▶'
				}
				a.path = append(a.path, pcell{c, r0 + j, r})
			}
			x = end
		}
	} else {
		x := x1
		for j := 0; j <= steps; j++ {
			end := x - w[j] + 1
			if j == steps {
				end = x0
			}
			lo[j], hi[j] = end, x
			for c := x; c >= end; c-- {
				r := '─'
				switch {
				case j > 0 && c == x:
					r = '╯'
				case j < steps && c == end:
					r = '╭'
				case j == steps && c == end:
					r = '◀'
				}
				a.path = append(a.path, pcell{c, r0 + j, r})
			}
			x = end
		}
	}
	// The label: centred in the first row's piece, or in the last row's if another
	// label is already there.
	place := func(j int) span {
		x := lo[j] + 1 + (hi[j]-lo[j]-1-lw)/2
		x = max(x0+1, min(x, x1-lw))
		return span{y: r0 + j, x0: x, x1: x + lw}
	}
	sp := place(lj)
	if !last && sp.overlaps(*taken) {
		return false
	}
	*taken = append(*taken, sp)
	a.lx, a.ly = sp.x0, sp.y
	// A lost segment's ✕ must not hide its label: move it past the label.
	a.rowStart = a.rowStart[:0]
	for i, c := range a.path {
		if i == 0 || c.y != a.path[i-1].y {
			a.rowStart = append(a.rowStart, i)
		}
	}
	a.lossIdx = a.at(a.lossAt)
	if a.lost {
		for a.lossIdx < len(a.path)-1 {
			c := a.path[a.lossIdx]
			if c.y != sp.y || c.x < sp.x0-1 || c.x > sp.x1 {
				break
			}
			a.lossIdx++
		}
	}
	return true
}

// at is the path cell reached at fraction f of the transit. The head goes down the
// staircase with time, as the diagram's rows do (row j is current while f·steps is
// within half a row of j), and along each row at constant speed.
func (a *arrow) at(f float64) int {
	rows := len(a.rowStart)
	if rows == 0 {
		return 0
	}
	f = max(0, min(f, 1))
	steps := rows - 1
	j, local := 0, f
	if steps > 0 {
		// Row j is current while f·steps is within half a row of j.
		pos := f * float64(steps)
		j = int(math.Round(pos))
		lo, hi := max(0, float64(j)-0.5), min(float64(steps), float64(j)+0.5)
		local = (pos - lo) / (hi - lo)
	}
	start := a.rowStart[j]
	end := len(a.path) - 1
	if j+1 < rows {
		end = a.rowStart[j+1] - 1
	}
	return start + int(math.Round(local*float64(end-start)))
}

// span is the cells a label takes on one row: [x0, x1).
type span struct{ y, x0, x1 int }

func (s span) overlaps(others []span) bool {
	for _, o := range others {
		if o.y == s.y && s.x0 <= o.x1 && o.x0 <= s.x1 {
			return true
		}
	}
	return false
}

// visibleRow is the last row drawn at cursor and now: the cursor's row, or further down
// when virtual time has moved on from it.
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
	return r
}

// draw draws the diagram into g at (x0, y0), h rows high, showing what has happened up
// to event cursor at virtual time now, scrolled so that the present is visible.
// mark draws the cursor mark.
func (d *diagram) draw(g *grid, x0, y0, h int, cursor int, now time.Duration, mark bool) {
	if h <= 0 {
		return
	}
	last := d.visibleRow(cursor, now)
	top := 0
	if last+2 > h {
		top = last + 2 - h
	}
	top = max(0, min(top, max(0, d.rows-h)))
	if last >= top+h {
		top = last - h + 1
	}
	bottom := min(last, top+h-1)
	Y := func(r int) int { return y0 + r - top }
	in := func(r int) bool { return r >= top && r <= bottom }

	// Lifelines: solid while the endpoint exists, dotted once it is CLOSED (from the
	// row where the state change is written).
	for s, x := range [2]int{d.xl, d.xr} {
		ch := d.changes[s]
		state := d.tl.At(0).Snap[s].State
		j := 0
		for r := top; r <= bottom; r++ {
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
			g.set(x0+x, Y(r), r1, st)
		}
	}
	for _, b := range d.breaks {
		label := b.label
		switch {
		case !in(b.row):
			continue
		case b.ev > cursor && now > b.from:
			// Still in the stretch: what has elapsed so far.
			label = fmtGap(now-b.from) + " …"
		case b.ev > cursor:
			continue
		}
		y := Y(b.row)
		for x := d.xl + 1; x < d.xr; x++ {
			g.set(x0+x, y, '╌', stBreak)
		}
		lbl := " " + label + " "
		g.text(x0+d.xl+(d.xr-d.xl-textWidth(lbl))/2+1, y, lbl, stBreak, x0+d.xr)
	}

	// Times of the instants shown.
	if d.timeW > 0 {
		for k, r := range d.tRow {
			if d.tEv[k] > cursor || !in(r) {
				continue
			}
			g.text(x0, Y(r), fmtClock(d.times[k]), stDim, x0+d.timeW-1)
		}
	}

	// Arrows.
	for i := range d.arrows {
		a := &d.arrows[i]
		if a.sendEv > cursor || len(a.path) == 0 {
			continue
		}
		st := stSegA
		if a.from == model.B {
			st = stSegB
		}
		done := a.endEv >= 0 && a.endEv <= cursor
		// How much of the path is drawn.
		frac := 1.0
		if !done {
			s := &d.tl.Segments[a.seg]
			full := s.ArriveAt - s.SentAt
			if a.lost {
				full = time.Duration(float64(full) / max(a.lossAt, 1e-9))
			}
			if full > 0 {
				frac = float64(now-s.SentAt) / float64(full)
			}
			frac = max(0, min(frac, 1))
			if a.lost {
				frac = min(frac, a.lossAt)
			}
		} else if a.lost {
			frac = a.lossAt
		}
		n := len(a.path)
		upto := a.at(frac)
		switch {
		case done && !a.lost:
			upto = n - 1
		case a.lost && frac >= a.lossAt:
			upto = a.lossIdx
		}
		lineR := '─'
		if a.dup {
			lineR = '╌'
		}
		for j := 0; j <= upto; j++ {
			c := a.path[j]
			if !in(c.y) {
				continue
			}
			r := c.r
			if r == '─' {
				r = lineR
			}
			g.set(x0+c.x, Y(c.y), r, st)
		}
		// An arrow still in flight whose label waits below the present: the rest of its
		// route is drawn dashed, so the label is seen to belong to it.
		if !done && !a.lost && a.ly > bottom && a.ly < top+h {
			for j := upto + 1; j < n; j++ {
				c := a.path[j]
				if c.y <= bottom || c.y >= top+h {
					continue
				}
				r := c.r
				switch r {
				case '─', '╌':
					r = '┄'
				case '│':
					r = '┆'
				}
				g.set(x0+c.x, Y(c.y), r, stDim)
			}
		}
		// The label, then the head. While the head crosses the label, the label
		// opens to let it through: ◆ is inserted between two letters (the letters on
		// its far side shift by one cell), so the head is visible in plain text and no
		// letter is hidden.
		c := a.path[upto]
		lost := a.lost && (done || frac >= a.lossAt)
		lst := st
		if !done {
			lst = stFlight
		}
		head := -1 // the label index the head stands before, when inside the label
		if !done && !lost && c.y == a.ly && c.x >= a.lx && c.x < a.lx+len(a.labelRunes) {
			head = c.x - a.lx
		}
		// A label below the present (on the last row of an arrow whose first row
		// carries another label) is shown as soon as the segment is sent.
		if in(a.ly) || !done && a.ly > bottom && a.ly < top+h {
			retrans := len(a.labelRunes)
			if i := strings.Index(a.label, "⟲"); i >= 0 {
				retrans = len([]rune(a.label[:i]))
			}
			for i, r := range a.labelRunes {
				x := a.lx + i
				if head >= 0 {
					if a.from == model.A && i >= head {
						x++
					} else if a.from == model.B && i <= head {
						x--
					}
				}
				rst := lst
				if i >= retrans {
					rst = stRetrans
				}
				if x > d.xl && x < d.xr {
					g.set(x0+x, Y(a.ly), r, rst)
				}
			}
		}
		switch {
		case lost:
			if in(c.y) {
				g.set(x0+c.x, Y(c.y), '✕', stLost)
			}
		case !done:
			if in(c.y) {
				g.set(x0+c.x, Y(c.y), '◆', stFlight)
			}
		}
	}

	// Notes beside the lifelines, and the cursor mark.
	for i := range d.notes {
		nt := &d.notes[i]
		if !in(nt.row) || nt.parts[0].ev > cursor && (len(nt.parts) < 2 || nt.parts[1].ev > cursor) {
			continue
		}
		cur := false
		for _, p := range nt.parts {
			if p.ev == cursor {
				cur = true
			}
		}
		st := stClient
		if nt.side == model.B {
			st = stServer
		}
		if cur && mark {
			st = stCursor
		}
		// Compose the visible parts.
		var buf [96]byte
		b := buf[:0]
		for _, p := range nt.parts {
			if p.ev > cursor {
				continue
			}
			if len(b) > 0 {
				b = append(b, ' ')
			}
			b = append(b, p.text...)
		}
		s := string(b)
		y := Y(nt.row)
		if nt.side == model.A {
			room := d.xl - 1 - d.timeW
			if mark {
				room-- // keep the cursor mark's column
			}
			s = fitText(s, room)
			g.text(x0+d.xl-1-textWidth(s), y, s, st, x0+d.xl-1)
		} else {
			g.text(x0+d.xr+2, y, fitText(s, d.width-d.xr-2), st, x0+d.width)
		}
	}
	if mark {
		y := Y(d.evRow[cursor])
		if now > d.tl.At(cursor).T {
			y = Y(last)
		}
		g.set(x0+d.timeW, y, '▸', stStrong)
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
