// Package server serves a Bubble Tea program over SSH to many people at once (a class),
// and is built to be left running where strangers can reach it.
//
// It knows nothing of tcpwave's UI: Config.NewModel builds a fresh tea.Model for each
// session. What it adds around that model, and why:
//
//   - A handshake timeout: charm.land/ssh has none by default, so silent TCP
//     connections would stay open forever.
//   - Caps on sessions (channels), global and per client address, checked when a
//     channel is opened, before anything is allocated: one TCP connection can open
//     many session channels, so counting connections would not bound anything.
//   - An input-inactivity timeout and a hard session time limit, kept by a watchdog
//     outside the program: the transport idle timeout is reset by writes as well as
//     reads, so an animating session would never go idle.
//   - A size clamp on the PTY (initial and on resize) and resize coalescing (at most
//     one resize delivered per frame).
//   - Panic containment per session, structured logs with escaped client strings,
//     and a graceful shutdown that says goodbye and restores every terminal.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	gossh "golang.org/x/crypto/ssh"

	"github.com/tcpwave/tcpwave/view"
)

// Factory builds the model for one session. arg is the command the client gave (for
// `ssh -t host SCENARIO`, "SCENARIO"), or "" for none. An error is shown to the client
// as one line, and the session ends with exit status 1; write it for a person.
type Factory func(sess ssh.Session, arg string) (tea.Model, error)

// ClassFactory builds a session's model in a class: with its role, presenter or
// follower, and its side of the room, the view's Class.
type ClassFactory func(sess ssh.Session, arg string, role view.Role, class view.Class) (tea.Model, error)

// Config configures a Server. Zero values take the Default* constants.
type Config struct {
	// NewModel builds each session's model. Required.
	NewModel Factory
	// rateClock is the clock of the connection-rate buckets, for tests (nil:
	// time.Now).
	rateClock func() time.Time
	// HostKey is the server's host key. Required (see LoadOrCreateHostKey).
	HostKey gossh.Signer
	// Commands are what a client may run without a terminal (ssh host list): each
	// writes its output, and the session ends with exit status 0. With a terminal
	// (ssh -t host list) they run the same.
	Commands map[string]func(io.Writer)
	// AuthorizedKeys, when non-empty, restricts the server to these client keys.
	// Empty means open: anyone may connect (the UI is all there is to reach).
	AuthorizedKeys []gossh.PublicKey
	// PresenterKeys, when non-empty, makes the server a classroom (room.go): a session
	// that authenticates with one of these keys presents, every other follows.
	// ClassModel then builds the sessions' models instead of NewModel.
	PresenterKeys []gossh.PublicKey
	ClassModel    ClassFactory

	MaxSessions int // concurrent sessions, all clients together
	MaxPerIP    int // concurrent sessions per client address (IPv6: per /64)
	// MaxSessionsPerConn bounds the sessions one connection holds at once;
	// MaxWaitingConns the connections that have not opened a session yet, in all
	// (one address gets at most half, and at most max(MaxPerIP, 16)).
	MaxSessionsPerConn, MaxWaitingConns int
	// FirstByteTimeout closes a connection that sends nothing for that long;
	// SessionOpenTimeout one that has opened no session that long after it connected
	// (default: HandshakeTimeout and 5 s more).
	FirstByteTimeout, SessionOpenTimeout time.Duration
	IdleTimeout                          time.Duration // no key, mouse or paste input for this long ends a session
	MaxSessionTime                       time.Duration // hard cap on a session's length
	HandshakeTimeout                     time.Duration // TCP accept to authenticated connection; also session channel open to shell request
	MaxWidth                             int           // widest terminal served; wider ones are clamped
	MaxHeight                            int           // tallest terminal served; taller ones are clamped
	FPS                                  int           // renderer frame rate, also the resize coalescing rate
	// ShutdownGrace is how long Shutdown waits for sessions to say goodbye before it
	// closes every connection.
	ShutdownGrace time.Duration

	// Logger receives structured logs. Default: to stderr at info level.
	Logger *log.Logger

	// InputRate and InputBurst bound a session's input, in bytes a second and at once;
	// MaxPaste bounds a bracketed paste's content. Input beyond is dropped, and the
	// user told. A session whose input has had MaxDroppedInput bytes dropped in all,
	// or 64 KiB for the rate, is ended and its connection closed: nobody types that
	// fast, and reading it costs the server its decryption.
	InputRate, InputBurst, MaxPaste int
	MaxDroppedInput                 int

	// Lang is the language of the server's own lines to a client that asks for none
	// (no locale, no language word in its command): En by default.
	Lang view.Lang

	// ConnRate and ConnBurst bound how fast one address may open connections (a
	// second, and at once): past them its connections are refused as they come. A
	// client refused or cut off cannot come straight back for more.
	ConnRate, ConnBurst int
}

