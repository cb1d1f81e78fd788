package view

import (
	"math"

	"github.com/tcpwave/tcpwave/model"
)

// Routing. Every arrow is laid out once per timeline and width, in turn, on an
// occupancy map of the space between the lifelines that holds what the arrows before
// it took. A route goes from the sender's lifeline to the receiver's, never back and
// never up: on each row it runs towards the receiver, then drops down a column to the
// next row (a drop of several rows is a vertical line). It may cross another route only
// at a right angle (a horizontal run through a vertical line, drawn ┼); it never
// touches another route's corner, label or head, nor a break's label; it crosses a
// break only vertically. Its label sits on one of its runs with a line cell on each
// side. Of the routes that obey these rules, the router takes the one nearest the
// straight line from start to end, with the fewest crossings and the label as early
// as possible (dynamic programming over rows).

// occKind is what holds a cell of the occupancy map.
type occKind uint8

const (
	occFree  occKind = iota
	occLine          // a route's line: joins say which way
	occMark          // an arrowhead, a ✕, a break's label, a space in a label: untouchable
	occLabel         // a letter of a segment's label: a route may pass behind it, down, at a price
	occBreak         // the dashed line of a break: crossed vertically only
)

type occCell struct {
	kind  occKind
	joins uint8
	// owner is the arrow whose label window this free cell is kept for, or -1:
	// to every other arrow it is taken.
	owner int32
	// solid: a line cell beside a label, which no route may cross (a ┼ against a
	// letter would read as part of the label).
	solid bool
}

// occupancy is the space between the lifelines, or the part of it that a group of
// arrows needs: columns x0..x0+w-1, rows y0..y0+rows-1.
type occupancy struct {
	x0, w, y0, rows int
	cells           []occCell
}

func newOccupancy(x0, w, y0, rows int) *occupancy {
	o := &occupancy{x0: x0, w: w, y0: y0, rows: rows, cells: make([]occCell, w*rows)}
	for i := range o.cells {
		o.cells[i].owner = -1
	}
	return o
}

// free reports whether the cell at (x, y) is free for arrow me.
func (o *occupancy) free(x, y, me int) bool {
	c := o.at(x, y)
	return c.kind == occFree && (c.owner < 0 || int(c.owner) == me)
}

// reserve keeps row y's columns x0..x1 for arrow me's label, if they are free and
// kept for no one, with a column to spare on each side; it reports whether it did.
func (o *occupancy) reserve(y, x0, x1, me int) bool {
	lo, hi := max(x0-1, o.x0), min(x1+1, o.x0+o.w-1)
	for x := lo; x <= hi; x++ {
		if c := o.at(x, y); c.kind != occFree || c.owner >= 0 {
			return false
		}
	}
	for x := x0; x <= x1; x++ {
		o.at(x, y).owner = int32(me)
	}
	return true
}

// release gives back what reserve kept for arrow me.
func (o *occupancy) release(me int) {
	for i := range o.cells {
		if int(o.cells[i].owner) == me {
			o.cells[i].owner = -1
		}
	}
}

func (o *occupancy) at(x, y int) *occCell { return &o.cells[(y-o.y0)*o.w+x-o.x0] }

// Costs of the router.
const (
	costCross     = 6  // per crossing of another route
	costBehind    = 20 // per label letter a route passes behind (hidden by it)
	costLabelLast = 8  // the label on the last row rather than the first
	costLabelMid  = 16 // the label on a row in between
	costCornerLL  = 3  // a corner right beside a lifeline
	infCost       = math.MaxInt32
)

// cellCost is what putting a route cell with joins j at (x, y) costs for arrow me, or
// infCost if it may not go there; behind lets it pass behind a label (for the long
// arrows, which cross everything else).
func (o *occupancy) cellCost(x, y int, j uint8, me int, behind bool) int {
	c := o.at(x, y)
	switch c.kind {
	case occFree:
		if c.owner >= 0 && int(c.owner) != me {
			return infCost // kept for another label
		}
		return 0
	case occLine:
		if !c.solid && (c.joins == joinVert && j == joinHoriz || c.joins == joinHoriz && j == joinVert) {
			return costCross
		}
	case occBreak:
		if j == joinVert {
			return 0
		}
	case occLabel:
		if j == joinVert && behind {
			return costBehind
		}
	}
	return infCost
}

