package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcpwave/tcpwave/scenarios"
)

func runCmd(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestListShowsTheCatalog(t *testing.T) {
	code, out, _ := runCmd("list")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, sc := range scenarios.Catalog() {
		if !strings.Contains(out, sc.ID) || !strings.Contains(out, sc.Title) {
			t.Errorf("list lacks %s", sc.ID)
		}
	}
}

func TestTraceEveryScenarioBothProfiles(t *testing.T) {
	for _, sc := range scenarios.Catalog() {
		for _, p := range []string{"linux", "rfc9293"} {
			code, out, errs := runCmd("trace", sc.ID, "--profile", p)
			if code != 0 || errs != "" {
				t.Fatalf("%s/%s: exit %d: %s", sc.ID, p, code, errs)
			}
			if !strings.HasPrefix(out, "# scenario: "+sc.ID) || !strings.Contains(out, "# profile: "+p) {
				t.Errorf("%s/%s: header missing:\n%s", sc.ID, p, out[:min(200, len(out))])
			}
		}
	}
}

func TestTraceFlags(t *testing.T) {
	// --drop client:2 loses the client's second segment: its final ACK in client-close.
	_, out, _ := runCmd("trace", "client-close", "--drop", "client:2")
	if !strings.Contains(out, "drop A ACK seq=12 ack=12 len=0") || !strings.Contains(out, "# fault: do=drop side=A nth=2") {
		t.Errorf("--drop did not lose the final ACK:\n%s", out)
	}
	// --delay sets the link: on a 1 ms link the FIN arrives at 1 ms.
	_, out, _ = runCmd("trace", "client-close", "--delay", "1ms")
	if !strings.Contains(out, "1.000 recv B FIN|ACK seq=11 ack=11 len=0") || !strings.Contains(out, "# link: A->B delay=1.000") {
		t.Errorf("--delay 1ms not applied:\n%s", out)
	}
	if code, _, errs := runCmd("trace", "client-close", "--delay", "soon"); code != 2 || !strings.Contains(errs, "--delay") {
		t.Errorf("bad --delay: %d %q", code, errs)
	}
	// --absolute prints RFC 9293 Figure 12's own numbers.
	_, out, _ = runCmd("trace", "client-close", "--profile", "rfc9293", "--absolute")
	for _, want := range []string{"send A FIN|ACK seq=100 ack=300", "send B ACK seq=300 ack=101", "send B FIN|ACK seq=300 ack=101", "send A ACK seq=101 ack=301"} {
		if !strings.Contains(out, want) {
			t.Errorf("--absolute lacks %q:\n%s", want, out)
		}
	}
	// --set changes a knob: TIME_WAIT of 5 s.
	_, out, _ = runCmd("trace", "client-close", "--set", "time_wait=5s")
	if !strings.Contains(out, "timer A time-wait remaining=5000") {
		t.Errorf("--set time_wait=5s not applied:\n%s", out)
	}
}

func TestBadInputIsOneClearLine(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("id: x\ntitle: X\nclient:\n  steps:\n    - do: close\n      when: 1s\n"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"trace", "client-clsoe"}, `unknown scenario "client-clsoe" (did you mean "client-close"?)`},
		{[]string{"trace", bad}, bad + `:6:7: unknown field "when"`},
		{[]string{"trace", "client-close", "--profile", "bsd"}, `unknown profile "bsd"`},
		{[]string{"trace", "client-close", "--set", "nope=1"}, `unknown knob "nope"`},
		{[]string{"trace", "client-close", "--drop", "middle:1"}, `want SIDE:N`},
		{[]string{"trace"}, "name one scenario"},
		{[]string{"drill", "client-clsoe"}, `unknown scenario "client-clsoe" (did you mean "client-close"?)`},
		{[]string{"drill", "client-close", "--profile", "bsd"}, `unknown profile "bsd"`},
	}
	for _, c := range cases {
		code, _, errs := runCmd(c.args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2", c.args, code)
		}
		if !strings.Contains(errs, c.want) {
			t.Errorf("%v: stderr %q lacks %q", c.args, errs, c.want)
		}
		if strings.Contains(errs, "goroutine ") || strings.Contains(errs, "panic") {
			t.Errorf("%v: stack trace on stderr", c.args)
		}
	}
}