// inputLimits are the input guard's limits for these settings.
func (c *Config) inputLimits() guardLimits {
	lim := defaultGuardLimits
	lim.Rate, lim.Burst, lim.MaxPaste = float64(c.InputRate), float64(c.InputBurst), c.MaxPaste
	lim.MaxDropped = int64(c.MaxDroppedInput)
	return lim
}

// Defaults. MaxPerIP is high on purpose: a classroom behind one NAT address is one IP.
const (
	DefaultMaxSessions        = 200
	DefaultMaxPerIP           = 100
	DefaultIdleTimeout        = 10 * time.Minute
	DefaultMaxSessionTime     = 2 * time.Hour
	DefaultHandshakeTimeout   = 10 * time.Second
	DefaultMaxWidth           = 250
	DefaultMaxHeight          = 80
	DefaultFPS                = 60
	DefaultShutdownGrace      = 4 * time.Second
	DefaultMaxSessionsPerConn = 4
	DefaultMaxWaitingConns    = 256
	DefaultFirstByteTimeout   = 5 * time.Second
	DefaultSessionOpenTimeout = 5 * time.Second // after the handshake timeout
	DefaultInputRate          = 8 << 10         // bytes a second: a hundred times a fast typist
	DefaultInputBurst         = 32 << 10        // bytes at once
	DefaultMaxPaste           = 1 << 10         // bytes of one bracketed paste
	DefaultMaxDroppedInput    = 256 << 10       // bytes dropped before a session is ended
	DefaultConnRate           = 10              // new connections a second from one address, after a burst
	DefaultConnBurst          = 200             // as many as there are sessions: a class arriving at once
)

// Exit statuses of a session as the client sees them.
const (
	exitOK    = 0
	exitError = 1
)

// maxEnvRequests bounds how many environment variables a session may set: each is
// kept in memory for the life of the session.
const maxEnvRequests = 64

func (c *Config) setDefaults() {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defd := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.MaxSessions, DefaultMaxSessions)
	def(&c.MaxPerIP, DefaultMaxPerIP)
	def(&c.MaxWidth, DefaultMaxWidth)
	def(&c.MaxHeight, DefaultMaxHeight)
	def(&c.FPS, DefaultFPS)
	def(&c.MaxSessionsPerConn, DefaultMaxSessionsPerConn)
	def(&c.MaxWaitingConns, DefaultMaxWaitingConns)
	defd(&c.FirstByteTimeout, DefaultFirstByteTimeout)
	def(&c.InputRate, DefaultInputRate)
	def(&c.InputBurst, DefaultInputBurst)
	def(&c.MaxPaste, DefaultMaxPaste)
	def(&c.MaxDroppedInput, DefaultMaxDroppedInput)
	def(&c.ConnRate, DefaultConnRate)
	def(&c.ConnBurst, DefaultConnBurst)
	defd(&c.IdleTimeout, DefaultIdleTimeout)
	defd(&c.MaxSessionTime, DefaultMaxSessionTime)
	defd(&c.HandshakeTimeout, DefaultHandshakeTimeout)
	defd(&c.ShutdownGrace, DefaultShutdownGrace)
	defd(&c.SessionOpenTimeout, c.HandshakeTimeout+DefaultSessionOpenTimeout)
	if c.FPS > 120 {
		c.FPS = 120
	}
	if c.Logger == nil {
		c.Logger = log.NewWithOptions(os.Stderr, log.Options{ReportTimestamp: true})
	}
}

