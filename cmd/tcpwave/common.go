package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
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
		return view.Errorf("want knob=value, got %q", v)
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
		return view.Errorf("want SIDE:N with SIDE client or server, got %q", v)
	}
	n, err := strconv.Atoi(rest)
	// Digits only: Atoi alone takes a sign (client:+2).
	if !ok || err != nil || strings.Trim(rest, "0123456789") != "" || n < 1 || n > maxNth {
		return view.Errorf("want SIDE:N with N a whole number from 1 to %d (the Nth segment that side sends), got %q", maxNth, v)
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
			return &dropError{fault: f, sent: tl.Matching(f)}
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

func (r *runFlags) register(fs *flagSet) {
	l := fs.lang
	fs.StringVar(&r.profile, "profile", "linux", view.Msgf(l, "TCP behaviour: linux or rfc9293"))
	fs.Var(&r.sets, "set", view.Msgf(l, "override a profile knob, knob=value (repeatable; see 'tcpwave knobs')"))
	fs.Var(&r.drops, "drop", view.Msgf(l, "lose the Nth segment a side sends, SIDE:N, e.g. client:2 (repeatable)"))
	fs.StringVar(&r.delay, "delay", "", view.Msgf(l, "one-way link delay for both directions, e.g. 0.05ms to compare with loopback (default: the scenario's)"))
	r.registerLang(fs)
}

// registerLang adds --lang.
func (r *runFlags) registerLang(fs *flagSet) {
	fs.StringVar(&r.lang, "lang", "", view.Msgf(fs.lang, "language of the narration and the screen: en or zh (default: from LC_ALL, LC_MESSAGES or LANG)"))
}

// language is --lang, or the locale's language when it is not given.
func (r *runFlags) language() (view.Lang, error) {
	if r.lang == "" {
		return view.LangFromEnv(os.Getenv), nil
	}
	l, err := view.ParseLang(r.lang)
	if err != nil {
		return l, view.Errorf("--lang: %v", err)
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
func warnIfCut(stderr io.Writer, l view.Lang, cmd string, tl *model.Timeline) {
	switch {
	case tl.Truncated:
		say(stderr, l, "tcpwave %s: warning: the run was stopped after %d events, the most a run may have; what follows is its beginning\n", cmd, model.MaxEvents)
	case tl.OutOfTime:
		say(stderr, l, "tcpwave %s: warning: the run was stopped at %d years of virtual time, the longest a run may last; what follows is its beginning\n", cmd, model.MaxTimeYears)
	}
}

// say writes a message in l (view.Msgf: format is the English and the key of its
// translation).
func say(w io.Writer, l view.Lang, format string, args ...any) {
	io.WriteString(w, view.Msgf(l, format, args...))
}

// dropError is a --drop whose segment is never sent in the run.
type dropError struct {
	fault model.Fault
	sent  int
}

func (e *dropError) Error() string { return e.text(view.En) }

func (e *dropError) text(l view.Lang) string {
	f := e.fault
	return view.Msgf(l, "--drop %s:%d: the %s sends only %d segments in this run, so there is no %s to lose",
		f.Side.Name(), f.Nth, view.SideName(l, f.Side), e.sent, view.Ordinal(l, f.Nth))
}

// errorText is err in l, with the command line's own errors too.
func errorText(l view.Lang, err error) string {
	var de *dropError
	if errors.As(err, &de) {
		return de.text(l)
	}
	return view.ErrorText(l, err)
}

// cliLang is the language of a command line's messages: its --lang if it has a good
// one (looked for before the flags are parsed, so that their errors speak it too),
// else the locale's.
func cliLang(args []string) view.Lang {
	for i, a := range args {
		if a == "--" {
			break
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || name != "lang" {
			continue
		}
		if !hasVal && i+1 < len(args) {
			val = args[i+1]
		}
		if l, err := view.ParseLang(val); err == nil {
			return l
		}
	}
	return view.LangFromEnv(os.Getenv)
}

// undrawable reports on stderr, and says so, when tl is more than a diagram draws:
// the interactive view and render refuse it, and say what does show it.
func undrawable(stderr io.Writer, lang view.Lang, prefix, arg string, tl *model.Timeline) bool {
	err := view.CheckDrawable(tl)
	if err == nil {
		return false
	}
	say(stderr, lang, "%s: %s: %s; 'tcpwave trace %s' lists it whole\n", prefix, scenarios.Printable(arg), view.ErrorText(lang, err), scenarios.Printable(arg))
	return true
}

// linkDelay is --delay, or 0 when it is not given.
func (r *runFlags) linkDelay() (time.Duration, error) {
	if r.delay == "" {
		return 0, nil
	}
	d, err := model.ParseDuration(r.delay)
	if err != nil || d < time.Microsecond || d > time.Hour {
		return 0, view.Errorf("--delay: want a duration from 1µs to 1h, got %q", r.delay)
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

// flagSet is a command's flags and its synopsis, for the help, and the language its
// messages are written in (cliLang).
type flagSet struct {
	*flag.FlagSet
	synopsis string
	lang     view.Lang
	out      io.Writer
}

// newFlagSet makes a flag set that writes to w and never exits the process. A bad
// flag gets its one-line error and a pointer to -h; -h gets the whole usage. args are
// the command's arguments, for the language of its messages.
func newFlagSet(name, synopsis string, w io.Writer, args []string) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), synopsis: synopsis, lang: cliLang(args), out: w}
	fs.SetOutput(io.Discard) // parse says what to say, in the user's language
	fs.Usage = func() {}
	return fs
}

// parse parses flags that may come before or after positional arguments, and returns
// the positional ones.
func (fs *flagSet) parse(args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			w, l := fs.out, fs.lang
			if errors.Is(err, flag.ErrHelp) {
				say(w, l, "Usage: %s\n\nFlags:\n", fs.synopsis)
				var defaults strings.Builder
				fs.SetOutput(&defaults)
				fs.PrintDefaults()
				fs.SetOutput(io.Discard)
				io.WriteString(w, defaultsIn(l, defaults.String()))
			} else {
				say(w, l, "%s: %s\n", commandName(fs.Name()), fs.flagErrorText(err))
				say(w, l, "Run '%s -h' for its flags.\n", commandName(fs.Name()))
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

// flagDefault is the flag package's "(default x)" at the end of a flag's help.
var flagDefault = regexp.MustCompile(`(?m) \(default (.*)\)$`)

// defaultsIn is the flag package's help of the flags with its "(default x)" in l.
func defaultsIn(l view.Lang, help string) string {
	return flagDefault.ReplaceAllStringFunc(help, func(m string) string {
		return view.Msgf(l, " (default %s)", flagDefault.FindStringSubmatch(m)[1])
	})
}

// The flag package's errors, which flagErrorText writes in the user's language.
var (
	flagUndefined = regexp.MustCompile(`^flag provided but not defined: -(.*)$`)
	flagNeedsArg  = regexp.MustCompile(`^flag needs an argument: -(.*)$`)
	flagBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-([^:]*): `)
	flagBadSyntax = regexp.MustCompile(`^bad flag syntax: (.*)$`)
)

// flagErrorText is a flag-parsing error in the flag set's language. A value its flag
// refused is set again to get the flag's own error, whose words the catalogs have.
func (fs *flagSet) flagErrorText(err error) string {
	l, msg := fs.lang, err.Error()
	if m := flagUndefined.FindStringSubmatch(msg); m != nil {
		return view.Msgf(l, "no such flag: -%s", scenarios.Printable(m[1]))
	}
	if m := flagNeedsArg.FindStringSubmatch(msg); m != nil {
		return view.Msgf(l, "flag -%s needs a value", m[1])
	}
	if m := flagBadSyntax.FindStringSubmatch(msg); m != nil {
		return view.Msgf(l, "bad flag syntax: %s", scenarios.Printable(m[1]))
	}
	if m := flagBadValue.FindStringSubmatch(msg); m != nil {
		if f := fs.Lookup(m[2]); f != nil {
			value, _ := strconv.Unquote(`"` + m[1] + `"`)
			if serr := f.Value.Set(value); serr != nil {
				why := errorText(l, serr)
				switch why { // the flag package's own, for numbers and switches
				case "parse error":
					why = view.Msgf(l, "not a number")
				case "value out of range":
					why = view.Msgf(l, "out of range")
				}
				return view.Msgf(l, "invalid value %q for -%s: %s", value, m[2], why)
			}
		}
	}
	return scenarios.Printable(msg)
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
