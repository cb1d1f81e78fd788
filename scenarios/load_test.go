package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

func TestParseErrorsSayFileLineColumnAndField(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"unknown field", "id: x\ntitle: X\nclient:\n  steps:\n    - do: close\n      whenn: 1s\n",
			`my.yaml:6:7: unknown field "whenn"`},
		{"bad duration", "id: x\ntitle: X\nserver:\n  steps:\n    - on: eof\n      after: 2xs\n      do: close\n",
			`my.yaml:6:14: field server.steps[0].after: bad-duration "2xs"`},
		{"bad side", "id: x\ntitle: X\nfaults:\n  - do: drop\n    side: middle\n",
			`my.yaml:5:11: field faults[0].side: want client or server, got "middle"`},
		{"bad call", "id: x\ntitle: X\nclient:\n  steps:\n    - do: explode\n",
			`my.yaml:5:11: field client.steps[0].do: unknown call "explode"`},
		{"bad knob", "id: x\ntitle: X\nset:\n  tcp_fin_timout: 5s\n",
			`my.yaml:4:19: field set.tcp_fin_timout: unknown-knob "tcp_fin_timout"`},
		{"missing id", "title: X\n", `my.yaml:1:1: field id: missing`},
		{"syntax", "id: [x\n", `my.yaml:1:`},
		{"wrong type", "id: x\ntitle: X\nexchanged: lots\n", `my.yaml:3:`},
		{"empty", "", "my.yaml: the file is empty"},
		{"bad port", "id: x\ntitle: X\nclient:\n  steps:\n    - do: connect\n      port: any\n",
			`my.yaml:6:13: field client.steps[0].port: want bound (the old connection's port) or auto`},
		{"port off connect", "id: x\ntitle: X\nclient:\n  steps:\n    - do: close\n      port: auto\n",
			`my.yaml:5:11: field client.steps[0].do: port and isn are for connect only, not close`},
		{"bad hz", "id: x\ntitle: X\nset:\n  hz: 5000\n",
			`my.yaml:4:7: field set.hz: knob hz: not-in-range "5000"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("my.yaml", []byte(c.src))
			if err == nil {
				t.Fatal("want an error")
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("got  %q\nwant prefix %q", err, c.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("want one line, got %q", err)
			}
		})
	}
}

func TestParseFullFile(t *testing.T) {
	src := `
id: my-close
title: My close
explanation: A test.
exchanged: 5
isn: {client: 1000, server: 5000}
link: {client_to_server: 20ms, server_to_client: 30ms}
client:
  reads: false
  steps:
    - at: 1s
      do: close
until: 5m
server:
  next_isn: 7
  keepalive: {idle: 30s, interval: 5s, probes: 4}
  steps:
    - on: eof
      after: 250ms
      do: write
      n: 3
faults:
  - {do: delay, side: server, flags: ACK, nth: 2, delay: 1s}
set_linux: {tcp_rfc1337: "1"}
`
	sc, err := Parse("my.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if sc.ID != "my-close" || sc.Exchanged != [2]int{5, 5} || sc.ISN != [2]uint32{1000, 5000} {
		t.Errorf("header fields: %+v", sc)
	}
	if sc.Delay != [2]time.Duration{20 * time.Millisecond, 30 * time.Millisecond} {
		t.Errorf("delay %v", sc.Delay)
	}
	if !sc.Apps[0].NoRead || !sc.Apps[0].Steps[0].HasAt || sc.Apps[0].Steps[0].At != time.Second {
		t.Errorf("client app %+v", sc.Apps[0])
	}
	st := sc.Apps[1].Steps[0]
	if st.On != model.OnEOF || st.After != 250*time.Millisecond || st.Call != model.CallWrite || st.N != 3 || sc.Apps[1].NextISNDelta != 7 {
		t.Errorf("server step %+v", st)
	}
	if ka := sc.Apps[1].Keepalive; ka == nil || ka.Idle != 30*time.Second || ka.Interval != 5*time.Second || ka.Probes != 4 || sc.Until != 5*time.Minute {
		t.Errorf("keepalive %+v until %v", ka, sc.Until)
	}
	f := sc.Faults[0]
	if f.Action != model.FaultDelay || f.Side != model.B || f.Flags != model.ACK || !f.Exact || f.Nth != 2 || f.Delay != time.Second {
		t.Errorf("fault %+v", f)
	}
	p, err := sc.ProfileFor("linux")
	if err != nil || !p.RFC1337 {
		t.Errorf("linux override not applied: %v %+v", err, p.RFC1337)
	}
	if p, _ := sc.ProfileFor("rfc9293"); p.RFC1337 {
		t.Error("set_linux leaked into rfc9293")
	}
}

func TestGetUnknownSuggestsClosest(t *testing.T) {
	_, err := Get("client-clse")
	var ue *UnknownError
	if !errors.As(err, &ue) || ue.Closest != "client-close" {
		t.Fatalf("got %v", err)
	}
	if _, err := Get("zzzzzzzzzzzz"); !errors.As(err, &ue) || ue.Closest != "" {
		t.Fatalf("got %v", err)
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(p, []byte("id: s\ntitle: S\nclient:\n  steps:\n    - do: close\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := Get(p)
	if err != nil || sc.ID != "s" {
		t.Fatalf("%v %v", sc, err)
	}
	if _, err := Get(filepath.Join(dir, "missing.yaml")); err == nil {
		t.Fatal("want an error for a missing file")
	}
}

// Any input gives a scenario or an error, never a panic; an accepted scenario runs;
// and neither costs more memory than its size allows: parsing a few dozen bytes per
// byte of input (the shape checks keep the parser's quadratic cases out), running at
// most what MaxEvents bounds.
func FuzzParse(f *testing.F) {
	entries, _ := catalogFS.ReadDir("catalog")
	for _, e := range entries {
		data, _ := catalogFS.ReadFile("catalog/" + e.Name())
		f.Add(data)
	}
	f.Add([]byte("id: x\ntitle: y\nfaults: [{do: drop, side: a, nth: -1}]"))
	f.Add([]byte("{"))
	f.Add([]byte("id: x\ntitle: y\nset: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["))
	f.Add([]byte("id: x\ntitle: &a y\nexplanation: *a\n---\nid: z\n"))
	f.Add([]byte("\xef\xbb\xbfid: x\ntitle: y\nlink: {delay: 1000h}\nclient: {steps: [{do: write, n: 1048576}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, parsed, ran runtime.MemStats
		runtime.ReadMemStats(&before)
		sc, err := Parse("fuzz.yaml", data)
		runtime.ReadMemStats(&parsed)
		if alloc := parsed.TotalAlloc - before.TotalAlloc; alloc > 8<<20+uint64(len(data))*256 {
			t.Fatalf("parsing %d bytes allocated %d MB", len(data), alloc>>20)
		}
		if err != nil {
			if sc != nil {
				t.Fatal("both a scenario and an error")
			}
			return
		}
		for _, name := range model.ProfileNames {
			p, err := sc.ProfileFor(name)
			if err != nil {
				continue
			}
			model.Run(sc, p)
		}
		runtime.ReadMemStats(&ran)
		if alloc := ran.TotalAlloc - parsed.TotalAlloc; alloc > 1<<30 {
			t.Fatalf("running allocated %d MB", alloc>>20)
		}
	})
}
