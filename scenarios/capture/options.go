package capture

import (
	"encoding/binary"

	"github.com/gopacket/gopacket/layers"

	"github.com/tcpwave/tcpwave/model"
)

// sackOptions are the TCP options that carry a segment's SACK state, as Linux lays
// them out: two NOPs then SACK-permitted on a SYN that offers it, two NOPs then the
// SACK blocks on an ACK that has some (RFC 2018 §2, §3). nil when the segment has
// neither, which is every segment of a run whose profile has no SACK.
func sackOptions(seg *model.Segment) []layers.TCPOption {
	nop := layers.TCPOption{OptionType: layers.TCPOptionKindNop, OptionLength: 1}
	switch {
	case seg.SACK.Permitted:
		return []layers.TCPOption{nop, nop, {OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2}}
	case seg.SACK.N == 0:
		return nil
	}
	n := int(seg.SACK.N)
	data := make([]byte, 8*n)
	for i := range n {
		b := seg.SACK.Blocks[i]
		binary.BigEndian.PutUint32(data[8*i:], b.Start)
		binary.BigEndian.PutUint32(data[8*i+4:], b.End)
	}
	return []layers.TCPOption{nop, nop, {OptionType: layers.TCPOptionKindSACK, OptionLength: uint8(2 + 8*n), OptionData: data}}
}
