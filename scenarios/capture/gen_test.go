package capture

import (
	"io"
	"net/netip"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// synthConn is the packets of one made-up connection between client and server,
// starting at t0: a handshake, n data segments each way with their ACKs, and a close
// by the ending asked for.
func synthConn(client, server netip.AddrPort, t0 time.Duration, n int, end Ending) []Packet {
	return synthSized(client, server, t0, n, end, 100, 1000)
}

// synthSized is synthConn with the data segments' sizes.
func synthSized(client, server netip.AddrPort, t0 time.Duration, n int, end Ending, req, resp int) []Packet {
	const rtt = 200 * time.Microsecond
	var out []Packet
	t := t0
	cs, ss := uint32(1000), uint32(5000)
	add := func(fromClient bool, f model.Flags, payload int) {
		p := Packet{T: t, Flags: f, Window: 65535, Payload: payload}
		if fromClient {
			p.Src, p.Dst, p.Seq, p.Ack = client, server, cs, ss
			cs += uint32(payload)
			if f.Has(model.SYN) || f.Has(model.FIN) {
				cs++
			}
		} else {
			p.Src, p.Dst, p.Seq, p.Ack = server, client, ss, cs
			ss += uint32(payload)
			if f.Has(model.SYN) || f.Has(model.FIN) {
				ss++
			}
		}
		out = append(out, p)
		t += rtt / 2
	}
	add(true, model.SYN, 0)
	out[0].Ack = 0
	add(false, model.SYN|model.ACK, 0)
	add(true, model.ACK, 0)
	for i := 0; i < n; i++ {
		add(true, model.PSH|model.ACK, req)
		add(false, model.ACK, 0)
		add(false, model.PSH|model.ACK, resp)
		add(true, model.ACK, 0)
	}
	switch end {
	case FourWay:
		add(true, model.FIN|model.ACK, 0)
		add(false, model.ACK, 0)
		add(false, model.FIN|model.ACK, 0)
		add(true, model.ACK, 0)
	case ThreeWay:
		add(true, model.FIN|model.ACK, 0)
		add(false, model.FIN|model.ACK, 0)
		add(true, model.ACK, 0)
	case Reset:
		add(true, model.RST|model.ACK, 0)
	case HalfOpen:
		add(true, model.FIN|model.ACK, 0)
		add(false, model.ACK, 0)
	}
	return out
}

// writeSynth writes conns connections of about per packets each, interleaved in time,
// as a pcap.
func writeSynth(w io.Writer, conns, per int) error { return writeSized(w, conns, per, 100, 1000) }

// writeSized is writeSynth with the data segments' sizes.
func writeSized(w io.Writer, conns, per, req, resp int) error {
	ends := []Ending{FourWay, ThreeWay, Reset, HalfOpen, StillOpen}
	var all [][]Packet
	for i := 0; i < conns; i++ {
		c := netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), uint16(40000+i%20000))
		s := netip.MustParseAddrPort("10.0.0.2:443")
		all = append(all, synthSized(c, s, time.Duration(i)*time.Millisecond, max(0, (per-7)/4), ends[i%len(ends)], req, resp))
	}
	// Round-robin: one packet of each connection in turn, as a busy server's capture.
	var pkts []Packet
	for k := 0; ; k++ {
		any := false
		for _, c := range all {
			if k < len(c) {
				pkts = append(pkts, c[k])
				any = true
			}
		}
		if !any {
			break
		}
	}
	for i := range pkts {
		pkts[i].T = time.Duration(i) * time.Microsecond
	}
	return WritePackets(w, pkts)
}
