package capture

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tcpwave/tcpwave/model"
)

// kernelStates reads what `ss -tan` showed on the client's and the server's host at
// each moment of a real capture (testdata/real/NAME.ss, written by make.sh): each
// side's states in order, a repeat dropped. A side missing from a snapshot after it
// was seen has no socket left: CLOSED.
func kernelStates(t *testing.T, path string) [2][]model.State {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out [2][]model.State
	add := func(s model.Side, st model.State) {
		if n := len(out[s]); n == 0 || out[s][n-1] != st {
			out[s] = append(out[s], st)
		}
	}
	var snap [2]*model.State
	flush := func() {
		for s := model.A; s <= model.B; s++ {
			switch {
			case snap[s] != nil:
				add(s, *snap[s])
			case len(out[s]) > 0:
				add(s, model.Closed)
			}
		}
		snap = [2]*model.State{}
	}
	sc := bufio.NewScanner(f)
	started := false
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 0 {
			continue
		}
		if fields[0] == "#" {
			if started {
				flush()
			}
			started = true
			continue
		}
		name := strings.ReplaceAll(fields[1], "-", "_")
		switch name {
		case "ESTAB":
			name = "ESTABLISHED"
		case "SYN_RECV":
			name = "SYN_RECEIVED"
		}
		st, ok := model.ParseState(name)
		if !ok {
			t.Fatalf("%s: unknown state %q", path, fields[1])
		}
		side := model.A
		if fields[0] == "server" {
			side = model.B
		}
		snap[side] = &st
	}
	flush()
	return out
}

// subsequence reports whether want appears in got in order.
func subsequence(want, got []model.State) bool {
	i := 0
	for _, g := range got {
		if i < len(want) && g == want[i] {
			i++
		}
	}
	return i == len(want)
}

// TestRealCaptures opens captures made between two network namespaces by make.sh (a
// four-way close (also captured with -i any: Linux cooked SLL2), a three-segment close,
// an abort with SO_LINGER 0, a FIN sent again
// after a moment's outage of the link) and checks that the states inferred for each
// side pass through every state `ss` showed on its host, in the same order, and end
// where the kernel's did. (The order, not the instants: in refin.pcap the first FIN
// did reach the server, whose ACK was lost, but a capture on the client's host cannot
// tell that from a lost FIN, so the server's CLOSE_WAIT is inferred at the second.)
func TestRealCaptures(t *testing.T) {
	want := map[string]Ending{"four": FourWay, "four-any": FourWay, "three": ThreeWay, "abort": Reset, "refin": ThreeWay}
	for name, end := range want {
		path := filepath.Join("testdata", "real", name+".pcap")
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := ScanFlows(f, nil)
		f.Close()
		if err != nil || len(sc.Flows) != 1 {
			t.Fatalf("%s: %v, %d flows", name, err, len(sc.Flows))
		}
		fl := sc.Flows[0]
		if fl.End != end || fl.Client.Port() != 40013 {
			t.Errorf("%s: ended %s, client %s; want %s from port 40013", name, fl.End, fl.Client, end)
		}
		f, _ = os.Open(path)
		pkts, _, _, err := ReadFlow(f, fl.Key)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		inf, err := Infer(pkts, fl.Client.String(), fl.Server.String(), AtClient)
		if err != nil {
			t.Fatal(err)
		}
		got := states(inf.Timeline)
		kernel := kernelStates(t, filepath.Join("testdata", "real", name+".ss"))
		for s := model.A; s <= model.B; s++ {
			k, g := kernel[s], got[s]
			if !subsequence(k, g) || (len(k) > 0 && k[len(k)-1] != g[len(g)-1]) {
				t.Errorf("%s, %s: the kernel went through %v, the capture says %v", name, s.Name(), k, g)
			}
		}
		if name == "refin" && inf.Findings == 0 {
			t.Errorf("refin: the FIN sent again is not flagged")
		}
	}
}
