//go:build race

package gate

// simScale divides the simulations' run counts under the race detector.
const simScale = 8
