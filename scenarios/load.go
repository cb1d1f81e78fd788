// Package scenarios holds tcpwave's catalog of closing scenarios (YAML files embedded in
// the binary) and the strict loader that turns a scenario file, the catalog's or a
// user's, into a model.Scenario.
package scenarios

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"

	"github.com/tcpwave/tcpwave/model"
)

//go:embed catalog/*.yaml
var catalogFS embed.FS

// file is a scenario file as written. Unknown fields are errors.
type file struct {
	ID          string              `yaml:"id"`
	Title       string              `yaml:"title"`
	Explanation string              `yaml:"explanation"`
	Moral       string              `yaml:"moral"`
	Order       int                 `yaml:"order"` // accepted and ignored: the catalog is in file-name order
	Exchanged   *wholeNumber        `yaml:"exchanged"`
	ISN         *sides[wholeNumber] `yaml:"isn"`
	Link        link                `yaml:"link"`
	Client      app                 `yaml:"client"`
	Server      app                 `yaml:"server"`
	Faults      []fault             `yaml:"faults"`
	Set         map[string]string   `yaml:"set"`
	SetLinux    map[string]string   `yaml:"set_linux"`
	SetRFC      map[string]string   `yaml:"set_rfc9293"`
	Until       string              `yaml:"until"`
}

type sides[T any] struct {
	Client T `yaml:"client"`
	Server T `yaml:"server"`
}

type link struct {
	Delay     string `yaml:"delay"`
	ClientToS string `yaml:"client_to_server"`
	ServerToC string `yaml:"server_to_client"`
}

type app struct {
	Reads     *bool       `yaml:"reads"`
	NextISN   wholeNumber `yaml:"next_isn"`
	Keepalive *keepalive  `yaml:"keepalive"`
	Steps     []step      `yaml:"steps"`
}

type keepalive struct {
	Idle     string      `yaml:"idle"`
	Interval string      `yaml:"interval"`
	Probes   wholeNumber `yaml:"probes"`
}

type step struct {
	On     string       `yaml:"on"`
	At     string       `yaml:"at"`
	After  string       `yaml:"after"`
	Do     string       `yaml:"do"`
	N      wholeNumber  `yaml:"n"`
	ISN    *wholeNumber `yaml:"isn"`
	Linger string       `yaml:"linger"` // for do: linger, SO_LINGER's time
	// Port is, for connect, "bound" (the old connection's port, the default) or
	// "auto" (a port the kernel picks).
	Port string `yaml:"port"`
}

type fault struct {
	Do    string       `yaml:"do"`
	Side  string       `yaml:"side"`
	Flags string       `yaml:"flags"`
	Has   string       `yaml:"has"`
	Nth   *wholeNumber `yaml:"nth"`
	Times *wholeNumber `yaml:"times"`
	Delay string       `yaml:"delay"`
}

// Error is a problem in a scenario file, with where it is.
type Error struct {
	File      string
	Line, Col int
	Field     string
	Msg       string
	// Format and Args are Msg before formatting, when it was formatted: the view
	// writes them in the reader's language (view.ErrorText), Format being the key of
	// its translation. A library's message (the YAML parser's) has no Format.
	Format string
	Args   []any
}

// errorf is an Error at a place, its message formatted from format and args.
func errorf(file string, line, col int, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Col: col, Msg: fmt.Sprintf(format, args...), Format: format, Args: args}
}

// Error implements error, in one line; whatever in it came from the file (a field's
// name, a value) is written with its control characters escaped, never raw.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(printable(e.File))
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Field != "" {
		fmt.Fprintf(&b, "field %s: ", printable(e.Field))
	}
	b.WriteString(printable(e.Msg))
	return b.String()
}

var posRE = regexp.MustCompile(`^\[(\d+):(\d+)\]\s*`)

