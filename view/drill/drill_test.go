package drill

import (
	"reflect"
	"testing"
	"time"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// run is a catalog scenario under a profile, with the other profile's run.
func run(t *testing.T, id, profile string) (*model.Timeline, []Alt) {
	t.Helper()
	sc, err := scenarios.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sc.ProfileFor(profile)
	if err != nil {
		t.Fatal(err)
	}
	other := "rfc9293"
	if profile == "rfc9293" {
		other = "linux"
	}
	o, err := sc.ProfileFor(other)
	if err != nil {
		t.Fatal(err)
	}
	tl := model.Run(sc, p)
	return tl, Alternatives(tl, model.Run(sc, o))
}

// TestEveryQuestionIsSound checks every question of every catalog scenario under both
// profiles: the right choice is the model's event, read back from the timeline here
// independently; every choice differs from every other; there are 3 or 4; the UI
// stops just before the event; and the same story gives the same questions.
func TestEveryQuestionIsSound(t *testing.T) {
	for _, sc := range scenarios.Catalog() {
		for _, profile := range []string{"linux", "rfc9293"} {
			tl, alts := run(t, sc.ID, profile)
			qs := Questions(tl, alts)
			where := sc.ID + "/" + profile
			if len(qs) < 2 { // peer-host-gone: the same retransmission, asked once
				t.Errorf("%s: only %d questions", where, len(qs))
			}
			if again := Questions(tl, alts); !reflect.DeepEqual(qs, again) {
				t.Errorf("%s: two runs give different questions", where)
			}
			last := 0
			for _, q := range qs {
				ev := tl.At(q.Event)
				if q.Event <= last || q.Stop != q.Event-1 {
					t.Errorf("%s: question at %d (stop %d) after %d", where, q.Event, q.Stop, last)
				}
				last = q.Event
				if n := len(q.Choices); n < MinChoices || n > MaxChoices {
					t.Errorf("%s #%d: %d choices", where, q.Event, n)
				}
				r := q.Choices[q.Right]
				if r.Source != FromModel {
					t.Errorf("%s #%d: the right choice comes from %d", where, q.Event, r.Source)
				}
				for i, c := range q.Choices {
					if i != q.Right && c.Source == FromModel {
						t.Errorf("%s #%d: a wrong choice claims to be the model's", where, q.Event)
					}
					for j := i + 1; j < len(q.Choices); j++ {
						o := q.Choices[j]
						if c.Same(o) || q.Kind == State && c.State == o.State && c.Stay == o.Stay {
							t.Errorf("%s #%d: choices %d and %d read the same: %+v", where, q.Event, i, j, c)
						}
					}
				}
				if q.Topic.Scenario != sc.ID || q.Topic.Kind != q.Kind || q.Topic.Rule == "" || q.Topic.Rule == "none" {
					t.Errorf("%s #%d: topic %+v", where, q.Event, q.Topic)
				}
				if r.Side != ev.Side {
					t.Errorf("%s #%d: right side %s, event's %s", where, q.Event, r.Side, ev.Side)
				}
				switch q.Kind {
				case Send:
					s := &tl.Segments[ev.Seg]
					if ev.Kind != model.EvSend || r.Flags != s.Flags || r.Seq != s.Seq || r.RelSeq() != s.RelSeq() || r.Retrans != s.Retrans || r.Len != s.Len ||
						(s.Flags.Has(model.ACK) && (r.Ack != s.Ack || r.RelAck() != s.RelAck())) {
						t.Errorf("%s #%d: right %+v, segment %s", where, q.Event, r, s.Label())
					}
				case State:
					if ev.Kind != model.EvState || r.State != ev.To || r.Stay {
						t.Errorf("%s #%d: right %+v, event enters %s", where, q.Event, r, ev.To)
					}
				case Timer:
					if ev.Kind != model.EvTimer || r.Timer != ev.Timer || r.Length != ev.Snap[ev.Side].Timers[ev.Timer].Length {
						t.Errorf("%s #%d: right %+v, event arms %s", where, q.Event, r, ev.Timer)
					}
				case App:
					if ev.Kind != model.EvApp || r.Result == "" {
						t.Errorf("%s #%d: right %+v, event %q", where, q.Event, r, ev.Call)
					}
				}
			}
		}
	}
}

// find is the first question of kind k whose right answer passes ok.
func find(qs []Question, tl *model.Timeline, k Kind, ok func(a Answer) bool) (Question, bool) {
	for _, q := range qs {
		if q.Kind == k && ok(q.Choices[q.Right]) {
			return q, true
		}
	}
	return Question{}, false
}

// wrong is the wrong choice of q from source src with myth m, if there is one.
func wrong(q Question, src Source, m Myth) (Answer, bool) {
	for i, c := range q.Choices {
		if i != q.Right && c.Source == src && c.Myth == m {
			return c, true
		}
	}
	return Answer{}, false
}

// TestDistractorsArePlausible checks, question by question, that the wrong choices are
// the ones a student would give: the other profile's answer at the same point, a
// different fault's, and the misconceptions the questions are about.
func TestDistractorsArePlausible(t *testing.T) {
	tests := []struct {
		name, id, profile string
		kind              Kind
		right             func(a Answer) bool
		src               Source
		myth              Myth
		want              func(a Answer) bool
	}{
		{
			"the passive closer enters TIME_WAIT", "client-close", "linux", State,
			func(a Answer) bool { return a.Side == model.B && a.State == model.Closed },
			FromMyth, MythPassiveTimeWait,
			func(a Answer) bool { return a.State == model.TimeWait && a.Side == model.B },
		},
		{
			"the ACK is retransmitted", "lost-final-ack", "linux", Send,
			func(a Answer) bool { return a.Side == model.B && a.Retrans == 1 && a.Flags.Has(model.FIN) },
			FromMyth, MythAckRetransmitted,
			func(a Answer) bool {
				return a.Side == model.A && a.Flags == model.ACK && a.Retrans == 1 && a.RelAck() == 12
			},
		},
		{
			"CLOSE_WAIT ends by a timer", "client-close", "rfc9293", State,
			func(a Answer) bool { return a.State == model.LastAck },
			FromMyth, MythCloseWaitTimer,
			func(a Answer) bool { return a.CloseWait && a.State == model.Closed },
		},
		{
			"the ACK of a FIN does not count it", "client-close", "linux", Send,
			func(a Answer) bool { return a.Side == model.A && a.Flags == model.ACK },
			FromMyth, MythFinNoSeq,
			func(a Answer) bool { return a.RelAck() == 11 && a.RelSeq() == 12 },
		},
		{
			"RFC 9293 sends the ACK alone", "fin-ack-merged", "linux", Send,
			func(a Answer) bool { return a.Side == model.B && a.Flags == model.FIN|model.ACK },
			FromOtherProfile, MythNone,
			func(a Answer) bool { return a.Flags == model.ACK && a.RelSeq() == 11 && a.RelAck() == 12 },
		},
		{
			"RFC 9293's 2MSL is 240 s", "client-close", "linux", Timer,
			func(a Answer) bool { return a.Timer == model.TimerTimeWait },
			FromOtherProfile, MythNone,
			func(a Answer) bool { return a.Timer == model.TimerTimeWait && a.Length == 240*time.Second },
		},
		{
			"RFC 9293 has no FIN_WAIT_2 timer", "client-close", "linux", Timer,
			func(a Answer) bool { return a.Timer == model.TimerFinWait2 },
			FromOtherProfile, MythNone,
			func(a Answer) bool { return a.Timer == model.NumTimers },
		},
		{
			"2MSL keeps running", "lost-final-ack", "linux", Timer,
			func(a Answer) bool { return a.Restart },
			FromMyth, MythTimerRuns,
			func(a Answer) bool { return a.Timer == model.TimerTimeWait && !a.Restart },
		},
		{
			"the FIN_WAIT_2 timer is 2MSL", "peer-never-closes", "linux", Timer,
			func(a Answer) bool { return a.Timer == model.TimerFinWait2 },
			FromMyth, MythTimeWaitTimer,
			func(a Answer) bool { return a.Timer == model.TimerTimeWait && a.Length == 60*time.Second },
		},
		{
			"read() blocks", "client-close", "linux", App,
			func(a Answer) bool { return a.Result == "EOF" },
			FromMyth, MythBlocks,
			func(a Answer) bool { return a.Call == "read" && a.Result == "blocks" },
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tl, alts := run(t, tc.id, tc.profile)
			q, ok := find(Questions(tl, alts), tl, tc.kind, tc.right)
			if !ok {
				t.Fatalf("no %s question with that right answer", tc.kind)
			}
			a, ok := wrong(q, tc.src, tc.myth)
			if !ok {
				t.Fatalf("no wrong choice from %d/%s among %+v", tc.src, tc.myth, q.Choices)
			}
			if !tc.want(a) {
				t.Errorf("the wrong choice is %+v", a)
			}
		})
	}
}

