package server

import (
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// dialFrom opens an SSH connection to ts from a local address (on Linux every
// 127.x.y.z is this host), as user.
func (ts *testServer) dialFrom(t testing.TB, local, user string) (*gossh.Client, error) {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 10 * time.Second}
	nc, err := d.Dial("tcp", ts.addr)
	if err != nil {
		return nil, err
	}
	cc, chans, reqs, err := gossh.NewClientConn(nc, ts.addr, &gossh.ClientConfig{
		User: user, HostKeyCallback: gossh.FixedHostKey(ts.pub), Timeout: 10 * time.Second,
	})
	if err != nil {
		nc.Close()
		return nil, err
	}
	return gossh.NewClient(cc, chans, reqs), nil
}

// TestSessionsPerConnection: one connection cannot hold more than MaxSessionsPerConn
// sessions (it could hold an address's whole share: 100 channels on one connection).
func TestSessionsPerConnection(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxSessionsPerConn = 3 })
	c := ts.dial(t, "greedy")
	var open []*gossh.Session
	for i := range 3 {
		s, err := c.NewSession()
		if err != nil {
			t.Fatalf("session %d: %v", i+1, err)
		}
		open = append(open, s)
	}
	if _, err := c.NewSession(); err == nil || !strings.Contains(err.Error(), "3 sessions on one connection") {
		t.Fatalf("a 4th session on one connection: %v", err)
	}
	open[0].Close()
	// Its place is free again once it is gone.
	deadline := time.Now().Add(5 * time.Second)
	for {
		s, err := c.NewSession()
		if err == nil {
			s.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no session after closing one: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Another connection from the same address is not limited by this one.
	if s, err := ts.dial(t, "other").NewSession(); err != nil {
		t.Fatalf("a session on a second connection: %v", err)
	} else {
		s.Close()
	}
}

// TestWaitingConnectionsAreCut: a connection that sends nothing, or authenticates and
// opens no session, is closed soon (they used to hold their place for 10 s, or until
// the 11-minute transport backstop).
func TestWaitingConnectionsAreCut(t *testing.T) {
	ts := startServer(t, func(c *Config) {
		c.FirstByteTimeout = 200 * time.Millisecond
		c.HandshakeTimeout = 5 * time.Second
		c.SessionOpenTimeout = 600 * time.Millisecond
	})
	silent, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	c := ts.dial(t, "idle") // authenticated, no session
	closed := make(chan error, 1)
	go func() { closed <- c.Wait() }()
	silent.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 256)
	for {
		if _, err := silent.Read(buf); err != nil {
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				t.Fatal("a silent connection was not closed")
			}
			break
		}
	}
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("an authenticated connection with no session was not closed")
	}
	if running, held := ts.waitIdle(5 * time.Second); running != 0 || held != 0 {
		t.Errorf("%d handlers, %d slots still held", running, held)
	}
	ts.srv.mu.Lock()
	waiting, conns := ts.srv.waitingTotal, len(ts.srv.conns)
	ts.srv.mu.Unlock()
	if waiting != 0 || conns != 0 {
		t.Errorf("after both closed: %d waiting, %d addresses with connections", waiting, conns)
	}
}

// TestFloodDoesNotLockOutAnotherAddress: one address that opens hundreds of
// connections and never uses them holds at most its share; a class at another
// address connects as usual.
func TestFloodDoesNotLockOutAnotherAddress(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.MaxPerIP = 10; c.MaxWaitingConns = 64 })
	var flood []net.Conn
	defer func() {
		for _, c := range flood {
			c.Close()
		}
	}()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}
	for range 300 {
		c, err := d.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		flood = append(flood, c)
	}
	// The flood holds its share of waiting places (16), and no more.
	held := 0
	for deadline := time.Now().Add(10 * time.Second); held < 16 && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		ts.srv.mu.Lock()
		held = ts.srv.waiting["127.0.0.2"]
		ts.srv.mu.Unlock()
	}
	if held != 16 {
		t.Errorf("the flooding address holds %d waiting connections, want its 16", held)
	}
	for i := range 10 {
		c, err := ts.dialFrom(t, "127.0.0.1", "student")
		if err != nil {
			t.Fatalf("student %d at another address: %v", i, err)
		}
		defer c.Close()
		s, err := c.NewSession()
		if err != nil {
			t.Fatalf("student %d: session: %v", i, err)
		}
		s.Close()
	}
}

