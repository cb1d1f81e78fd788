package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/view"
)

// errUsage marks a bad command line (exit status 2); its message is already printed.
var errUsage = errors.New("usage")

// setFlags collects repeated --set knob=value flags.
type setFlags []model.Override

func (s *setFlags) String() string { return fmt.Sprint(*s) }

func (s *setFlags) Set(v string) error {
	k, val, ok := strings.Cut(v, "=")
	if !ok || k == "" {
		return fmt.Errorf("want knob=value, got %q", v)
	}
	p := model.Linux()
	if err := p.Set(k, val); err != nil {
		return err
	}
	*s = append(*s, model.Override{Knob: k, Value: val})
	return nil
}

// faultFlags collects repeated --drop SIDE:N flags (lose the Nth segment SIDE sends).
type faultFlags []model.Fault

func (f *faultFlags) String() string { return fmt.Sprint(*f) }

func (f *faultFlags) Set(v string) error {
	side, rest, ok := strings.Cut(v, ":")
	var fl model.Fault
	switch strings.ToLower(side) {
	case "a", "client":
		fl.Side = model.A
	case "b", "server":
		fl.Side = model.B
	default:
		return fmt.Errorf("want SIDE:N with SIDE client or server, got %q", v)
	}
	n, err := strconv.Atoi(rest)
	// Digits only: Atoi alone takes a sign (client:+2).
	if !ok || err != nil || strings.Trim(rest, "0123456789") != "" || n < 1 || n > maxNth {
		return fmt.Errorf("want SIDE:N with N a whole number from 1 to %d (the Nth segment that side sends), got %q", maxNth, v)
	}
	fl.Action, fl.Nth, fl.Times = model.FaultDrop, n, 1
	*f = append(*f, fl)
	return nil
}

// maxNth is the largest N of --drop SIDE:N, as for nth in a scenario file.
const maxNth = 10000

// checkDrops makes sure every --drop found its segment in tl (the run with all of
// them): a drop of a segment that is never sent is a mistake, not a no-op.
func (r *runFlags) checkDrops(tl *model.Timeline) error {
	for _, f := range r.drops {
		if !tl.Acted(f) {
			return fmt.Errorf("--drop %s:%d: the %s sends only %d segments in this run, so there is no %s to lose",
				f.Side.Name(), f.Nth, f.Side.Name(), tl.Matching(f), model.Ordinal(f.Nth))
		}
	}
	return nil
}

// runFlags are the flags every scenario-running command shares.
type runFlags struct {
	profile string
	sets    setFlags
	drops   faultFlags
	delay   string
	lang    string
}

func (r *runFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.profile, "profile", "linux", "TCP behaviour: linux or rfc9293")
	fs.Var(&r.sets, "set", "override a profile knob, knob=value (repeatable; see 'tcpwave knobs')")
	fs.Var(&r.drops, "drop", "lose the Nth segment a side sends, SIDE:N, e.g. client:2 (repeatable)")
	fs.StringVar(&r.delay, "delay", "", "one-way link delay for both directions, e.g. 0.05ms to compare with loopback (default: the scenario's)")
	fs.StringVar(&r.lang, "lang", "", "language of the narration and the screen: en or zh (default: from LC_ALL, LC_MESSAGES or LANG)")
}

// language is --lang, or the locale's language when it is not given.
func (r *runFlags) language() (view.Lang, error) {
	if r.lang == "" {
		return view.LangFromEnv(os.Getenv), nil
	}
	l, err := view.ParseLang(r.lang)
	if err != nil {
		return l, fmt.Errorf("--lang: %w", err)
	}
	return l, nil
}

