package real

import (
	"fmt"
	"strings"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// This file turns timelines into the comparison's events and back: EventsOf reads a
// model.Timeline (the model's run, or a capture's) as trace events, and TimelineOf
// builds a model.Timeline from a kernel run's trace events, so that the sequence
// diagram can draw the kernel beside the model.
//
// Why from the trace and not from the run's pcap through the capture reader: the trace
// holds what the kernel itself reported (each state as sock_diag saw it, each app call
// and its result, each drop the link made), where the capture reader would infer the
// states again from the segments. The diagram then shows the kernel's own states.

// EventsOf is tl's events as the comparison reads them (as ParseTrace would read
// tl.Trace()), with times moved earlier by shift and those before zero left out. Each
// event's Line is its index in tl plus one, so that a comparison row leads back to the
// event it came from (EventIndex).
func EventsOf(tl *model.Timeline, shift time.Duration) ([]Event, error) {
	evs := make([]Event, 0, tl.Len())
	for i := range tl.Events {
		ev := &tl.Events[i]
		if ev.Kind == model.EvStart || ev.T < shift {
			continue
		}
		body := ev.TraceBody(tl)
		_, body, _ = strings.Cut(body, " ") // the time
		e, err := parseEvent("0 " + body)
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", i, err)
		}
		e.T, e.Line = ev.T-shift, i+1
		evs = append(evs, e)
	}
	return evs, nil
}

// EventIndex is the index in its timeline of an event made by EventsOf.
func EventIndex(e *Event) int { return e.Line - 1 }

// TimelineOf builds the timeline of a kernel run from its trace events, for the
// diagram: both sides ESTABLISHED at zero (the handshake is done before it), each send
// a segment (numbers relative, as the trace has them), each recv or drop the end of
// the oldest segment of its sender with the same label still on the link (a recv with
// none is a copy the link made), each state line a state change. A segment that takes
// sequence space (data, SYN, FIN) sent again with the same label is a retransmission,
// numbered as the model numbers its own. Timer lines are left out: the diagram does not
// draw them, and the comparison does not compare them.
func TimelineOf(sc *model.Scenario, p model.Profile, evs []Event) (*model.Timeline, error) {
	var snap [2]model.Endpoint
	for s := model.A; s <= model.B; s++ {
		snap[s] = model.Endpoint{Side: s, State: model.Established}
	}
	events := []model.Event{{Kind: model.EvStart, Seg: -1, Timer: model.NumTimers, Snap: snap}}
	var segs []model.Segment
	onLink := map[string][]int{} // sender and label -> segments sent, not yet ended
	last := map[string]int{}     // sender and label -> the last segment sent
	sent := map[string]int{}     // sender and label -> how many times sent
	for i := range evs {
		e := &evs[i]
		if e.T < events[len(events)-1].T {
			return nil, fmt.Errorf("event %d: at %s ms, before the event ahead of it", i+1, model.FormatMillis(e.T))
		}
		side := model.A
		if e.Side == "B" {
			side = model.B
		}
		f := strings.Fields(e.Body)
		ev := model.Event{T: e.T, Side: side, Seg: -1, Timer: model.NumTimers}
		switch e.Kind {
		case "timer":
			continue
		case "app":
			ev.Kind = model.EvApp
			ev.Call = strings.Join(f[2:], " ")
		case "state":
			st, ok := model.ParseState(strings.Join(f[2:], " "))
			if !ok {
				return nil, fmt.Errorf("event %d: state %q: not a TCP state", i+1, strings.Join(f[2:], " "))
			}
			ev.Kind, ev.From, ev.To = model.EvState, snap[side].State, st
			snap[side].State = st
		case "send":
			seg, err := segmentOf(f, side, len(segs))
			if err != nil {
				return nil, fmt.Errorf("event %d: %w", i+1, err)
			}
			seg.SentAt, seg.ArriveAt = e.T, e.T+sc.Delay[side]
			key := segKey(side, f)
			if seg.SeqSpace() > 0 { // the same data, SYN or FIN sent again
				seg.Retrans = sent[key]
				sent[key]++
			}
			onLink[key] = append(onLink[key], seg.ID)
			last[key] = seg.ID
			segs = append(segs, seg)
			ev.Kind, ev.Seg = model.EvSend, seg.ID
		case "recv", "drop":
			from := side // a drop names the sender, a recv the receiver
			if e.Kind == "recv" {
				from = side.Peer()
			}
			key := segKey(from, f)
			id := -1
			if q := onLink[key]; len(q) > 0 {
				id, onLink[key] = q[0], q[1:]
			} else if orig, ok := last[key]; ok {
				c := segs[orig]
				c.ID, c.Dup, c.CopyOf = len(segs), true, orig
				segs = append(segs, c)
				id = c.ID
			} else {
				return nil, fmt.Errorf("event %d: %s of a segment never sent: %s", i+1, e.Kind, e.Body)
			}
			segs[id].ArriveAt = e.T
			ev.Kind, ev.Seg, ev.Side = model.EvRecv, id, from.Peer()
			if e.Kind == "drop" {
				segs[id].Lost = true
				ev.Kind, ev.Side = model.EvDrop, from
			}
		default:
			return nil, fmt.Errorf("event %d: kind %q", i+1, e.Kind)
		}
		ev.Snap = snap
		events = append(events, ev)
	}
	for i := range segs {
		segs[i].Transit = segs[i].ArriveAt - segs[i].SentAt
	}
	return model.External(sc, p, events, segs), nil
}

// segKey names a segment by its sender and its label, "A FIN|ACK seq=1 ack=1 len=0".
func segKey(from model.Side, f []string) string {
	return from.String() + " " + strings.Join(f[2:], " ")
}

// segmentOf reads "<kind> <side> FLAGS seq=N ack=N|- len=N" into a segment with
// relative numbers.
func segmentOf(f []string, from model.Side, id int) (model.Segment, error) {
	if len(f) < 6 {
		return model.Segment{}, fmt.Errorf("segment %q: want FLAGS seq= ack= len=", strings.Join(f, " "))
	}
	flags, err := model.ParseFlags(f[2])
	if err != nil {
		return model.Segment{}, fmt.Errorf("segment flags %q: %w", f[2], err)
	}
	var seq, ack uint64
	var n int
	if _, err := fmt.Sscanf(f[3], "seq=%d", &seq); err != nil {
		return model.Segment{}, fmt.Errorf("segment field %q: want seq=N", f[3])
	}
	if f[4] != "ack=-" {
		if _, err := fmt.Sscanf(f[4], "ack=%d", &ack); err != nil {
			return model.Segment{}, fmt.Errorf("segment field %q: want ack=N or ack=-", f[4])
		}
	}
	if _, err := fmt.Sscanf(f[5], "len=%d", &n); err != nil || n < 0 || n > 1<<20 {
		return model.Segment{}, fmt.Errorf("segment field %q: want len=N", f[5])
	}
	return model.Segment{ID: id, From: from, Flags: flags, Seq: uint32(seq), Ack: uint32(ack), Len: n}, nil
}
