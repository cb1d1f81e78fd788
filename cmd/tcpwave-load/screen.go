package main

import (
	"strconv"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// term follows what a client's terminal shows, from the bytes the server sends it: a
// small emulator of the sequences Bubble Tea's renderer writes (cursor moves, erases,
// repeats, inserts and deletes, scrolling regions). Colours and modes are read and
// ignored. It keeps characters only, which is all the load tool reads (the header's
// clock and event counter), and it is fed in pieces as they arrive: a sequence split
// across two reads is completed by the second.
type term struct {
	w, h   int
	cells  []rune // w*h; 0 is the right half of a wide character
	x, y   int
	wrap   bool // the last column was written: the next character goes on the next line
	top    int  // the scrolling region, rows top..bot inclusive
	bot    int
	savedX int
	savedY int
	last   rune // the last character printed, for REP

	state  byte // stGround, stEsc, stEscSkip, stCSI, stString, stStringEsc
	params []byte
	inter  bool // the CSI had a private prefix or an intermediate: ignored
	utf    []byte
}

const (
	stGround = iota
	stEsc
	stEscSkip // one more byte (ESC ( B and the like)
	stCSI
	stString    // OSC, DCS, APC, PM, SOS: until BEL or ST
	stStringEsc // ESC inside a string: ST if '\\' follows
)

func newTerm(w, h int) *term {
	t := &term{w: w, h: h, cells: make([]rune, w*h), bot: h - 1}
	t.clear(0, w*h)
	return t
}

func (t *term) clear(from, to int) {
	from, to = max(from, 0), min(to, len(t.cells))
	for i := from; i < to; i++ {
		t.cells[i] = ' '
	}
}

// Row is what row y shows (wide characters once, trailing blanks kept).
func (t *term) Row(y int) string {
	if y < 0 || y >= t.h {
		return ""
	}
	b := make([]byte, 0, t.w)
	for _, r := range t.cells[y*t.w : (y+1)*t.w] {
		if r != 0 {
			b = utf8.AppendRune(b, r)
		}
	}
	return string(b)
}

// Write feeds the terminal what the server sent.
func (t *term) Write(p []byte) (int, error) {
	for _, c := range p {
		t.byte(c)
	}
	return len(p), nil
}

func (t *term) byte(c byte) {
	switch t.state {
	case stEsc:
		t.esc(c)
		return
	case stEscSkip:
		t.state = stGround
		return
	case stCSI:
		switch {
		case c >= 0x30 && c <= 0x3f:
			if c == '?' || c == '>' || c == '<' || c == '=' {
				t.inter = true
			}
			t.params = append(t.params, c)
		case c >= 0x20 && c <= 0x2f:
			t.inter = true
		case c >= 0x40 && c <= 0x7e:
			if !t.inter {
				t.csi(c)
			}
			t.state = stGround
		default:
			t.state = stGround // a malformed sequence
		}
		return
	case stString:
		switch c {
		case 0x07:
			t.state = stGround
		case 0x1b:
			t.state = stStringEsc
		}
		return
	case stStringEsc:
		if c == '\\' {
			t.state = stGround
		} else {
			t.state = stString
		}
		return
	}
	if len(t.utf) > 0 || c >= 0x80 {
		t.utf = append(t.utf, c)
		if !utf8.FullRune(t.utf) {
			return
		}
		r, _ := utf8.DecodeRune(t.utf)
		t.utf = t.utf[:0]
		t.print(r)
		return
	}
	switch c {
	case 0x1b:
		t.state = stEsc
	case '\r':
		t.x, t.wrap = 0, false
	case '\n', 0x0b, 0x0c:
		// Bubble Tea over SSH assumes the terminal maps a newline to CR LF.
		t.x, t.wrap = 0, false
		t.lineFeed()
	case '\b':
		t.x, t.wrap = max(t.x-1, 0), false
	case '\t':
		t.x, t.wrap = min((t.x/8+1)*8, t.w-1), false
	default:
		if c >= 0x20 && c < 0x7f {
			t.print(rune(c))
		}
	}
}

func (t *term) esc(c byte) {
	t.state = stGround
	switch c {
	case '[':
		t.state, t.params, t.inter = stCSI, t.params[:0], false
	case ']', 'P', 'X', '^', '_':
		t.state = stString
	case '(', ')', '*', '+', '#', '%', ' ':
		t.state = stEscSkip
	case '7':
		t.savedX, t.savedY = t.x, t.y
	case '8':
		t.x, t.y, t.wrap = t.savedX, t.savedY, false
	case 'D':
		t.lineFeed()
	case 'E':
		t.x = 0
		t.lineFeed()
	case 'M':
		t.wrap = false
		if t.y == t.top {
			t.scrollDown(1)
		} else if t.y > 0 {
			t.y--
		}
	case 'c':
		*t = *newTerm(t.w, t.h)
	}
}

// print writes r at the cursor and moves it on.
func (t *term) print(r rune) {
	wd := runewidth.RuneWidth(r)
	if wd == 0 {
		return // a combining mark: the cell keeps its base
	}
	if t.wrap || t.x+wd > t.w {
		t.x, t.wrap = 0, false
		t.lineFeed()
	}
	i := t.y*t.w + t.x
	t.cells[i] = r
	if wd == 2 && t.x+1 < t.w {
		t.cells[i+1] = 0
	}
	t.last = r
	if t.x+wd >= t.w {
		t.x, t.wrap = t.w-1, true
	} else {
		t.x += wd
	}
}

func (t *term) lineFeed() {
	if t.y == t.bot {
		t.scrollUp(1)
	} else if t.y < t.h-1 {
		t.y++
	}
}

// scrollUp moves the rows of the scrolling region up by n, blank rows at its bottom.
func (t *term) scrollUp(n int) {
	n = min(n, t.bot-t.top+1)
	copy(t.cells[t.top*t.w:(t.bot+1)*t.w], t.cells[(t.top+n)*t.w:(t.bot+1)*t.w])
	t.clear((t.bot+1-n)*t.w, (t.bot+1)*t.w)
}

// scrollDown moves them down by n, blank rows at its top.
func (t *term) scrollDown(n int) {
	n = min(n, t.bot-t.top+1)
	copy(t.cells[(t.top+n)*t.w:(t.bot+1)*t.w], t.cells[t.top*t.w:(t.bot+1-n)*t.w])
	t.clear(t.top*t.w, (t.top+n)*t.w)
}

// param is the i-th numeric parameter of the CSI, def if absent or 0.
func (t *term) param(i, def int) int {
	n := 0
	for _, f := range splitParams(t.params) {
		if n == i {
			v, err := strconv.Atoi(f)
			if err != nil || v == 0 {
				return def
			}
			return min(v, 1<<16)
		}
		n++
	}
	return def
}

func splitParams(p []byte) []string {
	var out []string
	start := 0
	for i, c := range p {
		if c == ';' || c == ':' {
			out = append(out, string(p[start:i]))
			start = i + 1
		}
	}
	return append(out, string(p[start:]))
}

func (t *term) csi(final byte) {
	row := t.y * t.w
	switch final {
	case 'H', 'f':
		t.y = min(t.param(0, 1), t.h) - 1
		t.x = min(t.param(1, 1), t.w) - 1
	case 'A':
		t.y = max(t.y-t.param(0, 1), 0)
	case 'B', 'e':
		t.y = min(t.y+t.param(0, 1), t.h-1)
	case 'C', 'a':
		t.x = min(t.x+t.param(0, 1), t.w-1)
	case 'D':
		t.x = max(t.x-t.param(0, 1), 0)
	case 'E':
		t.x, t.y = 0, min(t.y+t.param(0, 1), t.h-1)
	case 'F':
		t.x, t.y = 0, max(t.y-t.param(0, 1), 0)
	case 'G', '`':
		t.x = min(t.param(0, 1), t.w) - 1
	case 'd':
		t.y = min(t.param(0, 1), t.h) - 1
	case 'K':
		switch t.param(0, 0) {
		case 0:
			t.clear(row+t.x, row+t.w)
		case 1:
			t.clear(row, row+t.x+1)
		case 2:
			t.clear(row, row+t.w)
		}
	case 'J':
		switch t.param(0, 0) {
		case 0:
			t.clear(row+t.x, len(t.cells))
		case 1:
			t.clear(0, row+t.x+1)
		case 2, 3:
			t.clear(0, len(t.cells))
		}
	case 'X':
		t.clear(row+t.x, row+min(t.x+t.param(0, 1), t.w))
	case 'b':
		if t.last != 0 {
			for range min(t.param(0, 1), t.w*t.h) {
				t.print(t.last)
			}
		}
	case '@':
		n := min(t.param(0, 1), t.w-t.x)
		copy(t.cells[row+t.x+n:row+t.w], t.cells[row+t.x:row+t.w-n])
		t.clear(row+t.x, row+t.x+n)
	case 'P':
		n := min(t.param(0, 1), t.w-t.x)
		copy(t.cells[row+t.x:row+t.w-n], t.cells[row+t.x+n:row+t.w])
		t.clear(row+t.w-n, row+t.w)
	case 'L', 'M':
		if t.y < t.top || t.y > t.bot {
			break
		}
		top := t.top
		t.top = t.y
		if final == 'L' {
			t.scrollDown(t.param(0, 1))
		} else {
			t.scrollUp(t.param(0, 1))
		}
		t.top, t.x = top, 0
	case 'S':
		t.scrollUp(t.param(0, 1))
	case 'T':
		t.scrollDown(t.param(0, 1))
	case 'r':
		top, bot := t.param(0, 1)-1, min(t.param(1, t.h), t.h)-1
		if top < bot {
			t.top, t.bot = top, bot
			t.x, t.y = 0, 0
		}
	case 's':
		t.savedX, t.savedY = t.x, t.y
	case 'u':
		t.x, t.y = t.savedX, t.savedY
	}
	if final != 'b' {
		t.wrap = false
	}
}
