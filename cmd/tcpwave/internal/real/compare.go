package real

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/view"
)

// Tolerance is how far apart in time the kernel and the model may put the same event
// and still agree. Two tests, both must pass:
//
//   - Step: the time from the previous event both runs share to this one may differ
//     by Step plus one granule of the kernel's timer wheel for a timer that long
//     (kernel/time/timer.c: a timer fires up to one granule of its wheel level late;
//     at CONFIG_HZ=250, 4 ms below 252 ms, 32 ms below 2.016 s, 256 ms below 16.128 s,
//     2.048 s below 129 s: model.WheelSlack). Step is the scheduling slack of one step on a loaded 2-core
//     machine: the link's Go timer, the app's call, the look through sock_diag; each
//     can be late by a few ms, and measured under a load of 12 they stayed within 15 ms.
//     A step may also differ by a sixteenth of its length: the kernel's RTO comes from
//     the RTT it measured, which on tcpwave's own link includes the link's forwarding
//     time and the timer wheel's lateness of the delayed ACK it timed (in
//     linger-timeout the kernel's RTO was 5-7 % longer than the model's 228 ms), and
//     every backoff doubles that difference. So a retransmission is also measured from
//     its previous copy, whose sending armed the backed-off timer: there the step is
//     one RTO, and its sixteenth covers that share; from an app call between two
//     copies the step would carry every earlier copy's share too.
//   - Drift: the event's own time may differ by Drift plus an eighth of the time, so
//     that small errors that pass the step test cannot add up to a different story.
//
// Comparing steps rather than absolute times keeps one late step (a descheduled
// thread) from making every later event a difference.
type Tolerance struct {
	Step  time.Duration
	Drift time.Duration
}

// DefaultTolerance is the tolerance --check uses.
var DefaultTolerance = Tolerance{Step: 20 * time.Millisecond, Drift: 100 * time.Millisecond}

// wheelGranule is how late the kernel's timer wheel may fire a timer of length d, at
// CONFIG_HZ=250 (model.WheelSlack: one bucket of the level calc_wheel_index files it
// in), and at least a jiffy, 4 ms: a step of no length in the model may still
// straddle a tick in the kernel.
func wheelGranule(d time.Duration) time.Duration {
	return max(model.WheelSlack(250, d), 4*time.Millisecond)
}

// StepAt is the step tolerance for a step that lasts gap in the model.
func (tol Tolerance) StepAt(gap time.Duration) time.Duration {
	return tol.Step + wheelGranule(gap) + gap/16
}

// stepOK reports whether a step that lasts gapM in the model and gapK in the kernel
// agrees.
func (tol Tolerance) stepOK(gapM, gapK time.Duration) bool {
	return abs(gapK-gapM) <= tol.StepAt(gapM)
}

// DriftAt is the drift tolerance for an event at time t.
func (tol Tolerance) DriftAt(t time.Duration) time.Duration { return tol.Drift + t/8 }

// DiffKind is how the two runs differ at one event.
type DiffKind uint8

// The kinds of difference.
const (
	Same       DiffKind = iota // both have it, close enough in time
	OnlyModel                  // the model has the event, the kernel not
	OnlyKernel                 // the kernel has the event, the model not
	Timing                     // both have it, further apart than the tolerance
	// Unseen is a state the model passes through within one instant (FIN_WAIT_2 on
	// the way to TIME_WAIT when one segment ACKs our FIN and carries the peer's): the
	// kernel does the same inside one call of tcp_rcv_state_process, under the socket
	// lock, where sock_diag cannot see it. Not a difference.
	Unseen
)

// Row is one event of the merged timeline: in both runs, or in one only.
type Row struct {
	Kind   DiffKind
	Model  *Event
	Kernel *Event
}

// T is the row's time: the earlier of its two.
func (r Row) T() time.Duration {
	switch {
	case r.Model == nil:
		return r.Kernel.T
	case r.Kernel == nil:
		return r.Model.T
	}
	return min(r.Model.T, r.Kernel.T)
}

// Body is the event's text without its time.
func (r Row) Body() string {
	if r.Model != nil {
		return r.Model.Body
	}
	return r.Kernel.Body
}

