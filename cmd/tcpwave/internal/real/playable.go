package real

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/view"
)

// Unplayable says why real sockets cannot play the scenario, or "" when they can.
// (A reconnect plays, with the ISN the kernel picks: with timestamps on, Linux's
// default, the kernel decides on a SYN in TIME_WAIT by its timestamp, whatever the
// ISN; the trace's numbers are relative to each connection's ISN anyway.)
//
//   - A knob that no sysctl sets (the model's TIME_WAIT length, its RTO bounds, the
//     delayed-ACK time, the teaching switches) changed from Linux's value describes
//     another kernel than this one.
func Unplayable(sc *model.Scenario) string {
	if err := UnplayableReason(sc); err != nil {
		return err.Error()
	}
	return ""
}

// UnplayableReason is Unplayable's reason as an error that the view can say in the
// reader's language, or nil when real sockets can play the scenario.
func UnplayableReason(sc *model.Scenario) error {
	// A reconnect whose forced ISN is not above the old connection's: real sockets
	// cannot choose their ISN, and the kernel's clock-driven one (secure_tcp_seq)
	// is, in practice, above it, so the story (a SYN TIME_WAIT cannot tell from an
	// old one) does not happen.
	for _, app := range sc.Apps {
		for _, st := range app.Steps {
			if st.Call == model.CallConnect && st.HasISN && st.ISN <= 0 {
				return view.Errorf("its reconnect forces an ISN %+d below the old connection's, and real sockets cannot choose their ISN", st.ISN)
			}
		}
	}
	def := model.Linux()
	for _, o := range sc.Overrides {
		if o.Profile != "" && o.Profile != def.Name {
			continue
		}
		if _, ok := sysctlOf[o.Knob]; ok {
			continue
		}
		p := def
		if err := p.Set(o.Knob, o.Value); err != nil {
			return err
		}
		was, _ := def.Get(o.Knob)
		now, _ := p.Get(o.Knob)
		if was != now {
			return view.Errorf("knob %s=%s has no sysctl: this kernel cannot be set so", o.Knob, o.Value)
		}
	}
	return nil
}

// sysctlOf maps the model's knobs that Linux has as a per-namespace sysctl to its name
// under /proc/sys/net, and how to write the value there.
var sysctlOf = map[string]struct {
	name  string
	write func(model.Profile) string
}{
	"tcp_fin_timeout":       {"ipv4.tcp_fin_timeout", func(p model.Profile) string { return secondsOf(p.FinTimeout) }},
	"tcp_orphan_retries":    {"ipv4.tcp_orphan_retries", func(p model.Profile) string { return fmt.Sprint(p.OrphanRetries) }},
	"tcp_retries2":          {"ipv4.tcp_retries2", func(p model.Profile) string { return fmt.Sprint(p.Retries2) }},
	"tcp_syn_retries":       {"ipv4.tcp_syn_retries", func(p model.Profile) string { return fmt.Sprint(p.SynRetries) }},
	"tcp_rfc1337":           {"ipv4.tcp_rfc1337", func(p model.Profile) string { return boolOf(p.RFC1337) }},
	"tcp_invalid_ratelimit": {"ipv4.tcp_invalid_ratelimit", func(p model.Profile) string { return fmt.Sprint(p.InvalidRateLimit.Milliseconds()) }},
	"tcp_timestamps":        {"ipv4.tcp_timestamps", func(p model.Profile) string { return boolOf(p.Timestamps) }},
	"tcp_tw_reuse":          {"ipv4.tcp_tw_reuse", func(p model.Profile) string { return fmt.Sprint(p.TWReuse) }},
	"tcp_sack":              {"ipv4.tcp_sack", func(p model.Profile) string { return boolOf(p.SACK) }},
}

// sysctlsFor returns the sysctls that set the scenario's linux profile on the kernel,
// for every knob the scenario changes that has one.
func sysctlsFor(sc *model.Scenario) (map[string]string, error) {
	p, err := sc.ProfileFor("linux")
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, o := range sc.Overrides {
		if s, ok := sysctlOf[o.Knob]; ok && (o.Profile == "" || o.Profile == p.Name) {
			out[s.name] = s.write(p)
		}
	}
	return out, nil
}

// SysctlText lists the sysctls a scenario sets, for the trace's header.
func SysctlText(sc *model.Scenario) string {
	m, err := sysctlsFor(sc)
	if err != nil || len(m) == 0 {
		return ""
	}
	var parts []string
	for k, v := range m {
		parts = append(parts, "net."+k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}

func secondsOf(d time.Duration) string { return fmt.Sprint(int64((d + time.Second/2) / time.Second)) }

func boolOf(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
