// Package capture turns tcpwave's runs into packet captures and packet captures into
// tcpwave timelines.
//
// Export writes a model run as a classic pcap file (IPv4 and TCP, valid checksums,
// absolute sequence numbers, the virtual time as each packet's timestamp) that
// tcpdump and Wireshark read. Open reads a pcap or pcapng file as a stream, lists
// its TCP connections, and builds, for the one chosen, a model timeline whose
// endpoint states are inferred from the segments the capture shows: each inference
// carries the rule behind it (a model.Note with an inference rule of
// model/inferred.go), and findings (a retransmission, a missing segment, a RST after
// a FIN...) are flagged where they happen.
//
// The packets are read and written with github.com/gopacket/gopacket (layers and
// pcapgo), in pure Go: no libpcap.
package capture
