package scenarios

import (
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"

	"github.com/tcpwave/tcpwave/model"
)

// The interview-question index (面试题): each entry names a question as interviewers
// ask it, the catalog scenario that answers it, the step of that scenario where the
// answer shows, and the answer a strong candidate gives, in Chinese and English.

//go:embed questions.yaml
var questionsYAML []byte

// Question is one entry of the index.
type Question struct {
	ID       string
	Q        map[string]string // the question, by language ("zh", "en")
	Scenario string            // a catalog scenario id
	Profile  string            // "linux" or "rfc9293"
	At       StepMatch         // the step the question opens at
	// Expect is the state each side must be in at that step (empty: not checked).
	Expect [2]string
	// Answer is the answer card, by language, with {knob} placeholders (see Card).
	Answer map[string]string
}

// StepMatch finds an event of a timeline by what it is rather than by its index, so
// that the question still opens at the right step when the model's event list
// changes: the Nth event of Kind by Side that also matches every other field given.
type StepMatch struct {
	Kind    string // start, app, send, drop, recv, state, timer, or "last" for the last event
	Side    string // client or server ("" for either)
	To      string // for state: the state entered
	Flags   string // for send, drop, recv: the segment's exact flags
	Retrans int    // for send, drop, recv: the segment's retransmission number (-1: any)
	Call    string // for app: the call as the trace writes it, a prefix ("read -> EOF")
	Timer   string // for timer: the timer's name (time-wait, retransmit...)
	Rule    string // the note's rule key, as the trace writes it (time-wait-over)
	Nth     int    // which of the matching events, from 1
}

// questionFile is the index as written. Unknown fields are errors.
type questionFile struct {
	ID       string            `yaml:"id"`
	ZH       string            `yaml:"zh"`
	EN       string            `yaml:"en"`
	Scenario string            `yaml:"scenario"`
	Profile  string            `yaml:"profile"`
	At       stepFile          `yaml:"at"`
	Expect   map[string]string `yaml:"expect"`
	Answer   struct {
		ZH string `yaml:"zh"`
		EN string `yaml:"en"`
	} `yaml:"answer"`
}

type stepFile struct {
	Kind    string `yaml:"kind"`
	Side    string `yaml:"side"`
	To      string `yaml:"to"`
	Flags   string `yaml:"flags"`
	Retrans *int   `yaml:"retrans"`
	Call    string `yaml:"call"`
	Timer   string `yaml:"timer"`
	Rule    string `yaml:"rule"`
	Nth     int    `yaml:"nth"`
}

var questions struct {
	once sync.Once
	all  []*Question
	err  error
}

// Questions returns the interview-question index, in its order. The index is part of
// the build: an error in it is a defect that the tests catch.
func Questions() []*Question {
	questions.once.Do(func() {
		questions.all, questions.err = ParseQuestions("questions.yaml", questionsYAML)
	})
	if questions.err != nil {
		panic(questions.err)
	}
	return questions.all
}

// QuestionByID finds a question of the index.
func QuestionByID(id string) (*Question, bool) {
	for _, q := range Questions() {
		if q.ID == id {
			return q, true
		}
	}
	return nil, false
}

// ParseQuestions reads an index: a YAML list of entries. name is used in errors,
// which say the entry's line and field.
func ParseQuestions(name string, data []byte) (qs []*Question, err error) {
	defer func() {
		if r := recover(); r != nil {
			qs, err = nil, &Error{File: name, Msg: fmt.Sprintf("unreadable YAML (%v)", r)}
		}
	}()
	ast, perr := parser.ParseBytes(data, 0)
	if perr != nil {
		return nil, yamlError(name, perr)
	}
	var files []questionFile
	if derr := yaml.NewDecoder(bytes.NewReader(data), yaml.DisallowUnknownField()).Decode(&files); derr != nil {
		return nil, yamlError(name, derr)
	}
	seen := map[string]bool{}
	for i, f := range files {
		v := validator{name: name, ast: ast}
		q := v.question(fmt.Sprintf("[%d]", i), f)
		if v.err == nil && seen[q.ID] {
			v.fail(fmt.Sprintf("[%d].id", i), "%q is used twice", q.ID)
		}
		if v.err != nil {
			return nil, v.err
		}
		seen[q.ID] = true
		qs = append(qs, q)
	}
	if len(qs) == 0 {
		return nil, &Error{File: name, Msg: "no questions"}
	}
	return qs, nil
}

var stepKinds = []string{"start", "app", "send", "drop", "recv", "state", "timer", "last"}

