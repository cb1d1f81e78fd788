package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	runtimedebug "runtime/debug"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"charm.land/ssh"

	"github.com/tcpwave/tcpwave/cmd/tcpwave/internal/server"
	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/view"
)

const serveSynopsis = `tcpwave serve [--listen 127.0.0.1:2222] [--host-key PATH] [--max-sessions N] [--max-per-ip N]
       [--idle-timeout D] [--max-session-time D] [--authorized-keys FILE] [--presenter-keys FILE]
       [--profile linux|rfc9293] [--set knob=value]... [--drop SIDE:N]... [--delay D]`

// serveStop is how long the process may take to exit after SIGINT/SIGTERM, at most.
const serveStop = 9 * time.Second

// runServe serves the UI over SSH until SIGINT or SIGTERM.
// serveMemoryLimit is the server's soft memory limit (runtime/debug.SetMemoryLimit):
// room for the default 200 sessions at about 1 MB each, and the server's own.
const serveMemoryLimit = 256 << 20

// serveGCPercent is the server's GOGC: the heap may grow to 1.5 times what is live
// before the collector runs (Go's default is 2 times). In the 2-minute soak of 40
// normal and 200 hostile clients the peak RSS went from 250 to 213 MB.
const serveGCPercent = 50

func runServe(args []string, stdout, stderr io.Writer) int {
	var (
		rf      runFlags
		cfg     server.Config
		listen  string
		keyPath string
		authKey string
		presKey string
		debug   bool
	)
	about := view.Msgf(cliLang(args), `Serves the UI over SSH: every 'ssh -p 2222 HOST' gets its own tcpwave.
'ssh -t -p 2222 HOST SCENARIO' (or 'ssh -p 2222 SCENARIO@HOST') opens a scenario directly;
'ssh -t -p 2222 HOST drill [SCENARIO]' (or 'ssh -p 2222 drill@HOST') starts the drill.
With --presenter-keys it is a class: whoever logs in with one of those keys presents,
and everyone else follows the presenter's story live (f explores on one's own).`)
	fs := newFlagSet("serve", serveSynopsis+"\n\n"+about, stderr, args)
	fs.StringVar(&listen, "listen", "127.0.0.1:2222", view.Msgf(fs.lang, "address to listen on (use 0.0.0.0:2222 or :2222 for a class)"))
	fs.StringVar(&keyPath, "host-key", "", view.Msgf(fs.lang, "host key file (created as ed25519 if missing) (default $XDG_DATA_HOME/tcpwave/%s)", server.HostKeyName))
	fs.IntVar(&cfg.MaxSessions, "max-sessions", server.DefaultMaxSessions, view.Msgf(fs.lang, "most concurrent sessions in all"))
	fs.IntVar(&cfg.MaxPerIP, "max-per-ip", server.DefaultMaxPerIP, view.Msgf(fs.lang, "most concurrent sessions from one address (a class behind NAT is one address)"))
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", server.DefaultIdleTimeout, view.Msgf(fs.lang, "end a session after this long without a key press"))
	fs.DurationVar(&cfg.MaxSessionTime, "max-session-time", server.DefaultMaxSessionTime, view.Msgf(fs.lang, "end every session after this long"))
	fs.StringVar(&authKey, "authorized-keys", "", view.Msgf(fs.lang, "only let in the keys in this authorized_keys FILE (default: open to anyone)"))
	fs.StringVar(&presKey, "presenter-keys", "", view.Msgf(fs.lang, "run a class: sessions with a key in this authorized_keys FILE present, all others follow"))
	fs.BoolVar(&debug, "debug", false, view.Msgf(fs.lang, "log debug messages (failed handshakes)"))
	rf.register(fs)
	pos, err := fs.parse(args)
	if err != nil {
		return exitFor(err)
	}
	if len(pos) > 0 {
		say(stderr, fs.lang, "tcpwave serve: unexpected argument %q (clients choose the scenario: ssh -t -p PORT HOST SCENARIO)\n", scenarios.Printable(pos[0]))
		return 2
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// A flood is decrypted into garbage faster than the collector's default pace
		// (GOGC) returns it: a soft limit makes it collect sooner rather than let the
		// heap double; above the live heap when the sessions hold more (memlimit.go).
		// GOMEMLIMIT overrides it.
		heapDone := make(chan struct{})
		defer close(heapDone)
		go followLiveHeap(serveMemoryLimit, heapDone)
	}
	if os.Getenv("GOGC") == "" {
		// Nearly all of the server's heap is its sessions' screens, which live as
		// long as the sessions: half of it again as headroom, not all of it, is
		// enough for the collector. GOGC overrides it.
		runtimedebug.SetGCPercent(serveGCPercent)
	}
	defer startCPUProfile(stderr)()
	if prefix := os.Getenv("TCPWAVE_MEMPROFILE"); prefix != "" {
		go watchPeakMemory(prefix)
	}
	for _, c := range []struct {
		name string
		bad  bool
	}{
		{view.Msgf(fs.lang, "--max-sessions must be at least 1"), cfg.MaxSessions < 1},
		{view.Msgf(fs.lang, "--max-per-ip must be at least 1"), cfg.MaxPerIP < 1},
		{view.Msgf(fs.lang, "--idle-timeout must be positive"), cfg.IdleTimeout <= 0},
		{view.Msgf(fs.lang, "--max-session-time must be positive"), cfg.MaxSessionTime <= 0},
	} {
		if c.bad {
			say(stderr, fs.lang, "tcpwave serve: %s\n", c.name)
			return 2
		}
	}
	if _, _, err := net.SplitHostPort(listen); err != nil {
		say(stderr, fs.lang, "tcpwave serve: --listen %q: want HOST:PORT, e.g. 0.0.0.0:2222\n", scenarios.Printable(listen))
		return 2
	}
	// Check the profile, knobs, drops and delay once, up front, against the default
	// scenario.
	if _, err := rf.run(defaultScenario().ID); err != nil {
		say(stderr, fs.lang, "tcpwave serve: %s\n", errorText(fs.lang, err))
		return 2
	}

	if keyPath == "" {
		if keyPath, err = server.DefaultHostKeyPath(); err != nil {
			say(stderr, fs.lang, "tcpwave serve: %s\n", errorText(fs.lang, err))
			return 1
		}
	}
	signer, created, err := server.LoadOrCreateHostKey(keyPath)
	if err != nil {
		say(stderr, fs.lang, "tcpwave serve: %s\n", errorText(fs.lang, err))
		return 1
	}
	if authKey != "" {
		if cfg.AuthorizedKeys, err = server.LoadAuthorizedKeys(authKey); err != nil {
			say(stderr, fs.lang, "tcpwave serve: %s\n", errorText(fs.lang, err))
			return 1
		}
	}
	if presKey != "" {
		if cfg.PresenterKeys, err = server.LoadAuthorizedKeys(presKey); err != nil {
			say(stderr, fs.lang, "tcpwave serve: --presenter-keys: %s\n", errorText(fs.lang, err))
			return 1
		}
		if len(cfg.PresenterKeys) == 0 {
			say(stderr, fs.lang, "tcpwave serve: --presenter-keys: %s holds no key\n", scenarios.Printable(presKey))
			return 1
		}
		cfg.ClassModel = classModel(rf)
	}

	logger := log.NewWithOptions(stderr, log.Options{ReportTimestamp: true, TimeFormat: "2006-01-02T15:04:05.000Z07:00", Prefix: "tcpwave"})
	if debug {
		logger.SetLevel(log.DebugLevel)
	}
	// charm.land/ssh reports its own recovered panics through slog.
	slog.SetDefault(slog.New(logger))
	cfg.Logger = logger
	cfg.HostKey = signer
	cfg.NewModel = sessionModel(rf)
	if cfg.Lang, err = rf.language(); err != nil {
		say(stderr, fs.lang, "tcpwave serve: %s\n", errorText(fs.lang, err))
		return 2
	}
	cfg.Commands = map[string]func(io.Writer){
		"list":    func(w io.Writer) { writeCatalog(w, view.En) },
		"list zh": func(w io.Writer) { writeCatalog(w, view.Zh) },
		"list en": func(w io.Writer) { writeCatalog(w, view.En) },
		// The interview questions (面试题); the picker's second tab opens them.
		"questions":    func(w io.Writer) { writeQuestions(w, view.En) },
		"questions zh": func(w io.Writer) { writeQuestions(w, view.Zh) },
		"questions en": func(w io.Writer) { writeQuestions(w, view.En) },
	}

	srv, err := server.New(cfg)
	if err != nil {
		say(stderr, fs.lang, "tcpwave serve: %s\n", errorText(fs.lang, err))
		return 1
	}
	l, err := net.Listen("tcp", listen)
	if err != nil {
		say(stderr, fs.lang, "tcpwave serve: %s\n", errorText(fs.lang, err))
		return 1
	}

	how := "reused"
	if created {
		how = "created"
	}
	host, port, _ := net.SplitHostPort(l.Addr().String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "HOST"
	}
	fmt.Fprintf(stdout, "tcpwave serving on %s\n", l.Addr())
	fmt.Fprintf(stdout, "host key %s (%s, %s, %s)\n", srv.Fingerprint(), strings.TrimPrefix(signer.PublicKey().Type(), "ssh-"), keyPath, how)
	fmt.Fprintf(stdout, "connect: ssh -p %s %s    a scenario: ssh -t -p %s %s SCENARIO\n", port, host, port, host)
	if len(cfg.PresenterKeys) > 0 {
		fmt.Fprintf(stdout, "a class: %s holds the presenter keys (%d); every other session follows\n", presKey, len(cfg.PresenterKeys))
	}
	if len(cfg.AuthorizedKeys) == 0 {
		fmt.Fprintln(stdout, "open to anyone who can reach it (--authorized-keys FILE restricts it)")
	} else {
		fmt.Fprintf(stdout, "only for the %d keys in %s\n", len(cfg.AuthorizedKeys), authKey)
	}
	logger.Info("serving", "addr", l.Addr().String(), "fingerprint", srv.Fingerprint(),
		"max_sessions", cfg.MaxSessions, "max_per_ip", cfg.MaxPerIP,
		"idle_timeout", cfg.IdleTimeout.String(), "max_session_time", cfg.MaxSessionTime.String())

	sigs := make(chan os.Signal, 2)
	// SIGHUP too: a teacher closing the terminal the server runs in should not leave
	// every student's terminal in the alt screen.
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	select {
	case err := <-served:
		logger.Error("server stopped", "err", err)
		return 1
	case sig := <-sigs:
		logger.Info("shutting down", "signal", sig.String(), "sessions", srv.Active())
	}
	// From here the process is gone within serveStop, whatever happens: a second
	// signal, or sessions that will not end, cannot hold it up.
	go func() {
		select {
		case <-sigs:
			logger.Warn("second signal: exiting now")
		case <-time.After(serveStop):
			logger.Error("shutdown overran; exiting")
		}
		os.Exit(1)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	code := 0
	if err := srv.Shutdown(ctx); err != nil {
		logger.Warn("shutdown", "err", err)
		code = 1
	}
	select {
	case <-served:
	case <-time.After(time.Second):
	}
	logger.Info("stopped")
	return code
}

// defaultScenario is the scenario a session opens without an argument.
func defaultScenario() *model.Scenario {
	if sc, ok := scenarios.Lookup("client-close"); ok {
		return sc
	}
	return scenarios.Catalog()[0]
}

// sessionModel is the server's factory: a fresh UI per session, for the scenario the
// client asked for.
func sessionModel(rf runFlags) server.Factory {
	return func(sess ssh.Session, arg string) (tea.Model, error) {
		fallback, _ := rf.language()
		lang, arg, err := view.SessionLang(arg, sess.Environ(), fallback)
		if err != nil {
			return nil, err
		}
		// "drill" (ssh -t host drill [SCENARIO] [zh], or ssh drill@host) starts the drill.
		words := strings.Fields(arg)
		drill := len(words) > 0 && words[0] == "drill" || len(words) == 0 && sess.User() == "drill"
		if len(words) > 0 && words[0] == "drill" {
			arg = strings.Join(words[1:], " ")
		}
		if _, isScenario := scenarios.Lookup(arg); !isScenario && !drill {
			// An interview question's id opens it (ssh -t HOST fourth-lost zh).
			if q, ok := scenarios.QuestionByID(arg); ok {
				opts := rf.viewOptions(nil)
				opts.Question, opts.Lang = q.ID, lang
				return view.New(opts)
			}
		}
		sc, err := sshScenario(arg, sess.User())
		if err != nil {
			return nil, err
		}
		// sc.ID is a catalog id (never a path), so load finds it in the catalog; it
		// applies the server's --delay to a copy.
		if sc, _, err = rf.load(sc.ID); err != nil {
			return nil, err
		}
		opts := rf.viewOptions(sc)
		opts.Lang, opts.Drill = lang, drill
		return view.New(opts)
	}
}

// classModel is the server's factory in a class: the same UI, with its role and its
// side of the room.
func classModel(rf runFlags) server.ClassFactory {
	solo := sessionModel(rf)
	return func(sess ssh.Session, arg string, role view.Role, class view.Class) (tea.Model, error) {
		m, err := solo(sess, arg)
		if err != nil {
			return nil, err
		}
		return m.(*view.Model).InClass(role, class), nil
	}
}

// sshScenario resolves the scenario a remote user asked for: the command
// (ssh -t host SCENARIO), else the user name when it is a scenario id
// (ssh SCENARIO@host, which needs no -t), else the default. Only catalog ids are
// accepted: a remote user must never make the server open a file.
func sshScenario(arg, user string) (*model.Scenario, error) {
	if arg == "" {
		if sc, ok := scenarios.Lookup(user); ok {
			return sc, nil
		}
		return defaultScenario(), nil
	}
	if sc, ok := scenarios.Lookup(arg); ok {
		return sc, nil
	}
	var ids []string
	for _, sc := range scenarios.Catalog() {
		ids = append(ids, sc.ID)
	}
	msg := fmt.Sprintf("unknown scenario %q", arg)
	if strings.ContainsAny(arg, `/\`) || strings.HasSuffix(arg, ".yaml") || strings.HasSuffix(arg, ".yml") {
		msg = fmt.Sprintf("%q: scenario files cannot be opened over SSH, only the catalog", arg)
	} else if c := scenarios.Closest(arg); c != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", c)
	}
	return nil, errors.New(msg + "; scenarios: " + strings.Join(ids, ", "))
}
