package verdict

import "strings"

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

// timeUnits are the time units a benchmark reports in, before and after
// benchunit.Tidy (which turns "ns/op" into "sec/op" and "first-ns" into
// "first-sec").
var timeUnits = map[string]bool{"sec": true, "s": true, "ms": true, "us": true, "µs": true, "ns": true}

// DirectionOf classifies a unit, as written by the benchmark or as tidied by
// golang.org/x/perf/benchunit, by these rules, in order:
//
//   - anything per second ("B/s", "MB/s", "items/s") is throughput: lower is worse;
//   - a time in the numerator ("sec/op", "ns/op", "ns/task", "first-ns",
//     "p99-wake-sec": the numerator or its last '-' part is a time unit),
//     bytes or allocations ("B/op", "allocs/op") and "wasted-tasks": higher
//     is worse;
//   - everything else (such as "wakes", a count whose direction depends on
//     the benchmark) is Unknown.
//
// To have a custom metric gate, name its unit by these rules (end it in
// "-ns" or "/s").
func DirectionOf(unit string) Direction {
	num, den, _ := strings.Cut(unit, "/")
	if den == "s" || den == "sec" {
		return LowerIsWorse
	}
	last := num
	if i := strings.LastIndexByte(num, '-'); i >= 0 {
		last = num[i+1:]
	}
	switch {
	case timeUnits[last], num == "B", num == "allocs", unit == "wasted-tasks":
		return HigherIsWorse
	}
	return Unknown
}
