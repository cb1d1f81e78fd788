package scenarios

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tcpwave/tcpwave/model"
)

func run(t *testing.T, id, profile string) *model.Timeline {
	t.Helper()
	sc, ok := Lookup(id)
	if !ok {
		t.Fatalf("scenario %s missing from the catalog", id)
	}
	p, err := sc.ProfileFor(profile)
	if err != nil {
		t.Fatal(err)
	}
	tl := model.Run(sc, p)
	if tl.Truncated {
		t.Fatalf("%s/%s never went quiet", id, profile)
	}
	if tl.Stopped && tl.Scenario.Until == 0 {
		t.Fatalf("%s/%s stopped without an until", id, profile)
	}
	return tl
}

// The ids the catalog must carry, exactly as the issue writes them.
var requiredIDs = []string{
	"client-close", "server-close", "simultaneous-close", "fin-ack-merged", "half-close",
	"unread-data-rst", "linger-abort", "fin-wait-2-timeout", "peer-never-closes",
	"lost-first-fin", "lost-fin-twice", "lost-ack-of-fin", "lost-server-fin", "lost-final-ack",
	"data-after-close-rst", "old-duplicate", "syn-in-time-wait", "syn-in-time-wait-rejected",
	"rst-in-time-wait",
}

func TestCatalogHasEveryScenario(t *testing.T) {
	for _, id := range requiredIDs {
		sc, ok := Lookup(id)
		if !ok {
			t.Errorf("missing scenario %s", id)
			continue
		}
		if sc.Title == "" || len(sc.Explanation) < 100 {
			t.Errorf("%s: needs a title and a real explanation", id)
		}
		if len(sc.Moral) < 60 {
			t.Errorf("%s: needs a moral, what its run shows, for its last step", id)
		}
	}
}

// RFC 9293 Figure 12, number for number (absolute sequence numbers).
func TestClientCloseIsFigure12(t *testing.T) {
	tl := run(t, "client-close", "rfc9293")
	type abs struct {
		from     model.Side
		flags    model.Flags
		seq, ack uint32
	}
	want := []abs{
		{model.A, model.FIN | model.ACK, 100, 300},
		{model.B, model.ACK, 300, 101},
		{model.B, model.FIN | model.ACK, 300, 101},
		{model.A, model.ACK, 101, 301},
	}
	var got []abs
	for _, s := range tl.Segments {
		got = append(got, abs{s.From, s.Flags, s.Seq, s.Ack})
	}
	if !slices.Equal(got, want) {
		t.Fatalf("segments:\n got %v\nwant %v", got, want)
	}
	if s := states(tl, model.A); s != "ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED" {
		t.Errorf("A states: %s", s)
	}
	if s := states(tl, model.B); s != "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED" {
		t.Errorf("B states: %s", s)
	}
	// A: CLOSED 2 MSL (240 s) after entering TIME_WAIT.
	var twAt, closedAt time.Duration
	for _, ev := range tl.Events {
		if ev.Kind == model.EvState && ev.Side == model.A {
			switch ev.To {
			case model.TimeWait:
				twAt = ev.T
			case model.Closed:
				closedAt = ev.T
			}
		}
	}
	if closedAt-twAt != 240*time.Second {
		t.Errorf("TIME_WAIT lasted %v, want 2MSL = 240s", closedAt-twAt)
	}
}

// RFC 9293 Figure 13: the FINs cross; both CLOSING, both TIME_WAIT.
func TestSimultaneousCloseIsFigure13(t *testing.T) {
	tl := run(t, "simultaneous-close", "rfc9293")
	got := map[string]bool{}
	for _, s := range tl.Segments {
		got[fmt.Sprintf("%s %s %d/%d", s.From, s.Flags, s.Seq, s.Ack)] = true
	}
	for _, w := range []string{"A FIN|ACK 100/300", "B FIN|ACK 300/100", "A ACK 101/301", "B ACK 301/101"} {
		if !got[w] {
			t.Errorf("missing segment %s; have %v", w, got)
		}
	}
	if len(tl.Segments) != 4 {
		t.Errorf("want 4 segments, got %d", len(tl.Segments))
	}
	for _, side := range []model.Side{model.A, model.B} {
		if s := states(tl, side); s != "ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT CLOSED" {
			t.Errorf("%s states: %s", side, s)
		}
	}
}

