package server

import (
	"context"
	"errors"
	"github.com/tcpwave/tcpwave/view"
	"io"
	"time"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
)

// pumpInput feeds a session's input to its program, in place of Bubble Tea's own
// reader (the program is built with tea.WithInput(nil)).
//
// Bubble Tea's reader can leak a goroutine, and with it the whole program: when a
// program ends with input still buffered, ultraviolet's TerminalReader.StreamEvents
// sends the rest on the program's message channel with no way out once the event loop
// has stopped (seen as 3 leaked sessions in 300 under load). Here the decoder (a
// keyDecoder: TerminalReader's work without its table of 140 KB a session) sends to a
// channel this pump owns and always drains; p.Send gives up by itself once the program
// has ended. The pump returns when the decoder does: when ctx is done or the
// session's input has ended.
//
// The input reaches the decoder through an inputGuard, which bounds what the reader can
// be made to hold and how fast input comes, and a backlog, which lets the guard read
// (and so find a flood) however slowly the program takes keys; when either drops
// input, the program is told (an inputNoticeMsg), once for each limit.
func pumpInput(ctx context.Context, sess io.Reader, p *tea.Program, lim guardLimits) {
	guard := newInputGuard(sess, lim, time.Now, func(l guardLimit) {
		if l != limitLength { // over-long escape strings are terminal replies: not news
			go p.Send(inputNoticeMsg{l})
		}
	})
	in := newBacklog(guard, inputBacklog)
	events := make(chan uv.Event)
	var err error
	go func() {
		defer close(events)
		err = new(keyDecoder).stream(ctx, in, events)
	}()
	for ev := range events {
		p.Send(ev)
	}
	if errors.Is(err, errFlood) {
		// Nothing reads this session's input any more, but the channel keeps what
		// the client already sent (up to the connection's read budget) until the
		// connection closes, after the goodbye: read it away now, at the budget's
		// pace, so that a flood leaves nothing behind while the session ends.
		go func() { _, _ = io.Copy(io.Discard, sess) }()
		p.Send(endMsg{ReasonFlood})
	}
	if errors.Is(err, errChannelGone) {
		// The client closed the channel but kept the connection: nobody can see this
		// program any more, so it ends now rather than at the idle timeout.
		p.Send(endMsg{ReasonDisconnected})
	}
}

// inputBacklog is how many bytes of keys that passed the guard may wait for a program
// that is behind: half the guard's burst.
const inputBacklog = 16 << 10

// inputNoticeMsg tells the session that its input guard dropped input for a limit.
type inputNoticeMsg struct{ limit guardLimit }

// text is what the user is told.
func (m inputNoticeMsg) text(l view.Lang) string {
	if m.limit == limitPaste {
		return say(l, "paste-cut")
	}
	return say(l, "input-fast")
}
