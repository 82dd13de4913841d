//go:build !race

package contract

// altLargest is the largest dependency set the alternatives get: without
// the race detector, every set, as the contract says.
const altLargest = 10000
