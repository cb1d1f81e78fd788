// Command tcpwave-load measures `tcpwave serve` under load, as its clients see it.
//
// It starts the server as a child process on a random loopback port (or uses one
// already running, --addr), then:
//
//  1. first frame: opens single sessions one after another and times each from the
//     shell request to the first output with visible text (and from the TCP dial);
//  2. load: opens N PTY sessions at once, starts playback in each (--keys), and over
//     --duration counts, per client, frames (bursts of output separated by a quiet gap
//     of at least --gap) and bytes; meanwhile it samples the server's CPU time and RSS
//     from /proc/PID/stat and /proc/PID/status;
//  3. paused: one session is started, played, paused, and its output counted.
//
// With --hostile N it measures instead how the normal clients fare while N hostile
// clients (endless pastes, unterminated escape strings, key floods, over-long
// commands, connections holding many channels, silent and sessionless connections) do
// their worst: first frames and frame rates alone, then under attack, and the server's
// peak RSS throughout.
//
// With --class it measures a class (class.go): one presenter, logged in with a key the
// tool writes to a --presenter-keys file, playing, and -n followers: frames/s and the
// p95 gap between frames during motion for the presenter and every follower, the
// latency from the presenter's screen to each follower's (read off their screens:
// each client keeps a small emulator of its terminal and reads the header's event
// counter), and from the presenter's step key to each follower's screen.
//
// Frames during motion: a gap of at most --hold between two frames is motion; a
// longer one is the UI holding an event still (it draws nothing then) or a stall.
//
// The client side runs in this process, on the same machine: its own CPU use is
// reported too, since on a 2-core machine it competes with the server.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

type options struct {
	server     string
	addr       string
	n          int
	duration   time.Duration
	warmup     time.Duration
	replay     time.Duration
	width      int
	height     int
	term       string
	cmd        string
	keys       string
	gap        time.Duration
	probes     int
	pauseKey   string
	serverArgs string
	hostile    int
	class      bool          // one presenter and n followers (class.go)
	hold       time.Duration // the longest gap between two frames that is still motion
	steps      int           // the class's step probes
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	var o options
	fs := flag.NewFlagSet("tcpwave-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: tcpwave-load [--server PATH | --addr HOST:PORT] [-n 100] [--duration 10s] [--size 80x24] [flags]")
		fs.PrintDefaults()
	}
	size := "80x24"
	fs.StringVar(&o.server, "server", "tcpwave", "tcpwave binary to run as `tcpwave serve` (ignored with --addr)")
	fs.StringVar(&o.serverArgs, "server-args", "", "extra arguments for `tcpwave serve`, space-separated")
	fs.StringVar(&o.addr, "addr", "", "use a server already listening here instead (no CPU/RSS figures; host key not checked)")
	fs.IntVar(&o.n, "n", 100, "concurrent sessions in the load phase")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measurement window of the load phase")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "time after starting playback before measuring")
	fs.DurationVar(&o.replay, "replay", 4*time.Second, "while measuring, start playback again from the first event this often (g, then space), so that the sessions keep animating (0: never)")
	fs.StringVar(&size, "size", size, "terminal size WxH")
	fs.StringVar(&o.term, "term", "xterm-256color", "TERM of the clients")
	fs.StringVar(&o.cmd, "cmd", "", "command (scenario id) each session asks for; empty for the default")
	fs.StringVar(&o.keys, "keys", "+++ ", "keys typed after the first frame to start animating (+++ is 8×, space plays: at 1× each lesson is held long enough to read it, and the screen is still)")
	fs.StringVar(&o.pauseKey, "pause-key", " ", "key that pauses playback, for the paused measurement")
	fs.DurationVar(&o.gap, "gap", 5*time.Millisecond, "quiet time that separates two frames in the output")
	fs.IntVar(&o.probes, "probes", 20, "sequential single sessions for the first-frame measurement")
	fs.IntVar(&o.hostile, "hostile", 0, "measure the -n normal sessions alone and then with this many hostile clients at work (see the doc)")
	fs.BoolVar(&o.class, "class", false, "a class: one presenter playing and -n followers; frames/s during motion, presenter-to-follower latency (see the doc)")
	fs.DurationVar(&o.hold, "hold", 150*time.Millisecond, "with --class: the longest gap between two frames that still counts as motion (a longer one is an event held still)")
	fs.IntVar(&o.steps, "steps", 20, "with --class: the presenter's step keys timed on the followers' screens after the motion phase")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if _, err := fmt.Sscanf(size, "%dx%d", &o.width, &o.height); err != nil || o.width < 1 || o.height < 1 {
		fmt.Fprintf(stderr, "tcpwave-load: --size %q: want WxH, e.g. 80x24\n", size)
		return 2
	}
	if o.n < 1 || o.duration <= 0 || o.gap <= 0 {
		fmt.Fprintln(stderr, "tcpwave-load: -n, --duration and --gap must be positive")
		return 2
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if o.class && !set["keys"] {
		// 2×: a segment's flight takes 300 ms and an event is held 375 ms or more, so
		// that motion (a frame every 33 ms) and holds are far apart.
		o.keys = classKeys
	}
	if o.class && (o.addr != "" || o.hostile > 0 || o.hold <= 0 || o.steps < 0) {
		fmt.Fprintln(stderr, "tcpwave-load: --class needs a server of its own (no --addr, no --hostile), a positive --hold and --steps of 0 or more")
		return 2
	}
	if o.hostile < 0 || o.hostile > 0 && o.addr != "" {
		fmt.Fprintln(stderr, "tcpwave-load: --hostile needs a server of its own (no --addr), and a count")
		return 2
	}
	measureFn := measure
	if o.hostile > 0 {
		measureFn = measureHostile
	}
	if o.class {
		measureFn = measureClass
	}
	if err := measureFn(o, stdout); err != nil {
		fmt.Fprintf(stderr, "tcpwave-load: %v\n", err)
		return 1
	}
	return 0
}

