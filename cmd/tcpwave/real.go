package main

import (
	"context"
	"errors"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/tcpwave/tcpwave/cmd/tcpwave/internal/real"
	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/view"
)

const realSynopsis = "tcpwave real SCENARIO|FILE [--text] [--trace] [--pcap FILE] [--horizon D] [--lang en|zh]\n       tcpwave real --check [SCENARIO|FILE...]"

// runReal plays a scenario on this machine's kernel, in throw-away network namespaces,
// and compares it with the model's linux profile.
func runReal(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("real", realSynopsis, stderr, args)
	check := fs.Bool("check", false, view.Msgf(fs.lang, "run the catalog (or the scenarios named) and print a conformance table; exit 0 only if all agree"))
	text := fs.Bool("text", false, view.Msgf(fs.lang, "print the model's and the kernel's timelines merged, differences marked (the default off a terminal)"))
	traceOnly := fs.Bool("trace", false, view.Msgf(fs.lang, "print the kernel's timeline in the trace grammar"))
	pcapPath := fs.String("pcap", "", view.Msgf(fs.lang, "write every segment the link carried to this pcap file"))
	var rf runFlags
	rf.registerLang(fs)
	observe := fs.Duration("horizon", real.MaxObserve, view.Msgf(fs.lang, "follow the model's events this far (e.g. 70s to see TIME_WAIT end); the kernel is observed 1s longer"))
	pos, err := fs.parse(args)
	if err != nil {
		return exitFor(err)
	}
	real.RaisePriority()
	lang, err := rf.language()
	if err != nil {
		say(stderr, fs.lang, "tcpwave real: %s\n", errorText(fs.lang, err))
		return 2
	}
	if *observe <= 0 || *observe > 10*time.Minute {
		say(stderr, lang, "tcpwave real: --horizon: want a duration from 1ms to 10m, e.g. 70s\n")
		return 2
	}
	cfg := real.Config{Tol: real.DefaultTolerance, MaxObserve: *observe}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *check {
		if *pcapPath != "" || *text || *traceOnly {
			say(stderr, lang, "tcpwave real: --check takes no --pcap, --text or --trace\n")
			return 2
		}
		return realCheck(ctx, pos, cfg, lang, stdout, stderr)
	}
	if len(pos) != 1 {
		say(stderr, lang, "tcpwave real: name one scenario (an id from 'tcpwave list', or a .yaml file), or use --check\n")
		return 2
	}
	sc, err := scenarios.Get(pos[0])
	if err != nil {
		return reportLoadError(stderr, fs.lang, "real", err)
	}
	if why := real.UnplayableReason(sc); why != nil {
		say(stderr, lang, "tcpwave real: %s cannot run on real sockets: %s\n", sc.ID, errorText(lang, why))
		return 2
	}
	var pcap *os.File
	if *pcapPath != "" {
		if pcap, err = os.Create(*pcapPath); err != nil {
			say(stderr, lang, "tcpwave real: --pcap: %s\n", errorText(lang, err))
			return 2
		}
		defer pcap.Close()
	}
	var pw io.Writer
	if pcap != nil {
		pw = pcap
	}
	cfg.Pcap = pw
	tty := !*text && !*traceOnly && colorprofile.Detect(stdout, os.Environ()) != colorprofile.NoTTY
	if tty {
		say(stderr, lang, "tcpwave real: running %s on this kernel…\n", sc.ID)
	}
	o, res, _ := real.CheckOne(ctx, sc, cfg)
	if o.Err != nil {
		return realFailed(stderr, lang, o.Err)
	}
	if o.Skipped != nil {
		say(stderr, lang, "tcpwave real: %s: %s\n", sc.ID, errorText(lang, o.Skipped))
		return 2
	}
	if *traceOnly {
		io.WriteString(stdout, res.Text())
		return 0
	}
	first, differs := real.FirstDiff(o.Rows)
	var opts view.CompareOptions
	if tty {
		if opts, err = kernelComparison(sc, res.Events, o.Horizon, cfg.Tol); err != nil {
			// The run is not lost: its comparison goes out as text.
			say(stderr, lang, "tcpwave real: the kernel's run cannot be drawn (%s); its comparison as text:\n", errorText(lang, err))
			tty = false
		}
	}
	if tty {
		opts.Lang = lang
		if o.Disturbed() {
			opts.Disturbed = o.Late
		}
		m := view.NewCompare(opts)
		if _, err := tea.NewProgram(m, tea.WithOutput(stdout), tea.WithContext(ctx)).Run(); err != nil {
			say(stderr, lang, "tcpwave real: %s\n", errorText(lang, err))
			return 1
		}
		if differs {
			return 1
		}
		return 0
	}
	say(stdout, lang, "# %s: %s (kernel) against the model's linux profile, to %s ms\n", sc.ID, real.KernelRelease(), model.FormatMillis(o.Horizon))
	io.WriteString(stdout, real.MergedTextIn(lang, o.Rows))
	if o.Disturbed() {
		say(stdout, lang, "disturbed: in each of %d runs the link or an app was late, by up to %s ms (a busy machine)\n", o.Runs, model.FormatMillis(o.Late))
	}
	if differs {
		say(stdout, lang, "differs (%d); the first: %s\n", real.Differences(o.Rows), errorText(lang, first.Problem()))
		return 1
	}
	say(stdout, lang, "agrees\n")
	return 0
}

// realCheck runs the catalog, or the scenarios named, and prints the table.
func realCheck(ctx context.Context, names []string, cfg real.Config, lang view.Lang, stdout, stderr io.Writer) int {
	var list []*model.Scenario
	if len(names) == 0 {
		list = scenarios.Catalog()
	}
	for _, n := range names {
		sc, err := scenarios.Get(n)
		if err != nil {
			return reportLoadError(stderr, lang, "real", err)
		}
		list = append(list, sc)
	}
	ids := make([]string, len(list))
	for i, sc := range list {
		ids[i] = sc.ID
	}
	var outs []real.Outcome
	var table *real.Table
	status := 0
	for _, sc := range list {
		o, _, _ := real.CheckOne(ctx, sc, cfg)
		if o.Err != nil && (real.IsNeedRoot(o.Err) || ctx.Err() != nil) {
			return realFailed(stderr, lang, o.Err)
		}
		if o.Skipped == nil && !o.Agrees() {
			status = 1
		}
		if table == nil {
			table = real.NewTable(stdout, lang, ids, cfg.Tol, cfg.MaxObserve)
		}
		table.Row(o)
		outs = append(outs, o)
	}
	if table != nil {
		table.Summary(outs)
	}
	return status
}

// realFailed reports a run that could not be made: exit 2 for missing privileges, 1
// otherwise.
func realFailed(stderr io.Writer, l view.Lang, err error) int {
	if errors.Is(err, context.Canceled) {
		say(stderr, l, "tcpwave real: interrupted; its namespaces, sockets and devices went with the run\n")
		return 1
	}
	say(stderr, l, "tcpwave real: %s\n", errorText(l, err))
	if real.IsNeedRoot(err) {
		return 2
	}
	return 1
}
