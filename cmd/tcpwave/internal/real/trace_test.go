package real

import (
	"strings"
	"testing"
	"time"
)

func TestParseTraceReadsEventsAndDropsNotes(t *testing.T) {
	in := `# scenario: x
# profile: linux
0.000 app A close  # The app calls close().
0.000 state A FIN_WAIT_1
10.5 recv B FIN|ACK seq=11 ack=11 len=0 tsval=7 tsecr=3  # a note
60220.000 timer A none remaining=0 retrans=0

`
	evs, err := ParseTrace(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []Event{
		{T: 0, Kind: "app", Side: "A", Body: "app A close", Line: 3},
		{T: 0, Kind: "state", Side: "A", Body: "state A FIN_WAIT_1", Line: 4},
		{T: 10500 * time.Microsecond, Kind: "recv", Side: "B", Body: "recv B FIN|ACK seq=11 ack=11 len=0", Line: 5},
		{T: 60220 * time.Millisecond, Kind: "timer", Side: "A", Body: "timer A none remaining=0 retrans=0", Line: 6},
	}
	if len(evs) != len(want) {
		t.Fatalf("got %d events, want %d: %+v", len(evs), len(want), evs)
	}
	for i := range want {
		if evs[i] != want[i] {
			t.Errorf("event %d: got %+v, want %+v", i, evs[i], want[i])
		}
	}
	if got := evs[2].String(); got != "10.500 recv B FIN|ACK seq=11 ack=11 len=0" {
		t.Errorf("String: %q", got)
	}
}

func TestParseTraceSaysWhichLineAndField(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"x app A close", "line 1: time field"},
		{"# c\n1.0000 app A close", "line 2: time field"},
		{"1.000 wave A close", "line 1: kind field \"wave\""},
		{"1.000 send C FIN", "line 1: side field \"C\""},
		{"1.000 send", "line 1: want <t_ms>"},
		{"1.000 send A FIN seq=1", "line 1: segment: want"},
		{"99999999999999.000 app A close", "line 1: time field"},
		{"1.000 app A " + strings.Repeat("x", MaxLineBytes), "line 1: bufio.Scanner: token too long"},
	} {
		_, err := ParseTrace(strings.NewReader(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.40q: got %v, want an error with %q", tc.in, err, tc.want)
		}
	}
}

func TestParseTraceIsBounded(t *testing.T) {
	var b strings.Builder
	for i := 0; i <= MaxTraceLines; i++ {
		b.WriteString("#\n")
	}
	if _, err := ParseTrace(strings.NewReader(b.String())); err == nil || !strings.Contains(err.Error(), "more than") {
		t.Fatalf("a trace of %d lines: got %v", MaxTraceLines+1, err)
	}
}

func TestFormatTraceRoundTrips(t *testing.T) {
	evs := []Event{
		{T: 1500 * time.Microsecond, Kind: "send", Side: "A", Body: "send A FIN|ACK seq=11 ack=11 len=0"},
		{T: 60 * time.Second, Kind: "state", Side: "A", Body: "state A CLOSED"},
	}
	text := FormatTrace([]string{"scenario: x"}, evs)
	back, err := ParseTrace(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	for i := range evs {
		back[i].Line = 0
		if back[i] != evs[i] {
			t.Errorf("%d: %+v != %+v", i, back[i], evs[i])
		}
	}
	if !strings.HasPrefix(text, "# scenario: x\n1.500 send A") {
		t.Errorf("text:\n%s", text)
	}
}

// FuzzParseTrace: whatever the text, ParseTrace returns events or an error, and what
// it returns prints back to lines it reads again the same.
func FuzzParseTrace(f *testing.F) {
	f.Add("0.000 app A close\n10.000 recv B FIN|ACK seq=11 ack=11 len=0  # note\n")
	f.Add("# c\n1.5 state A TIME_WAIT\n-3.000 timer B none remaining=0 retrans=0\n")
	f.Add("1.000 send A FIN seq=1 ack=- len=0 tsval=1 tsecr=2\n")
	f.Fuzz(func(t *testing.T, in string) {
		evs, err := ParseTrace(strings.NewReader(in))
		if err != nil {
			return
		}
		back, err := ParseTrace(strings.NewReader(FormatTrace(nil, evs)))
		if err != nil || len(back) != len(evs) {
			t.Fatalf("reprinted trace does not read back: %v", err)
		}
		for i := range evs {
			if back[i].T != evs[i].T || back[i].Body != evs[i].Body {
				t.Fatalf("%d: %+v became %+v", i, evs[i], back[i])
			}
		}
	})
}
