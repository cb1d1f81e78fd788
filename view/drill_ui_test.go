package view

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/view/drill"
)

// drillSummaryText is the summary as plain text, 78 columns wide.
func (m *Model) drillSummaryText() string {
	var b strings.Builder
	for _, l := range m.drillSummary(78) {
		b.WriteString(l.text)
		b.WriteByte('\n')
	}
	return b.String()
}

// playDrill feeds playback ticks until the drill stops (asking, revealed or done), and
// reports how many it took; a drill that never stops fails the test.
func playDrill(t *testing.T, m *Model) int {
	t.Helper()
	clock := time.Unix(1_000_000, 0)
	for n := 0; n < 100000; n++ {
		if !m.Playing() {
			return n
		}
		clock = clock.Add(frameInterval)
		m.Update(tickMsg{gen: m.gen, at: clock})
	}
	t.Fatal("the drill never stopped")
	return 0
}

// TestDrillPlaysAndAsks: t starts a drill that plays up to the step before the first
// question and stops there, exactly at that event, asking; the right key scores, the
// reveal plays the step and stops on it with the verdict; space goes on.
func TestDrillPlaysAndAsks(t *testing.T) {
	m := sized(t, "client-close", "linux", 80, 24)
	press(m, "t")
	if !m.Drilling() {
		t.Fatal("t did not start a drill")
	}
	d := m.drill
	if len(d.qs) < 10 {
		t.Fatalf("client-close asks only %d questions", len(d.qs))
	}
	playDrill(t, m)
	q := d.qs[0]
	if d.phase != drillAsking || m.Cursor() != q.Stop || m.Now() != m.Timeline().At(q.Stop).T {
		t.Fatalf("stopped in phase %d at event %d (%v), want asking at %d", d.phase, m.Cursor(), m.Now(), q.Stop)
	}
	s := screenText(m)
	if !strings.Contains(s, m.questionText(q)) || !strings.Contains(s, "1  "+m.answerText(q, q.Choices[0])) {
		t.Fatalf("the question is not on screen:\n%s", s)
	}
	if !strings.Contains(s, "drill 0/0") {
		t.Errorf("no score in the header:\n%s", s)
	}
	// A key that is no choice does nothing.
	press(m, "9", "d", "p")
	if d.phase != drillAsking || m.Injected() != 0 || m.Profile() != "linux" {
		t.Fatalf("keys outside the drill acted: phase %d, %d drops, %s", d.phase, m.Injected(), m.Profile())
	}
	press(m, fmt.Sprint(q.Right+1))
	if d.phase != drillRevealing || d.score != 1 {
		t.Fatalf("after the right answer: phase %d score %d", d.phase, d.score)
	}
	playDrill(t, m)
	if d.phase != drillRevealed || m.Cursor() != q.Event {
		t.Fatalf("the reveal stopped at %d in phase %d, want %d", m.Cursor(), d.phase, q.Event)
	}
	s = screenText(m)
	if !strings.Contains(s, "✓ Right") || !strings.Contains(s, "drill 1/1") {
		t.Errorf("no verdict or score after a right answer:\n%s", s)
	}
	if !strings.Contains(s, eventSummaryIn(En, m.Timeline(), m.Timeline().At(q.Event), false)) {
		t.Errorf("the reveal does not narrate the event:\n%s", s)
	}
	press(m, "space")
	playDrill(t, m)
	if d.at != 1 || d.phase != drillAsking || m.Cursor() != d.qs[1].Stop {
		t.Fatalf("space did not go on to the second question: at %d phase %d cursor %d", d.at, d.phase, m.Cursor())
	}
}

// answerAll answers every remaining question, right unless wrong says otherwise, with
// space to skip each play.
func answerAll(t *testing.T, m *Model, wrong func(i int) bool) {
	t.Helper()
	d := m.drill
	for guard := 0; d.phase != drillDone; guard++ {
		if guard > 1000 {
			t.Fatal("the drill never ends")
		}
		switch d.phase {
		case drillAsking:
			q := d.qs[d.at]
			pick := q.Right
			if wrong(d.at) {
				pick = (q.Right + 1) % len(q.Choices)
			}
			press(m, fmt.Sprint(pick+1))
		default:
			press(m, "space")
		}
	}
}

