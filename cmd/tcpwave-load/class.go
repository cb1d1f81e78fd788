package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// The class mode (--class): one presenter and -n followers, as a lecture has them.
//
// The tool writes a presenter key to a --presenter-keys file in its temporary
// directory, so that the server it starts runs a class; the presenter logs in with
// that key, the followers with none. Each client keeps a small emulator of its
// terminal (term), fed the bytes the server sends it, and reads its header's event
// counter ("… · 8× · 5/23") after each read: the moment a screen first shows an event
// is a mark. Two phases:
//
//  1. motion: the presenter plays (--keys) and starts again from the first event every
//     --replay; over --duration each client's frames give frames/s during motion and
//     the p95 gap between frames (motionStats), and the latency of each follower is,
//     for every event the presenter's screen showed, the time until the follower's
//     screen showed it or a later one (catchUp). Both screens are read by the same
//     code in the same process, on the same clock, so the figure is what a student
//     sees behind the teacher's screen, with the server's fan-out, both renderers and
//     SSH in it.
//  2. steps: the presenter pauses and presses the step key (n) --steps times, 300 ms
//     apart; the latency of a step is from the key leaving the tool to each
//     follower's screen showing the event the presenter's screen moved to.
//
// Then the screens: the first follower (the reference) logs in with another TERM, so
// that the server draws it with its own renderer and never shares its frames with
// other followers; once the presenter has paused, every other follower's screen must
// be the reference's, character for character.
//
// The server's CPU and RSS are sampled over the motion phase, as in the other modes.

// classKeys are the presenter's keys to start playing with --class (unless --keys):
// 2× (+) and play.
const classKeys = "+ "

// headerEvent finds the event counter in a header row: the speed is followed by it.
var headerEvent = regexp.MustCompile(`× · (\d+)/(\d+)`)

// parseEvent reads the event counter (1-based) and the number of events from a
// header row; ok is false when the row has none (not drawn yet, or another screen).
func parseEvent(row string) (event, events int, ok bool) {
	m := headerEvent.FindStringSubmatch(row)
	if m == nil {
		return 0, 0, false
	}
	event, err1 := strconv.Atoi(m[1])
	events, err2 := strconv.Atoi(m[2])
	if err1 != nil || err2 != nil || event < 1 || event > events {
		return 0, 0, false
	}
	return event, events, true
}

// viewer is one client of the class: it counts frames, as client does, and follows
// its screen.
type viewer struct {
	conn  *gossh.Client
	sess  *gossh.Session
	stdin io.Writer
	first chan struct{} // closed at the first header with an event counter

	mu       sync.Mutex
	term     *term
	counting bool
	frames   []time.Time // starts of frames while counting
	marks    []mark      // every change of the header's event counter
	cur      mark
	events   int
	lastRead time.Time
	gotFirst bool
	playing  bool // the header says ▶
}

func openViewer(t *target, cfg *gossh.ClientConfig, o options) (*viewer, error) {
	v := &viewer{first: make(chan struct{}), term: newTerm(o.width, o.height), cur: mark{event: -1}}
	tt := *t
	tt.cfg = cfg
	conn, err := dialFrom(&tt, "127.0.0.1")
	if err != nil {
		return nil, err
	}
	v.conn = conn
	if v.sess, err = conn.NewSession(); err != nil {
		conn.Close()
		return nil, err
	}
	if v.stdin, err = v.sess.StdinPipe(); err != nil {
		v.close()
		return nil, err
	}
	stdout, err := v.sess.StdoutPipe()
	if err != nil {
		v.close()
		return nil, err
	}
	if err := v.sess.RequestPty(o.term, o.height, o.width, gossh.TerminalModes{}); err != nil {
		v.close()
		return nil, err
	}
	if o.cmd != "" {
		err = v.sess.Start(o.cmd)
	} else {
		err = v.sess.Shell()
	}
	if err != nil {
		v.close()
		return nil, err
	}
	go v.read(stdout, o.gap)
	return v, nil
}

func (v *viewer) read(r io.Reader, gap time.Duration) {
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		now := time.Now()
		if n > 0 {
			v.mu.Lock()
			v.term.Write(buf[:n])
			if v.counting && now.Sub(v.lastRead) >= gap {
				v.frames = append(v.frames, now)
			}
			v.lastRead = now
			row := v.term.Row(0)
			v.playing = strings.Contains(row, "▶")
			if ev, evs, ok := parseEvent(row); ok && ev != v.cur.event {
				next := mark{at: now, epoch: v.cur.epoch, event: ev}
				if ev < v.cur.event {
					next.epoch++
				}
				v.cur, v.events = next, evs
				v.marks = append(v.marks, next)
				if !v.gotFirst {
					v.gotFirst = true
					close(v.first)
				}
			}
			v.mu.Unlock()
		}
		if err != nil {
			return
		}
	}
}

// counted starts (or stops) counting frames and returns those counted so far.
func (v *viewer) counted(on bool) []time.Time {
	v.mu.Lock()
	defer v.mu.Unlock()
	f := v.frames
	v.counting, v.frames = on, nil
	return f
}

