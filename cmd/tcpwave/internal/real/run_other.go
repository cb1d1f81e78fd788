//go:build !linux

package real

import (
	"context"
	"io"
	"time"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/view"
)

// Options tune a kernel run.
type Options struct {
	Horizon time.Duration
	Pcap    io.Writer
}

// Result is a kernel run (never made off Linux).
type Result struct {
	Header  []string
	Events  []Event
	Horizon time.Duration
	ISN     [2]uint32
	// Late is how late, at worst, the link delivered a segment or an app made a call
	// after its time: the machine's scheduling, which the comparison cannot tell
	// from the kernel's doing.
	Late time.Duration
}

// Text is the run as a trace.
func (r *Result) Text() string { return FormatTrace(r.Header, r.Events) }

// Run needs Linux's network namespaces and TUN devices.
func Run(context.Context, *model.Scenario, Options) (*Result, error) {
	return nil, view.Errorf("tcpwave real runs only on Linux")
}

// RaisePriority does nothing off Linux.
func RaisePriority() {}
