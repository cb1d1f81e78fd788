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
	"github.com/tcpwave/tcpwave/view"
)

// Options tune a kernel run.
type Options struct {
	// Horizon is how long after the scenario's zero the run observes the kernel.
	Horizon time.Duration
	// Pcap, when set, receives every segment the link carried, as a pcap file.
	Pcap io.Writer
}

// pollEvery is how often sock_diag is read between segments and calls: what changes a
// state then is a timer (TIME_WAIT's end, tcp_fin_timeout), whose time is rounded to
// the kernel's tick anyway.
const pollEvery = 2 * time.Millisecond

// quiet is how long the connection must carry nothing before time zero: longer than
// a delayed ACK (40 ms, up to 200 ms) so that nothing of the set-up is still pending.
const quiet = 300 * time.Millisecond

// Run plays the scenario on this machine's kernel: two throw-away network namespaces
// joined by a link that tcpwave carries, the two apps' scripts on real sockets, until
// opt.Horizon. It returns the timeline in the trace grammar. The namespaces are gone
// when it returns, whatever happened (they are anonymous: closing their last handle,
// socket and device frees them, and the kernel does that even if tcpwave is killed).
func Run(ctx context.Context, sc *model.Scenario, opt Options) (*Result, error) {
	if why := UnplayableReason(sc); why != nil {
		return nil, view.Errorf("%s cannot run on real sockets: %v", sc.ID, why)
	}
	sysctls, err := sysctlsFor(sc)
	if err != nil {
		return nil, err
	}
	c := &clock{zero: time.Now()}
	ends := [2]*endpointNS{}
	defer func() {
		for _, e := range ends {
			if e != nil {
				e.close()
			}
		}
	}()
	ends[model.A], err = openEndpoint(addrA, addrB, sysctls)
	if err != nil {
		return nil, err
	}
	ends[model.B], err = openEndpoint(addrB, addrA, sysctls)
	if err != nil {
		return nil, err
	}

	l := newLink(ends[model.A].tun, ends[model.B].tun, sc, c)
	obs := &observer{diag: [2]*diagSock{ends[model.A].diag, ends[model.B].diag}, clock: c}
	l.afterDeliver = obs.look
	l.afterSend = obs.look
	var wg sync.WaitGroup
	l.start(&wg)
	defer func() {
		// The TUN devices close with the namespaces (deferred above, after this): stop
		// the deliverers now, the readers end when their device closes.
		l.stop()
	}()

	conns, ln, err := connect(ends, sc, reconnects(sc))
	if err != nil {
		return nil, err
	}
	if ln != nil {
		defer ln.Close()
	}
	defer func() {
		for _, cn := range conns {
			cn.Close()
		}
	}()
	if err := waitQuiet(ctx, l, c); err != nil {
		return nil, err
	}

	obs.look(model.A)
	obs.look(model.B)
	var appMu sync.Mutex
	var apps []appObs
	rec := func(a appObs) {
		appMu.Lock()
		if len(apps) < maxStateObs {
			apps = append(apps, a)
		}
		appMu.Unlock()
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	var appWG sync.WaitGroup
	var runners [2]*appRunner
	go0 := make(chan struct{})
	var t0 time.Duration
	for side := model.A; side <= model.B; side++ {
		if ka := sc.Apps[side].Keepalive; ka != nil {
			if err := conns[side].SetKeepAliveConfig(net.KeepAliveConfig{Enable: true, Idle: ka.Idle, Interval: ka.Interval, Count: ka.Probes}); err != nil {
				return nil, view.Errorf("keepalive: %v", err)
			}
		}
		r := &appRunner{side: side, app: sc.Apps[side], conn: conns[side], ns: ends[side].ns, clock: c, obs: obs, rec: rec}
		if side == model.B {
			r.ln = ln
		}
		runners[side] = r
		appWG.Add(1)
		go func() {
			defer appWG.Done()
			r.prepare()
			<-go0
			r.t0 = t0
			r.run(runCtx)
		}()
	}
	// Time zero: both apps are waiting on go0, their readers started.
	time.Sleep(time.Millisecond)
	t0 = c.now()
	l.arm()
	close(go0)

	// Observe until the horizon: sock_diag between segments, for what timers do.
	tick := time.NewTicker(pollEvery)
	end := time.NewTimer(opt.Horizon - (c.now() - t0))
	func() {
		defer tick.Stop()
		defer end.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-end.C:
				return
			case <-tick.C:
				obs.look(model.A)
				obs.look(model.B)
			}
		}
	}()
	cancel()
	appWG.Wait()
	for _, r := range runners {
		r.finish()
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	segs, lerr := l.segments()
	changes, oerr := obs.changes()
	if err := errors.Join(lerr, oerr); err != nil {
		return nil, err
	}
	appMu.Lock()
	defer appMu.Unlock()
	res := buildResult(sc, t0, opt.Horizon, segs, changes, apps)
	res.Late = max(l.lateness(), runners[model.A].lateness(), runners[model.B].lateness())
	if res.Late > MaxLate {
		res.Header = append(res.Header, fmt.Sprintf("disturbed: the link or an app was up to %s ms late (a busy machine): these times are not the kernel's alone", model.FormatMillis(res.Late)))
	}
	if opt.Pcap != nil {
		if err := writePcap(opt.Pcap, segs, c.zero); err != nil {
			return res, err
		}
	}
	// Close the sockets with SO_LINGER 0 so that nothing of this run lingers.
	for _, cn := range conns {
		cn.SetLinger(0)
	}
	return res, nil
}

