package real

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// Tolerance is how far apart in time the kernel and the model may put the same event
// and still agree: Abs plus Rel times the event's time.
//
// The defaults: the kernel counts its timers in jiffies (4 ms at CONFIG_HZ=250) and
// rounds them up by a tick; tcpwave's link delivers each segment from a Go timer,
// which on a loaded 2-core machine can be a few ms late; and every event sits at the
// end of a causal chain of such steps (segment, ACK, timer), whose errors add up. 20
// ms covers five late hops of 4 ms; 2 % covers the long timers (the kernel's
// TIME_WAIT and FIN_WAIT_2 timers run on a coarser wheel, up to 1/8 late). A real
// difference in the stories (a delayed ACK of 40 ms, a different RTO) is larger.
type Tolerance struct {
	Abs time.Duration
	Rel float64
}

// DefaultTolerance is the tolerance --check uses.
var DefaultTolerance = Tolerance{Abs: 20 * time.Millisecond, Rel: 0.02}

// At is the tolerance for an event at time t.
func (tol Tolerance) At(t time.Duration) time.Duration {
	return tol.Abs + time.Duration(tol.Rel*float64(t))
}

// DiffKind is how the two runs differ at one event.
type DiffKind uint8

// The kinds of difference.
const (
	Same       DiffKind = iota // both have it, close enough in time
	OnlyModel                  // the model has the event, the kernel not
	OnlyKernel                 // the kernel has the event, the model not
	Timing                     // both have it, further apart than the tolerance
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

// Describe says what differs, in one line ("" when nothing does).
func (r Row) Describe() string {
	switch r.Kind {
	case OnlyModel:
		return fmt.Sprintf("at %s ms the model has %q, the kernel not", model.FormatMillis(r.Model.T), r.Model.Body)
	case OnlyKernel:
		return fmt.Sprintf("at %s ms the kernel has %q, the model not", model.FormatMillis(r.Kernel.T), r.Kernel.Body)
	case Timing:
		return fmt.Sprintf("%q at %s ms in the kernel, %s ms in the model", r.Body(), model.FormatMillis(r.Kernel.T), model.FormatMillis(r.Model.T))
	}
	return ""
}

// Compared reports whether an event takes part in the comparison. Timer lines do not:
// sock_diag shows only the retransmission, keepalive and TIME_WAIT timers (not the
// delayed ACK's), sampled; what a timer does is compared anyway, in the segments it
// sends and the states it ends.
func Compared(e Event) bool { return e.Kind != "timer" }

// Compare lines the two timelines up, event by event, up to the horizon: the k-th
// occurrence of an event in the model (same kind, side, flags and numbers, or the same
// call and result, or the same state) goes with its k-th occurrence in the kernel's
// run. What has no partner is a difference; so is a partner further away in time than
// the tolerance. The rows come in time order.
func Compare(modelEvs, kernelEvs []Event, horizon time.Duration, tol Tolerance) []Row {
	type occ struct{ m, k []*Event }
	byBody := map[string]*occ{}
	var order []string
	collect := func(evs []Event, kernel bool) {
		for i := range evs {
			e := &evs[i]
			if !Compared(*e) || e.T > horizon {
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
	var rows []Row
	for _, body := range order {
		o := byBody[body]
		for i := 0; i < max(len(o.m), len(o.k)); i++ {
			var r Row
			switch {
			case i >= len(o.k):
				r = Row{Kind: OnlyModel, Model: o.m[i]}
			case i >= len(o.m):
				r = Row{Kind: OnlyKernel, Kernel: o.k[i]}
			default:
				r = Row{Kind: Same, Model: o.m[i], Kernel: o.k[i]}
				d := o.m[i].T - o.k[i].T
				if d < 0 {
					d = -d
				}
				if d > tol.At(o.m[i].T) {
					r.Kind = Timing
				}
			}
			rows = append(rows, r)
		}
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
		if r.Kind != Same {
			return r, true
		}
	}
	return Row{}, false
}

// Differences counts the rows that differ.
func Differences(rows []Row) int {
	n := 0
	for _, r := range rows {
		if r.Kind != Same {
			n++
		}
	}
	return n
}

// MergedText writes the merged timeline as a text diff: the model's time, the
// kernel's, a mark, the event. Marks: ' ' both agree; '-' only in the model; '+' only
// in the kernel; '~' both, further apart in time than the tolerance.
func MergedText(rows []Row) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%10s %10s   %s\n", "model ms", "kernel ms", "event (- model only, + kernel only, ~ off in time)")
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
		}
		fmt.Fprintf(&b, "%10s %10s %s %s\n", mt, kt, mark, r.Body())
	}
	return b.String()
}
