//go:build linux

package real

import (
	"errors"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// acceptLoop accepts the connections a reconnect opens: the new one becomes the
// app's socket ("accept -> ok"), read like the first.
func (r *appRunner) acceptLoop() {
	for {
		c, err := r.ln.AcceptTCP()
		if err != nil {
			return // the listener was closed at the end of the run
		}
		if r.app.Keepalive == nil {
			c.SetKeepAlive(false) // Go's default for accepted connections is on
		}
		r.record("accept -> ok")
		r.mu.Lock()
		old := r.conn
		r.conn, r.eof, r.reset, r.closed = c, false, false, false
		if old != nil {
			r.extra = append(r.extra, old)
		}
		r.mu.Unlock()
		if !r.app.NoRead {
			r.startReader()
		}
		r.notify()
	}
}

// connect opens a new connection on the same 4-tuple (a reconnect): a socket bound to
// the app's port with SO_REUSEADDR (a bound port, as the scenario's), connected
// without blocking so that the call is recorded when it is made, its outcome when it
// comes. The kernel picks the ISN.
func (r *appRunner) connect() {
	var fd int
	err := inNS(r.ns, func() error {
		var err error
		fd, err = unix.Socket(unix.AF_INET, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		if err := unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); err != nil {
			unix.Close(fd)
			return err
		}
		var a4 [4]byte
		copy(a4[:], addrA)
		if err := unix.Bind(fd, &unix.SockaddrInet4{Port: portA, Addr: a4}); err != nil {
			unix.Close(fd)
			return err
		}
		return nil
	})
	if err != nil {
		r.record("connect -> error " + errnoName(err))
		return
	}
	var b4 [4]byte
	copy(b4[:], addrB)
	at := r.clock.now()
	err = unix.Connect(fd, &unix.SockaddrInet4{Port: portB, Addr: b4})
	if err != nil && !errors.Is(err, unix.EINPROGRESS) {
		unix.Close(fd)
		r.recordAt(at, "connect -> error "+errnoName(err))
		return
	}
	r.recordAt(at, "connect")
	r.readerWG.Add(1)
	go func() {
		defer r.readerWG.Done()
		r.awaitConnect(fd)
	}()
}

// awaitConnect waits for a non-blocking connect to finish (up to the run's end: the
// fd is closed then) and makes the socket the app's.
func (r *appRunner) awaitConnect(fd int) {
	for {
		r.mu.Lock()
		stop := r.stopped
		r.mu.Unlock()
		if stop {
			unix.Close(fd)
			return
		}
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
		n, err := unix.Poll(pfd, 20)
		if err != nil && !errors.Is(err, unix.EINTR) {
			unix.Close(fd)
			return
		}
		if n > 0 {
			break
		}
	}
	if soerr, err := unix.GetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_ERROR); err != nil || soerr != 0 {
		unix.Close(fd)
		if err == nil {
			err = unix.Errno(soerr)
		}
		r.record("connect -> error " + errnoName(err))
		r.mu.Lock()
		r.reset = true
		r.mu.Unlock()
		r.notify()
		return
	}
	f := os.NewFile(uintptr(fd), "reconnect")
	c, err := net.FileConn(f)
	f.Close()
	if err != nil {
		return
	}
	r.mu.Lock()
	old := r.conn
	r.conn, r.eof, r.reset, r.closed = c.(*net.TCPConn), false, false, false
	if old != nil {
		r.extra = append(r.extra, old)
	}
	r.mu.Unlock()
	if !r.app.NoRead {
		r.startReader()
	}
	r.notify()
}
