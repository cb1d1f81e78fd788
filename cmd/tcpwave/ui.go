package main

import (
	"fmt"
	"io"
)

// runUI opens the interactive diagram. (Owned by the UI work; placeholder until then.)
func runUI(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "tcpwave: the interactive UI is not built yet")
	return 1
}

// runRender prints the finished diagram. (Owned by the UI work; placeholder until then.)
func runRender(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "tcpwave render: not built yet")
	return 1
}
