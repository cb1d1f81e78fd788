package scenarios

import (
	"regexp"
	"strings"
	"testing"
	stdtime "time"
	"unicode"

	"github.com/tcpwave/tcpwave/model"
)

// issueQuestions are the questions issue 10 asks the index to cover, by the id that
// answers each.
var issueQuestions = map[string]string{
	"四次挥手的过程和状态":                "four-way-close",
	"为什么挥手需要四次":                 "why-four",
	"可以三次挥手吗":                   "three-way-close",
	"第一次挥手丢失会怎样":                "first-fin-lost",
	"第二次挥手丢失":                   "second-lost",
	"第三次挥手丢失":                   "third-lost",
	"第四次挥手丢失":                   "fourth-lost",
	"为什么需要 TIME_WAIT":           "why-time-wait",
	"为什么是 2MSL":                 "why-2msl",
	"MSL 和 TTL 的区别":             "msl-vs-ttl",
	"Linux 的 TIME_WAIT 多长、能不能改": "linux-time-wait-length",
	"2MSL 从何时计时、何时重置":           "2msl-start-reset",
	"谁会进入 TIME_WAIT、服务端主动关闭会怎样": "who-time-wait",
	"TIME_WAIT 过多有什么危害":         "time-wait-harm",
	"如何优化 TIME_WAIT":            "optimize-time-wait",
	"tcp_tw_recycle 为什么被删除":     "tcp-tw-recycle",
	"服务端出现大量 TIME_WAIT 的原因":     "server-many-time-wait",
	"大量 CLOSE_WAIT 的原因":         "many-close-wait",
	"FIN_WAIT_2 会一直等吗":          "fin-wait-2-forever",
	"close 和 shutdown 的区别":      "close-vs-shutdown",
	"挥手过程中还能传数据吗":               "data-during-close",
	"SO_LINGER 的三种设置":           "so-linger",
	"什么时候会发 RST":                "when-rst",
	"同时关闭":                      "simultaneous-close",
	"TIME_WAIT 收到 SYN 会怎样":      "syn-in-time-wait",
	"TIME_WAIT 收到 RST 会怎样":      "rst-in-time-wait",
	"收到乱序的 FIN 会怎样":             "out-of-order-fin",
	"连接建立后对端主机宕机":               "peer-host-crash",
	"连接建立后对端进程崩溃":               "peer-process-crash",
}

func TestQuestionsCoverTheIssue(t *testing.T) {
	if len(issueQuestions) != 29 {
		t.Fatalf("the table lists %d of the issue's 29 questions", len(issueQuestions))
	}
	for q, id := range issueQuestions {
		if _, ok := QuestionByID(id); !ok {
			t.Errorf("%s: no question %q in the index", q, id)
		}
	}
	if n := len(Questions()); n < 29 {
		t.Errorf("the index has %d questions, want at least 29", n)
	}
}

// TestQuestionSteps opens every question: its scenario runs under its profile, its
// step is found, and there each side is in the state the answer says; a step about a
// segment shows that segment.
func TestQuestionSteps(t *testing.T) {
	for _, q := range Questions() {
		t.Run(q.ID, func(t *testing.T) {
			sc, tl, i, err := q.Open()
			if err != nil {
				t.Fatal(err)
			}
			if sc.ID != q.Scenario {
				t.Fatalf("opened %s, want %s", sc.ID, q.Scenario)
			}
			if i == 0 {
				t.Errorf("opens at the first event, which shows nothing yet")
			}
			ev := tl.At(i)
			if q.Expect[0] == "" || q.Expect[1] == "" {
				t.Fatalf("expect must name both sides' states")
			}
			for side := range 2 {
				if got := ev.Snap[side].State.String(); got != q.Expect[side] {
					t.Errorf("%s at event %d (%s %s at %s): %s is %s, the answer says %s",
						q.Scenario, i, ev.Kind, ev.Side.Name(), model.FormatMillis(ev.T), model.Side(side).Name(), got, q.Expect[side])
				}
			}
			if ev.Kind.String() != q.At.Kind {
				t.Errorf("event %d is a %s, want %s", i, ev.Kind, q.At.Kind)
			}
			switch ev.Kind {
			case model.EvSend, model.EvRecv, model.EvDrop:
				seg := tl.Segments[ev.Seg]
				if q.At.Flags != "" && seg.Flags.String() != q.At.Flags {
					t.Errorf("segment %s, want %s", seg.Flags, q.At.Flags)
				}
				if q.At.Retrans >= 0 && seg.Retrans != q.At.Retrans {
					t.Errorf("segment retransmission %d, want %d", seg.Retrans, q.At.Retrans)
				}
			case model.EvState:
				if q.At.To != "" && ev.To.String() != q.At.To {
					t.Errorf("entered %s, want %s", ev.To, q.At.To)
				}
			}
		})
	}
}

