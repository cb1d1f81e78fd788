package server

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// clock is a fake clock the guard's rate limit reads.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// guardAll runs in through a guard (no time passing) and returns what passed and the
// limits it told of.
func guardAll(t *testing.T, lim guardLimits, in []byte) ([]byte, []guardLimit) {
	t.Helper()
	var told []guardLimit
	c := &clock{time.Unix(1000, 0)}
	g := newInputGuard(bytes.NewReader(in), lim, c.now, func(l guardLimit) { told = append(told, l) })
	out, err := io.ReadAll(g)
	if err != nil {
		t.Fatal(err)
	}
	return out, told
}

func TestGuardPassesWhatPeopleType(t *testing.T) {
	in := "hello \x1b[A\x1b[1;5C\x1bOP\x1b" + "x" + "漢字é\r\x7f" + "\x1b]11;rgb:0000/0000/0000\x1b\\" + "\x1b]10;rgb:ffff/ffff/ffff\x07" + "\x1bP>|tmux 3.3\x1b\\"
	out, told := guardAll(t, defaultGuardLimits, []byte(in))
	if string(out) != in || len(told) != 0 {
		t.Errorf("passed %q (told %v), want all of %q", out, told, in)
	}
}

func TestGuardPassesALoneEscapeAtOnce(t *testing.T) {
	r, w := io.Pipe()
	c := &clock{time.Unix(1000, 0)}
	g := newInputGuard(r, defaultGuardLimits, c.now, nil)
	go w.Write([]byte{0x1b})
	buf := make([]byte, 16)
	n, err := g.Read(buf)
	if err != nil || n != 1 || buf[0] != 0x1b {
		t.Fatalf("Read = %d %q %v, want the ESC at once", n, buf[:n], err)
	}
	w.Close()
}

// A bracketed paste that never ends, or is huge: its content passes up to MaxPaste
// bytes, its end marker always; what comes after passes again.
func TestGuardBoundsAPaste(t *testing.T) {
	content := strings.Repeat("AAAAAAA\n", 100_000) // 800 KB
	out, told := guardAll(t, guardLimits{Rate: 1e9, Burst: 1e9, MaxString: 64, MaxCSI: 16, MaxPaste: 100},
		[]byte("\x1b[200~"+content+"\x1b[201~q"))
	want := "\x1b[200~" + content[:100] + "\x1b[201~q"
	if string(out) != want {
		t.Errorf("passed %d bytes %q…, want %d", len(out), out[:min(40, len(out))], len(want))
	}
	if len(told) != 1 || told[0] != limitPaste {
		t.Errorf("told %v, want the paste limit once", told)
	}
	// Never ending: nothing but the first MaxPaste bytes passes, however much comes.
	out, _ = guardAll(t, guardLimits{Rate: 1e9, Burst: 1e9, MaxString: 64, MaxCSI: 16, MaxPaste: 100},
		[]byte("\x1b[200~"+content))
	if len(out) > len("\x1b[200~")+100 {
		t.Errorf("an endless paste passed %d bytes", len(out))
	}
}

// An escape string with no end passes MaxString bytes, then nothing until its end,
// which passes; what follows passes again.
func TestGuardBoundsAnEscapeString(t *testing.T) {
	lim := guardLimits{Rate: 1e9, Burst: 1e9, MaxString: 100, MaxCSI: 16, MaxPaste: 100}
	for _, intro := range []string{"\x1b]", "\x1bP", "\x1b_", "\x1b^", "\x1bX", "\x9d", "\x90"} {
		body := strings.Repeat("z", 1<<20)
		out, told := guardAll(t, lim, []byte(intro+body+"\x07k"))
		if len(out) > 100+2 || !strings.HasSuffix(string(out), "\x07k") {
			t.Errorf("%q: passed %d bytes, ending %q", intro, len(out), out[max(0, len(out)-4):])
		}
		if len(told) != 1 || told[0] != limitLength {
			t.Errorf("%q: told %v", intro, told)
		}
	}
	// A control sequence with endless parameters: the same.
	out, _ := guardAll(t, lim, []byte("\x1b["+strings.Repeat("1;", 1<<19)+"mk"))
	if len(out) > 16+2 || !strings.HasSuffix(string(out), "mk") {
		t.Errorf("endless CSI: passed %d bytes", len(out))
	}
}

