// Package model is tcpwave's simulator: two TCP endpoints (A, the client and active
// opener; B, the server) joined by a link, run as a deterministic discrete-event
// simulation on a virtual clock.
//
// The rules are those of RFC 9293 (with RFC 5961, RFC 6191 and RFC 1337 where they
// apply) and, under the linux profile, those of the Linux kernel's TCP. Every rule that
// differs between the two is one named field of Profile.
//
// A run produces a Timeline: every event (an application call, a segment sent, lost or
// delivered, a state change, a timer armed or stopped) with an immutable snapshot of both
// endpoints. Seeking is O(1); forking with an extra fault recomputes only the future.
//
// The package does no I/O, reads no wall clock and imports nothing that draws: it is
// plain Go that a test can drive event by event.
package model
