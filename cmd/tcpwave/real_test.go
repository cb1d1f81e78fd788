package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestRealRefusesBadCommandLines(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"real"}, "name one scenario"},
		{[]string{"real", "a", "b"}, "name one scenario"},
		{[]string{"real", "no-such-scenario"}, "known scenarios"},
		{[]string{"real", "old-duplicate-no-time-wait"}, "cannot run on real sockets: knob skip_time_wait=1 has no sysctl"},
		{[]string{"real", "--check", "--pcap", "x.pcap"}, "--check takes no --pcap"},
		{[]string{"real", "--check", "no-such-scenario"}, "known scenarios"},
		{[]string{"real", "--nope"}, "Run 'tcpwave real -h'"},
	} {
		code, out, errs := runCmd(tc.args...)
		if code != 2 || out != "" || !strings.Contains(errs, tc.want) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want exit 2 and %q", tc.args, code, out, errs, tc.want)
		}
	}
}

// TestRealWithoutPrivilegesSaysWhatItNeeds runs the binary as nobody: one line that
// says what is needed, exit 2.
func TestRealWithoutPrivilegesSaysWhatItNeeds(t *testing.T) {
	if runtime.GOOS != "linux" || os.Geteuid() != 0 {
		t.Skip("needs root to become nobody")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("no setpriv")
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	bin := filepath.Join(dir, "tcpwave")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", bin, "real", "client-close")
	out, err := cmd.Output()
	code := cmd.ProcessState.ExitCode()
	var stderr string
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = string(ee.Stderr)
	}
	if code != 2 || len(out) != 0 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "needs root, or CAP_NET_ADMIN") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}