// Parse reads one scenario file. name is used in error messages.
func Parse(name string, data []byte) (sc *model.Scenario, err error) {
	defer func() {
		// The YAML library is third-party code: never let it take the program down.
		if r := recover(); r != nil {
			sc, err = nil, errorf(name, 0, 0, "unreadable YAML (%v)", r)
		}
	}()
	data = bytes.TrimPrefix(data, utf8BOM)
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errorf(name, 0, 0, "the file is empty")
	}
	if err := checkShape(name, data); err != nil {
		return nil, err
	}
	ast, perr := parser.ParseBytes(data, 0)
	if perr != nil {
		return nil, yamlError(name, perr)
	}
	if err := checkNodes(name, ast); err != nil {
		return nil, err
	}
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data), yaml.DisallowUnknownField())
	if derr := dec.Decode(&f); derr != nil {
		return nil, yamlError(name, derr)
	}
	v := validator{name: name, ast: ast}
	sc = v.scenario(&f)
	if v.err != nil {
		return nil, v.err
	}
	return sc, nil
}

func yamlError(name string, err error) error {
	var own *Error // from a field's own unmarshaler: it knows where
	if errors.As(err, &own) {
		e := *own
		e.File = name
		return &e
	}
	var ye yaml.Error
	if errors.As(err, &ye) {
		tok := ye.GetToken()
		e := &Error{File: name, Msg: ye.GetMessage()}
		if tok != nil && tok.Position != nil {
			e.Line, e.Col = tok.Position.Line, tok.Position.Column
		}
		return e
	}
	msg := err.Error()
	e := &Error{File: name, Msg: msg}
	if m := posRE.FindStringSubmatch(msg); m != nil {
		fmt.Sscan(m[1], &e.Line)
		fmt.Sscan(m[2], &e.Col)
		e.Msg = strings.SplitN(msg[len(m[0]):], "\n", 2)[0]
	}
	return e
}

// validator turns a decoded file into a model.Scenario, keeping the first error with
// the position of the offending value.
type validator struct {
	name string
	ast  interface{ String() string }
	err  error
}

func (v *validator) fail(field, format string, args ...any) {
	if v.err != nil {
		return
	}
	e := errorf(v.name, 0, 0, format, args...)
	e.Field = field
	e.Line, e.Col = v.position(field)
	v.err = e
}

// position finds the line and column of a field given as a dotted path.
func (v *validator) position(field string) (int, int) {
	return positionOf(v.ast, field)
}

func (v *validator) dur(field, s string, def time.Duration) time.Duration {
	if s == "" {
		return def
	}
	d, err := model.ParseDuration(s)
	if err != nil {
		v.fail(field, "%v", err)
		return def
	}
	if d < 0 {
		v.fail(field, "must not be negative")
	}
	return d
}

// The most steps an app and faults a scenario may have: the catalog's longest story
// has 8 steps. They bound a run's queue, and so the memory its snapshots take.
const (
	maxSteps  = 256
	maxFaults = 64
)

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

func (v *validator) scenario(f *file) *model.Scenario {
	sc := &model.Scenario{ID: f.ID, Title: f.Title, Explanation: strings.TrimSpace(f.Explanation), Moral: strings.TrimSpace(f.Moral)}
	if f.ID == "" {
		v.fail("id", "missing: every scenario needs an id")
	} else if !idRE.MatchString(f.ID) {
		v.fail("id", "%q: use lower-case letters, digits and dashes", f.ID)
	}
	if f.Title == "" {
		v.fail("title", "missing: every scenario needs a title")
	}
	for _, t := range []struct{ field, text string }{{"title", f.Title}, {"explanation", f.Explanation}, {"moral", f.Moral}} {
		if r, ok := controlIn(t.text); ok {
			v.fail(t.field, "holds the control character %U, which would reach the terminal", r)
		}
	}
	sc.Exchanged = [2]int{10, 10}
	if f.Exchanged != nil {
		if *f.Exchanged < 0 || *f.Exchanged > 1<<20 {
			v.fail("exchanged", "want 0 to 1048576 bytes, got %d", *f.Exchanged)
		}
		sc.Exchanged = [2]int{int(*f.Exchanged), int(*f.Exchanged)}
	}
	// RFC 9293 Figure 12's numbers: after 10 bytes each way, A's FIN is SEQ=100, B's 300.
	sc.ISN = [2]uint32{89, 289}
	if f.ISN != nil {
		for _, c := range []struct {
			field string
			n     wholeNumber
		}{{"isn.client", f.ISN.Client}, {"isn.server", f.ISN.Server}} {
			if c.n < 0 || c.n > 1<<32-1 {
				v.fail(c.field, "want 0 to 4294967295 (a 32-bit sequence number), got %d", c.n)
			}
		}
		sc.ISN = [2]uint32{uint32(f.ISN.Client), uint32(f.ISN.Server)}
	}
	d := v.dur("link.delay", f.Link.Delay, 10*time.Millisecond)
	sc.Delay = [2]time.Duration{v.dur("link.client_to_server", f.Link.ClientToS, d), v.dur("link.server_to_client", f.Link.ServerToC, d)}
	for side, a := range []app{f.Client, f.Server} {
		sc.Apps[side] = v.app(sideName(side), a)
	}
	sc.Until = v.dur("until", f.Until, 0)
	if len(f.Faults) > maxFaults {
		v.fail(fmt.Sprintf("faults[%d]", maxFaults), "more than %d faults: a story needs a handful", maxFaults)
	}
	for i, fl := range f.Faults {
		sc.Faults = append(sc.Faults, v.fault(fmt.Sprintf("faults[%d]", i), fl))
	}
	for _, set := range []struct {
		field, profile string
		m              map[string]string
	}{{"set", "", f.Set}, {"set_linux", "linux", f.SetLinux}, {"set_rfc9293", "rfc9293", f.SetRFC}} {
		keys := make([]string, 0, len(set.m))
		for k := range set.m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := model.Linux()
			if err := p.Set(k, set.m[k]); err != nil {
				v.fail(set.field+"."+k, "%v", err)
			}
			sc.Overrides = append(sc.Overrides, model.Override{Profile: set.profile, Knob: k, Value: set.m[k]})
		}
	}
	return sc
}

