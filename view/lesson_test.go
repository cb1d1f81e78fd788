package view

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/view/player"
)

// told is what the narration says at one event.
type told struct {
	ev                   *model.Event
	summary, why, remark string
}

// allRuns runs every catalog scenario under both profiles and gives what the
// narration says at each event, in l.
func allRuns(t *testing.T, l Lang, each func(id string, tl *model.Timeline, says []told)) {
	t.Helper()
	for _, sc := range scenarios.Catalog() {
		for _, name := range model.ProfileNames {
			p, err := sc.ProfileFor(name)
			if err != nil {
				t.Fatal(err)
			}
			tl := model.Run(sc, p)
			o, _ := tl.Scenario.ProfileFor(player.OtherProfile(tl.Profile.Name))
			says := make([]told, tl.Len())
			for i := range tl.Len() {
				ev := tl.At(i)
				says[i] = told{ev, eventSummary(l, tl, ev), eventNote(l, tl, ev).why, remark(l, tl, &o, ev)}
			}
			each(sc.ID+"/"+name, tl, says)
		}
	}
}

// threeWay reports whether a run's close took three segments: the passive closer's
// FIN carried the ACK it owed.
func threeWay(tl *model.Timeline) bool {
	for i := range tl.Segments {
		if s := &tl.Segments[i]; s.Flags.Has(model.FIN) && s.Piggyback {
			return true
		}
	}
	return false
}

// Each lesson appears where it belongs and nowhere else.
func TestLessonsAreTrueWhereShown(t *testing.T) {
	seen := map[string]int{}
	allRuns(t, En, func(id string, tl *model.Timeline, says []told) {
		three := threeWay(tl)
		for i, s := range says {
			ev := s.ev
			all := s.summary + " " + s.why + " " + s.remark
			fail := func(format string, args ...any) {
				t.Helper()
				t.Errorf("%s at %s (event %d): "+format, append([]any{id, model.FormatMillis(ev.T), i}, args...)...)
			}
			// A close that took three segments never says four, and one of four never three.
			if three && strings.Contains(s.why, "four segments") {
				fail("a three-segment close says four: %q", s.why)
			}
			if !three && strings.Contains(s.why, "three segments") {
				fail("a four-segment close says three: %q", s.why)
			}
			if strings.Contains(s.why, "ACKs the FIN at once") {
				seen["ack-at-once"]++
				if three {
					fail("says the FIN is ACKed at once in a close whose FIN carried the ACK")
				}
			}
			// "May still write" only for a side that has not closed its own direction.
			if ev.Kind == model.EvApp && ev.Call == "read -> EOF" {
				before := &tl.At(ev.Index - 1).Snap[ev.Side]
				closedOwn := before.FinQueued || before.FinSent
				if may := strings.Contains(s.why, "may still write"); may == closedOwn {
					fail("side that closed its own direction=%v, narration %q", closedOwn, s.why)
				}
				seen["eof"]++
			}
			// A 2MSL timer restarts only when it was already running in this TIME_WAIT.
			if ev.Kind == model.EvTimer && ev.Timer == model.TimerTimeWait {
				real := timeWaitRearmed(tl, ev)
				if says := strings.Contains(all, "restart"); says != real {
					fail("2MSL re-armed=%v, but the narration says %q", real, all)
				}
				if real {
					seen["restart"]++
				}
			}
			// "No timer left" says whose: never while the other side's still runs.
			if strings.Contains(s.why, "Neither side has a timer left") {
				if _, _, ok := ev.Snap[ev.Side.Peer()].NextTimer(); ok {
					fail("says no side has a timer while the %s's runs", ev.Side.Peer().Name())
				}
			}
			if strings.Contains(s.why, "still runs") {
				seen["other-timer"]++
				if _, _, ok := ev.Snap[ev.Side.Peer()].NextTimer(); !ok {
					fail("says the other side's timer runs, and it has none")
				}
			}
			// The tail loss probe says its rule, never "about two round trips".
			if strings.Contains(all, "round trips") {
				fail("the probe is explained by round trips: %q", all)
			}
			if ev.Kind == model.EvSend && tl.Segments[ev.Seg].Cause == model.CauseProbe {
				seen["probe"]++
				if !strings.Contains(s.why, "PTO = 2·SRTT") {
					fail("the probe does not say its rule: %q", s.why)
				}
			}
			// One numbering: every ⟲n on a send is the arrow's.
			if ev.Kind == model.EvSend {
				seg := &tl.Segments[ev.Seg]
				for _, n := range retransMarks(s.summary + " " + s.why) {
					if n != seg.Retrans {
						fail("copy ⟲%d is called ⟲%d: %q", seg.Retrans, n, s.summary+" "+s.why)
					}
				}
				if seg.Retrans > 0 && strings.Contains(s.why, "Retransmission #") {
					fail("a second numbering: %q", s.why)
				}
			}
			if ev.Kind == model.EvState && ev.Note.Rule == model.RuleTimedOut {
				seen["timed-out"]++
				marks := retransMarks(s.why)
				if last := lastCopy(tl, ev); len(marks) == 0 || marks[len(marks)-1] != last {
					fail("the last copy was ⟲%d, the narration says %q", last, s.why)
				}
			}
			// No overclaiming, and a profile's choice is the profile's.
			if strings.Contains(all, "surely") {
				fail("overclaims: %q", all)
			}
			if strings.Contains(s.remark, "ACK at once") && !strings.Contains(s.remark, "choice") {
				fail("the rfc9293 profile's ACK at once reads as RFC behaviour: %q", s.remark)
			}
			// Linux's quick SYN re-send is not an RTO.
			if ev.Kind == model.EvSend {
				seg := &tl.Segments[ev.Seg]
				q := tl.Profile.QuickRetry()
				if seg.Flags == model.SYN && seg.Retrans > 0 && q > 0 && tl.At(ev.Index - 1).Snap[ev.Side].Timers[model.TimerRetransmit].Length == q {
					seen["syn-quick"]++
					if strings.Contains(s.why, "RTO (") || !strings.Contains(s.why, "2 jiffies") {
						fail("the quick SYN re-send is narrated as %q", s.why)
					}
				}
			}
		}
	})
	// Every check above met its case somewhere in the catalog.
	for _, k := range []string{"ack-at-once", "eof", "restart", "probe", "timed-out", "syn-quick"} {
		if seen[k] == 0 {
			t.Errorf("no run of the catalog has a %q event: the check tests nothing", k)
		}
	}
}

