// Package bench is concbench's go test -bench suite: one file per pattern,
// every sub-benchmark named with key=value parts in the order impl, n, task
// (hog, victim for starvation), so that one benchstat line serves them all:
//
//	benchstat -col /impl -row /n@num,/task results.txt
//
// GOMAXPROCS comes from -cpu; the preemption mode from the process's GODEBUG,
// which the runner records as a "preempt:" config line.
package bench

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// name joins key, value pairs into a sub-benchmark name: name("impl", "own",
// "n", 10) is "impl=own/n=10".
func name(kv ...any) string {
	if len(kv)%2 != 0 {
		panic("bench: name needs key, value pairs")
	}
	parts := make([]string, 0, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		v := fmt.Sprint(kv[i+1])
		if strings.ContainsAny(v, "/=- ") {
			panic(fmt.Sprintf("bench: value %q of %v may not contain '/', '=', '-' or spaces", v, kv[i]))
		}
		parts = append(parts, fmt.Sprintf("%v=%s", kv[i], v))
	}
	return strings.Join(parts, "/")
}

// perTask reports the benchmark's time per task as ns/task; call it after
// the b.Loop loop, when b.N and b.Elapsed are final.
func perTask(b *testing.B, tasks int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(tasks), "ns/task")
}

// reportMedian reports the median of one span per op (in ns) as unit: a
// latency metric that one slow op, which a mean would carry, cannot move.
// Call it after the b.Loop loop.
func reportMedian(b *testing.B, ns []int64, unit string) {
	if len(ns) == 0 {
		return
	}
	slices.Sort(ns)
	mid := len(ns) / 2
	m := float64(ns[mid])
	if len(ns)%2 == 0 {
		m = (float64(ns[mid-1]) + m) / 2
	}
	b.ReportMetric(m, unit)
}
