package view

import (
	"errors"
	"fmt"
	"strings"
	"syscall"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/scenarios/capture"
)

// Msgf writes a command-line message in l. format is the English text, which is also
// the key of its translation (zhMessages): the way gettext keys its catalogs, so that
// a message reads in place at the line that prints it. A format with no translation
// is written in English (TestMessagesAreTranslated finds every one).
func Msgf(l Lang, format string, args ...any) string {
	if l == Zh {
		if zh, ok := zhMessages[format]; ok {
			format = zh
		}
	}
	return fmt.Sprintf(format, args...)
}

// ErrorText is err as a person reads it in l: the model's problems with a value and
// the scenario loader's errors have words in both languages; any other error is
// written as it is.
func ErrorText(l Lang, err error) string {
	if err == nil {
		return ""
	}
	var uq *UnknownQuestionError
	if errors.As(err, &uq) {
		return uq.text(l)
	}
	var tb *TooBigError
	if errors.As(err, &tb) {
		return tb.text(l)
	}
	var me *Message
	if errors.As(err, &me) {
		return me.text(l)
	}
	var ce *capture.Error
	if errors.As(err, &ce) {
		return formatIn(l, ce.Format, ce.Args)
	}
	var se *scenarios.Error
	if errors.As(err, &se) {
		return loaderErrorText(l, se)
	}
	var ie *model.InputError
	if errors.As(err, &ie) {
		return inputErrorText(l, ie, "")
	}
	var errno syscall.Errno
	if errors.As(err, &errno) && l == Zh {
		if s := errnoText(errno); s != "" {
			return s
		}
	}
	var ue *scenarios.UnknownError
	if errors.As(err, &ue) {
		if ue.Closest != "" {
			return Msgf(l, "unknown scenario %q (did you mean %q?); run 'tcpwave list' for the catalog, or give a path to a .yaml file", ue.ID, ue.Closest)
		}
		return Msgf(l, "unknown scenario %q; run 'tcpwave list' for the catalog, or give a path to a .yaml file", ue.ID)
	}
	return err.Error()
}

// loaderErrorText is a scenario file's error, "file:line:col: field f: what", with
// everything that came from the file escaped.
func loaderErrorText(l Lang, e *scenarios.Error) string {
	var b strings.Builder
	b.WriteString(scenarios.Printable(e.File))
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Col)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(Msgf(l, "field %s: ", scenarios.Printable(e.Field)))
	}
	msg := e.Msg
	if e.Format != "" {
		args := make([]any, len(e.Args))
		for i, a := range e.Args {
			args[i] = a
			if ie, ok := a.(*model.InputError); ok {
				// The field already names the knob: say it once.
				args[i] = inputErrorText(l, ie, knobOfField(e.Field))
			} else if err, ok := a.(error); ok {
				args[i] = ErrorText(l, err)
			}
		}
		msg = Msgf(l, e.Format, args...)
	}
	b.WriteString(scenarios.Printable(msg))
	return b.String()
}

// errnoText is what the system said, in Chinese, for the errors a user meets opening
// and writing files and sockets; "" for the rest, written as the system wrote them.
func errnoText(e syscall.Errno) string {
	switch e {
	case syscall.ENOENT:
		return "没有这个文件或目录"
	case syscall.EACCES, syscall.EPERM:
		return "权限不够"
	case syscall.EISDIR:
		return "这是一个目录"
	case syscall.ENOTDIR:
		return "路径中有一段不是目录"
	case syscall.ENOSPC:
		return "磁盘空间不足"
	case syscall.EROFS:
		return "文件系统是只读的"
	case syscall.ENODEV:
		return "没有这个设备（内核缺少所需的模块？）"
	case syscall.EADDRINUSE:
		return "地址已被占用"
	}
	return ""
}

// knobOfField is the knob a "set.tcp_fin_timeout" field names, or "".
func knobOfField(field string) string {
	for _, prefix := range []string{"set.", "set_linux.", "set_rfc9293."} {
		if k, ok := strings.CutPrefix(field, prefix); ok {
			return k
		}
	}
	return ""
}

