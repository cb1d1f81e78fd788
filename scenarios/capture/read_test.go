package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/tcpwave/tcpwave/model"
)

// exported is client-close's run as a pcap.
func exported(t testing.TB) []byte {
	t.Helper()
	sc := catalog()[0]
	var b bytes.Buffer
	if err := Export(&b, runOf(t, sc, "linux"), AtLink); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readAll reads every TCP segment of data.
func readAll(data []byte) ([]Packet, Stats, error) {
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, Stats{}, err
	}
	var out []Packet
	for {
		var p Packet
		err := r.Next(&p)
		if errors.Is(err, io.EOF) {
			return out, r.Stats, nil
		}
		if err != nil {
			return out, r.Stats, err
		}
		out = append(out, p)
	}
}

func TestNotACapture(t *testing.T) {
	for _, data := range []string{"", "ab", "id: client-close\ntitle: x\n", "\x00\x00\x00\x00\x00\x00"} {
		_, _, err := readAll([]byte(data))
		if !errors.Is(err, ErrNotCapture) {
			t.Errorf("%q: %v, want ErrNotCapture", data, err)
		}
	}
}

// TestTruncatedFile: a file cut anywhere yields the whole packets before the cut and
// ends there, saying it was cut short: no error, no panic.
func TestTruncatedFile(t *testing.T) {
	data := exported(t)
	whole, _, err := readAll(data)
	if err != nil || len(whole) != 4 {
		t.Fatalf("%d packets, %v", len(whole), err)
	}
	// pcapgo reports a cut at a record's start, or just after its header, as a plain
	// end of file: those cuts need not say the file was cut short.
	plain := map[int]bool{}
	for off := 24; off < len(data); off += 16 + int(binary.LittleEndian.Uint32(data[off+8:])) {
		plain[off], plain[off+16] = true, true
	}
	for cut := 24; cut < len(data); cut++ {
		pkts, st, err := readAll(data[:cut])
		if err != nil {
			t.Fatalf("cut at %d: %v", cut, err)
		}
		if len(pkts) >= len(whole) || (!st.CutShort && !plain[cut]) {
			t.Fatalf("cut at %d: %d packets of %d, stats %+v", cut, len(pkts), len(whole), st)
		}
		for i := range pkts {
			if p, w := pkts[i], whole[i]; p.Seq != w.Seq || p.T != w.T || p.Flags != w.Flags || p.Src != w.Src {
				t.Fatalf("cut at %d: packet %d differs", cut, i)
			}
		}
	}
}

// pcapOf writes raw packets with a link type and snaplen.
func pcapOf(t *testing.T, link layers.LinkType, snap uint32, frames ...[]byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := pcapgo.NewWriter(&b)
	if err := w.WriteFileHeader(snap, link); err != nil {
		t.Fatal(err)
	}
	for i, f := range frames {
		n := len(f)
		if uint32(n) > snap {
			f = f[:snap]
		}
		ci := gopacket.CaptureInfo{CaptureLength: len(f), Length: n}
		ci.Timestamp = ci.Timestamp.Add(0)
		_ = i
		if err := w.WritePacket(ci, f); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// frame serializes layers with checksums.
func frame(t *testing.T, ls ...gopacket.SerializableLayer) []byte {
	t.Helper()
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		t.Fatal(err)
	}
	return append([]byte(nil), buf.Bytes()...)
}

func tcpOver(t *testing.T, ip gopacket.NetworkLayer) *layers.TCP {
	tcp := &layers.TCP{SrcPort: 40000, DstPort: 80, Seq: 7, Ack: 9, ACK: true, FIN: true, Window: 100}
	if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
		t.Fatal(err)
	}
	return tcp
}

