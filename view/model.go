// Package view is tcpwave's terminal UI: a Bubble Tea v2 program that plays a
// simulated TCP close as a live sequence diagram, with panes for both endpoints, their
// timers and a narration, and keys to step, rewind, drop a segment and switch profile.
//
// The model needs no local terminal: its size comes only from tea.WindowSizeMsg, its
// colours from tea.ColorProfileMsg and tea.BackgroundColorMsg, and it keeps no
// package-level mutable state, so one Model per SSH session is safe.
package view

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// Options configure a new Model.
type Options struct {
	Scenario  *model.Scenario  // nil means client-close
	Profile   string           // "linux" (default) or "rfc9293"
	Overrides []model.Override // --set knobs
	Faults    []model.Fault    // --drop faults from the command line
	// Delay is the one-way link delay for every scenario shown, including those chosen
	// in the picker (--delay); 0 keeps each scenario's own.
	Delay time.Duration
	// Lang is the language of every word on screen (En by default); the language key
	// switches it at the same point of the story.
	Lang Lang
	// Timeline, when set, is shown as it is instead of a run of Scenario: a timeline
	// built outside the model (a capture's), which cannot be forked, so that drop, undo,
	// profile and the scenario picker are off.
	Timeline *model.Timeline
	// Addrs are the client's and the server's address:port drawn over the lifelines;
	// empty means the illustrative ones.
	Addrs [2]string
	// Write lets the w key save the current timeline as a pcap in the working directory
	// (the local program only: a session served over SSH must not write the server's files).
	Write bool
}

// flashHold is how long a message (drop, undo, profile) stays while playing.
const flashHold = 3 * time.Second

// frameInterval caps playback at 30 frames per second.
const frameInterval = time.Second / 30

// maxTickGap bounds the story time one tick may advance (after a suspend, say).
const maxTickGap = 250 * time.Millisecond

// speeds are the playback speed factors; defaultSpeed indexes 1×.
var speeds = [...]float64{0.25, 0.5, 1, 2, 4, 8, 16}

const defaultSpeed = 2

// MinWidth and MinHeight are the smallest terminal the UI draws in.
const (
	MinWidth  = 64
	MinHeight = 18
)

// tickMsg advances playback. gen ties it to one run of playing: a tick from an earlier
// run (before a pause, a step or a new scenario) is stale and dropped.
type tickMsg struct {
	gen int
	at  time.Time
}

// Model is the root model of the UI. It implements tea.Model.
type Model struct {
	opts    Options
	sc      *model.Scenario
	profile string
	lang    Lang

	// stack holds the timeline and, above it, one fork per injected fault; undo pops.
	stack   []*model.Timeline
	tl      *model.Timeline
	pace    pacing
	diag    *diagram // the layout drawn, from layouts
	layouts layoutCache
	cursor  int
	now     time.Duration
	pos     time.Duration // story position (see pacing)

	playing  bool
	gen      int
	lastTick time.Time
	speed    int

	width, height int
	isDark        bool
	colors        colorprofile.Profile
	styles        Styles
	keys          KeyMap
	help          help.Model

	picker *picker
	flash  string
	// narPage is the page of the narration shown for the event narAt (the more key
	// turns it); narPages is how many the last frame had.
	narAt, narPage, narPages int
	narCache                 narCache
	// swapped is the last profile switch, to undo it at once.
	swapped *profileSwap
	// back is the point between two events that stepping forward left, for stepping
	// back to it exactly.
	back *spot
	// flashPos is the story position when flash was set: while playing, the message
	// stays for flashHold of playback.
	flashPos time.Duration

	// Frame buffers and caches, reused; scr is where the last frame put each part.
	g        grid
	scr      screen
	buf      []byte
	styleGen int // bumped when the styles change
	helpKey  helpKey
	helpStr  string
	other    model.Profile // the other built-in profile, for the remarks
	otherOK  bool
}

var _ tea.Model = (*Model)(nil)

