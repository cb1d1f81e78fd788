package main

import (
	"bytes"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/scenarios/capture"
)

// twoFlows writes a capture of two connections: client-close's run from 10.0.0.1 and
// lost-final-ack's from 10.0.0.9, both to 10.0.0.2:80.
func twoFlows(t *testing.T, dir string) string {
	t.Helper()
	var pkts []capture.Packet
	other := netip.MustParseAddrPort("10.0.0.9:41000")
	for i, id := range []string{"client-close", "lost-final-ack"} {
		sc, _ := scenarios.Lookup(id)
		p, _ := sc.ProfileFor("linux")
		for _, pk := range capture.Packets(model.Run(sc, p), capture.AtLink) {
			if i == 1 {
				if pk.Src == capture.ClientAddr {
					pk.Src = other
				} else {
					pk.Dst = other
				}
			}
			pkts = append(pkts, pk)
		}
	}
	sort.SliceStable(pkts, func(i, j int) bool { return pkts[i].T < pkts[j].T })
	var b bytes.Buffer
	if err := capture.WritePackets(&b, pkts); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "two.pcap")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestTraceCapture: trace reads a capture into the trace's grammar with inferred
// states; several connections need --flow; bad files get one line and a status.
func TestTraceCapture(t *testing.T) {
	dir := t.TempDir()
	two := twoFlows(t, dir)
	code, _, errs := runCmd("trace", two)
	if code != 2 || !strings.Contains(errs, "several connections") || !strings.Contains(errs, "--flow 10.0.0.9:41000-10.0.0.2:80") {
		t.Fatalf("exit %d:\n%s", code, errs)
	}
	code, out, errs := runCmd("trace", two, "--flow", "10.0.0.2:80-10.0.0.9:41000")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{
		"# connection: A=10.0.0.9:41000 (client) B=10.0.0.2:80 (server)",
		"# capture point: link (assumed",
		"state A FIN_WAIT_1  # inferred: a FIN left the client",
		"drop A ACK", "final ACK was lost",
		"state B CLOSED  # inferred:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("trace lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCmd("trace", filepath.Join("..", "..", "scenarios", "capture", "testdata", "real", "three.pcap"), "--at", "client", "--lang", "zh")
	if code != 0 || !strings.Contains(out, "state A TIME_WAIT  # inferred: ") || !strings.Contains(out, "三") && !strings.Contains(out, "服务") {
		t.Errorf("three.pcap in Chinese: exit %d\n%s", code, out)
	}
	notCap := filepath.Join(dir, "notes.pcap")
	os.WriteFile(notCap, []byte("id: client-close\n"), 0o600)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{notCap}, 1, "not a capture file"},
		{[]string{filepath.Join(dir, "missing.pcap")}, 1, "no such file"},
		{[]string{two, "--flow", "1.2.3.4:5-6.7.8.9:10"}, 2, "no TCP connection with these addresses"},
		{[]string{two, "--flow", "nonsense"}, 2, "--flow wants"},
		{[]string{two, "--format", "pcap", "-o", filepath.Join(dir, "x.pcap")}, 2, "is a capture already"},
	} {
		code, _, errs := runCmd(append([]string{"trace"}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %d and %q", c.args, code, errs, c.code, c.want)
		}
	}
}

// TestOpenEndToEnd opens a capture of two connections in a real terminal: the picker
// lists both, typing filters, enter opens one in the diagram with its addresses and
// inferred states, L switches to Chinese.
func TestOpenEndToEnd(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("tmux is required in CI: %v", err)
		}
		t.Skip("tmux not installed")
	}
	dir := t.TempDir()
	two := twoFlows(t, dir)
	bin := filepath.Join(dir, "tcpwave")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	s := &uiSession{t: t, name: "open", socket: fmt.Sprintf("tcpwave-open-e2e-%d", os.Getpid())}
	s.tmux("new-session", "-d", "-s", s.name, "-x", "100", "-y", "30",
		"env TERM=xterm-256color "+bin+" open "+two+"; sleep 30")
	t.Cleanup(func() { exec.Command("tmux", "-L", s.socket, "kill-server").Run() })

	s.waitFor("picker", "two.pcap: 2 TCP connections", "10.0.0.1:50312", "10.0.0.9:41000", "four-way")
	s.keys("-l", "10.0.0.9")
	scr := s.waitFor("filter", "filter: 10.0.0.9", "1 shown")
	if strings.Contains(scr, "10.0.0.1:50312") {
		t.Errorf("the filter kept the other connection:\n%s", scr)
	}
	s.keys("Enter")
	s.waitFor("diagram", "inferred", "Client 10.0.0.9:41000", "Server 10.0.0.2:80", "capture taken on the link")
	s.keys("G")
	s.waitFor("end", "Inferred: the ACK of its FIN reached the server in LAST_ACK", "The capture ends here", "✕")
	s.keys("L")
	s.waitFor("zh", "推断：", "抓包到此结")
	s.keys("q")
}

// TestOpenAsScenario: --as-scenario writes a scenario that loads and runs: the real
// four-way close, the server closing 0.3 s after EOF, becomes a client-first close whose
// run, like the kernel, ends with the client in TIME_WAIT and the server CLOSED.
func TestOpenAsScenario(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "four.yaml")
	real := filepath.Join("..", "..", "scenarios", "capture", "testdata", "real", "four.pcap")
	if code, _, errs := runCmd("open", real, "--at", "client", "--as-scenario", "-o", out); code != 0 || !strings.Contains(errs, "wrote "+out) {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, trace, errs := runCmd("trace", out)
	if code != 0 {
		t.Fatalf("the scenario written does not run: %s", errs)
	}
	for _, want := range []string{"app A close", "state B CLOSE_WAIT", "state A TIME_WAIT", "state B CLOSED", "# app B: 302.034ms after eof: close"} {
		if !strings.Contains(trace, want) {
			t.Errorf("the scenario's run lacks %q:\n%s", want, trace)
		}
	}
	if code, _, errs := runCmd("open", twoFlows(t, dir), "--as-scenario"); code != 2 || !strings.Contains(errs, "name one with --flow") {
		t.Errorf("several connections: exit %d: %s", code, errs)
	}
}
