package view

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// arrow is one segment, drawn from lifeline to lifeline along a route (see route.go).
type arrow struct {
	seg       int
	from      model.Side
	sendEv    int // the arrow appears once the cursor reaches this event
	endEv     int // it has arrived (or was lost) once the cursor reaches this event; -1 never
	lost, dup bool
	// long: across a break or many rows; routed after the others, it may pass
	// behind their labels.
	long   bool
	r0, r1 int           // its first and last row
	sentAt time.Duration // when it leaves
	endAt  time.Duration // when it arrives, or vanishes

	cells []pcell // the route from the sender's side to the head (▶, ◀, or ✕ if lost)
	// variants are its labels, fullest first (labelVariants); label is the one drawn.
	variants [4]string
	label    string
	labelAt  int // the index in cells of the label's first letter; -1 without a label
	labelW   int
	// retransAt is where the label's ⟲n mark starts (in runes), or len(label).
	retransAt int
	// track lists the cells the head of a flying segment travels over: all but the
	// label's and the crossings, so that the head never hides a letter or another
	// route. rowTrack is where each row
	// r0..r1 begins in track.
	track    []int
	rowTrack []int
	// cost is what the router paid for the route (see route.go).
	cost int
}

// pcell is one cell of a route and the way it joins its neighbours. A hidden cell
// passes behind a label and is not drawn.
type pcell struct {
	x, y   int
	joins  uint8
	hidden bool  // behind a letter of arrow behind's label
	behind int32 // whose label hides it
	cross  bool  // another route crosses here
}

func (a *arrow) isLabel(i int) bool {
	return a.labelAt >= 0 && i >= a.labelAt && i < a.labelAt+a.labelW
}

// labelRune is the letter of the label in cell i (a label cell).
func (a *arrow) labelRune(i int) rune {
	k := i - a.labelAt // cells run from the sender: the server's label is reversed
	if a.from == model.B {
		k = a.labelW - 1 - k
	}
	for _, r := range a.label {
		if k <= 0 {
			return r
		}
		k -= runeWidth(r)
	}
	return ' '
}

// index lists the head's track and where each row begins on it.
func (a *arrow) index() {
	a.track, a.rowTrack = a.track[:0], a.rowTrack[:0]
	y := -1
	for i, c := range a.cells {
		if a.isLabel(i) || c.hidden || c.cross || a.lost && i == len(a.cells)-1 && i > 0 {
			continue // the head never hides a letter, another line, or the ✕ ahead
		}
		if c.y != y {
			a.rowTrack = append(a.rowTrack, len(a.track))
			y = c.y
		}
		a.track = append(a.track, i)
	}
}

// labelVariants are a segment's labels from the fullest to the shortest: flags, seq,
// ack, len, and a mark for a retransmission (⟲n) or a copy made by the link (dup);
// with absolute, the sequence numbers are the real ones rather than relative to the
// ISNs.
func labelVariants(s *model.Segment, absolute bool) [4]string {
	seq, ack := fmt.Sprint(s.RelSeq()), "-"
	if absolute {
		seq = fmt.Sprint(s.Seq)
	}
	if s.Flags.Has(model.ACK) {
		ack = fmt.Sprint(s.RelAck())
		if absolute {
			ack = fmt.Sprint(s.Ack)
		}
	}
	mark := ""
	if s.Retrans > 0 {
		mark = fmt.Sprintf(" ⟲%d", s.Retrans)
	}
	if s.Dup {
		mark += " dup"
	}
	return [4]string{
		fmt.Sprintf("%s seq=%s ack=%s len=%d%s", s.Flags, seq, ack, s.Len, mark),
		fmt.Sprintf("%s seq=%s ack=%s%s", s.Flags, seq, ack, mark),
		fmt.Sprintf("%s %s/%s%s", s.Flags, seq, ack, mark),
		s.Flags.String() + mark,
	}
}

// whole reports whether the arrow carries its full label.
func (a *arrow) whole() bool { return a.label == a.variants[0] }

// lay routes the arrow on o with its label where plan says, or else wherever the
// fullest label that fits in maxLabel cells leaves a route; failing any, it is drawn
// without regard for the others (the layout checker in the tests makes sure the
// catalog never comes to that).
func (a *arrow) lay(o *occupancy, end headSpan, maxLabel int, plan labelPlan) {
	if plan.lw > 0 {
		l := a.variants[0]
		if a.route(o, end, plan) {
			o.release(a.seg)
			a.setLabel(l)
			o.take(a)
			a.index()
			return
		}
		o.release(a.seg)
	}
	for _, l := range a.variants {
		lw := textWidth(l)
		if lw > maxLabel {
			continue
		}
		if a.route(o, end, labelPlan{lw: lw, at: -1}) {
			a.setLabel(l)
			o.take(a)
			a.index()
			return
		}
	}
	a.setLabel("")
	if a.route(o, end, labelPlan{}) {
		o.take(a)
		a.index()
		return
	}
	// Nowhere to go: a plain staircase over whatever is there.
	free := newOccupancy(o.x0, o.w, a.r0, a.r1-a.r0+1)
	a.route(free, fixedHead(end.at), labelPlan{})
}