// Describe says what differs, in one line, in English ("" when nothing does).
func (r Row) Describe() string {
	if p := r.Problem(); p != nil {
		return p.Error()
	}
	return ""
}

// Problem is what differs as a message the view says in the reader's language
// (view.ErrorText), or nil when nothing does.
func (r Row) Problem() error {
	switch r.Kind {
	case OnlyModel:
		return view.Errorf("at %s ms the model has %q, the kernel not", model.FormatMillis(r.Model.T), r.Model.Body)
	case OnlyKernel:
		return view.Errorf("at %s ms the kernel has %q, the model not", model.FormatMillis(r.Kernel.T), r.Kernel.Body)
	case Timing:
		return view.Errorf("%q at %s ms in the kernel, %s ms in the model", r.Body(), model.FormatMillis(r.Kernel.T), model.FormatMillis(r.Model.T))
	case Unseen:
		return view.Errorf("%q at %s ms lasts no time in the model: sock_diag cannot see it", r.Body(), model.FormatMillis(r.Model.T))
	}
	return nil
}

// Compared reports whether an event takes part in the comparison. Timer lines do not:
// sock_diag shows only the retransmission, keepalive and TIME_WAIT timers (not the
// delayed ACK's), sampled; what a timer does is compared anyway, in the segments it
// sends and the states it ends.
func Compared(e Event) bool { return e.Kind != "timer" }

// Compare lines the two timelines up, event by event, up to the horizon: the k-th
// occurrence of an event in the model (same kind, side, flags and numbers, or the same
// call and result, or the same state) goes with its k-th occurrence in the kernel's
// run. What has no partner is a difference; so is a partner off in time by more than
// the tolerance. A state the model leaves at the instant it enters it is Unseen, not
// compared; if sock_diag happens to catch the kernel in it all the same (a lookup on
// another CPU between the two transitions), that kernel state goes on the Unseen row,
// not counted as the kernel's alone. The rows come in time order.
func Compare(modelEvs, kernelEvs []Event, horizon time.Duration, tol Tolerance) []Row {
	type occ struct{ m, k []*Event }
	byBody := map[string]*occ{}
	var order []string
	var rows []Row
	unseen := map[string][]int{} // the Unseen rows of each state, for a kernel that shows one
	collect := func(evs []Event, kernel bool) {
		for i := range evs {
			e := &evs[i]
			if !Compared(*e) || e.T > horizon {
				continue
			}
			if !kernel && transient(evs, i) {
				unseen[e.Body] = append(unseen[e.Body], len(rows))
				rows = append(rows, Row{Kind: Unseen, Model: e})
				continue
			}
			o := byBody[e.Body]
			if o == nil {
				o = &occ{}
				byBody[e.Body] = o
				order = append(order, e.Body)
			}
			if kernel {
				o.k = append(o.k, e)
			} else {
				o.m = append(o.m, e)
			}
		}
	}
	collect(modelEvs, false)
	collect(kernelEvs, true)
	var pairs []int // indexes in rows of the events both have
	// prevCopy is, for a pair that repeats an earlier pair's event (a retransmission:
	// the same segment sent again), the row of that earlier pair.
	prevCopy := map[int]int{}
	for _, body := range order {
		o := byBody[body]
		last := -1
		for i := 0; i < max(len(o.m), len(o.k)); i++ {
			switch {
			case i >= len(o.k):
				rows = append(rows, Row{Kind: OnlyModel, Model: o.m[i]})
			case i >= len(o.m) && len(unseen[body]) > 0:
				rows[unseen[body][0]].Kernel = o.k[i]
				unseen[body] = unseen[body][1:]
			case i >= len(o.m):
				rows = append(rows, Row{Kind: OnlyKernel, Kernel: o.k[i]})
			default:
				if last >= 0 {
					prevCopy[len(rows)] = last
				}
				last = len(rows)
				pairs = append(pairs, len(rows))
				rows = append(rows, Row{Kind: Same, Model: o.m[i], Kernel: o.k[i]})
			}
		}
	}
	// The step test, in the model's order: each shared event against the one before.
	sort.SliceStable(pairs, func(i, j int) bool {
		a, b := rows[pairs[i]].Model, rows[pairs[j]].Model
		if a.T != b.T {
			return a.T < b.T
		}
		return a.Line < b.Line
	})
	var prevM, prevK time.Duration
	for _, p := range pairs {
		r := &rows[p]
		step := tol.stepOK(r.Model.T-prevM, r.Kernel.T-prevK)
		if c, ok := prevCopy[p]; ok && !step {
			// A retransmission is timed from its previous copy, whose sending armed
			// the backed-off timer: the step from there counts too. (The step from
			// the previous shared event, an app call between two copies, carries
			// every earlier copy's share of the kernel's longer RTO.)
			step = tol.stepOK(r.Model.T-rows[c].Model.T, r.Kernel.T-rows[c].Kernel.T)
		}
		if !step || abs(r.Kernel.T-r.Model.T) > tol.DriftAt(r.Model.T) {
			r.Kind = Timing
		}
		prevM, prevK = r.Model.T, r.Kernel.T
	}
	sort.SliceStable(rows, func(i, j int) bool {
		ti, tj := rows[i].T(), rows[j].T()
		if ti != tj {
			return ti < tj
		}
		return rows[i].line() < rows[j].line()
	})
	return rows
}

