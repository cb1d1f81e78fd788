package view

import (
	"github.com/tcpwave/tcpwave/model"
)

// The most a diagram draws. Routing an arrow costs its rows times the square of the
// columns it may use, so what a layout costs grows with how many events each segment is
// in flight across, added up over the segments (the flight): the catalog's biggest
// story has 67 events and a flight of 63. A run past either limit (a file that writes
// megabytes over an hour-long link, say) is refused rather than laid out for minutes;
// its trace, which costs what its length does, lists it whole.
const (
	MaxDrawnEvents = 2000
	MaxDrawnFlight = 2000
)

// TooBigError says that a timeline is more than a diagram draws.
type TooBigError struct {
	Events int // the timeline's events
	Flight int // the events its segments are in flight across, added up
}

func (e *TooBigError) Error() string { return e.text(En) }

// text is the error in l.
func (e *TooBigError) text(l Lang) string {
	if e.Events > MaxDrawnEvents {
		return l.t("toobig.events", e.Events, MaxDrawnEvents)
	}
	return l.t("toobig.flight", e.Flight, MaxDrawnFlight)
}

// CheckDrawable returns a *TooBigError when tl is more than a diagram draws, nil when
// Render and the UI can draw it.
func CheckDrawable(tl *model.Timeline) error {
	flight := 0
	for i := range tl.Segments {
		flight += tl.EndEvent(i) - tl.SendEvent(i) + 1
	}
	if tl.Len() > MaxDrawnEvents || flight > MaxDrawnFlight {
		return &TooBigError{Events: tl.Len(), Flight: flight}
	}
	return nil
}

// drawTooBig writes, in place of a diagram, why there is none.
func (d *diagram) drawTooBig(g *grid, x0, y0, h int) {
	why := d.tooBig.Error()
	if e, ok := d.tooBig.(*TooBigError); ok {
		why = e.text(d.lang)
	}
	msg := d.lang.t("ui.no-diagram", why)
	w := max(d.width-2, 1)
	for i, l := range wrap(msg, w, nil) {
		if i >= h {
			break
		}
		g.text(x0+1, y0+i, msg[l[0]:l[1]], stDim, x0+1+w)
	}
}