func (a *arrow) setLabel(l string) {
	a.label = l
	a.retransAt = len([]rune(l))
	if i := strings.Index(l, "⟲"); i >= 0 {
		a.retransAt = len([]rune(l[:i]))
	}
	if l == "" {
		a.labelAt, a.labelW = -1, 0
		a.index()
	}
}

// headAt is the index in cells of a flying segment's head at virtual time now: it goes
// down the route's rows linearly in time (row j is current while the fraction of the
// transit, times the rows, is within half a row of j), and along each row at constant
// speed.
func (a *arrow) headAt(now time.Duration) int {
	f := 1.0
	if a.endAt > a.sentAt {
		f = float64(now-a.sentAt) / float64(a.endAt-a.sentAt)
	}
	f = max(0, min(f, 1))
	rows := len(a.rowTrack)
	if rows == 0 {
		return 0
	}
	j, local := 0, f
	if steps := rows - 1; steps > 0 {
		pos := f * float64(steps)
		j = int(math.Round(pos))
		lo, hi := max(0, float64(j)-0.5), min(float64(steps), float64(j)+0.5)
		local = (pos - lo) / (hi - lo)
	}
	start, end := a.rowTrack[j], len(a.track)-1
	if j+1 < rows {
		end = a.rowTrack[j+1] - 1
	}
	return a.track[start+int(math.Round(local*float64(end-start)))]
}

// arrowView is how an arrow appears at one point of the story.
type arrowView struct {
	visible bool
	done    bool // arrived, or lost
	head    int  // for a flying arrow: the index in cells of its head
	doomed  bool // flying, and going to be lost
	pending bool // the rest of the route after the head is drawn, dotted
}

// at says how the arrow appears at event cursor and virtual time now.
func (a *arrow) at(cursor int, now time.Duration) arrowView {
	v := arrowView{visible: a.sendEv <= cursor && len(a.cells) > 0}
	if !v.visible {
		return v
	}
	v.done = a.endEv >= 0 && a.endEv <= cursor || a.lost && now >= a.endAt
	if v.done {
		return v
	}
	v.head = a.headAt(now)
	v.doomed = a.lost
	// The rest of the route joins the head to what lies ahead of it: the ✕ where a
	// doomed segment will vanish, or a label further down.
	v.pending = a.lost || a.labelAt >= 0 && a.cells[a.labelAt].y > a.cells[v.head].y
	return v
}

// drawLines adds the arrow's line cells to lc as v says: the route travelled so far
// (all of it once it arrived) on the rows of the story so far, and for a flying arrow
// that announces something ahead, the rest of its route, dotted.
//
// A cell behind another arrow's label is drawn only while that label is not.
func (a *arrow) drawLines(lc *lineCanvas, v arrowView, vp viewport, labelShown func(int) bool) {
	st := stSegA
	if a.from == model.B {
		st = stSegB
	}
	kind := lineSolid
	if a.dup {
		kind = lineCopy
	}
	last := len(a.cells) - 1
	for i, c := range a.cells {
		if i == last || a.isLabel(i) || c.hidden && labelShown(int(c.behind)) || !v.done && i == v.head {
			continue
		}
		switch {
		case (v.done || i < v.head) && vp.past(c.y):
			lc.add(vp.x(c.x), vp.y(c.y), c.joins, kind, st)
		case !v.done && i > v.head && v.pending && vp.inView(c.y):
			lc.add(vp.x(c.x), vp.y(c.y), c.joins, linePending, stDim)
		}
	}
}

// drawMarks writes the arrow's label (as soon as it is sent, wherever the label lies in
// view) and its head: ▶ or ◀ once arrived, ✕ once lost, and ◆ while flying (with the ✕
// ahead where a doomed segment will vanish).
func (a *arrow) drawMarks(g *grid, v arrowView, vp viewport) {
	st := stSegA
	if a.from == model.B {
		st = stSegB
	}
	if a.labelAt >= 0 {
		if c := a.cells[a.labelAt]; vp.inView(c.y) {
			lst := st
			if !v.done {
				lst = stFlight
			}
			// The cells run from the sender: the server's label starts at the far
			// end of its cells.
			x := c.x
			if a.from == model.B {
				x = a.cells[a.labelAt+a.labelW-1].x
			}
			for i, r := range []rune(a.label) {
				rst := lst
				if i >= a.retransAt {
					rst = stRetrans
				}
				g.set(vp.x(x), vp.y(c.y), r, rst)
				x += runeWidth(r)
			}
		}
	}
	last := len(a.cells) - 1
	end := a.cells[last]
	switch {
	case v.done && a.lost:
		if vp.past(end.y) {
			g.set(vp.x(end.x), vp.y(end.y), '✕', stLost)
		}
	case v.done:
		if vp.past(end.y) {
			g.set(vp.x(end.x), vp.y(end.y), a.arrowhead(), st)
		}
	default:
		if v.pending && v.head != last && vp.inView(end.y) {
			if a.lost {
				g.set(vp.x(end.x), vp.y(end.y), '✕', stLost)
			} else {
				g.set(vp.x(end.x), vp.y(end.y), a.arrowhead(), stDim)
			}
		}
		if h := a.cells[v.head]; vp.inView(h.y) {
			g.set(vp.x(h.x), vp.y(h.y), '◆', stFlight)
		}
	}
}

func (a *arrow) arrowhead() rune {
	if a.from == model.A {
		return '▶'
	}
	return '◀'
}
