package view

import (
	"testing"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

func EvSendKind() model.EventKind { return model.EvSend }

func mustNew(tb testing.TB, o Options) *Model {
	tb.Helper()
	m, err := New(o)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func scenario(tb testing.TB, id string) *model.Scenario {
	tb.Helper()
	sc, err := scenarios.Get(id)
	if err != nil {
		tb.Fatal(err)
	}
	return sc
}
