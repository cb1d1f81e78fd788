package server

import (
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// These tests replay what a hostile client can do with a session channel's requests,
// and check that it cannot hold or get round the session caps.

// slotFree reports whether a new session channel can be opened within wait.
func slotFree(t *testing.T, ts *testServer, wait time.Duration) bool {
	t.Helper()
	c := ts.dial(t, "probe")
	defer c.Close()
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if s, err := c.NewSession(); err == nil {
			_ = s.Close()
			return true
		}
	}
	return false
}

// Window changes before any shell used to block the channel's request loop for good
// (nothing reads them yet): the slot stayed taken after the client left.
func TestWindowChangeBeforeShellFreesTheSlot(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxSessions = 1; c.HandshakeTimeout = 300 * time.Millisecond })
	c := ts.dial(t, "u")
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestPty("xterm", 24, 80, nil); err != nil {
		t.Fatal(err)
	}
	_ = s.WindowChange(30, 100)
	_ = s.WindowChange(31, 101)
	_ = s.WindowChange(32, 102)
	c.Close()
	if !slotFree(t, ts, 3*time.Second) {
		t.Fatal("slot never freed after pty-req and window changes without a shell")
	}
}

// A refused command followed by window changes: the handler returned early, and the
// window changes must still be drained.
func TestWindowChangeAfterRefusedCommandFreesTheSlot(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxSessions = 1; c.HandshakeTimeout = 300 * time.Millisecond })
	c := ts.dial(t, "u")
	ch, reqs, err := c.OpenChannel("session", nil)
	if err != nil {
		t.Fatal(err)
	}
	go gossh.DiscardRequests(reqs)
	pty := gossh.Marshal(struct {
		Term         string
		W, H, PW, PH uint32
		Modes        string
	}{"xterm", 80, 24, 0, 0, ""})
	if ok, err := ch.SendRequest("pty-req", true, pty); !ok || err != nil {
		t.Fatal(ok, err)
	}
	_, _ = ch.SendRequest("exec", false, gossh.Marshal(struct{ V string }{"two args"}))
	for i := range 3 {
		_, _ = ch.SendRequest("window-change", false, gossh.Marshal(struct{ W, H, PW, PH uint32 }{uint32(90 + i), 30, 0, 0}))
	}
	time.Sleep(200 * time.Millisecond)
	c.Close()
	if !slotFree(t, ts, 3*time.Second) {
		t.Fatal("slot never freed after a refused command and window changes")
	}
}

// A subsystem request (always refused) must not switch off the setup timeout.
func TestSubsystemKeepsTheSetupTimeout(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxSessions = 1; c.HandshakeTimeout = 300 * time.Millisecond })
	c := ts.dial(t, "u")
	s, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RequestSubsystem("sftp"); err == nil {
		t.Fatal("a subsystem was granted")
	}
	// The connection stays open; the channel must be closed by the setup timeout.
	if !slotFree(t, ts, 3*time.Second) {
		t.Fatal("slot still held long after the setup timeout")
	}
}

// Closing a session channel while keeping the connection ends its program, and the
// slot is held until then: five open-and-close rounds never run five programs, and
// the cap of two is never exceeded.
func TestClosingTheChannelEndsTheProgram(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxSessions = 2 })
	c := ts.dial(t, "u")
	for range 5 {
		sess, out, _, _ := ptySession(t, c, "xterm-256color", 80, 24, "", nil)
		out.waitText(t, 5*time.Second, "FRAME")
		_ = sess.Close() // the channel, not the connection
		if running, held := ts.waitIdle(3 * time.Second); running != 0 || held != 0 {
			t.Fatalf("after the channel closed: %d programs still running, %d slots still held", running, held)
		}
	}
}

// A client that closes only its input (ssh host < /dev/null) is still watching: its
// program keeps running.
func TestHalfClosedInputKeepsTheSession(t *testing.T) {
	ts := startServer(t, nil)
	c := ts.dial(t, "u")
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	if err := sess.RequestPty("xterm", 24, 80, nil); err != nil {
		t.Fatal(err)
	}
	in, err := sess.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out := newScreen()
	sess.Stdout = out
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	out.waitText(t, 5*time.Second, "FRAME")
	_ = in.Close() // EOF on the session's input
	time.Sleep(500 * time.Millisecond)
	if ts.srv.Active() != 1 {
		t.Fatal("closing the input ended the session")
	}
	_ = sess.Close()
}
