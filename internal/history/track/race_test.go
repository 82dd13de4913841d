//go:build race

package track

// raceEnabled is true under -race, where the simulation runs a smaller set.
const raceEnabled = true
