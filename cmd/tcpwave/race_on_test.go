//go:build race

package main

// raceOn is set when the tests run with the race detector, which makes the model and
// the UI run in this process ten times slower: the heaviest tests sample instead.
const raceOn = true
