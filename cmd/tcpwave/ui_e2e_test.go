package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// uiSession is the built binary running in a detached tmux session.
type uiSession struct {
	t      *testing.T
	name   string
	socket string // a private tmux server, so no other tmux user can disturb it
}

func (s *uiSession) tmux(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (s *uiSession) keys(keys ...string) {
	s.t.Helper()
	s.tmux(append([]string{"send-keys", "-t", s.name}, keys...)...)
}

func (s *uiSession) screen() string {
	s.t.Helper()
	return s.tmux("capture-pane", "-p", "-t", s.name)
}

// waitFor polls the screen until it contains every want, or fails.
func (s *uiSession) waitFor(what string, want ...string) string {
	s.t.Helper()
	// A generous bound, not a measure of speed: under -race the machine is slow.
	deadline := time.Now().Add(30 * time.Second)
	var scr string
	for time.Now().Before(deadline) {
		scr = s.screen()
		ok := true
		for _, w := range want {
			if !strings.Contains(scr, w) {
				ok = false
			}
		}
		if ok {
			return scr
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("%s: screen lacks %q:\n%s", what, want, scr)
	return ""
}

// stepUntil presses l until the screen contains want.
func (s *uiSession) stepUntil(want string, max int) string {
	s.t.Helper()
	for range max {
		if scr := s.screen(); strings.Contains(scr, want) {
			return scr
		}
		s.keys("l")
		time.Sleep(30 * time.Millisecond)
	}
	return s.waitFor("stepping", want)
}

// TestUIEndToEnd builds tcpwave and drives it in a real terminal (tmux): step through
// client-close, drop the final ACK, watch the server's FIN come again and the 2MSL
// restart, switch profile, open a scenario from the picker, resize, quit. It needs
// tmux; without it it is skipped, except in CI (CI set), where it fails instead.
func TestUIEndToEnd(t *testing.T) {
	s := startUISession(t, "ui", 100, 30, "env TERM=xterm-256color BIN client-close; sleep 30")

	scr := s.waitFor("start", "Normal close, client first", "linux", "⏸ paused", "Client 10.0.0.1:50312", "ESTABLISHED")
	if strings.Contains(scr, "← back") {
		t.Errorf("rewind offered at the first event:\n%s", scr)
	}

	// Step to the client's final ACK and drop it.
	s.stepUntil("Client sends ACK seq=12 ack=12 len=0", 40)
	s.keys("d")
	s.waitFor("drop", "Dropped the client's ACK seq=12 ack=12 len=0", "u undo", "1 dropped")
	// The server's FIN comes again after its RTO; the client re-ACKs and restarts 2MSL.
	s.stepUntil("⟲1", 20)
	scr = s.stepUntil("The 2MSL timer restarts", 20)
	for _, want := range []string{"✕", "Client 2MSL", "60.000 s / 60.000 s", "TIME_WAIT"} {
		if !strings.Contains(scr, want) {
			t.Errorf("at the 2MSL restart the screen lacks %q:\n%s", want, scr)
		}
	}

	// Same point of the story under the other profile, drop kept.
	s.keys("p")
	s.waitFor("profile", "rfc9293", "1 dropped", "240.000 s / 240.000 s")

	// Undo, then the scenario picker with a filter.
	s.keys("u")
	s.waitFor("undo", "Undone")
	s.keys("s")
	s.waitFor("picker", "Choose a scenario")
	s.keys("-l", "final")
	s.waitFor("filter", "filter: final", "lost-final-ack")
	s.keys("Enter")
	s.waitFor("picked", "The final ACK is lost", "rfc9293", "1/")

	// Resize below the minimum and back.
	s.tmux("resize-window", "-t", s.name, "-x", "50", "-y", "12")
	s.waitFor("too small", "at least 64x18", "50x12")
	s.tmux("resize-window", "-t", s.name, "-x", "200", "-y", "60")
	s.keys("G")
	scr = s.waitFor("200x60", "Endpoints", "Timers", "≈ 240 s", "CLOSED")
	_ = scr

	// Faster, play, pause, quit.
	s.keys("+")
	s.waitFor("faster", "2×")
	s.keys("-", "-")
	s.waitFor("slower", "0.5×")
	s.keys("g", "Space")
	s.waitFor("play", "▶ playing")
	s.keys("Space")
	s.waitFor("pause", "⏸ paused")
	s.keys("q")
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if !strings.Contains(s.screen(), "Endpoints") {
			return // the program left the alternate screen
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("q did not quit:\n%s", s.screen())
}

// TestRender prints finished diagrams as plain text (stdout is not a terminal here).
func TestRender(t *testing.T) {
	code, out, errOut := runCmd("render", "lost-final-ack", "--width", "80")
	if code != 0 || errOut != "" {
		t.Fatalf("render: exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"The final ACK is lost", "✕", "⟲1", "TIME_WAIT", "≈ 60 s", "CLOSED"} {
		if !strings.Contains(out, want) {
			t.Errorf("render output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Error("escape sequences in plain render output")
	}
	if code, out, _ := runCmd("render", "fin-ack-merged", "--format", "mermaid"); code != 0 ||
		!strings.HasPrefix(out, "sequenceDiagram\n") || !strings.Contains(out, "B->>A: FIN|ACK seq=11 ack=12 len=0") {
		t.Errorf("render --format mermaid: exit %d:\n%s", code, out)
	}
	for i, l := range strings.Split(out, "\n") {
		if n := len([]rune(l)); n > 80 {
			t.Errorf("line %d is %d wide", i, n)
		}
	}
	for _, args := range [][]string{
		{"render"},
		{"render", "no-such-scenario"},
		{"render", "client-close", "--width", "10"},
		{"render", "client-close", "--profile", "bsd"},
		{"render", "client-close", "--format", "svg"},
	} {
		code, out, errOut := runCmd(args...)
		if code != 2 || out != "" || errOut == "" || !strings.HasPrefix(errOut, "tcpwave render") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

// startUISession builds the binary and runs command (with BIN standing for it) in a
// private tmux server's w×h session; it needs tmux, and skips without it except in
// CI (CI set), where it fails instead.
func startUISession(t *testing.T, name string, w, h int, command string) *uiSession {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("tmux is required in CI (apt-get install tmux): %v", err)
		}
		t.Skip("tmux not installed")
	}
	bin := filepath.Join(t.TempDir(), "tcpwave")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	s := &uiSession{t: t, name: name, socket: fmt.Sprintf("tcpwave-%s-e2e-%d", name, os.Getpid())}
	s.tmux("new-session", "-d", "-s", s.name, "-x", fmt.Sprint(w), "-y", fmt.Sprint(h),
		strings.ReplaceAll(command, "BIN", bin))
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })
	return s
}
