package main

import (
	"fmt"
	"io"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/view"
)

// runQuestions lists the interview-question index, or opens one question in the UI (at
// the step that answers it, with its answer card), or prints its card:
// tcpwave questions [ID] [--lang en|zh] [--print].
func runQuestions(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("questions", "tcpwave questions [ID] [--lang en|zh] [--print]", stderr, args)
	var rf runFlags
	rf.registerLang(fs)
	print := fs.Bool("print", false, view.Msgf(fs.lang, "with an ID: print the question and its answer card instead of opening the UI"))
	pos, err := fs.parse(args)
	if err != nil {
		return exitFor(err)
	}
	l, err := rf.language()
	if err != nil {
		say(stderr, fs.lang, "tcpwave questions: %s\n", errorText(fs.lang, err))
		return 2
	}
	switch len(pos) {
	case 0:
		if *print {
			say(stderr, l, "tcpwave questions: --print needs a question's ID (see 'tcpwave questions')\n")
			return 2
		}
		writeQuestions(stdout, l)
		return 0
	case 1:
	default:
		say(stderr, l, "tcpwave questions: name at most one question, got %d\n", len(pos))
		return 2
	}
	q, ok := scenarios.QuestionByID(pos[0])
	if !ok {
		say(stderr, l, "tcpwave questions: %s\n", errorText(l, &view.UnknownQuestionError{ID: pos[0]}))
		return 2
	}
	if *print {
		fmt.Fprintf(stdout, "%s\n%s · %s · %s\n\n%s\n", q.Q[l.String()], q.ID, q.Scenario, q.Profile, q.Card(l.String()))
		return 0
	}
	m, err := view.New(view.Options{Question: q.ID, Lang: l})
	if err != nil {
		say(stderr, l, "tcpwave questions: %s\n", errorText(l, err))
		return 1
	}
	if _, err := tea.NewProgram(m, tea.WithOutput(stdout)).Run(); err != nil {
		fmt.Fprintf(stderr, "tcpwave questions: %v\n", err)
		return 1
	}
	return 0
}

// writeQuestions lists the index, one question a line: its id and the question in l.
func writeQuestions(w io.Writer, l view.Lang) {
	n := 0
	for _, q := range scenarios.Questions() {
		n = max(n, len(q.ID))
	}
	for _, q := range scenarios.Questions() {
		fmt.Fprintf(w, "%-*s  %s\n", n, q.ID, q.Q[l.String()])
	}
}
