package view

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// The random driver: Update fed what a user (and the runtime) can send, in any order.

// driverKeys are every key the program binds, in the diagram and in the picker, and a
// few it does not.
var driverKeys = []string{
	"space", "right", "l", "n", "left", "h", "b", "home", "g", "end", "G", "+", "-",
	"d", "d", "d", "u", "p", "s", "?", "q", "ctrl+c", "esc", "enter", "up", "down", "L", "m",
	"backspace", "x", "漢",
}

// drillKeys are the keys of the drill and the reading aids (the drill, its answers,
// the numbers toggle, the legend's scrolling), picked by the top 16 input codes, and
// those often, so that a run reaches a drill's questions and its end.
var drillKeys = []string{"t", "1", "2", "3", "4", "space", "space", "a", "pgdown", "pgup", "j", "k",
	"1", "2", "space", "t"}

// driverSizes are the sizes a resize picks from: the edges and the usual ones.
var driverSizes = [][2]int{{0, 0}, {1, 1}, {20, 5}, {63, 17}, {64, 18}, {80, 24}, {100, 30},
	{120, 40}, {200, 60}, {250, 80}, {300, 100}, {64, 100}, {300, 18}}

// driver feeds one model the inputs a byte stream picks.
type driver struct {
	m     *Model
	clock time.Time
	log   []string
}

func newDriver(tb testing.TB, sc *model.Scenario, profile string) *driver {
	m := mustNew(tb, Options{Scenario: sc, Profile: profile})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	return &driver{m: m, clock: time.Unix(1_000_000, 0)}
}

// step feeds one input chosen by code (and arg, its parameter).
func (dr *driver) step(code, arg byte) {
	m := dr.m
	var msg tea.Msg
	switch k := int(code) % 40; {
	case code >= 240:
		msg = keyMsg(drillKeys[code-240])
	case k < len(driverKeys):
		msg = keyMsg(driverKeys[k])
	case k < 34: // a frame of playback, 1 to 8 frame intervals after the last
		dr.clock = dr.clock.Add(time.Duration(1+arg%8) * frameInterval)
		msg = tickMsg{gen: m.gen, at: dr.clock}
	case k < 36:
		sz := driverSizes[int(arg)%len(driverSizes)]
		msg = tea.WindowSizeMsg{Width: sz[0], Height: sz[1]}
	case k < 37: // a tick from an earlier run of playing
		msg = tickMsg{gen: m.gen - 1 - int(arg%3), at: dr.clock}
	case k < 38:
		msg = keyMsg(string(rune('a' + arg%26)))
	case k < 39:
		msg = tea.ColorProfileMsg{Profile: []colorprofile.Profile{colorprofile.Ascii, colorprofile.ANSI, colorprofile.ANSI256, colorprofile.TrueColor}[arg%4]}
	default:
		msg = tea.BackgroundColorMsg{Color: lightColor{}}
	}
	dr.log = append(dr.log, fmt.Sprintf("%T%v", msg, msg))
	if len(dr.log) > 40 {
		dr.log = dr.log[1:]
	}
	m.Update(msg)
}

// check reports what is wrong with the model and its frame after a step ("" if
// nothing); deep also runs the layout checker on the diagram.
func (dr *driver) check(deep bool) string {
	m := dr.m
	tl := m.Timeline()
	if m.Cursor() < 0 || m.Cursor() >= tl.Len() {
		return fmt.Sprintf("cursor %d outside 0..%d", m.Cursor(), tl.Len()-1)
	}
	if t := tl.At(m.Cursor()).T; m.Now() < t || m.Cursor()+1 < tl.Len() && m.Now() > tl.At(m.Cursor()+1).T {
		return fmt.Sprintf("now %v is not between event %d (%v) and the next", m.Now(), m.Cursor(), t)
	}
	frame := m.View().Content
	if frame == "" {
		return "empty frame"
	}
	out := ansi.Strip(frame)
	if m.height > 0 && strings.Count(out, "\n")+1 > m.height {
		return fmt.Sprintf("%d lines in a %d-row terminal", strings.Count(out, "\n")+1, m.height)
	}
	for _, l := range strings.Split(out, "\n") {
		if w := textWidth(l); m.width > 0 && w > m.width {
			return fmt.Sprintf("a line %d wide in a %d-column terminal: %q", w, m.width, l)
		}
	}
	if deep && m.picker == nil && !m.overlayOpen() && m.width >= MinWidth && m.height >= MinHeight && m.diag != nil {
		v := m.diag.viewAt(0, m.scr.diagY, m.scr.diagH, m.Cursor(), m.Now())
		if probs := diagramProblems(&m.g, m.diag, v, m.Cursor(), m.Now()); len(probs) > 0 {
			return strings.Join(probs, "\n") + "\n\n" + gridText(&m.g)
		}
	}
	return ""
}

