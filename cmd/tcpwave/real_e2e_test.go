package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestRealScreenEndToEnd runs tcpwave real in a real terminal (tmux), as root: the
// kernel's run of fin-ack-merged beside the model's in the comparison screen (one
// above the other at 110 columns), then G (the end), tab (side by side), L (Chinese), q. It needs Linux, root, /dev/net/tun and tmux; without them
// it is skipped.
func TestRealScreenEndToEnd(t *testing.T) {
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("needs root on Linux")
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		t.Skip("needs /dev/net/tun")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "tcpwave")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	s := &uiSession{t: t, name: "real", socket: fmt.Sprintf("tcpwave-real-e2e-%d", os.Getpid())}
	s.tmux("new-session", "-d", "-s", s.name, "-x", "110", "-y", "30",
		"env TERM=xterm-256color LANG=C "+bin+" real fin-ack-merged; echo EXIT=$?; sleep 60")
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })

	// The kernel runs first (a few seconds, more if the machine is busy and the run is
	// made again): wait for the screen without a tight deadline.
	scr := s.waitLong("the screen", "tcpwave · fin-ack-merged · the model beside the kernel", "model · linux profile", "kernel · Linux")
	for _, want := range []string{"close()", "At the cursor", "step 1/", "→/← step both"} {
		if !strings.Contains(scr, want) {
			t.Errorf("the screen lacks %q:\n%s", want, scr)
		}
	}
	s.keys("G")
	s.waitFor("G", "LAST_ACK", "CLOSED")
	s.keys("Tab")
	s.waitFor("tab", "│ │ kernel · Linux")
	s.keys("L")
	s.waitFor("L", "模型与内核并排对照", "模型 · linux 配置")
	s.keys("q")
	scr = s.waitFor("q", "EXIT=")
	if !strings.Contains(scr, "EXIT=0") && !strings.Contains(scr, "EXIT=1") {
		t.Errorf("after q:\n%s", scr)
	}
}

// waitLong is waitFor with a minute's patience, for a screen that comes after a run
// on the kernel.
func (s *uiSession) waitLong(what string, want ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(time.Minute)
	var scr string
	for time.Now().Before(deadline) {
		scr = s.screen()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(scr, w)
		}
		if ok {
			return scr
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("%s: screen lacks %q:\n%s", what, want, scr)
	return ""
}