// TestLinkTypes: the same FIN|ACK read over every link type and both IP versions.
func TestLinkTypes(t *testing.T) {
	v4 := &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: net.IP{10, 0, 0, 1}, DstIP: net.IP{10, 0, 0, 2}}
	v6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP, SrcIP: net.ParseIP("fd00::1"), DstIP: net.ParseIP("fd00::2")}
	mac := net.HardwareAddr{2, 0, 0, 0, 0, 1}
	sll2 := func(proto layers.EthernetType) []byte {
		h := make([]byte, 20)
		binary.BigEndian.PutUint16(h[0:], uint16(proto))
		binary.BigEndian.PutUint32(h[4:], 1)
		binary.BigEndian.PutUint16(h[8:], 772)
		h[10] = 0
		h[11] = 6
		return h
	}
	sll := func(proto layers.EthernetType) []byte {
		h := make([]byte, 16)
		binary.BigEndian.PutUint16(h[2:], 772)
		binary.BigEndian.PutUint16(h[4:], 6)
		binary.BigEndian.PutUint16(h[14:], uint16(proto))
		return h
	}
	cases := []struct {
		name string
		link layers.LinkType
		data []byte
		src  string
	}{
		{"ethernet v4", layers.LinkTypeEthernet, frame(t, &layers.Ethernet{SrcMAC: mac, DstMAC: mac, EthernetType: layers.EthernetTypeIPv4}, v4, tcpOver(t, v4)), "10.0.0.1:40000"},
		{"ethernet v6", layers.LinkTypeEthernet, frame(t, &layers.Ethernet{SrcMAC: mac, DstMAC: mac, EthernetType: layers.EthernetTypeIPv6}, v6, tcpOver(t, v6)), "[fd00::1]:40000"},
		{"vlan", layers.LinkTypeEthernet, frame(t, &layers.Ethernet{SrcMAC: mac, DstMAC: mac, EthernetType: layers.EthernetTypeDot1Q}, &layers.Dot1Q{VLANIdentifier: 5, Type: layers.EthernetTypeIPv4}, v4, tcpOver(t, v4)), "10.0.0.1:40000"},
		{"sll", layers.LinkTypeLinuxSLL, append(sll(layers.EthernetTypeIPv4), frame(t, v4, tcpOver(t, v4))...), "10.0.0.1:40000"},
		{"sll2", layers.LinkTypeLinuxSLL2, append(sll2(layers.EthernetTypeIPv6), frame(t, v6, tcpOver(t, v6))...), "[fd00::1]:40000"},
		{"raw v4", layers.LinkTypeRaw, frame(t, v4, tcpOver(t, v4)), "10.0.0.1:40000"},
		{"raw v6", layers.LinkTypeRaw, frame(t, v6, tcpOver(t, v6)), "[fd00::1]:40000"},
		{"loopback", layers.LinkTypeNull, frame(t, &layers.Loopback{Family: layers.ProtocolFamilyIPv4}, v4, tcpOver(t, v4)), "10.0.0.1:40000"},
	}
	for _, c := range cases {
		pkts, st, err := readAll(pcapOf(t, c.link, 65535, c.data))
		if err != nil || len(pkts) != 1 {
			t.Errorf("%s: %d packets, %v, stats %+v", c.name, len(pkts), err, st)
			continue
		}
		p := pkts[0]
		if p.Src.String() != c.src || p.Dst.Port() != 80 || p.Flags != model.FIN|model.ACK || p.Seq != 7 || p.Ack != 9 || p.Window != 100 {
			t.Errorf("%s: read %+v", c.name, p)
		}
	}
}

// TestSkipped: non-TCP, fragments and a snapshot length shorter than the TCP header
// are counted, not returned; nothing panics.
func TestSkipped(t *testing.T) {
	mac := net.HardwareAddr{2, 0, 0, 0, 0, 1}
	eth := func() *layers.Ethernet {
		return &layers.Ethernet{SrcMAC: mac, DstMAC: mac, EthernetType: layers.EthernetTypeIPv4}
	}
	v4 := func() *layers.IPv4 {
		return &layers.IPv4{Version: 4, TTL: 64, Protocol: layers.IPProtocolTCP, SrcIP: net.IP{10, 0, 0, 1}, DstIP: net.IP{10, 0, 0, 2}}
	}
	udp4 := v4()
	udp4.Protocol = layers.IPProtocolUDP
	udp := &layers.UDP{SrcPort: 53, DstPort: 53}
	_ = udp.SetNetworkLayerForChecksum(udp4)
	frag := v4()
	frag.Flags = layers.IPv4MoreFragments
	arp := frame(t, &layers.Ethernet{SrcMAC: mac, DstMAC: mac, EthernetType: layers.EthernetTypeARP},
		&layers.ARP{AddrType: 1, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4, SourceHwAddress: mac, SourceProtAddress: []byte{1, 2, 3, 4}, DstHwAddress: mac, DstProtAddress: []byte{1, 2, 3, 4}})
	good := v4()
	whole := frame(t, eth(), good, tcpOver(t, good))
	data := pcapOf(t, layers.LinkTypeEthernet, 65535,
		frame(t, eth(), udp4, udp), frame(t, eth(), frag, tcpOver(t, frag)), arp, whole)
	pkts, st, err := readAll(data)
	if err != nil || len(pkts) != 1 || st.NonTCP != 2 || st.Fragments != 1 {
		t.Fatalf("%d packets, %v, stats %+v", len(pkts), err, st)
	}
	// A snapshot length of 40: Ethernet and IPv4 whole, the TCP header cut.
	pkts, st, err = readAll(pcapOf(t, layers.LinkTypeEthernet, 40, whole, whole))
	if err != nil || len(pkts) != 0 || st.Truncated != 2 {
		t.Fatalf("snaplen 40: %d packets, %v, stats %+v", len(pkts), err, st)
	}
	// An unknown link type: counted as undecodable.
	pkts, st, err = readAll(pcapOf(t, layers.LinkType(147), 65535, whole))
	if err != nil || len(pkts) != 0 || st.Bad != 1 {
		t.Fatalf("link 147: %d packets, %v, stats %+v", len(pkts), err, st)
	}
}

