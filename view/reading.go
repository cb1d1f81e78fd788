package view

import (
	"time"
	"unicode/utf8"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/view/player"
)

// readingTime is how long event i is held while playing: long enough to read its
// lesson (in English, whatever the screen's language, so that every follower of a
// class keeps the same clock; a Chinese lesson has fewer characters for more to read,
// and takes about as long), or the blink of bookkeeping for a timer.
func readingTime(tl *model.Timeline, i int) time.Duration {
	ev := tl.At(i)
	switch {
	case bookkeeping(ev):
		return player.BookkeepingDwell
	case ev.Kind == model.EvStart:
		return player.DefaultDwell // its story was on screen before play began
	}
	return player.ReadingTime(utf8.RuneCountInString(eventNote(En, tl, ev).why))
}

// bookkeeping reports whether an event only reports a timer: while playing, it passes
// quickly and leaves the lesson before it on screen.
func bookkeeping(ev *model.Event) bool { return ev.Kind == model.EvTimer && ev.Index > 0 }