// Server is an SSH server that runs one fresh model per session.
type Server struct {
	cfg Config
	log *log.Logger
	// rateClock is the clock of the connection-rate buckets: time.Now, or a test's
	// own (Config.rateClock), so that their refill is not the test machine's speed.
	rateClock func() time.Time
	ssh       *ssh.Server
	closing   chan struct{} // closed when Shutdown starts
	once      sync.Once

	mu           sync.Mutex
	total        int            // sessions holding a slot
	perIP        map[string]int // slots per client address
	conns        map[string]int // TCP connections per client address
	waiting      map[string]int // connections without a session yet, per client address
	waitingTotal int
	dials        connRates // new connections per client address
	listeners    []net.Listener
	active       int          // session handlers running
	sessions     atomic.Int64 // sessions started, for ids

	// room is the class, when there are presenter keys (room.go).
	rooms *rooms
	// mirrors share the rendering of followers' identical frames (mirror.go).
	mirrors *mirrors

	// output wraps each session's output writer (nil: none); tests watch writes block.
	output func(io.Writer) io.Writer
}

// New builds a Server. It does not listen; call Serve.
func New(cfg Config) (*Server, error) {
	if cfg.NewModel == nil && cfg.ClassModel == nil {
		return nil, errors.New("server: Config.NewModel is required")
	}
	if cfg.HostKey == nil {
		return nil, errors.New("server: Config.HostKey is required")
	}
	cfg.setDefaults()
	s := &Server{
		cfg:       cfg,
		log:       cfg.Logger,
		rateClock: cfg.rateClock,
		closing:   make(chan struct{}),
		perIP:     map[string]int{},
		conns:     map[string]int{},
		waiting:   map[string]int{},
	}
	if s.rateClock == nil {
		s.rateClock = time.Now
	}
	opts := []ssh.Option{
		// The host key first: wish.NewServer writes a key into the working directory
		// when a server has none.
		func(srv *ssh.Server) error { srv.AddHostKey(cfg.HostKey); return nil },
		wish.WithVersion("tcpwave"),
		wish.WithMiddleware(func(ssh.Handler) ssh.Handler { return s.handle }),
		// Transport backstops, a minute behind the application's own limits so the
		// application always gets to say goodbye first. The transport idle deadline
		// (reset by writes too, so it never fires for an animating session) catches a
		// client that stops reading and connections that never open a session.
		wish.WithIdleTimeout(cfg.IdleTimeout + time.Minute),
		wish.WithMaxTimeout(cfg.MaxSessionTime + time.Minute),
		func(srv *ssh.Server) error {
			// charm.land/ssh has no handshake timeout unless this is set.
			srv.HandshakeTimeout = cfg.HandshakeTimeout
			// Sessions are capped per channel; no subsystems (no sftp), no port
			// forwarding, no global requests: the UI is all there is.
			srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": s.sessionChannel}
			srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{}
			srv.RequestHandlers = map[string]ssh.RequestHandler{}
			srv.ConnectionFailedCallback = func(conn net.Conn, err error) {
				s.log.Debug("connection failed", "addr", conn.RemoteAddr().String(), "err", esc(err.Error()))
			}
			// Connections are tracked and capped (conns.go).
			srv.ConnCallback = s.accept
			return nil
		},
	}
	if len(cfg.PresenterKeys) > 0 {
		if cfg.ClassModel == nil {
			return nil, errors.New("server: presenter keys need a ClassModel")
		}
		s.rooms = newRooms(cfg.FPS)
		s.mirrors = newMirrors()
		pk, ki := classAuth(&cfg)
		opts = append(opts, wish.WithPublicKeyAuth(pk))
		if ki != nil {
			opts = append(opts, wish.WithKeyboardInteractiveAuth(ki))
		}
	} else if len(cfg.AuthorizedKeys) > 0 {
		keys := cfg.AuthorizedKeys
		opts = append(opts, wish.WithPublicKeyAuth(func(_ ssh.Context, key ssh.PublicKey) bool {
			for _, k := range keys {
				if ssh.KeysEqual(k, key) {
					return true
				}
			}
			return false
		}))
	}
	srv, err := wish.NewServer(opts...)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.ssh = srv
	return s, nil
}

