package view

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// questionModel opens question id at w×h in l, as 'tcpwave questions ID' does.
func questionModel(t *testing.T, id string, l Lang, w, h int) *Model {
	t.Helper()
	m := mustNew(t, Options{Question: id, Lang: l})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	return m
}

func TestQuestionCardFrames(t *testing.T) {
	for _, c := range []struct {
		id   string
		lang Lang
		keys []string
	}{
		{"why-2msl", Zh, nil},
		{"why-2msl", En, nil},
		{"keepalive-defaults", Zh, nil},
		{"time-wait-harm", Zh, nil},
		{"optimize-time-wait", En, nil},
		{"optimize-time-wait", En, []string{"m"}},
	} {
		name := fmt.Sprintf("%s-%s-%d", c.id, c.lang, len(c.keys))
		t.Run(name, func(t *testing.T) {
			m := questionModel(t, c.id, c.lang, 80, 24)
			press(m, c.keys...)
			out := screenText(m)
			if lines := strings.Count(out, "\n") + 1; lines != 24 {
				t.Errorf("frame has %d lines, want 24", lines)
			}
			for i, l := range strings.Split(out, "\n") {
				if w := ansi.StringWidth(l); w > 80 {
					t.Errorf("line %d is %d wide: %q", i, w, l)
				}
			}
			golden.RequireEqual(t, out)
		})
	}
}

// TestEveryQuestionOpens opens every question at 80×24 in both languages: paused at
// its step, with its card, every line of which is shown on one of its pages; esc
// closes it and leaves the diagram where it was.
func TestEveryQuestionOpens(t *testing.T) {
	for _, q := range scenarios.Questions() {
		for _, l := range []Lang{Zh, En} {
			m := questionModel(t, q.ID, l, 80, 24)
			want, ok := q.At.Find(m.Timeline())
			if !ok || m.Cursor() != want || m.Playing() || m.card == nil || m.Scenario().ID != q.Scenario || m.Profile() != q.Profile {
				t.Fatalf("%s (%s): cursor %d (want %d), playing %v, card %v, scenario %s, profile %s",
					q.ID, l, m.Cursor(), want, m.Playing(), m.card != nil, m.Scenario().ID, m.Profile())
			}
			screenText(m)
			c := m.card
			var shown strings.Builder
			for p := 0; p < c.pages; p++ {
				shown.WriteString(screenText(m))
				press(m, "m")
			}
			if screenText(m); c.page != 0 {
				t.Errorf("%s (%s): m did not come back to the first page", q.ID, l)
			}
			for _, line := range c.lines(l, 76) {
				if !strings.Contains(shown.String(), line.text) {
					t.Errorf("%s (%s): the card's line %q is on no page", q.ID, l, line.text)
				}
			}
			press(m, "esc")
			if m.card != nil || m.Cursor() != want {
				t.Errorf("%s (%s): esc left card %v, cursor %d", q.ID, l, m.card != nil, m.Cursor())
			}
		}
	}
}

func TestPickerQuestionsTab(t *testing.T) {
	m := sized(t, "client-close", "linux", 80, 24)
	inChinese(m)
	press(m, "s", "tab")
	if !m.picker.questions {
		t.Fatal("tab did not switch to the questions")
	}
	out := screenText(m)
	for _, want := range []string{"面试题", "四次挥手的过程和状态", "tab 切换"} {
		if !strings.Contains(out, want) {
			t.Errorf("the questions tab lacks %q:\n%s", want, out)
		}
	}
	// Typing filters on both languages' text: Chinese here, English below.
	press(m, "乱序")
	if ms := m.picker.qs.matches; len(ms) != 1 || ms[0].ID != "out-of-order-fin" {
		t.Fatalf("filter 乱序: %d matches", len(ms))
	}
	press(m, "backspace", "backspace")
	for _, r := range "keepalive defaults" {
		press(m, string(r))
	}
	if ms := m.picker.qs.matches; len(ms) != 1 || ms[0].ID != "keepalive-defaults" {
		t.Fatalf("filter 'keepalive defaults': %d matches", len(ms))
	}
	// tab back: the scenarios, with the same filter.
	press(m, "tab")
	if m.picker.questions || m.picker.filter != "keepalive defaults" {
		t.Fatalf("tab back: questions %v, filter %q", m.picker.questions, m.picker.filter)
	}
	press(m, "tab", "enter")
	if m.picker != nil || m.card == nil || m.card.q.ID != "keepalive-defaults" {
		t.Fatalf("enter did not open the question")
	}
	q := m.card.q
	if i, _ := q.At.Find(m.Timeline()); m.Cursor() != i || m.Scenario().ID != "peer-host-gone-keepalive" || m.Playing() {
		t.Errorf("opened at %d of %s (playing %v), want %d of peer-host-gone-keepalive, paused", m.Cursor(), m.Scenario().ID, m.Playing(), i)
	}
	if out := screenText(m); !strings.Contains(out, "参考答案") || !strings.Contains(out, "TCP 保活机制的默认参数") {
		t.Errorf("no card on screen:\n%s", out)
	}
	// A diagram key closes the card and acts: ← steps back.
	at := m.Cursor()
	press(m, "left")
	if m.card != nil || m.Cursor() != at-1 {
		t.Errorf("← with the card open: card %v, cursor %d, want closed at %d", m.card != nil, m.Cursor(), at-1)
	}
}