// TestAFaultGivesADistractor: where a lost segment changes what comes next, the
// drill offers the run without the fault: in lost-final-ack the client's last ACK is
// lost and its TIME_WAIT restarts 2MSL; without the fault nothing restarts it.
func TestAFaultGivesADistractor(t *testing.T) {
	tl, alts := run(t, "lost-final-ack", "linux")
	n := 0
	for _, q := range Questions(tl, alts) {
		for i, c := range q.Choices {
			if i != q.Right && c.Source == FromOtherFault {
				n++
			}
		}
	}
	if n == 0 {
		t.Error("no choice comes from another fault")
	}
}

// TestShuffleIsAPermutation: every choice survives the shuffle, the right one is
// where Right says, and the right answer is not always first.
func TestShuffleIsAPermutation(t *testing.T) {
	in := []Answer{{Len: 0}, {Len: 1}, {Len: 2}, {Len: 3}}
	firsts := map[int]bool{}
	for s := uint64(0); s < 64; s++ {
		out, r := shuffle(in, s*0x9e3779b97f4a7c15)
		if out[r].Len != 0 {
			t.Fatalf("seed %d: Right=%d holds %+v", s, r, out[r])
		}
		seen := map[int]bool{}
		for _, a := range out {
			seen[a.Len] = true
		}
		if len(seen) != len(in) {
			t.Fatalf("seed %d: %+v is not a permutation", s, out)
		}
		firsts[r] = true
	}
	if len(firsts) < 4 {
		t.Errorf("the right answer only ever lands at %v", firsts)
	}
}

