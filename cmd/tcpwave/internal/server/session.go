package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/tcpwave/tcpwave/view"
	"io"
	"net"
	"regexp"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"charm.land/ssh"
	"github.com/charmbracelet/colorprofile"
)

// Reason says why a session ended; it is logged and picks the goodbye line.
type Reason string

// Reasons a session ends.
const (
	ReasonQuit         Reason = "quit"          // the user quit
	ReasonIdle         Reason = "idle"          // no input for IdleTimeout
	ReasonMaxTime      Reason = "max-time"      // MaxSessionTime reached
	ReasonShutdown     Reason = "shutdown"      // the server is shutting down
	ReasonPanic        Reason = "panic"         // the program panicked
	ReasonDisconnected Reason = "disconnected"  // the client went away
	ReasonError        Reason = "error"         // the program failed
	ReasonFlood        Reason = "input-flood"   // far more input than anyone types, dropped
	ReasonNoPTY        Reason = "no-pty"        // refused: no terminal
	ReasonBadArg       Reason = "bad-arguments" // refused: the factory said no
)

// maxCommand bounds the command a client may give (ssh host COMMAND).
const maxCommand = 1 << 10

// clientEnv is the part of a client's environment a program sees: what selects colours
// and locale, nothing else. Nothing comes from the server's own environment.
var clientEnv = map[string]bool{
	"COLORTERM": true, "NO_COLOR": true, "CLICOLOR": true, "CLICOLOR_FORCE": true,
	"LANG": true, "LC_ALL": true, "LC_CTYPE": true, "LC_MESSAGES": true, "TERM_PROGRAM": true,
}

