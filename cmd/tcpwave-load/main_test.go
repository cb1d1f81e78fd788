package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestLoadSmoke runs the load tool against the real server with a few sessions and
// checks that it measures something: frames arrive while playing, none while paused.
func TestLoadSmoke(t *testing.T) {
	bin := buildServer(t)
	var out, errOut strings.Builder
	if code := run([]string{"--server", bin, "-n", "3", "--duration", "2s", "--probes", "2"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut.String(), out.String())
	}
	report := out.String()
	t.Log("\n" + report)
	m := regexp.MustCompile(`load, 3 animating sessions over 2s: frames/s per session min ([0-9.]+)`).FindStringSubmatch(report)
	if m == nil {
		t.Fatalf("no load line in the report")
	}
	if fps, _ := strconv.ParseFloat(m[1], 64); fps < 1 {
		t.Errorf("min frames/s %.1f: the sessions were not animating", fps)
	}
	for _, want := range []string{"first frame, single client (2 runs)", "server: CPU", "MB per session", "paused session: 0 bytes"} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if code := run([]string{"--size", "80by24"}, &out, &errOut); code != 2 {
		t.Errorf("bad --size: exit %d, want 2", code)
	}
}

// TestHostileSmoke runs --hostile with one client of every kind against the real
// server: the normal sessions still animate under attack, the hostile clients got
// their sessions and were cut off, and the report has its comparison lines.
func TestHostileSmoke(t *testing.T) {
	bin := buildServer(t)
	var out, errOut strings.Builder
	args := []string{"--server", bin, "-n", "2", "--hostile", "7", "--duration", "2s", "--probes", "2"}
	if code := run(args, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errOut.String(), out.String())
	}
	report := out.String()
	t.Log("\n" + report)
	for _, k := range hostileKinds {
		if !strings.Contains(report, "× "+k.name) {
			t.Errorf("report lacks the kind %q", k.name)
		}
	}
	m := regexp.MustCompile(`median frame rate: ([0-9.]+) alone, ([0-9.]+) under attack`).FindStringSubmatch(report)
	if m == nil {
		t.Fatal("no frame-rate comparison in the report")
	}
	if fps, _ := strconv.ParseFloat(m[2], 64); fps < 1 {
		t.Errorf("under attack the normal sessions drew %.1f frames/s: they were not animating", fps)
	}
	m = regexp.MustCompile(`hostile clients: (\d+) sessions opened, (\d+) refusals`).FindStringSubmatch(report)
	if m == nil {
		t.Fatal("no hostile-clients line in the report")
	}
	if m[1] == "0" || m[2] == "0" {
		t.Errorf("hostile clients: %s sessions, %s refusals: the attack did not run or was never cut off", m[1], m[2])
	}
	if code := run([]string{"--hostile", "3", "--addr", "127.0.0.1:1"}, &out, &errOut); code != 2 {
		t.Errorf("--hostile with --addr: exit %d, want 2", code)
	}
}

// buildServer builds the tcpwave binary for a test, or skips it under -short.
func buildServer(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	bin := filepath.Join(t.TempDir(), "tcpwave")
	if out, err := exec.Command("go", "build", "-o", bin, "../tcpwave").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}