// marksSince are the marks at or after t.
func (v *viewer) marksSince(t time.Time) []mark {
	v.mu.Lock()
	defer v.mu.Unlock()
	i, _ := slices.BinarySearchFunc(v.marks, t, func(m mark, t time.Time) int { return m.at.Compare(t) })
	return slices.Clone(v.marks[i:])
}

func (v *viewer) now() (cur mark, events int, playing bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.cur, v.events, v.playing
}

func (v *viewer) close() {
	if v.sess != nil {
		v.sess.Close()
	}
	v.conn.Close()
}

// presenterKey makes the presenter's key and writes its public half, in
// authorized_keys format, to dir; it returns the file and the client's config.
func presenterKey(dir string, base *gossh.ClientConfig) (string, *gossh.ClientConfig, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", nil, err
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		return "", nil, err
	}
	sshPub, err := gossh.NewPublicKey(pub)
	if err != nil {
		return "", nil, err
	}
	path := filepath.Join(dir, "presenters")
	if err := os.WriteFile(path, gossh.MarshalAuthorizedKey(sshPub), 0o600); err != nil {
		return "", nil, err
	}
	cfg := *base
	cfg.User = "presenter"
	cfg.Auth = []gossh.AuthMethod{gossh.PublicKeys(signer)}
	return path, &cfg, nil
}

// measureClass runs the class mode (see the top of this file).
func measureClass(o options, w io.Writer) error {
	t, stop, base, err := startMeasured(o, w)
	if err != nil {
		return err
	}
	defer stop()
	pres, err := openViewer(t, t.presenter, o)
	if err != nil {
		return fmt.Errorf("presenter: %w", err)
	}
	defer pres.close()
	select {
	case <-pres.first:
	case <-time.After(20 * time.Second):
		return errors.New("presenter: no header within 20 s")
	}
	openStart := time.Now()
	followers, closeFollowers, err := openAll(o.n, 30*time.Second, "a follower: no header", func(i int) (*viewer, error) {
		oi := o
		if i == 0 {
			oi.term = referenceTerm(o.term)
		}
		return openViewer(t, t.cfg, oi)
	})
	defer closeFollowers()
	if err != nil {
		return fmt.Errorf("followers: %w", err)
	}
	fmt.Fprintf(w, "class: 1 presenter and %d followers open with a first frame after %s\n", o.n, time.Since(openStart).Round(time.Millisecond))

	// 1. Motion.
	if o.keys != "" {
		if _, err := io.WriteString(pres.stdin, o.keys); err != nil {
			return err
		}
	}
	time.Sleep(o.warmup)
	all := append([]*viewer{pres}, followers...)
	for _, v := range all {
		v.counted(true)
	}
	start := time.Now()
	s0, _ := sample(t.pid)
	self0, _ := sample(0)
	stopReplay := replayTo([]io.Writer{pres.stdin}, o.replay)
	time.Sleep(o.duration)
	stopReplay()
	s1, _ := sample(t.pid)
	self1, _ := sample(0)
	window := time.Since(start)
	pframes := pres.counted(false)
	pm := motionStats(pframes, o.hold, window)
	lead := pres.marksSince(start)
	var fps, shares []float64
	var p95s, lat []time.Duration
	within, missed := 0, 0
	framesAll := len(pframes)
	for _, v := range followers {
		frames := v.counted(false)
		framesAll += len(frames)
		m := motionStats(frames, o.hold, window)
		fps = append(fps, m.fps)
		shares = append(shares, m.share)
		p95s = append(p95s, m.p95Gap)
		if pm.fps > 0 && m.fps >= 0.9*pm.fps {
			within++
		}
		l, miss := catchUp(lead, v.marksSince(start))
		lat = append(lat, l...)
		missed += miss
	}
	slices.Sort(fps)
	slices.Sort(shares)
	slices.Sort(p95s)
	fmt.Fprintf(w, "motion, over %s (a gap of at most %s between frames is motion):\n", o.duration, o.hold)
	fmt.Fprintf(w, "  presenter: %.1f frames/s during motion, p95 gap %s, in motion %.0f%% of the time\n",
		pm.fps, ms(pm.p95Gap), 100*pm.share)
	fmt.Fprintf(w, "  followers: frames/s during motion min %.1f, median %.1f, max %.1f; p95 gap median %s, max %s; in motion median %.0f%%, min %.0f%%\n",
		fps[0], fps[len(fps)/2], fps[len(fps)-1], ms(p95s[len(p95s)/2]), ms(p95s[len(p95s)-1]), 100*shares[len(shares)/2], 100*shares[0])
	fmt.Fprintf(w, "  followers within 10%% of the presenter's frame rate: %d of %d\n", within, o.n)
	fmt.Fprintf(w, "  latency, the presenter's screen shows an event → a follower's screen shows it: p50 %s, p99 %s, max %s (%d samples, %d never shown)\n",
		ms(percentile(lat, 50)), ms(percentile(lat, 99)), ms(percentile(lat, 100)), len(lat), missed)
	if t.pid > 0 {
		cpu := float64(s1.cpu-s0.cpu) / float64(s1.at.Sub(s0.at))
		fmt.Fprintf(w, "  server: CPU %.0f%% of one core (%.2f%% per follower; %s per frame drawn); RSS %.1f MB, %.2f MB per follower above idle\n",
			100*cpu, 100*cpu/float64(o.n), ms(perFrame(s1.cpu-s0.cpu, framesAll)), mb(s1.rss), mb(s1.rss-base.rss)/float64(o.n))
	}
	fmt.Fprintf(w, "  load tool itself (the %d clients): CPU %.0f%% of one core\n", o.n+1, 100*float64(self1.cpu-self0.cpu)/float64(self1.at.Sub(self0.at)))

	// 2. Steps.
	if o.steps > 0 {
		return classSteps(o, pres, followers, w)
	}
	return nil
}

