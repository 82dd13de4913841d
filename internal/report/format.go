package report

import (
	"fmt"
	"hash/crc32"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchunit"

	"github.com/concbench/concbench/internal/md"
	"github.com/concbench/concbench/internal/precision"
	"github.com/concbench/concbench/internal/results"
)

// isTime reports whether a tidied unit measures time (sec/op, first-sec).
func isTime(unit string) bool {
	num, _, _ := strings.Cut(unit, "/")
	return slices.Contains(strings.Split(num, "-"), "sec")
}

// value formats v in unit the way benchstat does (three significant digits
// and an SI prefix), with "s" after times, "B" after sizes and "B/s" after
// rates of bytes; small whole counts print as they are.
func value(v float64, unit string) string {
	switch {
	case math.IsInf(v, 0) || math.IsNaN(v):
		return fmt.Sprint(v)
	case isTime(unit):
		return benchunit.Scale(v, benchunit.Decimal) + "s"
	case benchunit.ClassOf(unit) == benchunit.Binary:
		per := "" // a rate keeps its "/s": MB/s is 307.3MiB/s, not 307.3MiB
		if _, den, _ := strings.Cut(unit, "/"); den == "s" {
			per = "/s"
		}
		if v == math.Trunc(v) && math.Abs(v) < 1024 {
			return strconv.FormatFloat(v, 'f', -1, 64) + "B" + per
		}
		return benchunit.Scale(v, benchunit.Binary) + "B" + per
	case v == math.Trunc(v) && math.Abs(v) < 1e5:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case math.Abs(v) < 1:
		// A count below one is a mean (0.005 tasks per op), not a milli-count.
		return strconv.FormatFloat(v, 'g', 3, 64)
	case math.Abs(v) < 1e5:
		// A count that is not whole is a median or a mean of whole ones
		// (1013.5 tasks, the median of an even number of samples): its
		// whole part in full, and at least four significant digits, not
		// "1.014k".
		digits := len(strconv.FormatFloat(math.Trunc(math.Abs(v)), 'f', 0, 64))
		return strconv.FormatFloat(v, 'g', max(4, digits+1), 64)
	}
	return benchunit.Scale(v, benchunit.Decimal)
}

// summaryOf returns the summary of m in s, false if m is nil or has no values.
func summaryOf(s *results.Set, m *results.Metric) (benchmath.Summary, bool) {
	if m == nil {
		return benchmath.Summary{}, false
	}
	return s.Summary(*m)
}

// summary formats a median with its confidence interval: "1.23µs ±2%".
func summary(s benchmath.Summary, unit string) string {
	return value(s.Center, unit) + " ±" + pctRange(s)
}

// pctRange is benchstat's whole percentage (Summary.PctRangeString), but
// with one decimal, rounded up, where the whole one would hide that an
// interval is wider than ±precision.Noisy: "±10.3% (noisy)", not a "±10%"
// marked noisy beside a "±10%" that is not.
func pctRange(s benchmath.Summary) string {
	if w := precision.Width(s); w > precision.Noisy && math.Round(100*w) <= 100*precision.Noisy {
		return strconv.FormatFloat(math.Ceil(1000*w)/10, 'f', 1, 64) + "%"
	}
	return s.PctRangeString()
}

// marked is summary with " (noisy)" after an interval wider than
// ±precision.Noisy (10%): a difference smaller than that is not to be read
// from the cell.
func marked(s benchmath.Summary, unit string) string {
	if precision.Width(s) > precision.Noisy {
		return summary(s, unit) + " (noisy)"
	}
	return summary(s, unit)
}

// delta formats a comparison as benchstat's "vs base" column does: the
// change of the medians, or "~" when the difference is not significant, then
// the p-value and sample sizes.
func delta(c benchmath.Comparison, old, new float64) string {
	return c.FormatDelta(old, new) + " (" + c.String() + ")"
}

// percent formats a ratio as a whole percentage.
// Below 10% it keeps one decimal, so 0.4% does not print as 0%.
func percent(r float64) string {
	if 100*r < 10 {
		return strconv.FormatFloat(100*r, 'f', 1, 64) + "%"
	}
	return strconv.FormatFloat(100*r, 'f', 0, 64) + "%"
}

// ratio formats how many times a is b: "9.8×".
func ratio(a, b float64) string {
	if b == 0 {
		return "∞×"
	}
	r := a / b
	if r >= 10 {
		return strconv.FormatFloat(r, 'f', 0, 64) + "×"
	}
	return strconv.FormatFloat(r, 'f', 1, 64) + "×"
}

// plainOr returns s as it is if it holds only letters, digits, spaces and
// the characters of a suite benchmark's name (=/._-), and otherwise as
// inline code, so that a name from elsewhere (<b>, a|b) reads as written
// in a heading instead of as HTML or Markdown.
func plainOr(s string) string {
	for _, c := range s {
		if !unicode.IsLetter(c) && !unicode.IsDigit(c) && !strings.ContainsRune(" =/._-", c) {
			return md.Code(s)
		}
	}
	return s
}

// fileName is a benchmark's name as the start of a chart's file name:
// lower case, and any character but a-z, 0-9, =, ., _ and - replaced by _,
// with a hash of the name if one was, so that two names do not meet.
func fileName(bench string) string {
	lower := strings.ToLower(bench)
	safe := strings.Map(func(c rune) rune {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.ContainsRune("=._-", c) {
			return c
		}
		return '_'
	}, lower)
	if safe != lower {
		safe += fmt.Sprintf("-%08x", crc32.ChecksumIEEE([]byte(bench)))
	}
	return safe
}
