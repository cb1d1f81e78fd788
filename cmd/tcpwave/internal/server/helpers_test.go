package server

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"charm.land/ssh"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

// stats is what test models report back to the test, shared by all sessions of a server.
type stats struct {
	built    atomic.Int32 // models built by the factory
	sizeMsgs atomic.Int32 // WindowSizeMsgs seen by inner models
	keys     atomic.Int64 // key presses seen by inner models
	views    atomic.Int64 // View calls of inner models
	mu       sync.Mutex
	sizes    []tea.WindowSizeMsg
	profiles []colorprofile.Profile
	args     []string
}

func (s *stats) lastSize() tea.WindowSizeMsg {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.sizes) == 0 {
		return tea.WindowSizeMsg{}
	}
	return s.sizes[len(s.sizes)-1]
}

// tickMsg animates the test model; gen guards against stale ticks after pause/resume.
type tickMsg struct{ gen int }

// testModel is a small full-screen model that animates with tea.Tick (like the real
// UI when playing) and can be told to misbehave:
//
//	space  pause / resume       q  quit
//	!      panic in Update      @  panic in View       #  panic in a command
//	F      flood: every frame redraws the whole screen with new text
type testModel struct {
	st       *stats
	interval time.Duration
	frame    int
	gen      int
	paused   bool
	w, h     int
	profile  colorprofile.Profile
	viewBoom bool
	flood    bool
}

func newTestModel(st *stats, interval time.Duration) *testModel {
	return &testModel{st: st, interval: interval}
}

func (m *testModel) tick() tea.Cmd {
	g := m.gen
	return tea.Tick(m.interval, func(time.Time) tea.Msg { return tickMsg{g} })
}

func (m *testModel) Init() tea.Cmd { return m.tick() }

func (m *testModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tickMsg:
		if msg.gen != m.gen || m.paused {
			return m, nil
		}
		m.frame++
		return m, m.tick()
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		m.st.sizeMsgs.Add(1)
		m.st.mu.Lock()
		m.st.sizes = append(m.st.sizes, msg)
		m.st.mu.Unlock()
	case tea.ColorProfileMsg:
		m.profile = msg.Profile
		m.st.mu.Lock()
		m.st.profiles = append(m.st.profiles, msg.Profile)
		m.st.mu.Unlock()
	case tea.KeyPressMsg:
		m.st.keys.Add(1)
		switch msg.String() {
		case "q", "ctrl+c":
			return m, tea.Quit
		case "space":
			m.paused = !m.paused
			m.gen++
			if !m.paused {
				return m, m.tick()
			}
		case "!":
			panic("test model: boom in Update")
		case "@":
			m.viewBoom = true
		case "F":
			m.flood = true
		case "#":
			return m, func() tea.Msg { panic("test model: boom in a command") }
		}
	}
	return m, nil
}

func (m *testModel) View() tea.View {
	m.st.views.Add(1)
	if m.viewBoom {
		panic("test model: boom in View")
	}
	state := "playing"
	if m.paused {
		state = "paused"
	}
	text := fmt.Sprintf("FRAME %06d %s\nSIZE %dx%d\nPROFILE %s", m.frame, state, m.w, m.h, m.profile)
	if m.flood && m.w > 0 {
		line := strings.Repeat(fmt.Sprintf("%07d", m.frame), m.w/7+1)[:m.w]
		text = strings.TrimSuffix(strings.Repeat(line+"\n", m.h), "\n")
	}
	v := tea.NewView(text)
	v.AltScreen = true
	return v
}

// syncBuffer is a goroutine-safe bytes.Buffer for logs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// testServer is a running server on 127.0.0.1 and a random port.
type testServer struct {
	srv  *Server
	addr string
	pub  gossh.PublicKey
	st   *stats
	logs *syncBuffer
	done chan error
}