func sideName(side int) string {
	if side == 0 {
		return "client"
	}
	return "server"
}

func (v *validator) app(field string, a app) model.App {
	out := model.App{NoRead: a.Reads != nil && !*a.Reads, NextISNDelta: int64(a.NextISN)}
	if a.NextISN < -(1<<32) || a.NextISN > 1<<32 {
		v.fail(field+".next_isn", "want -4294967296 to 4294967296, got %d", a.NextISN)
	}
	if k := a.Keepalive; k != nil {
		// Linux defaults (DefaultKeepalive): tcp_keepalive_time 7200 s,
		// tcp_keepalive_intvl 75 s, tcp_keepalive_probes 9.
		ka := &model.Keepalive{
			Idle:     v.dur(field+".keepalive.idle", k.Idle, DefaultKeepalive.Idle),
			Interval: v.dur(field+".keepalive.interval", k.Interval, DefaultKeepalive.Interval),
			Probes:   int(k.Probes),
		}
		if ka.Probes == 0 {
			ka.Probes = DefaultKeepalive.Probes
		}
		if ka.Probes < 0 || ka.Probes > 127 {
			v.fail(field+".keepalive.probes", "want 1 to 127, got %d", k.Probes)
		}
		if ka.Idle <= 0 || ka.Interval <= 0 {
			v.fail(field+".keepalive", "idle and interval must be positive")
		}
		out.Keepalive = ka
	}
	if len(a.Steps) > maxSteps {
		v.fail(fmt.Sprintf("%s.steps[%d]", field, maxSteps), "more than %d steps: a story needs a handful (write n bytes in one step)", maxSteps)
	}
	for i, st := range a.Steps {
		f := fmt.Sprintf("%s.steps[%d]", field, i)
		var s model.Step
		if st.On != "" {
			t, ok := model.ParseTrigger(st.On)
			if !ok {
				v.fail(f+".on", "unknown trigger %q (want eof, reset, established, closed or previous)", st.On)
			}
			s.On = t
		}
		if st.At != "" {
			if st.On != "" {
				v.fail(f+".at", "use either at (absolute time) or on (an event), not both")
			}
			s.HasAt = true
			s.At = v.dur(f+".at", st.At, 0)
		}
		s.After = v.dur(f+".after", st.After, 0)
		c, ok := model.ParseCall(st.Do)
		switch {
		case st.Do == "":
			v.fail(f+".do", "missing: say what the app does (close, shutdown, write, read, linger0, linger, connect)")
		case !ok:
			v.fail(f+".do", "unknown call %q (want close, shutdown, write, read, linger0, linger or connect)", st.Do)
		}
		if c == model.CallLinger {
			// SO_LINGER {1, t}: t is whole seconds in the API (l_linger is an int); any
			// duration is taken here, for compressed stories.
			if st.Linger == "" {
				v.fail(f+".linger", "linger needs its time, e.g. linger: 2s (for SO_LINGER {1, 0} use linger0)")
			}
			s.Linger = v.dur(f+".linger", st.Linger, 0)
		} else if st.Linger != "" {
			v.fail(f+".linger", "only do: linger takes a linger time")
		}
		s.Call = c
		s.N = int(st.N)
		if st.ISN != nil {
			s.ISN, s.HasISN = int64(*st.ISN), true
			if *st.ISN < -(1<<32) || *st.ISN > 1<<32 {
				v.fail(f+".isn", "want -4294967296 to 4294967296, got %d", *st.ISN)
			}
		}
		switch st.Port {
		case "", "bound":
		case "auto":
			s.AutoPort = true
		default:
			v.fail(f+".port", "want bound (the old connection's port) or auto (the kernel picks one), got %q", st.Port)
		}
		if (st.Port != "" || st.ISN != nil) && c != model.CallConnect && ok {
			v.fail(f+".do", "port and isn are for connect only, not %s", st.Do)
		}
		if c == model.CallWrite && (st.N <= 0 || st.N > 1<<20) {
			v.fail(f+".n", "write needs n, the number of bytes, from 1 to 1048576")
		}
		out.Steps = append(out.Steps, s)
	}
	return out
}

