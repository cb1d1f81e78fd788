package model_test

import (
	"strings"
	"testing"

	"github.com/tcpwave/tcpwave/model"
	"github.com/tcpwave/tcpwave/scenarios"
)

// Where the profiles tell different stories, the narration says so at the moment it
// matters.
func TestContrastAtTheMomentsThatDiffer(t *testing.T) {
	cases := []struct {
		id, profile string
		want        string
	}{
		{"fin-ack-merged", "linux", "Linux sends FIN and ACK together here"},
		{"fin-ack-merged", "rfc9293", "Under linux this ACK waits 40ms"},
		{"client-close", "linux", "TIME_WAIT lasts 60s under linux; under rfc9293 it is 240s"},
		{"client-close", "rfc9293", "TIME_WAIT lasts 240s under rfc9293; under linux it is 60s"},
		{"peer-never-closes", "linux", "RFC 9293 has no timer in FIN_WAIT_2"},
		{"unread-data-rst", "linux", "Under rfc9293 close() is simplex"},
		{"linger-abort", "rfc9293", "Under linux the RST carries an ACK"},
		{"linger-abort", "linux", "the RST's sender enters TIME_WAIT"},
		{"lost-first-fin", "linux", "RTO: linux floors it at 200ms"},
		{"rst-in-time-wait", "linux", "tcp_rfc1337 = 1"},
		{"data-after-close-rst", "linux", "Under rfc9293 close() is simplex"},
		{"syn-in-time-wait-rejected", "linux", "RFC 6191 without timestamps"},
	}
	for _, c := range cases {
		sc, _ := scenarios.Lookup(c.id)
		p, _ := sc.ProfileFor(c.profile)
		tl := model.Run(sc, p)
		found := false
		for i := range tl.Len() {
			if strings.Contains(tl.Contrast(i), c.want) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s/%s: no narration contains %q", c.id, c.profile, c.want)
		}
	}
}

// Contrast is never about a difference that is not there: with both profiles equal on a
// rule, it stays quiet about it.
func TestContrastQuietWhenProfilesAgree(t *testing.T) {
	sc, _ := scenarios.Lookup("client-close")
	p := model.Linux()
	p.TimeWait = model.RFC9293().TimeWait
	tl := model.Run(sc, p)
	for i := range tl.Len() {
		if strings.Contains(tl.Contrast(i), "TIME_WAIT lasts") {
			t.Fatalf("event %d: %q although both profiles use 240s", i, tl.Contrast(i))
		}
	}
}
