package player

import (
	"testing"
	"time"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

func newPlayer(t *testing.T, id, profile string) *Player {
	t.Helper()
	sc, ok := scenarios.Lookup(id)
	if !ok {
		t.Fatalf("no scenario %s", id)
	}
	p, err := New(Config{Scenario: sc, Profile: profile})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// do plays a sequence of moves, one letter each: n step, b back, f first, l last,
// d drop, u undo, p switch profile, + faster, - slower, > play, . pause, t advance
// 100 ms.
func do(t *testing.T, p *Player, moves string) {
	t.Helper()
	for _, c := range moves {
		switch c {
		case 'n':
			p.Step()
		case 'b':
			p.Back()
		case 'f':
			p.First()
		case 'l':
			p.Last()
		case 'd':
			p.Drop()
		case 'u':
			p.Undo()
		case 'p':
			if _, err := p.SwitchProfile(); err != nil {
				t.Fatal(err)
			}
		case '+':
			p.Faster()
		case '-':
			p.Slower()
		case '>':
			p.Play()
		case '.':
			p.Pause()
		case 't':
			p.Advance(100 * time.Millisecond)
		default:
			t.Fatalf("no move %q", c)
		}
	}
}

// TestMoves: sequences of moves and where they leave the story.
func TestMoves(t *testing.T) {
	cases := []struct {
		name, id, profile, moves string
		check                    func(t *testing.T, p *Player)
	}{
		{"steps", "client-close", "linux", "nnn", func(t *testing.T, p *Player) {
			if p.Cursor() != 3 || p.Now() != p.Timeline().At(3).T {
				t.Errorf("cursor %d now %v", p.Cursor(), p.Now())
			}
		}},
		{"back at the start stays", "client-close", "linux", "bbb", func(t *testing.T, p *Player) {
			if p.Cursor() != 0 || !p.AtStart() {
				t.Errorf("cursor %d", p.Cursor())
			}
		}},
		{"last then first", "client-close", "linux", "lf", func(t *testing.T, p *Player) {
			if p.Cursor() != 0 || p.Now() != 0 {
				t.Errorf("cursor %d now %v", p.Cursor(), p.Now())
			}
		}},
		{"last", "client-close", "rfc9293", "l", func(t *testing.T, p *Player) {
			if !p.AtEnd() || p.Timeline().At(p.Cursor()).Snap[model.A].State != model.Closed {
				t.Errorf("cursor %d of %d", p.Cursor(), p.Timeline().Len())
			}
		}},
		{"speed is bounded", "client-close", "linux", "++++++++++", func(t *testing.T, p *Player) {
			if p.Speed() != len(Speeds)-1 {
				t.Errorf("speed %d", p.Speed())
			}
		}},
		{"slower is bounded", "client-close", "linux", "-----", func(t *testing.T, p *Player) {
			if p.Speed() != 0 {
				t.Errorf("speed %d", p.Speed())
			}
		}},
		{"a drop forks and undo restores", "client-close", "linux", "nnndu", func(t *testing.T, p *Player) {
			if p.Injected() != 0 || p.Timeline().Segments[0].Lost {
				t.Errorf("injected %d", p.Injected())
			}
		}},
		{"a drop of the first FIN", "client-close", "linux", "nd", func(t *testing.T, p *Player) {
			if p.Injected() != 1 || !p.Timeline().Segments[0].Lost {
				t.Errorf("injected %d, first segment lost %v", p.Injected(), p.Timeline().Segments[0].Lost)
			}
		}},
		{"switching twice comes back", "lost-final-ack", "linux", "nnnnnnpp", func(t *testing.T, p *Player) {
			if p.Profile() != "linux" || p.Cursor() != 6 {
				t.Errorf("profile %s cursor %d", p.Profile(), p.Cursor())
			}
		}},
		{"a drop follows a switch", "client-close", "linux", "ndp", func(t *testing.T, p *Player) {
			if p.Profile() != "rfc9293" || p.Injected() != 1 || !p.Timeline().Segments[0].Lost {
				t.Errorf("profile %s injected %d", p.Profile(), p.Injected())
			}
		}},
		{"play advances", "client-close", "linux", ">tttttttttttttttttttt", func(t *testing.T, p *Player) {
			if !p.Playing() || p.Clock() != 2*time.Second || p.Cursor() == 0 {
				t.Errorf("playing %v clock %v cursor %d", p.Playing(), p.Clock(), p.Cursor())
			}
		}},
		{"pause stops the clock", "client-close", "linux", ">ttt.ttt", func(t *testing.T, p *Player) {
			if p.Playing() || p.Clock() != 300*time.Millisecond {
				t.Errorf("playing %v clock %v", p.Playing(), p.Clock())
			}
		}},
		{"a step pauses", "client-close", "linux", ">ttn", func(t *testing.T, p *Player) {
			if p.Playing() {
				t.Error("still playing")
			}
		}},
		{"playing at the end starts over", "client-close", "linux", "l>", func(t *testing.T, p *Player) {
			if p.Cursor() != 0 || !p.Playing() {
				t.Errorf("cursor %d playing %v", p.Cursor(), p.Playing())
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := newPlayer(t, c.id, c.profile)
			do(t, p, c.moves)
			c.check(t, p)
		})
	}
}

// TestBackReturnsToThePointAStepLeft: between two events (a segment in flight), a step
// and a step back return to exactly that point, even after a further step.
func TestBackReturnsToThePointAStepLeft(t *testing.T) {
	p := newPlayer(t, "client-close", "linux")
	p.Play()
	for p.Now() == 0 || p.Now() == p.Timeline().At(p.Cursor()).T {
		p.Advance(20 * time.Millisecond)
	}
	p.Pause()
	at := p.Position()
	do(t, p, "nnbb")
	if got := p.Position(); got.Cursor != at.Cursor || got.Now != at.Now || got.Clock != at.Clock {
		t.Errorf("back at %d/%v/%v, left %d/%v/%v", got.Cursor, got.Now, got.Clock, at.Cursor, at.Now, at.Clock)
	}
}

// TestAdvanceToTheEnd plays a whole story: it stops on the last event, and the clock
// never runs back.
func TestAdvanceToTheEnd(t *testing.T) {
	p := newPlayer(t, "lost-final-ack", "linux")
	p.Play()
	last := time.Duration(-1)
	for i := 0; i < 100000 && p.Advance(MaxTickGap*2); i++ {
		if p.Clock() < last || p.Clock()-last > MaxTickGap && last >= 0 {
			t.Fatalf("clock went from %v to %v", last, p.Clock())
		}
		last = p.Clock()
	}
	if p.Playing() || !p.AtEnd() || p.Now() != p.Timeline().End() || p.Clock() != p.Total() {
		t.Errorf("playing %v cursor %d/%d now %v", p.Playing(), p.Cursor(), p.Timeline().Len(), p.Now())
	}
}

// TestPositionTravels: a second player set to the first's position is in the same
// story at the same point, whatever the first did; and setting it again to the same
// story does not rerun it.
func TestPositionTravels(t *testing.T) {
	for _, moves := range []string{"", "nnnn", "nnndnn", "nnndnnpn", "lbb", "nd+++>ttttt", "nnndnnndu"} {
		lead := newPlayer(t, "client-close", "linux")
		do(t, lead, moves)
		follower := newPlayer(t, "server-close", "rfc9293")
		pos := lead.Position()
		if err := follower.SetPosition(pos); err != nil {
			t.Fatal(err)
		}
		if got := follower.Position(); !got.SameStory(pos) || got.Cursor != pos.Cursor || got.Now != pos.Now ||
			got.Clock != pos.Clock || got.Playing != pos.Playing || got.Speed != pos.Speed {
			t.Errorf("%q: follower at %+v, lead at %+v", moves, got, pos)
		}
		if a, b := lead.Timeline().Trace(), follower.Timeline().Trace(); a != b {
			t.Errorf("%q: the follower's timeline differs:\n%s\n---\n%s", moves, a, b)
		}
		tl := follower.Timeline()
		follower.SetPosition(pos)
		if follower.Timeline() != tl {
			t.Errorf("%q: the same story was run again", moves)
		}
	}
	p := newPlayer(t, "client-close", "linux")
	if err := p.SetPosition(Position{Scenario: "no-such", Profile: "linux"}); err != ErrUnknownScenario {
		t.Errorf("unknown scenario: %v", err)
	}
}

// TestOverridesResolvedOnce: the other profile the narration compares with is the one
// SwitchProfile shows, with the command line's overrides.
func TestOverridesResolvedOnce(t *testing.T) {
	sc, _ := scenarios.Lookup("client-close")
	p, err := New(Config{Scenario: sc, Overrides: []model.Override{{Knob: "time_wait", Value: "5s"}}})
	if err != nil {
		t.Fatal(err)
	}
	other, ok := p.Other()
	if !ok || other.TimeWait != 5*time.Second || other.Name != "rfc9293" {
		t.Fatalf("other profile %+v", other)
	}
	if _, err := p.SwitchProfile(); err != nil {
		t.Fatal(err)
	}
	if p.Timeline().Profile.TimeWait != other.TimeWait {
		t.Errorf("switched to TIME_WAIT %v, the narration compared with %v", p.Timeline().Profile.TimeWait, other.TimeWait)
	}
}