func (v *validator) fault(field string, fl fault) model.Fault {
	var f model.Fault
	a, ok := model.ParseFaultAction(fl.Do)
	if !ok {
		v.fail(field+".do", "unknown fault %q (want drop, delay or duplicate)", fl.Do)
	}
	f.Action = a
	switch strings.ToLower(fl.Side) {
	case "client", "a":
		f.Side = model.A
	case "server", "b":
		f.Side = model.B
	default:
		v.fail(field+".side", "want client or server, got %q", fl.Side)
	}
	switch {
	case fl.Flags != "" && fl.Has != "":
		v.fail(field+".has", "use flags (exactly these) or has (at least these), not both")
	case fl.Flags != "":
		fs, err := model.ParseFlags(fl.Flags)
		if err != nil {
			v.fail(field+".flags", "%v", err)
		}
		f.Flags, f.Exact = fs, true
	case fl.Has != "":
		fs, err := model.ParseFlags(fl.Has)
		if err != nil {
			v.fail(field+".has", "%v", err)
		}
		f.Flags = fs
	}
	// Absent means 1; written, it is counted from 1, like --drop SIDE:N.
	f.Nth, f.Times = 1, 1
	if fl.Nth != nil {
		if f.Nth = int(*fl.Nth); *fl.Nth < 1 || *fl.Nth > 10000 {
			v.fail(field+".nth", "want 1 to 10000 (the 1st, 2nd... matching segment), got %d", f.Nth)
		}
	}
	if fl.Times != nil {
		if f.Times = int(*fl.Times); *fl.Times < 1 || *fl.Times > 10000 {
			v.fail(field+".times", "want 1 to 10000, got %d", f.Times)
		}
	}
	f.Delay = v.dur(field+".delay", fl.Delay, 0)
	if a != model.FaultDrop && f.Delay == 0 {
		v.fail(field+".delay", "%s needs a delay", fl.Do)
	}
	return f
}

// The catalog is parsed file by file, on demand: a command that opens one scenario
// parses that one file (its name is NN-ID.yaml), and only Catalog parses them all.
var catalog struct {
	mu     sync.Mutex
	names  []string                   // the files, in catalog order (by name)
	parsed map[string]*model.Scenario // by file name
	all    []*model.Scenario          // once Catalog has run
	parses int                        // files parsed, for tests
}

// catalogNames lists the embedded files in catalog order. Call with catalog.mu held.
func catalogNames() []string {
	if catalog.names == nil {
		entries, err := catalogFS.ReadDir("catalog")
		if err != nil {
			panic(err) // the embedded directory is part of the build
		}
		for _, e := range entries {
			catalog.names = append(catalog.names, e.Name())
		}
		sort.Strings(catalog.names)
	}
	return catalog.names
}

// fileID is the scenario id a catalog file name promises: "01-client-close.yaml" →
// "client-close".
func fileID(name string) string {
	_, id, _ := strings.Cut(strings.TrimSuffix(name, ".yaml"), "-")
	return id
}

