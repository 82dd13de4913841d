package report

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/concbench/concbench/internal/results"
	"github.com/concbench/concbench/patterns/failfast"
	"github.com/concbench/concbench/patterns/firstdone"
	"github.com/concbench/concbench/patterns/joinall"
)

// pattern is what the report knows about one top-level benchmark beyond its
// numbers: a title, the implementations' documented departures from the
// contract, which metric its chart shows, and where a measured lower bound
// gives an efficiency.
//
// To add a pattern, add an entry to [patterns] that reads its package's Impls
// table with [implsOf] (every pattern package has the shape of joinall.Impls:
// Name, Deviations, Use). Starvation has no implementations, so no table.
type pattern struct {
	bench string // top-level benchmark name without "Benchmark"
	title string
	about string // one sentence: what the benchmark models
	impls func() []impl
	chart string // tidied unit the chart shows
	// bound returns the measured lower bound for metric m, if there is one.
	bound func(s *results.Set, m results.Metric) (float64, bool)
}

// impl is one row of a pattern package's Impls table.
type impl struct {
	name       string
	use        string
	deviations map[string]string
	panics     string // the package's PanicMode: repanic, crash or caller
}

var patterns = []pattern{
	{
		bench: "JoinAll",
		title: "Join all",
		about: "run n tasks concurrently and wait for all of them, results in submission order.",
		impls: func() []impl {
			return implsOf(joinall.Impls, func(i joinall.Impl) impl { return impl{i.Name, i.Use, i.Deviations, string(i.Panics)} })
		},
		chart: "sec/task",
		bound: joinAllBound,
	},
	{
		bench: "FirstDone",
		title: "First done",
		about: "start n tasks, take the first result, cancel the losers.",
		impls: func() []impl {
			return implsOf(firstdone.Impls, func(i firstdone.Impl) impl { return impl{i.Name, i.Use, i.Deviations, string(i.Panics)} })
		},
		chart: "first-sec",
		bound: firstDoneBound,
	},
	{
		bench: "FailFast",
		title: "Fail fast",
		about: "the first error cancels the other tasks (the errgroup pattern).",
		impls: func() []impl {
			return implsOf(failfast.Impls, func(i failfast.Impl) impl { return impl{i.Name, i.Use, i.Deviations, string(i.Panics)} })
		},
		chart: "sec/op",
	},
	{
		bench: "Starvation",
		title: "Starvation",
		about: "n CPU hogs against a latency-sensitive victim: how long the victim waits to run.",
		chart: "stall-sec",
	},
}

// implsOf converts a pattern package's Impls table.
func implsOf[T any](table []T, conv func(T) impl) []impl {
	out := make([]impl, len(table))
	for i, t := range table {
		out[i] = conv(t)
	}
	return out
}

func patternOf(bench string) pattern {
	for _, p := range patterns {
		if p.bench == bench {
			return p
		}
	}
	return pattern{bench: bench, title: bench, chart: "sec/op"}
}

// joinAllBound is the lower bound of a JoinAll cell's time per op: for CPU
// work (tiny, cpu) serial's time divided by GOMAXPROCS; for waiting work one
// wait, which is serial's time per task at n=10.
func joinAllBound(s *results.Set, m results.Metric) (float64, bool) {
	if m.Unit != "sec/op" {
		return 0, false
	}
	ref := m
	switch m.Get("task") {
	case "tiny", "cpu":
		ref.Sub = withKey(m.Sub, "impl", "serial")
		med, ok := median(s, ref)
		return med / float64(m.Procs), ok
	case "wait":
		ref.Sub = withKey(withKey(m.Sub, "impl", "serial"), "n", "10")
		ref.Unit = "sec/task"
		return median(s, ref)
	}
	return 0, false
}

// firstDoneBound is the lower bound of cancel-ns: impl=floor, a plain
// goroutine per task that watches ctx.Done.
func firstDoneBound(s *results.Set, m results.Metric) (float64, bool) {
	if m.Unit != "cancel-sec" {
		return 0, false
	}
	ref := m
	ref.Sub = withKey(m.Sub, "impl", "floor")
	return median(s, ref)
}

// withKey returns sub with key's value replaced.
func withKey(sub, key, val string) string {
	parts := splitSub(sub)
	for i, p := range parts {
		if p.key == key {
			parts[i].val = val
		}
	}
	return joinSub(parts)
}

type part struct{ key, val string }

func splitSub(sub string) []part {
	if sub == "" {
		return nil
	}
	var out []part
	for _, p := range strings.Split(sub, "/") {
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			k, v = "", p
		}
		out = append(out, part{k, v})
	}
	return out
}

func joinSub(parts []part) string {
	s := ""
	for i, p := range parts {
		if i > 0 {
			s += "/"
		}
		if p.key != "" {
			s += p.key + "="
		}
		s += p.val
	}
	return s
}

// deviationsOf returns the pattern's implementations that document a
// departure from the contract, sorted by the table's order.
// panicText says in words what a pattern package's PanicMode means.
func panicText(mode string) string {
	switch mode {
	case "repanic":
		return "re-panics in the caller once the others returned"
	case "crash":
		return "crashes the process"
	case "caller":
		return "unwinds the caller at once (tasks run on it)"
	case "":
		return "–"
	}
	return mode
}

func deviationsOf(p pattern) []impl {
	if p.impls == nil {
		return nil
	}
	var out []impl
	for _, im := range p.impls() {
		if len(im.deviations) > 0 {
			out = append(out, im)
		}
	}
	return out
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// numLess orders values numerically when both are numbers, else as strings.
func numLess(a, b string) int {
	x, errx := strconv.ParseFloat(a, 64)
	y, erry := strconv.ParseFloat(b, 64)
	switch {
	case errx == nil && erry == nil:
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
