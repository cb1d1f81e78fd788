package server

import (
	"context"
	"errors"
	"go/token"
	"io"
	"reflect"
	"time"
	"unicode/utf8"

	uv "github.com/charmbracelet/ultraviolet"
	"github.com/charmbracelet/x/ansi"
)

// keyDecoder turns a session's input into events, as ultraviolet's TerminalReader
// does and with the same EventDecoder, but without the table of legacy key sequences
// that TerminalReader builds afresh for every reader: 140 KB, a sixth of what a
// session holds (20 MB of heap for the 140 sessions at a soak's peak, and as much
// again in the collector's headroom). The decoder alone already knows every key of
// that table that TestKeyDecoderMatchesTerminalReader tries (xterm with every
// modifier, VT, SS3, rxvt, the Linux console); a sequence only a table would know
// would arrive as an unknown event, which the UI ignores.
//
// As TerminalReader does, it waits up to escTimeout for the rest of a sequence that
// has only begun (a lone ESC is the Escape key once that passes), gathers a bracketed
// paste into one PasteEvent, and drops the sequences the decoder marks as ignored.
// What it holds is bounded by what the input guard lets through: one unfinished
// sequence (at most MaxString bytes) and one paste (at most MaxPaste bytes).
type keyDecoder struct {
	dec   uv.EventDecoder
	buf   []byte // input not yet decoded: the start of a sequence
	paste []byte // a bracketed paste's content so far; nil outside one
}

// escTimeout is how long the decoder waits for the rest of a sequence, as
// uv.DefaultEscTimeout.
const escTimeout = uv.DefaultEscTimeout

// stream reads r until it fails or ctx ends, and sends the events to out. It
// returns r's error, or nil for io.EOF or the end of ctx.
func (d *keyDecoder) stream(ctx context.Context, r io.Reader, out chan<- uv.Event) error {
	readc := make(chan []byte)
	taken := make(chan struct{})
	errc := make(chan error, 1)
	go func() {
		// One buffer, reused: the loop copies what it gets before it says so.
		b := make([]byte, guardRead)
		for {
			n, err := r.Read(b)
			if n > 0 {
				select {
				case readc <- b[:n]:
					<-taken
				case <-ctx.Done():
					errc <- nil
					return
				}
			}
			if err != nil {
				errc <- err
				return
			}
		}
	}()
	timer := time.NewTimer(escTimeout)
	defer timer.Stop()
	last := time.Now()
	decode := func(expired bool) {
		n, events := d.scan(d.buf, expired)
		d.buf = d.buf[:copy(d.buf, d.buf[n:])]
		for _, ev := range events {
			out <- ev
		}
	}
	for {
		select {
		case <-ctx.Done():
			decode(true)
			return nil
		case err := <-errc:
			decode(true)
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		case b := <-readc:
			d.buf = append(d.buf, b...)
			taken <- struct{}{}
			last = time.Now()
			decode(false)
			if len(d.buf) > 0 {
				timer.Reset(escTimeout)
			}
		case <-timer.C:
			if len(d.buf) > 0 && time.Since(last) >= escTimeout {
				decode(true)
			}
			if len(d.buf) > 0 {
				timer.Reset(escTimeout)
			}
		}
	}
}

// scan decodes the events at the start of buf and returns how many bytes they took.
// Unless expired, it stops before a sequence that may not be complete yet: an ESC
// that may begin one, or what the decoder does not know (yet).
func (d *keyDecoder) scan(buf []byte, expired bool) (total int, events []uv.Event) {
	for len(buf) > 0 {
		esc := buf[0] == ansi.ESC
		n, ev := d.dec.Decode(buf)
		if _, end := ev.(uv.PasteEndEvent); d.paste != nil && !end {
			// Inside a paste everything is text, up to its end marker.
			switch ev := ev.(type) {
			case uv.KeyPressEvent:
				if len(ev.Text) > 0 {
					d.paste = append(d.paste, ev.Text...)
				} else {
					if esc && n <= 2 && !expired {
						return total, events
					}
					d.paste = append(d.paste, buf[:n]...)
				}
			case uv.UnknownEvent:
				if !expired {
					return total, events
				}
			}
			buf, total = buf[n:], total+n
			continue
		}
		switch ev.(type) {
		case uv.UnknownEvent:
			if !expired {
				return total, events
			}
			events = append(events, ev)
			buf, total = buf[n:], total+n
			continue
		case uv.PasteStartEvent:
			d.paste = []byte{}
		case uv.PasteEndEvent:
			events = append(events, uv.PasteEvent{Content: validRunes(d.paste)})
			d.paste = nil
		}
		if ev != nil && !ignoredEvent(ev) {
			if esc && n <= 2 && !expired {
				return total, events // an ESC and one byte: perhaps a sequence's start
			}
			if m, ok := ev.(uv.MultiEvent); ok {
				events = append(events, m...)
			} else {
				events = append(events, ev)
			}
		}
		buf, total = buf[n:], total+n
	}
	return total, events
}

// ignoredEvent reports the events the decoder marks as ignored: its own unexported
// type, which TerminalReader drops.
func ignoredEvent(ev uv.Event) bool {
	t := reflect.TypeOf(ev)
	return t.PkgPath() == reflect.TypeFor[uv.KeyPressEvent]().PkgPath() && !token.IsExported(t.Name())
}

// validRunes is b as a string without its invalid UTF-8, as TerminalReader makes a
// paste's content.
func validRunes(b []byte) string {
	out := make([]rune, 0, len(b))
	for len(b) > 0 {
		r, w := utf8.DecodeRune(b)
		if r != utf8.RuneError {
			out = append(out, r)
		}
		b = b[w:]
	}
	return string(out)
}
