// Package view is tcpwave's terminal UI: a Bubble Tea v2 program that plays a
// simulated TCP close as a live sequence diagram, with panes for both endpoints, their
// timers and a narration, and keys to step, rewind, drop a segment and switch profile.
//
// The model needs no local terminal: its size comes only from tea.WindowSizeMsg, its
// colours from tea.ColorProfileMsg and tea.BackgroundColorMsg, and it keeps no
// package-level mutable state, so one Model per SSH session is safe.
package view

import (
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/view/player"
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
	// Role and Class put the model in a class (class.go): Solo, the default, is the
	// user's own story; a Presenter publishes its moves to Class, a Follower shows
	// what it is sent. A nil Class is Solo.
	Role  Role
	Class Class
	// Drill starts the predict-the-next-step drill at once (tcpwave drill).
	Drill bool
	// Questions links the drill's missed questions to the interview-question index
	// (nil: the summary names the scenario and step instead).
	Questions QuestionIndex
	// Question opens the interview question with this id (tcpwave questions ID): its
	// scenario at the step that answers it, paused, with its answer card. It replaces
	// Scenario and Profile.
	Question string
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
	// Simulate lets the s key of a capture's view ask for the model's run of the
	// capture beside it (SimulateAsked): the program ends, and tcpwave open shows the
	// comparison.
	Simulate bool
}

// flashHold is how long a message (drop, undo, profile) stays while playing.
const flashHold = 3 * time.Second

// frameInterval caps playback at 30 frames per second.
const frameInterval = time.Second / 30

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
	opts Options
	lang Lang

	// play is the story and where it stands; the Model draws it and feeds it keys.
	play *player.Player
	// tl is play's timeline at the last frame, to notice a new one.
	tl      *model.Timeline
	diag    *diagram // the layout drawn, from layouts
	layouts layoutCache

	gen      int // ties ticks to one run of playing
	lastTick time.Time

	width, height int
	isDark        bool
	colors        colorprofile.Profile
	styles        Styles
	keys          KeyMap
	help          help.Model

	class  class
	picker *picker
	card   *questionCard // the answer card of an interview question, when shown
	flash  string
	// narPage is the page of the narration shown for the event narAt (the more key
	// turns it); narPages is how many the last frame had.
	narAt, narPage, narPages int
	narCache                 narCache
	// flashPos is the story clock when flash was set: while playing, the message stays
	// for flashHold of playback.
	flashPos time.Duration

	// Frame buffers and caches, reused; scr is where the last frame put each part.
	g        grid
	scr      screen
	buf      []byte
	styleGen int // bumped when the styles change
	helpKey  helpKey
	helpStr  string

	// The drill (drill_ui.go), the legend of ? (legend.go), and absolute sequence
	// numbers on screen (the numbers key).
	drill    *drillRun
	legend   *pager
	absolute bool
	// simulate is set when the s key asked to simulate the capture.
	simulate bool
}

var _ tea.Model = (*Model)(nil)

// New builds the model for a scenario and profile. It fails on an unknown profile or a
// bad override.
func New(opts Options) (*Model, error) {
	var question *scenarios.Question
	if opts.Question != "" {
		q, ok := scenarios.QuestionByID(opts.Question)
		if !ok {
			return nil, &UnknownQuestionError{ID: opts.Question}
		}
		question = q
		opts.Scenario, _ = scenarios.Lookup(q.Scenario)
		opts.Profile = q.Profile
	}
	if opts.Questions == nil {
		opts.Questions = questionLinks{}
	}
	p, err := player.New(player.Config{
		Scenario: opts.Scenario, Profile: opts.Profile, Overrides: opts.Overrides,
		Faults: opts.Faults, Delay: opts.Delay, Dwell: readingTime, Timeline: opts.Timeline,
	})
	if err != nil {
		return nil, err
	}
	m := &Model{
		opts:   opts,
		lang:   opts.Lang.valid(),
		play:   p,
		isDark: true,
		colors: colorprofile.ANSI256,
		keys:   keyMapIn(opts.Lang.valid()),
		help:   newHelp(),
		width:  80,
		height: 24,
	}
	m.class = newClass(opts)
	if question != nil {
		if err := m.openQuestion(question); err != nil {
			return nil, err
		}
	}
	m.sync()
	m.restyle()
	if opts.Drill {
		m.startDrill() // Init starts its playback
	}
	m.updateKeys()
	return m, nil
}

func newHelp() help.Model {
	h := help.New()
	h.ShortSeparator = " · "
	return h
}

// sync notices a new timeline in the player: its layout is drawn anew.
func (m *Model) sync() {
	if tl := m.play.Timeline(); tl != m.tl {
		m.tl, m.diag = tl, nil
	}
}

func (m *Model) restyle() {
	m.styleGen++
	m.styles = NewStyles(m.isDark, m.colors)
	m.help.Styles = m.styles.Help
}