// take records a laid-out route.
func (o *occupancy) take(a *arrow) {
	for i, c := range a.cells {
		cell := o.at(c.x, c.y)
		switch {
		case i == len(a.cells)-1:
			cell.kind = occMark
		case a.isLabel(i) && a.labelRune(i) == ' ':
			cell.kind = occMark // a line behind a space would show
		case a.isLabel(i):
			cell.kind, cell.owner = occLabel, int32(a.seg)
		case cell.kind == occLabel:
			a.cells[i].hidden, a.cells[i].behind = true, cell.owner // behind a label
		case cell.kind == occLine:
			cell.joins |= c.joins
		default:
			cell.kind, cell.joins = occLine, c.joins
		}
		if a.labelAt >= 0 && (i == a.labelAt-1 || i == a.labelAt+a.labelW) {
			cell.solid = true
		}
	}
}

// labelPlan is where a route must carry its label: lw cells wide (0: no label), on
// row (relative to the route's first row) at forward column at, or (at < 0) wherever
// it fits best.
type labelPlan struct{ lw, row, at int }

// rowCosts are what one row's cells cost a route, in forward columns (0 at the
// sender's side): hsum and hbad are prefix sums of the cost of a horizontal line
// through each cell and of the cells it may not cross; vert is the cost of a vertical
// line through a cell (infCost: none may); free says a corner, a head or a label may
// go there; label[u] is the first column from u at which the label fits.
type rowCosts struct {
	hsum, hbad []int
	vert       []int
	free       []bool
	label      []int
}

// costsOf computes a's rowCosts for row y.
func (a *arrow) costsOf(o *occupancy, y int, fx func(int) int, lw int) rowCosts {
	w := o.w
	rc := rowCosts{hsum: make([]int, w+1), hbad: make([]int, w+1), vert: make([]int, w), free: make([]bool, w)}
	for u := range w {
		x := fx(u)
		c := o.cellCost(x, y, joinHoriz, a.seg, a.long)
		bad := 0
		if c == infCost {
			c, bad = 0, 1
		}
		rc.hsum[u+1], rc.hbad[u+1] = rc.hsum[u]+c, rc.hbad[u]+bad
		rc.vert[u] = o.cellCost(x, y, joinVert, a.seg, a.long)
		rc.free[u] = o.free(x, y, a.seg)
	}
	if lw > 0 {
		// A label at s needs its lw cells free, and the line cell on each side too:
		// no crossing right against a letter.
		freeAt := make([]int, w+1)
		for u := w - 1; u >= 0; u-- {
			if rc.free[u] {
				freeAt[u] = freeAt[u+1] + 1
			}
		}
		rc.label = make([]int, w+1)
		rc.label[w] = w
		for u := w - 1; u >= 1; u-- {
			rc.label[u] = rc.label[u+1]
			if freeAt[u-1] >= lw+2 {
				rc.label[u] = u
			}
		}
		rc.label[0] = rc.label[1]
	}
	return rc
}

// headSpan is where a route's head may go, in forward columns: at, or (for a ✕,
// whose place across the link is approximate) anywhere from lo to hi, at a cost of
// one per column away from at.
type headSpan struct{ at, lo, hi int }

// fixedHead is a head that must be at column at.
func fixedHead(at int) headSpan { return headSpan{at, at, at} }

// route lays a out from row r0 to row r1, its head where head says, with its label as
// lp says, on o. It reports false when no route exists.
func (a *arrow) route(o *occupancy, head headSpan, lp labelPlan) bool {
	rows := a.r1 - a.r0 + 1
	if o.w < 2 || head.lo < 0 || head.hi >= o.w || head.lo > head.hi || a.r0 < o.y0 || a.r1 >= o.y0+o.rows {
		return false
	}
	rt := router{w: o.w, rows: rows, head: head, lp: lp, fx: func(u int) int { return o.x0 + u }, fj: func(j uint8) uint8 { return j }}
	if a.from == model.B { // the same route, mirrored
		rt.fx, rt.fj = func(u int) int { return o.x0 + o.w - 1 - u }, mirrorJoins
	}
	rt.rc = make([]rowCosts, rows)
	for r := range rows {
		rt.rc[r] = a.costsOf(o, a.r0+r, rt.fx, lp.lw)
	}
	steps, cost, ok := rt.solve()
	if !ok {
		return false
	}
	a.cost = cost
	a.build(&rt, steps)
	return true
}