// Fingerprint is the SHA256 fingerprint of the host key, as OpenSSH shows it.
func (s *Server) Fingerprint() string { return Fingerprint(s.cfg.HostKey.PublicKey()) }

// Serve accepts connections on l until Shutdown. It returns ssh.ErrServerClosed after
// a shutdown.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	select {
	case <-s.closing:
		s.mu.Unlock()
		_ = l.Close()
		return ssh.ErrServerClosed
	default:
	}
	// Kept so that Shutdown closes it even if it races with ssh.Server.Serve
	// registering it.
	s.listeners = append(s.listeners, l)
	s.mu.Unlock()
	err := s.ssh.Serve(l)
	select {
	case <-s.closing:
		return ssh.ErrServerClosed
	default:
		return err
	}
}

// Shutdown stops accepting connections and sessions, tells every session goodbye
// (each program quits, which leaves the alt screen and shows the cursor, then a
// goodbye line is written and the session exits), and waits up to the grace period
// (or ctx, if sooner) for them. Then it closes every remaining connection.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.once.Do(func() { close(s.closing) })
	for _, l := range s.listeners {
		_ = l.Close()
	}
	s.mu.Unlock()
	// The listeners are closed: Serve returns ErrServerClosed. (Not through
	// ssh.Server.Shutdown: its wait for connections, left running, raced in
	// sync.WaitGroup with a handshake still finishing, which -race reported.)

	grace := time.NewTimer(s.cfg.ShutdownGrace)
	defer grace.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var err error
wait:
	for s.Active() > 0 {
		select {
		case <-ctx.Done():
			err = ctx.Err()
			break wait
		case <-grace.C:
			err = fmt.Errorf("%d sessions did not end within %s", s.Active(), s.cfg.ShutdownGrace)
			break wait
		case <-tick.C:
		}
	}
	if cerr := s.ssh.Close(); cerr != nil && err == nil && !errors.Is(cerr, net.ErrClosed) {
		err = cerr
	}
	return err
}

// Active is the number of session handlers running.
func (s *Server) Active() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.active
}

// ipKey is the address a per-IP cap applies to: the IP, or for IPv6 its /64 (one
// client usually holds a whole /64).
func ipKey(a net.Addr) string {
	host := a.String()
	if ta, ok := a.(*net.TCPAddr); ok {
		if v4 := ta.IP.To4(); v4 != nil {
			return v4.String()
		}
		return ta.IP.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}

// acquire takes a session slot for ip; it returns a reason to refuse instead.
func (s *Server) acquire(ip string) (refusal string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.closing:
		return sayBoth("refuse.shutdown")
	default:
	}
	if s.total >= s.cfg.MaxSessions {
		return sayBoth("refuse.full", s.cfg.MaxSessions)
	}
	if s.perIP[ip] >= s.cfg.MaxPerIP {
		return sayBoth("refuse.full-ip", s.cfg.MaxPerIP)
	}
	s.total++
	s.perIP[ip]++
	return ""
}

func (s *Server) release(ip string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total--
	if s.perIP[ip]--; s.perIP[ip] <= 0 {
		delete(s.perIP, ip)
	}
}

// sessionChannel is the handler for "session" channels: it enforces the caps when the
// channel is opened (a refusal is shown by OpenSSH as "open failed: resource
// shortage: tcpwave is full ...") and holds the slot until the channel is gone.
func (s *Server) sessionChannel(srv *ssh.Server, conn *gossh.ServerConn, nc gossh.NewChannel, ctx ssh.Context) {
	ip := ipKey(conn.RemoteAddr())
	info, why := s.openSession(ctx)
	if why == "" {
		if why = s.acquire(ip); why != "" {
			s.closeSession(info)
		}
	}
	if why != "" {
		s.log.Info("session refused", "addr", conn.RemoteAddr().String(), "user", esc(conn.User()), "reason", why)
		_ = nc.Reject(gossh.ResourceShortage, why)
		return
	}
	defer s.release(ip)
	defer s.closeSession(info)
	lc := &limitedChannel{NewChannel: nc, setup: s.cfg.HandshakeTimeout,
		exited: make(chan struct{}), gone: make(chan struct{}), ptyRead: make(chan struct{})}
	ssh.DefaultSessionHandler(srv, conn, lc, ctx)
	// The channel's requests have stopped (the client closed it, or the connection
	// went), but a session whose shell or command started runs until its handler
	// exits: hold the slot until then, so closing channels cannot get round the caps.
	if lc.started.Load() {
		<-lc.exited
	}
}

