package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"charm.land/log/v2"
	"charm.land/ssh"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"github.com/tcpwave/tcpwave/cmd/tcpwave/internal/server"
	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/view"
)

func TestServeBadInput(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_DATA_HOME", dir)
	loose := filepath.Join(dir, "loose_key")
	// A key file others can read.
	if err := os.WriteFile(loose, []byte("not a key"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--max-sessions", "0"}, 2, "--max-sessions must be at least 1"},
		{[]string{"--max-per-ip", "-3"}, 2, "--max-per-ip must be at least 1"},
		{[]string{"--idle-timeout", "0s"}, 2, "--idle-timeout must be positive"},
		{[]string{"--max-session-time", "-1h"}, 2, "--max-session-time must be positive"},
		{[]string{"--idle-timeout", "soon"}, 2, "invalid value"},
		{[]string{"--listen", "2222"}, 2, "want HOST:PORT"},
		{[]string{"client-close"}, 2, "unexpected argument"},
		{[]string{"--profile", "bsd"}, 2, "bsd"},
		{[]string{"--delay", "forever"}, 2, "--delay"},
		{[]string{"--set", "nonsense=1"}, 2, "nonsense"},
		{[]string{"--nope"}, 2, "no such flag: -nope"},
		{[]string{"--host-key", filepath.Join(dir, "k"), "--authorized-keys", filepath.Join(dir, "missing")}, 1, "authorized keys"},
		{[]string{"--host-key", loose}, 1, "chmod 600"},
		{[]string{"--host-key", filepath.Join(dir, "k2"), "--listen", "256.1.1.1:2222"}, 1, "256.1.1.1"},
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out, errOut strings.Builder
			code := runServe(tc.args, &out, &errOut)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr %q", code, tc.code, errOut.String())
			}
			if !strings.Contains(errOut.String(), tc.want) {
				t.Errorf("stderr %q, want it to mention %q", errOut.String(), tc.want)
			}
			if strings.Contains(errOut.String(), "panic") || strings.Contains(errOut.String(), "goroutine") {
				t.Errorf("stderr %q looks like a crash", errOut.String())
			}
		})
	}
}

func TestSSHScenario(t *testing.T) {
	cases := []struct {
		arg, user string
		id        string // "" when an error is expected
		errHas    []string
	}{
		{"", "alice", "client-close", nil},
		{"", "half-close", "half-close", nil},
		{"half-close", "alice", "half-close", nil},
		{"half-clse", "alice", "", []string{`unknown scenario "half-clse"`, `did you mean "half-close"`, "client-close, server-close"}},
		{"/etc/passwd", "alice", "", []string{"cannot be opened over SSH"}},
		{"../scenarios/catalog/01-client-close.yaml", "alice", "", []string{"cannot be opened over SSH"}},
		{"mine.yaml", "alice", "", []string{"cannot be opened over SSH"}},
		{"zzzzzzzzzzzz", "alice", "", []string{`unknown scenario "zzzzzzzzzzzz"; scenarios: `}},
	}
	for _, tc := range cases {
		sc, err := sshScenario(tc.arg, tc.user)
		if tc.id != "" {
			if err != nil || sc.ID != tc.id {
				t.Errorf("sshScenario(%q, %q) = %v, %v; want %s", tc.arg, tc.user, sc, err, tc.id)
			}
			continue
		}
		if err == nil {
			t.Errorf("sshScenario(%q, %q) = %s, want an error", tc.arg, tc.user, sc.ID)
			continue
		}
		for _, want := range tc.errHas {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("sshScenario(%q): error %q lacks %q", tc.arg, err, want)
			}
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("sshScenario(%q): error is not one line: %q", tc.arg, err)
		}
	}
}