// reconnects reports whether a script opens a new connection.
func reconnects(sc *model.Scenario) bool {
	for _, app := range sc.Apps {
		for _, st := range app.Steps {
			if st.Call == model.CallConnect {
				return true
			}
		}
	}
	return false
}

// connect opens the connection before time zero: B listens, A connects from its fixed
// port, B accepts, and each side writes what the scenario says it wrote, which the
// other reads whole. The listener is closed once the connection is accepted, unless
// keep (a script reconnects): then it is returned, open.
func connect(ends [2]*endpointNS, sc *model.Scenario, keep bool) (conns [2]*net.TCPConn, kept *net.TCPListener, err error) {
	var ln *net.TCPListener
	err = inNS(ends[model.B].ns, func() error {
		var err error
		// KeepAlive -1: Go turns TCP keepalive on (15 s) for every accepted and dialed
		// connection unless told not to; the scenario's apps have it only when their
		// script says so (seen: a probe at 15 s in peer-never-closes before this).
		lc := net.ListenConfig{KeepAlive: -1}
		l, err := lc.Listen(context.Background(), "tcp4", (&net.TCPAddr{IP: addrB, Port: portB}).String())
		if err != nil {
			return err
		}
		ln = l.(*net.TCPListener)
		return nil
	})
	if err != nil {
		return conns, nil, view.Errorf("listen: %v", err)
	}
	defer func() {
		if keep && err == nil {
			kept = ln
			return
		}
		ln.Close()
	}()
	err = inNS(ends[model.A].ns, func() error {
		d := net.Dialer{LocalAddr: &net.TCPAddr{IP: addrA, Port: portA}, Timeout: 5 * time.Second, KeepAlive: -1,
			Control: func(_, _ string, rc syscall.RawConn) error {
				var serr error
				rc.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_REUSEADDR, 1) })
				return serr
			}}
		cn, err := d.Dial("tcp4", (&net.TCPAddr{IP: addrB, Port: portB}).String())
		if err != nil {
			return err
		}
		conns[model.A] = cn.(*net.TCPConn)
		return nil
	})
	if err != nil {
		return conns, nil, view.Errorf("connect: %v", err)
	}
	ln.SetDeadline(time.Now().Add(5 * time.Second))
	b, err := ln.AcceptTCP()
	if err != nil {
		conns[model.A].Close()
		return conns, nil, view.Errorf("accept: %v", err)
	}
	conns[model.B] = b
	ln.SetDeadline(time.Time{})
	for side := model.A; side <= model.B; side++ {
		n := sc.Exchanged[side]
		if n == 0 {
			continue
		}
		if _, err := conns[side].Write(make([]byte, n)); err != nil {
			return conns, nil, view.Errorf("write before time zero: %v", err)
		}
		peer := conns[side.Peer()]
		peer.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadFull(peer, make([]byte, n)); err != nil {
			return conns, nil, view.Errorf("read before time zero: %v", err)
		}
		peer.SetReadDeadline(time.Time{})
	}
	return conns, nil, nil
}

// waitQuiet waits until the link has carried nothing for the quiet time.
func waitQuiet(ctx context.Context, l *link, c *clock) error {
	for i := 0; i < 100; i++ {
		segs, err := l.segments()
		if err != nil {
			return err
		}
		last := time.Duration(0)
		if len(segs) > 0 {
			last = segs[len(segs)-1].at
		}
		wait := last + quiet - c.now()
		if wait <= 0 {
			return nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	return view.Errorf("the connection never went quiet before time zero")
}
