package view

import (
	"math"
	"sort"

	"github.com/tcpwave/tcpwave/model"
)

// Laying out the arrows: where each begins and ends, where its label goes, and its
// route (route.go). Labels take the most room, so each is placed first, on its
// arrow's first row beside the sender or on its last row beside the receiver (or the
// ✕), where no label placed before it is; the routes then go round them. Which of the
// two places serves all arrows best is found by trying: when an arrow ends up without
// its full label, the places of the labels on its rows are changed in turn and the
// best result kept.

// labelSpot says where an arrow's label is planned.
type labelSpot uint8

const (
	spotFirst labelSpot = iota // the first row, beside the sender
	spotLast                   // the last row, beside the receiver or the ✕
	spotFree                   // wherever the route finds room
)

// arrowPlan is what layArrows knows of every arrow before routing it.
type arrowPlan struct {
	arrows []arrow    // with their rows and times, no route yet
	order  []int      // the routing order
	ends   []headSpan // where each head may go
	long   []bool     // across a break or many rows: routed last, label anywhere
}

// layout is one attempt at routing every arrow.
type layout struct {
	arrows []arrow // the group's arrows, in the group's order
	occ    *occupancy
	cut    int // arrows without their full label
	cost   int
}

func (l *layout) better(o *layout) bool {
	return o == nil || l.cut < o.cut || l.cut == o.cut && l.cost < o.cost
}

// layArrows routes every segment's arrow; with search, it tries other places for the
// labels as long as some label is cut and that helps. Arrows whose rows do not overlap
// cannot meet, so each group of arrows with overlapping rows is laid out on its own:
// trying in one crowded place costs nothing elsewhere.
func (d *diagram) layArrows(search bool) {
	p := d.planArrows()
	spots := make([]labelSpot, len(p.arrows))
	for i := range spots {
		if p.long[i] {
			spots[i] = spotFree
		}
	}
	d.arrows = make([]arrow, len(p.arrows))
	for _, group := range p.groups() {
		best := d.routeAll(p, spots, group)
		for round := 0; search && round < 8 && best.cut > 0 && d.budget > 0; round++ {
			var next *layout
			var nextSpots []labelSpot
			for _, alt := range d.alternatives(p, best, spots, group) {
				if d.budget <= 0 {
					break
				}
				if l := d.routeAll(p, alt, group); l.better(best) && l.better(next) {
					next, nextSpots = l, alt
					if l.cut == 0 {
						break // every label whole: good enough
					}
				}
			}
			if next == nil {
				break
			}
			best, spots = next, nextSpots
		}
		// Where routes cross, neither head may stop.
		for k, i := range group {
			a := &best.arrows[k]
			for j := range a.cells {
				c := &a.cells[j]
				if cell := best.occ.at(c.x, c.y); cell.kind == occLine && cell.joins == joinHoriz|joinVert {
					c.cross = true
				}
			}
			a.index()
			d.arrows[i] = *a
		}
	}
}

// alternatives are the label plans worth trying when arrows of group end up without
// their full label: for the first such arrow, its own label elsewhere, or the labels
// planned on its rows elsewhere.
func (d *diagram) alternatives(p arrowPlan, l *layout, spots []labelSpot, group []int) [][]labelSpot {
	failed := -1
	for k, i := range group {
		if !l.arrows[k].whole() {
			failed = i
			break
		}
	}
	if failed < 0 {
		return nil
	}
	f := &p.arrows[failed]
	var out [][]labelSpot
	flip := func(i int) {
		for _, s := range []labelSpot{spotFirst, spotLast, spotFree} {
			if s != spots[i] {
				alt := append([]labelSpot(nil), spots...)
				alt[i] = s
				out = append(out, alt)
			}
		}
	}
	flip(failed)
	for _, i := range group {
		a := &p.arrows[i]
		if i != failed && !p.long[i] && a.r1 >= f.r0 && a.r0 <= f.r1 {
			flip(i)
		}
	}
	return out
}

// groups splits the arrows into groups whose rows overlap, each in routing order.
func (p arrowPlan) groups() [][]int {
	byRow := append([]int(nil), p.order...)
	sort.SliceStable(byRow, func(x, y int) bool { return p.arrows[byRow[x]].r0 < p.arrows[byRow[y]].r0 })
	group := make([]int, len(p.arrows))
	n, last := -1, -1
	for _, i := range byRow {
		a := &p.arrows[i]
		if n < 0 || a.r0 > last {
			n++
		}
		group[i] = n
		last = max(last, a.r1)
	}
	out := make([][]int, n+1)
	for _, i := range p.order {
		out[group[i]] = append(out[group[i]], i)
	}
	return out
}