// timeWaitRearmed reports, from the events alone, whether a 2MSL timer event re-arms a
// timer armed earlier in the same TIME_WAIT.
func timeWaitRearmed(tl *model.Timeline, ev *model.Event) bool {
	armed := false
	for j := ev.Index - 1; j >= 0; j-- {
		e := tl.At(j)
		if e.Side != ev.Side {
			continue
		}
		if e.Kind == model.EvState && e.To == model.TimeWait {
			return armed
		}
		if e.Kind == model.EvTimer && e.Timer == model.TimerTimeWait && e.T < ev.T {
			armed = true
		}
	}
	return false
}

// lastCopy is the ⟲ number of the last segment ev's side sent before ev.
func lastCopy(tl *model.Timeline, ev *model.Event) int {
	for j := ev.Index - 1; j >= 0; j-- {
		if e := tl.At(j); e.Kind == model.EvSend && e.Side == ev.Side {
			return tl.Segments[e.Seg].Retrans
		}
	}
	return 0
}

var retransMark = regexp.MustCompile(`⟲(\d+)`)

// missingKey is how Lang.t shows a key no catalog has: [key].
var missingKey = regexp.MustCompile(`\[[a-z0-9.-]+\]`)

func retransMarks(s string) []int {
	var out []int
	for _, m := range retransMark.FindAllStringSubmatch(s, -1) {
		n, _ := strconv.Atoi(m[1])
		out = append(out, n)
	}
	return out
}

// Every text of every run is found in the catalog and formats cleanly, in every
// language.
func TestNarrationIsComplete(t *testing.T) {
	for l := Lang(0); l < numLangs; l++ {
		allRuns(t, l, func(id string, tl *model.Timeline, says []told) {
			for _, s := range says {
				ls := eventNote(l, tl, s.ev)
				for _, text := range []string{s.summary, s.why, s.remark, ls.src} {
					if strings.Contains(text, "%!") || missingKey.MatchString(text) {
						t.Errorf("%s %s: %q is missing or misformatted", l, id, text)
					}
				}
				if s.ev.Note.Rule != model.RuleNone && s.why == "" {
					t.Errorf("%s %s: rule %s has no words", l, id, s.ev.Note.Rule)
				}
			}
		})
	}
}

// No explanation is ever out of reach: at 80×24, in every language, at every event of
// every catalog run, the narration's pages (the more key) show its last words and its
// source.
func TestNarrationPagesReachEverything(t *testing.T) {
	for l := Lang(0); l < numLangs; l++ {
		for _, sc := range scenarios.Catalog() {
			for _, prof := range model.ProfileNames {
				m := sized(t, sc.ID, prof, 80, 24)
				m.SetLang(l)
				m.flash = ""
				for {
					ev := m.Timeline().At(m.Cursor())
					ls := eventNoteIn(l, m.Timeline(), ev, m.absolute)
					var seen strings.Builder
					screenText(m)
					for range m.narPages {
						seen.WriteString(strings.ReplaceAll(screenText(m), "\n", ""))
						press(m, "m")
					}
					all := strings.ReplaceAll(seen.String(), " ", "")
					for _, want := range []string{lastRunes(ls.why, 6), lastRunes(ls.src, 6)} {
						if !strings.Contains(all, strings.ReplaceAll(want, " ", "")) {
							t.Fatalf("%s %s/%s event %d: %q is on no page of the narration", l, sc.ID, prof, m.Cursor(), want)
						}
					}
					if m.Cursor() == m.Timeline().Len()-1 {
						break
					}
					press(m, "l")
				}
			}
		}
	}
}

func lastRunes(s string, n int) string {
	r := []rune(s)
	return string(r[max(0, len(r)-n):])
}