var termName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$`)

// sessionEnv builds the program's environment from the client's TERM and a few of its
// variables. An implausible TERM (control characters, paths, 64+ bytes) becomes
// "xterm-256color".
func sessionEnv(term string, environ []string) (env []string, cleanTerm string) {
	if !termName.MatchString(term) {
		term = "xterm-256color"
	}
	env = []string{"TERM=" + term}
	for _, kv := range environ {
		k, _, ok := strings.Cut(kv, "=")
		if ok && clientEnv[k] {
			env = append(env, kv)
		}
	}
	return env, term
}

// clamp returns the size the program gets for a client's terminal of w×h, and whether
// it had to be reduced. A zero dimension (unknown) counts as 80×24.
func (s *Server) clamp(w, h int) (cw, ch int, clamped bool) {
	if w <= 0 {
		w = 80
	}
	if h <= 0 {
		h = 24
	}
	cw, ch = min(w, s.cfg.MaxWidth), min(h, s.cfg.MaxHeight)
	return cw, ch, cw != w || ch != h
}

// handle runs one session: checks, the program, and the goodbye.
func (s *Server) handle(sess ssh.Session) {
	s.mu.Lock()
	s.active++
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.active--
		s.mu.Unlock()
	}()

	start := time.Now()
	id := s.sessions.Add(1)
	pty, winch, hasPty := sess.Pty()
	// Window changes were held back until now (limitedChannel): let them through.
	_, _ = sess.SendRequest(ptyReadRequest, false, nil)
	// Whatever way this handler ends, keep draining window changes until the channel
	// closes: charm.land/ssh blocks the channel's requests on them otherwise.
	defer func() {
		go func() {
			for range winch {
			}
		}()
	}()
	logger := s.log.With("session", id, "addr", sess.RemoteAddr().String(), "user", esc(sess.User()))

	// A command longer than any there is, refused before anything reads it (the
	// shell-word split of a long one took seconds of CPU).
	if raw := sess.RawCommand(); len(raw) > maxCommand {
		fmt.Fprintf(sess.Stderr(), "tcpwave: the command is %d bytes long; at most %d (a scenario id)\n", len(raw), maxCommand)
		_ = sess.Exit(exitError)
		logger.Info("session refused", "reason", ReasonBadArg, "cmd", esc(raw), "len", len(raw))
		return
	}
	if run, ok := s.cfg.Commands[strings.TrimSpace(sess.RawCommand())]; ok {
		// A non-interactive command: its output, then exit 0.
		var w io.Writer = sess
		if hasPty {
			w = crlfWriter{sess} // the client's terminal is raw
		}
		run(w)
		_ = sess.Exit(exitOK)
		logger.Info("command", "cmd", esc(sess.RawCommand()), "pty", hasPty)
		return
	}
	if !hasPty {
		// Refuse before anything is built. ssh -T, or ssh host cmd without -t.
		fmt.Fprintln(sess.Stderr(), noPTYMessage(sess))
		_ = sess.Exit(exitError)
		logger.Info("session refused", "reason", ReasonNoPTY, "cmd", esc(sess.RawCommand()))
		return
	}

	env, _ := sessionEnv(pty.Term, sess.Environ())
	w, h, clamped := s.clamp(pty.Window.Width, pty.Window.Height)
	lang, _, _ := view.SessionLang(sess.RawCommand(), sess.Environ(), s.cfg.Lang)
	logger = logger.With("term", esc(pty.Term))
	size := fmt.Sprintf("%dx%d", pty.Window.Width, pty.Window.Height)

	arg := ""
	if raw := strings.TrimSpace(sess.RawCommand()); raw != "" {
		args := sess.Command()
		if len(args) < 1 || len(args) > 3 {
			fmt.Fprintf(sess.Stderr(), "tcpwave: expected a scenario id and a language (zh or en), or one of them, optionally after drill, got %q\n", raw)
			_ = sess.Exit(exitError)
			logger.Info("session refused", "reason", ReasonBadArg, "cmd", esc(raw))
			return
		}
		arg = strings.Join(args, " ") // the factory reads the words
	}

	var (
		mem  *member
		room string
	)
	if s.rooms != nil {
		name, err := roomOf(sess.User())
		if err != nil {
			fmt.Fprintf(sess.Stderr(), "tcpwave: %s\n", err)
			_ = sess.Exit(exitError)
			logger.Info("session refused", "reason", ReasonBadArg, "user", esc(sess.User()))
			return
		}
		mem, room = s.rooms.join(name, s.isPresenter(sess)), name
		defer mem.leave()
		logger = logger.With("role", mem.role(), "room", name)
	}
	inner, err := s.build(sess, arg, mem)
	if err != nil {
		fmt.Fprintf(sess.Stderr(), "tcpwave: %s\n", err)
		_ = sess.Exit(exitError)
		logger.Info("session refused", "reason", ReasonBadArg, "cmd", esc(arg), "err", esc(err.Error()))
		return
	}

	logger.Info("session start", "size", size, "cmd", esc(arg), "client", esc(sess.Context().ClientVersion()), "active", s.Active())

	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	wm := newWrapper(inner, pty.Window.Width, pty.Window.Height, w, h, clamped, s, logger)
	wm.lang = lang
	profile := colorprofile.Env(env)
	var out io.Writer = sess
	if s.output != nil {
		out = s.output(sess)
	}
	var mm *mirrorMember
	if mem != nil && !mem.presenter && s.mirrors != nil {
		// A follower's frames may be rendered once for all who draw the same.
		mm = &mirrorMember{raw: out, sw: &switchWriter{w: out}, log: logger.Debug}
		out = mm.sw
		wm.mir = mm
		wm.mkey = mirrorKey{room: room, term: strings.TrimPrefix(env[0], "TERM="), profile: colorprofile.Env(env)}
	}
	p := tea.NewProgram(wm,
		tea.WithContext(ctx),
		tea.WithInput(nil), // pumpInput reads the session instead
		tea.WithOutput(out),
		tea.WithEnvironment(env),
		tea.WithColorProfile(profile),
		tea.WithWindowSize(w, h),
		tea.WithFPS(s.cfg.FPS),
		// The server handles SIGINT/SIGTERM; a program must not (each would quit).
		tea.WithoutSignalHandler(),
		// Suspending makes no sense over SSH (as in wish's MakeOptions).
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			if _, ok := msg.(tea.SuspendMsg); ok {
				return tea.ResumeMsg{}
			}
			if _, ok := msg.(tea.QuitMsg); ok && mm != nil {
				// Its last words give the terminal back: its output must be on.
				s.mirrors.quit(mm)
			}
			return msg
		}),
	)
	if mm != nil {
		mm.send = p.Send
		defer s.mirrors.end(mm)
	}
	done := make(chan struct{})
	closeConn := func() {
		if c, ok := sess.Context().Value(ssh.ContextKeyConn).(interface{ Close() error }); ok {
			_ = c.Close()
		}
	}
	dropConn := func() {
		// The last resort for a program that will not end, typically because the
		// client stopped reading and a write is blocked on the SSH window: closing the
		// connection fails that write.
		logger.Warn("session did not end when told to; closing its connection")
		closeConn()
	}
	go s.watchdog(ctx, p, wm, done, dropConn)
	go s.resizer(ctx, p, winch, pty.Window.Width, pty.Window.Height)
	go pumpInput(ctx, sess, p, s.cfg.inputLimits())
	if mem != nil {
		// A follower watching the presenter is not idle: the presenter's moves count
		// as its input.
		go mem.deliver(ctx, p, func() { wm.lastInput.Store(time.Now().UnixNano()) })
	}

	final, runErr := p.Run()
	close(done)
	close(wm.ended)

	reason := ReasonQuit
	finalSize := size
	if fw, ok := final.(*wrapper); ok {
		if fw.reason != "" {
			reason = fw.reason
		}
		finalSize = fmt.Sprintf("%dx%d", fw.termW, fw.termH)
	}
	switch {
	case reason != ReasonQuit:
	case errors.Is(runErr, tea.ErrProgramPanic):
		reason = ReasonPanic
	case sess.Context().Err() != nil:
		reason = ReasonDisconnected
	case runErr != nil:
		reason = ReasonError
	}

	code := exitOK
	var bye string
	switch reason {
	case ReasonIdle:
		bye = say(lang, "bye.idle", s.cfg.IdleTimeout)
	case ReasonMaxTime:
		bye = say(lang, "bye.maxtime", s.cfg.MaxSessionTime)
	case ReasonShutdown:
		bye = say(lang, "bye.shutdown")
	case ReasonFlood:
		bye = say(lang, "bye.flood")
		code = exitError
	case ReasonPanic, ReasonError:
		bye = say(lang, "bye.error")
		code = exitError
	}
	kv := []any{"size", finalSize, "duration", time.Since(start).Round(time.Millisecond).String(), "reason", reason}
	if runErr != nil && reason != ReasonDisconnected && reason != ReasonPanic {
		kv = append(kv, "err", runErr.Error())
	}
	logger.Info("session end", kv...)
	// A client that stopped reading could block these last writes forever.
	stuck := time.AfterFunc(2*time.Second, dropConn)
	defer stuck.Stop()
	if bye != "" && reason != ReasonDisconnected {
		// The program has left the alt screen and shown the cursor; this line stays
		// in the client's scrollback.
		fmt.Fprintf(sess, "\r\n%s\r\n", bye)
	}
	_ = sess.Exit(code)
	if reason == ReasonFlood {
		s.mu.Lock()
		s.dials.penalize(ipKey(sess.RemoteAddr()), floodCost, s.rateClock(), float64(s.cfg.ConnRate), float64(s.cfg.ConnBurst))
		s.mu.Unlock()
		// The whole connection goes, after a moment for this line and the exit status
		// to reach the client (closing a socket with input unread resets it): what
		// the client sent and the server has not read, up to the channel's 2 MiB
		// window, would otherwise wait for the client to close.
		time.AfterFunc(100*time.Millisecond, closeConn)
	}
}

// crlfWriter ends lines with \r\n, for a client terminal in raw mode.
type crlfWriter struct{ w io.Writer }

func (c crlfWriter) Write(p []byte) (int, error) {
	if _, err := c.w.Write(bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// noPTYMessage is the one line a session without a terminal gets: how to ask for one,
// with the client's own command and the server's port.
func noPTYMessage(sess ssh.Session) string {
	port := "PORT"
	if _, p, err := net.SplitHostPort(sess.LocalAddr().String()); err == nil {
		port = p
	}
	example := "ssh -t -p " + port + " HOST"
	if cmd := sess.Command(); len(cmd) == 1 && termName.MatchString(cmd[0]) {
		example += " " + cmd[0]
	}
	return "tcpwave needs a terminal: connect with ssh -t, e.g. " + example
}

// build calls the factory, turning a panic into an error; mem is the session's side
// of the class, or nil.
func (s *Server) build(sess ssh.Session, arg string, mem *member) (m tea.Model, err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("panic building model", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			m, err = nil, errors.New("internal error (logged)")
		}
	}()
	if mem != nil {
		role := view.Follower
		if mem.presenter {
			role = view.Presenter
		}
		m, err = s.cfg.ClassModel(sess, arg, role, mem)
	} else {
		m, err = s.cfg.NewModel(sess, arg)
	}
	if err == nil && m == nil {
		err = errors.New("internal error: no model")
	}
	return m, err
}

// endMsg asks the wrapper to end the session for a reason.
type endMsg struct{ reason Reason }

// watchdog keeps the session's clocks: the input-inactivity timeout, the hard session
// time limit and the server's shutdown. It runs outside the program, so an inner model
// that animates (or stops processing messages) cannot hold it off. If the program has
// not ended a few seconds after being told to, it is killed, and if that does not end
// it either, the connection is closed (dropConn).
func (s *Server) watchdog(ctx context.Context, p *tea.Program, wm *wrapper, done <-chan struct{}, dropConn func()) {
	idle := time.NewTimer(s.cfg.IdleTimeout)
	defer idle.Stop()
	hard := time.NewTimer(s.cfg.MaxSessionTime)
	defer hard.Stop()
	closing, idleC, hardC, failed := s.closing, idle.C, hard.C, wm.failed
	var kill, drop <-chan time.Time
	end := func(r Reason) {
		// Once: every trigger is disarmed (failed and closing stay ready once closed).
		closing, idleC, hardC, failed = nil, nil, nil, nil
		go p.Send(endMsg{r})
		kill = time.After(3 * time.Second)
	}
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case <-failed:
			end(ReasonPanic)
		case <-idleC:
			since := time.Since(time.Unix(0, wm.lastInput.Load()))
			if since >= s.cfg.IdleTimeout {
				end(ReasonIdle)
			} else {
				idle.Reset(s.cfg.IdleTimeout - since)
			}
		case <-hardC:
			end(ReasonMaxTime)
		case <-closing:
			end(ReasonShutdown)
		case <-kill:
			kill = nil
			go p.Kill()
			drop = time.After(2 * time.Second)
		case <-drop:
			drop = nil
			dropConn()
		}
	}
}

// termSizeMsg is the client's terminal size, before clamping.
type termSizeMsg struct{ w, h int }

// resizer forwards window changes to the program, coalesced: at most one per frame
// interval, always the latest. A resize storm costs at most one repaint per frame.
// After the program ends it keeps draining the channel until it is closed, so the
// session's request loop never blocks on it.
func (s *Server) resizer(ctx context.Context, p *tea.Program, winch <-chan ssh.Window, w, h int) {
	frame := time.Second / time.Duration(s.cfg.FPS)
	var (
		pending bool
		last    time.Time
		timer   *time.Timer
		fire    <-chan time.Time
	)
	defer func() {
		if timer != nil {
			timer.Stop()
		}
		for range winch {
		}
	}()
	send := func() {
		pending = false
		last = time.Now()
		p.Send(termSizeMsg{w, h})
	}
	for {
		select {
		case <-ctx.Done():
			return
		case win, ok := <-winch:
			if !ok {
				return
			}
			if win.Width == w && win.Height == h {
				continue
			}
			w, h, pending = win.Width, win.Height, true
			if fire != nil {
				continue // a send is already scheduled; it will carry the latest size
			}
			if wait := frame - time.Since(last); wait > 0 {
				if timer == nil {
					timer = time.NewTimer(wait)
				} else {
					timer.Reset(wait)
				}
				fire = timer.C
				continue
			}
			send()
		case <-fire:
			fire = nil
			if pending {
				send()
			}
		}
	}
}

// wrapper is the session's root model around the inner one: it records input for the
// watchdog, ends the session when told, applies the size clamp (with a notice line
// when it is active) and contains panics.
type wrapper struct {
	inner     tea.Model
	srv       *Server
	logger    *log.Logger
	failed    chan struct{} // closed on a panic, so the watchdog ends the session
	ended     chan struct{} // closed when the program has ended
	lastInput atomic.Int64  // unix nanoseconds of the last key, mouse or paste input

	lang         view.Lang // of the server's own lines
	termW, termH int       // the client's terminal
	w, h         int       // the program's screen (clamped)
	clamped      bool
	reason       Reason
	panicked     bool

	// mir is a follower's side of the mirrors (nil otherwise), and mkey what its
	// renderer's output depends on besides the View (w and h come from the fields
	// above).
	mir  *mirrorMember
	mkey mirrorKey

	// notice is a line shown at the bottom until noticeEnd (input was dropped).
	notice    string
	noticeEnd time.Time

	// Input is coalesced: after keys, mouse or paste, View computes the inner view
	// at most once a frame (frame), however many arrive; in between it returns the
	// last one, and a nudge (a renderNudge after the frame) makes sure the latest
	// state is drawn. Any other message (a size, a tick) is drawn at once.
	frame    time.Duration
	viewed   time.Time
	last     tea.View
	haveLast bool
	fresh    bool // a message other than input came since the last view
	nudging  bool
}

// renderNudge wakes the wrapper to draw what coalescing held back.
type renderNudge struct{}

// noticeOver ends the notice line.
type noticeOver struct{}

// after is msg after d, or nothing once the program has ended. (A tea.Tick's
// goroutine outlives the program until it fires, and holds it: its screen, and the
// session's channel with whatever input was sent and not read, up to 2 MiB.)
func (m *wrapper) after(d time.Duration, msg tea.Msg) tea.Cmd {
	ended := m.ended
	return func() tea.Msg {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			return msg
		case <-ended:
			return nil
		}
	}
}

// noticeFor is how long a notice stays.
const noticeFor = 5 * time.Second

var _ tea.Model = (*wrapper)(nil)

func newWrapper(inner tea.Model, termW, termH, w, h int, clamped bool, srv *Server, logger *log.Logger) *wrapper {
	m := &wrapper{inner: inner, srv: srv, logger: logger, failed: make(chan struct{}), ended: make(chan struct{}), termW: termW, termH: termH, w: w, h: h, clamped: clamped,
		frame: time.Second / time.Duration(max(srv.cfg.FPS, 1))}
	m.lastInput.Store(time.Now().UnixNano())
	return m
}

// panicMsg carries a panic from a command back to Update.
type panicMsg struct {
	value any
	stack string
}

// Init implements tea.Model.
func (m *wrapper) Init() (cmd tea.Cmd) {
	defer m.recover(&cmd)
	return m.guard(m.inner.Init())
}

// Update implements tea.Model.
func (m *wrapper) Update(msg tea.Msg) (_ tea.Model, cmd tea.Cmd) {
	// The model returned is always m (never a nil left by a panic).
	_, cmd = m.update(msg)
	switch msg.(type) {
	case tea.KeyPressMsg, tea.KeyReleaseMsg, tea.MouseMsg, tea.PasteMsg, renderNudge:
	default:
		m.fresh = true
	}
	if since := time.Since(m.viewed); m.haveLast && !m.fresh && since < m.frame && !m.nudging {
		// View will hold this frame back: come back when it may draw.
		m.nudging = true
		cmd = tea.Batch(cmd, tea.Tick(m.frame-since, func(time.Time) tea.Msg { return renderNudge{} }))
	}
	return m, cmd
}

func (m *wrapper) update(msg tea.Msg) (_ tea.Model, cmd tea.Cmd) {
	if e, ok := msg.(endMsg); ok {
		if m.reason == "" {
			m.reason = e.reason
		}
		return m, tea.Quit
	}
	if m.panicked {
		return m, nil
	}
	defer m.recover(&cmd)
	m.mirrorMsg(msg)
	switch msg := msg.(type) {
	case unholdMsg:
		return m, nil
	case renderNudge:
		m.nudging = false
		return m, nil
	case inputNoticeMsg:
		m.notice, m.noticeEnd = msg.text(m.lang), time.Now().Add(noticeFor)
		m.logger.Info("input dropped", "limit", msg.text(view.En))
		return m, m.after(noticeFor, noticeOver{})
	case noticeOver:
		if time.Now().After(m.noticeEnd) {
			m.notice = ""
		}
		return m, nil
	case panicMsg:
		m.fail(msg.value, msg.stack)
		return m, tea.Quit
	case tea.KeyPressMsg, tea.KeyReleaseMsg, tea.MouseMsg, tea.PasteMsg:
		m.lastInput.Store(time.Now().UnixNano())
	case termSizeMsg:
		m.termW, m.termH = msg.w, msg.h
		w, h, clamped := m.srv.clamp(msg.w, msg.h)
		m.clamped = clamped
		return m, func() tea.Msg { return tea.WindowSizeMsg{Width: w, Height: h} }
	case tea.WindowSizeMsg:
		m.w, m.h = msg.Width, msg.Height
		if m.clamped && msg.Height > 1 {
			msg.Height-- // the notice line
		}
		var c tea.Cmd
		m.inner, c = m.inner.Update(msg)
		return m, m.guard(c)
	}
	var c tea.Cmd
	m.inner, c = m.inner.Update(msg)
	return m, m.guard(c)
}

// View implements tea.Model: the inner view, at most once a frame after input (see
// frame).
func (m *wrapper) View() tea.View {
	now := time.Now()
	if m.haveLast && !m.fresh && now.Sub(m.viewed) < m.frame && !m.panicked {
		return m.mirrored(m.last)
	}
	m.last, m.haveLast, m.viewed, m.fresh = m.view(), true, now, false
	return m.mirrored(m.last)
}

// view is the inner view with the wrapper's lines: the clamp notice, and a notice of
// dropped input over the last line.
func (m *wrapper) view() (v tea.View) {
	if m.panicked {
		v.SetContent("tcpwave: internal error")
		return v
	}
	defer func() {
		if r := recover(); r != nil {
			m.fail(r, string(debug.Stack()))
			v = tea.View{}
			v.SetContent("tcpwave: internal error")
		}
	}()
	v = m.inner.View()
	if m.clamped {
		notice := say(m.lang, "clamped", m.termW, m.termH, m.w, m.h)
		if r := []rune(notice); len(r) > m.w {
			notice = string(r[:m.w])
		}
		v.Content = strings.TrimRight(v.Content, "\n") + "\n" + notice
	}
	if m.notice != "" {
		notice := m.notice
		if r := []rune(notice); len(r) > m.w {
			notice = string(r[:max(m.w, 0)])
		}
		content := strings.TrimRight(v.Content, "\n")
		if i := strings.LastIndexByte(content, '\n'); i >= 0 {
			content = content[:i+1]
		} else {
			content = ""
		}
		v.Content = content + notice
	}
	return v
}

// fail records a panic: it is logged, and the session ends with an error.
func (m *wrapper) fail(r any, stack string) {
	if m.panicked {
		return
	}
	m.panicked = true
	m.reason = ReasonPanic
	close(m.failed)
	m.logger.Error("panic in session", "panic", fmt.Sprint(r), "stack", stack)
}

// recover turns a panic in Init or Update into the end of the session.
func (m *wrapper) recover(cmd *tea.Cmd) {
	if r := recover(); r != nil {
		m.fail(r, string(debug.Stack()))
		*cmd = tea.Quit
	}
}

// guard wraps an inner command so that a panic in it ends only this session, through
// a panicMsg. Batches are guarded command by command. (A tea.Sequence's commands
// cannot be reached; Bubble Tea's own recovery ends the program for those, and the
// session ends with reason "panic".)
func (m *wrapper) guard(cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() (msg tea.Msg) {
		defer func() {
			if r := recover(); r != nil {
				msg = panicMsg{r, string(debug.Stack())}
			}
		}()
		msg = cmd()
		if b, ok := msg.(tea.BatchMsg); ok {
			for i := range b {
				b[i] = m.guard(b[i])
			}
		}
		return msg
	}
}
