package main

import (
	"flag"
	"io"
	"os"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios/capture"
	"github.com/tcpwave/tcpwave/view"
)

// exportFlags are trace's flags for captures: the format written, the file, the
// capture point, and for a capture read, the connection.
type exportFlags struct {
	format string
	out    string
	at     string
	flow   string
	point  capture.Point
}

func (x *exportFlags) register(fs *flag.FlagSet, l view.Lang) {
	fs.StringVar(&x.format, "format", "text", view.Msgf(l, "text (the trace) or pcap (a capture file, with -o)"))
	fs.StringVar(&x.out, "o", "", view.Msgf(l, "the file --format pcap writes"))
	fs.StringVar(&x.at, "at", "link", view.Msgf(l, "where the capture is (taken or read as taken): client, server or link (every segment as it leaves its sender, lost ones too)"))
	fs.StringVar(&x.flow, "flow", "", view.Msgf(l, "for a capture read: the connection, A:PORT-B:PORT (IPv6 as [ADDR]:PORT)"))
}

// check validates the flags; done reports that the command must stop with code.
func (x *exportFlags) check(l view.Lang, stderr io.Writer) (code int, done bool) {
	p, err := capture.ParsePoint(x.at)
	if err != nil {
		say(stderr, l, "tcpwave trace: %s\n", errorText(l, err))
		return 2, true
	}
	x.point = p
	switch x.format {
	case "text":
		if x.out != "" {
			say(stderr, l, "tcpwave trace: -o writes a capture: give --format pcap too (the text trace goes to standard output)\n")
			return 2, true
		}
	case "pcap":
		if x.out == "" {
			say(stderr, l, "tcpwave trace: --format pcap needs -o FILE (a capture is not written to a terminal)\n")
			return 2, true
		}
	default:
		say(stderr, l, "tcpwave trace: --format must be text or pcap, got %q\n", x.format)
		return 2, true
	}
	return 0, false
}

// exportPcap writes tl as a pcap file at the flags' capture point.
func exportPcap(tl *model.Timeline, x *exportFlags, l view.Lang, stderr io.Writer) int {
	f, err := os.Create(x.out)
	if err != nil {
		say(stderr, l, "tcpwave trace: %s\n", errorText(l, err))
		return 1
	}
	err = capture.Export(f, tl, x.point)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		say(stderr, l, "tcpwave trace: %s: %s\n", x.out, errorText(l, err))
		return 1
	}
	return 0
}
