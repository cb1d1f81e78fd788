package main

import (
	"io"
	"path/filepath"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpwave/tcpwave/cmd/tcpwave/internal/real"
	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
	"github.com/tcpwave/tcpwave/scenarios/capture"
	"github.com/tcpwave/tcpwave/view"
)

// This file builds the side-by-side comparison screen (view.CompareModel) for the two
// commands that show one: tcpwave real (the model beside this machine's kernel) and
// tcpwave open --simulate (the model beside a capture). Both line the events up with
// the one comparison, real.Compare.

// compareSteps turns comparison rows of events made by real.EventsOf into the view's
// steps, each naming its events by their index in their timelines.
func compareSteps(rows []real.Row) []view.CompareStep {
	steps := make([]view.CompareStep, len(rows))
	for i, r := range rows {
		st := view.CompareStep{Mark: view.RealMark(r.Kind), Ev: [2]int{-1, -1}}
		if r.Model != nil {
			st.Ev[0] = real.EventIndex(r.Model)
		}
		if r.Kernel != nil {
			st.Ev[1] = real.EventIndex(r.Kernel)
		}
		steps[i] = st
	}
	return steps
}

// kernelComparison is the comparison of a kernel run with the model's run of the same
// scenario: the kernel's timeline built from its trace (the states sock_diag reported,
// the segments the link carried), compared event by event as --check compares them.
func kernelComparison(sc *model.Scenario, kernel []real.Event, horizon time.Duration, tol real.Tolerance) (view.CompareOptions, error) {
	tl, _, err := real.ModelEvents(sc)
	if err != nil {
		return view.CompareOptions{}, err
	}
	ktl, err := real.TimelineOf(sc, tl.Profile, kernel)
	if err != nil {
		return view.CompareOptions{}, view.Errorf("the kernel's timeline: %v", err)
	}
	mevs, err := real.EventsOf(tl, 0)
	if err != nil {
		return view.CompareOptions{}, err
	}
	kevs, err := real.EventsOf(ktl, 0)
	if err != nil {
		return view.CompareOptions{}, err
	}
	rows := real.Compare(mevs, kevs, horizon, tol)
	return view.CompareOptions{
		Other: view.OtherKernel, Title: sc.ID, Source: real.KernelRelease(),
		Timelines: [2]*model.Timeline{tl, ktl}, Steps: compareSteps(rows),
	}, nil
}

// captureComparison is "simulate this": the scenario that --as-scenario writes for the
// connection, run by the model's linux profile, beside the capture from the start of
// its close on (the scenario's time zero), compared as tcpwave real compares.
func captureComparison(inf *capture.Inference, path, flow string) (view.CompareOptions, error) {
	text, err := capture.AsScenario(inf, filepath.Base(path))
	if err != nil {
		return view.CompareOptions{}, err
	}
	sc, err := scenarios.Parse("from-capture.yaml", []byte(text))
	if err != nil {
		return view.CompareOptions{}, err
	}
	tl, _, err := real.ModelEvents(sc)
	if err != nil {
		return view.CompareOptions{}, err
	}
	ctl := inf.Timeline
	first := capture.CloseStart(ctl)
	if first < 0 { // AsScenario has said so already; kept for safety
		return view.CompareOptions{}, view.Errorf("the connection does not close in the capture")
	}
	shift := ctl.At(first).T
	mevs, err := real.EventsOf(tl, 0)
	if err != nil {
		return view.CompareOptions{}, err
	}
	cevs, err := real.EventsOf(ctl, shift)
	if err != nil {
		return view.CompareOptions{}, err
	}
	// A capture shows no system calls, nor a state left at the instant it is entered
	// (the model's are Unseen in the comparison; the inference's are left out alike),
	// nor anything after it ends: those are no differences.
	mevs = slices.DeleteFunc(mevs, func(e real.Event) bool { return e.Kind == "app" })
	var kept []real.Event
	for i := range cevs {
		if !real.Transient(cevs, i) {
			kept = append(kept, cevs[i])
		}
	}
	horizon := ctl.End() - shift
	horizon += real.DefaultTolerance.DriftAt(horizon)
	rows := real.Compare(mevs, kept, horizon, real.DefaultTolerance)
	return view.CompareOptions{
		Other: view.OtherCapture, Title: filepath.Base(path), Source: flow,
		Timelines: [2]*model.Timeline{tl, ctl}, Steps: compareSteps(rows), Shift: shift,
	}, nil
}

// openSimulation shows the capture beside the model's run of it.
func openSimulation(inf *capture.Inference, path, flow string, l view.Lang, stdout, stderr io.Writer) int {
	o, err := captureComparison(inf, path, flow)
	if err != nil {
		say(stderr, l, "tcpwave open: %s: --simulate: %s\n", path, errorText(l, err))
		return 1
	}
	o.Lang = l
	if _, err := tea.NewProgram(view.NewCompare(o), tea.WithOutput(stdout)).Run(); err != nil {
		say(stderr, l, "tcpwave open: %s\n", errorText(l, err))
		return 1
	}
	return 0
}