// target is the server under test.
type target struct {
	addr string
	pid  int // 0 when not ours
	cfg  *gossh.ClientConfig
	// presenter is the presenter's config, with --class.
	presenter *gossh.ClientConfig
}

// anyKeyboard answers a keyboard-interactive login with nothing: an open server (a
// class's) lets a client without a key in that way.
var anyKeyboard = gossh.KeyboardInteractive(func(_, _ string, q []string, _ []bool) ([]string, error) {
	return make([]string, len(q)), nil
})

func startServer(o options) (*target, func(), error) {
	if o.addr != "" {
		return &target{addr: o.addr, cfg: &gossh.ClientConfig{
			User: "load", HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 10 * time.Second,
			Auth: []gossh.AuthMethod{anyKeyboard},
		}}, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "tcpwave-load-")
	if err != nil {
		return nil, nil, err
	}
	keyPath := filepath.Join(dir, "hostkey")
	args := []string{"serve", "--listen", "127.0.0.1:0", "--host-key", keyPath,
		"--max-sessions", strconv.Itoa(o.n + 50), "--max-per-ip", strconv.Itoa(o.n + 50)}
	if o.hostile > 0 {
		// Room for every hostile session too (the worst case for memory); the
		// per-address limit stays the default, as a class's server has it.
		args = []string{"serve", "--listen", "127.0.0.1:0", "--host-key", keyPath,
			"--max-sessions", strconv.Itoa(o.n + o.hostile + 50)}
	}
	var presenter *gossh.ClientConfig
	if o.class {
		path, cfg, err := presenterKey(dir, &gossh.ClientConfig{Timeout: 10 * time.Second})
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, err
		}
		presenter = cfg
		args = append(args, "--presenter-keys", path)
	}
	args = append(args, strings.Fields(o.serverArgs)...)
	cmd := exec.Command(o.server, args...)
	cmd.Env = append(os.Environ(), "XDG_DATA_HOME="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, err
	}
	logf, err := os.Create(filepath.Join(dir, "server.log"))
	if err != nil {
		return nil, nil, err
	}
	cmd.Stderr = logf
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("start %s: %w", o.server, err)
	}
	stop := func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
		logf.Close()
		os.RemoveAll(dir)
	}
	sc := bufio.NewScanner(out)
	addr := ""
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "tcpwave serving on "); ok {
			addr = a
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	if addr == "" {
		stop()
		return nil, nil, errors.New("the server did not say where it listens (see its log)")
	}
	pem, err := os.ReadFile(keyPath)
	if err != nil {
		stop()
		return nil, nil, err
	}
	signer, err := gossh.ParsePrivateKey(pem)
	if err != nil {
		stop()
		return nil, nil, err
	}
	if presenter != nil {
		presenter.HostKeyCallback = gossh.FixedHostKey(signer.PublicKey())
	}
	return &target{addr: addr, pid: cmd.Process.Pid, presenter: presenter, cfg: &gossh.ClientConfig{
		User: "load", HostKeyCallback: gossh.FixedHostKey(signer.PublicKey()), Timeout: 10 * time.Second,
		Auth: []gossh.AuthMethod{anyKeyboard},
	}}, stop, nil
}

