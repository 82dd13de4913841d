package results

import (
	"fmt"
	"strings"

	"golang.org/x/perf/benchfmt"
)

type unitSeen struct {
	unit string // tidied
	orig string // as written
	file string
	line int
}

// checkUnit rejects a unit whose metric was seen before in another unit of
// the same kind, such as wake-ms after wake-ns: benchstat would keep them
// apart and compare nothing.
func (s *Set) checkUnit(v benchfmt.Value, rec *benchfmt.Result) error {
	shape := unitShape(v.Unit)
	file, line := rec.Pos()
	first, ok := s.shapes[shape]
	switch {
	case !ok:
		s.shapes[shape] = unitSeen{v.Unit, orig(v), file, line}
	case first.unit != v.Unit:
		return fmt.Errorf("%s:%d: unit %s mixes with %s (%s:%d) for the same metric; write one unit",
			file, line, orig(v), first.orig, first.file, first.line)
	}
	return nil
}

func orig(v benchfmt.Value) string {
	if v.OrigUnit != "" {
		return v.OrigUnit
	}
	return v.Unit
}

// unitShape replaces the time and size words of a unit by placeholders:
// ms/op and sec/op have the same shape, so do wake-us and wake-sec.
func unitShape(unit string) string {
	var b strings.Builder
	start := 0
	for i, r := range unit {
		if r == '/' || r == '-' || r == '*' {
			b.WriteString(wordShape(unit[start:i]))
			b.WriteRune(r)
			start = i + 1
		}
	}
	b.WriteString(wordShape(unit[start:]))
	return b.String()
}

func wordShape(w string) string {
	switch {
	case timeWords[w]:
		return "<time>"
	case byteWords[w]:
		return "<bytes>"
	}
	return w
}

var (
	timeWords = map[string]bool{"ns": true, "us": true, "µs": true, "ms": true, "s": true, "sec": true, "min": true, "h": true}
	byteWords = map[string]bool{"B": true, "kB": true, "KB": true, "MB": true, "GB": true, "KiB": true, "MiB": true, "GiB": true}
)

// Better says which way unit improves: +1 if higher values are better, -1
// if lower ones are, 0 if unknown. The inputs' unit metadata decides
// ("Unit items/op better=higher", as benchfmt reads it); without it, these
// rules, in order, on the unit as written or as tidied by benchunit:
//
//   - anything per second ("B/s", "MB/s", "items/s") is throughput: higher
//     is better;
//   - a time in the numerator ("sec/op", "ns/task", "first-ns",
//     "p99-wake-sec": the numerator or its last '-' part is a time unit),
//     bytes or allocations ("B/op", "allocs/op") and "wasted-tasks": lower
//     is better;
//   - everything else (such as "wakes", a count whose direction depends on
//     the benchmark) is unknown.
func (s *Set) Better(unit string) int {
	if m := s.Units.Get(unit, "better"); m != nil {
		return s.Units.GetBetter(unit)
	}
	return BetterByName(unit)
}

// BetterByName is [Set.Better] without unit metadata: the rules alone.
func BetterByName(unit string) int {
	num, den, _ := strings.Cut(unit, "/")
	if den == "s" || den == "sec" {
		return +1
	}
	last := num
	if i := strings.LastIndexByte(num, '-'); i >= 0 {
		last = num[i+1:]
	}
	switch {
	case timeWords[last], num == "B", num == "allocs", unit == "wasted-tasks":
		return -1
	}
	return 0
}

// nonNegative reports whether unit (tidied) is one of the testing
// package's own, which cannot be below zero: time, bytes and allocations
// per op, throughput. A benchmark's own metric may be negative (an offset
// in ns, a difference), as benchstat allows.
func nonNegative(unit string) bool {
	switch unit {
	case "sec/op", "B/op", "allocs/op", "B/s":
		return true
	}
	return false
}
