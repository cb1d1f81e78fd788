package server

import (
	"errors"
	"io"
	"sync"
)

// A backlog decouples the input guard from the program that consumes its keys. The
// guard finds a flood by what it drops, and it drops only what it reads; were it read
// at the pace the program takes keys, a program slower than the guard's rate (a busy
// machine, many sessions) would never fall behind the guard, nothing would be dropped,
// and a flood would cost that program's whole core for as long as the client cared to
// send. So a goroutine of its own reads the guard as fast as the client sends, and
// keeps what passed in a bounded buffer for the terminal reader; what does not fit is
// dropped and counted against the guard's rate, so a flood the program cannot keep up
// with ends the session like any other.
type backlog struct {
	mu     sync.Mutex
	wake   sync.Cond
	buf    []byte // a ring of cap(buf) bytes
	start  int    // where the unread bytes begin
	n      int    // how many there are
	err    error  // the guard's error, once it has one
	closed bool
}

// newBacklog starts reading g into a backlog of at most size bytes.
func newBacklog(g *inputGuard, size int) *backlog {
	b := &backlog{buf: make([]byte, size)}
	b.wake.L = &b.mu
	go b.fill(g)
	return b
}

// fill reads the guard until it fails.
func (b *backlog) fill(g *inputGuard) {
	chunk := make([]byte, guardRead)
	for {
		n, err := g.Read(chunk)
		if n > 0 && !b.put(chunk[:n]) {
			g.droppedBehind(n)
		}
		if err != nil {
			b.mu.Lock()
			b.err, b.closed = err, true
			if errors.Is(err, errFlood) {
				b.n = 0 // the keys still waiting are the flood's: the end comes first
			}
			b.mu.Unlock()
			b.wake.Broadcast()
			return
		}
	}
}

// put adds p whole, or reports that it does not fit (the keys in it are dropped
// whole, as far as a read's worth can be: a sequence split over two reads may lose
// one half).
func (b *backlog) put(p []byte) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(p) > len(b.buf)-b.n {
		return false
	}
	end := (b.start + b.n) % len(b.buf)
	k := copy(b.buf[end:], p)
	copy(b.buf, p[k:])
	b.n += len(p)
	b.wake.Signal()
	return true
}

// Read implements io.Reader for the terminal reader: it waits for input, and returns
// the guard's error once what came before it has been read (a flood's at once).
func (b *backlog) Read(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.n == 0 && !b.closed {
		b.wake.Wait()
	}
	if b.n == 0 {
		if b.err == nil {
			return 0, io.EOF
		}
		return 0, b.err
	}
	k := min(len(p), b.n, len(b.buf)-b.start)
	copy(p, b.buf[b.start:b.start+k])
	b.start = (b.start + k) % len(b.buf)
	b.n -= k
	return k, nil
}
