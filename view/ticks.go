package view

import (
	"time"

	"github.com/tcpwave/tcpwave/view/player"
)

// tickAfter is when the next frame of playback is due: frameInterval while something
// moves. While an event is held for reading nothing on screen moves (virtual time
// stands still), so the next tick comes at the end of the hold, and at most
// player.MaxTickGap later (one Advance moves no further): each tick costs a View, and
// a hundred sessions held still drew the same frame 30 times a second. A drill keeps
// every frame (it stops at a point of the story clock).
func (m *Model) tickAfter() time.Duration {
	still := m.play.Still()
	if m.drill != nil || still <= frameInterval {
		return frameInterval
	}
	return max(frameInterval, min(still, player.MaxTickGap))
}