// TestDrillScoreAndSummary answers some questions wrong: the score counts the right
// ones, a wrong answer says why it is wrong, and the summary lists exactly the missed
// questions with what was chosen, the model's answer and where to see it again.
func TestDrillScoreAndSummary(t *testing.T) {
	m := sized(t, "lost-final-ack", "linux", 80, 24)
	press(m, "t")
	d := m.drill
	n := len(d.qs)
	wrong := func(i int) bool { return i%3 == 1 }
	sawWhy := false
	d0 := m.drill
	for guard := 0; d.phase != drillDone && guard < 1000; guard++ {
		switch d.phase {
		case drillAsking:
			q := d.qs[d.at]
			pick := q.Right
			if wrong(d.at) {
				pick = (q.Right + 1) % len(q.Choices)
			}
			press(m, fmt.Sprint(pick+1))
			press(m, "space") // to the event, at once
			if wrong(d.at) {
				s := screenText(m)
				if !strings.Contains(s, "✗ You chose") {
					t.Fatalf("question %d: no verdict for a wrong answer:\n%s", d.at, s)
				}
				a := q.Choices[pick]
				if a.Myth != drill.MythNone && strings.Contains(m.flash, En.t("drill.myth."+a.Myth.String())) {
					sawWhy = true
				}
			}
		default:
			press(m, "space")
		}
	}
	if m.drill != d0 || d.phase != drillDone {
		t.Fatalf("the drill did not end: phase %d", d.phase)
	}
	missed := 0
	for i := 0; i < n; i++ {
		if wrong(i) {
			missed++
		}
	}
	if d.score != n-missed || len(d.missed) != missed {
		t.Errorf("score %d of %d, %d missed; want %d right, %d missed", d.score, n, len(d.missed), n-missed, missed)
	}
	if !sawWhy {
		t.Error("no wrong answer said which misconception it was")
	}
	sum := m.drillSummaryText()
	if !strings.Contains(sum, fmt.Sprintf("Drill over: %d of %d right", n-missed, n)) {
		t.Errorf("summary:\n%s", sum)
	}
	// Each miss points at its interview question, or else at its step.
	for _, miss := range d.missed {
		title, linked := m.opts.Questions.QuestionFor(miss.q.Topic, En)
		want := fmt.Sprintf("→ lost-final-ack, step %d", miss.q.Event+1)
		if linked {
			want = title[:min(len(title), 30)]
		}
		if !strings.Contains(sum, want) {
			t.Errorf("the summary does not point at %q:\n%s", want, sum)
		}
	}
	if s := screenText(m); !strings.Contains(s, "Drill over") {
		t.Errorf("the summary is not on screen:\n%s", s)
	}
	// t drills again from the start; esc leaves.
	press(m, "t")
	if m.drill == d0 || m.drill.score != 0 || m.Cursor() != 0 {
		t.Errorf("t at the summary did not start again")
	}
	press(m, "esc")
	if m.Drilling() {
		t.Error("esc did not leave the drill")
	}
	if press(m, "l"); m.Cursor() == 0 {
		t.Error("after the drill, → does not step")
	}
}

// fakeIndex is a question index that knows one rule.
type fakeIndex struct{ rule string }

func (f fakeIndex) QuestionFor(topic drill.Topic, l Lang) (string, bool) {
	if topic.Rule == f.rule {
		return "Q(" + topic.Scenario + "/" + topic.Rule + "/" + l.String() + ")", true
	}
	return "", false
}

// TestDrillLinksToTheIndex: a missed question whose topic the index knows links to it.
func TestDrillLinksToTheIndex(t *testing.T) {
	m := mustNew(t, Options{Scenario: scenario(t, "client-close"), Profile: "linux", Drill: true,
		Questions: fakeIndex{"last-ack"}})
	if !m.Drilling() || !m.Playing() {
		t.Fatal("Options.Drill did not start a drill")
	}
	answerAll(t, m, func(int) bool { return true })
	sum := m.drillSummaryText()
	if !strings.Contains(sum, "→ interview question: Q(client-close/last-ack/en)") {
		t.Errorf("no link to the index:\n%s", sum)
	}
	if !strings.Contains(sum, "→ client-close, step") {
		t.Errorf("the questions the index does not know lost their step:\n%s", sum)
	}
}

// TestDrillInChinese: the language key during a question asks it in Chinese.
func TestDrillInChinese(t *testing.T) {
	m := sized(t, "client-close", "linux", 80, 24)
	press(m, "t", "space", "L")
	q := m.drill.qs[0]
	s := screenText(m)
	if m.drill.phase != drillAsking || !strings.Contains(s, Zh.t("drill.q.state", Zh.side(q.Side))) {
		t.Fatalf("not asked in Chinese:\n%s", s)
	}
	if !strings.Contains(s, "自测 0/0") {
		t.Errorf("no Chinese score:\n%s", s)
	}
}

// TestNumbersKey: a toggles absolute numbers in the diagram, the endpoints, the
// narration and the header, and back.
func TestNumbersKey(t *testing.T) {
	m := sized(t, "client-close", "rfc9293", 120, 40)
	stepTo(t, m, isSend(model.A, model.FIN|model.ACK))
	if s := screenText(m); !strings.Contains(s, "seq=11") || !strings.Contains(s, "seq rel") {
		t.Fatalf("relative numbers not shown:\n%s", s)
	}
	press(m, "a")
	s := screenText(m)
	// RFC 9293 Figure 12: the client's FIN is SEQ=100, the server's ACK is 300.
	if !strings.Contains(s, "FIN|ACK seq=100 ack=300") || !strings.Contains(s, "seq abs") || !m.Absolute() {
		t.Fatalf("absolute numbers not shown:\n%s", s)
	}
	press(m, "a")
	if s := screenText(m); strings.Contains(s, "seq=100") || m.Absolute() {
		t.Fatalf("a did not switch back:\n%s", s)
	}
}

// BenchmarkFrameDrillQuestion is a frame while a drill's question waits (80x24), and
// one of the legend page.
func BenchmarkFrameDrillQuestion(b *testing.B) {
	m := sized(b, "lost-final-ack", "linux", 80, 24)
	drillToQuestion(m, 6)
	for b.Loop() {
		m.frame()
	}
}

// BenchmarkFrameLegend is a frame of the legend page (80x24).
func BenchmarkFrameLegend(b *testing.B) {
	m := sized(b, "client-close", "linux", 80, 24)
	press(m, "?", "pgdown")
	for b.Loop() {
		m.frame()
	}
}