// TestAppResult reads the calls the model writes.
func TestAppResult(t *testing.T) {
	for call, want := range map[string][2]string{
		"read -> EOF":                       {"read", "EOF"},
		"read -> n=10":                      {"read", "data"},
		"read -> error ECONNRESET":          {"read", "ECONNRESET"},
		"write n=10 -> error EPIPE":         {"write", "EPIPE"},
		"write n=100 -> 100":                {"write", "ok"},
		"connect -> error EADDRNOTAVAIL":    {"connect", "EADDRNOTAVAIL"},
		"close -> error connection closing": {"close", "connection"},
	} {
		v, r, ok := appResult(call)
		if !ok || v != want[0] || r != want[1] {
			t.Errorf("%q: %q %q %v, want %q", call, v, r, ok, want)
		}
	}
	if _, _, ok := appResult("close"); ok {
		t.Error("close has no outcome")
	}
}

// TestNextFollowsTheCursor: Next after a question's event is the following question.
func TestNextFollowsTheCursor(t *testing.T) {
	tl, alts := run(t, "client-close", "linux")
	qs := Questions(tl, alts)
	for i, q := range qs {
		got, ok := Next(tl, q.Stop, alts)
		if !ok || got.Event != q.Event {
			t.Errorf("Next(%d) = %d %v, want %d", q.Stop, got.Event, ok, q.Event)
		}
		got, ok = Next(tl, q.Event, alts)
		if i+1 < len(qs) && (!ok || got.Event != qs[i+1].Event) {
			t.Errorf("Next(%d) = %d, want %d", q.Event, got.Event, qs[i+1].Event)
		}
		if i+1 == len(qs) && ok {
			t.Errorf("Next after the last question gives %d", got.Event)
		}
	}
}

// BenchmarkQuestions is the cost of a drill's start: every question of lost-final-ack
// (its alternatives run once, then one fork per question).
func BenchmarkQuestions(b *testing.B) {
	sc, _ := scenarios.Get("lost-final-ack")
	p, _ := sc.ProfileFor("linux")
	o, _ := sc.ProfileFor("rfc9293")
	tl, other := model.Run(sc, p), model.Run(sc, o)
	for b.Loop() {
		Questions(tl, Alternatives(tl, other))
	}
}
