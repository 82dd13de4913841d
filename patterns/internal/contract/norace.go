//go:build !race

package contract

// AltMaxN caps the dependency sets for the alternatives; without the race
// detector they get every set.
const AltMaxN = 0
