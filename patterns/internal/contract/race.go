//go:build race

package contract

// AltMaxN caps the dependency sets [CheckDeps] gives the alternatives under
// the race detector, where 10000 goroutines per set cost seconds: the own
// implementations still get every set, the alternatives (library code) the
// sets of up to 1000 tasks. Without it they get every set.
const AltMaxN = 1000
