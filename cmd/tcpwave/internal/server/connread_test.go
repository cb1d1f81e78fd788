package server

import (
	"net"
	"testing"
	"time"
)

// TestReadBucket: a connection's read budget, as a table over a fake clock: the
// burst at once, then the rate, in chunks of at least minConnRead.
func TestReadBucket(t *testing.T) {
	t0 := time.Unix(0, 0)
	b := &readBucket{rate: 64 << 10, burst: 352 << 10, tokens: 352 << 10, at: t0}
	steps := []struct {
		at       time.Duration
		want     int
		n        int
		wait     time.Duration
		spend    int
		describe string
	}{
		{0, 32 << 10, 32 << 10, 0, 32 << 10, "a read within the burst passes whole"},
		{0, 1 << 20, 320 << 10, 0, 320 << 10, "a read larger than what is left gets what is left"},
		{0, 32 << 10, 0, 62500 * time.Microsecond, 0, "an empty bucket: wait for a chunk of 4 KiB (at 64 KiB/s)"},
		{62500 * time.Microsecond, 32 << 10, 4 << 10, 0, 4 << 10, "after the wait, the chunk"},
		{62500 * time.Microsecond, 100, 0, 1525878, 0, "a small read waits only for itself"},
		{time.Hour, 1 << 30, 352 << 10, 0, 0, "after a long quiet, never more than the burst"},
	}
	for _, s := range steps {
		n, wait := b.take(s.want, t0.Add(s.at))
		if n != s.n || wait != s.wait {
			t.Errorf("%s: take(%d) at %v = %d, %v; want %d, %v", s.describe, s.want, s.at, n, wait, s.n, s.wait)
		}
		b.spend(s.spend)
	}
}

// TestConnReadBudget: a connection is read no faster than its budget: however much
// the client sends, the server reads the burst at once and then at the rate (an upper
// bound: a busy machine only reads less); and a read waiting for its budget ends when
// the connection is closed.
func TestConnReadBudget(t *testing.T) {
	srv, cli := tcpPair(t)
	cfg := Config{MaxDroppedInput: 64 << 10, InputBurst: 16 << 10, InputRate: 4 << 10, MaxSessionsPerConn: 4}
	tc := &trackedConn{Conn: srv, info: &connInfo{}, budget: cfg.connReadBudget(time.Now()), closed: make(chan struct{})}
	s := &Server{conns: map[string]int{}, waiting: map[string]int{}}
	tc.s = s
	tc.info.used = true
	burst, rate := tc.budget.burst, tc.budget.rate // 144 KiB, 32 KiB/s
	go func() {
		chunk := make([]byte, 64<<10)
		for {
			if _, err := cli.Write(chunk); err != nil {
				return
			}
		}
	}()
	start := time.Now()
	buf := make([]byte, 32<<10)
	var read float64
	for read < burst+32<<10 { // a second past the burst
		n, err := tc.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		read += float64(n)
		if most := burst + rate*time.Since(start).Seconds() + minConnRead; read > most {
			t.Fatalf("read %.0f bytes in %v: more than the budget's %.0f", read, time.Since(start), most)
		}
	}
	// Now the bucket is empty: a read waits, and Close ends the wait.
	go func() { time.Sleep(50 * time.Millisecond); tc.Close() }()
	for {
		if _, err := tc.Read(buf); err != nil {
			break
		}
	}
}

// tcpPair is a connected pair of loopback TCP connections.
func tcpPair(t *testing.T) (server, client net.Conn) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	client, err = net.Dial("tcp", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server = <-accepted
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { server.Close(); client.Close() })
	return server, client
}