// Transient reports whether evs[i] is a state left at the instant it is entered (see
// transient): a capture's inference shows such states (Linux's FIN_WAIT_2 on the way
// to TIME_WAIT) where sock_diag cannot.
func Transient(evs []Event, i int) bool { return transient(evs, i) }

// transient reports whether evs[i] is a state that the same side leaves at the same
// instant, within the handling of one segment: no app call and no other arrival on
// that side comes between (a state left because the app called close() at once is
// seen: sock_diag looks before every call).
func transient(evs []Event, i int) bool {
	e := evs[i]
	if e.Kind != "state" {
		return false
	}
	for _, n := range evs[i+1:] {
		if n.T != e.T {
			return false
		}
		if n.Side != e.Side {
			continue
		}
		switch n.Kind {
		case "state":
			return true
		case "app", "recv":
			return false
		}
	}
	return false
}

func abs(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// line orders rows at the same time by their place in the model's trace, else the kernel's.
func (r Row) line() int {
	if r.Model != nil {
		return r.Model.Line
	}
	return r.Kernel.Line + 1<<30
}

// FirstDiff returns the earliest difference, and false when the runs agree.
func FirstDiff(rows []Row) (Row, bool) {
	for _, r := range rows {
		if r.Kind != Same && r.Kind != Unseen {
			return r, true
		}
	}
	return Row{}, false
}

// Differences counts the rows that differ.
func Differences(rows []Row) int {
	n := 0
	for _, r := range rows {
		if r.Kind != Same && r.Kind != Unseen {
			n++
		}
	}
	return n
}

// MergedText writes the merged timeline as a text diff: the model's time, the
// kernel's, a mark, the event. Marks: ' ' both agree; '-' only in the model; '+' only
// in the kernel; '~' both, further apart in time than the tolerance.
func MergedText(rows []Row) string { return MergedTextIn(view.En, rows) }

// MergedTextIn is MergedText with its column names in l.
func MergedTextIn(l view.Lang, rows []Row) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%10s %10s   %s\n", view.Msgf(l, "model ms"), view.Msgf(l, "kernel ms"), view.Msgf(l, "event (- model only, + kernel only, ~ off in time, . unseen by sock_diag)"))
	for _, r := range rows {
		mt, kt := "-", "-"
		if r.Model != nil {
			mt = model.FormatMillis(r.Model.T)
		}
		if r.Kernel != nil {
			kt = model.FormatMillis(r.Kernel.T)
		}
		mark := " "
		switch r.Kind {
		case OnlyModel:
			mark = "-"
		case OnlyKernel:
			mark = "+"
		case Timing:
			mark = "~"
		case Unseen:
			mark = "."
		}
		fmt.Fprintf(&b, "%10s %10s %s %s\n", mt, kt, mark, r.Body())
	}
	return b.String()
}
