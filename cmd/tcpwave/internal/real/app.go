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

	"github.com/vishvananda/netns"

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
	conn  *net.TCPConn     // the app's socket; a reconnect or an accept replaces it (under mu)
	ns    netns.NsHandle   // the side's namespace, for a reconnect's new socket
	ln    *net.TCPListener // B's listener, kept open when the script reconnects
	clock *clock
	t0    time.Duration // the scenario's zero on the clock
	obs   *observer
	rec   func(appObs)

	mu       sync.Mutex
	eof      bool
	reset    bool
	closed   bool           // close() was called: the reader stops
	linger   bool           // SO_LINGER {1, t > 0} is set: close() blocks, and says when it returns
	late     time.Duration  // the latest a call came after its time
	stopped  bool           // the run is over
	extra    []*net.TCPConn // sockets a reconnect or accept replaced, closed at the end
	changed  chan struct{}
	readerWG sync.WaitGroup
}

// now is the time relative to the scenario's zero.
func (r *appRunner) now() time.Duration { return r.clock.now() - r.t0 }

// record notes a call with its time on the run's clock (the reader calls it too, and
// it starts before time zero is known).
func (r *appRunner) record(call string) {
	r.recordAt(r.clock.now(), call)
}

// recordAt notes a call made at a time taken before the system call: a call's
// segment (a write's data, a connect's SYN) leaves inside the call, and the trace
// puts the call first, as the model does.
func (r *appRunner) recordAt(at time.Duration, call string) {
	r.rec(appObs{at: at, side: r.side, call: call})
}

// notify wakes a step waiting for a trigger.
func (r *appRunner) notify() {
	select {
	case r.changed <- struct{}{}:
	default:
	}
}

// prepare starts the reader (before time zero: it only waits), and B's accept loop
// when it keeps its listener.
func (r *appRunner) prepare() {
	r.changed = make(chan struct{}, 1)
	if !r.app.NoRead {
		r.startReader()
	}
	if r.ln != nil {
		r.readerWG.Add(1)
		go func() {
			defer r.readerWG.Done()
			r.acceptLoop()
		}()
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
		case model.OnPrevious:
			ok = true
		case model.OnEstablished:
			st := r.obs.current(r.side)
			ok = st == model.Established || st == model.CloseWait
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

// socket returns the app's current socket.
func (r *appRunner) socket() *net.TCPConn {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.conn
}

// startReader reads everything that arrives on the current socket until EOF, an
// error, or close().
func (r *appRunner) startReader() {
	conn := r.socket()
	if conn == nil {
		return
	}
	r.readerWG.Add(1)
	go func() {
		defer r.readerWG.Done()
		buf := make([]byte, 1<<16)
		for {
			n, err := conn.Read(buf)
			r.mu.Lock()
			stopped := r.closed || r.conn != conn // closed, or replaced by a reconnect
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
		if c := r.socket(); c != nil {
			// With SO_LINGER {1, t} the kernel's close() blocks (inet_release passes
			// sk_lingertime to tcp_close, whatever O_NONBLOCK says) until the FIN is
			// ACKed or t runs out, and returns 0 either way.
			err := c.Close()
			if r.linger {
				if err != nil {
					r.record("close -> error " + errnoName(err))
				} else {
					r.record("close -> 0")
				}
			}
		}
	case model.CallShutdown:
		at := r.clock.now()
		if err := r.socket().CloseWrite(); err != nil {
			r.recordAt(at, "shutdown SHUT_WR -> error "+errnoName(err))
			return
		}
		r.recordAt(at, "shutdown SHUT_WR")
	case model.CallWrite:
		call := fmt.Sprintf("write n=%d", st.N)
		at := r.clock.now()
		n, err := r.socket().Write(make([]byte, st.N))
		if err != nil {
			r.recordAt(at, call+" -> error "+errnoName(err))
			r.mu.Lock()
			r.reset = true
			r.mu.Unlock()
			r.notify()
			return
		}
		r.recordAt(at, fmt.Sprintf("%s -> %d", call, n))
	case model.CallLinger0:
		if err := r.socket().SetLinger(0); err != nil {
			r.record("setsockopt SO_LINGER {l_onoff=1, l_linger=0} -> error " + errnoName(err))
			return
		}
		r.record("setsockopt SO_LINGER {l_onoff=1, l_linger=0}")
	case model.CallLinger:
		// SO_LINGER counts in seconds (sock_setsockopt); the model's times are the
		// same whole seconds in the catalog.
		call := fmt.Sprintf("setsockopt SO_LINGER {l_onoff=1, l_linger=%s}", model.FormatDuration(st.Linger))
		if err := r.socket().SetLinger(int((st.Linger + time.Second - 1) / time.Second)); err != nil {
			r.record(call + " -> error " + errnoName(err))
			return
		}
		r.linger = true
		r.record(call)
	case model.CallConnect:
		r.connect()
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

// finish ends the run's goroutines: it closes every socket the app had (the current
// one too) and waits for the readers, the accept loop and a pending connect.
func (r *appRunner) finish() {
	r.mu.Lock()
	r.stopped = true
	socks := append([]*net.TCPConn{r.conn}, r.extra...)
	r.mu.Unlock()
	for _, c := range socks {
		if c != nil {
			c.SetLinger(0)
			c.Close()
		}
	}
	if r.ln != nil {
		r.ln.Close()
	}
	r.readerWG.Wait()
}

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
