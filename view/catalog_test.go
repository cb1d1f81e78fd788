package view

import (
	"regexp"
	"slices"
	"testing"

	"github.com/tcpwave/tcpwave/model"
)

// verbs are the fmt verbs of a format string, in the order of their arguments.
var verb = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*\d*[sdvqx]`)

func verbsOf(f string) []string {
	var out []string
	next := 1
	byArg := map[int]string{}
	for _, m := range verb.FindAllStringSubmatch(f, -1) {
		arg := next
		if m[2] != "" {
			arg = int(m[2][0] - '0')
		}
		byArg[arg] = m[0][len(m[0])-1:]
		next = arg + 1
	}
	for i := 1; i <= len(byArg); i++ {
		out = append(out, byArg[i])
	}
	return out
}

// Every language has every key, and each key's words take the same arguments.
func TestCatalogsAreComplete(t *testing.T) {
	en := catalogs[En]
	for l := Lang(1); l < numLangs; l++ {
		c := catalogs[l]
		for k, f := range en {
			g, ok := c[k]
			switch {
			case !ok:
				t.Errorf("%s lacks %q (en: %q)", l, k, f)
			case !slices.Equal(verbsOf(f), verbsOf(g)):
				t.Errorf("%s %q takes %v, en takes %v", l, k, verbsOf(g), verbsOf(f))
			}
		}
		for k := range c {
			if _, ok := en[k]; !ok && !isScenarioKey(k) {
				t.Errorf("%s has %q, which English does not", l, k)
			}
		}
	}
}

var scenarioKey = regexp.MustCompile(`^scenario\.[a-z0-9-]+\.(title|explanation|moral)$`)

func isScenarioKey(k string) bool { return scenarioKey.MatchString(k) }

func TestLangFromEnv(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want Lang
	}{
		{map[string]string{}, En},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, Zh},
		{map[string]string{"LANG": "zh_TW.UTF-8"}, Zh},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, Zh},
		{map[string]string{"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, En},
		{map[string]string{"LANG": "de_DE.UTF-8"}, En},
		{map[string]string{"LC_ALL": "zh"}, Zh},
	} {
		if got := LangFromEnv(func(k string) string { return c.env[k] }); got != c.want {
			t.Errorf("%v: %s, want %s", c.env, got, c.want)
		}
	}
	for _, s := range []string{"zh", "en", "zh_CN", "ZH"} {
		if _, err := ParseLang(s); err != nil {
			t.Errorf("ParseLang(%q): %v", s, err)
		}
	}
	if _, err := ParseLang("fr"); err == nil {
		t.Error("ParseLang(fr) accepted")
	}
}

// Every profile knob is described in every language.
func TestKnobsAreDescribed(t *testing.T) {
	for l := Lang(0); l < numLangs; l++ {
		for _, name := range model.KnobNames() {
			if _, ok := catalogs[l]["knob."+name]; !ok {
				t.Errorf("%s: knob %s has no description", l, name)
			}
		}
	}
}

func TestSpaceMixed(t *testing.T) {
	for in, want := range map[string]string{
		"客户端重启2MSL 定时器":   "客户端重启 2MSL 定时器",
		"重发FIN）":          "重发 FIN）",
		"FIN：本端":          "FIN：本端",
		"t=0.440 s · 客户端": "t=0.440 s · 客户端",
		"收到 ACK，确认":       "收到 ACK，确认",
	} {
		if got := spaceMixed(in); got != want {
			t.Errorf("spaceMixed(%q) = %q, want %q", in, got, want)
		}
	}
}
