package main

import (
	"fmt"
	"io"
	"os"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/view"
)

// runUI opens the interactive diagram: tcpwave [SCENARIO|FILE] [flags].
func runUI(args []string, stdout, stderr io.Writer) int {
	return openUI(args, stdout, stderr, false)
}

// runDrill opens the diagram with the predict-the-next-step drill running:
// tcpwave drill [SCENARIO|FILE] [flags].
func runDrill(args []string, stdout, stderr io.Writer) int {
	return openUI(args, stdout, stderr, true)
}

// openUI opens the interactive diagram, with the drill running if drill.
func openUI(args []string, stdout, stderr io.Writer, drill bool) int {
	for _, a := range args {
		if isCapture(a) && !drill {
			return runOpen(args, stdout, stderr) // tcpwave FILE.pcap is tcpwave open FILE.pcap
		}
	}
	var rf runFlags
	name, use := "tcpwave", "tcpwave [SCENARIO|FILE] [--profile linux|rfc9293] [--set knob=value]... [--drop SIDE:N]..."
	if drill {
		name, use = "drill", "tcpwave drill [SCENARIO|FILE] [--profile linux|rfc9293] [--lang en|zh] [--set knob=value]... [--drop SIDE:N]..."
	}
	fs := newFlagSet(name, use, stderr, args)
	rf.register(fs)
	pos, err := fs.parse(args)
	if err != nil {
		return exitFor(err)
	}
	if len(pos) > 1 {
		say(stderr, fs.lang, "tcpwave: name at most one scenario, got %d (see 'tcpwave list')\n", len(pos))
		return 2
	}
	arg := "client-close"
	if len(pos) == 1 {
		arg = pos[0]
	}
	tl, err := rf.run(arg)
	if err != nil {
		return reportLoadError(stderr, fs.lang, "tcpwave", err)
	}
	if undrawable(stderr, fs.lang, "tcpwave", arg, tl) {
		return 1
	}
	opts := rf.viewOptions(tl.Scenario)
	opts.Drill = drill
	opts.Write = true // w saves the run as a pcap here; never over SSH
	m, err := view.New(opts)
	if err != nil {
		say(stderr, fs.lang, "tcpwave: %s\n", errorText(fs.lang, err))
		return 2
	}
	if _, err := tea.NewProgram(m, tea.WithOutput(stdout)).Run(); err != nil {
		fmt.Fprintf(stderr, "tcpwave: %v\n", err)
		return 1
	}
	return 0
}

// runRender prints the finished diagram: tcpwave render SCENARIO [--profile] [--width N].
func runRender(args []string, stdout, stderr io.Writer) int {
	var rf runFlags
	fs := newFlagSet("render", "tcpwave render SCENARIO|FILE [--profile linux|rfc9293] [--set knob=value]... [--drop SIDE:N]... [--width N] [--format text|mermaid] [--absolute]", stderr, args)
	rf.register(fs)
	l := fs.lang
	width := fs.Int("width", 100, view.Msgf(l, "width of the diagram in columns (at least %d)", view.MinRenderWidth))
	format := fs.String("format", "text", view.Msgf(l, "text (the diagram, coloured on a terminal) or mermaid (a Mermaid sequence diagram for Markdown)"))
	absolute := fs.Bool("absolute", false, view.Msgf(l, "label segments with absolute sequence numbers instead of relative ones"))
	pos, err := fs.parse(args)
	if err != nil {
		return exitFor(err)
	}
	if len(pos) != 1 {
		say(stderr, l, "tcpwave render: name one scenario (an id from 'tcpwave list', or a .yaml file)\n")
		return 2
	}
	if *format != "text" && *format != "mermaid" {
		say(stderr, l, "tcpwave render: --format must be text or mermaid, got %q\n", scenarios.Printable(*format))
		return 2
	}
	if *width < view.MinRenderWidth || *width > 1000 {
		say(stderr, l, "tcpwave render: --width must be between %d and 1000, got %d\n", view.MinRenderWidth, *width)
		return 2
	}
	tl, err := rf.run(pos[0])
	if err != nil {
		return reportLoadError(stderr, l, "render", err)
	}
	if *format == "text" && undrawable(stderr, l, "tcpwave render", pos[0], tl) {
		return 1
	}
	warnIfCut(stderr, l, "render", tl)
	lang, _ := rf.language()
	if *format == "mermaid" {
		io.WriteString(stdout, view.RenderMermaid(tl, *absolute, lang))
		return 0
	}
	prof := colorprofile.Detect(stdout, os.Environ())
	if prof <= colorprofile.Ascii {
		io.WriteString(stdout, view.Render(tl, view.RenderOptions{Width: *width, Absolute: *absolute, Lang: lang}))
		return 0
	}
	// A terminal: colour, downsampled to what it supports (dark background assumed:
	// render does not query the terminal).
	st := view.NewStyles(true, prof)
	w := &colorprofile.Writer{Forward: stdout, Profile: prof}
	io.WriteString(w, view.Render(tl, view.RenderOptions{Width: *width, Styles: &st, Absolute: *absolute, Lang: lang}))
	return 0
}
