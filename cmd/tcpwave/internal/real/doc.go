// Package real plays a scenario on this machine's Linux kernel and compares it with
// the model, for tcpwave real.
//
// A run (Run) makes two anonymous network namespaces, A's and B's, each with a TUN
// device; tcpwave carries the packets between the two devices itself (link.go), with
// the scenario's delays and faults. The apps' scripts run on real sockets
// (app.go, reconnect.go); sock_diag (diag.go, diagsock.go) reads each side's socket
// after every segment and call and every 2 ms. The result is a timeline in the trace
// grammar (result.go), which Compare lines up with the model's (compare.go), and
// CheckOne and Table turn into the conformance table (check.go).
package real
