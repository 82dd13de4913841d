package results

import (
	"strconv"
	"strings"

	"golang.org/x/perf/benchproc"

	"github.com/concbench/concbench/internal/suite"
)

// Fields of a cell's key besides the suite's keys (suite.Impl.Field() and
// so on), in golang.org/x/perf/benchproc's syntax.
const (
	Bench   = ".name"       // the top-level benchmark, without "Benchmark"
	Rest    = ".fullname"   // the name's parts no other field holds (see [Cell.Rest])
	Procs   = "/gomaxprocs" // GOMAXPROCS: the name's -N suffix
	Preempt = "preempt"     // the runner's config line
	Runtime = "runtime"     // the runner's config line: go, or tokio (xruntime/tokio)
	Pkg     = "pkg"         // the package of the benchmark (go test's config line)
	Side    = "side"        // the gate's side of a comparison, set by [Set.Add]'s caller
)

// cellProjection groups results into cells. Its order is the order cells
// sort in: package and side first, then the name with the suite's keys
// (numbers numerically, other values in the order first seen) and impl last,
// so the impls of one cell sit together; then GOMAXPROCS, preempt mode and
// runtime (go or tokio: the same name in both is two cells). GOMAXPROCS
// sorts in the order first seen, not by number: a name without a -N suffix
// (GOMAXPROCS 1) has no number and would sort after every -N.
// Every part of a name lands in a field (what no key names, in Rest), so two
// benchmarks of different names, packages or sides are never one cell.
var cellProjection = strings.Join([]string{Pkg, Side, Bench,
	suite.N.Field() + "@num", suite.Task.Field(), suite.Hog.Field(), suite.Victim.Field(),
	Rest, suite.Impl.Field(), Procs, Preempt, Runtime}, ",")

// Cell is one cell of the benchmark matrix: a benchproc key over the fields
// above. Cells of one [Set] compare equal when every field is equal; a cell
// of another set is found with [Set.Lookup].
type Cell struct{ key benchproc.Key }

// Get returns the value of field (Bench, Procs, suite.Task.Field(), ...),
// "" when the cell's benchmark has none. It panics for a field that is not
// part of a cell.
func (c Cell) Get(field string) string {
	if c.key.IsZero() {
		return ""
	}
	for _, f := range c.key.Projection().Fields() {
		if f.Name == field {
			return c.key.Get(f)
		}
	}
	panic("results: a cell has no field " + field)
}

// Sub returns the value of the suite key k: c.Sub(suite.Impl) is "own".
func (c Cell) Sub(k suite.Key) string { return c.Get(k.Field()) }

// Has reports whether c's name has every one of parts: c.Has(suite.Impl.Is("own")).
func (c Cell) Has(parts ...suite.Part) bool {
	for _, p := range parts {
		if c.Sub(p.Key) != p.Value {
			return false
		}
	}
	return true
}

// Bench returns the top-level benchmark name without "Benchmark".
func (c Cell) Bench() string { return c.Get(Bench) }

// Procs returns GOMAXPROCS: 1 when the name has no -N suffix.
func (c Cell) Procs() int {
	n, err := strconv.Atoi(c.Get(Procs))
	if err != nil {
		return 1
	}
	return n
}

// Preempt returns the input's "preempt:" config, "" when it has none.
func (c Cell) Preempt() string { return c.Get(Preempt) }

// Runtime returns the input's "runtime:" config (go, tokio), "" when it has
// none.
func (c Cell) Runtime() string { return c.Get(Runtime) }

// Rest returns the parts of the name that no suite key holds, such as "New"
// for BenchmarkHash8Bytes/New, or "" if there are none.
func (c Cell) Rest() string {
	r := strings.TrimPrefix(c.Get(Rest), "*")
	return strings.TrimPrefix(r, "/")
}

// values returns c's field values in projection order.
func (c Cell) values() []string {
	fs := c.key.Projection().Fields()
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = c.key.Get(f)
	}
	return out
}

// Metric is one unit measured in one cell.
type Metric struct {
	Cell
	Unit string // tidied by benchunit: sec/op, sec/task, first-sec, B/op, ...
}
