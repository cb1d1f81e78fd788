package view

import (
	"fmt"
	"strings"
)

// Lang is a language tcpwave speaks. Every string a user reads comes from its text
// catalog: plain Go tables of format strings, keyed by name (catalog_en.go,
// catalog_zh.go), which a test keeps complete and in step.
type Lang uint8

// The languages.
const (
	En Lang = iota
	Zh
	numLangs
)

var langNames = [numLangs]string{En: "en", Zh: "zh"}

// String is the language's code: "en", "zh".
func (l Lang) String() string {
	if l < numLangs {
		return langNames[l]
	}
	return "en"
}

// ParseLang reads a language code: "en" or "zh" (and their locale forms, "zh_CN").
func ParseLang(s string) (Lang, error) {
	if l, ok := langOfLocale(s); ok {
		return l, nil
	}
	return En, Errorf("unknown language %q (want en or zh)", s)
}

// LangFromEnv picks the language from the locale variables, in POSIX order:
// LC_ALL, then LC_MESSAGES, then LANG; the first that is set decides ("zh_CN.UTF-8"
// is zh); anything else, or nothing, is English.
func LangFromEnv(getenv func(string) string) Lang {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(name); v != "" {
			l, _ := langOfLocale(v)
			return l
		}
	}
	return En
}

// langOfLocale reads a language from a locale name ("zh_TW.UTF-8", "en", "C").
func langOfLocale(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	code, _, _ := strings.Cut(s, ".")
	code, _, _ = strings.Cut(code, "@")
	code, _, _ = strings.Cut(code, "_")
	code, _, _ = strings.Cut(code, "-")
	switch code {
	case "zh":
		return Zh, true
	case "en", "c", "posix":
		return En, true
	}
	return En, false
}

// catalogs holds every language's texts.
var catalogs = [numLangs]map[string]string{En: enTexts, Zh: zhTexts}

// t is the text for key in l, formatted with args. A key missing in l falls back to
// English, and one missing in English too shows as [key] (a test finds both).
func (l Lang) t(key string, args ...any) string {
	f, ok := catalogs[l.valid()][key]
	if !ok {
		if f, ok = enTexts[key]; !ok {
			return "[" + key + "]"
		}
	}
	if len(args) > 0 {
		f = fmt.Sprintf(f, args...)
	}
	if l == Zh {
		f = spaceMixed(f)
	}
	return f
}

// spaceMixed puts a space between a Chinese character and a Latin letter or digit
// that touch, as Chinese technical writing does ("启动 2MSL 定时器"): a catalog's
// words are joined with names and numbers that may begin or end either way.
func spaceMixed(s string) string {
	var b strings.Builder
	prev := rune(0)
	changed := false
	for _, r := range s {
		if prev != 0 && (isHan(prev) && isLatin(r) || isLatin(prev) && isHan(r)) {
			if !changed {
				b.Grow(len(s) + 8)
				changed = true
			}
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		prev = r
	}
	if !changed {
		return s
	}
	return b.String()
}

func isHan(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }
func isLatin(r rune) bool {
	return r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
}

// other is the language the language key switches to.
func (l Lang) other() Lang {
	if l == Zh {
		return En
	}
	return Zh
}

func (l Lang) valid() Lang {
	if l < numLangs {
		return l
	}
	return En
}

// SessionLang is the language a remote user asked for: a word of the command ("zh",
// "en", "lang=zh"; ssh -t host half-close zh), else the client's locale (LC_ALL,
// LC_MESSAGES, LANG, which OpenSSH sends on most systems), else fallback. It returns
// the command without that word.
func SessionLang(command string, environ []string, fallback Lang) (Lang, string, error) {
	var rest []string
	lang, chosen := fallback, false
	for _, w := range strings.Fields(command) {
		code, isLang := strings.CutPrefix(strings.TrimLeft(w, "-"), "lang=")
		if l, err := ParseLang(code); err == nil && (isLang || code == "zh" || code == "en") {
			lang, chosen = l, true
			continue
		} else if isLang {
			return fallback, "", fmt.Errorf("%s: want lang=en or lang=zh", w)
		}
		rest = append(rest, w)
	}
	if !chosen {
		env := map[string]string{}
		for _, kv := range environ {
			if k, v, ok := strings.Cut(kv, "="); ok && v != "" {
				env[k] = v
			}
		}
		if env["LC_ALL"] != "" || env["LC_MESSAGES"] != "" || env["LANG"] != "" {
			lang = LangFromEnv(func(k string) string { return env[k] })
		}
	}
	return lang, strings.Join(rest, " "), nil
}
