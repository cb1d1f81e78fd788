package capture

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/tcpwave/tcpwave/model"
)

// Stats counts what a reader met: every packet, and those it skipped and why.
type Stats struct {
	Packets   int64 // records read
	TCP       int64 // TCP segments returned
	NonTCP    int64 // IP packets of another protocol, or not IP at all
	Fragments int64 // IP fragments (not reassembled: a TCP header is rarely split)
	Truncated int64 // cut by the snapshot length before the end of the TCP header
	Bad       int64 // undecodable: a broken header, or a link type not supported
	Bytes     int64 // of the file read so far (for progress)
	// CutShort: the file ends in the middle of a packet (it was cut, or is still
	// being written); the packets before are read.
	CutShort bool
}

// Skipped is how many packets were not returned as TCP segments.
func (s *Stats) Skipped() int64 { return s.NonTCP + s.Fragments + s.Truncated + s.Bad }

// ErrNotCapture is returned for a file that is neither pcap nor pcapng.
var ErrNotCapture = problemf("not a capture file: it starts with neither a pcap nor a pcapng header")

// source is pcapgo's reader of either format.
type source interface {
	ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error)
}

// Reader reads the TCP segments of a pcap or pcapng file as a stream: its memory is
// one packet's, whatever the file's size. Link types: Ethernet (with 802.1Q tags),
// Linux cooked (SLL and SLL2), raw IP, IPv4, IPv6, and BSD loopback (null, loop);
// IPv4 and IPv6, with IPv6's extension headers (RFC 8200 §4: hop-by-hop, routing,
// destination options, an atomic fragment header) passed over to the TCP header.
type Reader struct {
	src    source
	ng     *pcapgo.NgReader
	link   layers.LinkType
	count  *countingReader
	Stats  Stats
	dec    decoders
	parser map[layers.LinkType]*gopacket.DecodingLayerParser
	layers []gopacket.LayerType
}

// decoders are the layers one reader decodes into, reused for every packet.
type decoders struct {
	eth   layers.Ethernet
	dot1q layers.Dot1Q
	sll   layers.LinuxSLL
	sll2  layers.LinuxSLL2
	loop  layers.Loopback
	ip4   layers.IPv4
	ip6   layers.IPv6
	ext6  layers.IPv6ExtensionSkipper // routing and destination options (hop-by-hop is ip6's)
	frag6 layers.IPv6Fragment         // after ext6: a fragment header is read, not skipped
	tcp   layers.TCP
}

// NewReader starts reading a capture: it reads the file header and fails with
// ErrNotCapture (wrapped with what it found) if there is none.
func NewReader(r io.Reader) (*Reader, error) {
	cr := &countingReader{r: r}
	br := bufio.NewReaderSize(cr, 1<<16)
	magic, err := br.Peek(4)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, problemf("%v (the file is %d bytes long)", ErrNotCapture, len(magic))
		}
		return nil, err
	}
	rd := &Reader{count: cr, parser: map[layers.LinkType]*gopacket.DecodingLayerParser{}}
	switch {
	case bytes.Equal(magic, []byte{0x0a, 0x0d, 0x0d, 0x0a}):
		ng, err := pcapgo.NewNgReader(br, pcapgo.NgReaderOptions{WantMixedLinkType: true, SkipUnknownVersion: true})
		if err != nil {
			return nil, problemf("pcapng header: %v", err)
		}
		rd.src, rd.ng = ng, ng
	case isPcapMagic(magic):
		pr, err := pcapgo.NewReader(br)
		if err != nil {
			return nil, problemf("pcap header: %v", err)
		}
		rd.src, rd.link = pr, pr.LinkType()
	default:
		return nil, problemf("%v (first bytes % x)", ErrNotCapture, magic)
	}
	return rd, nil
}

// isPcapMagic: the classic pcap magic numbers, micro- or nanosecond, either byte
// order, and gzip (pcapgo reads a gzipped pcap).
func isPcapMagic(m []byte) bool {
	switch {
	case bytes.Equal(m, []byte{0xd4, 0xc3, 0xb2, 0xa1}), bytes.Equal(m, []byte{0xa1, 0xb2, 0xc3, 0xd4}),
		bytes.Equal(m, []byte{0x4d, 0x3c, 0xb2, 0xa1}), bytes.Equal(m, []byte{0xa1, 0xb2, 0x3c, 0x4d}),
		m[0] == 0x1f && m[1] == 0x8b:
		return true
	}
	return false
}

// Next reads the next TCP segment into p, skipping (and counting) everything else. It
// returns io.EOF at the end of the file; a file cut short ends as if it ended there
// (Stats.CutShort says so), since the packets before it are good.
func (r *Reader) Next(p *Packet) error {
	for {
		data, ci, err := r.src.ZeroCopyReadPacketData()
		r.Stats.Bytes = r.count.n
		if err != nil {
			if errors.Is(err, io.EOF) {
				return io.EOF
			}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				r.Stats.CutShort = true
				return io.EOF
			}
			return problemf("after %d packets: %v", r.Stats.Packets, err)
		}
		r.Stats.Packets++
		link := r.link
		if r.ng != nil {
			link = r.ng.LinkType()
			if len(ci.AncillaryData) > 0 {
				if lt, ok := ci.AncillaryData[0].(layers.LinkType); ok {
					link = lt
				}
			}
		}
		if r.decode(link, data, ci, p) {
			r.Stats.TCP++
			return nil
		}
	}
}