func TestCardKeys(t *testing.T) {
	m := questionModel(t, "time-wait-harm", En, 80, 24)
	screenText(m)
	if m.card.pages < 2 {
		t.Fatalf("the TIME_WAIT harm card fits one page at 80×24 (%d); this test wants a long one", m.card.pages)
	}
	press(m, "m")
	if screenText(m); m.card.page != 1 {
		t.Errorf("m: page %d", m.card.page)
	}
	press(m, "up")
	if screenText(m); m.card.page != 0 {
		t.Errorf("up: page %d", m.card.page)
	}
	press(m, "L")
	if m.card == nil || m.lang != Zh || !strings.Contains(screenText(m), "TIME_WAIT 过多有什么危害") {
		t.Errorf("L with the card open: card %v, lang %v", m.card != nil, m.lang)
	}
	if cmd := press(m, "q"); cmd == nil {
		t.Errorf("q with the card open does not quit")
	}
	press(m, "enter")
	if m.card != nil {
		t.Errorf("enter did not close the card")
	}
	if _, err := New(Options{Question: "nope"}); err == nil || !strings.Contains(err.Error(), "tcpwave questions") {
		t.Errorf("an unknown question: %v", err)
	}
}

// BenchmarkViewWithCard measures one frame at 80×24 with a Chinese answer card open.
func BenchmarkViewWithCard(b *testing.B) {
	m := mustNew(b, Options{Question: "time-wait-harm", Lang: Zh})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.View()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
}

// TestQuestionIgnoresDelay: a question opens its scenario as the catalog has it, the
// story its card tells, even when --delay and --set were given for the others.
func TestQuestionIgnoresDelay(t *testing.T) {
	m := mustNew(t, Options{Question: "why-2msl", Lang: En, Delay: 10 * time.Millisecond,
		Overrides: []model.Override{{Knob: "time_wait", Value: "10s"}}})
	if d := m.Scenario().Delay; d != [2]time.Duration{29 * time.Second, 29 * time.Second} || m.Timeline().Profile.TimeWait != 60*time.Second {
		t.Errorf("opened with delay %v and TIME_WAIT %v, want the catalog's 29 s and 60 s", d, m.Timeline().Profile.TimeWait)
	}
}

// TestCardMissedStep: when the run has no step the question names, the card says so
// and the diagram waits at its start.
func TestCardMissedStep(t *testing.T) {
	q0, _ := scenarios.QuestionByID("why-2msl")
	q := *q0
	q.At.Nth = 99
	m := mustNew(t, Options{Lang: En})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if err := m.openQuestion(&q); err != nil {
		t.Fatal(err)
	}
	if m.card == nil || !m.card.missed || m.Cursor() != 0 {
		t.Fatalf("card %v, missed %v, cursor %d", m.card != nil, m.card != nil && m.card.missed, m.Cursor())
	}
	if out := screenText(m); !strings.Contains(out, "This run does not have the step") {
		t.Errorf("the card does not say its step is missing:\n%s", out)
	}
}
