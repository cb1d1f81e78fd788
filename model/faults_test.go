package model_test

import (
	"testing"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// The fault-counting rule that the model's link and tcpwave real's link share: each
// fault counts its own matches, acts on the Nth and Times-1 more; a duplicate is
// never made of a copy; a copy fault counts copies only; Fate places a loss half way
// or after LossAfter, at most the whole transit.
func TestFaultCounter(t *testing.T) {
	ms := time.Millisecond
	c := model.NewFaultCounter([]model.Fault{
		{Action: model.FaultDrop, Side: model.A, Flags: model.FIN, Nth: 2, Times: 2, LossAfter: 3 * ms},
		{Action: model.FaultDelay, Side: model.B, Flags: model.ACK, Exact: true, Nth: 1, Delay: 50 * ms},
		{Action: model.FaultDuplicate, Side: model.B, Flags: model.PSH, Nth: 1, Delay: time.Second},
		{Action: model.FaultDrop, Side: model.B, Flags: model.PSH, Copy: true, Nth: 1},
	})
	fin := &model.Segment{From: model.A, Flags: model.FIN | model.ACK}
	ack := &model.Segment{From: model.B, Flags: model.ACK}
	data := &model.Segment{From: model.B, Flags: model.PSH | model.ACK}
	copyOf := &model.Segment{From: model.B, Flags: model.PSH | model.ACK, Dup: true}
	for i, c2 := range []struct {
		seg  *model.Segment
		want model.FaultEffect
	}{
		{fin, model.FaultEffect{}},
		{fin, model.FaultEffect{Lost: true, LossAfter: 3 * ms}},
		{ack, model.FaultEffect{Extra: 50 * ms}},
		{fin, model.FaultEffect{Lost: true, LossAfter: 3 * ms}},
		{fin, model.FaultEffect{}},
		{ack, model.FaultEffect{}},
		{data, model.FaultEffect{Dup: true, DupDelay: time.Second}},
		{copyOf, model.FaultEffect{Lost: true}},
		{data, model.FaultEffect{}},
		{copyOf, model.FaultEffect{}},
	} {
		if got := c.Count(c2.seg); got != c2.want {
			t.Errorf("segment %d (%s dup=%v): %+v, want %+v", i+1, c2.seg.Flags, c2.seg.Dup, got, c2.want)
		}
	}
	for _, f := range []struct {
		fx             model.FaultEffect
		transit, after time.Duration
		lost           bool
	}{
		{model.FaultEffect{}, 10 * ms, 0, false},
		{model.FaultEffect{Extra: 5 * ms}, 15 * ms, 0, false},
		{model.FaultEffect{Lost: true}, 10 * ms, 5 * ms, true},
		{model.FaultEffect{Lost: true, LossAfter: 3 * ms}, 10 * ms, 3 * ms, true},
		{model.FaultEffect{Lost: true, LossAfter: time.Second}, 10 * ms, 10 * ms, true},
	} {
		transit, lost, after := f.fx.Fate(10 * ms)
		if transit != f.transit || lost != f.lost || after != f.after {
			t.Errorf("Fate(%+v): %v %v %v, want %v %v %v", f.fx, transit, lost, after, f.transit, f.lost, f.after)
		}
	}
}