// router finds the cheapest route of one arrow over rows rows and w columns, in
// forward columns (0 at the sender's side): fx maps a forward column to the grid's,
// fj forward joins to real ones.
//
// A route enters each row at a column (the first row at 0, from the lifeline; the
// others from the row above), runs towards the receiver and leaves it at a column
// further on (down to the next row, or on the last row into the head). solve finds the
// cheapest row by row: best[r][p][u] is the cheapest way to enter row r at u, with
// (p=1) or without the label already placed.
type router struct {
	w, rows int
	head    headSpan
	lp      labelPlan
	rc      []rowCosts
	fx      func(int) int
	fj      func(uint8) uint8

	best [][2][]int32
	from [][2][]routeBack
	// finish is the cheapest route found to the head, and fin how it entered the
	// last row.
	finish int32
	fin    struct{ in, pre, post, out int }
}

// routeBack is where a route entering a row came from: its entry on the row above and
// its label state there.
type routeBack struct{ in, p int32 }

// labelFits reports whether row r's run from in to out has room for the label: after
// the entry's cell (and a line cell, but on the first row), and a line cell before out.
func (rt *router) labelFits(r, in, out int) bool {
	lo, hi := rt.labelRange(r, in, out)
	if lo > hi {
		return false
	}
	if rt.lp.at >= 0 {
		return r == rt.lp.row && lo <= rt.lp.at && rt.lp.at <= hi && rt.rc[r].label[rt.lp.at] == rt.lp.at
	}
	return rt.rc[r].label[lo] <= hi
}

// labelRange is where the label may start on row r's run from in to out.
func (rt *router) labelRange(r, in, out int) (lo, hi int) {
	lo = in + 2
	if r == 0 {
		lo = in + 1
	}
	return lo, out - 1 - rt.lp.lw
}

// labelCost is what putting the label on row r costs: nothing on the first row.
func (rt *router) labelCost(r int) int32 {
	switch {
	case r == 0:
		return 0
	case r == rt.rows-1:
		return costLabelLast
	}
	return costLabelMid
}

// solve runs the search and walks back from the head: the route's rows, and its cost.
func (rt *router) solve() ([]routeStep, int, bool) {
	w, rows := rt.w, rt.rows
	rt.best = make([][2][]int32, rows)
	rt.from = make([][2][]routeBack, rows)
	for r := range rows {
		for p := range 2 {
			rt.best[r][p] = make([]int32, w)
			rt.from[r][p] = make([]routeBack, w)
			for u := range w {
				rt.best[r][p][u] = infCost
			}
		}
	}
	rt.best[0][0][0] = 0
	rt.finish = infCost
	dev := make([]int32, w)
	for r := range rows {
		rt.deviations(r, dev)
		rt.solveRow(r, dev)
	}
	if rt.finish == infCost {
		return nil, 0, false
	}
	return rt.walkBack(), int(rt.finish), true
}

// deviations fills dev[out] with what leaving row r at out costs: the distance from
// where the straight line from start to head leaves it, or on the last row the
// distance from the head's place (infCost outside its span).
func (rt *router) deviations(r int, dev []int32) {
	if r == rt.rows-1 {
		for out := range dev {
			dev[out] = infCost
			if out >= rt.head.lo && out <= rt.head.hi {
				dev[out] = int32(absInt(out - rt.head.at))
			}
		}
		return
	}
	ideal := float64(r+1)*float64(rt.head.at+1)/float64(rt.rows) - 1
	for out := range dev {
		dev[out] = int32(math.Abs(float64(out)-ideal) + 0.5)
	}
}

