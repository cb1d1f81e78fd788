package view

import (
	"strings"
	"testing"
	"time"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// A backed-off retransmission timer of 2.016 s or more says the timer wheel may fire
// it up to a bucket late; a shorter one does not (model.WheelSlack).
func TestTimerNoteTeachesTheWheel(t *testing.T) {
	sc, ok := scenarios.Lookup("fin-retries-exhausted")
	if !ok {
		t.Fatal("no fin-retries-exhausted")
	}
	tl := model.Run(sc, model.Linux())
	var long, short bool
	for i := range tl.Events {
		ev := &tl.Events[i]
		if ev.Kind != model.EvTimer || ev.Timer != model.TimerRetransmit {
			continue
		}
		for _, l := range []Lang{En, Zh} {
			says := strings.Contains(timerNote(l, tl, ev).why, map[Lang]string{En: "bucket", Zh: "时间轮"}[l])
			switch {
			case ev.Remaining >= 2016*time.Millisecond && !says:
				t.Errorf("%s: the %v timer does not mention the wheel", l, ev.Remaining)
			case ev.Remaining < 2016*time.Millisecond && says:
				t.Errorf("%s: the %v timer mentions the wheel", l, ev.Remaining)
			}
		}
		long = long || ev.Remaining >= 2016*time.Millisecond
		short = short || ev.Remaining < 2016*time.Millisecond
	}
	if !long || !short {
		t.Fatalf("fin-retries-exhausted has no long (%v) or short (%v) retransmission timer", long, short)
	}
}
