package server

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"time"
)

// The backlog hands on, in order, everything that passed the guard, in reads of any
// size across the ring's end, then the guard's end. (Each chunk is sent once the
// reader has taken what came before, so nothing is dropped.)
func TestBacklogPassesEverythingInOrder(t *testing.T) {
	in := make([]byte, 200_000)
	for i := range in {
		in[i] = 'a' + byte(i%26)
	}
	taken := make(chan int, 1)
	src := &chunkReader{rest: in, rng: rand.New(rand.NewPCG(1, 2)), taken: taken}
	lim := guardLimits{Rate: 1e12, Burst: 1e12, MaxString: 1 << 10, MaxCSI: 64, MaxPaste: 1 << 10}
	c := &clock{time.Unix(1000, 0)}
	b := newBacklog(newInputGuard(src, lim, c.now, nil), 5000)
	var out []byte
	buf := make([]byte, 777)
	for {
		n, err := b.Read(buf)
		out = append(out, buf[:n]...)
		select { // the latest count replaces one not yet seen
		case <-taken:
		default:
		}
		taken <- len(out)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(out, in) {
		t.Errorf("the backlog passed %d bytes, not the %d it was given in order", len(out), len(in))
	}
}

// chunkReader returns in in random chunks of up to 3000 bytes, each once the reader at
// the far end has taken all before it.
type chunkReader struct {
	rest  []byte
	sent  int
	rng   *rand.Rand
	taken chan int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	for c.sent > 0 {
		if n := <-c.taken; n >= c.sent {
			break
		}
	}
	if len(c.rest) == 0 {
		return 0, io.EOF
	}
	n := copy(p, c.rest[:min(len(c.rest), 1+c.rng.IntN(3000))])
	c.rest = c.rest[n:]
	c.sent += n
	return n, nil
}

// A program that takes no keys at all: the guard still reads, the backlog fills, what
// does not fit is dropped and counted, and the flood ends the input (errFlood) after
// MaxRateDropped bytes, with the user told once.
func TestBacklogFindsAFloodThatTheProgramCannotTake(t *testing.T) {
	var told []guardLimit
	c := &clock{time.Unix(1000, 0)}
	lim := guardLimits{Rate: 1e12, Burst: 1e12, MaxRateDropped: 64 << 10, MaxString: 1 << 10, MaxCSI: 64, MaxPaste: 1 << 10}
	src := &countingReader{r: bytes.NewReader(bytes.Repeat([]byte("x"), 10<<20))}
	b := newBacklog(newInputGuard(src, lim, c.now, func(l guardLimit) { told = append(told, l) }), 16<<10)
	deadline := time.Now().Add(10 * time.Second)
	for {
		b.mu.Lock()
		closed, err := b.closed, b.err
		b.mu.Unlock()
		if closed {
			if !errors.Is(err, errFlood) {
				t.Fatalf("the backlog ended with %v, want the flood", err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a flood into a program that takes nothing never ended")
		}
		time.Sleep(time.Millisecond)
	}
	if most := int64(16<<10 + 64<<10 + 2*guardRead); int64(src.n) > most {
		t.Errorf("read %d bytes before ending the flood, want at most %d", src.n, most)
	}
	if len(told) != 1 || told[0] != limitRate {
		t.Errorf("told %v, want the rate once", told)
	}
}