// limitedChannel accepts a session channel and filters its requests: at most
// maxEnvRequests env requests are honoured, window changes before the shell are
// refused (nothing reads them yet, and charm.land/ssh would block on them for good),
// and a channel that has not asked for a shell or a command within setup is closed,
// so it cannot sit on a session slot. It also reports when the session's handler has
// exited.
type limitedChannel struct {
	gossh.NewChannel
	setup time.Duration

	started  atomic.Bool   // a shell or exec request came: the handler runs
	exited   chan struct{} // closed when the handler has exited (sent exit-status)
	exitOnce sync.Once
	gone     chan struct{} // closed when the channel is closed (its requests end)
	// ptyRead is closed when the handler has read its PTY (see ptyReadRequest):
	// charm.land/ssh writes the PTY's size on a window change without a lock, so
	// window changes wait for that read.
	ptyRead chan struct{}
	ptyOnce sync.Once
}

// ptyReadRequest is a request the session handler "sends" on its own channel once it
// has called Pty(); watchedChannel intercepts it (it never reaches the client).
const ptyReadRequest = "pty-read@tcpwave.local"

func (c *limitedChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := c.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	idle := time.AfterFunc(c.setup, func() { _ = ch.Close() })
	go func() {
		defer close(c.gone)
		defer close(out)
		defer idle.Stop()
		envs := 0
		for r := range reqs {
			switch r.Type {
			case "auth-agent-req@openssh.com", "x11-req":
				// Nothing is forwarded: say so (charm.land/ssh would say yes).
				if r.WantReply {
					_ = r.Reply(false, nil)
				}
				continue
			case "shell", "exec":
				idle.Stop()
				c.started.Store(true)
			case "window-change":
				if !c.started.Load() {
					if r.WantReply {
						_ = r.Reply(false, nil)
					}
					continue
				}
				select {
				case <-c.ptyRead:
				case <-c.exited:
				case <-time.After(c.setup):
				}
			}
			if r.Type == "env" {
				envs++
				if envs > maxEnvRequests || len(r.Payload) > 4096 {
					if r.WantReply {
						_ = r.Reply(false, nil)
					}
					continue
				}
			}
			out <- r
		}
	}()
	return watchedChannel{ch, c}, out, nil
}

// errChannelGone is what reading a session returns once its channel is closed, as
// opposed to io.EOF, which only means the client closed its input.
var errChannelGone = errors.New("session channel closed")

// watchedChannel is a session channel that reports the exit-status request every
// session handler sends when it ends (ssh.Session.Exit), and tells a closed channel
// from a client that only closed its input.
type watchedChannel struct {
	gossh.Channel
	lc *limitedChannel
}

func (w watchedChannel) SendRequest(name string, wantReply bool, payload []byte) (bool, error) {
	if name == ptyReadRequest {
		w.lc.ptyOnce.Do(func() { close(w.lc.ptyRead) })
		return true, nil
	}
	ok, err := w.Channel.SendRequest(name, wantReply, payload)
	if name == "exit-status" {
		w.lc.exitOnce.Do(func() { close(w.lc.exited) })
	}
	return ok, err
}

// Read reads the client's input. At its end it waits until the channel itself is
// closed: a client that closed only its input (ssh host < /dev/null) is still
// watching.
func (w watchedChannel) Read(p []byte) (int, error) {
	n, err := w.Channel.Read(p)
	if errors.Is(err, io.EOF) {
		<-w.lc.gone
		return n, errChannelGone
	}
	return n, err
}

// esc makes a string from a client safe for a log line: control characters,
// newlines, escape sequences and invalid UTF-8 are written as Go escapes, and it is
// cut to 200 bytes.
func esc(s string) string {
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	q := strconv.Quote(s)
	return q[1 : len(q)-1]
}