// Faster than Rate, the guard drops whole keys and sequences, tells once, and lets
// input through again as time passes.
func TestGuardLimitsTheRate(t *testing.T) {
	lim := guardLimits{Rate: 100, Burst: 300, MaxString: 64, MaxCSI: 16, MaxPaste: 100}
	c := &clock{time.Unix(1000, 0)}
	var told []guardLimit
	in := bytes.Repeat([]byte("\x1b[A"), 10_000) // 30 KB of arrow keys
	r, w := io.Pipe()
	g := newInputGuard(r, lim, c.now, func(l guardLimit) { told = append(told, l) })
	go func() { w.Write(in); w.Close() }()
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := g.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil {
			break
		}
		c.t = c.t.Add(time.Second) // one second between reads
	}
	if len(out)%3 != 0 || !bytes.Equal(out, bytes.Repeat([]byte("\x1b[A"), len(out)/3)) {
		t.Fatalf("a sequence was cut: %q…", out[:min(len(out), 30)])
	}
	reads := len(in) / 4096
	if len(out) > 300+(reads+2)*100 || len(out) < 300 {
		t.Errorf("passed %d bytes over %d reads a second apart, at 100 bytes/s after 300", len(out), reads)
	}
	if len(told) != 1 || told[0] != limitRate {
		t.Errorf("told %v, want the rate limit once", told)
	}
}

// Once it has dropped MaxDropped bytes, the guard ends the input: a flood ends the
// session rather than cost the server its decryption for ever.
func TestGuardEndsAFlood(t *testing.T) {
	lim := guardLimits{Rate: 100, Burst: 300, MaxDropped: 100_000, MaxString: 64, MaxCSI: 16, MaxPaste: 100}
	c := &clock{time.Unix(1000, 0)}
	src := &countingReader{r: endless{}}
	g := newInputGuard(src, lim, c.now, nil)
	buf := make([]byte, 4096)
	var err error
	for range 1000 {
		if _, err = g.Read(buf); err != nil {
			break
		}
	}
	if !errors.Is(err, errFlood) {
		t.Fatalf("after %d bytes: %v, want errFlood", src.n, err)
	}
	if src.n > 100_000+300+2*guardRead {
		t.Errorf("read %d bytes before ending, for 100,000 dropped", src.n)
	}
	// Within the limits, input goes on for ever.
	lim.MaxDropped, lim.Rate, lim.Burst = 100_000, 1e9, 1e9
	g = newInputGuard(endless{}, lim, c.now, nil)
	for range 1000 {
		if _, err := g.Read(buf); err != nil {
			t.Fatal(err)
		}
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// endless is input that never ends: 'a' after 'a'.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// FuzzInputGuard: whatever comes, the guard neither panics nor passes more than
// came, nor more than its bounds of any paste or string, and what it holds stays
// small.
func FuzzInputGuard(f *testing.F) {
	f.Add([]byte("\x1b[200~abc\x1b[201~"))
	f.Add([]byte("\x1b]11;rgb:0/0/0\x07\x9d\x1bP\x1b\\\xe6\xbc\xa2"))
	f.Add([]byte("\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17m\x9b2\x1b\x1bO"))
	lim := guardLimits{Rate: 1e9, Burst: 1e9, MaxString: 32, MaxCSI: 8, MaxPaste: 16}
	f.Fuzz(func(t *testing.T, in []byte) {
		c := &clock{time.Unix(1000, 0)}
		g := newInputGuard(bytes.NewReader(in), lim, c.now, nil)
		var out []byte
		buf := make([]byte, 7)
		for {
			n, err := g.Read(buf)
			out = append(out, buf[:n]...)
			if len(g.pending) > guardRead+lim.MaxCSI+len(pasteEnd) || len(g.held) > lim.MaxCSI+len(pasteEnd) {
				t.Fatalf("the guard holds %d pending, %d held", len(g.pending), len(g.held))
			}
			if err != nil {
				break
			}
		}
		if len(out) > len(in)+len(pasteEnd) {
			t.Fatalf("passed %d bytes of %d", len(out), len(in))
		}
		// Between a paste's markers, at most MaxPaste bytes.
		for _, part := range bytes.Split(out, pasteStart)[1:] {
			body, _, _ := bytes.Cut(part, pasteEnd)
			if len(body) > lim.MaxPaste {
				t.Fatalf("a paste passed %d bytes", len(body))
			}
		}
	})
}
