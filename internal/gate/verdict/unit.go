package verdict

import "github.com/concbench/concbench/internal/results"

// Direction says which way a change in a unit is worse.
type Direction int

const (
	// Unknown units are reported when they change but never fail the gate:
	// without knowing which way is worse, failing on both would turn every
	// improvement into a false alarm.
	Unknown Direction = iota
	// HigherIsWorse: time, memory, allocations, wasted work.
	HigherIsWorse
	// LowerIsWorse: throughput, anything per second.
	LowerIsWorse
)

func (d Direction) String() string {
	switch d {
	case HigherIsWorse:
		return "higher is worse"
	case LowerIsWorse:
		return "lower is worse"
	}
	return "direction unknown"
}

// DirectionOf classifies a unit, as written by the benchmark or as tidied by
// golang.org/x/perf/benchunit, by its name alone (see results.BetterByName):
// per second is LowerIsWorse; a time, bytes, allocations or wasted-tasks is
// HigherIsWorse; anything else (such as "wakes") is Unknown. The unit
// metadata of the input ("Unit x better=higher") overrides these rules: the
// gate sets [Input.Direction] from results.Set.Better.
//
// To have a custom metric gate without metadata, name its unit by these
// rules (end it in "-ns" or "/s").
func DirectionOf(unit string) Direction { return DirectionOfBetter(results.BetterByName(unit)) }

// DirectionOfBetter converts benchfmt's convention (+1 higher is better, -1
// lower is better, 0 unknown) to a Direction.
func DirectionOfBetter(better int) Direction {
	switch {
	case better > 0:
		return LowerIsWorse
	case better < 0:
		return HigherIsWorse
	}
	return Unknown
}
