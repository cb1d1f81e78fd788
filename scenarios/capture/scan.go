package capture

import (
	"errors"
	"io"
	"slices"
)

// MaxFlows bounds the connections one scan tracks (a summary is about 200 bytes):
// packets of further 4-tuples are counted in Scan.Untracked, not tracked.
const MaxFlows = 1 << 18

// MaxFlowPackets bounds the packets read of the one connection opened: its timeline has
// about three events a packet, and a timeline holds at most model.MaxEvents.
const MaxFlowPackets = 20000

// Scan is what one pass over a capture found.
type Scan struct {
	Flows []*Flow // in order of their first packet
	Stats Stats
	// Untracked counts the TCP packets of 4-tuples beyond MaxFlows.
	Untracked int64
}

// progressEvery is how many packets pass between two calls of a progress function.
const progressEvery = 1 << 16

// ScanFlows reads a whole capture and summarizes its TCP connections. Its memory is
// the summaries', bounded by MaxFlows, not the file's size. progress, if not nil, is
// called every so many packets with the counts so far.
func ScanFlows(r io.Reader, progress func(Stats)) (*Scan, error) {
	rd, err := NewReader(r)
	if err != nil {
		return nil, err
	}
	sc := &Scan{}
	byKey := make(map[FlowKey]*Flow)
	var p Packet
	for {
		err := rd.Next(&p)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			sc.Stats = rd.Stats
			return sc, err
		}
		if progress != nil && rd.Stats.Packets%progressEvery == 0 {
			progress(rd.Stats)
		}
		k := keyOf(&p)
		f := byKey[k]
		if f == nil {
			if len(byKey) >= MaxFlows {
				sc.Untracked++
				continue
			}
			f = &Flow{Key: k}
			byKey[k] = f
			sc.Flows = append(sc.Flows, f)
		}
		f.add(&p)
	}
	sc.Stats = rd.Stats
	return sc, nil
}

// Find is the flow of key k, or nil.
func (s *Scan) Find(k FlowKey) *Flow {
	i := slices.IndexFunc(s.Flows, func(f *Flow) bool { return f.Key == k })
	if i < 0 {
		return nil
	}
	return s.Flows[i]
}

// ReadFlow reads the packets of one 4-tuple from a capture, at most MaxFlowPackets;
// more reports that there were more.
func ReadFlow(r io.Reader, k FlowKey) (pkts []Packet, more bool, st Stats, err error) {
	rd, err := NewReader(r)
	if err != nil {
		return nil, false, st, err
	}
	var p Packet
	for {
		err := rd.Next(&p)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return pkts, more, rd.Stats, err
		}
		if keyOf(&p) != k {
			continue
		}
		if len(pkts) == MaxFlowPackets {
			more = true
			continue
		}
		pkts = append(pkts, p)
	}
	return pkts, more, rd.Stats, nil
}