// client is one PTY session and what it saw.
type client struct {
	conn  *gossh.Client
	sess  *gossh.Session
	stdin io.Writer

	dialStart  time.Time
	shellAt    time.Time
	firstFrame chan time.Duration // from the shell request to visible text

	mu       sync.Mutex
	counting bool
	frames   int
	starts   []time.Time // when each frame counted began, for motionStats
	bytes    int64
	lastRead time.Time
	total    atomic.Int64
}

func open(t *target, o options) (*client, error) {
	c := &client{firstFrame: make(chan time.Duration, 1), dialStart: time.Now()}
	conn, err := dialFrom(t, "127.0.0.1")
	if err != nil {
		return nil, err
	}
	c.conn = conn
	sess, err := conn.NewSession()
	if err != nil {
		conn.Close()
		return nil, err
	}
	c.sess = sess
	if c.stdin, err = sess.StdinPipe(); err != nil {
		c.close()
		return nil, err
	}
	stdout, err := sess.StdoutPipe()
	if err != nil {
		c.close()
		return nil, err
	}
	if err := sess.RequestPty(o.term, o.height, o.width, gossh.TerminalModes{}); err != nil {
		c.close()
		return nil, err
	}
	c.shellAt = time.Now()
	if o.cmd != "" {
		err = sess.Start(o.cmd)
	} else {
		err = sess.Shell()
	}
	if err != nil {
		c.close()
		return nil, err
	}
	go c.read(stdout, o.gap)
	return c, nil
}

