package model

import (
	"fmt"
	"strconv"
)

// Problem names what is wrong with a value the model was given. The model says which
// problem it found; the words for it, in each language, are the view's (view.ErrorText).
type Problem uint8

// The problems a profile, a knob, a duration or a flag set can have.
const (
	ProblemUnknownProfile Problem = iota + 1 // Value is no profile's name
	ProblemUnknownKnob                       // Value is no knob's name
	ProblemNegative                          // a duration knob was given less than 0
	ProblemNotSwitch                         // a switch knob wants 0 or 1
	ProblemNotCount                          // a count knob wants a whole number from 0 to MaxCount
	ProblemNotSynTW                          // syn_in_time_wait wants linux or rfc6191
	ProblemNoUnit                            // a duration was given without its unit
	ProblemBadDuration                       // a duration could not be read
	ProblemTooLong                           // a duration is longer than MaxDuration
	ProblemUnknownFlag                       // Value is no TCP flag's name
	ProblemNotTick                           // a clock's tick wants 1ns to 1s
	ProblemNotInRange                        // a count wants a whole number from Low to High
)

var problemKeys = [...]string{
	ProblemUnknownProfile: "unknown-profile",
	ProblemUnknownKnob:    "unknown-knob",
	ProblemNegative:       "negative",
	ProblemNotSwitch:      "not-a-switch",
	ProblemNotCount:       "not-a-count",
	ProblemNotSynTW:       "not-a-syn-in-time-wait-rule",
	ProblemNoUnit:         "no-unit",
	ProblemBadDuration:    "bad-duration",
	ProblemTooLong:        "too-long",
	ProblemUnknownFlag:    "unknown-flag",
	ProblemNotTick:        "not-a-tick",
	ProblemNotInRange:     "not-in-range",
}

// String is the problem's stable key ("unknown-knob"), as the catalogs know it.
func (p Problem) String() string {
	if int(p) < len(problemKeys) && problemKeys[p] != "" {
		return problemKeys[p]
	}
	return "problem-" + strconv.Itoa(int(p))
}

// MaxCount is the largest value a count knob (tcp_orphan_retries...) takes.
const MaxCount = 64

// InputError is a value the model cannot take: the problem, the knob it was given to
// (if any) and the value as written. Its Error is keys and values, not sentences: a
// person reads it through view.ErrorText, in their language.
type InputError struct {
	Problem Problem
	Knob    string // the knob the value was for, or ""
	Value   string // the value as it was written
	// Low and High bound a ProblemNotInRange value.
	Low, High int
}

// Error implements error: "knob tcp_fin_timeout: no-unit "60"".
func (e *InputError) Error() string {
	if e.Knob != "" {
		return fmt.Sprintf("knob %s: %s %q", e.Knob, e.Problem, e.Value)
	}
	return fmt.Sprintf("%s %q", e.Problem, e.Value)
}

func inputError(p Problem, value string) *InputError { return &InputError{Problem: p, Value: value} }
