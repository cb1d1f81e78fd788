package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpwave/tcpwave/scenarios/capture"
	"github.com/tcpwave/tcpwave/view"
)

// runOpen opens a capture: tcpwave open FILE [--flow A:PORT-B:PORT] [--at ...]. With
// several connections and no --flow, a picker lists them first.
func runOpen(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("open", "tcpwave open FILE.pcap|FILE.pcapng [--flow A:PORT-B:PORT] [--at client|server|link] [--lang en|zh] [--as-scenario [-o FILE.yaml]] [--simulate]", stderr, args)
	var rf runFlags
	rf.registerLang(fs)
	var x exportFlags
	fs.StringVar(&x.at, "at", "link", view.Msgf(fs.lang, "where the capture was taken: client, server or link (the default: every segment seen as it left its sender)"))
	fs.StringVar(&x.flow, "flow", "", view.Msgf(fs.lang, "the connection to open, A:PORT-B:PORT (IPv6 as [ADDR]:PORT); without it, the only one or a picker"))
	asScenario := fs.Bool("as-scenario", false, view.Msgf(fs.lang, "write a scenario built from the connection (who closed first, the delay, the losses) instead of opening it: run it with 'tcpwave FILE.yaml'"))
	fs.StringVar(&x.out, "o", "", view.Msgf(fs.lang, "with --as-scenario: the file to write (default: standard output)"))
	simulate := fs.Bool("simulate", false, view.Msgf(fs.lang, "open the model's run of the scenario --as-scenario builds beside the capture, differences marked (the s key in the capture's view does the same)"))
	pos, err := fs.parse(args)
	if err != nil {
		return exitFor(err)
	}
	if len(pos) != 1 {
		say(stderr, fs.lang, "tcpwave open: name one capture file (pcap or pcapng)\n")
		return 2
	}
	path := pos[0]
	l, err := rf.language()
	if err != nil {
		say(stderr, fs.lang, "tcpwave open: %s\n", errorText(fs.lang, err))
		return 2
	}
	at, err := capture.ParsePoint(x.at)
	if err != nil {
		say(stderr, l, "tcpwave open: %s\n", errorText(l, err))
		return 2
	}
	sc, err := scanCapture(path, l, stderr)
	if err != nil {
		say(stderr, l, "tcpwave open: %s: %s\n", path, errorText(l, err))
		return 1
	}
	f, err := chooseFlow(sc, x.flow)
	switch {
	case errors.Is(err, errMany) && *asScenario:
		say(stderr, l, "tcpwave open: %s: %s; name one with --flow:\n", path, errorText(l, err))
		listFlows(stderr, l, sc, 50)
		return 2
	case errors.Is(err, errMany):
		p := view.NewFlowPicker(path, sc.Flows, l)
		if _, err := tea.NewProgram(p, tea.WithOutput(stdout)).Run(); err != nil {
			say(stderr, l, "tcpwave open: %s\n", errorText(l, err))
			return 1
		}
		if p.Chosen == nil {
			return 0
		}
		f = p.Chosen
	case err != nil:
		say(stderr, l, "tcpwave open: %s: %s\n", path, errorText(l, err))
		if s := skipNote(l, sc); s != "" {
			fmt.Fprintf(stderr, "(%s)\n", s)
		}
		return 2
	}
	inf, more, err := inferFlow(path, f, at)
	if err != nil {
		say(stderr, l, "tcpwave open: %s: %s\n", path, errorText(l, err))
		return 1
	}
	if *asScenario {
		return writeScenario(inf, path, x.out, l, stdout, stderr)
	}
	if more {
		say(stderr, l, "tcpwave open: %s: the connection has more than %d packets; showing the first %d\n", path, capture.MaxFlowPackets, capture.MaxFlowPackets)
	}
	if undrawable(stderr, l, "tcpwave open", path+" --flow "+f.String(), inf.Timeline) {
		return 1
	}
	if *simulate {
		return openSimulation(inf, path, f.String(), l, stdout, stderr)
	}
	m, err := view.New(view.Options{Timeline: inf.Timeline, Addrs: [2]string{f.Client.String(), f.Server.String()}, Lang: l, Simulate: true})
	if err != nil {
		say(stderr, l, "tcpwave open: %s\n", errorText(l, err))
		return 1
	}
	if _, err := tea.NewProgram(m, tea.WithOutput(stdout)).Run(); err != nil {
		say(stderr, l, "tcpwave open: %s\n", errorText(l, err))
		return 1
	}
	if m.SimulateAsked() {
		return openSimulation(inf, path, f.String(), m.Lang(), stdout, stderr)
	}
	return 0
}

// writeScenario writes the scenario built from an inferred connection to out, or to
// stdout when out is "".
func writeScenario(inf *capture.Inference, path, out string, l view.Lang, stdout, stderr io.Writer) int {
	text, err := capture.AsScenario(inf, filepath.Base(path))
	if err != nil {
		say(stderr, l, "tcpwave open: %s: %s\n", path, errorText(l, err))
		return 1
	}
	if out == "" {
		io.WriteString(stdout, text)
		return 0
	}
	if err := os.WriteFile(out, []byte(text), 0o644); err != nil {
		say(stderr, l, "tcpwave open: %s\n", errorText(l, err))
		return 1
	}
	say(stderr, l, "wrote %s: run it with 'tcpwave %s' or 'tcpwave trace %s'\n", out, out, out)
	return 0
}