// TestConnectionRate: past ConnBurst connections at once, an address may open
// ConnRate a second; the rest are refused as they come, and another address is not
// affected. A client cut off for flooding could otherwise come straight back, over
// and over.
func TestConnectionRate(t *testing.T) {
	// The buckets' clock stands still but when the test moves it: five dials may
	// take over a second on a loaded machine under -race, which refilled a token.
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	ts := startServer(t, func(c *Config) { c.ConnRate, c.ConnBurst, c.rateClock = 1, 5, clock })
	var clients []*gossh.Client
	for i := range 5 {
		c, err := ts.tryDial("burst")
		if err != nil {
			t.Fatalf("connection %d of the burst: %v", i+1, err)
		}
		clients = append(clients, c)
	}
	if c, err := ts.tryDial("burst"); err == nil {
		c.Close()
		t.Fatal("a 6th connection at once was let in")
	}
	if c, err := ts.dialFrom(t, "127.0.0.2", "other"); err != nil {
		t.Fatalf("another address: %v", err)
	} else {
		c.Close()
	}
	mu.Lock()
	now = now.Add(1100 * time.Millisecond) // a token back
	mu.Unlock()
	if c, err := ts.tryDial("later"); err != nil {
		t.Fatalf("a second later: %v", err)
	} else {
		c.Close()
	}
	for _, c := range clients {
		c.Close()
	}
	// Defaults: a class of 200 at once.
	if DefaultConnBurst < DefaultMaxSessions {
		t.Errorf("burst %d is less than the sessions a class may open", DefaultConnBurst)
	}
}

// TestFloodCost: a session ended for flooding costs its address floodCost new
// connections, down to none and never into debt; other addresses keep theirs.
func TestFloodCost(t *testing.T) {
	var r connRates
	t0 := time.Unix(0, 0)
	for range 5 {
		r.allow("a", t0, 10, 200)
	}
	r.allow("b", t0, 10, 200)
	r.penalize("a", floodCost, t0, 10, 200)
	if got := r.buckets["a"].tokens; got != 200-5-floodCost {
		t.Errorf("after 5 connections and a flood: %v tokens, want %d", got, 200-5-floodCost)
	}
	for range 30 {
		r.penalize("a", floodCost, t0, 10, 200)
	}
	if got := r.buckets["a"].tokens; got != 0 {
		t.Errorf("after 31 floods: %v tokens, want 0 (no debt)", got)
	}
	if r.allow("a", t0, 10, 200) {
		t.Error("a flooding address got a connection with no token left")
	}
	// A second later: ConnRate tokens, one flood's worth.
	if !r.allow("a", t0.Add(time.Second), 10, 200) {
		t.Error("no connection a second after the floods")
	}
	if got := r.buckets["b"].tokens; got != 199 {
		t.Errorf("another address: %v tokens, want 199", got)
	}
	r.penalize("unknown", floodCost, t0, 10, 200) // no bucket: nothing happens
}

// TestFloodCostsItsAddress: a session cut off for flooding costs its address
// floodCost connections of its rate, so that a flooder cannot come straight back
// over and over. (The bound grows with the time the test takes: a slow machine can
// only make it easier to pass.)
func TestFloodCostsItsAddress(t *testing.T) {
	ts := startServer(t, func(c *Config) { c.ConnRate, c.ConnBurst = 1, 100 })
	start := time.Now()
	conn := ts.dial(t, "flooder")
	sess, out, _, done := typingSession(t, conn, "xterm-256color", 80, 24, "")
	out.waitText(t, 5*time.Second, "FRAME")
	in := mustStdin(t, sess)
	go func() {
		chunk := []byte(strings.Repeat("x", 32<<10))
		for {
			if _, err := in.Write(chunk); err != nil {
				return
			}
		}
	}()
	if err := waitDone(t, done, 20*time.Second); exitStatus(err) != exitError {
		t.Fatalf("the flood: %v", err)
	}
	var tokens float64
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		ts.srv.mu.Lock()
		tokens = ts.srv.dials.buckets["127.0.0.1"].tokens
		ts.srv.mu.Unlock()
		if tokens < 100-1-floodCost+time.Since(start).Seconds()+1 || time.Now().After(deadline) {
			break
		}
	}
	// One connection, one flood; and what came back in the meantime at 1 a second.
	if most := 100 - 1 - floodCost + time.Since(start).Seconds() + 1; tokens > most {
		t.Errorf("after a flood the address has %.1f connections left, more than %.1f", tokens, most)
	}
}
