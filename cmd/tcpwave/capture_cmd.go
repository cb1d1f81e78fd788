package main

import (
	"fmt"
	"io"
	"strings"
)

// isCapture reports whether a command's argument names a capture file (by its
// extension) rather than a scenario.
func isCapture(arg string) bool {
	a := strings.ToLower(arg)
	return strings.HasSuffix(a, ".pcap") || strings.HasSuffix(a, ".pcapng") || strings.HasSuffix(a, ".cap")
}

// traceCapture prints a capture's connection as an inferred timeline.
func traceCapture(path string, rf *runFlags, x *exportFlags, stdout, stderr io.Writer) int {
	fmt.Fprintf(stderr, "tcpwave trace: %s: reading captures is not built yet\n", path)
	return 1
}
