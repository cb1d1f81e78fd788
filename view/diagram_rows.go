package view

import (
	"sort"
	"strings"

	"github.com/tcpwave/tcpwave/model"
)

// The rows of a diagram: the notes beside the lifelines, each instant's block of
// rows, the gaps and breaks between blocks, and every event's row.

// noteDraft is a note before it has rows: its parts in the order of their events.
type noteDraft struct {
	side  model.Side
	k     int // its instant
	parts []notePart
	first int // the event of its first part
	// lines are its rows when it does not fit its gutter on one: each part on a row
	// of its own, and a call that still does not fit cut after its parentheses
	// ("connect()", then "=EADDRNOTAVAIL"). Empty: one row.
	lines []notePart
	row   int // its first row within the instant's block
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
	s := noteSize{full: textWidth(n.text()), parts: len(n.parts)}
	for _, p := range n.parts {
		s.piece = max(s.piece, textWidth(p.text))
		for _, piece := range splitCall(p, 0) {
			s.finer = max(s.finer, textWidth(piece.text))
			s.rows++
		}
	}
	return s
}

// fit decides n's rows for a gutter gut columns wide (see lines).
func (n *noteDraft) fit(gut int) {
	n.lines = nil
	if textWidth(n.text()) <= gut {
		return
	}
	for _, p := range n.parts {
		n.lines = append(n.lines, splitCall(p, gut)...)
	}
	if len(n.lines) == 1 {
		n.lines = nil // one row anyway, cut to the gutter
	}
}

// rows is how many rows n takes.
func (n *noteDraft) rows() int { return max(1, len(n.lines)) }

// lineOf is the last row (from the note's first) on which event i is written.
func (n *noteDraft) lineOf(i int) int {
	last := 0
	for j, l := range n.lines {
		if l.ev == i {
			last = j
		}
	}
	return last
}

// splitCall cuts a call wider than gut after its parentheses, before its result
// ("connect()", "=EADDRNOTAVAIL"); anything else stays whole. gut 0 always cuts.
func splitCall(p notePart, gut int) []notePart {
	if p.state || gut > 0 && textWidth(p.text) <= gut {
		return []notePart{p}
	}
	if i := strings.Index(p.text, ")="); i >= 0 {
		return []notePart{{ev: p.ev, text: p.text[:i+1]}, {ev: p.ev, text: p.text[i+1:]}}
	}
	return []notePart{p}
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
		dr.fit(gut[dr.side])
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
		b.nextNote[s] = dr.row + dr.rows()
	}
	off := dr.row + dr.lineOf(i)
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
		if len(dr.lines) > 0 {
			for j, p := range dr.lines {
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

// callText turns a trace call ("read -> error ECONNRESET") into what the diagram writes
// beside the lifeline ("read()=ECONNRESET").
func callText(call string) string {
	name, result, hasResult := strings.Cut(call, " -> ")
	verb, args, _ := strings.Cut(name, " ")
	switch verb {
	case "setsockopt":
		if strings.Contains(args, "l_linger=0}") {
			return "SO_LINGER{1,0}"
		}
		if _, t, ok := strings.Cut(args, "l_linger="); ok {
			return "SO_LINGER{1," + strings.TrimSuffix(t, "}") + "}"
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