// The source article's seven steps of a client-initiated close, in order.
func TestClientCloseShowsTheArticlesSevenSteps(t *testing.T) {
	for _, profile := range model.ProfileNames {
		tl := run(t, "client-close", profile)
		type step struct {
			kind  model.EventKind
			side  model.Side
			what  string
			state model.State
		}
		steps := []step{
			{model.EvState, model.A, "", model.FinWait1},  // 1. client → FIN_WAIT_1
			{model.EvSend, model.A, "FIN|ACK", 0},         //    and sends its FIN
			{model.EvState, model.B, "", model.CloseWait}, // 2. server → CLOSE_WAIT
			{model.EvSend, model.B, "ACK", 0},             //    and ACKs
			{model.EvState, model.A, "", model.FinWait2},  // 3. client gets the ACK → FIN_WAIT_2
			{model.EvState, model.B, "", model.LastAck},   // 4. server → LAST_ACK
			{model.EvSend, model.B, "FIN|ACK", 0},         //    and sends its FIN
			{model.EvSend, model.A, "ACK", 0},             // 5. client ACKs
			{model.EvState, model.A, "", model.TimeWait},  //    → TIME_WAIT
			{model.EvState, model.B, "", model.Closed},    // 6. server gets the ACK → CLOSED
			{model.EvState, model.A, "", model.Closed},    // 7. client, 2MSL later → CLOSED
		}
		i := 0
		for _, ev := range tl.Events {
			if i == len(steps) {
				break
			}
			st := steps[i]
			if ev.Kind != st.kind || ev.Side != st.side {
				continue
			}
			switch {
			case st.kind == model.EvState && ev.To == st.state,
				st.kind == model.EvSend && tl.Segments[ev.Seg].Flags.String() == st.what:
				i++
			}
		}
		if i != len(steps) {
			t.Errorf("%s: step %d of the article's seven steps (%+v) not found in order", profile, i, steps[i])
		}
	}
}

