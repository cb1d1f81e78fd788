package real

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/view"
)

// Horizon limits: a run is observed until the model's last event within MaxObserve,
// plus Margin for what the kernel does that the model does not. What the model does
// later is the end of a long timer (TIME_WAIT's fixed 60 s, the 60 s FIN_WAIT_2
// timer, keepalive's minutes): a check of the catalog then takes about a minute, not
// an hour. --horizon observes longer, to see those timers too.
const (
	MaxObserve = 10 * time.Second
	Margin     = time.Second
)

// HorizonFor is how long a kernel run of the model's timeline is observed: to the
// model's last event within maxObserve, plus Margin, plus how late the kernel's timer
// wheel may fire a timer that long (TIME_WAIT's 60 s timer lands in the 2.048 s
// granule at HZ=250: measured, the socket was still there at 61.2 s).
func HorizonFor(tl *model.Timeline, maxObserve time.Duration) time.Duration {
	var last time.Duration
	for i := 0; i < tl.Len(); i++ {
		if t := tl.At(i).T; t <= maxObserve {
			last = t
		}
	}
	return last + Margin + wheelGranule(last)
}

// Config is how CheckOne runs and compares.
type Config struct {
	Tol        Tolerance
	MaxObserve time.Duration // 0: MaxObserve
	Pcap       io.Writer     // every segment of the (last) run, or nil
}

// ModelEvents runs the scenario in the model's linux profile and returns its timeline
// as trace events.
func ModelEvents(sc *model.Scenario) (*model.Timeline, []Event, error) {
	p, err := sc.ProfileFor("linux")
	if err != nil {
		return nil, nil, err
	}
	tl := model.Run(sc, p)
	evs, err := ParseTrace(strings.NewReader(tl.Trace()))
	return tl, evs, err
}

// Outcome is one scenario's line in the conformance table.
type Outcome struct {
	ID      string
	Skipped error // why real sockets cannot play it; nil when it ran
	Err     error // the run failed (not a difference: tcpwave could not tell)
	Horizon time.Duration
	Rows    []Row
	Runs    int // how many runs were made (more than one when the first differed only in time)
	Late    time.Duration
	// Earlier is why the run before the last was made again: its first difference,
	// or how late the machine made it (nil after one run).
	Earlier error
}

// MaxLate is how late the link or an app may be, at worst, for a run to count: later,
// the machine (not the kernel) decided the story, and the run is made again.
const MaxLate = 15 * time.Millisecond

// Disturbed reports whether the last run was late beyond MaxLate.
func (o Outcome) Disturbed() bool { return o.Late > MaxLate }

// Agrees reports whether the scenario ran and nothing differed.
func (o Outcome) Agrees() bool {
	_, differs := FirstDiff(o.Rows)
	return o.Skipped == nil && o.Err == nil && !differs
}

// CheckOne runs a scenario on the kernel and in the model and compares them.
func CheckOne(ctx context.Context, sc *model.Scenario, cfg Config) (Outcome, *Result, []Event) {
	tol, pcap := cfg.Tol, cfg.Pcap
	if cfg.MaxObserve == 0 {
		cfg.MaxObserve = MaxObserve
	}
	o := Outcome{ID: sc.ID}
	if why := UnplayableReason(sc); why != nil {
		o.Skipped = why
		return o, nil, nil
	}
	tl, mevs, err := ModelEvents(sc)
	if err != nil {
		o.Err = err
		return o, nil, nil
	}
	o.Horizon = HorizonFor(tl, cfg.MaxObserve)
	if why := nothingWithin(mevs, o.Horizon); why != nil {
		// A run that compares nothing would agree with anything.
		o.Skipped, o.Horizon = why, 0
		return o, nil, mevs
	}
	var res *Result
	for o.Runs = 1; ; o.Runs++ {
		res, err = Run(ctx, sc, Options{Horizon: o.Horizon, Pcap: pcap})
		if err != nil {
			o.Err = err
			return o, nil, mevs
		}
		o.Rows = Compare(mevs, res.Events, o.Horizon, tol)
		o.Late = res.Late
		first, differs := FirstDiff(o.Rows)
		again := o.Disturbed() && o.Runs < MaxDisturbedRuns || o.Runs < MaxRuns
		if !differs || pcap != nil || !again {
			break
		}
		o.Earlier = first.Problem()
		if o.Disturbed() {
			o.Earlier = view.Errorf("disturbed, up to %s ms late: %v", model.FormatMillis(o.Late), o.Earlier)
		}
	}
	return o, res, mevs
}

// nothingWithin says why a run observed to horizon has nothing to compare (the model's
// first event comes later: peer-host-gone-keepalive's first probe after 2 h of
// quiet), or nil when it has something.
func nothingWithin(mevs []Event, horizon time.Duration) error {
	for _, e := range mevs {
		if !Compared(e) {
			continue
		}
		if e.T <= horizon {
			return nil
		}
		return view.Errorf("nothing to compare within %s s of observation: the model's first event comes at %s s, and a run is observed for 10 minutes at most", model.FormatMillis(horizon/1000), model.FormatMillis(e.T/1000))
	}
	return view.Errorf("the model's run has no event to compare")
}