// TestPcapng: the same run written as pcapng reads the same.
func TestPcapng(t *testing.T) {
	data := exported(t)
	want, _, _ := readAll(data)
	r, _ := pcapgo.NewReader(bytes.NewReader(data))
	var b bytes.Buffer
	w, err := pcapgo.NewNgWriter(&b, layers.LinkTypeEthernet)
	if err != nil {
		t.Fatal(err)
	}
	for {
		d, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		if err := w.WritePacket(ci, d); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	got, _, err := readAll(b.Bytes())
	if err != nil || len(got) != len(want) {
		t.Fatalf("%d packets, %v", len(got), err)
	}
	for i := range got {
		if got[i].Seq != want[i].Seq || got[i].Flags != want[i].Flags || got[i].T != want[i].T {
			t.Errorf("packet %d: %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestParseFlow reads --flow both ways round and with IPv6.
func TestParseFlow(t *testing.T) {
	a, _ := ParseFlow("10.0.0.1:50312-10.0.0.2:80")
	b, _ := ParseFlow("10.0.0.2:80-10.0.0.1:50312")
	if a != b || a.Lo != netip.MustParseAddrPort("10.0.0.1:50312") {
		t.Errorf("%v %v", a, b)
	}
	if k, err := ParseFlow("[fd00::1]:5-[fd00::2]:80"); err != nil || k.Hi.Port() != 80 {
		t.Errorf("%v %v", k, err)
	}
	for _, bad := range []string{"", "10.0.0.1-10.0.0.2", "10.0.0.1:1", "x:1-y:2"} {
		if _, err := ParseFlow(bad); err == nil || !strings.Contains(err.Error(), "--flow") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// ipv6With is a raw IPv6 packet: the fixed header naming first as its next header,
// then the extension headers as given (each names the next in its first byte), then
// the upper layer.
func ipv6With(first layers.IPProtocol, upper []byte, exts ...[]byte) []byte {
	var body []byte
	for _, e := range exts {
		body = append(body, e...)
	}
	body = append(body, upper...)
	h := make([]byte, 40)
	h[0] = 6 << 4
	binary.BigEndian.PutUint16(h[4:], uint16(len(body)))
	h[6] = byte(first)
	h[7] = 64
	copy(h[8:], net.ParseIP("fd00::1"))
	copy(h[24:], net.ParseIP("fd00::2"))
	return append(h, body...)
}

// TestIPv6ExtensionHeaders: TCP behind hop-by-hop, routing, destination options and
// an atomic fragment header is read, its payload length the wire's less the extension
// headers; a real fragment is counted as one, and UDP behind extensions as not TCP.
func TestIPv6ExtensionHeaders(t *testing.T) {
	v6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP, SrcIP: net.ParseIP("fd00::1"), DstIP: net.ParseIP("fd00::2")}
	seg := frame(t, tcpOver(t, v6), gopacket.Payload(make([]byte, 10)))
	v6.NextHeader = layers.IPProtocolUDP
	u := &layers.UDP{SrcPort: 53, DstPort: 53}
	if err := u.SetNetworkLayerForChecksum(v6); err != nil {
		t.Fatal(err)
	}
	udp := frame(t, u)
	// Eight-byte headers: next header, length 0, then a PadN option (hop-by-hop,
	// destination), a routing header's type and segments left, or a fragment header's
	// offset, M flag and identification.
	const (
		tcpP  = byte(layers.IPProtocolTCP)
		udpP  = byte(layers.IPProtocolUDP)
		rtP   = byte(layers.IPProtocolIPv6Routing)
		dstP  = byte(layers.IPProtocolIPv6Destination)
		fragP = byte(layers.IPProtocolIPv6Fragment)
	)
	hbh := []byte{rtP, 0, 1, 4, 0, 0, 0, 0}
	rt := []byte{dstP, 0, 0, 0, 0, 0, 0, 0}
	dst := []byte{fragP, 0, 1, 4, 0, 0, 0, 0}
	atomic := []byte{tcpP, 0, 0, 0, 0, 0, 0, 1}
	data := pcapOf(t, layers.LinkTypeRaw, 65535,
		ipv6With(layers.IPProtocolIPv6HopByHop, seg, hbh, rt, dst, atomic),
		ipv6With(layers.IPProtocolIPv6Destination, seg, []byte{tcpP, 0, 1, 4, 0, 0, 0, 0}),
		ipv6With(layers.IPProtocolIPv6Fragment, seg, []byte{tcpP, 0, 0, 1, 0, 0, 0, 2}),     // offset 0, M=1
		ipv6With(layers.IPProtocolIPv6Fragment, seg[:8], []byte{tcpP, 0, 0, 8, 0, 0, 0, 3}), // offset 8 bytes, M=0
		ipv6With(layers.IPProtocolIPv6HopByHop, udp, []byte{udpP, 0, 1, 4, 0, 0, 0, 0}),
	)
	pkts, st, err := readAll(data)
	if err != nil || len(pkts) != 2 || st.Fragments != 2 || st.NonTCP != 1 || st.Bad != 0 {
		t.Fatalf("%d packets, %v, stats %+v", len(pkts), err, st)
	}
	for i, p := range pkts {
		if p.Src.String() != "[fd00::1]:40000" || p.Flags != model.FIN|model.ACK || p.Seq != 7 || p.Payload != 10 {
			t.Errorf("packet %d: read %+v", i, p)
		}
	}
}
