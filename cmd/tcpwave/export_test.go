package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTracePcapFlags: --format pcap writes the file named by -o at --at's point, and
// each wrong combination gets its one-line reason and status 2.
func TestTracePcapFlags(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "cc.pcap")
	if code, stdout, errs := runCmd("trace", "client-close", "--format", "pcap", "-o", out, "--at", "client"); code != 0 || stdout != "" || errs != "" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, errs)
	}
	data, err := os.ReadFile(out)
	if err != nil || len(data) < 24 || data[0] != 0xd4 || data[1] != 0xc3 {
		t.Fatalf("no classic pcap written (%v, %d bytes)", err, len(data))
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "pcap"}, "needs -o FILE"},
		{[]string{"-o", out}, "give --format pcap"},
		{[]string{"--format", "json", "-o", out}, "--format must be text or pcap"},
		{[]string{"--format", "pcap", "-o", out, "--at", "middle"}, "--at must be client, server or link"},
		{[]string{"--format", "pcap", "-o", filepath.Join(dir, "no", "such", "dir.pcap")}, "no such file"},
	} {
		code, _, errs := runCmd(append([]string{"trace", "client-close"}, c.args...)...)
		if code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, errs, c.want)
		}
	}
}
