//go:build linux

package real

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// appObs is one application call and its result, in the trace's words ("close",
// "read -> n=100", "write n=10 -> error EPIPE").
type appObs struct {
	at   time.Duration // on the run's clock
	side model.Side
	call string
}

// appRunner plays one side's script on a real socket, as model/app.go plays it on the
// model's: each step waits for its trigger, then for its delay, then makes the call.
type appRunner struct {
	side  model.Side
	app   model.App
	conn  *net.TCPConn
	clock *clock
	t0    time.Duration // the scenario's zero on the clock
	obs   *observer
	rec   func(appObs)

	mu       sync.Mutex
	eof      bool
	reset    bool
	closed   bool          // close() was called: the reader stops
	late     time.Duration // the latest a call came after its time
	changed  chan struct{}
	readerWG sync.WaitGroup
}

// now is the time relative to the scenario's zero.
func (r *appRunner) now() time.Duration { return r.clock.now() - r.t0 }

// record notes a call with its time on the run's clock (the reader calls it too, and
// it starts before time zero is known).
func (r *appRunner) record(call string) {
	r.rec(appObs{at: r.clock.now(), side: r.side, call: call})
}

// notify wakes a step waiting for a trigger.
func (r *appRunner) notify() {
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// prepare starts the reader (before time zero: it only waits).
func (r *appRunner) prepare() {
	r.changed = make(chan struct{}, 1)
	if !r.app.NoRead {
		r.startReader()
	}
}

// run plays the script until it ends or ctx is done (after prepare, from time zero).
func (r *appRunner) run(ctx context.Context) {
	var lastRun time.Duration
	for i, st := range r.app.Steps {
		trig, ok := r.waitTrigger(ctx, st.On)
		if !ok {
			return
		}
		at := trig + st.After
		switch {
		case st.HasAt:
			at = max(st.At, r.now())
		case st.On == model.OnPrevious && i > 0:
			at = lastRun + st.After
		case st.On == model.OnPrevious:
			at = st.After
		}
		if !sleepUntil(ctx, r, at) {
			return
		}
		lastRun = at
		r.mu.Lock()
		r.late = max(r.late, r.now()-at)
		r.mu.Unlock()
		r.step(st)
	}
	<-ctx.Done()
}

// sleepUntil waits until scenario time at; false if ctx ended first.
func sleepUntil(ctx context.Context, r *appRunner, at time.Duration) bool {
	d := at - r.now()
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// waitTrigger waits until the trigger holds and returns when it began to (for
// OnPrevious: now).
func (r *appRunner) waitTrigger(ctx context.Context, t model.Trigger) (time.Duration, bool) {
	poll := time.NewTicker(2 * time.Millisecond) // for OnClosed, read from sock_diag
	defer poll.Stop()
	for {
		r.mu.Lock()
		ok := false
		switch t {
		case model.OnPrevious, model.OnEstablished:
			ok = true // the connection is ESTABLISHED before time zero
		case model.OnEOF:
			ok = r.eof
		case model.OnReset:
			ok = r.reset
		case model.OnClosed:
			ok = r.obs.current(r.side) == model.Closed
		}
		r.mu.Unlock()
		if ok {
			return r.now(), true
		}
		select {
		case <-ctx.Done():
			return 0, false
		case <-r.changed:
		case <-poll.C:
		}
	}
}

// startReader reads everything that arrives until EOF, an error, or close().
func (r *appRunner) startReader() {
	r.readerWG.Add(1)
	go func() {
		defer r.readerWG.Done()
		buf := make([]byte, 1<<16)
		for {
			n, err := r.conn.Read(buf)
			r.mu.Lock()
			stopped := r.closed
			r.mu.Unlock()
			if stopped {
				return // close() was called: a closed socket reads no more (the app let go)
			}
			if n > 0 {
				r.record(fmt.Sprintf("read -> n=%d", n))
			}
			switch {
			case err == nil:
				continue
			case errors.Is(err, io.EOF):
				r.record("read -> EOF")
				r.mu.Lock()
				r.eof = true
				r.mu.Unlock()
			default:
				r.record("read -> error " + errnoName(err))
				r.mu.Lock()
				r.reset = true
				r.mu.Unlock()
			}
			r.notify()
			return
		}
	}()
}

// step makes one call, around which both sockets are read through sock_diag, so that a
// state that lasts only until this call is seen.
func (r *appRunner) step(st model.Step) {
	r.obs.look(r.side)
	defer r.obs.look(r.side)
	switch st.Call {
	case model.CallClose:
		r.mu.Lock()
		r.closed = true
		r.mu.Unlock()
		r.record("close")
		r.conn.Close()
	case model.CallShutdown:
		if err := r.conn.CloseWrite(); err != nil {
			r.record("shutdown SHUT_WR -> error " + errnoName(err))
			return
		}
		r.record("shutdown SHUT_WR")
	case model.CallWrite:
		call := fmt.Sprintf("write n=%d", st.N)
		n, err := r.conn.Write(make([]byte, st.N))
		if err != nil {
			r.record(call + " -> error " + errnoName(err))
			r.mu.Lock()
			r.reset = true
			r.mu.Unlock()
			r.notify()
			return
		}
		r.record(fmt.Sprintf("%s -> %d", call, n))
	case model.CallLinger0:
		if err := r.conn.SetLinger(0); err != nil {
			r.record("setsockopt SO_LINGER {l_onoff=1, l_linger=0} -> error " + errnoName(err))
			return
		}
		r.record("setsockopt SO_LINGER {l_onoff=1, l_linger=0}")
	case model.CallRead:
		if r.app.NoRead {
			r.app.NoRead = false
			r.startReader()
		}
	}
}

// lateness is how late the latest call came.
func (r *appRunner) lateness() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.late
}

// wait waits for the reader to end (after the connection was closed).
func (r *appRunner) wait() { r.readerWG.Wait() }

// errnoName names the errno behind a socket error ("EPIPE"), or says what it was.
func errnoName(err error) string {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		switch errno {
		case syscall.EPIPE:
			return "EPIPE"
		case syscall.ECONNRESET:
			return "ECONNRESET"
		case syscall.ENOTCONN:
			return "ENOTCONN"
		case syscall.ETIMEDOUT:
			return "ETIMEDOUT"
		case syscall.ECONNREFUSED:
			return "ECONNREFUSED"
		case syscall.EADDRNOTAVAIL:
			return "EADDRNOTAVAIL"
		}
		return fmt.Sprintf("errno %d", int(errno))
	}
	if errors.Is(err, net.ErrClosed) {
		return "EBADF"
	}
	return err.Error()
}
