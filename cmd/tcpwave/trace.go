package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/view"
)

func runList(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("list", "tcpwave list [--lang en|zh]", stderr, args)
	var rf runFlags
	rf.registerLang(fs)
	pos, err := fs.parse(args)
	if err != nil {
		return exitFor(err)
	}
	if len(pos) > 0 {
		say(stderr, fs.lang, "tcpwave list: takes no arguments, got %q\n", scenarios.Printable(pos[0]))
		return 2
	}
	l, err := rf.language()
	if err != nil {
		say(stderr, fs.lang, "tcpwave list: %s\n", errorText(fs.lang, err))
		return 2
	}
	writeCatalog(stdout, l)
	return 0
}

// writeCatalog lists the catalog's scenarios, one per line: id and title in l.
func writeCatalog(w io.Writer, l view.Lang) {
	n := 0
	for _, sc := range scenarios.Catalog() {
		n = max(n, len(sc.ID))
	}
	for _, sc := range scenarios.Catalog() {
		fmt.Fprintf(w, "%-*s  %s\n", n, sc.ID, view.ScenarioTitle(l, sc))
	}
}

func runTrace(args []string, stdout, stderr io.Writer) int {
	var rf runFlags
	fs := newFlagSet("trace", "tcpwave trace SCENARIO|FILE|CAPTURE [--profile linux|rfc9293] [--set knob=value]... [--drop SIDE:N]... [--format text|pcap -o FILE] [--at client|server|link] [--flow A:PORT-B:PORT]", stderr, args)
	rf.register(fs)
	absolute := fs.Bool("absolute", false, view.Msgf(fs.lang, "print absolute sequence numbers instead of relative ones"))
	var xf exportFlags
	xf.register(fs.FlagSet, fs.lang)
	pos, err := fs.parse(args)
	if err != nil {
		return exitFor(err)
	}
	if len(pos) != 1 {
		say(stderr, fs.lang, "tcpwave trace: name one scenario (an id from 'tcpwave list', or a .yaml file)\n")
		return 2
	}
	if code, done := xf.check(fs.lang, stderr); done {
		return code
	}
	if isCapture(pos[0]) {
		return traceCapture(pos[0], fs.lang, &rf, &xf, stdout, stderr)
	}
	tl, err := rf.run(pos[0])
	if err != nil {
		return reportLoadError(stderr, fs.lang, "trace", err)
	}
	warnIfCut(stderr, fs.lang, "trace", tl)
	if xf.format == "pcap" {
		return exportPcap(tl, &xf, fs.lang, stderr)
	}
	l, _ := rf.language()
	io.WriteString(stdout, view.TraceText(l, tl, *absolute))
	return 0
}

func runKnobs(args []string, stdout, stderr io.Writer) int {
	var rf runFlags
	fs := newFlagSet("knobs", "tcpwave knobs [--profile linux|rfc9293] [--set knob=value]...", stderr, args)
	rf.register(fs)
	pos, err := fs.parse(args)
	if err != nil {
		return exitFor(err)
	}
	if len(pos) > 0 {
		say(stderr, fs.lang, "tcpwave knobs: takes no arguments, got %q\n", scenarios.Printable(pos[0]))
		return 2
	}
	p, err := model.ProfileByName(rf.profile)
	if err == nil {
		for _, o := range rf.sets {
			if err = p.Set(o.Knob, o.Value); err != nil {
				break
			}
		}
	}
	if err != nil {
		say(stderr, fs.lang, "tcpwave knobs: %s\n", errorText(fs.lang, err))
		return 2
	}
	l, err := rf.language()
	if err != nil {
		say(stderr, fs.lang, "tcpwave knobs: %s\n", errorText(fs.lang, err))
		return 2
	}
	say(stdout, l, "# profile %s; --set knob=value takes the values as written here:\n", p.Name)
	say(stdout, l, "# durations with their unit (60s, 200ms, 1.5s), switches 0 or 1, counts as whole numbers\n")
	for _, k := range model.Knobs {
		v, _ := p.Get(k.Name)
		fmt.Fprintf(stdout, "%-22s %-8s %s\n", k.Name, v, view.KnobDoc(l, k.Name))
	}
	return 0
}

// reportLoadError prints a scenario or profile problem in one line; exit status 2.
func reportLoadError(stderr io.Writer, l view.Lang, cmd string, err error) int {
	say(stderr, l, "%s: %s\n", commandName(cmd), errorText(l, err))
	var ue *scenarios.UnknownError
	if errors.As(err, &ue) {
		ids := make([]string, 0, len(scenarios.Catalog()))
		for _, sc := range scenarios.Catalog() {
			ids = append(ids, sc.ID)
		}
		say(stderr, l, "known scenarios: %s\n", strings.Join(ids, ", "))
	}
	return 2
}
