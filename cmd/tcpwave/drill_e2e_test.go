package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestDrillEndToEnd builds tcpwave and plays `tcpwave drill` to its summary in a real
// terminal (tmux) at 80x24, in Chinese: every question is answered with 1, the reveal
// and the next question are reached with space, and the summary's score is the
// header's. It needs tmux (in CI it must be there).
func TestDrillEndToEnd(t *testing.T) {
	s := startUISession(t, "drill", 80, 24, "env TERM=xterm-256color BIN drill fin-ack-merged --lang zh; echo EXIT=$?; sleep 30")

	s.waitFor("first question", "预测下一步", "1  ", "自测 0/0")
	// Bounded by a generous deadline, not a count of tries: on a busy machine the
	// screen may take a while to follow the keys.
	var scr string
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); {
		scr = s.screen()
		if strings.Contains(scr, "自测结束") || strings.Contains(scr, "模型给出：") {
			break // the summary, perhaps scrolled by a space that came late
		}
		if strings.Contains(scr, "预测下一步") && strings.Contains(scr, "1-") {
			s.keys("1")
			s.waitVerdict()
			continue
		}
		s.keys("Space")
		time.Sleep(50 * time.Millisecond)
	}
	s.keys("Home") // the summary's top, whatever a late space scrolled
	scr = s.waitFor("summary", "自测结束", "t：再测一次")
	// The header's score and the summary's count agree, over every question.
	var right, answered, total, right2 int
	head, _, _ := strings.Cut(scr, "\n")
	if _, err := fmt.Sscanf(head[strings.Index(head, "自测 "):], "自测 %d/%d", &right, &answered); err != nil {
		t.Fatalf("no score in the header %q: %v", head, err)
	}
	i := strings.Index(scr, "自测结束：")
	if _, err := fmt.Sscanf(scr[i:], "自测结束：共 %d 题，答对 %d 题", &total, &right2); err != nil {
		t.Fatalf("no count in the summary: %v\n%s", err, scr)
	}
	if answered != total || right != right2 || total < 5 {
		t.Errorf("header %d/%d, summary %d of %d:\n%s", right, answered, right2, total, scr)
	}
	s.keys("q")
	s.waitFor("exit", "EXIT=0")
}

// waitVerdict polls the screen until the drill's verdict (right or wrong) is on it.
// A reveal that plays a long wait (the 60 s of TIME_WAIT, compressed) is skipped with
// space, as a student would.
func (s *uiSession) waitVerdict() {
	s.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var scr string
	for n := 1; time.Now().Before(deadline); n++ {
		scr = s.screen()
		if strings.Contains(scr, "✓ 答对了") || strings.Contains(scr, "✗ 你选了") ||
			strings.Contains(scr, "自测结束") || strings.Contains(scr, "预测下一步") && strings.Contains(scr, "1-") {
			return
		}
		if n%20 == 0 {
			s.keys("Space")
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("no verdict:\n%s", scr)
}