// New builds the model for a scenario and profile. It fails on an unknown profile or a
// bad override.
func New(opts Options) (*Model, error) {
	if opts.Scenario == nil && opts.Timeline == nil {
		sc, err := scenarios.Get("client-close")
		if err != nil {
			return nil, err
		}
		opts.Scenario = sc
	}
	if opts.Profile == "" {
		opts.Profile = "linux"
	}
	m := &Model{
		opts:   opts,
		lang:   opts.Lang.valid(),
		speed:  defaultSpeed,
		isDark: true,
		colors: colorprofile.ANSI256,
		keys:   keyMapIn(opts.Lang.valid()),
		help:   newHelp(),
		width:  80,
		height: 24,
	}
	if tl := opts.Timeline; tl != nil {
		m.sc, m.profile, m.stack = tl.Scenario, tl.Profile.Name, []*model.Timeline{tl}
		m.setTimeline(tl)
	} else if err := m.load(opts.Scenario, opts.Profile, nil); err != nil {
		return nil, err
	}
	m.restyle()
	m.updateKeys()
	return m, nil
}

func newHelp() help.Model {
	h := help.New()
	h.ShortSeparator = " · "
	return h
}

// load runs sc under the named profile with the command-line faults and then forks
// once per injected fault.
func (m *Model) load(sc *model.Scenario, profile string, injected []model.Fault) error {
	if d := m.opts.Delay; d > 0 && sc.Delay != [2]time.Duration{d, d} {
		local := *sc // catalog scenarios are shared: change a copy
		local.Delay = [2]time.Duration{d, d}
		sc = &local
	}
	// --drop names segments of the scenario given on the command line; another one,
	// chosen in the picker, starts without them.
	faults := m.opts.Faults
	if sc.ID != m.opts.Scenario.ID {
		faults = nil
	}
	p, err := sc.ProfileFor(profile, m.opts.Overrides...)
	if err != nil {
		return err
	}
	tl := model.Run(sc, p, faults...)
	stack := []*model.Timeline{tl}
	for _, f := range injected {
		tl = tl.Fork(f)
		stack = append(stack, tl)
	}
	m.sc, m.profile, m.stack = sc, p.Name, stack
	m.setTimeline(tl)
	return nil
}

// setTimeline makes tl current (the cursor is the caller's business).
func (m *Model) setTimeline(tl *model.Timeline) {
	m.tl = tl
	m.pace = newPacing(tl)
	m.other, m.otherOK = otherProfile(tl)
	m.otherOK = m.otherOK && tl.Forkable() // a capture's remarks would compare nothing
	m.diag = nil
	m.cursor = min(m.cursor, tl.Len()-1)
}

func (m *Model) restyle() {
	m.styleGen++
	m.styles = NewStyles(m.isDark, m.colors)
	m.help.Styles = m.styles.Help
}

// Init implements tea.Model: it asks for the terminal's background colour.
func (m *Model) Init() tea.Cmd {
	return tea.RequestBackgroundColor
}

// Timeline is the timeline being shown.
func (m *Model) Timeline() *model.Timeline { return m.tl }

// Cursor is the index of the current event.
func (m *Model) Cursor() int { return m.cursor }

// Now is the virtual time shown.
func (m *Model) Now() time.Duration { return m.now }

// Playing reports whether playback is running.
func (m *Model) Playing() bool { return m.playing }

// Profile is the name of the active profile.
func (m *Model) Profile() string { return m.profile }

// Scenario is the scenario being shown.
func (m *Model) Scenario() *model.Scenario { return m.sc }

// Speed is the playback speed factor.
func (m *Model) Speed() float64 { return speeds[m.speed] }

// Injected is the number of faults injected with d (and not undone).
func (m *Model) Injected() int { return len(m.stack) - 1 }

// PickerOpen reports whether the scenario picker is open.
func (m *Model) PickerOpen() bool { return m.picker != nil }

// HelpOpen reports whether the full help is shown.
func (m *Model) HelpOpen() bool { return m.help.ShowAll }

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	m.updateKeys()
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 0), max(msg.Height, 0)
		return nil
	case tea.BackgroundColorMsg:
		m.isDark = msg.IsDark()
		m.restyle()
		return nil
	case tea.ColorProfileMsg:
		m.colors = msg.Profile
		m.restyle()
		return nil
	case tickMsg:
		return m.tick(msg)
	case wroteMsg:
		m.wrote(msg)
		return nil
	case tea.KeyPressMsg:
		if m.picker != nil {
			return m.pickerKey(msg)
		}
		return m.key(msg)
	}
	return nil
}