func (v *validator) question(at string, f questionFile) *Question {
	q := &Question{ID: f.ID, Scenario: f.Scenario, Profile: f.Profile,
		Q:      map[string]string{"zh": strings.TrimSpace(f.ZH), "en": strings.TrimSpace(f.EN)},
		Answer: map[string]string{"zh": strings.TrimSpace(f.Answer.ZH), "en": strings.TrimSpace(f.Answer.EN)}}
	if !idRE.MatchString(f.ID) {
		v.fail(at+".id", "%q: use lower-case letters, digits and dashes", f.ID)
	}
	for _, t := range []struct{ field, text string }{{"zh", f.ZH}, {"en", f.EN}, {"answer.zh", f.Answer.ZH}, {"answer.en", f.Answer.EN}} {
		if strings.TrimSpace(t.text) == "" {
			v.fail(at+"."+t.field, "missing: every question needs it in both languages")
		}
		if r, ok := controlIn(strings.ReplaceAll(t.text, "\n", " ")); ok {
			v.fail(at+"."+t.field, "holds the control character %U", r)
		}
	}
	if _, ok := Lookup(f.Scenario); !ok {
		v.fail(at+".scenario", "%q is not in the catalog", f.Scenario)
	}
	if q.Profile == "" {
		q.Profile = "linux"
	}
	if _, err := model.ProfileByName(q.Profile); err != nil {
		v.fail(at+".profile", "%v", err)
	}
	s := f.At
	q.At = StepMatch{Kind: s.Kind, Side: s.Side, To: s.To, Flags: s.Flags, Call: s.Call, Timer: s.Timer, Rule: s.Rule, Nth: s.Nth, Retrans: -1}
	if s.Retrans != nil {
		q.At.Retrans = *s.Retrans
	}
	if q.At.Nth == 0 {
		q.At.Nth = 1
	}
	if !contains(stepKinds, s.Kind) {
		v.fail(at+".at.kind", "want one of %s, got %q", strings.Join(stepKinds, ", "), s.Kind)
	}
	if s.Side != "" && s.Side != "client" && s.Side != "server" {
		v.fail(at+".at.side", "want client or server, got %q", s.Side)
	}
	if s.To != "" {
		if _, ok := model.ParseState(s.To); !ok {
			v.fail(at+".at.to", "unknown state %q", s.To)
		}
	}
	if s.Flags != "" {
		if _, err := model.ParseFlags(s.Flags); err != nil {
			v.fail(at+".at.flags", "%v", err)
		}
	}
	for side, st := range f.Expect {
		i := map[string]int{"client": 0, "server": 1}[side]
		if side != "client" && side != "server" {
			v.fail(at+".expect."+side, "want client or server")
			continue
		}
		if _, ok := model.ParseState(st); !ok {
			v.fail(at+".expect."+side, "unknown state %q", st)
		}
		q.Expect[i] = st
	}
	for _, lang := range []string{"zh", "en"} {
		for _, name := range placeholders(q.Answer[lang]) {
			if _, ok := knobValue(model.Linux(), strings.TrimPrefix(name, "run.")); !ok {
				v.fail(at+".answer."+lang, "{%s} is not a knob or a known default", name)
			}
		}
	}
	return q
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Find returns the index of the event of tl that m names, or false.
func (m StepMatch) Find(tl *model.Timeline) (int, bool) {
	if m.Kind == "last" {
		return tl.Len() - 1, true
	}
	n := 0
	for i := range tl.Events {
		if m.matches(tl, &tl.Events[i]) {
			if n++; n == max(m.Nth, 1) {
				return i, true
			}
		}
	}
	return 0, false
}

func (m StepMatch) matches(tl *model.Timeline, ev *model.Event) bool {
	if ev.Kind.String() != m.Kind {
		return false
	}
	if m.Side != "" && ev.Kind != model.EvStart && ev.Side.Name() != m.Side {
		return false
	}
	if m.To != "" && ev.To.String() != m.To {
		return false
	}
	if m.Rule != "" && ev.Note.Rule.String() != m.Rule {
		return false
	}
	if m.Call != "" && !strings.HasPrefix(ev.Call, m.Call) {
		return false
	}
	if m.Timer != "" && ev.Timer.String() != m.Timer {
		return false
	}
	if m.Flags != "" || m.Retrans >= 0 {
		if ev.Kind != model.EvSend && ev.Kind != model.EvDrop && ev.Kind != model.EvRecv {
			return false
		}
		seg := &tl.Segments[ev.Seg]
		if m.Flags != "" && seg.Flags.String() != m.Flags {
			return false
		}
		if m.Retrans >= 0 && seg.Retrans != m.Retrans {
			return false
		}
	}
	return true
}

// Open runs the question's scenario under its profile and finds its step.
func (q *Question) Open() (*model.Scenario, *model.Timeline, int, error) {
	sc, ok := Lookup(q.Scenario)
	if !ok {
		return nil, nil, 0, fmt.Errorf("question %s: no scenario %q", q.ID, q.Scenario)
	}
	p, err := sc.ProfileFor(q.Profile)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("question %s: %w", q.ID, err)
	}
	tl := model.Run(sc, p)
	i, ok := q.At.Find(tl)
	if !ok {
		return sc, tl, 0, fmt.Errorf("question %s: no step of %s under %s matches %+v", q.ID, q.Scenario, q.Profile, q.At)
	}
	return sc, tl, i, nil
}

