package server

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
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
// is told once, and the session goes on when the paste ends. (The input rate is raised
// so that the server reads the 8 MiB in a few seconds: by default it reads a flood at
// 256 KiB/s, see TestFloodIsReadSlowly.)
func TestEndlessPaste(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.InputRate = 64 << 10 })
	c := ts.dial(t, "paster")
	sess, out, _, done := typingSession(t, c, "xterm-256color", 80, 24, "")
	out.waitText(t, 5*time.Second, "FRAME")
	in := mustStdin(t, sess)
	before := heapInUse()
	if _, err := io.WriteString(in, "\x1b[200~"); err != nil {
		t.Fatal(err)
	}
	chunk := bytes.Repeat([]byte("AAAAAAA\n"), 8<<10) // 64 KiB
	for range 128 {                                   // 8 MiB, taken in as fast as the server reads it
		if _, err := in.Write(chunk); err != nil {
			t.Fatal(err)
		}
	}
	out.waitText(t, 10*time.Second, "pasted text is cut")
	if grew := int64(heapInUse()) - int64(before); grew > 8<<20 {
		t.Errorf("8 MiB of paste grew the heap by %d MiB", grew>>20)
	}
	io.WriteString(in, "\x1b[201~q")
	if err := waitDone(t, done, 20*time.Second); exitStatus(err) != 0 {
		t.Fatalf("q after the paste: %v", err)
	}
}

// TestFloodIsReadSlowly: input the guard drops still costs the server its decryption,
// so past 32 × InputRate (256 KiB/s) a session stops reading for a while and the
// client has to wait (the SSH channel's window fills). Before, a client pushed
// hundreds of MB a second at every session.
func TestFloodIsReadSlowly(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t, "flooder")
	sess, out, _, _ := typingSession(t, c, "xterm-256color", 80, 24, "")
	out.waitText(t, 5*time.Second, "FRAME")
	in := mustStdin(t, sess)
	var written atomic.Int64
	go func() {
		chunk := bytes.Repeat([]byte("x"), 32<<10)
		for {
			n, err := in.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}()
	const window = 3 * time.Second
	time.Sleep(window)
	// What the client could send: the channel's window (2 MiB), the guard's bursts,
	// and what it read at 256 KiB/s; load can only make the server read less.
	most := int64(2<<20) + 2*DefaultInputBurst + int64(window.Seconds()*32*DefaultInputRate) + 256<<10
	if w := written.Load(); w > most {
		t.Errorf("the client wrote %d KiB in %v, more than the server should read (%d KiB)", w>>10, window, most>>10)
	}
	t.Logf("the client wrote %d KiB in %v", written.Load()>>10, window)
	sess.Close()
}

// TestInputFlood: keys faster than anyone types are dropped past the rate limit, the
// user is told, the inner view is drawn at most once a frame however many come, and
// the session answers at once when the flood stops.
func TestInputFlood(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t, "flooder")
	sess, out, _, done := typingSession(t, c, "xterm-256color", 80, 24, "")
	out.waitText(t, 5*time.Second, "FRAME")
	in := mustStdin(t, sess)
	keys0, views0 := ts.st.keys.Load(), ts.st.views.Load()
	start := time.Now()
	flood := strings.Repeat("x", 1<<20) // 1 MiB of key presses
	if _, err := io.WriteString(in, flood); err != nil {
		t.Fatal(err)
	}
	out.waitText(t, 10*time.Second, "faster than anyone types")
	took := time.Since(start).Seconds()
	keys, views := ts.st.keys.Load()-keys0, ts.st.views.Load()-views0
	t.Logf("1 MiB of keys in %.2f s: %d reached the program, %d views", took, keys, views)
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
