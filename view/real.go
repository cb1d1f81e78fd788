package view

// The marks of the side-by-side comparison (compare.go): how the model's run and the
// other (the kernel's, or a capture's) differ at one step.

// RealMark is how the kernel's run (or a capture) and the model's differ at one event.
type RealMark uint8

// The marks of a comparison row.
const (
	RealSame       RealMark = iota // both, close in time
	RealOnlyModel                  // the model has it, the kernel not
	RealOnlyKernel                 // the kernel (or the capture) has it, the model not
	RealTiming                     // both, too far apart in time
	RealUnseen                     // a state the model passes within an instant: sock_diag cannot see it
)

// realGlyph is each mark's glyph: the mark is never carried by colour alone.
var realGlyph = [...]string{" ", "-", "+", "~", "·"}
