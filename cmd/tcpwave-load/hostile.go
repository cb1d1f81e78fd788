package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// The hostile clients of --hostile N: each kind is what a stranger who can reach the
// port might send, and runs until the measurement ends, starting over whenever the
// server cuts it off. They dial from loopback addresses other than the normal clients'
// (127.0.0.2 and up, a few dozen clients each), as strangers elsewhere on the network
// would.
type hostileKind struct {
	name string
	run  func(h *hostile, from string)
}

var hostileKinds = []hostileKind{
	{"endless paste", (*hostile).paste},
	{"unterminated OSC/DCS", (*hostile).escString},
	{"key flood", (*hostile).keyFlood},
	{"120 KB command", (*hostile).longCommand},
	{"many channels on one connection", (*hostile).manyChannels},
	{"silent TCP connection", (*hostile).silent},
	{"connection without a session", (*hostile).noSession},
}

// hostileShare is how many of every 20 hostile clients are of each kind, in
// hostileKinds' order: most of them hold a session and flood it.
var hostileShare = []int{4, 4, 4, 2, 2, 2, 2}

// hostile runs the hostile clients and counts what they got.
type hostile struct {
	t    *target
	o    options
	stop chan struct{}
	wg   sync.WaitGroup

	sessions atomic.Int64 // sessions the server opened for them
	refused  atomic.Int64 // connections or sessions refused or cut
	written  atomic.Int64 // bytes they wrote into sessions (not all of it reached the server)
	strings  atomic.Int64 // escape strings begun
}

// clientsPerAddress is how many hostile clients share a source address: fewer than
// the server's per-address limit, so that the sessions cap in all is what holds.
const clientsPerAddress = 40

// startHostile starts n hostile clients.
func startHostile(t *target, o options, n int) (*hostile, map[string]int) {
	h := &hostile{t: t, o: o, stop: make(chan struct{})}
	counts := map[string]int{}
	for i := range n {
		k := kindOf(i)
		counts[k.name]++
		from := fmt.Sprintf("127.0.0.%d", 2+i/clientsPerAddress)
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			for !h.stopped() {
				k.run(h, from)
				h.pause(200 * time.Millisecond) // before starting over
			}
		}()
	}
	return h, counts
}

// kindOf spreads the kinds over the clients: one of each first, so that a small
// attack tries them all, then by hostileShare.
func kindOf(i int) hostileKind {
	if i < len(hostileKinds) {
		return hostileKinds[i]
	}
	slot := (i - len(hostileKinds)) % 20
	for k, share := range hostileShare {
		if slot < share {
			return hostileKinds[k]
		}
		slot -= share
	}
	return hostileKinds[0]
}

func (h *hostile) stopped() bool {
	select {
	case <-h.stop:
		return true
	default:
		return false
	}
}

// pause waits d, or less if the measurement ends.
func (h *hostile) pause(d time.Duration) {
	select {
	case <-h.stop:
	case <-time.After(d):
	}
}

// end stops every hostile client and waits for them.
func (h *hostile) end() {
	close(h.stop)
	h.wg.Wait()
}

// dialFrom opens an SSH connection to the target from a local address ("" for any).
func dialFrom(t *target, from string) (*gossh.Client, error) {
	d := net.Dialer{Timeout: 10 * time.Second}
	if from != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(from)}
	}
	conn, err := d.Dial("tcp", t.addr)
	if err != nil {
		return nil, err
	}
	c, chans, reqs, err := gossh.NewClientConn(conn, t.addr, t.cfg)
	if err != nil {
		conn.Close()
		return nil, err
	}
	return gossh.NewClient(c, chans, reqs), nil
}

// session opens a PTY session on conn running the UI, its output discarded; it
// returns the session's input.
func (h *hostile) session(conn *gossh.Client) (*gossh.Session, io.Writer, error) {
	sess, err := conn.NewSession()
	if err != nil {
		h.refused.Add(1)
		return nil, nil, err
	}
	in, err := sess.StdinPipe()
	if err == nil {
		var out io.Reader
		if out, err = sess.StdoutPipe(); err == nil {
			go io.Copy(io.Discard, out)
			if err = sess.RequestPty(h.o.term, h.o.height, h.o.width, gossh.TerminalModes{}); err == nil {
				err = sess.Shell()
			}
		}
	}
	if err != nil {
		h.refused.Add(1)
		sess.Close()
		return nil, nil, err
	}
	h.sessions.Add(1)
	return sess, in, nil
}

// flood opens a session and writes start, then body over and over, as fast as the
// server takes it, until the end or the server cuts it off.
func (h *hostile) flood(from string, start, body []byte) {
	conn, err := dialFrom(h.t, from)
	if err != nil {
		h.refused.Add(1)
		return
	}
	defer conn.Close()
	sess, in, err := h.session(conn)
	if err != nil {
		return
	}
	defer sess.Close()
	go func() { <-h.stop; conn.Close() }() // a blocked write ends with the connection
	if _, err := in.Write(start); err != nil {
		return
	}
	for !h.stopped() {
		n, err := in.Write(body)
		h.written.Add(int64(n))
		if err != nil {
			h.refused.Add(1) // the session was ended under it
			return
		}
	}
}

// paste: a bracketed paste that never ends.
func (h *hostile) paste(from string) {
	h.flood(from, []byte("\x1b[200~"), bytes.Repeat([]byte("AAAAAAA\n"), 4<<10))
}

// escString: an OSC string, and in the next session a DCS string, never terminated.
func (h *hostile) escString(from string) {
	start := []byte("\x1b]0;")
	if h.strings.Add(1)%2 == 0 {
		start = []byte("\x1bP")
	}
	h.flood(from, start, bytes.Repeat([]byte("A"), 32<<10))
}