// classSteps pauses the presenter and times its steps on the followers' screens.
func classSteps(o options, pres *viewer, followers []*viewer, w io.Writer) error {
	const settle = 300 * time.Millisecond
	keys := "g"
	if _, _, playing := pres.now(); playing {
		keys = o.pauseKey + keys
	}
	if _, err := io.WriteString(pres.stdin, keys); err != nil {
		return err
	}
	time.Sleep(2 * settle)
	var lat, own []time.Duration
	missed, lost := 0, 0
	for range o.steps {
		before, events, _ := pres.now()
		key := "n"
		if before.event >= events {
			key = "g" // at the end: back to the first event
		}
		sent := time.Now()
		if _, err := io.WriteString(pres.stdin, key); err != nil {
			return err
		}
		time.Sleep(settle)
		pm := pres.marksSince(sent)
		if len(pm) == 0 {
			lost++
			continue
		}
		target := pm[0]
		own = append(own, target.at.Sub(sent))
		for _, v := range followers {
			found := false
			for _, m := range v.marksSince(sent) {
				if m.event == target.event {
					lat = append(lat, m.at.Sub(sent))
					found = true
					break
				}
			}
			if !found {
				missed++
			}
		}
	}
	same, diff := sameScreens(followers[0], followers[1:], 2*time.Second)
	fmt.Fprintf(w, "screens, the presenter paused: %d of %d followers show what the reference follower (TERM=%s) shows\n",
		same, len(followers)-1, referenceTerm(o.term))
	if diff != "" {
		fmt.Fprintf(w, "  the first that does not:\n%s\n", diff)
	}
	fmt.Fprintf(w, "steps (%d, %s apart; the presenter paused):\n", o.steps, settle)
	fmt.Fprintf(w, "  the presenter's step key → its own screen: p50 %s, p99 %s (%d steps, %d not seen)\n",
		ms(percentile(own, 50)), ms(percentile(own, 99)), len(own), lost)
	fmt.Fprintf(w, "  the presenter's step key → a follower's screen shows the new event: p50 %s, p99 %s, max %s (%d samples, %d not within %s)\n",
		ms(percentile(lat, 50)), ms(percentile(lat, 99)), ms(percentile(lat, 100)), len(lat), missed, settle)
	return nil
}

// replayTo starts playback again from the first event every d by typing g and space
// to these inputs, until the returned function is called.
func replayTo(ins []io.Writer, d time.Duration) (stop func()) {
	if d <= 0 {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				for _, in := range ins {
					io.WriteString(in, "g ")
				}
			}
		}
	}()
	return func() { close(done); <-finished }
}

func ms(d time.Duration) string { return d.Round(100 * time.Microsecond).String() }

// screen is what v's terminal shows, row by row.
func (v *viewer) screen() []string {
	v.mu.Lock()
	defer v.mu.Unlock()
	rows := make([]string, v.term.h)
	for y := range rows {
		rows[y] = strings.TrimRight(v.term.Row(y), " ")
	}
	return rows
}

// referenceTerm is the TERM of the reference follower: another terminal than the
// others', so that the server draws its screen with its own renderer, never shared
// with other followers (the server's mirror groups, by size, TERM and colours); the
// others' screens are checked against it.
func referenceTerm(term string) string {
	if term == "xterm" {
		return "xterm-256color"
	}
	return "xterm"
}

// sameScreens counts the followers whose screens show what ref's does. It waits up
// to wait for the last frames to arrive; diff shows the first follower that differs,
// row by row.
func sameScreens(ref *viewer, followers []*viewer, wait time.Duration) (same int, diff string) {
	deadline := time.Now().Add(wait)
	for {
		same, diff = 0, ""
		r := ref.screen()
		for _, f := range followers {
			if d := screenDiff(r, f.screen()); d == "" {
				same++
			} else if diff == "" {
				diff = d
			}
		}
		if same == len(followers) || time.Now().After(deadline) {
			return same, diff
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// screenDiff compares two screens of one size, row by row.
func screenDiff(a, b []string) string {
	var out strings.Builder
	for y := 0; y < len(a) && y < len(b); y++ {
		if a[y] != b[y] {
			fmt.Fprintf(&out, "  row %d: reference %q\n          follower  %q\n", y, a[y], b[y])
		}
	}
	return out.String()
}
