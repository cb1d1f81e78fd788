package main

import (
	"strings"
	"testing"

	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/view"
)

func TestQuestionsCommand(t *testing.T) {
	for _, lang := range []string{"zh", "en"} {
		code, out, errOut := runCmd("questions", "--lang", lang)
		if code != 0 || errOut != "" {
			t.Fatalf("questions --lang %s: exit %d, %s", lang, code, errOut)
		}
		for _, q := range scenarios.Questions() {
			if !strings.Contains(out, q.ID+" ") || !strings.Contains(out, q.Q[lang]) {
				t.Errorf("questions --lang %s lacks %s", lang, q.ID)
			}
		}
	}
	code, out, _ := runCmd("questions", "fin-wait-2-forever", "--print", "--lang", "en")
	if code != 0 || !strings.Contains(out, "Does FIN_WAIT_2 wait for ever?") || !strings.Contains(out, "tcp_fin_timeout (default 60 s)") {
		t.Errorf("--print: exit %d:\n%s", code, out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"questions", "nope"}, `unknown question "nope"`},
		{[]string{"questions", "--print"}, "--print needs a question's ID"},
		{[]string{"questions", "why-2msl", "why-four"}, "at most one question"},
		{[]string{"questions", "--lang", "fr"}, "--lang"},
	} {
		code, out, errOut := runCmd(c.args...)
		if code != 2 || out != "" || !strings.HasPrefix(errOut, "tcpwave questions") || !strings.Contains(errOut, c.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit 2 and one line with %q", c.args, code, out, errOut, c.want)
		}
	}
}

// TestQuestionsEndToEnd opens a question from the command line in a real terminal at
// 80×24 in Chinese, closes its card, then opens another from the picker's questions
// tab, filtered in Chinese.
func TestQuestionsEndToEnd(t *testing.T) {
	s := startUISession(t, "q", 80, 24, "env TERM=xterm-256color LANG=zh_CN.UTF-8 BIN questions why-2msl; sleep 30")

	s.waitFor("card", "参考答案", "为什么 TIME_WAIT 要等 2MSL？", "esc 关闭", "TIME_WAIT", "1.000 s / 60.000 s")
	s.keys("Escape")
	scr := s.waitFor("diagram", "FIN|ACK seq=11 ack=12 len=0 ⟲1", "≈ 29 s")
	if strings.Contains(scr, "参考答案") {
		t.Errorf("esc left the card:\n%s", scr)
	}
	s.keys("s")
	s.waitFor("picker", "场景", "面试题", "tab 切换")
	s.keys("Tab")
	s.waitFor("questions tab", "选择面试题", "四次挥手的过程和状态")
	s.keys("-l", "乱序")
	s.waitFor("filter", "筛选：乱序", "收到乱序的 FIN 会怎样？")
	s.keys("Enter")
	s.waitFor("opened", "参考答案", "收到乱序的 FIN 会怎样？", "FIN_WAIT_2", "FIN 超过了最后的数据")
	s.keys("q")
}

// TestSessionOpensAQuestion: over SSH, a question's id (with a language word) opens it.
func TestSessionOpensAQuestion(t *testing.T) {
	m, err := sessionModel(runFlags{profile: "linux"})(userSession{user: "student"}, "fourth-lost zh")
	if err != nil {
		t.Fatal(err)
	}
	vm := m.(*view.Model)
	if !vm.CardOpen() || vm.Scenario().ID != "lost-final-ack" || vm.Lang() != view.Zh {
		t.Errorf("card %v, scenario %s, lang %v; want the fourth-lost card over lost-final-ack in Chinese", vm.CardOpen(), vm.Scenario().ID, vm.Lang())
	}
	// A scenario's id stays the scenario, even where a question has the same id.
	m, err = sessionModel(runFlags{profile: "linux"})(userSession{user: "student"}, "why-2msl")
	if err != nil || m.(*view.Model).CardOpen() {
		t.Errorf("why-2msl over SSH: %v, card %v; want the scenario", err, err == nil && m.(*view.Model).CardOpen())
	}
}
