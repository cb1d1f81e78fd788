package view

import (
	"bytes"
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/tcpwave/tcpwave/scenarios/capture"
)

// TestWriteKey: w writes the current timeline, drops included, as a pcap named after
// the scenario, and says so; without Options.Write the key does nothing.
func TestWriteKey(t *testing.T) {
	t.Chdir(t.TempDir())
	press := func(m *Model, r rune) tea.Cmd {
		_, cmd := m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		return cmd
	}
	off := mustNew(t, Options{Scenario: scenario(t, "client-close")})
	if cmd := press(off, 'w'); cmd != nil {
		t.Fatal("w acted without Options.Write (a served session must not write files)")
	}
	m := mustNew(t, Options{Scenario: scenario(t, "client-close"), Write: true})
	press(m, 'd') // lose the first FIN: the file holds the retransmission too
	cmd := press(m, 'w')
	if cmd == nil {
		t.Fatal("w returned no command")
	}
	m.Update(cmd())
	data, err := os.ReadFile("client-close.pcap")
	if err != nil {
		t.Fatal(err)
	}
	r, err := pcapgo.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		if _, _, err := r.ReadPacketData(); err != nil {
			break
		}
		n++
	}
	if want := len(capture.Packets(m.Timeline(), capture.AtLink)); n != want || n < 5 {
		t.Fatalf("the file holds %d packets, the run %d sends (at least 5 with the FIN lost)", n, want)
	}
	if !strings.Contains(m.flash, "client-close.pcap") {
		t.Fatalf("the flash does not say where the file went: %q", m.flash)
	}
}