// solveRow extends every route that enters row r along the row and down, or into
// the head.
func (rt *router) solveRow(r int, dev []int32) {
	c := &rt.rc[r]
	first, last := r == 0, r == rt.rows-1
	hi := rt.w - 2 // a corner may not take the head's column
	if last {
		hi = rt.head.hi
	}
	for p := range 2 {
		for in := range rt.w {
			base := rt.best[r][p][in]
			if base == infCost {
				continue
			}
			// Down at once: a vertical line through the row, or on the first row a
			// corner beside the lifeline. The last row needs a corner before the head.
			switch {
			case last:
			case first && c.free[in]:
				rt.leave(r, in, p, in, base+costCornerLL+dev[in])
			case !first && c.vert[in] != infCost:
				rt.leave(r, in, p, in, base+int32(c.vert[in])+dev[in])
			}
			// Along the row: the entry (the start beside the lifeline, or a corner)
			// and the exit (a corner, or the head) must be free; the cells between may
			// only be crossed.
			var entry int32
			if first {
				if c.hbad[1] > 0 {
					continue
				}
				entry = int32(c.hsum[1])
			} else if !c.free[in] {
				continue
			}
			lo := in + 1
			if last {
				lo = max(lo, rt.head.lo)
			}
			if c.hbad[lo]-c.hbad[in+1] > 0 {
				continue // a cell no line may cross before the head's place
			}
			for out := lo; out <= hi; out++ {
				if c.hbad[out]-c.hbad[in+1] > 0 {
					break // a cell no line may cross: nothing further on
				}
				if !c.free[out] || dev[out] == infCost {
					continue
				}
				rt.leave(r, in, p, out, base+entry+int32(c.hsum[out]-c.hsum[in+1])+dev[out])
			}
		}
	}
}

// leave records a route that entered row r at in with label state p and leaves it at
// out having cost cost, with or (where it fits) without placing the label on this row.
func (rt *router) leave(r, in, p, out int, cost int32) {
	last := r == rt.rows-1
	for q := p; q <= 1; q++ {
		cc := cost
		if q > p {
			if !rt.labelFits(r, in, out) {
				continue
			}
			cc += rt.labelCost(r)
		}
		switch {
		case last:
			if (q == 1 || rt.lp.lw == 0) && cc < rt.finish {
				rt.finish = cc
				rt.fin.in, rt.fin.pre, rt.fin.post, rt.fin.out = in, p, q, out
			}
		case cc < rt.best[r+1][q][out]:
			rt.best[r+1][q][out] = cc
			rt.from[r+1][q][out] = routeBack{int32(in), int32(p)}
		}
	}
}

// walkBack reads the cheapest route back from the head, row by row.
func (rt *router) walkBack() []routeStep {
	steps := make([]routeStep, rt.rows)
	in, pre, post, out := rt.fin.in, rt.fin.pre, rt.fin.post, rt.fin.out
	for r := rt.rows - 1; ; r-- {
		steps[r] = routeStep{in: in, out: out, label: -1}
		if post > pre {
			steps[r].label = rt.labelColumn(r, in, out)
		}
		if r == 0 {
			return steps
		}
		b := rt.from[r][pre][in]
		out, in, post, pre = in, int(b.in), pre, int(b.p)
	}
}

// labelColumn is where the label goes on row r's run from in to out: where it was
// planned, or the place nearest the run's middle.
func (rt *router) labelColumn(r, in, out int) int {
	lo, hi := rt.labelRange(r, in, out)
	if rt.lp.at >= 0 {
		lo, hi = rt.lp.at, rt.lp.at
	}
	mid := (in + out - rt.lp.lw + 1) / 2
	pick := -1
	for s := lo; s <= hi; s++ {
		if rt.rc[r].label[s] == s && (pick < 0 || absInt(s-mid) < absInt(pick-mid)) {
			pick = s
		}
	}
	return pick
}

// build turns the route's rows into a's cells.
func (a *arrow) build(rt *router, steps []routeStep) {
	a.cells = a.cells[:0]
	a.labelAt = -1
	for r, st := range steps {
		for u := st.in; u <= st.out; u++ {
			if u == st.label {
				a.labelAt = len(a.cells)
			}
			a.cells = append(a.cells, pcell{x: rt.fx(u), y: a.r0 + r, joins: rt.fj(stepJoins(r, rt.rows, st, u))})
		}
	}
	a.labelW = rt.lp.lw
	a.index()
}

// routeStep is one row of a route: it enters at forward column in and leaves at out;
// label is where its label starts on this row, or -1.
type routeStep struct {
	in, out int
	label   int
}

// stepJoins is how the cell at forward column u of row r (of rows) joins its
// neighbours, in forward directions (left is towards the sender).
func stepJoins(r, rows int, st routeStep, u int) uint8 {
	enter, leave := joinUp, joinDown
	if r == 0 {
		enter = joinLeft
	}
	if r == rows-1 {
		leave = joinRight
	}
	switch {
	case st.in == st.out:
		return enter | leave
	case u == st.in:
		return enter | joinRight
	case u == st.out:
		return joinLeft | leave
	}
	return joinHoriz
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
