package main

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// TestServeEndToEnd drives `tcpwave serve` (the built binary) with a real OpenSSH
// client inside tmux: keys are sent with send-keys and the screen is read with
// capture-pane. It needs ssh and tmux; without them it is skipped, except in CI
// (CI set), where it fails instead.
func TestServeEndToEnd(t *testing.T) {
	for _, tool := range []string{"ssh", "tmux"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is required in CI (apt-get install openssh-client tmux): %v", tool, err)
			}
			t.Skipf("%s not installed", tool)
		}
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "tcpwave")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}

	e := startServe(t, bin, filepath.Join(dir, "main"))
	srv, exited, serverLog, sshCmd, sshArgs := e.cmd, e.exited, e.log, e.sshCmd, e.sshArgs

	// No PTY: one line, exit status 1, fast.
	start := time.Now()
	out, err := exec.Command("ssh", append(append([]string{}, sshArgs...), "-T", "student@127.0.0.1")...).CombinedOutput()
	t.Logf("ssh -T refused in %s (connection and handshake included)", time.Since(start))
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
		t.Errorf("ssh -T: %v, want exit status 1", err)
	}
	if got := strings.TrimSpace(string(out)); strings.Count(got, "\n") != 0 || !strings.Contains(got, "needs a terminal") {
		t.Errorf("ssh -T output %q, want one line saying a terminal is needed", got)
	}

	// A non-interactive command prints the catalog, with exit status 0.
	out, err = exec.Command("ssh", append(append([]string{}, sshArgs...), "student@127.0.0.1", "list")...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "client-close") || !strings.Contains(string(out), "rst-in-time-wait") {
		t.Errorf("ssh HOST list: %v:\n%s", err, out)
	}

	// ... and the interview questions, in Chinese.
	out, err = exec.Command("ssh", append(append([]string{}, sshArgs...), "student@127.0.0.1", "questions zh")...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "为什么 TIME_WAIT 要等 2MSL？") {
		t.Errorf("ssh HOST questions zh: %v:\n%s", err, out)
	}

	tm := newTmux(t, dir)

	// A session: the UI appears at the pane's size, the keys work, q quits cleanly.
	pane := tm.run(sshCmd+" -tt student@127.0.0.1", 100, 30)
	tm.waitScreen(pane, "the UI", func(s string) bool { return strings.Contains(s, "tcpwave ·") && strings.Contains(s, "Client") })
	if first, _, _ := strings.Cut(tm.capture(pane), "\n"); !strings.Contains(first, "linux") {
		t.Errorf("title %q: want the default linux profile", first)
	}
	tm.keys(pane, "Space")
	tm.waitScreen(pane, "playing", func(s string) bool { return strings.Contains(s, "playing") })
	tm.keys(pane, "p")
	tm.waitScreen(pane, "the profile switched to rfc9293", func(s string) bool {
		first, _, _ := strings.Cut(s, "\n")
		return strings.Contains(first, "rfc9293")
	})
	if strings.Contains(tm.capture(pane), "slower") {
		t.Logf("full help already shown before '?'; the check below is weaker")
	}
	tm.keys(pane, "?")
	tm.waitScreen(pane, "full help", func(s string) bool { return strings.Contains(s, "slower") })
	tm.keys(pane, "q")
	tm.waitScreen(pane, "ssh to exit 0", func(s string) bool { return strings.Contains(s, "SSH_EXIT=0") })
	if tm.format(pane, "#{alternate_on}") != "0" {
		t.Errorf("still in the alt screen after quitting")
	}

	// A scenario by argument.
	pane2 := tm.run(sshCmd+" -tt student@127.0.0.1 half-close", 90, 28)
	tm.waitScreen(pane2, "the half-close scenario", func(s string) bool { return strings.Contains(s, "Half-close") })
	tm.keys(pane2, "q")
	tm.waitScreen(pane2, "ssh to exit", func(s string) bool { return strings.Contains(s, "SSH_EXIT=0") })

	// An unknown one, and a path: one clear line, exit 1.
	pane3 := tm.run(sshCmd+" -tt student@127.0.0.1 /etc/passwd", 90, 28)
	tm.waitScreen(pane3, "a refusal", func(s string) bool { return strings.Contains(s, "SSH_EXIT=1") })
	if s := tm.capture(pane3); !strings.Contains(s, "cannot be opened over SSH") || strings.Contains(s, "root:") {
		t.Errorf("path argument: screen\n%s", s)
	}

	// A second server with a cap of one session and a short inactivity timeout: the
	// second student is told the server is full; the first is told goodbye when idle.
	small := startServe(t, bin, filepath.Join(dir, "small"), "--max-sessions", "1", "--idle-timeout", "1500ms")
	paneA := tm.run(small.sshCmd+" -tt a@127.0.0.1", 100, 30)
	tm.waitScreen(paneA, "the UI", func(s string) bool { return strings.Contains(s, "tcpwave ·") })
	tm.keys(paneA, "Space") // playing: the screen keeps changing, but no more keys come
	paneB := tm.run(small.sshCmd+" -tt b@127.0.0.1", 100, 30)
	tm.waitScreen(paneB, "server full", func(s string) bool {
		return strings.Contains(s, "tcpwave is full (all 1 sessions in use)") && strings.Contains(s, "SSH_EXIT=")
	})
	tm.waitScreen(paneA, "the idle goodbye", func(s string) bool {
		return strings.Contains(s, "no key pressed for 1.5s") && strings.Contains(s, "SSH_EXIT=0")
	})
	if tm.format(paneA, "#{alternate_on}") != "0" || tm.format(paneA, "#{cursor_flag}") != "1" {
		t.Errorf("idle goodbye: terminal not restored (alt screen %s, cursor %s)",
			tm.format(paneA, "#{alternate_on}"), tm.format(paneA, "#{cursor_flag}"))
	}
	for _, want := range []string{"reason=idle", "session refused", "tcpwave is full"} {
		if !strings.Contains(small.log.String(), want) {
			t.Errorf("small server log lacks %q:\n%s", want, small.log.String())
		}
	}
	// SIGINT stops a server as SIGTERM does (and so does SIGHUP, checked below).
	if err := small.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-small.exited:
		if err != nil {
			t.Errorf("after SIGINT: %v, want exit status 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("server still running 10 s after SIGINT")
	}

	// --authorized-keys: the listed key gets in, others are refused by OpenSSH.
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	block, err := gossh.MarshalPrivateKey(priv, "student")
	if err != nil {
		t.Fatal(err)
	}
	idFile := filepath.Join(dir, "id_student")
	if err := os.WriteFile(idFile, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	pub, _ := gossh.NewPublicKey(priv.Public())
	authFile := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(authFile, gossh.MarshalAuthorizedKey(pub), 0o600); err != nil {
		t.Fatal(err)
	}
	closed := startServe(t, bin, filepath.Join(dir, "closed"), "--authorized-keys", authFile)
	noKey := exec.Command("ssh", append(append([]string{}, closed.sshArgs...), "-o", "IdentitiesOnly=yes", "-o", "IdentityFile=/dev/null", "-T", "x@127.0.0.1")...)
	if out, err := noKey.CombinedOutput(); err == nil || !strings.Contains(string(out), "Permission denied") {
		t.Errorf("without the key: %v %q, want permission denied", err, out)
	}
	paneK := tm.run(closed.sshCmd+" -o IdentitiesOnly=yes -i "+idFile+" -tt x@127.0.0.1", 100, 30)
	tm.waitScreen(paneK, "the UI with the authorized key", func(s string) bool { return strings.Contains(s, "tcpwave ·") })
	// SIGHUP (the teacher's terminal closed) is a graceful shutdown too.
	if err := closed.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	tm.waitScreen(paneK, "goodbye after SIGHUP", func(s string) bool {
		return strings.Contains(s, "the server is shutting down. Goodbye!") && strings.Contains(s, "SSH_EXIT=0")
	})
	select {
	case err := <-closed.exited:
		if err != nil {
			t.Errorf("after SIGHUP: %v, want exit status 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("server still running 10 s after SIGHUP")
	}

	// Shutdown: an open (playing) session is told goodbye, its terminal restored, and
	// the server exits promptly.
	pane4 := tm.run(sshCmd+" -tt student@127.0.0.1", 100, 30)
	tm.waitScreen(pane4, "the UI", func(s string) bool { return strings.Contains(s, "tcpwave ·") })
	tm.keys(pane4, "Space")
	tm.waitScreen(pane4, "playing", func(s string) bool { return strings.Contains(s, "playing") })
	start = time.Now()
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		t.Logf("server exited %s after SIGTERM (%v)", time.Since(start), err)
		if err != nil {
			t.Errorf("server exit: %v, want status 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("server still running 10 s after SIGTERM")
	}
	tm.waitScreen(pane4, "goodbye", func(s string) bool {
		return strings.Contains(s, "the server is shutting down. Goodbye!") && strings.Contains(s, "SSH_EXIT=0")
	})
	if tm.format(pane4, "#{alternate_on}") != "0" {
		t.Errorf("client left in the alt screen after shutdown")
	}
	if tm.format(pane4, "#{cursor_flag}") != "1" {
		t.Errorf("client cursor left hidden after shutdown")
	}
	for _, want := range []string{"session start", "session end", "reason=quit", "reason=shutdown", "reason=no-pty", "user=student"} {
		if !strings.Contains(serverLog.String(), want) {
			t.Errorf("server log lacks %q", want)
		}
	}
}

// served is a `tcpwave serve` child process and how to reach it with OpenSSH.
type served struct {
	cmd     *exec.Cmd
	exited  chan error
	log     *lockedBuffer
	port    string
	sshArgs []string
	sshCmd  string // the same, as a shell command
}

// startServe runs `tcpwave serve` on 127.0.0.1 and a random port with a throwaway host
// key in dir, checks the fingerprint it prints and the key file's mode, and writes a
// known_hosts so that OpenSSH checks the host key strictly.
func startServe(t *testing.T, bin, dir string, extra ...string) *served {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	keyPath := filepath.Join(dir, "hostkey")
	srv := exec.Command(bin, append([]string{"serve", "--listen", "127.0.0.1:0", "--host-key", keyPath}, extra...)...)
	srv.Env = append(os.Environ(), "XDG_DATA_HOME="+filepath.Join(dir, "data"))
	stdout, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	serverLog := &lockedBuffer{}
	srv.Stderr = serverLog
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		_ = srv.Process.Kill()
		if t.Failed() {
			t.Logf("server log:\n%s", serverLog.String())
		}
	})
	// Read the start-up lines on another goroutine, so that a server that never says
	// where it listens fails the test instead of hanging it.
	type hello struct{ addr, fingerprint string }
	ready := make(chan hello, 1)
	go func(ready chan<- hello) {
		lines := bufio.NewScanner(stdout)
		var h hello
		for lines.Scan() {
			l := lines.Text()
			if a, ok := strings.CutPrefix(l, "tcpwave serving on "); ok {
				h.addr = a
			}
			if m := regexp.MustCompile(`^host key (SHA256:\S+) \(ed25519, `).FindStringSubmatch(l); m != nil {
				h.fingerprint = m[1]
			}
			if h.addr != "" && h.fingerprint != "" && ready != nil {
				ready <- h
				ready = nil
			}
		}
		exited <- srv.Wait()
	}(ready)
	var addr, fingerprint string
	select {
	case h := <-ready:
		addr, fingerprint = h.addr, h.fingerprint
	case <-time.After(15 * time.Second):
		t.Fatalf("the server did not print its address and fingerprint within 15 s")
	}
	port := addr[strings.LastIndex(addr, ":")+1:]

	// The fingerprint printed is the key's, and the key file is private.
	keyPEM, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := gossh.ParsePrivateKey(keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if got := gossh.FingerprintSHA256(signer.PublicKey()); got != fingerprint {
		t.Errorf("printed fingerprint %s, key's is %s", fingerprint, got)
	}
	if fi, _ := os.Stat(keyPath); fi.Mode().Perm() != 0o600 {
		t.Errorf("host key mode %04o, want 0600", fi.Mode().Perm())
	}

	// OpenSSH checks the host key strictly against a known_hosts made from it.
	knownHosts := filepath.Join(dir, "known_hosts")
	line := fmt.Sprintf("[127.0.0.1]:%s %s", port, gossh.MarshalAuthorizedKey(signer.PublicKey()))
	if err := os.WriteFile(knownHosts, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	sshArgs := []string{"-F", "/dev/null", "-p", port,
		"-o", "UserKnownHostsFile=" + knownHosts, "-o", "StrictHostKeyChecking=yes",
		"-o", "BatchMode=yes", "-o", "ConnectTimeout=10"}
	sshCmd := "ssh " + strings.Join(quoteAll(sshArgs), " ")

	return &served{cmd: srv, exited: exited, log: serverLog, port: port, sshArgs: sshArgs, sshCmd: sshCmd}
}

// lockedBuffer is a bytes.Buffer safe to write from the exec copier and read in the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func quoteAll(args []string) []string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return q
}

// tmuxServer is a private tmux server (its own socket) for one test.
type tmuxServer struct {
	t      *testing.T
	socket string
	n      int
}

func newTmux(t *testing.T, dir string) *tmuxServer {
	tm := &tmuxServer{t: t, socket: filepath.Join(dir, "tmux.sock")}
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *tmuxServer) tmux(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", tm.socket, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// run starts cmd in a new w×h window; after it ends the window stays, showing its
// exit status as SSH_EXIT=N.
func (tm *tmuxServer) run(cmd string, w, h int) string {
	tm.t.Helper()
	tm.n++
	name := fmt.Sprintf("w%d", tm.n)
	shell := cmd + "; echo SSH_EXIT=$?; sleep 600"
	tm.tmux("new-session", "-d", "-s", name, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), shell)
	return name
}

func (tm *tmuxServer) keys(pane string, keys ...string) {
	tm.t.Helper()
	tm.tmux(append([]string{"send-keys", "-t", pane}, keys...)...)
}

func (tm *tmuxServer) capture(pane string) string {
	tm.t.Helper()
	return tm.tmux("capture-pane", "-p", "-t", pane)
}

func (tm *tmuxServer) format(pane, f string) string {
	tm.t.Helper()
	return strings.TrimSpace(tm.tmux("display-message", "-p", "-t", pane, f))
}

func (tm *tmuxServer) waitScreen(pane, what string, ok func(string) bool) {
	tm.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		s := tm.capture(pane)
		if ok(s) {
			return
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("timed out waiting for %s; screen:\n%s", what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
