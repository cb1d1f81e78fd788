// Package player is tcpwave's playback, with no terminal in it: which story is shown
// (the scenario, the profile with every override resolved once, the faults injected
// and undone), where in it (the current event, the virtual time, the story clock), and
// how it moves (step, back, play at a speed, drop, undo, switch profile). The view
// draws a Player; a classroom follower is a Player set to the presenter's Position.
//
// A Player is a plain value with no goroutines and no clock of its own: Advance is
// given the wall time that passed. The same calls give the same Position, byte for
// byte, which is what lets thirty followers each draw the presenter's story at their
// own size and in their own language.
package player

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// Speeds are the playback speed factors; DefaultSpeed indexes 1×.
var Speeds = [...]float64{0.25, 0.5, 1, 2, 4, 8, 16}

// DefaultSpeed is the index of 1× in Speeds.
const DefaultSpeed = 2

// MaxTickGap bounds the story time one Advance may move (after a suspend, say).
const MaxTickGap = 250 * time.Millisecond

// Config is what a Player plays.
type Config struct {
	Scenario  *model.Scenario  // nil means client-close
	Profile   string           // "linux" (default) or "rfc9293"
	Overrides []model.Override // --set knobs, on top of the scenario's own
	// Faults are the command line's (--drop): they name segments of Scenario, so a
	// scenario chosen later starts without them.
	Faults []model.Fault
	// Delay is the one-way link delay of every scenario played (--delay); 0 keeps each
	// scenario's own.
	Delay time.Duration
	// Dwell is how long event i is held while playing (its reading time); nil holds
	// every event DefaultDwell.
	Dwell func(tl *model.Timeline, i int) time.Duration
	// Timeline, when set, is played as it is instead of a run of Scenario: one built
	// outside the model (a capture's), which cannot be forked: no drop, no other
	// profile.
	Timeline *model.Timeline
}

// DefaultDwell is how long an event is held when Config.Dwell is nil, and the least a
// lesson is held.
const DefaultDwell = 220 * time.Millisecond

// Player is one story being played. The zero value is not usable: use New.
type Player struct {
	cfg     Config
	sc      *model.Scenario
	profile string

	// stack holds the timeline and, above it, one fork per injected fault; undo pops.
	stack []*model.Timeline
	tl    *model.Timeline
	pace  pacing
	other model.Profile // the other built-in profile, resolved as SwitchProfile would
	ok    bool          // other is valid

	cursor int
	now    time.Duration
	pos    time.Duration // the story clock (see pacing)

	playing bool
	speed   int

	// swapped is the last profile switch, to undo it at once.
	swapped *profileSwap
	// back is the point between two events that stepping forward left, for stepping
	// back to it exactly.
	back *spot
}

// New plays cfg's scenario from its first event, paused, at 1×.
func New(cfg Config) (*Player, error) {
	if tl := cfg.Timeline; tl != nil {
		p := &Player{cfg: cfg, speed: DefaultSpeed, sc: tl.Scenario, profile: tl.Profile.Name, stack: []*model.Timeline{tl}}
		p.cfg.Scenario = tl.Scenario
		p.setTimeline(tl)
		return p, nil
	}
	if cfg.Scenario == nil {
		sc, err := scenarios.Get("client-close")
		if err != nil {
			return nil, err
		}
		cfg.Scenario = sc
	}
	if cfg.Profile == "" {
		cfg.Profile = "linux"
	}
	p := &Player{cfg: cfg, speed: DefaultSpeed}
	if err := p.load(cfg.Scenario, cfg.Profile, nil); err != nil {
		return nil, err
	}
	return p, nil
}

// load runs sc under the named profile with the command line's faults, if sc is the
// command line's scenario, then forks once per injected fault.
func (p *Player) load(sc *model.Scenario, profile string, injected []model.Fault) error {
	if d := p.cfg.Delay; d > 0 && sc.Delay != [2]time.Duration{d, d} {
		local := *sc // catalog scenarios are shared: change a copy
		local.Delay = [2]time.Duration{d, d}
		sc = &local
	}
	faults := p.cfg.Faults
	if sc.ID != p.cfg.Scenario.ID {
		faults = nil
	}
	prof, err := p.resolve(sc, profile)
	if err != nil {
		return err
	}
	tl := model.Run(sc, prof, faults...)
	stack := []*model.Timeline{tl}
	for _, f := range injected {
		tl = tl.Fork(f)
		stack = append(stack, tl)
	}
	p.sc, p.profile, p.stack = sc, prof.Name, stack
	p.setTimeline(tl)
	return nil
}