// Init implements tea.Model: it asks for the terminal's background colour.
func (m *Model) Init() tea.Cmd {
	if m.play.Playing() {
		return tea.Batch(tea.RequestBackgroundColor, m.nextTick())
	}
	return tea.RequestBackgroundColor
}

// Player is the story being played and where it stands.
func (m *Model) Player() *player.Player { return m.play }

// Timeline is the timeline being shown.
func (m *Model) Timeline() *model.Timeline { return m.play.Timeline() }

// Cursor is the index of the current event.
func (m *Model) Cursor() int { return m.play.Cursor() }

// Now is the virtual time shown.
func (m *Model) Now() time.Duration { return m.play.Now() }

// Playing reports whether playback is running.
func (m *Model) Playing() bool { return m.play.Playing() }

// Profile is the name of the active profile.
func (m *Model) Profile() string { return m.play.Profile() }

// Scenario is the scenario being shown.
func (m *Model) Scenario() *model.Scenario { return m.play.Scenario() }

// Speed is the playback speed factor.
func (m *Model) Speed() float64 { return player.Speeds[m.play.Speed()] }

// Injected is the number of faults injected with d (and not undone).
func (m *Model) Injected() int { return m.play.Injected() }

// PickerOpen reports whether the scenario picker is open.
func (m *Model) PickerOpen() bool { return m.picker != nil }

// HelpOpen reports whether the full help is shown.
func (m *Model) HelpOpen() bool { return m.help.ShowAll }

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd, ok := m.classMsg(msg)
	if !ok {
		cmd = m.update(msg)
	}
	m.sync()
	m.updateKeys()
	m.publish()
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
		if m.legend != nil && m.legendKey(msg.String()) {
			return nil
		}
		if m.picker != nil {
			return m.pickerKey(msg)
		}
		if m.card != nil {
			return m.cardKey(msg)
		}
		if m.drill != nil {
			return m.drillKey(msg)
		}
		return m.key(msg)
	}
	return nil
}

// tick advances playback by the wall time since the last tick, times the speed, and
// re-arms the next tick; at the end it stops.
func (m *Model) tick(msg tickMsg) tea.Cmd {
	if msg.gen != m.gen || !m.play.Playing() {
		return nil
	}
	var dt time.Duration
	if !m.lastTick.IsZero() {
		dt = msg.at.Sub(m.lastTick)
	}
	m.lastTick = msg.at
	playing := m.play.Advance(dt)
	if m.drillStop() {
		return nil
	}
	if !playing {
		m.gen++
		return nil
	}
	if m.flash != "" && m.play.Clock()-m.flashPos > flashHold {
		m.flash = ""
	}
	return m.nextTick()
}

// nextTick schedules the next frame of the current run of playing.
func (m *Model) nextTick() tea.Cmd {
	gen := m.gen
	return tea.Tick(m.tickAfter(), func(t time.Time) tea.Msg { return tickMsg{gen: gen, at: t} })
}

// startPlaying starts playback (from the start if at the end) and its ticks.
func (m *Model) startPlaying() tea.Cmd {
	if m.play.AtEnd() && m.play.Now() >= m.play.Timeline().End() {
		m.flash = "" // it starts over
	}
	m.play.Play()
	m.gen++
	m.lastTick = time.Time{}
	return m.nextTick()
}

// stop pauses playback; pending ticks become stale.
func (m *Model) stop() {
	m.play.Pause()
	m.gen++
}

// moved is what every move of the cursor by a key does: the flash goes.
func (m *Model) moved() { m.flash = "" }

