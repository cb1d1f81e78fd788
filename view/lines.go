package view

// Line cells. An arrow's route is a run of cells, each joined to some of its four
// neighbours; the glyph of a cell follows from which (a corner, a straight line, or ┼
// where two routes cross). Drawing a frame first collects the joins of every route in a
// lineCanvas and only then turns them into glyphs, so that a crossing drawn by two
// arrows is one ┼ and not one arrow overwriting the other.

// Joins of a line cell to its neighbours.
const (
	joinUp uint8 = 1 << iota
	joinDown
	joinLeft
	joinRight

	joinHoriz = joinLeft | joinRight
	joinVert  = joinUp | joinDown
)

// lineKind is how a line is drawn.
type lineKind uint8

const (
	lineSolid   lineKind = iota
	lineCopy             // a copy made by the link (an old duplicate): dashed
	linePending          // the rest of a route not travelled yet: dotted
)

// lineGlyph is the box-drawing rune for a cell with these joins.
func lineGlyph(j uint8, k lineKind) rune {
	switch j {
	case joinHoriz, joinLeft, joinRight:
		switch k {
		case lineCopy:
			return '╌'
		case linePending:
			return '┄'
		}
		return '─'
	case joinVert, joinUp, joinDown:
		switch k {
		case lineCopy:
			return '╎'
		case linePending:
			return '┆'
		}
		return '│'
	case joinDown | joinRight:
		return '╭'
	case joinDown | joinLeft:
		return '╮'
	case joinUp | joinRight:
		return '╰'
	case joinUp | joinLeft:
		return '╯'
	}
	return '┼'
}

// glyphJoins is the inverse of lineGlyph: the joins a box-drawing rune makes, and
// whether it is one.
func glyphJoins(r rune) (uint8, bool) {
	switch r {
	case '─', '╌', '┄':
		return joinHoriz, true
	case '│', '╎', '┆':
		return joinVert, true
	case '╭':
		return joinDown | joinRight, true
	case '╮':
		return joinDown | joinLeft, true
	case '╰':
		return joinUp | joinRight, true
	case '╯':
		return joinUp | joinLeft, true
	case '┼':
		return joinHoriz | joinVert, true
	}
	return 0, false
}

// mirrorJoins swaps left and right.
func mirrorJoins(j uint8) uint8 {
	out := j &^ joinHoriz
	if j&joinLeft != 0 {
		out |= joinRight
	}
	if j&joinRight != 0 {
		out |= joinLeft
	}
	return out
}

// lineCanvas collects the line cells of one frame, over a region of the grid.
type lineCanvas struct {
	x0, y0, w, h int
	joins        []uint8
	kind         []lineKind
	st           []styleID
}

// reset clears the canvas for a region, reusing its memory.
func (c *lineCanvas) reset(x0, y0, w, h int) {
	c.x0, c.y0, c.w, c.h = x0, y0, max(w, 0), max(h, 0)
	n := c.w * c.h
	if cap(c.joins) < n {
		c.joins = make([]uint8, n)
		c.kind = make([]lineKind, n)
		c.st = make([]styleID, n)
	}
	c.joins, c.kind, c.st = c.joins[:n], c.kind[:n], c.st[:n]
	clear(c.joins)
}

// add joins a cell (grid coordinates) in the given way; cells outside are ignored.
func (c *lineCanvas) add(x, y int, j uint8, k lineKind, st styleID) {
	x, y = x-c.x0, y-c.y0
	if x < 0 || y < 0 || x >= c.w || y >= c.h {
		return
	}
	i := y*c.w + x
	if c.joins[i] == 0 || k != linePending {
		c.kind[i], c.st[i] = k, st
	}
	c.joins[i] |= j
}

// flush writes every joined cell's glyph into g.
func (c *lineCanvas) flush(g *grid) {
	for y := range c.h {
		for x := range c.w {
			i := y*c.w + x
			if j := c.joins[i]; j != 0 {
				g.set(c.x0+x, c.y0+y, lineGlyph(j, c.kind[i]), c.st[i])
			}
		}
	}
}
