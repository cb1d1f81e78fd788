package view

import (
	"bytes"
	"os"

	tea "charm.land/bubbletea/v2"

	"github.com/tcpwave/tcpwave/scenarios/capture"
)

// wroteMsg reports the w key's pcap: where it went and how many packets it holds, or
// why it could not be written.
type wroteMsg struct {
	path string
	n    int
	err  error
}

// writePcap saves the current timeline (with any drops injected) as a pcap named
// after the scenario, in the working directory, as seen on the link: every segment
// as it leaves its sender. The file is written by a command, off the update loop.
func (m *Model) writePcap() tea.Cmd {
	tl := m.play.Timeline()
	path := m.play.Scenario().ID + ".pcap"
	return func() tea.Msg {
		pkts := capture.Packets(tl, capture.AtLink)
		var b bytes.Buffer
		if err := capture.WritePackets(&b, pkts); err != nil {
			return wroteMsg{path: path, err: err}
		}
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			return wroteMsg{path: path, err: err}
		}
		return wroteMsg{path: path, n: len(pkts)}
	}
}

// wrote says where the pcap went, in a flash.
func (m *Model) wrote(msg wroteMsg) {
	if msg.err != nil {
		m.setFlash(m.lang.t("flash.write.error", msg.path, msg.err.Error()))
		return
	}
	m.setFlash(m.lang.t("flash.write", msg.path, msg.n, msg.path))
}