// parseCatalogFile parses one embedded file, once. Call with catalog.mu held. A broken
// embedded file is a build defect, which the tests catch: it panics.
func parseCatalogFile(name string) *model.Scenario {
	if sc, ok := catalog.parsed[name]; ok {
		return sc
	}
	data, err := catalogFS.ReadFile(path.Join("catalog", name))
	if err != nil {
		panic(err)
	}
	sc, err := Parse("catalog/"+name, data)
	if err != nil {
		panic(err)
	}
	if catalog.parsed == nil {
		catalog.parsed = map[string]*model.Scenario{}
	}
	catalog.parsed[name] = sc
	catalog.parses++
	return sc
}

// Catalog returns the built-in scenarios in their catalog order.
func Catalog() []*model.Scenario {
	catalog.mu.Lock()
	defer catalog.mu.Unlock()
	if catalog.all == nil {
		for _, name := range catalogNames() {
			catalog.all = append(catalog.all, parseCatalogFile(name))
		}
	}
	return catalog.all
}

// Lookup finds a catalog scenario by id, parsing only its file.
func Lookup(id string) (*model.Scenario, bool) {
	catalog.mu.Lock()
	defer catalog.mu.Unlock()
	for _, name := range catalogNames() {
		if fileID(name) == id {
			if sc := parseCatalogFile(name); sc.ID == id {
				return sc, true
			}
		}
	}
	return nil, false
}

// UnknownError says a scenario id is not in the catalog, and which is closest.
type UnknownError struct {
	ID      string
	Closest string
}

func (e *UnknownError) Error() string {
	msg := fmt.Sprintf("unknown scenario %q", e.ID)
	if e.Closest != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", e.Closest)
	}
	return msg + "; run 'tcpwave list' for the catalog, or give a path to a .yaml file"
}

// Get returns a catalog scenario by id, or loads a file when arg is a path (it contains
// a slash or ends in .yaml/.yml).
func Get(arg string) (*model.Scenario, error) {
	if sc, ok := Lookup(arg); ok {
		return sc, nil
	}
	if strings.ContainsAny(arg, `/\`) || strings.HasSuffix(arg, ".yaml") || strings.HasSuffix(arg, ".yml") {
		return LoadFile(arg)
	}
	return nil, &UnknownError{ID: arg, Closest: Closest(arg)}
}

// maxFile bounds a scenario file's size.
const maxFile = 1 << 20

// LoadFile loads a user's scenario file: a regular file of at most 1 MiB, which is
// checked before it is read (tcpwave trace /dev/zero read 2.7 GB; a FIFO blocked).
func LoadFile(p string) (*model.Scenario, error) {
	// Opened without blocking (a FIFO would wait for a writer for ever), then checked
	// by what was opened, not by the name (which may change between the two): only a
	// regular file of bounded size is read, and through a limit.
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, errorf(p, 0, 0, "cannot read it: %v", osReason(err))
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, errorf(p, 0, 0, "cannot read it: %v", osReason(err))
	}
	switch {
	case st.IsDir():
		return nil, errorf(p, 0, 0, "a directory, not a scenario file")
	case !st.Mode().IsRegular():
		return nil, errorf(p, 0, 0, "not a regular file (a scenario is read only from one)")
	case st.Size() > maxFile:
		return nil, errorf(p, 0, 0, "too large: %d bytes, and a scenario file is at most 1 MiB", st.Size())
	}
	data, err := io.ReadAll(io.LimitReader(f, maxFile+1))
	if err != nil {
		return nil, errorf(p, 0, 0, "cannot read it: %v", osReason(err))
	}
	if len(data) > maxFile {
		return nil, errorf(p, 0, 0, "too large: a scenario file is at most 1 MiB")
	}
	return Parse(p, data)
}

// osReason is an os error without the path it repeats ("no such file or directory").
func osReason(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Closest returns the catalog id nearest to id by edit distance, or "" if none is close.
func Closest(id string) string {
	best, bestD := "", 1<<30
	for _, sc := range Catalog() {
		d := editDistance(id, sc.ID)
		if strings.Contains(sc.ID, id) && len(id) >= 3 {
			d = min(d, 2)
		}
		if d < bestD {
			best, bestD = sc.ID, d
		}
	}
	if bestD > max(3, len(id)/2) {
		return ""
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