// read counts output: a read that comes at least gap after the previous one starts a
// new frame.
func (c *client) read(r io.Reader, gap time.Duration) {
	buf := make([]byte, 64<<10)
	first := true
	for {
		n, err := r.Read(buf)
		now := time.Now()
		if n > 0 {
			c.total.Add(int64(n))
			if first && strings.TrimSpace(ansi.Strip(string(buf[:n]))) != "" {
				first = false
				c.firstFrame <- now.Sub(c.shellAt)
			}
			c.mu.Lock()
			if c.counting {
				c.bytes += int64(n)
				if now.Sub(c.lastRead) >= gap {
					c.frames++
					c.starts = append(c.starts, now)
				}
			}
			c.lastRead = now
			c.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

func (c *client) count(on bool) (frames int, bytes int64, starts []time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.counting = on
	frames, bytes, starts = c.frames, c.bytes, c.starts
	if on {
		c.frames, c.bytes, c.starts = 0, 0, nil
	}
	return frames, bytes, starts
}

func (c *client) close() {
	if c.sess != nil {
		c.sess.Close()
	}
	c.conn.Close()
}

// proc is a sample of a process's CPU time and resident memory.
type proc struct {
	at  time.Time
	cpu time.Duration
	rss int64 // bytes
}

func sample(pid int) (proc, error) {
	p := proc{at: time.Now()}
	path := "self"
	if pid > 0 {
		path = strconv.Itoa(pid)
	}
	stat, err := os.ReadFile("/proc/" + path + "/stat")
	if err != nil {
		return p, err
	}
	// Fields after the command name (which may contain spaces) start at state (3).
	s := string(stat)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return p, errors.New("short /proc stat")
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64) // utime, field 14
	st, _ := strconv.ParseInt(f[12], 10, 64) // stime, field 15
	const clkTck = 100                       // USER_HZ on Linux
	p.cpu = time.Duration(ut+st) * time.Second / clkTck
	status, err := os.ReadFile("/proc/" + path + "/status")
	if err != nil {
		return p, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			p.rss = kb << 10
		}
	}
	return p, nil
}

// startMeasured starts (or reaches) the server, says which, and samples it idle (when
// it is a process of ours).
func startMeasured(o options, w io.Writer) (*target, func(), proc, error) {
	t, stop, err := startServer(o)
	if err != nil {
		return nil, nil, proc{}, err
	}
	fmt.Fprintf(w, "server %s (pid %d), clients %dx%d TERM=%s cmd=%q\n", t.addr, t.pid, o.width, o.height, o.term, o.cmd)
	time.Sleep(300 * time.Millisecond)
	var base proc
	if t.pid > 0 {
		if base, err = sample(t.pid); err != nil {
			stop()
			return nil, nil, proc{}, err
		}
		fmt.Fprintf(w, "idle server: RSS %.1f MB\n", mb(base.rss))
	}
	return t, stop, base, nil
}

func measure(o options, w io.Writer) error {
	t, stop, base, err := startMeasured(o, w)
	if err != nil {
		return err
	}
	defer stop()

	// 1. First frame, one client at a time.
	var ttff, dial []time.Duration
	for range o.probes {
		c, err := open(t, o)
		if err != nil {
			return fmt.Errorf("probe: %w", err)
		}
		select {
		case d := <-c.firstFrame:
			ttff = append(ttff, d)
			dial = append(dial, c.shellAt.Sub(c.dialStart)+d)
		case <-time.After(10 * time.Second):
			c.close()
			return errors.New("probe: no frame within 10 s")
		}
		c.close()
	}
	fmt.Fprintf(w, "first frame, single client (%d runs): shell request → visible text %s; TCP dial → visible text %s\n",
		o.probes, stats(ttff), stats(dial))

	// 2. One animating session, for reference (how often the UI itself changes the
	// screen), then N at once.
	if o.n > 1 {
		if _, err := load(t, o, 1, base, w); err != nil {
			return err
		}
	}
	if _, err := load(t, o, o.n, base, w); err != nil {
		return err
	}

	// 3. A paused session.
	c, err := open(t, o)
	if err != nil {
		return fmt.Errorf("paused: %w", err)
	}
	defer c.close()
	<-c.firstFrame
	if o.keys != "" {
		io.WriteString(c.stdin, o.keys)
		time.Sleep(time.Second)
	}
	io.WriteString(c.stdin, o.pauseKey)
	time.Sleep(500 * time.Millisecond)
	before := c.total.Load()
	const window = 3 * time.Second
	time.Sleep(window)
	paused := c.total.Load() - before
	fmt.Fprintf(w, "paused session: %d bytes in %s (%.1f bytes/s)\n", paused, window, float64(paused)/window.Seconds())
	return nil
}

// loadResult is what load measured: frames a second per session.
type loadResult struct{ min, median, max float64 }

// load opens n sessions at once, starts playback in each and measures what the clients
// get and what the server spends.
func load(t *target, o options, n int, base proc, w io.Writer) (loadResult, error) {
	openStart := time.Now()
	clients, closeClients, err := openAll(n, 20*time.Second, "no first frame", func(int) (*client, error) { return open(t, o) })
	defer closeClients()
	if err != nil {
		return loadResult{}, fmt.Errorf("load: %w", err)
	}
	fmt.Fprintf(w, "%d sessions open with a first frame after %s\n", n, time.Since(openStart).Round(time.Millisecond))
	for _, c := range clients {
		if o.keys != "" {
			if _, err := io.WriteString(c.stdin, o.keys); err != nil {
				return loadResult{}, err
			}
		}
	}
	time.Sleep(o.warmup)
	for _, c := range clients {
		c.count(true)
	}
	s0, _ := sample(t.pid)
	self0, _ := sample(0)
	stopReplay := replay(clients, o.replay)
	time.Sleep(o.duration)
	stopReplay()
	s1, _ := sample(t.pid)
	self1, _ := sample(0)
	var fps, mfps []float64
	var p95s []time.Duration
	var bytesAll int64
	framesAll := 0
	for _, c := range clients {
		f, b, starts := c.count(false)
		fps = append(fps, float64(f)/o.duration.Seconds())
		bytesAll += b
		framesAll += f
		m := motionStats(starts, o.hold, o.duration)
		mfps = append(mfps, m.fps)
		p95s = append(p95s, m.p95Gap)
	}
	slices.Sort(fps)
	slices.Sort(mfps)
	slices.Sort(p95s)
	what := "animating"
	if o.keys == "" {
		what = "untouched"
	}
	fmt.Fprintf(w, "load, %d %s sessions over %s: frames/s per session min %.1f, median %.1f, max %.1f; bytes/frame %.0f; total %.1f KB/s\n",
		n, what, o.duration, fps[0], fps[len(fps)/2], fps[len(fps)-1],
		float64(bytesAll)/float64(max(framesAll, 1)), float64(bytesAll)/1024/o.duration.Seconds())
	fmt.Fprintf(w, "  during motion (a gap of at most %s between frames): frames/s min %.1f, median %.1f, max %.1f; p95 gap median %s, max %s\n",
		o.hold, mfps[0], mfps[len(mfps)/2], mfps[len(mfps)-1], ms(p95s[len(p95s)/2]), ms(p95s[len(p95s)-1]))
	if t.pid > 0 {
		cpu := float64(s1.cpu-s0.cpu) / float64(s1.at.Sub(s0.at))
		fmt.Fprintf(w, "  server CPU per frame drawn: %s\n", ms(perFrame(s1.cpu-s0.cpu, framesAll)))
		fmt.Fprintf(w, "server: CPU %.0f%% of one core (%.2f%% per session); RSS %.1f MB, %.2f MB per session above idle (%.2f MB total per session)\n",
			100*cpu, 100*cpu/float64(n), mb(s1.rss), mb(s1.rss-base.rss)/float64(n), mb(s1.rss)/float64(n))
	}
	selfCPU := float64(self1.cpu-self0.cpu) / float64(self1.at.Sub(self0.at))
	fmt.Fprintf(w, "load tool itself (the %d clients): CPU %.0f%% of one core\n", n, 100*selfCPU)
	return loadResult{fps[0], fps[len(fps)/2], fps[len(fps)-1]}, nil
}

// replay starts playback again from the first event every d (a run at 8× ends in a
// few seconds and then nothing moves), until the returned function is called.
func replay(clients []*client, d time.Duration) (stop func()) {
	ins := make([]io.Writer, len(clients))
	for i, c := range clients {
		ins[i] = c.stdin
	}
	return replayTo(ins, d)
}

func mb(b int64) float64 { return float64(b) / (1 << 20) }

func stats(d []time.Duration) string {
	if len(d) == 0 {
		return "n/a"
	}
	s := slices.Clone(d)
	slices.Sort(s)
	r := func(x time.Duration) string { return x.Round(100 * time.Microsecond).String() }
	return fmt.Sprintf("median %s, p90 %s, max %s", r(s[len(s)/2]), r(s[len(s)*9/10]), r(s[len(s)-1]))
}
