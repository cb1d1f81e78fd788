package server

import (
	"net"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/ssh"
)

// Connections. Every TCP connection is tracked from the moment it is accepted: its
// address's count of connections, and until it opens its first session, the count of
// connections waiting (in the handshake, or authenticated and idle). Waiting
// connections are capped per address and in all, so that no address (and no crowd of
// them) can hold the server's connections without using them, and they are cut off
// early: a connection that sends nothing for FirstByteTimeout, or opens no session
// within SessionOpenTimeout, is closed. A connection may hold at most
// MaxSessionsPerConn sessions at once, so that one connection cannot take an address's
// whole share. And an address may open at most ConnRate connections a second (after a
// burst of ConnBurst, a class arriving at once): a client cut off cannot come straight
// back, over and over, for what a session costs to set up. A session ended for
// flooding costs its address floodCost connections more.

// connInfo is what the server keeps of one connection.
type connInfo struct {
	ip       string
	sessions int         // sessions open on it (under Server.mu)
	used     bool        // it has opened a session: it no longer waits (under Server.mu)
	spoke    atomic.Bool // the client has sent something
}

// connInfoKey finds a connection's connInfo in its ssh.Context.
type connInfoKey struct{}

// trackedConn is an accepted connection: it notes the client's first bytes, and its
// Close (which charm.land/ssh always calls) gives back what it held.
type trackedConn struct {
	net.Conn
	s      *Server
	info   *connInfo
	once   sync.Once
	mu     sync.Mutex     // guards timers: one may fire before accept has set the other
	timers [2]*time.Timer // the first-byte and session-open deadlines
	budget *readBucket    // how fast it is read (connread.go); only Read uses it
	closed chan struct{}  // closed by Close: a read waiting for its budget gives up
}

func (c *trackedConn) Read(p []byte) (int, error) {
	for {
		k, wait := c.budget.take(len(p), time.Now())
		if wait == 0 {
			p = p[:k]
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-c.closed:
			t.Stop()
			return 0, net.ErrClosed
		}
	}
	n, err := c.Conn.Read(p)
	c.budget.spend(n)
	if n > 0 {
		c.info.spoke.Store(true)
	}
	return n, err
}

func (c *trackedConn) Close() error {
	c.once.Do(func() {
		c.mu.Lock()
		for _, t := range c.timers {
			if t != nil {
				t.Stop()
			}
		}
		c.mu.Unlock()
		c.s.connClosed(c.info)
		close(c.closed)
	})
	return c.Conn.Close()
}

// accept decides on a new connection (ssh.Server.ConnCallback): nil refuses it.
func (s *Server) accept(ctx ssh.Context, conn net.Conn) net.Conn {
	ip := ipKey(conn.RemoteAddr())
	s.mu.Lock()
	why := ""
	switch {
	case !s.dials.allow(ip, s.rateClock(), float64(s.cfg.ConnRate), float64(s.cfg.ConnBurst)):
		why = "connecting too fast from this address"
	case s.conns[ip] >= s.maxConnsPerIP():
		why = "too many connections from this address"
	case s.waiting[ip] >= s.maxWaitingPerIP():
		why = "too many connections from this address without a session"
	case s.waitingTotal >= s.cfg.MaxWaitingConns:
		why = "too many connections without a session"
	}
	if why != "" {
		s.mu.Unlock()
		s.log.Debug("connection refused: "+why, "addr", conn.RemoteAddr().String())
		return nil
	}
	s.conns[ip]++
	s.waiting[ip]++
	s.waitingTotal++
	s.mu.Unlock()
	info := &connInfo{ip: ip}
	ctx.SetValue(connInfoKey{}, info)
	tc := &trackedConn{Conn: conn, s: s, info: info, budget: s.cfg.connReadBudget(time.Now()), closed: make(chan struct{})}
	tc.mu.Lock()
	defer tc.mu.Unlock()
	tc.timers[0] = time.AfterFunc(s.cfg.FirstByteTimeout, func() {
		if !info.spoke.Load() {
			s.log.Debug("connection closed: silent", "addr", conn.RemoteAddr().String())
			_ = tc.Close()
		}
	})
	tc.timers[1] = time.AfterFunc(s.cfg.SessionOpenTimeout, func() {
		s.mu.Lock()
		used := info.used
		s.mu.Unlock()
		if !used {
			s.log.Debug("connection closed: no session opened", "addr", conn.RemoteAddr().String())
			_ = tc.Close()
		}
	})
	return tc
}

