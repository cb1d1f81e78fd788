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
	Lang    key.Binding
	More    key.Binding
	Quit    key.Binding
	// Follow breaks away from a class or rejoins it (a follower's only).
	Follow key.Binding

	// Drill and reading aids (issue 10): the drill's start/leave key, its answer
	// keys (1–4) and next-question key, and the absolute/relative numbers toggle.
	Drill   key.Binding
	Answer  key.Binding
	DrillGo key.Binding
	Numbers key.Binding
	// Write saves the current timeline as a pcap (only where Options.Write allows).
	Write key.Binding

	// Simulate opens the model's run of a capture beside it (a capture's view, when
	// Options.Simulate allows; issue 13).
	Simulate key.Binding

	// Picker keys, live only while the scenario picker is open.
	PickUp     key.Binding
	PickDown   key.Binding
	PickChoose key.Binding
	PickCancel key.Binding

	lang Lang // of the help's words
}

// DefaultKeyMap returns the keys of design.md, with English help. Each call returns a
// fresh value: a keymap is per session, never shared.
func DefaultKeyMap() KeyMap { return keyMapIn(En) }

// keyMapIn is DefaultKeyMap with its help in l.
func keyMapIn(l Lang) KeyMap {
	b := func(help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(shortKey(keys[0]), l.t("key."+help)))
	}
	off := func(k key.Binding) key.Binding { k.SetEnabled(false); return k }
	return KeyMap{
		Play:    b("play", "space"),
		Next:    b("next", "right", "l", "n"),
		Prev:    b("back", "left", "h", "b"),
		First:   b("first", "home", "g"),
		Last:    b("last", "end", "G"),
		Faster:  b("faster", "+"),
		Slower:  b("slower", "-"),
		Drop:    b("drop", "d"),
		Undo:    b("undo", "u"),
		Profile: b("profile", "p"),
		Pick:    b("scenario", "s"),
		Help:    b("help", "?"),
		Lang:    b("lang", "L"),
		More:    b("more", "m"),
		Quit:    b("quit", "q", "ctrl+c"),
		Follow:  off(b("explore", "f")),

		Drill:   b("drill", "t"),
		Answer:  off(b("answer", "1", "2", "3", "4")),
		DrillGo: off(b("drill-next", "space", "enter", "right", "n", "l")),
		Numbers: b("numbers", "a"),
		Write:   off(b("write", "w")),

		Simulate: off(b("simulate", "s")),

		PickUp:     off(b("up", "up", "ctrl+p")),
		PickDown:   off(b("down", "down", "ctrl+n")),
		PickChoose: off(b("open", "enter")),
		PickCancel: off(b("cancel", "esc")),

		lang: l,
	}
}

// shortKey is how the short help writes a key.
func shortKey(k string) string {
	switch k {
	case "right":
		return "→"
	case "left":
		return "←"
	case "home":
		return "g"
	case "end":
		return "G"
	case "up":
		return "↑"
	case "down":
		return "↓"
	case "1":
		return "1-4"
	}
	return k
}

// ShortHelp implements help.KeyMap: the one-line help.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{
		k.PickUp, k.PickDown, k.PickChoose, k.PickCancel,
		k.Play, k.Next, k.Prev, k.Drop, k.Undo, k.Profile, k.Pick, k.Lang,
		k.Answer, k.DrillGo, k.Drill, k.Help, k.Quit,
		k.Follow,   // a follower's, and then never left out
		k.Simulate, // a capture's, and then never left out
	}
}

// shortDrop lists the bindings of ShortHelp, by index, that the short help leaves out
// in this order when it is too wide: language, scenario, profile, undo, back, then the
// picker's moves, drop, next, play. Help and quit always stay.
// The drill key leaves first of all; the drill's own keys last.
var shortDrop = [...]int{14, 11, 10, 9, 8, 6, 0, 1, 7, 5, 4, 3, 2, 13, 12}

// FullHelp implements help.KeyMap: the help shown by ?, with every key of each
// binding and longer descriptions.
func (k KeyMap) FullHelp() [][]key.Binding {
	l := k.lang
	long := func(b key.Binding, keys, desc string) key.Binding {
		b.SetHelp(keys, l.t("key.long."+desc))
		return b
	}
	return [][]key.Binding{
		{
			k.Play,
			long(k.Next, "→ l n", "next"),
			long(k.Prev, "← h b", "back"),
			long(k.First, "home g", "first"),
			long(k.Last, "end G", "last"),
		},
		{
			long(k.Faster, "+", "faster"),
			long(k.Slower, "-", "slower"),
			long(k.Drop, "d", "drop"),
			long(k.Undo, "u", "undo"),
			long(k.More, "m", "more"),
			long(k.Write, "w", "write"),
		},
		{
			long(k.Profile, "p", "profile"),
			long(k.Pick, "s", "scenario"),
			long(k.Lang, "L", "lang"),
			long(k.Help, "?", "help"),
			long(k.Quit, k.Quit.Help().Key, "quit"),
			long(k.Follow, "f", "follow"),
		},
		{
			long(k.Drill, "t", "drill"),
			long(k.Answer, "1-4", "answer"),
			long(k.DrillGo, "space", "drill-next"),
			long(k.Numbers, "a", "numbers"),
		},
		{k.PickUp, k.PickDown, k.PickChoose, k.PickCancel},
	}
}

// pickerMode switches between the diagram's keys and the picker's keys.
func (k *KeyMap) pickerMode(on bool) {
	for _, b := range []*key.Binding{&k.Play, &k.Next, &k.Prev, &k.First, &k.Last, &k.Faster,
		&k.Slower, &k.Drop, &k.Undo, &k.Profile, &k.Pick, &k.Lang, &k.More, &k.Help,
		&k.Drill, &k.Numbers, &k.Write} {
		b.SetEnabled(!on)
	}
	for _, b := range []*key.Binding{&k.PickUp, &k.PickDown, &k.PickChoose, &k.PickCancel} {
		b.SetEnabled(on)
	}
	// In the picker, q types a q: only ctrl+c quits.
	if on {
		k.Quit.SetKeys("ctrl+c")
		k.Quit.SetHelp("ctrl+c", k.lang.t("key.quit"))
	} else {
		k.Quit.SetKeys("q", "ctrl+c")
		k.Quit.SetHelp("q", k.lang.t("key.quit"))
	}
}

// all lists every binding, in a fixed order.
func (k *KeyMap) all() [25]*key.Binding {
	return [25]*key.Binding{&k.Simulate, &k.Write, &k.Play, &k.Next, &k.Prev, &k.First, &k.Last, &k.Faster, &k.Slower,
		&k.Drop, &k.Undo, &k.Profile, &k.Pick, &k.Lang, &k.More, &k.Help, &k.Quit,
		&k.PickUp, &k.PickDown, &k.PickChoose, &k.PickCancel,
		&k.Drill, &k.Answer, &k.DrillGo, &k.Numbers}
}