// Every scenario under rfc9293: the segments and both state sequences, as protocol.md §3
// describes them (relative numbers: each side's ISN counts as 0).
func TestScenarioSequencesRFC9293(t *testing.T) {
	checkSequences(t, "rfc9293", []sequenceCase{
		{"client-close", []string{"A FIN|ACK 11/11", "B ACK 11/12", "B FIN|ACK 11/12", "A ACK 12/12"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"},
		{"server-close", []string{"B FIN|ACK 11/11", "A ACK 11/12", "A FIN|ACK 11/12", "B ACK 12/12"},
			"ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED", "ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED"},
		{"simultaneous-close", []string{"A FIN|ACK 11/11", "B FIN|ACK 11/11", "B ACK 12/12", "A ACK 12/12"},
			"ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT CLOSED", "ESTABLISHED FIN_WAIT_1 CLOSING TIME_WAIT CLOSED"},
		// The RFC profile ACKs a FIN at once, so even a prompt close takes four segments.
		{"fin-ack-merged", []string{"A FIN|ACK 11/11", "B ACK 11/12", "B FIN|ACK 11/12", "A ACK 12/12"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"},
		{"half-close", []string{"A FIN|ACK 11/11", "B ACK 11/12", "B PSH|ACK 11/12 +100", "A ACK 12/111",
			"B PSH|ACK 111/12 +100", "A ACK 12/211", "B PSH|ACK 211/12 +100", "A ACK 12/311",
			"B PSH|ACK 311/12 +100", "A ACK 12/411", "B PSH|ACK 411/12 +100", "A ACK 12/511",
			"B FIN|ACK 511/12", "A ACK 12/512"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"},
		// RFC close() is simplex: unread data does not turn the FIN into a RST.
		{"unread-data-rst", []string{"B PSH|ACK 11/11 +100", "A ACK 11/111", "A FIN|ACK 11/111", "B ACK 111/12", "B FIN|ACK 111/12", "A ACK 12/112"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"},
		// ABORT: <SEQ=SND.NXT><CTL=RST>, and the RST's sender enters TIME_WAIT (§3.5.2).
		{"linger-abort", []string{"A RST 11/-"},
			"ESTABLISHED TIME_WAIT CLOSED", "ESTABLISHED CLOSED"},
		// No FIN_WAIT_2 timer in the RFC: the late close is an ordinary one.
		{"fin-wait-2-timeout", []string{"A FIN|ACK 11/11", "B ACK 11/12", "B FIN|ACK 11/12", "A ACK 12/12"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"},
		{"peer-never-closes", []string{"A FIN|ACK 11/11", "B ACK 11/12"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2", "ESTABLISHED CLOSE_WAIT"},
		{"lost-first-fin", []string{"A FIN|ACK 11/11 lost", "A FIN|ACK 11/11", "B ACK 11/12", "B FIN|ACK 11/12", "A ACK 12/12"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"},
		{"lost-fin-twice", []string{"A FIN|ACK 11/11 lost", "A FIN|ACK 11/11 lost", "A FIN|ACK 11/11", "B ACK 11/12", "B FIN|ACK 11/12", "A ACK 12/12"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"},
		// f1: the duplicate FIN is re-ACKed from CLOSE_WAIT.
		{"lost-ack-of-fin", []string{"A FIN|ACK 11/11", "B ACK 11/12 lost", "A FIN|ACK 11/11", "B ACK 11/12", "B FIN|ACK 11/12", "A ACK 12/12"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"},
		{"lost-server-fin", []string{"A FIN|ACK 11/11", "B ACK 11/12", "B FIN|ACK 11/12 lost", "B FIN|ACK 11/12", "A ACK 12/12"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"},
		// d: TIME_WAIT re-ACKs the retransmitted FIN.
		{"lost-final-ack", []string{"A FIN|ACK 11/11", "B ACK 11/12", "B FIN|ACK 11/12", "A ACK 12/12 lost", "B FIN|ACK 11/12", "A ACK 12/12"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"},
		// RFC close() is simplex: data after it is accepted and ACKed.
		{"data-after-close-rst", []string{"A FIN|ACK 11/11", "B ACK 11/12", "B PSH|ACK 11/12 +10", "A ACK 12/21",
			"B PSH|ACK 21/12 +10", "A ACK 12/31", "B FIN|ACK 31/12", "A ACK 12/32"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"},
		// l1: the old copy reaches TIME_WAIT, is ACKed and dropped; the ACK draws a RST
		// from the server's host, ignored here (tcp_rfc1337=1).
		{"old-duplicate", []string{"B PSH|ACK 11/11 +10", "B PSH|ACK 11/11 +10 dup", "A ACK 11/21", "A FIN|ACK 11/21",
			"B ACK 21/12", "B FIN|ACK 21/12", "A ACK 12/22", "A ACK 12/22", "B RST 22/-"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"},
		// Keepalive probes to a peer stuck in FIN_WAIT_2 are answered for ever (the run
		// stops at until: 10m).
		{"close-wait-keepalive", []string{"A FIN|ACK 11/11", "B ACK 11/12",
			"B ACK 10/12", "A ACK 12/11", "B ACK 10/12", "A ACK 12/11", "B ACK 10/12", "A ACK 12/11",
			"B ACK 10/12", "A ACK 12/11", "B ACK 10/12", "A ACK 12/11", "B ACK 10/12", "A ACK 12/11"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2", "ESTABLISHED CLOSE_WAIT"},
		// m1: the higher-ISN SYN opens a new incarnation from TIME_WAIT.
		{"syn-in-time-wait", []string{"B FIN|ACK 11/11", "A ACK 11/12", "A FIN|ACK 11/12", "B ACK 12/12",
			"A SYN 0/-", "B SYN|ACK 0/1", "A ACK 1/1"},
			"ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED SYN_SENT ESTABLISHED",
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED SYN_RECEIVED ESTABLISHED"},
		// n: TIME_WAIT is assassinated by the RST its ACK drew.
		{"rst-in-time-wait", []string{"B PSH|ACK 11/11 +10", "B PSH|ACK 11/11 +10 dup", "A ACK 11/21", "A FIN|ACK 11/21",
			"B ACK 21/12", "B FIN|ACK 21/12", "A ACK 12/22", "A ACK 12/22", "B RST 22/-"},
			"ESTABLISHED FIN_WAIT_1 FIN_WAIT_2 TIME_WAIT CLOSED", "ESTABLISHED CLOSE_WAIT LAST_ACK CLOSED"},
	})
}

// TestLookupParsesOneFile: opening one scenario parses its file and no other (a
// command that opens one scenario used to parse the whole catalog at start); every
// file is named after the id it holds, which is what makes that possible.
func TestLookupParsesOneFile(t *testing.T) {
	catalog.mu.Lock()
	parsed, all, parses := catalog.parsed, catalog.all, catalog.parses
	catalog.parsed, catalog.all, catalog.parses = nil, nil, 0
	catalog.mu.Unlock()
	defer func() {
		catalog.mu.Lock()
		catalog.parsed, catalog.all, catalog.parses = parsed, all, parses
		catalog.mu.Unlock()
	}()
	if sc, ok := Lookup("lost-final-ack"); !ok || sc.ID != "lost-final-ack" {
		t.Fatal("Lookup(lost-final-ack) failed")
	}
	if _, ok := Lookup("client-close"); !ok {
		t.Fatal("Lookup(client-close) failed")
	}
	if _, ok := Lookup("no-such-id"); ok {
		t.Fatal("Lookup(no-such-id) found something")
	}
	if catalog.parses != 2 {
		t.Errorf("two lookups parsed %d files", catalog.parses)
	}
	cat := Catalog()
	if catalog.parses != len(cat) {
		t.Errorf("Catalog parsed %d files for %d scenarios", catalog.parses, len(cat))
	}
	for i, name := range catalogNames() {
		if fileID(name) != cat[i].ID {
			t.Errorf("%s holds %q: a catalog file must be named NN-ID.yaml", name, cat[i].ID)
		}
	}
}