// inputErrorText says what is wrong with a value the model was given; named is the
// knob the reader already knows of ("" to name it).
func inputErrorText(l Lang, e *model.InputError, named string) string {
	v := scenarios.Printable(fmt.Sprintf("%q", e.Value))
	var s string
	switch e.Problem {
	case model.ProblemUnknownProfile:
		s = Msgf(l, "unknown profile %s (want linux or rfc9293)", v)
	case model.ProblemUnknownKnob:
		s = Msgf(l, "unknown knob %s (known: %s)", v, strings.Join(model.KnobNames(), ", "))
	case model.ProblemNegative:
		s = Msgf(l, "must not be negative, got %s", v)
	case model.ProblemNotSwitch:
		s = Msgf(l, "want 0 or 1, got %s", v)
	case model.ProblemNotCount:
		s = Msgf(l, "want a whole number from 0 to %d, got %s", model.MaxCount, v)
	case model.ProblemNotSynTW:
		s = Msgf(l, "want linux or rfc6191, got %s", v)
	case model.ProblemNoUnit:
		s = Msgf(l, "duration %s has no unit: write e.g. %sms or %ss", v, e.Value, e.Value)
	case model.ProblemBadDuration:
		s = Msgf(l, "bad duration %s (want e.g. 200ms, 1.5s, 2m)", v)
	case model.ProblemTooLong:
		s = Msgf(l, "duration %s is longer than the %dh a scenario's times may be", v, int(model.MaxDuration.Hours()))
	case model.ProblemNotTick:
		s = Msgf(l, "want a tick from 1ns to 1s, got %s", v)
	case model.ProblemNotInRange:
		s = Msgf(l, "want a whole number from %d to %d, got %s", e.Low, e.High, v)
	case model.ProblemUnknownFlag:
		s = Msgf(l, "unknown flag %s (want SYN, FIN, RST, PSH, URG, ACK joined with |)", v)
	default:
		return e.Error()
	}
	if e.Knob != "" && e.Knob != named {
		s = Msgf(l, "knob %s: ", e.Knob) + s
	}
	return s
}

// Ordinal writes n as an ordinal: "1st", "2nd" in English, "第 1 个" in Chinese.
func Ordinal(l Lang, n int) string {
	if l == Zh {
		return fmt.Sprintf("第 %d 个", n)
	}
	suf := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suf = "st"
	case n%10 == 2:
		suf = "nd"
	case n%10 == 3:
		suf = "rd"
	}
	return fmt.Sprintf("%d%s", n, suf)
}

// Message is an error whose words are written in the reader's language when it is
// shown (ErrorText): Format is the English text and the key of its translation.
type Message struct {
	Format string
	Args   []any
}

// Errorf is an error that ErrorText writes in the reader's language; its Error is
// the English.
func Errorf(format string, args ...any) error { return &Message{Format: format, Args: args} }

// Error implements error, in English.
func (m *Message) Error() string { return fmt.Sprintf(m.Format, m.Args...) }

// Unwrap is the arguments that are errors (a format writes them with %v), for
// errors.Is and errors.As.
func (m *Message) Unwrap() []error {
	var errs []error
	for _, a := range m.Args {
		if err, ok := a.(error); ok {
			errs = append(errs, err)
		}
	}
	return errs
}

// text is the message in l; an argument that is itself an error is written in l too.
func (m *Message) text(l Lang) string { return formatIn(l, m.Format, m.Args) }

// formatIn is a message in l, its arguments that are errors written in l too.
func formatIn(l Lang, format string, margs []any) string {
	args := make([]any, len(margs))
	for i, a := range margs {
		if err, ok := a.(error); ok {
			a = ErrorText(l, err)
		}
		args[i] = a
	}
	return Msgf(l, format, args...)
}

// SideName is a side's name in a sentence: "client", "客户端".
func SideName(l Lang, s model.Side) string { return l.side(s) }