// connClosed gives back what a connection held.
func (s *Server) connClosed(info *connInfo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns[info.ip]--; s.conns[info.ip] <= 0 {
		delete(s.conns, info.ip)
	}
	if !info.used {
		s.stopWaiting(info)
	}
}

// stopWaiting takes a connection off the waiting counts. Call with s.mu held.
func (s *Server) stopWaiting(info *connInfo) {
	info.used = true
	s.waitingTotal--
	if s.waiting[info.ip]--; s.waiting[info.ip] <= 0 {
		delete(s.waiting, info.ip)
	}
}

// openSession takes a session on a connection, on top of acquire's slot; it returns a
// reason to refuse instead.
func (s *Server) openSession(ctx ssh.Context) (info *connInfo, refusal string) {
	info, _ = ctx.Value(connInfoKey{}).(*connInfo)
	if info == nil {
		return nil, ""
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if info.sessions >= s.cfg.MaxSessionsPerConn {
		return nil, sayBoth("refuse.per-conn", s.cfg.MaxSessionsPerConn)
	}
	info.sessions++
	if !info.used {
		s.stopWaiting(info)
	}
	return info, ""
}

// closeSession gives back a session openSession took.
func (s *Server) closeSession(info *connInfo) {
	if info == nil {
		return
	}
	s.mu.Lock()
	info.sessions--
	s.mu.Unlock()
}

// maxConnsPerIP is the cap on TCP connections from one address: twice the session
// cap, and at least 16.
func (s *Server) maxConnsPerIP() int { return max(2*s.cfg.MaxPerIP, 16) }

// maxWaitingPerIP is the cap on one address's connections without a session: a class
// behind one NAT address may all connect at once, but one address never takes more
// than half of all the waiting places.
func (s *Server) maxWaitingPerIP() int {
	return max(1, min(max(s.cfg.MaxPerIP, 16), s.cfg.MaxWaitingConns/2))
}

// connRates are token buckets of new connections, one per client address.
type connRates struct {
	buckets map[string]*connBucket
	swept   time.Time // when forgetFull last ran
}

type connBucket struct {
	tokens float64
	at     time.Time
}

// maxRateAddresses bounds the addresses whose rate is remembered: past it, the full
// buckets (addresses quiet for a while) are forgotten.
const maxRateAddresses = 1 << 16

// allow takes a token from ip's bucket, if it has one. Call with Server.mu held.
func (r *connRates) allow(ip string, now time.Time, rate, burst float64) bool {
	if r.buckets == nil {
		r.buckets = map[string]*connBucket{}
	}
	b := r.buckets[ip]
	if b == nil {
		if len(r.buckets) >= maxRateAddresses && now.Sub(r.swept) >= time.Second {
			r.swept = now
			r.forgetFull(now, rate, burst)
		}
		if len(r.buckets) >= maxRateAddresses {
			return true // too many addresses at once to remember: the other caps hold
		}
		b = &connBucket{tokens: burst, at: now}
		r.buckets[ip] = b
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.at).Seconds()*rate)
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// floodCost is what a session ended for flooding costs its address, in new
// connections: after its burst, an address that floods gets one flood a second
// (ConnRate/floodCost), not ConnRate. Each flooded session costs the server a whole
// session's set-up, its screen and the input it read, and the address's other
// connections a turn; the ones already open go on as before.
const floodCost = 10

// penalize takes cost tokens from ip's bucket, down to none (no debt: the address
// may come back at the usual rate once the flood stops). Call with Server.mu held.
func (r *connRates) penalize(ip string, cost float64, now time.Time, rate, burst float64) {
	b := r.buckets[ip]
	if b == nil {
		return
	}
	b.tokens = max(0, min(burst, b.tokens+now.Sub(b.at).Seconds()*rate)-cost)
	b.at = now
}

// forgetFull drops the buckets that have filled up again: those addresses are as if
// new.
func (r *connRates) forgetFull(now time.Time, rate, burst float64) {
	for ip, b := range r.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*rate >= burst {
			delete(r.buckets, ip)
		}
	}
}
