package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/tcpwave/tcpwave/view"
)

// runUI opens the interactive diagram: tcpwave [SCENARIO|FILE] [flags].
func runUI(args []string, stdout, stderr io.Writer) int {
	for _, a := range args {
		if isCapture(a) {
			return runOpen(args, stdout, stderr) // tcpwave FILE.pcap is tcpwave open FILE.pcap
		}
	}
	var rf runFlags
	fs := newFlagSet("tcpwave", "tcpwave [SCENARIO|FILE] [--profile linux|rfc9293] [--set knob=value]... [--drop SIDE:N]...", stderr)
	rf.register(fs.FlagSet)
	pos, err := fs.parse(args)
	if err != nil {
		return exitFor(err)
	}
	if len(pos) > 1 {
		fmt.Fprintf(stderr, "tcpwave: name at most one scenario, got %d (see 'tcpwave list')\n", len(pos))
		return 2
	}
	arg := "client-close"
	if len(pos) == 1 {
		arg = pos[0]
	}
	tl, err := rf.run(arg)
	if err != nil {
		// The same report as the other commands, without a command name.
		var b bytes.Buffer
		code := reportLoadError(&b, "ui", err)
		io.WriteString(stderr, strings.Replace(b.String(), "tcpwave ui: ", "tcpwave: ", 1))
		return code
	}
	if undrawable(stderr, "tcpwave", arg, tl) {
		return 1
	}
	opts := rf.viewOptions(tl.Scenario)
	opts.Write = true // w saves the run as a pcap here; never over SSH
	m, err := view.New(opts)
	if err != nil {
		fmt.Fprintf(stderr, "tcpwave: %v\n", err)
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
	fs := newFlagSet("render", "tcpwave render SCENARIO|FILE [--profile linux|rfc9293] [--set knob=value]... [--drop SIDE:N]... [--width N] [--format text|mermaid] [--absolute]", stderr)
	rf.register(fs.FlagSet)
	width := fs.Int("width", 100, "width of the diagram in columns (at least 48)")
	format := fs.String("format", "text", "text (the diagram, coloured on a terminal) or mermaid (a Mermaid sequence diagram for Markdown)")
	absolute := fs.Bool("absolute", false, "label segments with absolute sequence numbers instead of relative ones")
	pos, err := fs.parse(args)
	if err != nil {
		return exitFor(err)
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "tcpwave render: name one scenario (an id from 'tcpwave list', or a .yaml file)")
		return 2
	}
	if *format != "text" && *format != "mermaid" {
		fmt.Fprintf(stderr, "tcpwave render: --format must be text or mermaid, got %q\n", *format)
		return 2
	}
	if *width < view.MinRenderWidth || *width > 1000 {
		fmt.Fprintf(stderr, "tcpwave render: --width must be between %d and 1000, got %d\n", view.MinRenderWidth, *width)
		return 2
	}
	tl, err := rf.run(pos[0])
	if err != nil {
		return reportLoadError(stderr, "render", err)
	}
	if *format == "text" && undrawable(stderr, "tcpwave render", pos[0], tl) {
		return 1
	}
	warnIfCut(stderr, "render", tl)
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
