package server

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"charm.land/log/v2"
	"testing"
	"time"
)

// heapInUse is the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// TestEndlessPaste: a bracketed paste that never ends used to grow the server's memory
// without limit (570 MB in 15 s). Now its content is cut to MaxPaste bytes, the user
// is told once, the heap stays put, and the session goes on when the paste ends; one
// that goes on past MaxDroppedInput ends the session (TestFloodEndsTheSession).
func TestEndlessPaste(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxDroppedInput = 64 << 20 })
	c := ts.dial(t, "paster")
	sess, out, _, done := typingSession(t, c, "xterm-256color", 80, 24, "")
	out.waitText(t, 5*time.Second, "FRAME")
	in := mustStdin(t, sess)
	before := heapInUse()
	if _, err := io.WriteString(in, "\x1b[200~"); err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("AAAAAAA\n"), 8<<10) // 64 KiB
	for range 256 {                                   // 16 MiB, taken in as fast as the server reads it
		if _, err := in.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	out.waitText(t, 10*time.Second, "pasted text is cut")
	if grew := int64(heapInUse()) - int64(before); grew > 8<<20 {
		t.Errorf("16 MiB of paste grew the heap by %d MiB", grew>>20)
	}
	io.WriteString(in, "\x1b[201~q")
	if err := waitDone(t, done, 10*time.Second); exitStatus(err) != 0 {
		t.Fatalf("q after the paste: %v", err)
	}
}

// TestFloodEndsTheSession: input the guard drops still costs the server its
// decryption; once 64 KiB of it has been dropped for the rate, or MaxDroppedInput
// (1 MiB) in all, the session ends with a line that says why, however the flood
// comes, and its connection is closed.
func TestFloodEndsTheSession(t *testing.T) {
	for _, c := range []struct{ name, start, body string }{
		{"keys", "", "lh\x1b[C\x1b[D"},
		{"paste", "\x1b[200~", "AAAAAAA\n"},
		{"OSC", "\x1b]0;", "AAAAAAAA"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ts := startServer(t, nil)
			conn := ts.dial(t, "flooder")
			sess, out, _, done := typingSession(t, conn, "xterm-256color", 80, 24, "")
			out.waitText(t, 5*time.Second, "FRAME")
			in := mustStdin(t, sess)
			var written atomic.Int64
			go func() {
				io.WriteString(in, c.start)
				chunk := []byte(strings.Repeat(c.body, 4<<10))
				for {
					n, err := in.Write(chunk)
					written.Add(int64(n))
					if err != nil {
						return
					}
				}
			}()
			err := waitDone(t, done, 20*time.Second)
			if exitStatus(err) != exitError {
				t.Errorf("exit %v, want %d", err, exitError)
			}
			out.waitText(t, 5*time.Second, "input came far faster than anyone types, and was dropped")
			if w := written.Load(); w > 4<<20 {
				t.Errorf("the client wrote %d KiB before the end", w>>10)
			}
			if !strings.Contains(ts.logs.String(), "reason=input-flood") {
				t.Errorf("log:\n%s", ts.logs.String())
			}
		})
	}
}

// TestFloodedSessionsLeaveNothing: once flooding sessions are cut off, nothing of
// them stays. The notice's 5 s tick held each ended program, its screen and its
// channel with up to 2 MiB of unread input, for those 5 s: 145 MB after 60 flooders
// had gone.
func TestFloodedSessionsLeaveNothing(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.Logger = log.New(io.Discard) })
	base := heapInUse()
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := ts.tryDial("flooder")
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			sess, err := c.NewSession()
			if err != nil {
				t.Error(err)
				return
			}
			in, _ := sess.StdinPipe()
			sess.RequestPty("xterm-256color", 24, 80, nil)
			sess.Shell()
			if i%2 == 0 {
				in.Write([]byte("\x1b[200~")) // half paste, half type
			}
			chunk := bytes.Repeat([]byte("x"), 32<<10)
			for {
				if _, err := in.Write(chunk); err != nil {
					return // cut off
				}
			}
		}()
	}
	wg.Wait()
	// Closing takes a moment (a cut-off connection is closed 100 ms after its last
	// line); the notice's tick would have held everything for 5 s.
	var grew int64
	for range 30 {
		if grew = int64(heapInUse()) - int64(base); grew <= 8<<20 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Errorf("30 flooders gone 3 s ago, the heap is %d MiB above where it was", grew>>20)
}

// TestInputFlood: keys faster than anyone types are dropped past the rate limit, the
// user is told, the inner view is drawn at most once a frame however many come, and
// the session answers at once when the flood stops (80 KiB of keys at once: within
// what a session may drop before it is ended).
func TestInputFlood(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t, "flooder")
	sess, out, _, done := typingSession(t, c, "xterm-256color", 80, 24, "")
	out.waitText(t, 5*time.Second, "FRAME")
	in := mustStdin(t, sess)
	keys0, views0 := ts.st.keys.Load(), ts.st.views.Load()
	start := time.Now()
	flood := strings.Repeat("x", 80<<10) // 80 KiB of key presses: 48 KiB over the burst
	if _, err := io.WriteString(in, flood); err != nil {
		t.Fatal(err)
	}
	out.waitText(t, 10*time.Second, "faster than anyone types")
	took := time.Since(start).Seconds()
	keys, views := ts.st.keys.Load()-keys0, ts.st.views.Load()-views0
	t.Logf("80 KiB of keys in %.2f s: %d reached the program, %d views", took, keys, views)
	if most := float64(DefaultInputBurst) + took*DefaultInputRate + 100; float64(keys) > most {
		t.Errorf("%d keys reached the program in %.2f s, more than the limit lets through (%.0f)", keys, took, most)
	}
	// The test model ticks every 10 ms: at most a view a tick and one a frame.
	if most := took*(100+float64(DefaultFPS)) + 50; float64(views) > most {
		t.Errorf("%d views in %.2f s (%d keys): not coalesced (at most %.0f)", views, took, keys, most)
	}
	// Once the flood is read, input passes again: q, pressed until it does.
	for deadline := time.Now().Add(20 * time.Second); ; {
		io.WriteString(in, "q")
		select {
		case err := <-done:
			if exitStatus(err) != 0 {
				t.Fatalf("q after the flood: %v", err)
			}
			return
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("q never got through after the flood")
		}
	}
}

// TestLongCommand: a command word of 120 KB (which cost seconds of CPU to split into
// words) is refused before anything reads it, with and without a terminal, in one
// line; the log line holds at most 200 bytes of it.
func TestLongCommand(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t, "long")
	word := strings.Repeat("a", 120_000)
	for _, pty := range []bool{false, true} {
		sess, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		if pty {
			if err := sess.RequestPty("xterm", 24, 80, nil); err != nil {
				t.Fatal(err)
			}
		}
		var stderr strings.Builder
		sess.Stderr = &stderr
		err = sess.Run(word)
		sess.Close()
		if exitStatus(err) != 1 || !strings.Contains(stderr.String(), "the command is 120000 bytes long; at most 1024") {
			t.Errorf("pty=%v: %v, stderr %q", pty, err, stderr.String())
		}
	}
	if n := ts.st.built.Load(); n != 0 {
		t.Errorf("%d models built", n)
	}
	for _, l := range strings.Split(ts.logs.String(), "\n") {
		if len(l) > 600 {
			t.Errorf("a log line of %d bytes", len(l))
		}
	}
}
