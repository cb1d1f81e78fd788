// Command tcpwave shows how a TCP connection closes: a live sequence diagram of both
// endpoints, a trace of every event, and the same UI served over SSH.
package main

import (
	"fmt"
	"io"
	"os"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

const usage = `tcpwave: see how a TCP connection closes.

Usage:
  tcpwave [SCENARIO|FILE] [--profile linux|rfc9293] [--set knob=value]...
                                 open the interactive diagram (default: client-close)
  tcpwave list                   the scenario catalog
  tcpwave trace SCENARIO|FILE    print every event of a run as text
  tcpwave render SCENARIO|FILE   print the finished diagram
  tcpwave serve                  serve the UI over SSH
  tcpwave knobs                  the profile knobs and their values
  tcpwave real SCENARIO|FILE     run it on this machine's kernel, beside the model (root)
  tcpwave real --check           the catalog on this kernel: a conformance table

Run 'tcpwave COMMAND --help' for a command's flags. 'tcpwave --version' prints the version.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a command line and returns the exit status: 0 ok, 1 failure, 2 usage.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "list":
			return runList(args[1:], stdout, stderr)
		case "trace":
			return runTrace(args[1:], stdout, stderr)
		case "knobs":
			return runKnobs(args[1:], stdout, stderr)
		case "render":
			return runRender(args[1:], stdout, stderr)
		case "serve":
			return runServe(args[1:], stdout, stderr)
		case "real":
			return runReal(args[1:], stdout, stderr)
		case "help", "-h", "--help", "-help":
			fmt.Fprint(stdout, usage)
			return 0
		case "version", "--version", "-version":
			fmt.Fprintf(stdout, "tcpwave %s\n", version)
			return 0
		}
	}
	return runUI(args, stdout, stderr)
}
