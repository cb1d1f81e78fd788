package view

import (
	"sync"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/view/drill"
)

// questionLinks joins the drill to the interview-question index: a drill question
// tests one lesson (its topic: the model's rule at the event, or the timer armed), and
// so does the step each interview question opens at. A missed drill question links to
// the interview question about the same lesson, one of the same scenario first; a
// segment's lesson (a FIN sent, an ACK sent) is too general to link to another
// story's question, while a state's, a timer's or an app's (LAST_ACK, 2MSL restarted,
// ETIMEDOUT) is the same lesson wherever it is met.
type questionLinks struct{}

// indexedRules maps a lesson's rule to the interview questions whose step teaches it.
// It is computed once, from the model's runs of the questions' scenarios.
var indexedRules = sync.OnceValue(func() map[string][]*scenarios.Question {
	byRule := map[string][]*scenarios.Question{}
	for _, q := range scenarios.Questions() {
		sc, ok := scenarios.Lookup(q.Scenario)
		if !ok {
			continue
		}
		p, err := sc.ProfileFor(q.Profile)
		if err != nil {
			continue
		}
		tl := model.Run(sc, p)
		i, found := q.At.Find(tl)
		if !found {
			continue
		}
		rule := topicRule(tl, tl.At(i))
		byRule[rule] = append(byRule[rule], q)
	}
	return byRule
})

// topicRule is the lesson an event teaches, as the drill's topics name it.
func topicRule(tl *model.Timeline, ev *model.Event) string {
	if ev.Kind == model.EvTimer && ev.Timer < model.NumTimers {
		r := "timer." + ev.Timer.String()
		if restarted(tl, ev) {
			r += ".restart"
		}
		return r
	}
	return ev.Note.Rule.String()
}

// QuestionFor implements QuestionIndex.
func (questionLinks) QuestionFor(topic drill.Topic, l Lang) (string, bool) {
	qs := indexedRules()[topic.Rule]
	if len(qs) == 0 {
		return "", false
	}
	for _, q := range qs {
		if q.Scenario == topic.Scenario {
			return q.Q[l.String()], true
		}
	}
	if topic.Kind == drill.Send {
		return "", false
	}
	return qs[0].Q[l.String()], true
}
