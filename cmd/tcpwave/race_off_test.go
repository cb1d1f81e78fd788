//go:build !race

package main

// raceOn is set when the tests run with the race detector (see race_on_test.go).
const raceOn = false
