package server

import (
	"errors"
	"io"
	"time"
)

// The input guard. A session's input goes through it before the terminal reader that
// parses it into keys (ultraviolet's), which would otherwise buffer without limit a
// bracketed paste that never ends, rescan its whole pending buffer on every read while
// an escape string (OSC, DCS, APC, PM, SOS) is unterminated, and hand the program one
// message per byte however fast they come. The guard reads the stream once, byte by
// byte, knowing where each key, escape sequence and string begins and ends, and:
//
//   - passes at most MaxString bytes of an escape string and MaxCSI of a control
//     sequence, dropping the rest up to its end (so the reader never holds more);
//   - passes at most MaxPaste bytes of a bracketed paste's content, and always its end;
//   - passes input at most at Rate bytes a second (after a Burst), dropping whole keys
//     and sequences beyond that, never half of one;
//   - ends the input (errFlood) once it has dropped MaxRateDropped bytes for the rate,
//     or MaxDropped in all: dropped input still costs the server its decryption, and
//     nobody types that fast, or megabytes.
//
// and says once of each limit that it dropped something (notice). Everything else,
// a lone ESC included, passes at once: the reader's escape timeout still works.
type inputGuard struct {
	r      io.Reader
	lim    guardLimits
	now    func() time.Time
	notice func(guardLimit)
	told   [numGuardLimits]bool

	scratch []byte // what was read
	pending []byte // what passed and is not yet returned

	st       guardState
	utf8Left int  // continuation bytes still to come in a UTF-8 character
	seqLen   int  // bytes of the current sequence so far
	dropping bool // the current key or sequence is being dropped, whole
	// A control sequence is kept (up to MaxCSI bytes) to recognise the paste markers.
	csi []byte

	paste    bool   // inside a bracketed paste
	pasteLen int    // content bytes passed so far
	held     []byte // in a paste, the sequence being read, until it is known

	tokens float64 // the rate limit's bucket, in bytes
	filled time.Time

	read, passed int64 // bytes read and let through, in all
	rateDropped  int64 // bytes dropped for the rate
}

// errFlood ends the input of a session that sent far more than anyone types.
var errFlood = errors.New("input flood")

// guardLimits are the bounds the guard keeps.
type guardLimits struct {
	Rate, Burst float64 // bytes a second, and bytes at once
	MaxDropped  int64   // bytes dropped in all before the input is ended (0: no limit)
	// MaxRateDropped is the bytes dropped for the rate before the input is ended (0: no
	// limit).
	MaxRateDropped int64
	MaxString      int // bytes of one escape string (OSC, DCS, ...)
	MaxCSI         int // bytes of one control sequence
	MaxPaste       int // content bytes of one bracketed paste
}

// defaultGuardLimits are a hundred times what a person typing sends, and room for
// every reply a terminal gives to the program's queries.
var defaultGuardLimits = guardLimits{Rate: 8 << 10, Burst: 32 << 10, MaxDropped: 256 << 10, MaxRateDropped: 64 << 10, MaxString: 1 << 10, MaxCSI: 64, MaxPaste: 1 << 10}

// guardLimit names a limit that dropped input.
type guardLimit uint8

const (
	limitRate guardLimit = iota
	limitPaste
	limitLength // a string or sequence too long: terminal replies, not shown
	numGuardLimits
)

type guardState uint8

const (
	gGround    guardState = iota
	gEsc                  // after ESC
	gCSI                  // a control sequence: ESC [ or CSI
	gSS3                  // ESC O or SS3: one more byte
	gString               // an escape string's body
	gStringEsc            // in a string, after ESC (ESC \ ends it)
)

// Control bytes the guard knows.
const (
	bBEL = 0x07
	bESC = 0x1b
	bCSI = 0x9b
	bOSC = 0x9d
	bDCS = 0x90
	bSOS = 0x98
	bPM  = 0x9e
	bAPC = 0x9f
	bSS3 = 0x8f
	bST  = 0x9c
)

var (
	pasteStart = []byte("\x1b[200~")
	pasteEnd   = []byte("\x1b[201~")
)

func newInputGuard(r io.Reader, lim guardLimits, now func() time.Time, notice func(guardLimit)) *inputGuard {
	return &inputGuard{r: r, lim: lim, now: now, notice: notice, tokens: lim.Burst, filled: now()}
}

// guardRead is how much the guard reads at once.
const guardRead = 4096

// Read implements io.Reader: the next input the guard lets through. It reads again
// rather than return nothing; what passed and does not fit in p waits for the next
// Read (at most a read's worth and one held sequence).
func (g *inputGuard) Read(p []byte) (int, error) {
	if g.scratch == nil {
		g.scratch = make([]byte, guardRead)
	}
	for len(g.pending) == 0 {
		if g.lim.MaxDropped > 0 && g.read-g.passed > g.lim.MaxDropped ||
			g.lim.MaxRateDropped > 0 && g.rateDropped > g.lim.MaxRateDropped {
			return 0, errFlood
		}
		n, err := g.r.Read(g.scratch)
		g.pending = g.filter(g.pending[:0], g.scratch[:n])
		g.read, g.passed = g.read+int64(n), g.passed+int64(len(g.pending))
		if err != nil && len(g.pending) == 0 {
			return 0, err
		}
	}
	n := copy(p, g.pending)
	g.pending = g.pending[:copy(g.pending, g.pending[n:])]
	return n, nil
}

// droppedBehind counts n bytes that passed but were dropped after all, because the
// program was too far behind to take them (a backlog): they count against the rate.
func (g *inputGuard) droppedBehind(n int) {
	g.passed -= int64(n)
	g.rateDropped += int64(n)
	g.tell(limitRate)
}