func testSigner(t testing.TB) gossh.Signer {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// startServer starts a server with the test model (ticking every 10 ms) and cfg
// adjusted by mutate. It is shut down at the end of the test.
func startServer(t testing.TB, mutate func(*Config)) *testServer {
	t.Helper()
	return startServerTicking(t, 10*time.Millisecond, mutate)
}

// startServerTicking is startServer with test models that tick every interval.
func startServerTicking(t testing.TB, interval time.Duration, mutate func(*Config)) *testServer {
	t.Helper()
	st := &stats{}
	logs := &syncBuffer{}
	cfg := Config{
		HostKey: testSigner(t),
		NewModel: func(sess ssh.Session, arg string) (tea.Model, error) {
			st.built.Add(1)
			st.mu.Lock()
			st.args = append(st.args, arg)
			st.mu.Unlock()
			if arg == "bad" {
				return nil, fmt.Errorf("unknown scenario %q", arg)
			}
			return newTestModel(st, interval), nil
		},
		Logger: log.NewWithOptions(logs, log.Options{Level: log.DebugLevel}),
		// Tests come and go from one address, hundreds of times: the connection rate
		// is tested on its own (TestConnectionRate).
		ConnRate: 1e6, ConnBurst: 1e6,
	}
	if mutate != nil {
		mutate(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ts := &testServer{srv: srv, addr: l.Addr().String(), pub: cfg.HostKey.PublicKey(), st: st, logs: logs, done: make(chan error, 1)}
	go func() { ts.done <- srv.Serve(l) }()
	t.Cleanup(func() {
		_ = srv.Shutdown(t.Context())
		<-ts.done
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return ts
}

func (ts *testServer) dial(t testing.TB, user string, auth ...gossh.AuthMethod) *gossh.Client {
	t.Helper()
	c, err := ts.tryDial(user, auth...)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func (ts *testServer) tryDial(user string, auth ...gossh.AuthMethod) (*gossh.Client, error) {
	return gossh.Dial("tcp", ts.addr, &gossh.ClientConfig{
		User:            user,
		Auth:            auth,
		HostKeyCallback: gossh.FixedHostKey(ts.pub),
		Timeout:         10 * time.Second,
	})
}

// screen collects a session's output and lets a test wait for it.
type screen struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	more chan struct{}
	eof  chan struct{}
}

func newScreen() *screen { return &screen{more: make(chan struct{}, 1), eof: make(chan struct{})} }

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	s.buf.Write(p)
	s.mu.Unlock()
	select {
	case s.more <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (s *screen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// plain is the output with escape sequences removed.
func (s *screen) plain() string { return ansi.Strip(s.String()) }

// waitFor waits until the output satisfies ok, or fails the test after d.
func (s *screen) waitFor(t testing.TB, d time.Duration, what string, ok func(string) bool) {
	t.Helper()
	deadline := time.After(d)
	for {
		if ok(s.String()) {
			return
		}
		select {
		case <-s.more:
		case <-deadline:
			t.Fatalf("timed out after %s waiting for %s; output so far (stripped):\n%q", d, what, lastN(s.plain(), 600))
		}
	}
}

func (s *screen) waitText(t testing.TB, d time.Duration, text string) {
	t.Helper()
	s.waitFor(t, d, fmt.Sprintf("%q", text), func(out string) bool { return strings.Contains(ansi.Strip(out), text) })
}

func lastN(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// ptySession opens a session with a PTY of w×h and TERM term and starts cmd (a shell
// when cmd is ""). The returned channel yields Wait's result.
func ptySession(t testing.TB, c *gossh.Client, term string, w, h int, cmd string, env map[string]string) (*gossh.Session, *screen, *screen, <-chan error) {
	t.Helper()
	return startPtySession(t, c, term, w, h, cmd, env, nil)
}

// startPtySession is ptySession with a hook run on the new session before anything
// is requested.
func startPtySession(t testing.TB, c *gossh.Client, term string, w, h int, cmd string, env map[string]string, setup func(*gossh.Session)) (*gossh.Session, *screen, *screen, <-chan error) {
	t.Helper()
	sess, err := c.NewSession()
	if err != nil {
		t.Fatalf("new session: %v", err)
	}
	if setup != nil {
		setup(sess)
	}
	for k, v := range env {
		if err := sess.Setenv(k, v); err != nil {
			t.Fatalf("setenv: %v", err)
		}
	}
	if err := sess.RequestPty(term, h, w, gossh.TerminalModes{}); err != nil {
		t.Fatalf("pty: %v", err)
	}
	out, errOut := newScreen(), newScreen()
	sess.Stdout, sess.Stderr = out, errOut
	if cmd == "" {
		err = sess.Shell()
	} else {
		err = sess.Start(cmd)
	}
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- sess.Wait() }()
	t.Cleanup(func() { _ = sess.Close() })
	return sess, out, errOut, done
}

// exitStatus is the remote exit status from Wait's error (0 for nil, -1 if none).
func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	if ee, ok := err.(*gossh.ExitError); ok {
		return ee.ExitStatus()
	}
	return -1
}

func waitDone(t testing.TB, done <-chan error, d time.Duration) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("session did not end within %s", d)
		return nil
	}
}

// frames counts distinct frame numbers drawn so far.
func frameCount(out string) int {
	return strings.Count(ansi.Strip(out), "FRAME ")
}

// waitIdle waits up to d for every session handler to end, and returns how many still
// run and how many session slots are still held.
func (ts *testServer) waitIdle(d time.Duration) (running, held int) {
	for deadline := time.Now().Add(d); ts.srv.Active() > 0 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	ts.srv.mu.Lock()
	defer ts.srv.mu.Unlock()
	return ts.srv.active, ts.srv.total
}
