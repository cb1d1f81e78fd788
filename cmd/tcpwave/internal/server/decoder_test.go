package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	uv "github.com/charmbracelet/ultraviolet"
)

// decodeAll runs input through a decoder: in one read, then the end.
func decodeAll(t testing.TB, input string, viaReader bool) []uv.Event {
	t.Helper()
	out := make(chan uv.Event)
	done := make(chan error, 1)
	go func() {
		var err error
		if viaReader {
			err = uv.NewTerminalReader(strings.NewReader(input), "xterm-256color").StreamEvents(context.Background(), out)
		} else {
			err = new(keyDecoder).stream(context.Background(), strings.NewReader(input), out)
		}
		done <- err
		close(out)
	}()
	var evs []uv.Event
	for ev := range out {
		evs = append(evs, ev)
	}
	if err := <-done; err != nil {
		t.Fatalf("%q: %v", input, err)
	}
	return evs
}

// decodeAllFrom runs r through the session's decoder.
func decodeAllFrom(t testing.TB, r io.Reader) []uv.Event {
	t.Helper()
	out := make(chan uv.Event)
	done := make(chan error, 1)
	go func() {
		done <- new(keyDecoder).stream(context.Background(), r, out)
		close(out)
	}()
	var evs []uv.Event
	for ev := range out {
		evs = append(evs, ev)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return evs
}

// keyCorpus is input a terminal sends: every printable ASCII character and control
// character, the keys' sequences in their VT, xterm (with every modifier), SS3,
// rxvt and Linux console forms, mouse, focus and pastes, and some UTF-8.
func keyCorpus() []string {
	var c []string
	for b := 0; b < 0x80; b++ {
		c = append(c, string(rune(b)), "\x1b"+string(rune(b)))
	}
	finals := "ABCDEFGHPQRSZabcdpqrsuvwxyz@$^~"
	for _, f := range finals {
		c = append(c, "\x1b["+string(f), "\x1bO"+string(f), "\x1b[["+string(f))
		for m := 2; m <= 8; m++ {
			c = append(c, fmt.Sprintf("\x1b[1;%d%c", m, f), fmt.Sprintf("\x1bO%d%c", m, f))
		}
	}
	for n := 1; n <= 34; n++ {
		for _, f := range "~^$@" {
			c = append(c, fmt.Sprintf("\x1b[%d%c", n, f))
			for m := 2; m <= 8; m++ {
				c = append(c, fmt.Sprintf("\x1b[%d;%d%c", n, m, f))
			}
		}
	}
	c = append(c, "\x1b[<0;10;5M", "\x1b[<0;10;5m", "\x1b[M !!", "\x1b[I", "\x1b[O",
		"\x1b[200~hello\x1b[201~", "\x1b[200~a\x1b[Ab\x1b[201~", "\x1b[200~\xff\xfe\x1b[201~",
		"é", "中文", "👍🏽", "\x1b]11;rgb:0000/0000/0000\x07", "\x1bP>|xterm\x1b\\", "\x1b[?1;2c",
		"\x1b[13;1:3u", "\x1b[97;5u", "q", "+++ ", "\x1b\x1b", "\x1b[", "\x1bO")
	return c
}

// TestKeyDecoderMatchesTerminalReader: the session's decoder gives the events
// ultraviolet's TerminalReader gives, for every input of the corpus, alone and all
// of it at once. Where only the reader's table of legacy sequences would know a key,
// the decoder would give an unknown event (which the UI ignores): there is none in the
// corpus. The one difference is F3 with modifiers, which the decoder also reads as a
// cursor position report.
func TestKeyDecoderMatchesTerminalReader(t *testing.T) {
	var onlyTable []string
	for _, in := range keyCorpus() {
		want, got := decodeAll(t, in, true), decodeAll(t, in, false)
		if reflect.DeepEqual(want, got) {
			continue
		}
		if len(got) == 1 && len(want) == 1 {
			if _, unknown := got[0].(uv.UnknownEvent); unknown {
				if k, ok := want[0].(uv.KeyPressEvent); ok {
					onlyTable = append(onlyTable, fmt.Sprintf("%q=%s", in, k))
					continue
				}
			}
		}
		// CSI 1;m R is F3 with modifiers, or a cursor position report: the decoder
		// gives both, the table the key alone.
		if len(want) == 1 && len(got) == 2 && reflect.DeepEqual(want[0], got[0]) {
			if _, cpr := got[1].(uv.CursorPositionEvent); cpr && strings.HasSuffix(in, "R") {
				continue
			}
		}
		t.Errorf("%q: reader %#v, decoder %#v", in, want, got)
	}
	if len(onlyTable) > 0 {
		t.Errorf("%d keys only the table knows: %s", len(onlyTable), strings.Join(onlyTable, " "))
	}
	var all bytes.Buffer
	for _, in := range keyCorpus() {
		if !strings.HasPrefix(in, "\x1b") || strings.HasPrefix(in, "\x1b[200~") {
			all.WriteString(in)
		}
	}
	if want, got := decodeAll(t, all.String(), true), decodeAll(t, all.String(), false); !reflect.DeepEqual(want, got) {
		t.Errorf("all at once: reader %d events, decoder %d", len(want), len(got))
	}
	// A byte a read: sequences come in pieces, and are put together the same.
	in := "a\x1b[A\x1b[1;5C\x1bOP\x1b[200~pasted\x1b[201~中\x1bx"
	want := decodeAll(t, in, true)
	if got := decodeAllFrom(t, iotest.OneByteReader(strings.NewReader(in))); !reflect.DeepEqual(want, got) {
		t.Errorf("a byte a read: reader %#v, decoder %#v", want, got)
	}
}
