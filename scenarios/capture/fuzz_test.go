package capture

import (
	"bytes"
	"testing"
)

// FuzzReader feeds the reader any bytes: a scan, then every flow read and inferred at
// every point, must end without a panic, and an inferred timeline must run forward in
// time with each event's segment in range.
func FuzzReader(f *testing.F) {
	f.Add(exported(f))
	var b bytes.Buffer
	if err := writeSynth(&b, 3, 12); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte{0x0a, 0x0d, 0x0d, 0x0a, 0x1c, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a})
	f.Add([]byte("not a capture"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := ScanFlows(bytes.NewReader(data), nil)
		if err != nil {
			return
		}
		for i, fl := range sc.Flows {
			if i == 3 {
				break
			}
			pkts, _, _, _ := ReadFlow(bytes.NewReader(data), fl.Key)
			for _, at := range []Point{AtLink, AtClient, AtServer} {
				inf, err := Infer(pkts, fl.Client.String(), fl.Server.String(), at)
				if err != nil {
					continue
				}
				tl := inf.Timeline
				for j := 1; j < tl.Len(); j++ {
					ev := tl.At(j)
					if ev.T < tl.At(j-1).T {
						t.Fatalf("event %d goes back in time", j)
					}
					if ev.Seg >= len(tl.Segments) {
						t.Fatalf("event %d names segment %d of %d", j, ev.Seg, len(tl.Segments))
					}
				}
			}
		}
	})
}
