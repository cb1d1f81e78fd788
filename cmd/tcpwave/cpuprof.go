package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
)

// startCPUProfile is a developer's aid, off unless TCPWAVE_CPUPROFILE names a file:
// the server profiles its CPU from the start until it shuts down, when the returned
// function writes the profile out (`go tool pprof FILE` reads it). Run it under the
// load tool (cmd/tcpwave-load) to see where a frame's time goes.
func startCPUProfile(stderr io.Writer) (stop func()) {
	path := os.Getenv("TCPWAVE_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(stderr, "tcpwave serve: TCPWAVE_CPUPROFILE: %v\n", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(stderr, "tcpwave serve: TCPWAVE_CPUPROFILE: %v\n", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