// keyFlood: key presses (arrows and letters) as fast as the server takes them.
func (h *hostile) keyFlood(from string) {
	h.flood(from, nil, bytes.Repeat([]byte("lh\x1b[C\x1b[D"), 4<<10))
}

// longCommand: a 120 KB command word, over and over.
func (h *hostile) longCommand(from string) {
	conn, err := dialFrom(h.t, from)
	if err != nil {
		h.refused.Add(1)
		return
	}
	defer conn.Close()
	sess, err := conn.NewSession()
	if err != nil {
		h.refused.Add(1)
		return
	}
	defer sess.Close()
	sess.Stdout, sess.Stderr = io.Discard, io.Discard
	if sess.Run(strings.Repeat("a", 120_000)) != nil {
		h.refused.Add(1) // refused, as it should be
	}
}

// manyChannels: one connection opening sessions until refused, then holding them.
func (h *hostile) manyChannels(from string) {
	conn, err := dialFrom(h.t, from)
	if err != nil {
		h.refused.Add(1)
		return
	}
	defer conn.Close()
	for range 100 {
		sess, _, err := h.session(conn)
		if err != nil {
			break
		}
		defer sess.Close()
	}
	h.holdUntilCut(conn)
}

// silent: a TCP connection that never says anything.
func (h *hostile) silent(from string) {
	d := net.Dialer{Timeout: 10 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}}
	conn, err := d.Dial("tcp", h.t.addr)
	if err != nil {
		h.refused.Add(1)
		return
	}
	defer conn.Close()
	go func() { <-h.stop; conn.Close() }()
	io.Copy(io.Discard, conn) // until the server cuts it
	if !h.stopped() {
		h.refused.Add(1)
	}
}

// noSession: an authenticated connection that never opens a session.
func (h *hostile) noSession(from string) {
	conn, err := dialFrom(h.t, from)
	if err != nil {
		h.refused.Add(1)
		return
	}
	defer conn.Close()
	h.holdUntilCut(conn)
}

// holdUntilCut keeps conn open until the server cuts it (a refusal) or the
// measurement ends.
func (h *hostile) holdUntilCut(conn *gossh.Client) {
	done := make(chan struct{})
	go func() { conn.Wait(); close(done) }()
	select {
	case <-h.stop:
	case <-done:
		h.refused.Add(1)
	}
}

// peakRSS samples a process's resident memory every 100 ms until stop, and reports
// the most it saw.
func peakRSS(pid int, stop <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		var peak int64
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			if p, err := sample(pid); err == nil {
				peak = max(peak, p.rss)
			}
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

// measureHostile measures the normal clients alone, then again with the hostile ones
// at work, and reports both and the server's peak memory.
func measureHostile(o options, w io.Writer) error {
	t, stop, base, err := startMeasured(o, w)
	if err != nil {
		return err
	}
	defer stop()

	fmt.Fprintf(w, "\nunloaded: %d normal sessions alone\n", o.n)
	alone, err := firstFrames(t, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "first frame, single client (%d runs): %s\n", o.probes, stats(alone))
	aloneLoad, err := load(t, o, o.n, base, w)
	if err != nil {
		return err
	}

	fmt.Fprintf(w, "\nhostile: %d hostile clients, then the same %d normal sessions\n", o.hostile, o.n)
	stopRSS := make(chan struct{})
	peak := peakRSS(t.pid, stopRSS)
	h, counts := startHostile(t, o, o.hostile)
	for _, k := range hostileKinds {
		fmt.Fprintf(w, "  %3d × %s\n", counts[k.name], k.name)
	}
	h.pause(o.warmup + 2*time.Second)
	underAttack, ffErr := firstFrames(t, o)
	var loaded loadResult
	if ffErr == nil {
		loaded, err = load(t, o, o.n, base, w)
	}
	s, _ := sample(t.pid)
	// A write returns once the bytes are in the client's channel window and TCP
	// buffers; the server reads each connection within a budget, and what it never
	// read goes with the connection.
	fmt.Fprintf(w, "hostile clients: %d sessions opened, %d refusals and cut-offs, %.1f MB written into sessions\n",
		h.sessions.Load(), h.refused.Load(), mb(h.written.Load()))
	h.end()
	close(stopRSS)
	peakBytes := <-peak
	if ffErr != nil {
		return ffErr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "first frame, single client (%d runs), under attack: %s\n", o.probes, stats(underAttack))
	fmt.Fprintf(w, "\nserver peak RSS %.1f MB (%.1f MB at the end of the attack)\n", mb(peakBytes), mb(s.rss))
	fmt.Fprintf(w, "normal sessions' median frame rate: %.1f alone, %.1f under attack (%+.0f%%)\n",
		aloneLoad.median, loaded.median, 100*(loaded.median/aloneLoad.median-1))
	fmt.Fprintf(w, "first frame median: %s alone, %s under attack\n", median(alone), median(underAttack))
	return nil
}

// firstFrames opens o.probes sessions one after another and times each first frame.
func firstFrames(t *target, o options) ([]time.Duration, error) {
	var ttff []time.Duration
	for range o.probes {
		c, err := open(t, o)
		if err != nil {
			return nil, fmt.Errorf("probe: %w", err)
		}
		select {
		case d := <-c.firstFrame:
			ttff = append(ttff, d)
		case <-time.After(10 * time.Second):
			c.close()
			return nil, fmt.Errorf("probe: no frame within 10 s")
		}
		c.close()
	}
	return ttff, nil
}

func median(d []time.Duration) string {
	if len(d) == 0 {
		return "n/a"
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2].Round(100 * time.Microsecond).String()
}
