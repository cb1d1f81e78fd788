package real

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// Event is one line of a trace in the grammar of `tcpwave trace`: its time and its
// body without the time or the annotation ("send A FIN|ACK seq=11 ack=11 len=0").
type Event struct {
	T    time.Duration
	Kind string // app, send, drop, recv, state, timer
	Side string // A or B
	Body string
	Line int // 1-based line in the text it was read from; 0 if built
}

// String writes the event as a trace line.
func (e Event) String() string { return model.FormatMillis(e.T) + " " + e.Body }

// Limits of ParseTrace: a trace longer or wider than these is refused, not read.
const (
	MaxTraceLines = 200000
	MaxLineBytes  = 4096
)

var traceKinds = map[string]bool{"app": true, "send": true, "drop": true, "recv": true, "state": true, "timer": true}

// ParseTrace reads a trace (the model's, or one built from a kernel run) into its
// events, dropping comments and annotations. It reads at most MaxTraceLines lines of
// at most MaxLineBytes bytes, and says which line is wrong and why.
func ParseTrace(r io.Reader) ([]Event, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1024), MaxLineBytes)
	var evs []Event
	n := 0
	for sc.Scan() {
		n++
		if n > MaxTraceLines {
			return nil, fmt.Errorf("trace: more than %d lines", MaxTraceLines)
		}
		line := sc.Text()
		if i := strings.Index(line, "  #"); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ev, err := parseEvent(line)
		if err != nil {
			return nil, fmt.Errorf("trace line %d: %w", n, err)
		}
		ev.Line = n
		evs = append(evs, ev)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("trace line %d: %w", n+1, err)
	}
	return evs, nil
}

// parseEvent reads "<t_ms> <kind> <side> ...".
func parseEvent(line string) (Event, error) {
	f := strings.Fields(line)
	if len(f) < 3 {
		return Event{}, fmt.Errorf("want <t_ms> <kind> <A|B> ..., got %q", line)
	}
	t, err := parseMillis(f[0])
	if err != nil {
		return Event{}, fmt.Errorf("time field %q: %w", f[0], err)
	}
	if !traceKinds[f[1]] {
		return Event{}, fmt.Errorf("kind field %q: want app, send, drop, recv, state or timer", f[1])
	}
	if f[2] != "A" && f[2] != "B" {
		return Event{}, fmt.Errorf("side field %q: want A or B", f[2])
	}
	body := f[1:]
	if f[1] == "send" || f[1] == "recv" || f[1] == "drop" {
		// kind side flags seq= ack= len=: optional fields after len= (tsval=, tsecr=)
		// are a later addition to the grammar that the kernel's side does not read.
		if len(body) < 6 {
			return Event{}, fmt.Errorf("segment: want <kind> <A|B> <FLAGS> seq=<n> ack=<n|-> len=<n>, got %q", line)
		}
		body = body[:6]
	}
	return Event{T: t, Kind: f[1], Side: f[2], Body: strings.Join(body, " ")}, nil
}

// parseMillis reads milliseconds with up to three decimals ("60220.000").
func parseMillis(s string) (time.Duration, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 3 || whole == "" || len(whole) > 12 {
		return 0, fmt.Errorf("want milliseconds with 3 decimals")
	}
	neg := strings.HasPrefix(whole, "-")
	ms, err := strconv.ParseUint(strings.TrimPrefix(whole, "-"), 10, 40)
	if err != nil {
		return 0, fmt.Errorf("want milliseconds with 3 decimals")
	}
	var us uint64
	if frac != "" {
		u, err := strconv.ParseUint(frac+strings.Repeat("0", 3-len(frac)), 10, 16)
		if err != nil {
			return 0, fmt.Errorf("want milliseconds with 3 decimals")
		}
		us = u
	}
	d := time.Duration(ms)*time.Millisecond + time.Duration(us)*time.Microsecond
	if neg {
		d = -d
	}
	return d, nil
}

// FormatTrace writes a header of comment lines and the events.
func FormatTrace(header []string, evs []Event) string {
	var b strings.Builder
	for _, h := range header {
		b.WriteString("# ")
		b.WriteString(h)
		b.WriteByte('\n')
	}
	for _, e := range evs {
		b.WriteString(e.String())
		b.WriteByte('\n')
	}
	return b.String()
}
