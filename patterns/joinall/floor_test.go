package joinall_test

import (
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkSpareStart measures the start-up floor that docs/joinall.md describes:
// how long a goroutine made runnable by a goroutine that keeps running takes
// to start, which with an idle P is how soon a spare worker can help the
// caller. Each op starts one goroutine and spins until it has run, at most
// spinLimit; a goroutine that has not run by then counts as spinLimit and
// gets this P (the op yields until it has run). It reports the 10th, 50th
// and 90th percentile of the start-up in start-p10-ns and so on; run it
// with -cpu 2 or more:
//
//	go test -run '^$' -bench SpareStart -cpu 2 ./patterns/joinall
func BenchmarkSpareStart(b *testing.B) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("needs GOMAXPROCS >= 2: with one P the goroutine waits for the spinner by construction")
	}
	const spinLimit = time.Millisecond
	var lat []time.Duration
	for b.Loop() {
		var ran atomic.Int64 // start-up in ns, plus 1 so that 0 means not yet
		t0 := time.Now()
		go func() { ran.Store(int64(time.Since(t0)) + 1) }()
		for ran.Load() == 0 && time.Since(t0) < spinLimit {
		}
		d := time.Duration(ran.Load() - 1)
		if d < 0 {
			d = spinLimit
			for ran.Load() == 0 {
				runtime.Gosched()
			}
		}
		lat = append(lat, d)
	}
	slices.Sort(lat)
	for _, q := range []struct {
		unit string
		p    float64
	}{{"start-p10-ns", 0.1}, {"start-p50-ns", 0.5}, {"start-p90-ns", 0.9}} {
		b.ReportMetric(float64(lat[int(q.p*float64(len(lat)-1))]), q.unit)
	}
}
