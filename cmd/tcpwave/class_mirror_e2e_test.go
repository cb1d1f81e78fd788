package main

import (
	"strings"
	"testing"
	"time"
)

// TestClassSharedFramesEndToEnd runs a class with OpenSSH in tmux whose followers
// share their frames: a, b and c follow at one size and terminal, and the server
// draws their frames once for all (its log says so); ref follows at the same size with
// another TERM, so that its screen is drawn by its own renderer. After every move of
// the presenter, a's and b's screens are ref's, character for character (but the
// class's message of the moment, which differs once a has rejoined); b opens its
// help (its own picture: it draws on its own) and closes it; a breaks away, steps
// back, and rejoins; and they are still ref's. A student who quits from a group gets
// their terminal back as it was (the main screen, the cursor shown).
func TestClassSharedFramesEndToEnd(t *testing.T) {
	c0 := startClass(t, "--debug")
	e, tm, only, teacherKey, studentKey := c0.served, c0.tm, c0.only, c0.teacherKey, c0.studentKey

	teacher := tm.run(only(teacherKey)+" t@127.0.0.1", 100, 30)
	tm.waitScreen(teacher, "the presenter", func(s string) bool { return strings.Contains(s, "presenting") })
	a := tm.run("TERM=xterm-256color "+only(studentKey)+" a@127.0.0.1", 100, 30)
	b := tm.run("TERM=xterm-256color "+only(studentKey)+" b@127.0.0.1", 100, 30)
	c := tm.run("TERM=xterm-256color "+only(studentKey)+" c@127.0.0.1", 100, 30)
	ref := tm.run("TERM=xterm "+only(studentKey)+" ref@127.0.0.1", 100, 30)
	students := []string{a, b, c, ref}
	tm.waitScreen(teacher, "four following", func(s string) bool { return strings.Contains(s, "4 following") })

	// same waits until the screens of the panes are ref's and show the presenter's
	// event.
	same := func(what string, panes ...string) {
		t.Helper()
		// The presenter's event, once its screen has stopped moving (the keys sent
		// are read by now).
		prev := ""
		tm.waitScreen(teacher, what+": the presenter still", func(s string) bool {
			still := s == prev
			prev = s
			if !still {
				time.Sleep(250 * time.Millisecond)
			}
			return still
		})
		want := counter(prev)
		for _, p := range panes {
			tm.waitScreen(p, what+": "+p+" as ref, at "+want, func(s string) bool {
				r := tm.capture(ref)
				return unflashed(s) == unflashed(r) && counter(s) == want
			})
		}
	}
	tm.keys(teacher, "l", "l", "l", "l", "l")
	same("five steps", a, b, c)
	tm.keys(teacher, "+", " ")
	tm.waitScreen(teacher, "playing", func(s string) bool { return strings.Contains(s, "▶") })
	tm.waitScreen(teacher, "on to the FIN's arrival", func(s string) bool { return strings.Contains(s, "CLOSE_WAIT") })
	tm.keys(teacher, " ", "d", "l", "l")
	tm.waitScreen(teacher, "the drop", func(s string) bool { return dropped(s) })
	same("a pause, a drop and two steps", a, b, c)
	if !strings.Contains(e.log.String(), "mirror join") {
		t.Fatalf("the server did not share a's and b's frames (no mirror join in its log)")
	}

	if s, r := tm.capture(a), tm.capture(ref); s != r {
		t.Errorf("a's screen, drawn for a, b and c:\n%s\nref's, drawn by its own renderer:\n%s", s, r)
	}

	// b's help is its own picture; closed, b is as the others again.
	tm.keys(b, "?")
	tm.waitScreen(b, "b's help", func(s string) bool { return strings.Contains(s, "explore on your own") })
	tm.keys(teacher, "l")
	same("a step while b reads its help", a, c)
	tm.keys(b, "?")
	same("b's help closed", a, b, c)

	// a breaks away and steps back; rejoins.
	tm.keys(a, "f", "h", "h")
	tm.waitScreen(a, "exploring", func(s string) bool { return strings.Contains(s, "exploring on your own") })
	tm.keys(teacher, "l", "l")
	same("two steps while a explores", b, c)
	tm.keys(a, "f")
	same("a rejoined", a, b, c)
	tm.keys(teacher, "g", " ")
	tm.waitScreen(teacher, "playing from the start", func(s string) bool { return strings.Contains(s, "▶") && counter(s) != "1/" })
	tm.keys(teacher, " ")
	same("played from the start and paused", a, b, c)
	for _, p := range students[:2] {
		if s := tm.capture(p); !strings.Contains(s, "following the presenter") {
			t.Errorf("%s does not follow:\n%s", p, s)
		}
	}
	// A student quits from inside a group (b and c draw the same): the terminal is
	// given back as it was.
	same("before c quits", b, c)
	tm.keys(c, "q")
	tm.waitScreen(c, "c's ssh to exit", func(s string) bool { return strings.Contains(s, "SSH_EXIT=0") })
	if alt, cur := tm.format(c, "#{alternate_on}"), tm.format(c, "#{cursor_flag}"); alt != "0" || cur != "1" {
		t.Errorf("after quitting from a group, c's terminal has alternate_on=%s cursor_flag=%s, want 0 and 1:\n%s", alt, cur, tm.capture(c))
	}
	if !strings.Contains(e.log.String(), "mirror leave") {
		t.Errorf("no member left its group (b's help, a's break-away): the log has no mirror leave")
	}
}

// unflashed is a follower's screen without the class's message of the moment (a
// student who rejoins is told so, one who was there when the presenter came was told
// that): the rest of two followers' screens is the same.
func unflashed(screen string) string {
	var keep []string
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, "The presenter is here") || strings.Contains(l, "Back with the class") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}