// TestQuestionStepsMatchFirst: without nth, a step is the first that matches, so that
// a question opens where its event first shows.
func TestStepMatchNth(t *testing.T) {
	sc, _ := Lookup("lost-final-ack")
	tl := model.Run(sc, model.Linux())
	m := StepMatch{Kind: "timer", Side: "client", Timer: "time-wait", Retrans: -1, Nth: 1}
	first, ok1 := m.Find(tl)
	m.Nth = 2
	second, ok2 := m.Find(tl)
	m.Nth = 3
	_, ok3 := m.Find(tl)
	if !ok1 || !ok2 || ok3 || second <= first {
		t.Errorf("the client's time-wait timer: 1st at %d (%v), 2nd at %d (%v), 3rd found %v; want two, in order", first, ok1, second, ok2, ok3)
	}
	if tl.At(second).T <= tl.At(first).T {
		t.Errorf("the restart is not later than the start")
	}
}

// knobNames are the names a card may quote a number for: the profile's knobs and the
// fixed defaults.
func knobNames() []string {
	names := model.KnobNames()
	for k := range fixedValues {
		names = append(names, k)
	}
	return names
}

var digitRE = regexp.MustCompile(`[0-9]`)

// TestCardNumbersAreTheKnobs: wherever a card names a knob (tcp_fin_timeout,
// time_wait...) the number that follows it is a placeholder, filled from the model's
// profile, never a number typed into the text; and filled in, it is the profile's
// value.
func TestCardNumbersAreTheKnobs(t *testing.T) {
	for _, q := range Questions() {
		for _, lang := range []string{"zh", "en"} {
			raw := q.Answer[lang]
			for _, name := range knobNames() {
				for off := 0; ; {
					i := strings.Index(raw[off:], name)
					if i < 0 {
						break
					}
					at := off + i
					off = at + len(name)
					if at > 0 && (raw[at-1] == '{' || raw[at-1] == '.' || raw[at-1] == '_') {
						continue // the placeholder itself, or a longer name
					}
					if off < len(raw) && (raw[off] == '_' || raw[off] == '}' || raw[off] == '=') {
						continue // a longer name, or a setting written as knob=value
					}
					after := []rune(raw[off:])
					after = after[:min(len(after), 12)]
					tail := string(after)
					d := digitRE.FindStringIndex(tail)
					p := strings.Index(tail, "{")
					if d != nil && (p < 0 || d[0] < p) {
						t.Errorf("%s (%s): %q is followed by a number typed in: %q; use {%s}", q.ID, lang, name, tail, name)
					}
				}
			}
			card := q.Card(lang)
			if strings.ContainsAny(card, "{}") && placeholderRE.MatchString(card) {
				t.Errorf("%s (%s): a placeholder is left: %s", q.ID, lang, card)
			}
		}
	}
}

func TestCardValues(t *testing.T) {
	q, _ := QuestionByID("linux-time-wait-length")
	if card := q.Card("en"); !strings.HasPrefix(card, "60 s:") || !strings.Contains(card, "tcp_fin_timeout (default 60 s)") {
		t.Errorf("the Linux TIME_WAIT card does not quote 60 s from the profile: %s", card)
	}
	q, _ = QuestionByID("fin-wait-2-forever")
	if card := q.Card("en"); !strings.Contains(card, "default 60 s") || !strings.Contains(card, "set to 5 s") {
		t.Errorf("the FIN_WAIT_2 card should quote the default (60 s) and this run's value (5 s): %s", card)
	}
	q, _ = QuestionByID("time-wait-harm")
	if card := q.Card("en"); !strings.Contains(card, "28232 ports") || !strings.Contains(card, "about 470 new connections") {
		t.Errorf("the port arithmetic: %s", card)
	}
	// The keepalive defaults a card quotes are the ones the loader gives a scenario
	// that sets none.
	sc, _ := Lookup("peer-host-gone-keepalive")
	if ka := sc.Apps[model.A].Keepalive; ka == nil || *ka != DefaultKeepalive {
		t.Errorf("peer-host-gone-keepalive's keepalive is %+v, want the defaults %+v", ka, DefaultKeepalive)
	}
	kq, _ := QuestionByID("keepalive-defaults")
	_, tl, i, _ := kq.Open()
	if got, want := tl.At(i).T, DefaultKeepalive.Idle+stdtime.Duration(DefaultKeepalive.Probes)*DefaultKeepalive.Interval; got != want {
		t.Errorf("keepalive gives up at %v, want idle + probes × interval = %v", got, want)
	}
}

