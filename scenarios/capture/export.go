package capture

import (
	"bufio"
	"io"
	"net"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/tcpwave/tcpwave/model"
)

// The addresses a run is exported with: the model has none (they play no part in a
// close), so these are the ones the diagram draws.
var (
	ClientAddr = netip.MustParseAddrPort("10.0.0.1:50312")
	ServerAddr = netip.MustParseAddrPort("10.0.0.2:80")
)

// Epoch is the wall-clock instant an exported run's virtual time zero is written as:
// the Unix epoch, so that `tcpdump -tt` prints the virtual time itself.
var Epoch = time.Unix(0, 0).UTC()

// Packet is one TCP segment as a capture holds it. Options are data: the writer
// serializes whatever the list holds, so an option the model comes to negotiate
// needs only to be put here by packetOf (SACK, RFC 2018: options.go; timestamps,
// RFC 7323, are not written yet).
type Packet struct {
	// T is when the packet passed the capture point: for a run, since its time zero;
	// read from a file, since the Unix epoch.
	T        time.Duration
	Src, Dst netip.AddrPort
	Flags    model.Flags
	Seq, Ack uint32
	Window   uint16
	Options  []layers.TCPOption
	Payload  int // bytes of payload (written as zeros: the model has no contents)
}

// Packets is the run as seen at point p, in the order the capture would hold them:
// each segment when it passes p.
func Packets(tl *model.Timeline, p Point) []Packet {
	host, isHost := p.host()
	var out []Packet
	for i := range tl.Events {
		ev := &tl.Events[i]
		if ev.Seg < 0 || ev.Seg >= len(tl.Segments) {
			continue
		}
		seg := &tl.Segments[ev.Seg]
		switch {
		case ev.Kind == model.EvSend && (!isHost || seg.From == host):
			// A segment leaving its sender: the link's view, or the sender's host.
		case ev.Kind == model.EvRecv && isHost && ev.Side == host:
			// A segment arriving at the capture's host (a link's copy too).
		default:
			continue
		}
		out = append(out, packetOf(tl, ev, seg))
	}
	return out
}

// packetOf is the packet of segment seg at event ev: the sender's addresses and its
// receive window as it was when it sent the segment.
func packetOf(tl *model.Timeline, ev *model.Event, seg *model.Segment) Packet {
	src, dst := ClientAddr, ServerAddr
	if seg.From == model.B {
		src, dst = dst, src
	}
	win := tl.Events[tl.SendEvent(seg.ID)].Snap[seg.From].RcvWnd
	return Packet{
		T: ev.T, Src: src, Dst: dst, Flags: seg.Flags, Seq: seg.Seq, Ack: seg.Ack,
		Window: uint16(min(win, 65535)), Payload: seg.Len, Options: sackOptions(seg),
	}
}

// Export writes the run as seen at point p as a classic pcap file (link type raw IPv4
// would do, but Ethernet is what every reader expects of a .pcap; the MAC addresses
// are locally administered ones).
func Export(w io.Writer, tl *model.Timeline, p Point) error {
	return WritePackets(w, Packets(tl, p))
}

// snaplen is the largest packet an exported file holds whole.
const snaplen = 262144

// WritePackets writes packets as a classic pcap file, Ethernet link type, microsecond
// timestamps from Epoch.
func WritePackets(w io.Writer, pkts []Packet) error {
	bw := bufio.NewWriter(w)
	pw := pcapgo.NewWriter(bw)
	if err := pw.WriteFileHeader(snaplen, layers.LinkTypeEthernet); err != nil {
		return err
	}
	buf := gopacket.NewSerializeBuffer()
	for i := range pkts {
		data, err := serialize(buf, &pkts[i])
		if err != nil {
			return problemf("packet %d: %v", i+1, err)
		}
		ci := gopacket.CaptureInfo{Timestamp: Epoch.Add(pkts[i].T), CaptureLength: len(data), Length: len(data)}
		if err := pw.WritePacket(ci, data); err != nil {
			return err
		}
	}
	return bw.Flush()
}

var (
	clientMAC = net.HardwareAddr{0x02, 0, 0, 0, 0, 1}
	serverMAC = net.HardwareAddr{0x02, 0, 0, 0, 0, 2}
)

// serialize builds one packet's bytes: Ethernet, IPv4 or IPv6 by the addresses, TCP
// with its options, and the payload; lengths and checksums computed by gopacket.
func serialize(buf gopacket.SerializeBuffer, p *Packet) ([]byte, error) {
	if p.Payload < 0 || p.Payload > 65000 {
		return nil, problemf("payload of %d bytes does not fit one packet", p.Payload)
	}
	eth := &layers.Ethernet{SrcMAC: clientMAC, DstMAC: serverMAC}
	if p.Src == ServerAddr {
		eth.SrcMAC, eth.DstMAC = serverMAC, clientMAC
	}
	tcp := &layers.TCP{
		SrcPort: layers.TCPPort(p.Src.Port()), DstPort: layers.TCPPort(p.Dst.Port()),
		Seq: p.Seq, Window: p.Window, Options: p.Options,
		SYN: p.Flags.Has(model.SYN), FIN: p.Flags.Has(model.FIN), RST: p.Flags.Has(model.RST),
		PSH: p.Flags.Has(model.PSH), URG: p.Flags.Has(model.URG), ACK: p.Flags.Has(model.ACK),
	}
	if tcp.ACK {
		tcp.Ack = p.Ack
	}
	var nl gopacket.NetworkLayer // for the TCP checksum's pseudo-header
	var ip gopacket.SerializableLayer
	if p.Src.Addr().Is4() {
		eth.EthernetType = layers.EthernetTypeIPv4
		v4 := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, Flags: layers.IPv4DontFragment,
			SrcIP: p.Src.Addr().AsSlice(), DstIP: p.Dst.Addr().AsSlice()}
		nl, ip = v4, v4
	} else {
		eth.EthernetType = layers.EthernetTypeIPv6
		v6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP,
			SrcIP: p.Src.Addr().AsSlice(), DstIP: p.Dst.Addr().AsSlice()}
		nl, ip = v6, v6
	}
	if err := tcp.SetNetworkLayerForChecksum(nl); err != nil {
		return nil, err
	}
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, eth, ip, tcp, gopacket.Payload(make([]byte, p.Payload))); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