// resolve is the named profile with the scenario's overrides and then the command
// line's: the one place a profile is made, so that the narration's "the other
// profile would..." and what SwitchProfile shows never disagree.
func (p *Player) resolve(sc *model.Scenario, profile string) (model.Profile, error) {
	return sc.ProfileFor(profile, p.cfg.Overrides...)
}

// setTimeline makes tl current (the cursor is the caller's business).
func (p *Player) setTimeline(tl *model.Timeline) {
	p.tl = tl
	p.pace = newPacing(tl, p.cfg.Dwell)
	p.other, p.ok = model.Profile{}, false
	if !tl.Forkable() {
		// A capture's: no other profile to compare it with.
	} else if o, err := p.resolve(tl.Scenario, OtherProfile(tl.Profile.Name)); err == nil {
		p.other, p.ok = o, true
	}
	p.cursor = min(p.cursor, tl.Len()-1)
}

// OtherProfile is the name of the built-in profile that is not name.
func OtherProfile(name string) string {
	if name == "rfc9293" {
		return "linux"
	}
	return "rfc9293"
}

// Timeline is the timeline being shown.
func (p *Player) Timeline() *model.Timeline { return p.tl }

// Scenario is the scenario being played (with the --delay applied).
func (p *Player) Scenario() *model.Scenario { return p.sc }

// Profile is the name of the active profile.
func (p *Player) Profile() string { return p.profile }

// Other is the other built-in profile, with the same overrides, as SwitchProfile
// would run it; false if it cannot be made.
func (p *Player) Other() (*model.Profile, bool) { return &p.other, p.ok }

// Cursor is the index of the current event.
func (p *Player) Cursor() int { return p.cursor }

// Now is the virtual time shown: the current event's, or later while a segment flies.
func (p *Player) Now() time.Duration { return p.now }

// Clock is the story clock: where playback stands, in wall time at 1×.
func (p *Player) Clock() time.Duration { return p.pos }

// Playing reports whether playback runs.
func (p *Player) Playing() bool { return p.playing }

// Speed is the index of the playback speed in Speeds.
func (p *Player) Speed() int { return p.speed }

// Injected is the number of faults injected with Drop and not undone.
func (p *Player) Injected() int { return len(p.stack) - 1 }

// AtStart reports whether the cursor is at the first instant of the story.
func (p *Player) AtStart() bool { return p.cursor == 0 && p.now <= p.tl.At(0).T }

// AtEnd reports whether the cursor is on the last event.
func (p *Player) AtEnd() bool { return p.cursor == p.tl.Len()-1 }

// Play starts playback (from the start if at the end); it reports whether it was
// paused before.
func (p *Player) Play() bool {
	if p.playing {
		return false
	}
	if p.cursor >= p.tl.Len()-1 && p.now >= p.tl.End() {
		p.Jump(0)
	}
	p.playing, p.back = true, nil
	return true
}

// Pause stops playback.
func (p *Player) Pause() { p.playing = false }

// Advance moves a playing story on by dt of wall time (at most MaxTickGap), times the
// speed. It reports whether it still plays: at the end it stops.
func (p *Player) Advance(dt time.Duration) bool {
	if !p.playing {
		return false
	}
	dt = min(max(dt, 0), MaxTickGap)
	p.pos += time.Duration(float64(dt) * Speeds[p.speed])
	if p.pos >= p.pace.total {
		p.pos = p.pace.total
		p.cursor, p.now = p.tl.Len()-1, p.tl.End()
		p.playing = false
		return false
	}
	p.cursor, p.now = p.pace.locate(p.tl, p.pos)
	return true
}

// Still is how long, in wall time, the picture stays as it is while playing: the
// rest of the hold of the current event, in which the story clock runs and virtual
// time stands still (0 while virtual time runs, or when not playing).
func (p *Player) Still() time.Duration {
	if !p.playing {
		return 0
	}
	end := p.pace.start[p.cursor] + p.pace.dwell[p.cursor]
	if p.pos >= end {
		return 0
	}
	return time.Duration(float64(end-p.pos) / Speeds[p.speed])
}

