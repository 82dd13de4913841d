//go:build race

package contract

// altLargest is the largest dependency set the alternatives get: under the
// race detector, 1000 tasks.
const altLargest = 1000