// TestServeRealUINoLeaks runs the real UI (view.New, through sessionModel) behind the
// SSH server in this process: hundreds of sessions come, play and go, and goroutines
// and heap return to their baseline.
func TestServeRealUINoLeaks(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer, _ := gossh.NewSignerFromKey(priv)
	srv, err := server.New(server.Config{
		HostKey:  signer,
		NewModel: sessionModel(runFlags{profile: "linux"}),
		Logger:   log.New(io.Discard),
		// Hundreds of connections in a row from one address: past the rate limit.
		ConnRate: 1 << 20, ConnBurst: 1 << 20,
	})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	defer func() { _ = srv.Shutdown(t.Context()); <-served }()

	cfg := &gossh.ClientConfig{User: "student", HostKeyCallback: gossh.FixedHostKey(signer.PublicKey()), Timeout: 10 * time.Second}
	cycle := func(i int) {
		c, err := gossh.Dial("tcp", l.Addr().String(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		s, err := c.NewSession()
		if err != nil {
			t.Fatal(err)
		}
		in, _ := s.StdinPipe()
		out, _ := s.StdoutPipe()
		if err := s.RequestPty("xterm-256color", 24, 80, nil); err != nil {
			t.Fatal(err)
		}
		scenario := []string{"", "half-close", "lost-final-ack"}[i%3]
		if scenario == "" {
			err = s.Shell()
		} else {
			err = s.Start(scenario)
		}
		if err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 64<<10)
		var seen strings.Builder
		for !strings.Contains(ansi.Strip(seen.String()), "tcpwave") {
			n, err := out.Read(buf)
			if err != nil {
				t.Fatalf("session %d: %v before the first frame", i, err)
			}
			seen.Write(buf[:n])
		}
		io.WriteString(in, " ") // play
		if i%2 == 0 {
			io.WriteString(in, "q") // half quit, half just hang up
			_ = s.Wait()
		}
	}
	for i := range 10 {
		cycle(i)
	}
	settle := func(limit int) (int, uint64) {
		var g int
		for range 100 {
			if g = runtime.NumGoroutine(); srv.Active() == 0 && g <= limit {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return g, ms.HeapInuse
	}
	baseG, baseHeap := settle(0)
	cycles := 300
	if raceOn {
		cycles = 60 // each session's UI runs ten times slower: a leak still shows
	}
	for i := range cycles {
		cycle(i)
	}
	g, heap := settle(baseG + 2)
	t.Logf("real UI, after %d sessions: goroutines %d → %d, heap in use %.1f → %.1f MB", cycles, baseG, g, float64(baseHeap)/1e6, float64(heap)/1e6)
	if g > baseG+2 {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines grew from %d to %d:\n%s", baseG, g, buf[:runtime.Stack(buf, true)])
	}
	if heap > baseHeap+4<<20 {
		t.Errorf("heap in use grew from %d to %d bytes", baseHeap, heap)
	}
}

// userSession is just enough of an ssh.Session for the factory.
type userSession struct {
	ssh.Session
	user string
	env  []string
}

func (u userSession) User() string { return u.user }

func (u userSession) Environ() []string { return u.env }

// TestSessionModelUsesServerFlags: the server's --profile, --set and --delay reach
// every session's model.
func TestSessionModelUsesServerFlags(t *testing.T) {
	rf := runFlags{profile: "rfc9293", delay: "50ms"}
	if err := rf.sets.Set("time_wait=30s"); err != nil {
		t.Fatal(err)
	}
	m, err := sessionModel(rf)(userSession{user: "student"}, "half-close")
	if err != nil {
		t.Fatal(err)
	}
	vm, ok := m.(*view.Model)
	if !ok {
		t.Fatalf("model is %T, want *view.Model", m)
	}
	if vm.Profile() != "rfc9293" {
		t.Errorf("profile %q, want rfc9293", vm.Profile())
	}
	if sc := vm.Scenario(); sc.ID != "half-close" || sc.Delay != [2]time.Duration{50 * time.Millisecond, 50 * time.Millisecond} {
		t.Errorf("scenario %s with delay %v, want half-close with 50ms", sc.ID, sc.Delay)
	}
	if orig, _ := scenarios.Lookup("half-close"); orig.Delay == vm.Scenario().Delay {
		t.Errorf("the catalog's scenario was changed, or --delay not applied")
	}
	if _, err := sessionModel(rf)(userSession{user: "student"}, "nope"); err == nil {
		t.Errorf("unknown scenario accepted")
	}
}

func TestSSHLang(t *testing.T) {
	for _, c := range []struct {
		arg     string
		env     []string
		want    view.Lang
		rest    string
		wantErr bool
	}{
		{"", nil, view.En, "", false},
		{"", []string{"LANG=zh_CN.UTF-8"}, view.Zh, "", false},
		{"half-close", []string{"LC_ALL=zh_TW.UTF-8"}, view.Zh, "half-close", false},
		{"half-close zh", nil, view.Zh, "half-close", false},
		{"zh", nil, view.Zh, "", false},
		{"lang=en half-close", []string{"LANG=zh_CN.UTF-8"}, view.En, "half-close", false},
		{"--lang=zh", nil, view.Zh, "", false},
		{"lang=fr", nil, view.En, "", true},
		{"list", nil, view.En, "list", false},
	} {
		l, rest, err := view.SessionLang(c.arg, c.env, view.En)
		if (err != nil) != c.wantErr || err == nil && (l != c.want || rest != c.rest) {
			t.Errorf("SessionLang(%q, %v) = %s %q %v, want %s %q (error %v)", c.arg, c.env, l, rest, err, c.want, c.rest, c.wantErr)
		}
	}
	// No locale from the client: the server's own.
	if l, _, _ := view.SessionLang("", []string{"TERM=xterm"}, view.Zh); l != view.Zh {
		t.Errorf("no client locale: %s, want the server's zh", l)
	}
}

// A student's locale, or a word of the command, picks the session's language.
func TestSessionModelSpeaksTheClientsLanguage(t *testing.T) {
	for _, c := range []struct {
		env  []string
		arg  string
		want view.Lang
	}{
		{nil, "", view.En},
		{[]string{"LANG=zh_CN.UTF-8"}, "", view.Zh},
		{nil, "half-close zh", view.Zh},
		{[]string{"LANG=zh_CN.UTF-8"}, "lang=en", view.En},
	} {
		m, err := sessionModel(runFlags{profile: "linux"})(userSession{user: "student", env: c.env}, c.arg)
		if err != nil {
			t.Fatal(err)
		}
		if l := m.(*view.Model).Lang(); l != c.want {
			t.Errorf("env %v, command %q: %s, want %s", c.env, c.arg, l, c.want)
		}
	}
}

// TestSessionModelDrill: the word drill (ssh -t host drill [SCENARIO] [zh]) or the
// user name drill (ssh drill@host) starts the drill; anything else does not.
func TestSessionModelDrill(t *testing.T) {
	for _, c := range []struct {
		user, arg, id string
		drill         bool
		lang          view.Lang
	}{
		{"student", "drill half-close zh", "half-close", true, view.Zh},
		{"student", "drill", "client-close", true, view.En},
		{"drill", "", "client-close", true, view.En},
		{"student", "half-close", "half-close", false, view.En},
		{"drill", "lost-final-ack", "lost-final-ack", false, view.En},
	} {
		m, err := sessionModel(runFlags{profile: "linux"})(userSession{user: c.user, env: []string{"LANG=C"}}, c.arg)
		if err != nil {
			t.Fatalf("%s@ %q: %v", c.user, c.arg, err)
		}
		vm := m.(*view.Model)
		if vm.Drilling() != c.drill || vm.Scenario().ID != c.id || vm.Lang() != c.lang {
			t.Errorf("%s@ %q: drilling %v, %s, %s; want %v, %s, %s", c.user, c.arg, vm.Drilling(), vm.Scenario().ID, vm.Lang(), c.drill, c.id, c.lang)
		}
	}
	if _, err := sessionModel(runFlags{profile: "linux"})(userSession{user: "student"}, "drill nope"); err == nil {
		t.Error("drill of an unknown scenario was accepted")
	}
}
