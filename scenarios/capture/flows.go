package capture

import (
	"net/netip"
	"strings"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

// Ending is how a connection ended, as far as the capture shows.
type Ending uint8

// Endings.
const (
	StillOpen    Ending = iota // no FIN, no RST
	HalfOpen                   // one side's FIN only
	FourWay                    // FIN, ACK, FIN, ACK
	ThreeWay                   // FIN, FIN|ACK (carrying the ACK of the first), ACK
	Simultaneous               // the FINs crossed
	Reset                      // a RST ended it
)

var endingNames = [...]string{"still open", "half open", "four-way", "three-way", "simultaneous", "RST"}

// String is the ending as the picker shows it in English (the view has the words in
// every language under "ending." keys of the same names).
func (e Ending) String() string { return endingNames[e] }

// Key is the ending's catalog key suffix ("four-way").
func (e Ending) Key() string { return strings.ReplaceAll(endingNames[e], " ", "-") }

// FlowKey names a 4-tuple, either way round.
type FlowKey struct{ Lo, Hi netip.AddrPort }

// keyOf is the 4-tuple of a packet, the smaller address-port first.
func keyOf(p *Packet) FlowKey {
	if p.Src.Compare(p.Dst) < 0 {
		return FlowKey{p.Src, p.Dst}
	}
	return FlowKey{p.Dst, p.Src}
}

// Flow is one 4-tuple's summary: who its client is, when it started, how many packets,
// and how its last connection ended.
type Flow struct {
	Key            FlowKey
	Client, Server netip.AddrPort // the client sent the first SYN (or has the higher port)
	First, Last    time.Duration  // since the Unix epoch
	Packets        int
	// Connections counts the connections on the 4-tuple: more than one when a new SYN
	// reused it after a close or a reset.
	Connections int
	End         Ending

	sawSyn    bool
	synSeq    uint32
	fin       [2]bool   // by direction: 0 from Lo, 1 from Hi
	finEnd    [2]uint32 // the sequence number after each FIN
	finFirst  int       // the direction whose FIN came first, -1 for none yet
	ackedEarl [2]bool   // that direction ACKed the first FIN before sending its own
	rst       bool
}

// Reused reports whether the 4-tuple carried more than one connection.
func (f *Flow) Reused() bool { return f.Connections > 1 }

// String is the flow as --flow takes it: "CLIENT-SERVER".
func (f *Flow) String() string { return f.Client.String() + "-" + f.Server.String() }

// dir is the direction of p within its flow: 0 from Lo, 1 from Hi.
func (f *Flow) dir(p *Packet) int {
	if p.Src == f.Key.Lo {
		return 0
	}
	return 1
}

// add counts packet p into the flow's summary.
func (f *Flow) add(p *Packet) {
	if f.Packets == 0 {
		f.First, f.Connections, f.finFirst = p.T, 1, -1
		f.Client, f.Server = p.Src, p.Dst
		if p.Src.Port() < p.Dst.Port() && !p.Flags.Has(model.SYN) {
			f.Client, f.Server = p.Dst, p.Src // no SYN seen: the ephemeral port is the client's
		}
	}
	f.Packets++
	f.Last = max(f.Last, p.T)
	d := f.dir(p)
	if p.Flags&(model.SYN|model.ACK) == model.SYN {
		if !f.sawSyn && f.Packets == 1 {
			f.Client, f.Server = p.Src, p.Dst
		}
		if (f.finFirst >= 0 || f.rst) && !(f.sawSyn && p.Seq == f.synSeq) {
			f.Connections++ // a new connection on the same 4-tuple
			f.fin, f.finFirst, f.ackedEarl, f.rst = [2]bool{}, -1, [2]bool{}, false
		}
		f.sawSyn, f.synSeq = true, p.Seq
	}
	if p.Flags.Has(model.RST) {
		f.rst = true
	}
	o := 1 - d
	if f.fin[o] && !f.fin[d] && p.Flags.Has(model.ACK) && !p.Flags.Has(model.FIN) && seqGEQ(p.Ack, f.finEnd[o]) {
		f.ackedEarl[d] = true
	}
	if p.Flags.Has(model.FIN) && !f.fin[d] {
		f.fin[d], f.finEnd[d] = true, p.Seq+uint32(p.Payload)+1
		if f.finFirst < 0 {
			f.finFirst = d
		} else if !p.Flags.Has(model.ACK) || !seqGEQ(p.Ack, f.finEnd[o]) {
			f.End = Simultaneous
		}
	}
	f.End = f.ending()
}

// ending classifies the connection from what has been seen so far.
func (f *Flow) ending() Ending {
	switch {
	case f.rst:
		return Reset
	case f.finFirst < 0:
		return StillOpen
	case !f.fin[0] || !f.fin[1]:
		return HalfOpen
	case f.End == Simultaneous:
		return Simultaneous
	case f.ackedEarl[1-f.finFirst]:
		return FourWay
	}
	return ThreeWay
}

// seqGEQ compares sequence numbers modulo 2^32 (RFC 9293 §3.4).
func seqGEQ(a, b uint32) bool { return int32(a-b) >= 0 }

// ParseFlow reads --flow: "A:PORT-B:PORT", IPv6 addresses in brackets.
func ParseFlow(s string) (FlowKey, error) {
	for i := 0; i < len(s); i++ {
		if s[i] != '-' {
			continue
		}
		a, errA := netip.ParseAddrPort(s[:i])
		b, errB := netip.ParseAddrPort(s[i+1:])
		if errA == nil && errB == nil {
			if a.Compare(b) > 0 {
				a, b = b, a
			}
			return FlowKey{a, b}.norm(), nil
		}
	}
	return FlowKey{}, problemf("--flow wants ADDR:PORT-ADDR:PORT (IPv6 as [ADDR]:PORT), got %q", s)
}

// norm unmaps IPv4-mapped addresses, as the reader does.
func (k FlowKey) norm() FlowKey {
	k.Lo = netip.AddrPortFrom(k.Lo.Addr().Unmap(), k.Lo.Port())
	k.Hi = netip.AddrPortFrom(k.Hi.Addr().Unmap(), k.Hi.Port())
	if k.Lo.Compare(k.Hi) > 0 {
		k.Lo, k.Hi = k.Hi, k.Lo
	}
	return k
}
