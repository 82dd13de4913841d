package runner

import (
	"bufio"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/concbench/concbench/internal/precision"
	"github.com/concbench/concbench/internal/results"
	"github.com/concbench/concbench/patterns/starvation"
)

// PreemptSensitive are the top-level benchmarks (without "Benchmark") whose
// results depend on the preemption mode, the only ones the command runs
// with preemption off by default (see [OffBench]). The others run tasks of
// at most about 10 µs of CPU between scheduling points, far below the
// 10 ms after which the runtime preempts a goroutine, so asyncpreemptoff
// cannot change them: in a default run of commit e84e06c (both modes,
// GOMAXPROCS 1 and 2, 6 rounds), 10 of their 282 async-vs-off sec/op
// comparisons differed at p < 0.05 (3.5%, the rate of chance), in both
// directions. Measuring them twice cost half of the run's time.
var PreemptSensitive = []string{"Starvation"}

// NoOff is the OffBench of a run whose preempt=off cells run no benchmark
// process (their endless hogs still run): a pattern that matches no name.
const NoOff = "^$"

// OffBench returns the -test.bench pattern for the preempt=off processes:
// bench narrowed to the [PreemptSensitive] benchmarks it selects, or
// [NoOff] if it selects none of them.
func OffBench(bench string) string {
	levels := splitRegexp(bench)
	re, err := regexp.Compile(levels[0])
	if err != nil {
		return bench // go test reports the bad pattern
	}
	var names []string
	for _, n := range PreemptSensitive {
		if re.MatchString("Benchmark" + n) {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return NoOff
	}
	return narrow(bench, names)
}

// narrow returns bench with its first level replaced by the exact names of
// the top-level benchmarks names (without "Benchmark"), which bench's first
// level must already match: the same cells, restricted to those benchmarks.
func narrow(bench string, names []string) string {
	levels := splitRegexp(bench)
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = regexp.QuoteMeta(n)
	}
	levels[0] = "^Benchmark(" + strings.Join(quoted, "|") + ")$"
	return strings.Join(levels, "/")
}