// planArrows finds each arrow's rows, times, head column and routing order: the short
// arrows in the order they were sent, then the long ones, which can go round the rest.
func (d *diagram) planArrows() arrowPlan {
	tl := d.tl
	m := d.cols.span()
	n := len(tl.Segments)
	p := arrowPlan{arrows: make([]arrow, n), order: make([]int, n), ends: make([]headSpan, n), long: make([]bool, n)}
	for i := range tl.Segments {
		s := &tl.Segments[i]
		a := &p.arrows[i]
		*a = arrow{seg: i, from: s.From, sendEv: tl.SendEvent(i), endEv: tl.EndEvent(i), lost: s.Lost, dup: s.Dup,
			sentAt: s.SentAt, endAt: s.ArriveAt, labelAt: -1, variants: labelVariants(s, d.absolute)}
		if dep := d.segDep[i]; dep.k >= 0 {
			a.r0 = d.tRow[dep.k] + dep.off
		} else {
			a.r0 = min(d.rows-1, int(math.Round(d.rowOf(s.SentAt))))
		}
		switch {
		case s.Lost && a.endEv >= 0:
			a.r1 = d.evRow[a.endEv]
		case !s.Lost && d.segArr[i].k >= 0:
			a.r1 = d.tRow[d.segArr[i].k] + d.segArr[i].off
		default: // still on the link when the run ended
			a.r1 = d.rows - 1
		}
		a.r1 = min(max(a.r1, a.r0), d.rows-1)
		for _, b := range d.breaks {
			if b.row > a.r0 && b.row < a.r1 {
				p.long[i] = true
			}
		}
		p.long[i] = p.long[i] || a.r1-a.r0 > 8
		a.long = p.long[i]
		p.ends[i] = fixedHead(m - 1)
		if s.Lost {
			// The ✕ goes as far across as the segment got, past its label, or
			// further if another ✕ is there.
			f := 0.5
			if s.Transit > 0 {
				f = float64(s.ArriveAt-s.SentAt) / float64(s.Transit)
			}
			lw := min(textWidth(a.variants[0]), d.cols.labelMax)
			at := min(m-2, max(int(math.Round(f*float64(m-1))), lw+4))
			p.ends[i] = headSpan{at: at, lo: min(at, 3), hi: max(at, m-2)}
		}
		p.order[i] = i
	}
	sort.SliceStable(p.order, func(x, y int) bool {
		a, b := p.order[x], p.order[y]
		if p.long[a] != p.long[b] {
			return !p.long[a]
		}
		return p.arrows[a].sendEv < p.arrows[b].sendEv
	})
	return p
}

// newOccupancyFor is the empty space between the lifelines on rows r0..r1, with the
// breaks in it.
func (d *diagram) newOccupancyFor(r0, r1 int) *occupancy {
	m := d.cols.span()
	occ := newOccupancy(d.cols.xl+1, max(m, 1), r0, r1-r0+1)
	for _, b := range d.breaks {
		if b.row < r0 || b.row > r1 {
			continue
		}
		for x := d.cols.xl + 1; x < d.cols.xr; x++ {
			occ.at(x, b.row).kind = occBreak
		}
		lo, hi := d.breakSpan(b)
		for x := max(lo-1, d.cols.xl+1); x <= min(hi+1, d.cols.xr-1); x++ {
			occ.at(x, b.row).kind = occMark
		}
	}
	return occ
}

// routeAll places the labels of group's arrows where spots says (where they fit) and
// routes them, on a map of their own (no other arrow shares their rows).
func (d *diagram) routeAll(p arrowPlan, spots []labelSpot, group []int) *layout {
	m := d.cols.span()
	r0, r1 := p.arrows[group[0]].r0, p.arrows[group[0]].r1
	l := &layout{arrows: make([]arrow, len(group))}
	for k, i := range group {
		a := &p.arrows[i]
		d.budget -= (a.r1 - a.r0 + 1) * m * m // the router's work: rows × columns²
		r0, r1 = min(r0, a.r0), max(r1, a.r1)
		l.arrows[k] = *a
	}
	l.occ = d.newOccupancyFor(r0, r1)
	plans := make([]labelPlan, len(group))
	for k, i := range group {
		a := &l.arrows[k]
		lw := textWidth(a.variants[0])
		if lw > d.cols.labelMax || spots[i] == spotFree {
			continue
		}
		c := labelPlan{lw, 0, 1}
		if spots[i] == spotLast {
			c = labelPlan{lw, a.r1 - a.r0, p.ends[i].at - 1 - lw}
		} else if a.r1 > a.r0 && c.at+lw+2 > m-2 {
			continue // no room left for the route to come down
		}
		fx := func(u int) int { return d.cols.xl + 1 + u }
		if a.from == model.B {
			fx = func(u int) int { return d.cols.xr - 1 - u }
		}
		x0, x1 := min(fx(c.at), fx(c.at+lw-1)), max(fx(c.at), fx(c.at+lw-1))
		if c.at >= 1 && l.occ.reserve(a.r0+c.row, x0, x1, i) {
			plans[k] = c
		}
	}
	for k, i := range group {
		a := &l.arrows[k]
		a.lay(l.occ, p.ends[i], d.cols.labelMax, plans[k])
		if !a.whole() {
			l.cut++
		}
		l.cost += a.cost
	}
	return l
}
