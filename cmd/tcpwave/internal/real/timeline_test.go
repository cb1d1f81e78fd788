package real

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/view"
)

// withoutTimers is evs without its timer lines, which TimelineOf leaves out.
func withoutTimers(evs []Event) []Event {
	var out []Event
	for _, e := range evs {
		if e.Kind != "timer" {
			e.Line = 0
			out = append(out, e)
		}
	}
	return out
}

// Every catalog scenario's model run, read as events and built back into a timeline,
// reads the same: the kernel's side of the diagram is built by the same path.
func TestTimelineOfRoundTrip(t *testing.T) {
	for _, sc := range scenarios.Catalog() {
		tl, _, err := ModelEvents(sc)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := EventsOf(tl, 0)
		if err != nil {
			t.Fatalf("%s: %v", sc.ID, err)
		}
		back, err := TimelineOf(sc, tl.Profile, evs)
		if err != nil {
			t.Fatalf("%s: %v", sc.ID, err)
		}
		again, err := EventsOf(back, 0)
		if err != nil {
			t.Fatalf("%s: %v", sc.ID, err)
		}
		want, got := withoutTimers(evs), withoutTimers(again)
		if len(want) != len(got) {
			t.Fatalf("%s: %d events back, want %d", sc.ID, len(got), len(want))
		}
		for i := range want {
			if want[i] != got[i] {
				t.Fatalf("%s: event %d is %v, want %v", sc.ID, i, got[i], want[i])
			}
		}
		// Retransmissions are numbered alike (copies made by the link aside).
		var orig, rebuilt []int
		for i := range tl.Segments {
			if !tl.Segments[i].Dup {
				orig = append(orig, tl.Segments[i].Retrans)
			}
		}
		for i := range back.Segments {
			if !back.Segments[i].Dup {
				rebuilt = append(rebuilt, back.Segments[i].Retrans)
			}
		}
		if fmt.Sprint(orig) != fmt.Sprint(rebuilt) {
			t.Errorf("%s: retransmissions %v, want %v", sc.ID, rebuilt, orig)
		}
	}
}

func TestTimelineOfSegments(t *testing.T) {
	sc, _ := scenarios.Lookup("client-close")
	trace := `0.000 app A close
0.000 send A FIN|ACK seq=1 ack=1 len=0
0.000 state A FIN_WAIT_1
20.000 recv B FIN|ACK seq=1 ack=1 len=0
25.000 recv B FIN|ACK seq=1 ack=1 len=0
30.000 send B ACK seq=1 ack=2 len=0
31.000 drop B ACK seq=1 ack=2 len=0
32.000 timer A retransmit remaining=200 retrans=0
`
	evs, err := ParseTrace(strings.NewReader(trace))
	if err != nil {
		t.Fatal(err)
	}
	p, _ := sc.ProfileFor("linux")
	tl, err := TimelineOf(sc, p, evs)
	if err != nil {
		t.Fatal(err)
	}
	if tl.Len() != 8 { // start + 7 (the timer left out)
		t.Fatalf("%d events, want 8", tl.Len())
	}
	if len(tl.Segments) != 3 || !tl.Segments[1].Dup || tl.Segments[1].CopyOf != 0 {
		t.Fatalf("segments %+v: want the FIN, its copy, and the ACK", tl.Segments)
	}
	if s := tl.Segments[0]; s.ArriveAt != 20*time.Millisecond || s.Lost {
		t.Errorf("FIN arrives at %v lost=%v, want 20ms", s.ArriveAt, s.Lost)
	}
	if s := tl.Segments[2]; !s.Lost || s.ArriveAt != 31*time.Millisecond {
		t.Errorf("ACK lost=%v at %v, want lost at 31ms", s.Lost, s.ArriveAt)
	}
	if ev := tl.At(3); ev.Kind != model.EvState || ev.From != model.Established || ev.To != model.FinWait1 {
		t.Errorf("event 3 = %+v, want ESTABLISHED -> FIN_WAIT_1", ev)
	}
	for _, bad := range []string{
		"1.000 recv B FIN seq=1 ack=- len=0\n",
		"1.000 state A NOT_A_STATE\n",
		"1.000 send A FIN|XYZ seq=1 ack=- len=0\n",
		"2.000 app A close\n1.000 app B close\n",
		"-1.000 app A close\n",
	} {
		evs, err := ParseTrace(strings.NewReader(bad))
		if err != nil {
			continue
		}
		if _, err := TimelineOf(sc, p, evs); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

// FuzzTimelineOf: whatever trace it is given, TimelineOf builds a timeline or says why
// not; it never panics, and what it builds can be drawn from.
func FuzzTimelineOf(f *testing.F) {
	f.Add("0.000 app A close\n0.000 send A FIN|ACK seq=1 ack=1 len=0\n20.000 recv B FIN|ACK seq=1 ack=1 len=0\n")
	f.Add("1.000 drop B ACK seq=1 ack=2 len=0\n")
	f.Add("0.000 state A TIME_WAIT\n5.000 timer A time-wait remaining=60000 retrans=0\n")
	sc, _ := scenarios.Lookup("client-close")
	p, _ := sc.ProfileFor("linux")
	f.Fuzz(func(t *testing.T, text string) {
		evs, err := ParseTrace(strings.NewReader(text))
		if err != nil {
			return
		}
		tl, err := TimelineOf(sc, p, evs)
		if err != nil {
			return
		}
		for i := range tl.Segments {
			if tl.SendEvent(i) < 0 {
				t.Fatalf("segment %d has no send event", i)
			}
		}
		kevs, err := EventsOf(tl, 0)
		if err != nil {
			t.Fatalf("EventsOf: %v", err)
		}
		// And the comparison screen draws it beside the model's run.
		mtl, mevs, err := ModelEvents(sc)
		if err != nil {
			t.Fatal(err)
		}
		mevs, _ = EventsOf(mtl, 0)
		var steps []view.CompareStep
		for _, r := range Compare(mevs, kevs, time.Minute, DefaultTolerance) {
			st := view.CompareStep{Mark: view.RealMark(r.Kind), Ev: [2]int{-1, -1}}
			if r.Model != nil {
				st.Ev[0] = EventIndex(r.Model)
			}
			if r.Kernel != nil {
				st.Ev[1] = EventIndex(r.Kernel)
			}
			steps = append(steps, st)
		}
		m := view.NewCompare(view.CompareOptions{Timelines: [2]*model.Timeline{mtl, tl}, Steps: steps})
		m.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
		m.Frame()
		m.Update(tea.KeyPressMsg{Code: 'G', Text: "G"})
		m.Frame()
	})
}