// tick advances playback by the wall time since the last tick, times the speed, and
// re-arms the next tick; at the end it stops.
func (m *Model) tick(msg tickMsg) tea.Cmd {
	if msg.gen != m.gen || !m.playing {
		return nil
	}
	if !m.lastTick.IsZero() {
		dt := min(max(msg.at.Sub(m.lastTick), 0), maxTickGap)
		m.pos += time.Duration(float64(dt) * speeds[m.speed])
	}
	m.lastTick = msg.at
	if m.pos >= m.pace.total {
		m.pos = m.pace.total
		m.cursor, m.now = m.tl.Len()-1, m.tl.End()
		m.stop()
		return nil
	}
	c, now := m.pace.locate(m.tl, m.pos)
	if m.flash != "" && m.pos-m.flashPos > flashHold {
		m.flash = ""
	}
	m.cursor, m.now = c, now
	return m.nextTick()
}

// nextTick schedules the next frame of the current run of playing.
func (m *Model) nextTick() tea.Cmd {
	gen := m.gen
	return tea.Tick(frameInterval, func(t time.Time) tea.Msg { return tickMsg{gen: gen, at: t} })
}

// play starts playback (from the start if at the end).
func (m *Model) play() tea.Cmd {
	if m.cursor >= m.tl.Len()-1 && m.now >= m.tl.End() {
		m.jump(0)
	}
	m.playing = true
	m.gen++
	m.lastTick = time.Time{}
	return m.nextTick()
}

// stop pauses playback; pending ticks become stale.
func (m *Model) stop() {
	m.playing = false
	m.gen++
}

// jump moves the cursor to event i, at its instant.
func (m *Model) jump(i int) {
	m.cursor = max(0, min(i, m.tl.Len()-1))
	m.now = m.tl.At(m.cursor).T
	m.pos = m.pace.position(m.tl, m.cursor, m.now)
	m.flash = ""
}

// key handles a key press in the diagram.
// Update refreshes the bindings after it returns.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	m.updateKeys()
	k := &m.keys
	if !key.Matches(msg, k.Next, k.Prev) {
		m.back = nil // any other move makes the remembered point meaningless
	}
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Play):
		if m.playing {
			m.stop()
			return nil
		}
		return m.play()
	case key.Matches(msg, k.Next):
		m.stop()
		if m.now > m.tl.At(m.cursor).T || m.cursor+1 < m.tl.Len() {
			if m.now > m.tl.At(m.cursor).T && m.back == nil {
				// Leaving a point between two events: remember it, so that stepping
				// back returns to exactly this screen.
				m.back = &spot{m.cursor, m.now, m.pos}
			}
			m.jump(m.cursor + 1)
		}
	case key.Matches(msg, k.Prev):
		m.stop()
		switch {
		case m.back != nil && m.cursor == m.back.cursor+1 && m.now == m.tl.At(m.cursor).T:
			m.jump(m.back.cursor)
			m.now, m.pos = m.back.now, m.back.pos
			m.back = nil
		case m.now > m.tl.At(m.cursor).T:
			m.jump(m.cursor) // back to the start of the current event
		default:
			m.jump(m.cursor - 1)
		}
	case key.Matches(msg, k.First):
		m.stop()
		m.jump(0)
	case key.Matches(msg, k.Last):
		m.stop()
		m.jump(m.tl.Len() - 1)
	case key.Matches(msg, k.Faster):
		m.speed = min(m.speed+1, len(speeds)-1)
	case key.Matches(msg, k.Slower):
		m.speed = max(m.speed-1, 0)
	case key.Matches(msg, k.Drop):
		m.drop()
	case key.Matches(msg, k.Undo):
		m.undo()
	case key.Matches(msg, k.Profile):
		m.switchProfile()
	case key.Matches(msg, k.Pick):
		m.stop()
		m.picker = newPicker(m.sc.ID, m.lang)
		m.keys.pickerMode(true)
	case key.Matches(msg, k.Help):
		m.help.ShowAll = !m.help.ShowAll
	case key.Matches(msg, k.Lang):
		m.SetLang(m.lang.other())
	case key.Matches(msg, k.Write):
		return m.writePcap()
	case key.Matches(msg, k.More):
		if m.narAt != m.cursor {
			m.narAt, m.narPage = m.cursor, 0
		}
		m.narPage = (m.narPage + 1) % max(m.narPages, 1)
	}
	return nil
}