func TestHelpAndVersion(t *testing.T) {
	if code, out, _ := runCmd("--version"); code != 0 || !strings.HasPrefix(out, "tcpwave ") {
		t.Errorf("--version: %d %q", code, out)
	}
	if code, out, _ := runCmd("--help"); code != 0 || !strings.Contains(out, "tcpwave trace") {
		t.Errorf("--help: %d %q", code, out)
	}
	if code, _, errs := runCmd("drill", "--help"); code != 0 || !strings.Contains(errs, "Usage: tcpwave drill") {
		t.Errorf("drill --help: %d %q", code, errs)
	}
	for _, sub := range []string{"trace", "list", "knobs"} {
		if code, _, errs := runCmd(sub, "--help"); code != 0 || !strings.Contains(errs, "Usage: tcpwave "+sub) {
			t.Errorf("%s --help: %d %q", sub, code, errs)
		}
	}
}

// TestCommandLineEdges: each mistake is one clear line (and a pointer to -h) with exit
// status 2, never a silent guess.
func TestCommandLineEdges(t *testing.T) {
	dir := t.TempDir()
	zero := filepath.Join(dir, "zero.yaml")
	os.WriteFile(zero, []byte("id: x\ntitle: X\nfaults:\n  - {do: drop, side: client, nth: 0}\n"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		// A duration without a unit was silently milliseconds.
		{[]string{"trace", "client-close", "--set", "time_wait=5"}, `duration "5" has no unit: write e.g. 5ms or 5s`},
		{[]string{"trace", "client-close", "--delay", "3"}, `--delay`},
		// A drop of a segment that is never sent.
		{[]string{"trace", "client-close", "--drop", "server:9"}, "--drop server:9: the server sends only 2 segments in this run, so there is no 9th to lose"},
		{[]string{"render", "client-close", "--drop", "client:5"}, "--drop client:5: the client sends only 2 segments"},
		{[]string{"client-close", "--drop", "client:5"}, "--drop client:5"},
		// N counts from 1, on the command line and in a file alike.
		{[]string{"trace", "client-close", "--drop", "client:0"}, "N a whole number from 1"},
		{[]string{"trace", zero}, "field faults[0].nth: want 1 to 10000"},
		// Lax numbers.
		{[]string{"trace", "client-close", "--drop", "client:2abc"}, "want SIDE:N"},
		{[]string{"trace", "client-close", "--drop", "client:+2"}, "want SIDE:N"},
		{[]string{"trace", "client-close", "--drop", "client:2.5"}, "want SIDE:N"},
		{[]string{"trace", "client-close", "--drop", "client:0x2"}, "want SIDE:N"},
		// Extra arguments.
		{[]string{"list", "foo", "bar"}, "takes no arguments"},
		{[]string{"knobs", "foo"}, "takes no arguments"},
		{[]string{"trace", "client-close", "half-close"}, "name one scenario"},
	}
	for _, c := range cases {
		code, out, errs := runCmd(c.args...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, errs, c.want)
		}
		if out != "" {
			t.Errorf("%v: printed %q on stdout", c.args, out)
		}
		if n := strings.Count(strings.TrimSpace(errs), "\n") + 1; n > 2 {
			t.Errorf("%v: %d lines on stderr, want at most 2:\n%s", c.args, n, errs)
		}
	}
	// A --drop of a segment that exists because another drop made it (the FIN's
	// retransmission) is fine.
	if code, _, errs := runCmd("trace", "client-close", "--drop", "client:1", "--drop", "client:2"); code != 0 {
		t.Errorf("two drops: exit %d: %s", code, errs)
	}
}