// key handles a key press in the diagram.
// Update refreshes the bindings after it returns.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	m.updateKeys()
	k, p := &m.keys, m.play
	if m.polling() && msg.Code >= '1' && msg.Code <= '4' && msg.Mod == 0 {
		m.pollAnswer(int(msg.Code - '1')) // the presenter's question to the class
		return nil
	}
	if m.locked() && !key.Matches(msg, k.Quit, k.Help, k.Lang, k.More, k.Follow, k.Numbers) {
		return nil // a follower watches: the story is the presenter's
	}
	if !key.Matches(msg, k.Next, k.Prev) {
		p.Forget() // any other move makes the point a step left meaningless
	}
	switch {
	case key.Matches(msg, k.Quit):
		return tea.Quit
	case key.Matches(msg, k.Follow):
		m.toggleFollow()
	case key.Matches(msg, k.Play):
		if p.Playing() {
			m.stop()
			return nil
		}
		return m.startPlaying()
	case key.Matches(msg, k.Next):
		m.stop()
		p.Step()
		m.moved()
	case key.Matches(msg, k.Prev):
		m.stop()
		p.Back()
		m.moved()
	case key.Matches(msg, k.First):
		m.stop()
		p.First()
		m.moved()
	case key.Matches(msg, k.Last):
		m.stop()
		p.Last()
		m.moved()
	case key.Matches(msg, k.Faster):
		p.Faster()
	case key.Matches(msg, k.Slower):
		p.Slower()
	case key.Matches(msg, k.Drop):
		m.drop()
	case key.Matches(msg, k.Undo):
		m.undo()
	case key.Matches(msg, k.Profile):
		m.switchProfile()
	case key.Matches(msg, k.Pick):
		m.stop()
		m.picker = newPicker(p.Scenario().ID, m.lang)
		m.keys.pickerMode(true)
	case key.Matches(msg, k.Help):
		m.openLegend()
	case key.Matches(msg, k.Drill):
		return m.startDrill()
	case key.Matches(msg, k.Numbers):
		m.toggleNumbers()
	case key.Matches(msg, k.Lang):
		m.SetLang(m.lang.other())
	case key.Matches(msg, k.Write):
		return m.writePcap()
	case key.Matches(msg, k.Simulate):
		m.simulate = true
		return tea.Quit
	case key.Matches(msg, k.More):
		if m.narAt != p.Cursor() {
			m.narAt, m.narPage = p.Cursor(), 0
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

// SimulateAsked reports whether the program ended because the s key asked for the
// model's run of the capture beside it.
func (m *Model) SimulateAsked() bool { return m.simulate }

// updateKeys enables exactly the bindings that can act now.
func (m *Model) updateKeys() {
	if m.picker != nil {
		return
	}
	if m.drill != nil {
		m.drillKeys()
		return
	}
	k, p := &m.keys, m.play
	k.Prev.SetEnabled(!p.AtStart())
	k.First.SetEnabled(!p.AtStart())
	k.Next.SetEnabled(!p.AtEnd())
	k.Last.SetEnabled(!p.AtEnd())
	k.Faster.SetEnabled(p.Speed() < len(player.Speeds)-1)
	k.Slower.SetEnabled(p.Speed() > 0)
	k.Drop.SetEnabled(p.CanDrop())
	k.Undo.SetEnabled(p.Injected() > 0)
	k.Write.SetEnabled(m.opts.Write && p.Forkable())
	k.Simulate.SetEnabled(m.opts.Simulate && !p.Forkable())
	if !p.Forkable() {
		// A capture's timeline: nothing to drop, no other profile, no other scenario,
		// no drill (its questions are the model's).
		k.Profile.SetEnabled(false)
		k.Pick.SetEnabled(false)
		k.Drill.SetEnabled(false)
	}
	if p.Playing() {
		k.Play.SetHelp("space", m.lang.t("key.pause"))
	} else {
		k.Play.SetHelp("space", m.lang.t("key.play"))
	}
	k.Follow.SetEnabled(m.class.role == Follower)
	if m.class.follows {
		k.Follow.SetHelp("f", m.lang.t("key.explore"))
	} else {
		k.Follow.SetHelp("f", m.lang.t("key.follow"))
	}
	if m.locked() {
		for _, b := range []*key.Binding{&k.Play, &k.Next, &k.Prev, &k.First, &k.Last, &k.Faster, &k.Slower, &k.Drop, &k.Undo, &k.Profile, &k.Pick, &k.Drill} {
			b.SetEnabled(false)
		}
	}
}

// drop loses the segment drawn in flight nearest its arrival (or, with none in flight,
// the next one to be sent) and forks the future.
func (m *Model) drop() {
	if c, ok := m.play.Drop(); ok {
		m.setFlash(dropFlash(m.lang, c))
	}
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
	if m.play.Undo() {
		m.setFlash(m.lang.t("flash.undo"))
	}
}

// switchProfile reruns the story under the other profile at the same point of it.
func (m *Model) switchProfile() {
	missed, err := m.play.SwitchProfile()
	if err != nil {
		m.setFlash(m.lang.t("flash.profile.error", ErrorText(m.lang, err)))
		return
	}
	name := m.play.Profile()
	m.setFlash(m.lang.t("flash.profile", name, profileTitle(name)))
	if missed > 0 {
		m.setFlash(joinSentences(m.lang, m.flash, m.lang.t("flash.profile.missed", missed)))
	}
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
	case msg.Code == tea.KeyTab:
		p.switchTab()
	case key.Matches(msg, k.PickChoose) && p.questions:
		q := p.selectedQuestion()
		if q == nil {
			return nil
		}
		m.closePicker()
		if err := m.openQuestion(q); err != nil {
			m.setFlash(err.Error())
		}
	case key.Matches(msg, k.PickChoose):
		sc := p.selected()
		if sc == nil {
			return nil
		}
		m.closePicker()
		if err := m.play.Choose(sc); err != nil {
			m.setFlash(ErrorText(m.lang, err))
			return nil
		}
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
	m.flash, m.flashPos = s, m.play.Clock()
}