func TestQuestionsBothLanguages(t *testing.T) {
	hasHan := func(s string) bool {
		for _, r := range s {
			if unicode.Is(unicode.Han, r) {
				return true
			}
		}
		return false
	}
	for _, q := range Questions() {
		if !hasHan(q.Q["zh"]) || !hasHan(q.Answer["zh"]) {
			t.Errorf("%s: the Chinese question or answer has no Chinese", q.ID)
		}
		if hasHan(q.Q["en"]) || hasHan(q.Answer["en"]) {
			t.Errorf("%s: the English question or answer has Chinese in it", q.ID)
		}
	}
}

func TestParseQuestionsErrors(t *testing.T) {
	good := "- id: x\n  zh: 问\n  en: q\n  scenario: client-close\n  at: {kind: state, side: client, to: TIME_WAIT}\n  expect: {client: TIME_WAIT, server: LAST_ACK}\n  answer: {zh: 答, en: a}\n"
	if _, err := ParseQuestions("q.yaml", []byte(good)); err != nil {
		t.Fatalf("a good index: %v", err)
	}
	for _, c := range []struct{ change, want string }{
		{"scenario: client-close", "q.yaml:4:13: field [0].scenario: \"nope\" is not in the catalog"},
		{"kind: state", "field [0].at.kind: want one of"},
		{"to: TIME_WAIT", "unknown state \"NOPE\""},
		{"en: a}", "field [0].answer.en: missing"},
		{"answer: {zh: 答", "{nope} is not a knob"},
		{"  zh: 问\n", "unknown field \"zz\""},
	} {
		bad := ""
		switch c.change {
		case "scenario: client-close":
			bad = strings.Replace(good, c.change, "scenario: nope", 1)
		case "kind: state":
			bad = strings.Replace(good, c.change, "kind: states", 1)
		case "to: TIME_WAIT":
			bad = strings.Replace(good, c.change, "to: NOPE", 1)
		case "en: a}":
			bad = strings.Replace(good, c.change, "en: \"\"}", 1)
		case "answer: {zh: 答":
			bad = strings.Replace(good, "  answer: {zh: 答, en: a}\n", "  answer:\n    zh: 答 {nope}\n    en: a\n", 1)
		case "  zh: 问\n":
			bad = strings.Replace(good, c.change, "  zz: 问\n", 1)
		}
		_, err := ParseQuestions("q.yaml", []byte(bad))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want an error with %q", c.change, err, c.want)
		}
	}
	if _, err := ParseQuestions("q.yaml", []byte(good+strings.Replace(good, "- id: x", "- id: x", 1))); err == nil || !strings.Contains(err.Error(), "used twice") {
		t.Errorf("a repeated id: %v", err)
	}
}

// FuzzParseQuestions: whatever the index holds, the loader answers with questions or
// an error, never a panic.
func FuzzParseQuestions(f *testing.F) {
	f.Add(questionsYAML)
	f.Add([]byte("- id: x\n  zh: 问\n  en: q\n  scenario: client-close\n  at: {kind: last}\n  answer: {zh: 答, en: a}\n"))
	f.Add([]byte("[]"))
	f.Add([]byte("- {id: [1, 2]}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		qs, err := ParseQuestions("fuzz.yaml", data)
		if err == nil && len(qs) == 0 {
			t.Fatal("no error and no questions")
		}
		for _, q := range qs {
			q.Card("zh")
			q.Card("en")
		}
	})
}