// SetLang switches every word on screen to l, at the same point of the story.
func (m *Model) SetLang(l Lang) {
	l = l.valid()
	if l == m.lang {
		return
	}
	m.lang = l
	picking := m.picker != nil
	m.keys = keyMapIn(l)
	m.keys.pickerMode(picking)
	if picking {
		m.picker.lang = l
	}
	m.updateKeys()
	m.setFlash(l.t("flash.lang"))
}

// Lang is the language on screen.
func (m *Model) Lang() Lang { return m.lang }

// updateKeys enables exactly the bindings that can act now.
func (m *Model) updateKeys() {
	if m.picker != nil {
		return
	}
	k := &m.keys
	atStart := m.cursor == 0 && m.now <= m.tl.At(0).T
	atEnd := m.cursor == m.tl.Len()-1
	k.Prev.SetEnabled(!atStart)
	k.First.SetEnabled(!atStart)
	k.Next.SetEnabled(!atEnd)
	k.Last.SetEnabled(!atEnd)
	k.Faster.SetEnabled(m.speed < len(speeds)-1)
	k.Slower.SetEnabled(m.speed > 0)
	_, ok := m.tl.DropTarget(m.cursor, m.now)
	k.Drop.SetEnabled(ok)
	k.Undo.SetEnabled(len(m.stack) > 1)
	k.Write.SetEnabled(m.opts.Write && m.tl.Forkable())
	if !m.tl.Forkable() {
		// A capture's timeline: nothing to drop, no other profile, no other scenario.
		k.Drop.SetEnabled(false)
		k.Profile.SetEnabled(false)
		k.Pick.SetEnabled(false)
	}
	if m.playing {
		k.Play.SetHelp("space", m.lang.t("key.pause"))
	} else {
		k.Play.SetHelp("space", m.lang.t("key.play"))
	}
}

// drop loses the segment drawn in flight nearest its arrival (or, with none in flight,
// the next one to be sent) and forks the future.
func (m *Model) drop() {
	c, ok := m.tl.DropTarget(m.cursor, m.now)
	if !ok {
		return
	}
	old := m.tl
	tl := old.Fork(c.Fault)
	m.stack = append(m.stack, tl)
	m.adopt(old, tl)
	m.setFlash(dropFlash(m.lang, c))
}

// dropFlash says what a drop lost, and what another d would take.
func dropFlash(l Lang, c model.DropChoice) string {
	what := l.t("flash.drop.what", l.side(c.Seg.From), c.Seg.Label())
	if c.Seg.Dup {
		what = l.t("flash.drop.what-dup", l.side(c.Seg.From), c.Seg.Label())
	}
	switch {
	case !c.InFlight:
		return l.t("flash.drop.next", what)
	case c.Others == 1:
		return l.t("flash.drop.nearer", what)
	case c.Others > 1:
		return l.t("flash.drop.nearest", what, c.Others+1)
	}
	return l.t("flash.drop", what)
}

// undo removes the last injected fault.
func (m *Model) undo() {
	if len(m.stack) < 2 {
		return
	}
	old := m.tl
	m.stack = m.stack[:len(m.stack)-1]
	m.adopt(old, m.stack[len(m.stack)-1])
	m.setFlash(m.lang.t("flash.undo"))
}