// load resolves the scenario argument and the profile.
func (r *runFlags) load(arg string) (*model.Scenario, model.Profile, error) {
	sc, err := scenarios.Get(arg)
	if err != nil {
		return nil, model.Profile{}, err
	}
	d, err := r.linkDelay()
	if err != nil {
		return nil, model.Profile{}, err
	}
	if _, err := r.language(); err != nil {
		return nil, model.Profile{}, err
	}
	if d > 0 {
		local := *sc // the catalog's scenarios are shared: change a copy
		local.Delay = [2]time.Duration{d, d}
		sc = &local
	}
	p, err := sc.ProfileFor(r.profile, r.sets...)
	return sc, p, err
}

// run loads the scenario argument and runs it with the flags' drops, which must each
// find their segment.
func (r *runFlags) run(arg string) (*model.Timeline, error) {
	sc, p, err := r.load(arg)
	if err != nil {
		return nil, err
	}
	tl := model.Run(sc, p, r.drops...)
	if err := r.checkDrops(tl); err != nil {
		return nil, err
	}
	return tl, nil
}

// warnIfCut says on stderr when a run stopped at one of the model's limits rather than
// at its end, so that a trace or a diagram cut short is never taken for the whole story.
func warnIfCut(stderr io.Writer, cmd string, tl *model.Timeline) {
	switch {
	case tl.Truncated:
		fmt.Fprintf(stderr, "tcpwave %s: warning: the run was stopped after %d events, the most a run may have; what follows is its beginning\n", cmd, model.MaxEvents)
	case tl.OutOfTime:
		fmt.Fprintf(stderr, "tcpwave %s: warning: the run was stopped at %s of virtual time, the longest a run may last; what follows is its beginning\n", cmd, model.MaxTimeText)
	}
}

// undrawable reports on stderr, and says so, when tl is more than a diagram draws:
// the interactive view and render refuse it, and say what does show it.
func undrawable(stderr io.Writer, prefix, arg string, tl *model.Timeline) bool {
	err := view.CheckDrawable(tl)
	if err == nil {
		return false
	}
	fmt.Fprintf(stderr, "%s: %s: %v; 'tcpwave trace %s' lists it whole\n", prefix, arg, err, arg)
	return true
}

// linkDelay is --delay, or 0 when it is not given.
func (r *runFlags) linkDelay() (time.Duration, error) {
	if r.delay == "" {
		return 0, nil
	}
	d, err := model.ParseDuration(r.delay)
	if err != nil || d < time.Microsecond || d > time.Hour {
		return 0, fmt.Errorf("--delay: want a duration from 1µs to 1h, got %q", r.delay)
	}
	return d, nil
}

// viewOptions are the UI's options for scenario sc under these flags (load has checked
// the flags already).
func (r *runFlags) viewOptions(sc *model.Scenario) view.Options {
	d, _ := r.linkDelay()
	l, _ := r.language()
	return view.Options{Scenario: sc, Profile: r.profile, Overrides: r.sets, Faults: r.drops, Delay: d, Lang: l}
}

// flagSet is a command's flags and its synopsis, for the help.
type flagSet struct {
	*flag.FlagSet
	synopsis string
}

// newFlagSet makes a flag set that writes to w and never exits the process. A bad
// flag gets its one-line error and a pointer to -h; -h gets the whole usage.
func newFlagSet(name, synopsis string, w io.Writer) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), synopsis: synopsis}
	fs.SetOutput(w)
	fs.Usage = func() {} // parse says what to say
	return fs
}

// parse parses flags that may come before or after positional arguments, and returns
// the positional ones.
func (fs *flagSet) parse(args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			w := fs.Output()
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprintf(w, "Usage: %s\n\nFlags:\n", fs.synopsis)
				fs.PrintDefaults()
			} else {
				fmt.Fprintf(w, "Run '%s -h' for its flags.\n", commandName(fs.Name()))
			}
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// commandName is how a command is typed: "tcpwave trace", or "tcpwave" for the UI.
func commandName(name string) string {
	if name == "tcpwave" {
		return name
	}
	return "tcpwave " + name
}

// exitFor maps a flag-parsing error to an exit status (help is success).
func exitFor(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}
