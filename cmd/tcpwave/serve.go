package main

import (
	"fmt"
	"io"
)

// runServe serves the UI over SSH. (Owned by the SSH work; placeholder until then.)
func runServe(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "tcpwave serve: not built yet")
	return 1
}
