package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/tcpwave/tcpwave/scenarios/capture"
	"github.com/tcpwave/tcpwave/view"
)

// isCapture reports whether a command's argument names a capture file (by its
// extension) rather than a scenario.
func isCapture(arg string) bool {
	a := strings.ToLower(arg)
	return strings.HasSuffix(a, ".pcap") || strings.HasSuffix(a, ".pcapng") || strings.HasSuffix(a, ".cap") || strings.HasSuffix(a, ".pcap.gz")
}

// scanCapture reads a whole capture once for its connections, saying on stderr how
// far it has got when it takes more than a moment.
func scanCapture(path string, l view.Lang, stderr io.Writer) (*capture.Scan, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, view.Errorf("cannot read it: %v", plainErr(err))
	}
	defer f.Close()
	size := int64(0)
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	start := time.Now()
	shown := false
	progress := func(st capture.Stats) {
		if time.Since(start) < time.Second {
			return
		}
		shown = true
		pct := ""
		if size > 0 {
			pct = fmt.Sprintf(" (%d%%)", st.Bytes*100/size)
		}
		say(stderr, l, "\rreading %s: %d packets%s", path, st.Packets, pct)
	}
	sc, err := capture.ScanFlows(f, progress)
	if shown {
		fmt.Fprintln(stderr)
	}
	return sc, err
}

// chooseFlow picks the connection to open: the one --flow names, or the only one.
// errMany says there are several and none was named.
func chooseFlow(sc *capture.Scan, flow string) (*capture.Flow, error) {
	if flow != "" {
		k, err := capture.ParseFlow(flow)
		if err != nil {
			return nil, err
		}
		f := sc.Find(k)
		if f == nil {
			return nil, view.Errorf("--flow %s: no TCP connection with these addresses and ports in the capture", flow)
		}
		return f, nil
	}
	switch len(sc.Flows) {
	case 0:
		return nil, errNoTCP
	case 1:
		return sc.Flows[0], nil
	}
	return nil, errMany
}

var (
	errNoTCP = view.Errorf("no TCP connection in the capture")
	errMany  = view.Errorf("the capture holds several connections")
)

// inferFlow reads one flow's packets and infers its timeline.
func inferFlow(path string, f *capture.Flow, at capture.Point) (*capture.Inference, bool, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer file.Close()
	pkts, more, _, err := capture.ReadFlow(file, f.Key)
	if err != nil && len(pkts) == 0 {
		return nil, false, err
	}
	inf, err := capture.Infer(pkts, f.Client.String(), f.Server.String(), at)
	return inf, more, err
}

// skipNote says what a scan skipped, in l, or "".
func skipNote(l view.Lang, sc *capture.Scan) string {
	st := &sc.Stats
	cut := ""
	if st.CutShort {
		cut = view.Msgf(l, "the file ends in the middle of a packet (cut short?): read up to there")
	}
	if st.Skipped() == 0 && sc.Untracked == 0 {
		return cut
	}
	s := view.Msgf(l, "skipped %d of %d packets: %d not TCP, %d IP fragments, %d cut short by the snapshot length, %d undecodable",
		st.Skipped(), st.Packets, st.NonTCP, st.Fragments, st.Truncated, st.Bad)
	if sc.Untracked > 0 {
		s += view.Msgf(l, "; %d TCP packets of connections beyond the %d tracked", sc.Untracked, capture.MaxFlows)
	}
	if cut != "" {
		s += "; " + cut
	}
	return s
}

// listFlows writes the connections of a capture, one a line, as --flow takes them,
// each with how it ended, when it started and its packets, in l.
func listFlows(w io.Writer, l view.Lang, sc *capture.Scan, limit int) {
	for i, f := range sc.Flows {
		if i == limit {
			say(w, l, "  ... and %d more\n", len(sc.Flows)-limit)
			break
		}
		fmt.Fprintf(w, "  --flow %-45s  %s\n", f.String(), view.FlowSummary(l, f))
	}
}

// traceCapture prints a capture's connection as an inferred timeline.
func traceCapture(path string, cl view.Lang, rf *runFlags, x *exportFlags, stdout, stderr io.Writer) int {
	if x.format == "pcap" {
		say(stderr, cl, "tcpwave trace: %s is a capture already: --format pcap writes a scenario's run\n", path)
		return 2
	}
	l, err := rf.language()
	if err != nil {
		say(stderr, cl, "tcpwave trace: %s\n", errorText(cl, err))
		return 2
	}
	sc, err := scanCapture(path, l, stderr)
	if err != nil {
		say(stderr, l, "tcpwave trace: %s: %s\n", path, errorText(l, err))
		return 1
	}
	f, err := chooseFlow(sc, x.flow)
	if err != nil {
		say(stderr, l, "tcpwave trace: %s: %s\n", path, errorText(l, err))
		if errors.Is(err, errMany) {
			say(stderr, l, "name one with --flow:\n")
			listFlows(stderr, l, sc, 50)
		}
		if s := skipNote(l, sc); s != "" {
			fmt.Fprintf(stderr, "(%s)\n", s)
		}
		return 2
	}
	inf, more, err := inferFlow(path, f, x.point)
	if err != nil {
		say(stderr, l, "tcpwave trace: %s: %s\n", path, errorText(l, err))
		return 1
	}
	io.WriteString(stdout, view.InferredTraceText(l, inf.Timeline, captureHeader(l, path, sc, f, inf, more)))
	return 0
}

// captureHeader is the comment header of a capture's trace, in l. Its first words
// before the colon are keys (capture, connection, capture point, delay, t=0), in English
// whatever l, as the trace grammar's are.
func captureHeader(l view.Lang, path string, sc *capture.Scan, f *capture.Flow, inf *capture.Inference, more bool) []string {
	h := []string{
		"capture: " + path,
		view.Msgf(l, "connection: A=%s (client) B=%s (server), %d packets, %s", f.Client, f.Server, f.Packets, view.EndingName(l, f.End)),
		view.Msgf(l, "capture point: %s (assumed; --at client|server|link)", inf.At),
		view.Msgf(l, "delay from the capture point: A=%s B=%s (from the quickest answer)", fmtMillis(inf.Delay[0]), fmtMillis(inf.Delay[1])),
		"t=0: " + time.Unix(0, int64(inf.Start)).UTC().Format("2006-01-02 15:04:05.000000 UTC"),
		view.Msgf(l, "states are inferred from the segments; seq and ack are relative to each side's ISN"),
	}
	if more {
		h = append(h, view.Msgf(l, "truncated: only the first %d packets of the connection are read", capture.MaxFlowPackets))
	}
	if s := skipNote(l, sc); s != "" {
		h = append(h, s)
	}
	return h
}

// fmtMillis writes a duration as the trace does: milliseconds, 3 decimals.
func fmtMillis(d time.Duration) string { return fmt.Sprintf("%.3fms", float64(d.Microseconds())/1000) }

// plainErr drops the path an *os.PathError repeats (the caller names the file).
func plainErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
