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
	if testing.Short() {
		t.Skip("builds and runs the server")
	}
	bin := filepath.Join(t.TempDir(), "tcpwave")
	if out, err := exec.Command("go", "build", "-o", bin, "../tcpwave").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
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