// MaxRuns is how many times a scenario is run before a difference is reported. A
// difference of the model's repeats on every run; one of the machine's does not: a
// step off in time, a run disturbed (the link or an app late beyond MaxLate, which
// can change the story: data that should arrive before a close arriving after it),
// or, rarely, a story changed by scheduling on a loaded machine (a sock_diag lookup
// that caught a state between two transitions, say). The table says which run
// agreed and what the one before it showed.
const MaxRuns = 3

// MaxDisturbedRuns is how many times a scenario is run while every run is disturbed.
// When all are, the scenario is reported as unsure, not as differing: the machine may
// have decided the difference.
const MaxDisturbedRuns = 5

// Table writes the conformance table a row at a time, as each scenario's runs end, in
// its language.
type Table struct {
	w     io.Writer
	lang  view.Lang
	width int
}

// NewTable writes the table's header: the kernel, the tolerance, the horizon, and the
// column names sized for the ids.
func NewTable(w io.Writer, l view.Lang, ids []string, tol Tolerance, maxObserve time.Duration) *Table {
	io.WriteString(w, view.Msgf(l, "tcpwave real --check: %s against the model's linux profile\n", KernelRelease()))
	io.WriteString(w, view.Msgf(l, "tolerance: each step %s ms + a timer-wheel granule + 1/16, each time %s ms + 1/8; each run observed to the model's last event within %s s, + %s s and a timer-wheel granule\n",
		model.FormatMillis(tol.Step), model.FormatMillis(tol.Drift), model.FormatMillis(maxObserve/1000), model.FormatMillis(Margin/1000)))
	io.WriteString(w, view.Msgf(l, "a run that differs is run again, up to %d runs in all (a difference of the model's repeats on every run); one the machine made late (over %s ms), up to %d\n\n",
		MaxRuns, model.FormatMillis(MaxLate), MaxDisturbedRuns))
	t := &Table{w: w, lang: l, width: ansi.StringWidth(view.Msgf(l, "scenario"))}
	for _, id := range ids {
		t.width = max(t.width, ansi.StringWidth(id))
	}
	t.line(view.Msgf(l, "scenario"), view.Msgf(l, "result"), view.Msgf(l, "horizon"), view.Msgf(l, "first difference / reason"))
	return t
}

// line writes a row of the table, its columns padded by their width on a terminal.
func (t *Table) line(id, result, horizon, what string) {
	pad := func(s string, n int) string { return s + strings.Repeat(" ", max(0, n-ansi.StringWidth(s))) }
	h := strings.Repeat(" ", max(0, 9-ansi.StringWidth(horizon))) + horizon
	fmt.Fprintf(t.w, "%s  %s %s  %s\n", pad(id, t.width), pad(result, 8), h, what)
}

// Row writes one scenario's outcome.
func (t *Table) Row(o Outcome) {
	l := t.lang
	h := "-"
	if o.Horizon > 0 {
		h = model.FormatMillis(o.Horizon/1000) + " s"
	}
	var res, what string
	first, differs := FirstDiff(o.Rows)
	switch {
	case o.Skipped != nil:
		res, what = view.Msgf(l, "skipped"), view.ErrorText(l, o.Skipped)
	case o.Err != nil:
		res, what = view.Msgf(l, "error"), view.ErrorText(l, o.Err)
	case differs && o.Disturbed():
		res, what = view.Msgf(l, "unsure"), view.Msgf(l, "all %d runs were disturbed (the last up to %s ms late); its first difference: %s", o.Runs, model.FormatMillis(o.Late), view.ErrorText(l, first.Problem()))
	case differs:
		res, what = view.Msgf(l, "differs"), view.Msgf(l, "%s (%d differences)", view.ErrorText(l, first.Problem()), Differences(o.Rows))
		if Differences(o.Rows) == 1 {
			what = view.Msgf(l, "%s (1 difference)", view.ErrorText(l, first.Problem()))
		}
	default:
		res, what = view.Msgf(l, "agrees"), view.Msgf(l, "%d events", len(o.Rows))
		switch {
		case o.Runs > 1 && o.Earlier != nil:
			what += view.Msgf(l, " (on run %d; run %d: %s)", o.Runs, o.Runs-1, view.ErrorText(l, o.Earlier))
		case o.Runs > 1:
			what += view.Msgf(l, " (on run %d: the runs before were off in time or disturbed)", o.Runs)
		}
	}
	t.line(o.ID, res, h, what)
}

// Summary writes the last line: how many agree, differ, were skipped or failed.
func (t *Table) Summary(outs []Outcome) {
	var agree, differ, unsure, skip, fail int
	for _, o := range outs {
		switch {
		case o.Skipped != nil:
			skip++
		case o.Err != nil:
			fail++
		case o.Agrees():
			agree++
		case o.Disturbed():
			unsure++
		default:
			differ++
		}
	}
	io.WriteString(t.w, view.Msgf(t.lang, "\n%d agree, %d differ, %d unsure (a busy machine), %d skipped, %d could not run\n", agree, differ, unsure, skip, fail))
}

// ErrNeedRoot says a run needs privileges it does not have.
var ErrNeedRoot = errNeedRoot

// IsNeedRoot reports whether err is the lack of privileges.
func IsNeedRoot(err error) bool { return errors.Is(err, errNeedRoot) }