var placeholderRE = regexp.MustCompile(`\{((?:run\.)?[a-z0-9_]+)\}`)

// placeholders lists the {name} placeholders of an answer.
func placeholders(s string) []string {
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// DefaultKeepalive is SO_KEEPALIVE's setting when a scenario file gives none of its
// fields: Linux's tcp_keepalive_time 7200 s, tcp_keepalive_intvl 75 s and
// tcp_keepalive_probes 9 (include/net/tcp.h TCP_KEEPALIVE_TIME, _INTVL, _PROBES).
var DefaultKeepalive = model.Keepalive{Idle: 7200 * time.Second, Interval: 75 * time.Second, Probes: 9}

// fixedValues are the values of placeholders that are not profile knobs but defaults
// the loader or Linux fixes: keepalive's, the sysctl value of tcp_orphan_retries (0,
// which tcp_orphan_retries() reads as 8, the knob's value), the ephemeral port range
// (ip_local_port_range 32768 60999) and an example of tcp_max_tw_buckets (half the
// established hash's buckets, tcp_sk_init; 262144 for a hash of 524288).
var fixedValues = map[string]string{
	"tcp_keepalive_time":        spaced(model.FormatDuration(DefaultKeepalive.Idle)),
	"tcp_keepalive_intvl":       spaced(model.FormatDuration(DefaultKeepalive.Interval)),
	"tcp_keepalive_probes":      strconv.Itoa(DefaultKeepalive.Probes),
	"tcp_orphan_retries_sysctl": "0",
	"port_range_low":            strconv.Itoa(portLow),
	"port_range_high":           strconv.Itoa(portHigh),
	"port_count":                strconv.Itoa(portHigh - portLow + 1),
	"tcp_max_tw_buckets":        "262144",
	"keepalive_total":           spaced(model.FormatDuration(DefaultKeepalive.Idle + time.Duration(DefaultKeepalive.Probes)*DefaultKeepalive.Interval)),
}

// The ephemeral ports Linux uses by default (net.ipv4.ip_local_port_range).
const portLow, portHigh = 32768, 60999

// knobValue is a placeholder's value under profile p: a knob's, as a reader writes it
// ("60 s", "8"), a fixed default, or one computed from knobs: the connection rate that
// fills the port range within one TIME_WAIT (port_count / time_wait, per second).
func knobValue(p model.Profile, name string) (string, bool) {
	if v, ok := fixedValues[name]; ok {
		return v, true
	}
	if name == "ports_per_second" {
		return strconv.Itoa((portHigh - portLow + 1) / int(p.TimeWait.Seconds())), true
	}
	if name == "msl" {
		return spaced(model.FormatDuration(p.TimeWait / 2)), true
	}
	v, ok := p.Get(name)
	if !ok {
		return "", false
	}
	return spaced(v), true
}

// spaced writes "60s" as "60 s" and "200ms" as "200 ms", as the texts do.
func spaced(v string) string {
	i := strings.IndexFunc(v, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i <= 0 {
		return v
	}
	return v[:i] + " " + v[i:]
}

// Card is the question's answer in language lang ("zh" or "en"), with every
// placeholder replaced: {knob} by its value under the question's profile with its
// defaults, {run.knob} by its value in this run (with the scenario's own settings).
// The numbers a card quotes for a knob are the model's.
func (q *Question) Card(lang string) string {
	def, _ := model.ProfileByName(q.Profile)
	run := def
	if sc, ok := Lookup(q.Scenario); ok {
		if p, err := sc.ProfileFor(q.Profile); err == nil {
			run = p
		}
	}
	return placeholderRE.ReplaceAllStringFunc(q.Answer[lang], func(s string) string {
		name := s[1 : len(s)-1]
		if n, ok := strings.CutPrefix(name, "run."); ok {
			v, _ := knobValue(run, n)
			return v
		}
		v, _ := knobValue(def, name)
		return v
	})
}
