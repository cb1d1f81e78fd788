//go:build race

package view

// raceOn is set when the tests run with the race detector, which makes the
// exhaustive tests slow: they sample instead.
const raceOn = true
