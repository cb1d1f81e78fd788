package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
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
	var n int
	if _, err := fmt.Sscan(rest, &n); !ok || err != nil || n < 1 {
		return fmt.Errorf("want SIDE:N with N ≥ 1 (the Nth segment that side sends), got %q", v)
	}
	fl.Action, fl.Nth, fl.Times = model.FaultDrop, n, 1
	*f = append(*f, fl)
	return nil
}

// runFlags are the flags every scenario-running command shares.
type runFlags struct {
	profile string
	sets    setFlags
	drops   faultFlags
	delay   string
}

func (r *runFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&r.profile, "profile", "linux", "TCP behaviour: linux or rfc9293")
	fs.Var(&r.sets, "set", "override a profile knob, knob=value (repeatable; see 'tcpwave knobs')")
	fs.Var(&r.drops, "drop", "lose the Nth segment a side sends, SIDE:N, e.g. client:2 (repeatable)")
	fs.StringVar(&r.delay, "delay", "", "one-way link delay for both directions, e.g. 0.05ms to compare with loopback (default: the scenario's)")
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
	if d > 0 {
		local := *sc // the catalog's scenarios are shared: change a copy
		local.Delay = [2]time.Duration{d, d}
		sc = &local
	}
	p, err := sc.ProfileFor(r.profile, r.sets...)
	return sc, p, err
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
	return view.Options{Scenario: sc, Profile: r.profile, Overrides: r.sets, Faults: r.drops, Delay: d}
}

// newFlagSet makes a flag set that prints its usage to w and never exits the process.
func newFlagSet(name, synopsis string, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		fmt.Fprintf(w, "Usage: %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseInterspersed parses flags that may come before or after positional arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
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

// exitFor maps a flag-parsing error to an exit status (help is success).
func exitFor(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}