// filter appends to out what of in passes, and returns it.
func (g *inputGuard) filter(out, in []byte) []byte {
	g.refill()
	for _, b := range in {
		out = g.byte(out, b)
	}
	return out
}

// refill puts the time since the last read into the bucket.
func (g *inputGuard) refill() {
	now := g.now()
	g.tokens = min(g.lim.Burst, g.tokens+now.Sub(g.filled).Seconds()*g.lim.Rate)
	g.filled = now
}

// tell says once that a limit dropped input.
func (g *inputGuard) tell(l guardLimit) {
	if !g.told[l] {
		g.told[l] = true
		if g.notice != nil {
			g.notice(l)
		}
	}
}

// byte runs one input byte through the guard.
func (g *inputGuard) byte(out []byte, b byte) []byte {
	if g.st == gGround && g.utf8Left == 0 {
		// A key or sequence begins: the rate limit decides for all of it.
		g.dropping = false
		if !g.paste && g.tokens < 1 {
			g.dropping = true
			g.tell(limitRate)
		}
	}
	inPaste := g.paste // the paste's start marker is not in it; its end marker is
	keep := true
	switch g.st {
	case gGround:
		keep = g.ground(b)
	case gEsc:
		keep = g.escape(b)
	case gCSI:
		keep = g.controlSequence(b)
	case gSS3:
		g.st = gGround
	case gString, gStringEsc:
		keep = g.escString(b)
	}
	if inPaste {
		return g.pasteByte(out, b, keep)
	}
	switch {
	case keep && !g.dropping:
		g.tokens--
		out = append(out, b)
	case g.dropping:
		g.rateDropped++
	}
	return out
}

// ground reads a byte outside any sequence.
func (g *inputGuard) ground(b byte) bool {
	if g.utf8Left > 0 {
		if b&0xc0 == 0x80 {
			g.utf8Left--
			return true
		}
		g.utf8Left = 0 // a broken character: this byte starts afresh
	}
	g.seqLen = 1
	switch {
	case b == bESC:
		g.st = gEsc
	case b == bCSI:
		g.st, g.csi = gCSI, append(g.csi[:0], bESC, '[')
	case b == bOSC || b == bDCS || b == bSOS || b == bPM || b == bAPC:
		g.st = gString
	case b == bSS3:
		g.st = gSS3
	case b >= 0xc2 && b <= 0xdf:
		g.utf8Left = 1
	case b >= 0xe0 && b <= 0xef:
		g.utf8Left = 2
	case b >= 0xf0 && b <= 0xf4:
		g.utf8Left = 3
	}
	return true
}

// escape reads the byte after an ESC.
func (g *inputGuard) escape(b byte) bool {
	g.seqLen++
	switch b {
	case '[':
		g.st, g.csi = gCSI, append(g.csi[:0], bESC, '[')
	case ']', 'P', 'X', '^', '_':
		g.st = gString
	case 'O':
		g.st = gSS3
	case bESC:
		g.st, g.seqLen = gEsc, 1 // the first was a key of its own
	default:
		g.st = gGround // an Alt-key: ESC and one byte (or a UTF-8 character)
		return g.ground(b)
	}
	return true
}

// controlSequence reads a control sequence's byte: parameters and intermediates
// (0x20-0x3f) up to the final byte (0x40-0x7e). Beyond MaxCSI bytes the rest is
// dropped, the final byte passed.
func (g *inputGuard) controlSequence(b byte) bool {
	g.seqLen++
	switch {
	case b >= 0x20 && b <= 0x3f:
		if len(g.csi) < g.lim.MaxCSI {
			g.csi = append(g.csi, b)
		}
		if g.seqLen > g.lim.MaxCSI {
			g.tell(limitLength)
			return false
		}
		return true
	case b >= 0x40 && b <= 0x7e:
		g.csi = append(g.csi, b)
		g.st = gGround
		switch {
		case string(g.csi) == string(pasteStart):
			g.paste, g.pasteLen = true, 0
		case string(g.csi) == string(pasteEnd):
			g.paste = false
		}
		return true
	}
	// Not part of a control sequence: it ends here, and the byte starts afresh.
	g.st = gGround
	return g.ground(b)
}

// escString reads a byte of an escape string, which BEL, ST or ESC ends (ESC \ is ST;
// an ESC followed by anything else ends the string and starts a sequence). Beyond
// MaxString bytes the body is dropped; the end is passed.
func (g *inputGuard) escString(b byte) bool {
	g.seqLen++
	if g.st == gStringEsc {
		if b == '\\' {
			g.st = gGround
			return true
		}
		g.st, g.seqLen = gEsc, 1 // the ESC ended the string and begins a sequence
		return g.escape(b)
	}
	switch b {
	case bBEL, bST:
		g.st = gGround
		return true
	case bESC:
		g.st = gStringEsc
		return true
	}
	if g.seqLen > g.lim.MaxString {
		g.tell(limitLength)
		return false
	}
	return true
}

// pasteByte handles a byte inside a bracketed paste: content passes up to MaxPaste
// bytes; the end marker always passes. Sequences inside are held until they are
// known (the end marker is one), so that none is cut in two.
func (g *inputGuard) pasteByte(out []byte, b byte, keep bool) []byte {
	inSeq := g.st != gGround || g.utf8Left > 0
	if keep && len(g.held) < g.lim.MaxCSI+len(pasteEnd) {
		g.held = append(g.held, b)
	}
	if inSeq {
		return out
	}
	// A whole key, or a whole sequence, has been read.
	held := g.held
	g.held = g.held[:0]
	if !g.paste { // that was the end marker
		return append(out, pasteEnd...)
	}
	if g.pasteLen+len(held) > g.lim.MaxPaste {
		g.tell(limitPaste)
		return out
	}
	g.pasteLen += len(held)
	return append(out, held...)
}