// splitRegexp splits a -test.bench pattern into its per-level patterns, at
// the slashes outside brackets and parentheses, as the testing package does.
func splitRegexp(s string) []string {
	var out []string
	brackets, parens := 0, 0
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '[':
			brackets++
		case ']':
			brackets = max(0, brackets-1)
		case '(':
			if brackets == 0 {
				parens++
			}
		case ')':
			if brackets == 0 {
				parens--
			}
		case '/':
			if brackets == 0 && parens == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// run is one process of a round: a cell's process of one runtime, with
// the -test.bench pattern it runs.
type run struct {
	cl    cell
	p     proc
	bench string
	cells int // the cells bench names one by one; 0: a full round's
}

func (r run) String() string { return r.process() + " " + r.bench }

// process names r's process whatever its pattern, as [procKey] does.
func (r run) process() string { return procKey(r.cl, r.p.runtime) }

// procKey names the process of a cell and runtime ("preempt=off
// gomaxprocs=2 runtime=go"): the key that ties what [noisy] finds in the
// results to the runs of a round, and the budget's records to a process.
func procKey(cl cell, runtime string) string { return cl.String() + " runtime=" + runtime }

// runs returns the processes of a full round, in order: every cell's Go
// process, with OffBench in the preempt=off cells when it is set, and then
// its tokio process, which does not run in the off cells when OffBench is
// set (tokio has no asynchronous preemption to turn off); none in the off
// cells when OffBench is [NoOff].
func (c *Config) runs(cells []cell, bin, tokioBin string) []run {
	var out []run
	for _, cl := range cells {
		for _, p := range procs(bin, tokioBin, cl) {
			bench := c.Bench
			if cl.preempt == "off" && c.OffBench != "" {
				if p.runtime != "go" || c.OffBench == NoOff {
					continue
				}
				bench = c.OffBench
			}
			out = append(out, run{cl: cl, p: p, bench: bench})
		}
	}
	return out
}

// noisyRuns returns the processes of a round of the noisy cells: those of
// runs with a noisy cell in what raw.txt holds so far, each narrowed to
// exactly those cells.
func (c *Config) noisyRuns(runs []run, rawPath string, w *bufio.Writer) ([]run, error) {
	if err := w.Flush(); err != nil {
		return nil, err
	}
	set, err := readResults(rawPath)
	if err != nil {
		return nil, nil // nothing measured yet: nothing to sample more
	}
	names := noisy(set, c.MaxRounds)
	var out []run
	for _, r := range runs {
		if n := names[r.process()]; len(n) > 0 {
			r.bench, r.cells = cellsPattern(n), len(n)
			out = append(out, r)
		}
	}
	return out, nil
}

// cellsPattern returns the -test.bench pattern that selects exactly the
// benchmarks names (as [results.Set.Name] gives them): one alternative per
// name, each level anchored, as the testing package (and concbench-tokio)
// split a pattern at top-level '|' and then at '/'. The names come from the
// run's own results, so they are a subset of what its pattern selected.
func cellsPattern(names []string) string {
	alts := make([]string, len(names))
	for i, n := range names {
		levels := strings.Split("Benchmark"+n, "/")
		for k, l := range levels {
			levels[k] = "^" + regexp.QuoteMeta(l) + "$"
		}
		alts[i] = strings.Join(levels, "/")
	}
	return strings.Join(alts, "|")
}

// noisy returns, per process (cell and runtime, as "preempt=off
// gomaxprocs=2 runtime=go"), the names of the benchmarks (sorted, as
// [results.Set.Name] gives them) with a noisy metric in s: a time per op, a
// latency or the starvation victim's progress whose 95% interval is wider
// than ±[precision.Noisy], from fewer than maxRounds samples.
func noisy(s *results.Set, maxRounds int) map[string][]string {
	out := map[string][]string{}
	for _, m := range s.Metrics() {
		if m.Unit != "sec/op" && m.Unit != "progress" && !precision.IsLatency(m.Unit) {
			continue
		}
		sum, ok := s.Summary(m)
		if !ok || len(s.Values(m)) >= maxRounds || precision.Width(sum) <= precision.Noisy {
			continue
		}
		k := procKey(cell{m.Preempt(), m.Procs()}, m.Runtime())
		if name := s.Name(m.Cell); !slices.Contains(out[k], name) {
			out[k] = append(out[k], name)
			slices.Sort(out[k])
		}
	}
	return out
}

// budget keeps a run within its wall time: it says whether the next
// process fits, from how long the same process took before.
type budget struct {
	limit   time.Duration // 0: no limit
	reserve time.Duration // kept for what follows the rounds
	start   time.Time
	took    map[string]time.Duration // by process and pattern
	full    map[string]time.Duration // by process, its longest full run
	cells   map[string]int           // by process, the results of that run
}

// fits reports whether process r can still start at now: its last
// duration with the same pattern or, for a pattern not run yet, the
// process's longest full run scaled to r's share of its cells, doubled for
// cells slower than the average (and never more than the full run); then
// the reserve must still fit in what is left.
func (b *budget) fits(now time.Time, r run) bool {
	if b.limit == 0 {
		return true
	}
	d, ok := b.took[r.String()]
	if !ok {
		k := r.process()
		d = b.full[k]
		if n := b.cells[k]; r.cells > 0 && n > 0 && 2*r.cells < n {
			d = d * time.Duration(2*r.cells) / time.Duration(n)
		}
	}
	return b.left(now, d)
}

// fitsAll reports whether every one of runs, one after the other, can
// still start at now, each by its last duration with the same pattern (0
// for one not run yet), and the reserve after them.
func (b *budget) fitsAll(now time.Time, runs []run) bool {
	if b.limit == 0 {
		return true
	}
	var d time.Duration
	for _, r := range runs {
		d += b.took[r.String()]
	}
	return b.left(now, d)
}

// left reports whether d more, and the reserve after it, fit in what is
// left of the budget at now.
func (b *budget) left(now time.Time, d time.Duration) bool {
	return now.Sub(b.start)+d+b.reserve <= b.limit
}

// record notes that process r took d and wrote n results.
func (b *budget) record(r run, d time.Duration, n int) {
	if b.took == nil {
		b.took, b.full, b.cells = map[string]time.Duration{}, map[string]time.Duration{}, map[string]int{}
	}
	b.took[r.String()] = d
	k := r.process()
	if r.cells == 0 && d > b.full[k] {
		b.full[k], b.cells[k] = d, n
	}
}

// reserve is the time kept from the budget for what follows the rounds:
// the endless hogs (Go's, and tokio's if it runs) and the report.
func (c *Config) reserve(tokio bool) time.Duration {
	const perChild, report = 500 * time.Millisecond, 10 * time.Second
	n := 0
	if c.Endless > 0 {
		n = len(c.Preempt) * len(starvation.Hogs)
		if tokio {
			n += len(tokioHogs)
		}
	}
	return time.Duration(n)*(c.Endless+perChild) + report
}

// noteBought writes a note saying what the run's budget bought.
func (c *Config) noteBought(w *bufio.Writer, rawPath string, r rounds, start time.Time) error {
	if err := w.Flush(); err != nil {
		return err
	}
	set, err := readResults(rawPath)
	if err != nil {
		return nil // nothing measured; Run says so
	}
	_, err = fmt.Fprintf(w, "%s%s\n", note, bought(set, c.Budget, c.now().Sub(start), r))
	return err
}

func budgetString(d time.Duration) string {
	if d == 0 {
		return "none"
	}
	return d.String()
}

// rounds is what a run's rounds came to: full of the planned full rounds,
// and extra rounds of the noisy cells; cut is set when the budget stopped
// the full rounds before the planned ones.
type rounds struct {
	full, planned, extra int
	cut                  bool
}

func (r rounds) String() string {
	s := fmt.Sprintf("%d full rounds", r.full)
	if r.cut {
		s = fmt.Sprintf("%d of %d full rounds (a further one would not have fit in the budget)", r.full, r.planned)
	}
	return s + fmt.Sprintf(" and %d rounds of the noisy cells", r.extra)
}

// bought summarises what a run measured with its budget, for a note in
// raw.txt: its rounds, and how many cells came within ±10%.
func bought(s *results.Set, limit, spent time.Duration, r rounds) string {
	rows := precision.Table(s)
	op := precision.Sum("sec/op", rows, func(u string) bool { return u == "sec/op" })
	lat := precision.Sum("latency", rows, precision.IsLatency)
	within := func(r precision.Row) string {
		return fmt.Sprintf("%.0f%% of %d", 100*r.Within(precision.Noisy), r.Cells)
	}
	return fmt.Sprintf("%s%s, measured for %s: %s; within ±%.0f%%: %s sec/op cells, %s latency cells",
		results.BudgetPrefix, budgetString(limit), spent.Round(time.Second), r, 100*precision.Noisy, within(op), within(lat))
}