// TestRandomKeys drives every catalog scenario, under both profiles, with a few
// thousand random inputs each: every binding, playback ticks, resizes, the picker,
// colours. Nothing may panic, every frame must be whole, and the diagram must hold the
// layout checker's promises.
func TestRandomKeys(t *testing.T) {
	steps := 3000
	if raceOn || testing.Short() {
		steps = 120 // the race detector is for the server; this is a smoke run
	}
	for i, sc := range scenarios.Catalog() {
		for _, prof := range model.ProfileNames {
			t.Run(sc.ID+"/"+prof, func(t *testing.T) {
				r := rand.New(rand.NewPCG(uint64(i), 7))
				dr := newDriver(t, sc, prof)
				for n := range steps {
					code, arg := byte(r.IntN(256)), byte(r.IntN(256))
					func() {
						defer func() {
							if p := recover(); p != nil {
								t.Fatalf("step %d panicked: %v\nlast inputs:\n%s", n, p, strings.Join(dr.log, "\n"))
							}
						}()
						dr.step(code, arg)
					}()
					if msg := dr.check(n%5 == 0); msg != "" {
						t.Fatalf("after step %d (%s, %s at %v): %s\nlast inputs:\n%s", n, dr.m.Scenario().ID, dr.m.Profile(),
							dr.m.Now(), msg, strings.Join(dr.log, "\n"))
					}
				}
			})
		}
	}
}

// FuzzKeys is TestRandomKeys's driver under the fuzzer: the first byte picks the
// scenario and profile, every two more an input.
func FuzzKeys(f *testing.F) {
	// The crash of the issue: drop the first FIN, step to its retransmission, drop it.
	f.Add([]byte{0, 13, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 13, 0, 13, 0})
	f.Add([]byte{4, 31, 3, 31, 3, 13, 0, 31, 5, 13, 0, 17, 0, 15, 0, 16, 0})
	f.Add([]byte{33, 34, 1, 16, 0, 37, 4, 22, 0, 13, 0, 13, 0, 14, 0, 35, 9})
	// A drill: t, then answer, reveal and go on a few times, open the legend, scroll it,
	// switch the numbers, leave.
	f.Add([]byte{2, 240, 0, 245, 0, 241, 0, 245, 0, 245, 0, 245, 0, 242, 0, 245, 0, 245, 0,
		19, 0, 248, 0, 248, 0, 247, 0, 19, 0, 245, 0, 243, 0, 255, 0})
	cat := scenarios.Catalog()
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) == 0 || len(data) > 1000 { // 500 inputs: longer ones find nothing new, slowly
			return
		}
		sc := cat[int(data[0]/2)%len(cat)]
		dr := newDriver(t, sc, model.ProfileNames[data[0]%2])
		for i := 1; i+1 < len(data); i += 2 {
			dr.step(data[i], data[i+1])
			if msg := dr.check(false); msg != "" {
				t.Fatalf("after input %d: %s\nlast inputs:\n%s", i/2, msg, strings.Join(dr.log, "\n"))
			}
		}
		if msg := dr.check(true); msg != "" {
			t.Fatalf("at the end: %s", msg)
		}
	})
}