// Jump moves the cursor to event i, at its instant.
func (p *Player) Jump(i int) {
	p.back = nil
	p.jump(i)
}

// Seek moves to event i at virtual time now, no earlier than that event's instant and
// no later than the story's end: a point of the story as a test or a follower names
// it. (A point from a playing Player has now before the next event's instant.)
func (p *Player) Seek(i int, now time.Duration) {
	p.Jump(i)
	p.now = max(p.now, min(now, p.tl.End()))
	p.pos = p.pace.position(p.tl, p.cursor, p.now)
}

// jump is Jump keeping the point Step left, for Step and Back.
func (p *Player) jump(i int) {
	p.cursor = max(0, min(i, p.tl.Len()-1))
	p.now = p.tl.At(p.cursor).T
	p.pos = p.pace.position(p.tl, p.cursor, p.now)
}

// Step pauses and moves to the next event. Leaving a point between two events, it
// remembers it, so that stepping back returns to exactly that point.
func (p *Player) Step() {
	p.playing = false
	if p.now > p.tl.At(p.cursor).T || p.cursor+1 < p.tl.Len() {
		if p.now > p.tl.At(p.cursor).T && p.back == nil {
			p.back = &spot{p.cursor, p.now, p.pos}
		}
		p.jump(p.cursor + 1)
	}
}

// Back pauses and moves to the previous event: to the start of the current one if
// between two events, or to the point Step left.
func (p *Player) Back() {
	p.playing = false
	switch b := p.back; {
	case b != nil && p.cursor == b.cursor+1 && p.now == p.tl.At(p.cursor).T:
		p.jump(b.cursor)
		p.now, p.pos = b.now, b.pos
		p.back = nil
	case p.now > p.tl.At(p.cursor).T:
		p.jump(p.cursor)
	default:
		p.jump(p.cursor - 1)
	}
}

// First pauses at the first event; Last at the last.
func (p *Player) First() { p.playing = false; p.Jump(0) }

// Last pauses at the last event.
func (p *Player) Last() { p.playing = false; p.Jump(p.tl.Len() - 1) }

// Faster and Slower change the speed by one step, within Speeds.
func (p *Player) Faster() { p.speed, p.back = min(p.speed+1, len(Speeds)-1), nil }

// Slower is the other way.
func (p *Player) Slower() { p.speed, p.back = max(p.speed-1, 0), nil }

// Forget drops the point Step left: any move but a step makes it meaningless.
func (p *Player) Forget() { p.back = nil }

// CanDrop reports whether Drop has a segment to lose here.
func (p *Player) CanDrop() bool {
	if !p.tl.Forkable() {
		return false
	}
	_, ok := p.tl.DropTarget(p.cursor, p.now)
	return ok
}

// Forkable reports whether the story is the model's, which a drop, a profile switch
// or another scenario can change (a capture's is not).
func (p *Player) Forkable() bool { return p.tl.Forkable() }

// Drop loses the segment drawn in flight nearest its arrival (or, with none in
// flight, the next one to be sent) and forks the future; false if there is none.
func (p *Player) Drop() (model.DropChoice, bool) {
	if !p.tl.Forkable() {
		return model.DropChoice{}, false
	}
	c, ok := p.tl.DropTarget(p.cursor, p.now)
	if !ok {
		return c, false
	}
	old := p.tl
	tl := old.Fork(c.Fault)
	p.stack = append(p.stack, tl)
	p.adopt(old, tl)
	return c, true
}

// Undo removes the last injected fault; false if there is none.
func (p *Player) Undo() bool {
	if len(p.stack) < 2 {
		return false
	}
	old := p.tl
	p.stack = p.stack[:len(p.stack)-1]
	p.adopt(old, p.stack[len(p.stack)-1])
	return true
}

// adopt switches from timeline old to tl, a fork of the same story, keeping the cursor
// where the two agree and the virtual time.
func (p *Player) adopt(old, tl *model.Timeline) {
	now := p.now
	c := 0
	for c < p.cursor && c+1 < tl.Len() && sameEvent(old.At(c+1), tl.At(c+1)) {
		c++
	}
	for c+1 < tl.Len() && tl.At(c+1).T < now {
		c++
	}
	p.setTimeline(tl)
	p.cursor = c
	p.now = max(tl.At(c).T, min(now, tl.End()))
	if c+1 < tl.Len() {
		p.now = min(p.now, tl.At(c+1).T)
	}
	p.pos = p.pace.position(tl, p.cursor, p.now)
	p.back = nil
}