// adopt switches from timeline old to tl, a fork of the same story, keeping the cursor
// where the two agree and the virtual time.
func (m *Model) adopt(old, tl *model.Timeline) {
	now := m.now
	c := 0
	for c < m.cursor && c+1 < tl.Len() && sameEvent(old.At(c+1), tl.At(c+1)) {
		c++
	}
	for c+1 < tl.Len() && tl.At(c+1).T < now {
		c++
	}
	m.setTimeline(tl)
	m.cursor = c
	m.now = max(tl.At(c).T, min(now, tl.End()))
	if c+1 < tl.Len() {
		m.now = min(m.now, tl.At(c+1).T)
	}
	m.pos = m.pace.position(tl, m.cursor, m.now)
}

func sameEvent(a, b *model.Event) bool {
	return a.T == b.T && a.Kind == b.Kind && a.Side == b.Side && a.Seg == b.Seg && a.To == b.To && a.Call == b.Call
}

// switchProfile reruns the story under the other profile, with the same injected
// faults, and finds the same point of the story in it: the same kind of event, by the
// same side, about the same segment or state, counted the same number of times.
func (m *Model) switchProfile() {
	other := "rfc9293"
	if m.profile == "rfc9293" {
		other = "linux"
	}
	oldStack, oldProfile, old, cursor := m.stack, m.profile, m.tl, m.cursor
	missed := 0
	if sw := m.swapped; sw != nil && sw.profile == other && sw.to[len(sw.to)-1] == m.tl {
		// Back to the profile just left, with no drop since: its timelines as they were.
		m.stack, m.profile, missed = sw.from, other, sw.missed
	} else {
		if err := m.load(m.sc, other, nil); err != nil {
			m.setFlash(m.lang.t("flash.profile.error", err.Error()))
			return
		}
		// Lose the same segments as before: each drop is carried over to the segment
		// with the same sender, flags and occurrence, which may be another Nth
		// segment under these rules; a drop with no such segment is left out.
		tl := m.tl
		for _, forked := range oldStack[1:] {
			in := forked.Injected()
			if f, ok := forked.Counterpart(in[len(in)-1], tl); ok {
				tl = tl.Fork(f)
				m.stack = append(m.stack, tl)
			} else {
				missed++
			}
		}
	}
	m.swapped = &profileSwap{profile: oldProfile, from: oldStack, to: m.stack, missed: missed}
	m.setTimeline(m.stack[len(m.stack)-1])
	c := matchEvent(old, cursor, m.tl)
	m.cursor = c
	m.now = m.tl.At(c).T
	m.pos = m.pace.position(m.tl, c, m.now)
	m.setFlash(m.lang.t("flash.profile", m.profile, profileTitle(m.profile)))
	if missed > 0 {
		m.setFlash(joinSentences(m.lang, m.flash, m.lang.t("flash.profile.missed", missed)))
	}
}

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

func profileTitle(p string) string {
	if p == "linux" {
		return "Linux"
	}
	return "RFC 9293"
}

// pickerKey handles a key press while the scenario picker is open.
func (m *Model) pickerKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &m.keys
	p := m.picker
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.PickCancel):
		m.closePicker()
	case key.Matches(msg, k.PickUp):
		p.move(-1)
	case key.Matches(msg, k.PickDown):
		p.move(1)
	case key.Matches(msg, k.PickChoose):
		sc := p.selected()
		if sc == nil {
			return nil
		}
		m.closePicker()
		m.cursor = 0
		if err := m.load(sc, m.profile, nil); err != nil {
			m.setFlash(err.Error())
			return nil
		}
		m.jump(0)
		m.flash = ""
	case msg.Code == tea.KeyBackspace:
		p.backspace()
	case msg.Text != "" && msg.Mod&^(tea.ModShift) == 0:
		p.typeText(msg.Text)
	}
	return nil
}

func (m *Model) closePicker() {
	m.picker = nil
	m.keys.pickerMode(false)
	m.updateKeys()
}

// setFlash shows a one-line message under the narration.
func (m *Model) setFlash(s string) {
	m.flash, m.flashPos = s, m.pos
}

// profileSwap remembers the last profile switch: from the stack of timelines under
// profile to the stack to, with missed drops that had no counterpart; pressing p again
// before any drop goes back to from at once.
type profileSwap struct {
	profile  string
	from, to []*model.Timeline
	missed   int
}

// spot is a point of the story: an event and the time and playback position.
type spot struct {
	cursor   int
	now, pos time.Duration
}
