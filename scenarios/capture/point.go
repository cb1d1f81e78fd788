package capture

import (
	"strings"

	"github.com/tcpwave/tcpwave/model"
)

// Point is where a capture is taken: on the client's host, on the server's host, or
// on the link between them. It decides which segments a capture holds and when: a host
// sees its own segments as they leave (lost ones too: they left) and its peer's as
// they arrive (lost ones never); the link sees every segment as it leaves its sender,
// lost ones included, and none of the copies the link itself makes.
type Point uint8

// Capture points.
const (
	// AtLink sees every segment as it leaves its sender: the `send` lines of the trace.
	AtLink Point = iota
	// AtClient is a capture on the client's host (A).
	AtClient
	// AtServer is a capture on the server's host (B).
	AtServer
)

var pointNames = [...]string{"link", "client", "server"}

// String is the point's name as --at takes it.
func (p Point) String() string { return pointNames[p] }

// ParsePoint reads --at's value: link, client (or A) or server (or B).
func ParsePoint(s string) (Point, error) {
	switch strings.ToLower(s) {
	case "link", "":
		return AtLink, nil
	case "client", "a":
		return AtClient, nil
	case "server", "b":
		return AtServer, nil
	}
	return 0, problemf("--at must be client, server or link, got %q", s)
}

// host is the side whose host the capture is taken on, and whether it is a host.
func (p Point) host() (model.Side, bool) {
	switch p {
	case AtClient:
		return model.A, true
	case AtServer:
		return model.B, true
	}
	return 0, false
}
