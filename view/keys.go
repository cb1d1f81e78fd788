package view

import "charm.land/bubbles/v2/key"

// KeyMap is every key the program answers to. The help line is rendered from it by
// bubbles/help, so a binding that is disabled (no rewind at the first event, no drop
// when nothing can be dropped) disappears from the help as well as from the keyboard.
type KeyMap struct {
	// Diagram keys: play/pause, step, first/last, speed, drop, undo, profile,
	// scenario picker, help, quit.
	Play    key.Binding
	Next    key.Binding
	Prev    key.Binding
	First   key.Binding
	Last    key.Binding
	Faster  key.Binding
	Slower  key.Binding
	Drop    key.Binding
	Undo    key.Binding
	Profile key.Binding
	Pick    key.Binding
	Help    key.Binding
	Quit    key.Binding

	// Picker keys, live only while the scenario picker is open.
	PickUp     key.Binding
	PickDown   key.Binding
	PickChoose key.Binding
	PickCancel key.Binding
}

// DefaultKeyMap returns the keys of design.md. Each call returns a fresh value: a
// keymap is per session, never shared.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Play:    key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "play/pause")),
		Next:    key.NewBinding(key.WithKeys("right", "l", "n"), key.WithHelp("→", "next")),
		Prev:    key.NewBinding(key.WithKeys("left", "h", "b"), key.WithHelp("←", "back")),
		First:   key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "first")),
		Last:    key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "last")),
		Faster:  key.NewBinding(key.WithKeys("+"), key.WithHelp("+", "faster")),
		Slower:  key.NewBinding(key.WithKeys("-"), key.WithHelp("-", "slower")),
		Drop:    key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "drop")),
		Undo:    key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "undo")),
		Profile: key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "profile")),
		Pick:    key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "scenario")),
		Help:    key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:    key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),

		PickUp:     key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑", "up"), key.WithDisabled()),
		PickDown:   key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "down"), key.WithDisabled()),
		PickChoose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open"), key.WithDisabled()),
		PickCancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"), key.WithDisabled()),
	}
}

// ShortHelp implements help.KeyMap: the one-line help.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{
		k.PickUp, k.PickDown, k.PickChoose, k.PickCancel,
		k.Play, k.Next, k.Prev, k.Drop, k.Undo, k.Profile, k.Pick, k.Help, k.Quit,
	}
}

// shortDrop lists the bindings of ShortHelp, by index, that the short help leaves out
// in this order when it is too wide: scenario, profile, undo, back, then the picker's
// moves, drop, next, play. Help and quit always stay.
var shortDrop = [...]int{10, 9, 8, 6, 0, 1, 7, 5, 4, 3, 2}

// FullHelp implements help.KeyMap: the help shown by ?, with every key of each
// binding and longer descriptions.
func (k KeyMap) FullHelp() [][]key.Binding {
	long := func(b key.Binding, keys, desc string) key.Binding {
		b.SetHelp(keys, desc)
		return b
	}
	return [][]key.Binding{
		{
			long(k.Play, k.Play.Help().Key, k.Play.Help().Desc),
			long(k.Next, "→ l n", "next event"),
			long(k.Prev, "← h b", "previous event"),
			long(k.First, "home g", "first event"),
			long(k.Last, "end G", "last event"),
		},
		{
			long(k.Faster, "+", "faster"),
			long(k.Slower, "-", "slower"),
			long(k.Drop, "d", "drop a segment"),
			long(k.Undo, "u", "undo the last drop"),
		},
		{
			long(k.Profile, "p", "switch profile"),
			long(k.Pick, "s", "choose a scenario"),
			long(k.Help, "?", "close help"),
			long(k.Quit, k.Quit.Help().Key, "quit"),
		},
		{k.PickUp, k.PickDown, k.PickChoose, k.PickCancel},
	}
}

// pickerMode switches between the diagram's keys and the picker's keys.
func (k *KeyMap) pickerMode(on bool) {
	for _, b := range []*key.Binding{&k.Play, &k.Next, &k.Prev, &k.First, &k.Last, &k.Faster,
		&k.Slower, &k.Drop, &k.Undo, &k.Profile, &k.Pick, &k.Help} {
		b.SetEnabled(!on)
	}
	for _, b := range []*key.Binding{&k.PickUp, &k.PickDown, &k.PickChoose, &k.PickCancel} {
		b.SetEnabled(on)
	}
	// In the picker, q types a q: only ctrl+c quits.
	if on {
		k.Quit.SetKeys("ctrl+c")
		k.Quit.SetHelp("ctrl+c", "quit")
	} else {
		k.Quit.SetKeys("q", "ctrl+c")
		k.Quit.SetHelp("q", "quit")
	}
}

// all lists every binding, in a fixed order.
func (k *KeyMap) all() [17]*key.Binding {
	return [17]*key.Binding{&k.Play, &k.Next, &k.Prev, &k.First, &k.Last, &k.Faster, &k.Slower,
		&k.Drop, &k.Undo, &k.Profile, &k.Pick, &k.Help, &k.Quit,
		&k.PickUp, &k.PickDown, &k.PickChoose, &k.PickCancel}
}
