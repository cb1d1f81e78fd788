package view

import (
	"testing"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/view/drill"
)

// TestDrillTopicsLinkToQuestions: the drill's lessons that the interview index
// teaches too link to a question about the same lesson, in both languages; the
// 2MSL restart of lost-final-ack links to the question of when 2MSL starts and restarts.
func TestDrillTopicsLinkToQuestions(t *testing.T) {
	linked, topics := 0, map[string]bool{}
	for _, sc := range scenarios.Catalog() {
		p, _ := sc.ProfileFor("linux")
		tl := model.Run(sc, p)
		for _, q := range drill.Questions(tl, nil) {
			topics[q.Topic.Rule] = true
			en, ok := questionLinks{}.QuestionFor(q.Topic, En)
			zh, ok2 := questionLinks{}.QuestionFor(q.Topic, Zh)
			if ok != ok2 || ok && (en == "" || zh == "" || en == zh) {
				t.Errorf("%s: %q / %q", q.Topic.Rule, en, zh)
			}
			if ok {
				linked++
			}
		}
	}
	if linked == 0 {
		t.Fatal("no drill question links to the index")
	}
	want, _ := scenarios.QuestionByID("2msl-start-reset")
	title, ok := questionLinks{}.QuestionFor(drill.Topic{Scenario: "lost-final-ack", Kind: drill.Timer, Rule: "timer.time-wait.restart"}, Zh)
	if !ok || title != want.Q["zh"] {
		t.Errorf("the 2MSL restart links to %q, want %q", title, want.Q["zh"])
	}
	t.Logf("%d drill questions link to the index; %d topics", linked, len(topics))
}