func sameEvent(a, b *model.Event) bool {
	return a.T == b.T && a.Kind == b.Kind && a.Side == b.Side && a.Seg == b.Seg && a.To == b.To && a.Call == b.Call
}

// SwitchProfile reruns the story under the other profile, with the same injected
// faults, and finds the same point of the story in it: the same kind of event, by the
// same side, about the same segment or state, counted the same number of times. It
// returns how many drops had no counterpart under the new rules (they are left out).
func (p *Player) SwitchProfile() (missed int, err error) {
	if !p.tl.Forkable() {
		return 0, ErrNotForkable
	}
	other := OtherProfile(p.profile)
	oldStack, oldProfile, old, cursor := p.stack, p.profile, p.tl, p.cursor
	if sw := p.swapped; sw != nil && sw.profile == other && sw.to[len(sw.to)-1] == p.tl {
		// Back to the profile just left, with no drop since: its timelines as they were.
		p.stack, p.profile, missed = sw.from, other, sw.missed
	} else {
		if err := p.load(p.sc, other, nil); err != nil {
			return 0, err
		}
		// Lose the same segments as before: each drop is carried over to the segment
		// with the same sender, flags and occurrence, which may be another Nth
		// segment under these rules; a drop with no such segment is left out.
		tl := p.tl
		for _, forked := range oldStack[1:] {
			in := forked.Injected()
			if f, ok := forked.Counterpart(in[len(in)-1], tl); ok {
				tl = tl.Fork(f)
				p.stack = append(p.stack, tl)
			} else {
				missed++
			}
		}
	}
	p.swapped = &profileSwap{profile: oldProfile, from: oldStack, to: p.stack, missed: missed}
	p.setTimeline(p.stack[len(p.stack)-1])
	p.Jump(matchEvent(old, cursor, p.tl))
	return missed, nil
}

// Choose plays another scenario, from its start, under the current profile, paused.
func (p *Player) Choose(sc *model.Scenario) error {
	if err := p.load(sc, p.profile, nil); err != nil {
		return err
	}
	p.playing, p.swapped = false, nil
	p.Jump(0)
	return nil
}

// profileSwap remembers the last profile switch: from the stack of timelines under
// profile to the stack to, with missed drops that had no counterpart; switching again
// before any drop goes back to from at once.
type profileSwap struct {
	profile  string
	from, to []*model.Timeline
	missed   int
}

// spot is a point of the story: an event, the virtual time and the story clock.
type spot struct {
	cursor   int
	now, pos time.Duration
}

// ErrNotForkable is returned by SwitchProfile for a capture's timeline.
var ErrNotForkable = errors.New("a capture's timeline has no other profile")

// ErrUnknownScenario is returned by SetPosition for a scenario id not in the catalog.
var ErrUnknownScenario = errors.New("unknown scenario")

// eventKey is what identifies an event across profiles.
func eventKey(tl *model.Timeline, ev *model.Event) string {
	switch ev.Kind {
	case model.EvSend, model.EvRecv, model.EvDrop:
		s := &tl.Segments[ev.Seg]
		return fmt.Sprintf("%d%d%s%d", ev.Kind, ev.Side, s.Flags, s.Retrans)
	case model.EvState:
		return fmt.Sprintf("%d%d%s", ev.Kind, ev.Side, ev.To)
	case model.EvApp:
		return fmt.Sprintf("%d%d%s", ev.Kind, ev.Side, ev.Call)
	case model.EvTimer:
		return fmt.Sprintf("%d%d%d", ev.Kind, ev.Side, ev.Timer)
	}
	return "start"
}

// matchEvent finds event cursor of old in tl: the same kind of event by the same
// side, counted the same number of times; or the same fraction of the story.
func matchEvent(old *model.Timeline, cursor int, tl *model.Timeline) int {
	want := eventKey(old, old.At(cursor))
	nth := 0
	for i := 0; i <= cursor; i++ {
		if eventKey(old, old.At(i)) == want {
			nth++
		}
	}
	seen := 0
	for i := 0; i < tl.Len(); i++ {
		if eventKey(tl, tl.At(i)) == want {
			seen++
			if seen == nth {
				return i
			}
		}
	}
	// No such event under this profile: the same fraction of the story.
	return min(tl.Len()-1, cursor*tl.Len()/max(old.Len(), 1))
}

