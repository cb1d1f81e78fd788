package view

// columns is where the parts of the diagram go across its width:
//
//	[times][▸][left notes] ┃ arrows ┃ [right notes]
//
// The time column is timeW wide (0: no times); the cursor mark ▸ is in column mark;
// the left notes end two columns before the client's lifeline xl, the right notes
// start two after the server's lifeline xr.
type columns struct {
	timeW      int
	mark       int
	gutL, gutR int
	xl, xr     int
	// labelMax is the widest segment label that fits between the lifelines.
	labelMax int
}

// span is the number of columns between the lifelines.
func (c columns) span() int { return c.xr - c.xl - 1 }

// noteSize is how wide a note is written on one row (full); split over rows, a row
// for its state and one for its call (parts rows, the widest piece wide); and with a
// call cut after its parentheses as well (rows rows, the widest finer wide).
type noteSize struct{ full, piece, finer, parts, rows int }

// maxSpan is the widest space between the lifelines: beyond it wider arrows only
// flatten the slopes, so the notes get the room and the lifelines stay centred.
const maxSpan = 90

// Costs of fitting the notes into a gutter.
const (
	costSplit = 1  // a note written over two rows
	costCut   = 10 // a note cut short with …
)

// gutterCost is what writing these notes in a gutter g wide costs: a row more for each
// note written over rows, and much more for one that has to be cut.
func gutterCost(notes []noteSize, g int) int {
	c := 0
	for _, n := range notes {
		switch {
		case n.full <= g:
		case n.piece <= g:
			c += costSplit * (n.parts - 1)
		case n.finer <= g:
			c += costSplit * (n.rows - 1)
		default:
			c += costCut
		}
	}
	return c
}

// chooseColumns lays out the columns for a width: the arrows first get room for the
// widest label (labelW), a little slope and extra more columns; then the notes the
// least splitting and cutting; then the times, always shown from 80 columns up, and
// below 80 only when they cost nothing; what is left widens the arrows (up to maxSpan)
// and then the gutters.
func chooseColumns(width, timeW int, notes [2][]noteSize, labelW, extra int) columns {
	type fit struct {
		cols columns
		cost int
		ok   bool
	}
	try := func(tw, lw int) fit {
		fixed := tw + 1 + 4 // the times, the mark, and a space and a lifeline each side
		budget := width - fixed - (lw + 4 + extra)
		if budget < 2 {
			return fit{}
		}
		var best fit
		for _, gl := range gutterSizes(notes[0], budget-1) {
			gr := bestGutter(notes[1], budget-gl)
			c := gutterCost(notes[0], gl) + gutterCost(notes[1], gr)
			if !best.ok || c < best.cost || c == best.cost && gl+gr < best.cols.gutL+best.cols.gutR {
				best = fit{cols: columns{timeW: tw, mark: tw, gutL: gl, gutR: gr, labelMax: lw}, cost: c, ok: true}
			}
		}
		return best
	}
	var f fit
	with, without := try(timeW, labelW), try(0, labelW)
	switch {
	case timeW > 0 && with.ok && (!without.ok || with.cost <= without.cost || width >= 80):
		f = with
	case without.ok:
		f = without
	default:
		// Not even the labels fit: shorter labels, and gutters of at least 8.
		lw := max(8, width-1-4-16-4)
		f = try(0, lw)
		if !f.ok {
			f = fit{cols: columns{gutL: 8, gutR: 8, labelMax: lw}, ok: true}
		}
	}
	c := f.cols
	// Whatever is left widens the arrows, then the gutters on both sides alike.
	m := width - c.timeW - 1 - 4 - c.gutL - c.gutR
	if m > maxSpan {
		extra := m - maxSpan
		c.gutL += extra / 2
		c.gutR += extra - extra/2
		m = maxSpan
	}
	c.xl = c.mark + 1 + c.gutL + 1
	c.xr = c.xl + m + 1
	return c
}

// widest is the widest note written on one row.
func widest(notes []noteSize) int {
	w := 1
	for _, n := range notes {
		w = max(w, n.full)
	}
	return w
}

// bestGutter is the narrowest gutter of at most room columns with the least cost.
func bestGutter(notes []noteSize, room int) int {
	best, bestCost := 0, -1
	for _, g := range gutterSizes(notes, room) {
		if c := gutterCost(notes, g); bestCost < 0 || c < bestCost || c == bestCost && g < best {
			best, bestCost = g, c
		}
	}
	if bestCost < 0 {
		return max(1, room)
	}
	return best
}

// gutterSizes are the gutter widths worth trying, at most room: each note's width on
// one row and split, and room itself.
func gutterSizes(notes []noteSize, room int) []int {
	out := []int{room}
	for _, n := range notes {
		for _, g := range [3]int{n.full, n.piece, n.finer} {
			if g <= room && g > 0 {
				out = append(out, g)
			}
		}
	}
	return out
}
