package real

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// Horizon limits: a run is observed until the model's last event, but at most
// MaxObserve, plus Margin for what the kernel does that the model does not. The long
// timers (TIME_WAIT's fixed 60 s, the 60 s FIN_WAIT_2 timer, keepalive's minutes) lie
// beyond it: a check of the catalog takes about a minute, not an hour; a scenario whose
// story ends later is compared up to its horizon, and says so.
const (
	MaxObserve = 10 * time.Second
	Margin     = time.Second
)

// HorizonFor is how long a kernel run of the model's timeline is observed.
func HorizonFor(tl *model.Timeline) time.Duration {
	return min(tl.End(), MaxObserve) + Margin
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
	Skipped string // why real sockets cannot play it; "" when it ran
	Err     error  // the run failed (not a difference: tcpwave could not tell)
	Horizon time.Duration
	Rows    []Row
}

// Agrees reports whether the scenario ran and nothing differed.
func (o Outcome) Agrees() bool {
	_, differs := FirstDiff(o.Rows)
	return o.Skipped == "" && o.Err == nil && !differs
}

// CheckOne runs a scenario on the kernel and in the model and compares them.
func CheckOne(ctx context.Context, sc *model.Scenario, tol Tolerance, pcap io.Writer) (Outcome, *Result, []Event) {
	o := Outcome{ID: sc.ID}
	if why := Unplayable(sc); why != "" {
		o.Skipped = why
		return o, nil, nil
	}
	tl, mevs, err := ModelEvents(sc)
	if err != nil {
		o.Err = err
		return o, nil, nil
	}
	o.Horizon = HorizonFor(tl)
	res, err := Run(ctx, sc, Options{Horizon: o.Horizon, Pcap: pcap})
	if err != nil {
		o.Err = err
		return o, nil, mevs
	}
	o.Rows = Compare(mevs, res.Events, o.Horizon, tol)
	return o, res, mevs
}

// WriteTable writes the conformance table.
func WriteTable(w io.Writer, outs []Outcome, tol Tolerance) {
	fmt.Fprintf(w, "tcpwave real --check: %s against the model's linux profile\n", KernelRelease())
	fmt.Fprintf(w, "tolerance %s ms + %.0f%% of the time; each run observed to the model's last event (at most %s s) + %s s\n\n",
		model.FormatMillis(tol.Abs), tol.Rel*100, model.FormatMillis(MaxObserve/1000), model.FormatMillis(Margin/1000))
	n := len("scenario")
	for _, o := range outs {
		n = max(n, len(o.ID))
	}
	fmt.Fprintf(w, "%-*s  %-8s %9s  %s\n", n, "scenario", "result", "horizon", "first difference / reason")
	for _, o := range outs {
		h := "-"
		if o.Horizon > 0 {
			h = model.FormatMillis(o.Horizon/1000) + " s"
		}
		var res, what string
		first, differs := FirstDiff(o.Rows)
		switch {
		case o.Skipped != "":
			res, what = "skipped", o.Skipped
		case o.Err != nil:
			res, what = "error", o.Err.Error()
		case differs:
			res, what = "differs", fmt.Sprintf("%s (%d differences)", first.Describe(), Differences(o.Rows))
		default:
			res, what = "agrees", fmt.Sprintf("%d events", len(o.Rows))
		}
		fmt.Fprintf(w, "%-*s  %-8s %9s  %s\n", n, o.ID, res, h, what)
	}
}

// ErrNeedRoot says a run needs privileges it does not have.
var ErrNeedRoot = errNeedRoot

// IsNeedRoot reports whether err is the lack of privileges.
func IsNeedRoot(err error) bool { return errors.Is(err, errNeedRoot) }