// Position is where a story stands, as a value small enough to send to every follower
// of a class: which story (the scenario, the profile, the knob overrides, the faults
// dropped in it), where in it (the event, the virtual time, the story clock), and how
// it moves (playing, the speed). Each follower's Player, set to it, computes the same
// timeline and draws it at its own size and in its own language.
type Position struct {
	Scenario  string           // a catalog id
	Profile   string           // "linux" or "rfc9293"
	Overrides []model.Override // the --set knobs, in order
	Faults    []model.Fault    // dropped with Drop and not undone, in order
	Cursor    int
	Now       time.Duration
	Clock     time.Duration
	Playing   bool
	Speed     int
}

// Position is where the story stands now.
func (p *Player) Position() Position {
	return Position{
		Scenario:  p.sc.ID,
		Profile:   p.profile,
		Overrides: p.cfg.Overrides,
		Faults:    p.tl.Injected(),
		Cursor:    p.cursor,
		Now:       p.now,
		Clock:     p.pos,
		Playing:   p.playing,
		Speed:     p.speed,
	}
}

// SameStory reports whether two positions are in the same story: the same scenario,
// profile, overrides and faults (wherever in it they stand).
func (a Position) SameStory(b Position) bool {
	return a.Scenario == b.Scenario && a.Profile == b.Profile &&
		slices.Equal(a.Overrides, b.Overrides) && slices.Equal(a.Faults, b.Faults)
}

// Same reports whether two positions are one point of one story, moving alike.
func (a Position) Same(b Position) bool {
	return a.SameStory(b) && a.Cursor == b.Cursor && a.Now == b.Now && a.Clock == b.Clock &&
		a.Playing == b.Playing && a.Speed == b.Speed
}

// Shows reports whether two positions show the same picture: the same point of one
// story, moving alike, whatever the story clock. While an event is held for reading,
// the clock runs on and virtual time stands still, and nothing on screen moves.
func (a Position) Shows(b Position) bool {
	c := b
	c.Clock = a.Clock
	return a.Same(c)
}

// SetPosition moves the player to pos: the story is rerun only when it is another one
// (the scenario from the catalog, with pos's overrides and faults; the command line's
// faults are not the presenter's and are left out), and the cursor is kept within it.
func (p *Player) SetPosition(pos Position) error {
	if !pos.SameStory(p.Position()) {
		sc, ok := scenarios.Lookup(pos.Scenario)
		if !ok {
			return ErrUnknownScenario
		}
		if p.sc != nil && p.sc.ID == sc.ID && p.cfg.Delay == 0 {
			sc = p.sc // the same scenario: keep its (shared) value
		}
		cfg := p.cfg
		cfg.Overrides, cfg.Faults, cfg.Scenario = pos.Overrides, nil, sc
		q := &Player{cfg: cfg, speed: p.speed}
		if err := q.load(sc, pos.Profile, pos.Faults); err != nil {
			return err
		}
		*p = *q
	}
	p.back, p.swapped = nil, nil
	p.cursor = max(0, min(pos.Cursor, p.tl.Len()-1))
	p.now = max(p.tl.At(p.cursor).T, min(pos.Now, p.tl.End()))
	p.pos = min(max(pos.Clock, 0), p.pace.total)
	p.playing = pos.Playing
	p.speed = max(0, min(pos.Speed, len(Speeds)-1))
	return nil
}

// OpenAsIs plays sc under profile from its first event, paused, exactly as its file
// has it: without the command line's delay, overrides and faults (an interview
// question's story, whose answer card quotes its numbers). Later moves, a profile
// switch included, use the configuration again.
func (p *Player) OpenAsIs(sc *model.Scenario, profile string) error {
	cfg := p.cfg
	p.cfg.Delay, p.cfg.Overrides, p.cfg.Faults = 0, nil, nil
	err := p.load(sc, profile, nil)
	p.cfg = cfg
	if err != nil {
		return err
	}
	p.playing, p.swapped = false, nil
	p.Jump(0)
	return nil
}
