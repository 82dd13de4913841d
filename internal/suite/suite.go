// Package suite names concbench's benchmark suite in code: the top-level
// benchmarks (one per pattern), the keys of their key=value sub-benchmark
// names, the task kinds, the implementations with a role in the report, the
// units the benchmarks report, and where each cell's lower bound is measured.
//
// bench/ builds its names from these constants and internal/report reads
// cells by them, so renaming a key, kind or unit is one edit here that both
// sides follow; a name used on one side only fails to compile or fails a test
// (see bench's TestNames), never prints "Not measured" in a report.
//
// To add a task kind: a constant below, an entry in [Kinds] (and in
// [Bounds] if its cells have a lower bound), and its case in internal/work.
package suite

import (
	"fmt"
	"strings"
)

// Top-level benchmarks, without "Benchmark": one per pattern.
const (
	JoinAll    = "JoinAll"
	FirstDone  = "FirstDone"
	FailFast   = "FailFast"
	Starvation = "Starvation"
)

// Patterns lists the top-level benchmarks in the order the report shows them.
var Patterns = []string{JoinAll, FirstDone, FailFast, Starvation}

// Key is a key of a sub-benchmark name part key=value.
type Key string

// The keys, in the order they appear in a name. Starvation names have n, hog
// and victim; the others impl, n and task.
const (
	Impl   Key = "impl"
	N      Key = "n"
	Task   Key = "task"
	Hog    Key = "hog"
	Victim Key = "victim"
)

// Keys lists every key in name order.
var Keys = []Key{Impl, N, Task, Hog, Victim}

// Field returns k as a golang.org/x/perf/benchproc field: "/impl".
func (k Key) Field() string { return "/" + string(k) }

// Is returns the name part k=v.
func (k Key) Is(v any) Part { return Part{k, fmt.Sprint(v)} }

// Part is one key=value part of a sub-benchmark name.
type Part struct {
	Key   Key
	Value string
}

// Name joins parts into a sub-benchmark name: Name(Impl.Is("own"),
// N.Is(10)) is "impl=own/n=10". It panics if a value holds '/', '=', '-' or
// a space (benchfmt would split or misread the name) or if the keys are not
// in the order of [Keys].
func Name(parts ...Part) string {
	s := make([]string, len(parts))
	last := -1
	for i, p := range parts {
		if strings.ContainsAny(p.Value, "/=- ") || p.Value == "" {
			panic(fmt.Sprintf("suite: value %q of %s must be non-empty without '/', '=', '-' or spaces", p.Value, p.Key))
		}
		at := indexOf(p.Key)
		if at <= last {
			panic(fmt.Sprintf("suite: key %q out of order or unknown in %v", p.Key, parts))
		}
		last = at
		s[i] = string(p.Key) + "=" + p.Value
	}
	return strings.Join(s, "/")
}

func indexOf(k Key) int {
	for i, x := range Keys {
		if x == k {
			return i
		}
	}
	return -1
}

// Task kinds (values of [Task]).
const (
	Tiny    = "tiny"    // tens of ns of CPU
	CPU     = "cpu"     // about 10 µs of CPU
	Wait    = "wait"    // a blocking wait of about 1 ms that burns no CPU
	OK      = "ok"      // FailFast: every task succeeds
	Fail    = "fail"    // FailFast: one task fails, the others wait for cancel
	CPUFail = "cpufail" // FailFast: tasks that ignore the context, one fails
	// LastWins is FirstDone's race with the winner last: task n-1 runs a
	// tiny task and the others wait for their context (task 0 wins in the
	// tiny and wait cells).
	LastWins = "lastwins"
)

// Task kinds that look like real callers, deterministic and the same in every
// build (internal/work says how).
const (
	Mixed    = "mixed"    // mostly tiny, one wait in 10, in a fixed shuffled order
	Skewed   = "skewed"   // CPU work of heavy-tailed sizes
	FastSlow = "fastslow" // JoinAll: n/2 tiny tasks, then n/2 waits
)

// Kinds lists the task kinds of the join-all benchmark, in the order they
// run: first those where every task is alike, then [Mixes].
var Kinds = []string{Tiny, CPU, Wait, Mixed, Skewed, FastSlow}

// Mixes are the kinds of [Kinds] whose tasks differ from each other.
var Mixes = []string{Mixed, Skewed, FastSlow}

// Implementations (values of [Impl]) with a role in the report.
const (
	Own         = "own"         // the project's implementation of the pattern
	Serial      = "serial"      // JoinAll: the tasks one after another
	WaitGroup   = "waitgroup"   // a goroutine per task and a sync.WaitGroup
	OSThread    = "osthread"    // JoinAll: an OS thread per task
	Floor       = "floor"       // FirstDone: a bare goroutine per task
	AsCompleted = "ascompleted" // FirstDone: firstdone.AsCompleted, breaking after the first result
	ErrGroup    = "errgroup"    // FailFast: golang.org/x/sync/errgroup
)

// Units as the benchmarks report them (b.ReportMetric); the report reads
// them tidied by golang.org/x/perf/benchunit (ns/task is sec/task).
const (
	NsPerOp     = "ns/op"
	NsPerTask   = "ns/task"
	FirstNs     = "first-ns"
	CancelNs    = "cancel-ns"
	StartNs     = "start-ns"
	WinNs       = "win-ns"
	WastedTasks = "wasted-tasks"
	StallNs     = "stall-ns"    // Starvation: the victim's longest wait to run in an op
	Progress    = "progress"    // Starvation: wake-ups made per wake-up due
	P50WakeNs   = "p50-wake-ns" // Starvation: only from enough wake-ups
	P99WakeNs   = "p99-wake-ns"
)

// Bound says where the lower bound of a cell is measured, in the same run:
// for a cell of Pattern with a Task in Tasks (any task if none), in Unit, the
// bound is the median of the cell that differs only in Impl (and in N, if
// set), read in RefUnit, divided by GOMAXPROCS (or the machine's cores, if
// the input says and they are fewer) if PerProc.
type Bound struct {
	Pattern string
	Unit    string // as reported, e.g. ns/op
	Tasks   []string
	Impl    string
	N       string
	RefUnit string
	PerProc bool
}

// Bounds are the suite's lower-bound rules:
//   - JoinAll with CPU work (tiny, cpu, skewed): serial's time divided by
//     GOMAXPROCS, or for skewed the largest task's share of it if more
//     (internal/work's SkewedLargest: 0.42 at n=1000);
//   - JoinAll with waiting work: one wait, serial's time per task at n=10;
//   - FirstDone's cancel-ns: impl=floor, a bare goroutine per task that
//     watches ctx.Done.
var Bounds = []Bound{
	{Pattern: JoinAll, Unit: NsPerOp, Tasks: []string{Tiny, CPU, Skewed}, Impl: Serial, RefUnit: NsPerOp, PerProc: true},
	{Pattern: JoinAll, Unit: NsPerOp, Tasks: []string{Wait}, Impl: Serial, N: "10", RefUnit: NsPerTask},
	{Pattern: FirstDone, Unit: CancelNs, Impl: Floor, RefUnit: CancelNs},
}
