//go:build linux

package real

import (
	"strings"
	"testing"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

const ms = time.Millisecond

// TestBuildResultWritesTheTraceGrammar builds a timeline from what a run saw: a
// handshake before time zero (whose SYNs give the ISNs), a FIN lost on the link, one
// delivered, states and timers from sock_diag, and the apps' calls.
func TestBuildResultWritesTheTraceGrammar(t *testing.T) {
	const isnA, isnB = 4000000000, 77
	t0 := 500 * ms
	segs := []*segment{
		{at: 1 * ms, from: model.A, flags: model.SYN, seq: isnA, delivered: 11 * ms},
		{at: 12 * ms, from: model.B, flags: model.SYN | model.ACK, seq: isnB, ack: isnA + 1, delivered: 22 * ms},
		{at: t0, from: model.A, flags: model.FIN | model.ACK, seq: isnA + 11, ack: isnB + 11, lost: true, lostAt: t0 + 5*ms},
		{at: t0 + 220*ms, from: model.A, flags: model.FIN | model.ACK, seq: isnA + 11, ack: isnB + 11, delivered: t0 + 231*ms},
		{at: t0 + 231*ms, from: model.B, flags: model.RST, seq: isnB + 11, delivered: t0 + 242*ms},
		{at: t0 + 5*time.Second, from: model.A, flags: model.ACK, seq: isnA + 12, ack: isnB + 12, delivered: t0 + 5010*ms},
	}
	changes := []stateObs{
		{at: 100 * ms, side: model.A, s: sockState{state: model.Established}},
		{at: t0 + 1*ms, side: model.A, s: sockState{state: model.FinWait1, timer: diagTimerRetrans, expires: 219 * ms}},
		{at: t0 + 231*ms, side: model.B, s: sockState{state: model.Closed}},
		{at: t0 + 243*ms, side: model.A, s: sockState{state: model.Closed}},
	}
	apps := []appObs{{at: t0, side: model.A, call: "close"}}
	sc := &model.Scenario{ID: "x", Title: "X"}
	res := buildResult(sc, t0, time.Second, segs, changes, apps)
	got := FormatTrace(nil, res.Events)
	want := `0.000 app A close
0.000 send A FIN|ACK seq=11 ack=11 len=0
1.000 state A FIN_WAIT_1
1.000 timer A retransmit remaining=219 retrans=0
5.000 drop A FIN|ACK seq=11 ack=11 len=0
220.000 send A FIN|ACK seq=11 ack=11 len=0
231.000 recv B FIN|ACK seq=11 ack=11 len=0
231.000 send B RST seq=11 ack=- len=0
231.000 state B CLOSED
242.000 recv A RST seq=11 ack=- len=0
243.000 state A CLOSED
243.000 timer A none remaining=0 retrans=0
`
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
	if res.ISN != [2]uint32{isnA, isnB} {
		t.Errorf("ISNs %v", res.ISN)
	}
	if h := strings.Join(res.Header, "\n"); !strings.Contains(h, "isn: A=4000000000 B=77 (the kernel's own)") || !strings.Contains(h, "horizon: observed until 1000.000") {
		t.Errorf("header:\n%s", h)
	}
}

// TestLinkFaultsCountAsTheModelDoes checks the link's fault counting against the
// model's: only segments after time zero count, the Nth match is hit, Times in a row,
// and a duplicate's copy comes its delay late.
func TestLinkFaultsCountAsTheModelDoes(t *testing.T) {
	sc := &model.Scenario{Delay: [2]time.Duration{10 * ms, 10 * ms}, Faults: []model.Fault{
		{Action: model.FaultDrop, Side: model.A, Flags: model.FIN, Nth: 1, Times: 2},
		{Action: model.FaultDuplicate, Side: model.B, Flags: model.PSH, Nth: 1, Delay: 2 * time.Second},
		{Action: model.FaultDelay, Side: model.B, Flags: model.ACK, Exact: true, Nth: 2, Delay: 50 * ms},
	}}
	l := newLink(nil, nil, sc, &clock{})
	send := func(at time.Duration, from model.Side, f model.Flags) *segment {
		s := &segment{at: at, from: from, flags: f, isData: true}
		l.launch(s)
		return s
	}
	pre := send(0, model.A, model.FIN|model.ACK) // before time zero: not counted
	l.arm()
	f1 := send(100*ms, model.A, model.FIN|model.ACK)
	f2 := send(320*ms, model.A, model.FIN|model.ACK)
	f3 := send(760*ms, model.A, model.FIN|model.ACK)
	if pre.lost || !f1.lost || !f2.lost || f3.lost {
		t.Errorf("drops: pre %v, 1st %v, 2nd %v, 3rd %v; want only the 1st and 2nd after zero", pre.lost, f1.lost, f2.lost, f3.lost)
	}
	if f1.lostAt != 105*ms {
		t.Errorf("lost at %s, want half way (105ms)", f1.lostAt)
	}
	a1 := send(110*ms, model.B, model.ACK)
	a2 := send(120*ms, model.B, model.ACK)
	if a1.arriveAt != 120*ms || a2.arriveAt != 180*ms {
		t.Errorf("delay: the 1st ACK arrives at %s (want 120ms), the 2nd at %s (want 180ms)", a1.arriveAt, a2.arriveAt)
	}
	d := send(130*ms, model.B, model.PSH|model.ACK)
	segs, _ := l.segments()
	last := segs[len(segs)-1]
	if !last.dup || last.arriveAt != 130*ms+10*ms+2*time.Second || d.arriveAt != 140*ms {
		t.Errorf("duplicate: copy %v arriving %s, original %s", last.dup, last.arriveAt, d.arriveAt)
	}
	if n := l.queues[model.A].h.Len() + l.queues[model.B].h.Len(); n != 6 {
		t.Errorf("%d segments queued for delivery, want 6 (all 8 but the two lost)", n)
	}
}

func TestParseSegmentIgnoresWhatIsNotTCP(t *testing.T) {
	if s := parseSegment([]byte{0x60, 0, 0, 0}); s.isData {
		t.Error("an IPv6 header read as TCP")
	}
	if s := parseSegment(nil); s.isData {
		t.Error("nothing read as TCP")
	}
}