// parserFor is the layer parser of a link type, made on first use; nil for a link type
// not supported.
func (r *Reader) parserFor(link layers.LinkType, data []byte) *gopacket.DecodingLayerParser {
	first := gopacket.LayerType(0)
	switch link {
	case layers.LinkTypeEthernet:
		first = layers.LayerTypeEthernet
	case layers.LinkTypeLinuxSLL:
		first = layers.LayerTypeLinuxSLL
	case layers.LinkTypeLinuxSLL2:
		first = layers.LayerTypeLinuxSLL2
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		first = layers.LayerTypeLoopback
	case layers.LinkTypeRaw, layers.LinkTypeIPv4, layers.LinkTypeIPv6, 12, 14:
		// Raw IP: the version nibble says which (12 and 14 are raw IP on some BSDs).
		if len(data) == 0 {
			return nil
		}
		link = layers.LinkTypeRaw
		first = layers.LayerTypeIPv4
		if data[0]>>4 == 6 {
			link, first = layers.LinkTypeIPv6, layers.LayerTypeIPv6
		}
	default:
		return nil
	}
	if p, ok := r.parser[link]; ok {
		return p
	}
	d := &r.dec
	p := gopacket.NewDecodingLayerParser(first, &d.eth, &d.dot1q, &d.sll, &d.sll2, &d.loop, &d.ip4, &d.ip6, &d.ext6, &d.frag6, &d.tcp)
	p.IgnoreUnsupported = true
	r.parser[link] = p
	return p
}

// decode fills p from one packet and reports whether it is a whole TCP header.
func (r *Reader) decode(link layers.LinkType, data []byte, ci gopacket.CaptureInfo, p *Packet) bool {
	parser := r.parserFor(link, data)
	if parser == nil {
		r.Stats.Bad++
		return false
	}
	err := parser.DecodeLayers(data, &r.layers)
	var ip4, ip6, frag6, tcp bool
	for _, t := range r.layers {
		switch t {
		case layers.LayerTypeIPv4:
			ip4 = true
		case layers.LayerTypeIPv6:
			ip6 = true
		case layers.LayerTypeIPv6Fragment:
			frag6 = true
		case layers.LayerTypeTCP:
			tcp = true
		}
	}
	d := &r.dec
	switch {
	case ip4 && (d.ip4.Flags&layers.IPv4MoreFragments != 0 || d.ip4.FragOffset != 0),
		frag6 && (d.frag6.FragmentOffset != 0 || d.frag6.MoreFragments):
		r.Stats.Fragments++ // an atomic fragment (RFC 6946) is a whole packet, read on
		return false
	case tcp && err == nil:
	case ci.CaptureLength < ci.Length && (ip4 || ip6):
		r.Stats.Truncated++ // the snapshot length cut the TCP header
		return false
	case (ip4 && d.ip4.Protocol != layers.IPProtocolTCP) || (ip6 && !tcp && err == nil) || (!ip4 && !ip6 && err == nil):
		r.Stats.NonTCP++ // over IPv6: the chain of next headers ended elsewhere (UDP, ICMPv6, ESP…)
		return false
	default:
		r.Stats.Bad++
		return false
	}
	t := &d.tcp
	hdr := int(t.DataOffset) * 4
	payload := len(t.Payload)
	var src, dst netip.Addr
	if ip4 {
		src, _ = netip.AddrFromSlice(d.ip4.SrcIP)
		dst, _ = netip.AddrFromSlice(d.ip4.DstIP)
		if n := int(d.ip4.Length) - int(d.ip4.IHL)*4 - hdr; d.ip4.Length != 0 && n >= 0 {
			payload = n // the length on the wire, not what the snapshot kept
		}
	} else {
		src, _ = netip.AddrFromSlice(d.ip6.SrcIP)
		dst, _ = netip.AddrFromSlice(d.ip6.DstIP)
		// The payload length counts the extension headers: take away those between
		// the fixed header and TCP's (all three slices share the packet's bytes).
		ext := offsetIn(data, t.Contents) - offsetIn(data, d.ip6.Contents) - len(d.ip6.Contents)
		if n := int(d.ip6.Length) - ext - hdr; d.ip6.Length != 0 && n >= 0 {
			payload = n
		}
	}
	*p = Packet{
		T:   time.Duration(ci.Timestamp.UnixNano()),
		Src: netip.AddrPortFrom(src.Unmap(), uint16(t.SrcPort)), Dst: netip.AddrPortFrom(dst.Unmap(), uint16(t.DstPort)),
		Seq: t.Seq, Ack: t.Ack, Window: t.Window, Payload: payload, Flags: flagsOf(t),
	}
	return true
}

// offsetIn is where part, a slice of data, starts in it.
func offsetIn(data, part []byte) int { return cap(data) - cap(part) }

// flagsOf is a TCP header's control bits as the model's flags.
func flagsOf(t *layers.TCP) model.Flags {
	var f model.Flags
	for _, b := range [...]struct {
		on bool
		f  model.Flags
	}{{t.SYN, model.SYN}, {t.FIN, model.FIN}, {t.RST, model.RST}, {t.PSH, model.PSH}, {t.URG, model.URG}, {t.ACK, model.ACK}} {
		if b.on {
			f |= b.f
		}
	}
	return f
}

// countingReader counts the bytes read, for progress.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
