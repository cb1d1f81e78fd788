package server

import (
	"context"
	"errors"
	"io"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
)

// pumpInput feeds a session's input to its program, in place of Bubble Tea's own
// reader (the program is built with tea.WithInput(nil)).
//
// Bubble Tea's reader can leak a goroutine, and with it the whole program: when a
// program ends with input still buffered, ultraviolet's TerminalReader.StreamEvents
// sends the rest on the program's message channel with no way out once the event loop
// has stopped (seen as 3 leaked sessions in 300 under load). Here the reader sends to a
// channel this pump owns and always drains; p.Send gives up by itself once the program
// has ended. The pump returns when the reader does: ctx is done and the session's
// input has closed.
func pumpInput(ctx context.Context, in io.Reader, term string, p *tea.Program) {
	rd := uv.NewTerminalReader(in, term)
	events := make(chan uv.Event)
	var err error
	go func() {
		defer close(events)
		err = rd.StreamEvents(ctx, events)
	}()
	for ev := range events {
		p.Send(ev)
	}
	if errors.Is(err, errChannelGone) {
		// The client closed the channel but kept the connection: nobody can see this
		// program any more, so it ends now rather than at the idle timeout.
		p.Send(endMsg{ReasonDisconnected})
	}
}