// TestKnobsPrintWhatSetTakes: every value knobs prints is accepted by --set as is,
// and means the same.
func TestKnobsPrintWhatSetTakes(t *testing.T) {
	for _, prof := range []string{"linux", "rfc9293"} {
		_, out, _ := runCmd("knobs", "--profile", prof)
		for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
			if strings.HasPrefix(l, "#") {
				continue
			}
			f := strings.Fields(l)
			set := f[0] + "=" + f[1]
			code, again, errs := runCmd("knobs", "--profile", prof, "--set", set)
			if code != 0 {
				t.Errorf("%s: --set %s: exit %d: %s", prof, set, code, errs)
			}
			if again != out {
				t.Errorf("%s: --set %s changed what knobs prints", prof, set)
			}
		}
		if !strings.Contains(out, "time_wait") || strings.Contains(out, "1m0s") {
			t.Errorf("%s: knobs:\n%s", prof, out)
		}
	}
}

// TestRenderAbsolute: render takes --absolute like trace.
func TestRenderAbsolute(t *testing.T) {
	code, out, errs := runCmd("render", "client-close", "--profile", "rfc9293", "--absolute")
	if code != 0 || !strings.Contains(out, "FIN|ACK seq=100 ack=300 len=0") || !strings.Contains(out, "ACK seq=101 ack=301 len=0") {
		t.Errorf("render --absolute: exit %d %s:\n%s", code, errs, out)
	}
	_, out, _ = runCmd("render", "client-close", "--profile", "rfc9293", "--absolute", "--format", "mermaid")
	if !strings.Contains(out, "A->>B: FIN|ACK seq=100 ack=300 len=0") {
		t.Errorf("render --absolute --format mermaid:\n%s", out)
	}
}

// TestRenderCutsTheTitle: a title cut by the width ends with …
func TestRenderCutsTheTitle(t *testing.T) {
	_, out, _ := runCmd("render", "old-duplicate-no-time-wait", "--width", "80")
	title := strings.SplitN(out, "\n", 2)[0]
	if !strings.HasSuffix(title, "…") || len([]rune(title)) != 80 {
		t.Errorf("title %q", title)
	}
}

// TestRunsCutShortSaySo: a run stopped at a limit says so on stderr, and one too big
// to draw is refused by render and the UI, pointing to trace (render took minutes,
// and for a 100 MB write never finished).
func TestRunsCutShortSaySo(t *testing.T) {
	dir := t.TempDir()
	crowded := filepath.Join(dir, "crowded.yaml")
	os.WriteFile(crowded, []byte("id: crowded\ntitle: Crowded\nlink: {delay: 1h}\nclient:\n  steps:\n    - {do: write, n: 40000}\n"), 0o644)
	huge := filepath.Join(dir, "huge.yaml")
	os.WriteFile(huge, []byte("id: huge\ntitle: Huge\nlink: {delay: 1h}\nclient:\n  steps:\n"+strings.Repeat("    - {do: write, n: 1048576}\n", 100)), 0o644)

	for _, args := range [][]string{{"render", crowded}, {crowded}} {
		code, out, errs := runCmd(args...)
		if code != 1 || out != "" || !strings.Contains(errs, "too many segments in flight at once to draw") || !strings.Contains(errs, "'tcpwave trace "+crowded+"' lists it whole") {
			t.Errorf("%v: exit %d, stdout %d bytes, stderr %q", args, code, len(out), errs)
		}
	}
	code, out, errs := runCmd("trace", crowded)
	if code != 0 || errs != "" || !strings.Contains(out, "A->B") {
		t.Errorf("trace of a crowded run: exit %d, %q", code, errs)
	}
	code, out, errs = runCmd("trace", huge)
	if code != 0 || !strings.Contains(errs, "warning: the run was stopped after 100000 events") || !strings.Contains(out, "# truncated:") {
		t.Errorf("trace of a huge run: exit %d, %q", code, errs)
	}
	if raceOn {
		return // the same 100,000-event run again, ten times slower: trace's check will do
	}
	if code, _, errs := runCmd("render", huge, "--format", "mermaid"); code != 0 || !strings.Contains(errs, "warning: the run was stopped") {
		t.Errorf("mermaid of a huge run: exit %d, %q", code, errs)
	}
}
