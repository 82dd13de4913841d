package precision_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"golang.org/x/perf/benchmath"

	"github.com/concbench/concbench/internal/precision"
	"github.com/concbench/concbench/internal/results"
)

func TestWidth(t *testing.T) {
	inf := math.Inf(1)
	for _, tc := range []struct {
		name string
		s    benchmath.Summary
		want float64
	}{
		{"symmetric", benchmath.Summary{Center: 100, Lo: 95, Hi: 105}, 0.05},
		{"wider above", benchmath.Summary{Center: 100, Lo: 98, Hi: 120}, 0.2},
		{"wider below", benchmath.Summary{Center: 100, Lo: 70, Hi: 101}, 0.3},
		{"all zero", benchmath.Summary{}, 0},
		{"infinite", benchmath.Summary{Center: 1, Lo: math.Inf(-1), Hi: inf}, inf},
		{"crosses zero", benchmath.Summary{Center: 1, Lo: -1, Hi: 2}, inf},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := precision.Width(tc.s); math.Abs(got-tc.want) > 1e-12 && got != tc.want {
				t.Errorf("Width(%+v) = %v; want %v", tc.s, got, tc.want)
			}
		})
	}
}

func TestBucket(t *testing.T) {
	for _, tc := range []struct {
		width float64
		want  int
	}{{0, 0}, {0.05, 0}, {0.0501, 1}, {0.1, 1}, {0.15, 2}, {0.2, 2}, {0.21, 3}, {math.Inf(1), 3}} {
		if got := precision.Bucket(tc.width); got != tc.want {
			t.Errorf("Bucket(%v) = %d; want %d", tc.width, got, tc.want)
		}
	}
}

func TestTable(t *testing.T) {
	s, err := results.Read("testdata/two.txt")
	if err != nil {
		t.Fatal(err)
	}
	rows := precision.Table(s)
	rows = append(rows, precision.Sum("latency", rows, precision.IsLatency))
	// ns/op: n=1 within ±2%, n=2 exact, n=3 one sample (infinite interval).
	// first-ns: n=1 from 10 to 40 around 20, ±100%.
	want := []struct {
		name   string
		cells  int
		counts []int
	}{
		{"ns/op", 3, []int{2, 0, 0, 1}},
		{"first-ns", 1, []int{0, 0, 0, 1}},
		{"latency", 1, []int{0, 0, 0, 1}},
	}
	if len(rows) != len(want) {
		t.Fatalf("got %d rows; want %d: %+v", len(rows), len(want), rows)
	}
	for i, w := range want {
		r := rows[i]
		if r.Name != w.name || r.Cells != w.cells || !slices.Equal(r.Counts, w.counts) {
			t.Errorf("row %d = %+v; want %s, %d cells, counts %v", i, r, w.name, w.cells, w.counts)
		}
	}
	if got, want := rows[0].Within(precision.Noisy), 2.0/3; got != want {
		t.Errorf("ns/op Within(10%%) = %v; want %v", got, want)
	}
	var b strings.Builder
	if err := precision.Write(&b, rows); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"| metric | cells | ≤ 5% | 5%–10% | 10%–20% | > 20% | within ±10% |",
		"| ns/op | 3 | 2 | 0 | 0 | 1 | 67% |",
		"| first-ns | 1 | 0 | 0 | 0 | 1 | 0% |",
	} {
		if !strings.Contains(b.String(), line+"\n") {
			t.Errorf("Write wrote\n%s\nwant a line %q", b.String(), line)
		}
	}
}

func TestIsLatency(t *testing.T) {
	for unit, want := range map[string]bool{
		"sec/op": false, "sec/task": false, "B/op": false, "progress": false,
		"first-sec": true, "cancel-sec": true, "stall-sec": true, "p50-wake-sec": true,
	} {
		if got := precision.IsLatency(unit); got != want {
			t.Errorf("IsLatency(%q) = %v; want %v", unit, got, want)
		}
	}
}

// twoRuns reads testdata/two.txt and testdata/slower.txt, the same cells
// with every sec/op twice as slow.
func twoRuns(t *testing.T) (a, b *results.Set) {
	t.Helper()
	a, err := results.Read("testdata/two.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, err = results.Read("testdata/slower.txt")
	if err != nil {
		t.Fatal(err)
	}
	return a, b
}

func TestAgreement(t *testing.T) {
	a, b := twoRuns(t)
	// Four metrics: ns/op of n=1, 2, 3 and first-ns of n=1. n=3 has one
	// sample, too few for the test to find a difference; first-ns did not
	// change.
	for _, tc := range []struct {
		name              string
		x, y              *results.Set
		compared, differs int
	}{
		{"itself", a, a, 4, 0},
		{"twice as slow", a, b, 4, 2},
	} {
		n, d := precision.Agreement(tc.x, tc.y)
		if n != tc.compared || d != tc.differs {
			t.Errorf("%s: Agreement = %d compared, %d differ; want %d, %d", tc.name, n, d, tc.compared, tc.differs)
		}
	}
}

// TestShifts compares a run with one twice as slow in every sec/op cell
// and with itself; first-ns, not a sec/op, does not count.
func TestShifts(t *testing.T) {
	a, b := twoRuns(t)
	for _, tc := range []struct {
		name string
		x, y *results.Set
		want string
	}{
		{"itself", a, a, "GOMAXPROCS=1 cells=3 ratio=1 [1, 1] "},
		{"twice as slow", a, b, "GOMAXPROCS=1 cells=3 ratio=2 [2, 2] "},
		{"twice as fast", b, a, "GOMAXPROCS=1 cells=3 ratio=0.5 [0.5, 0.5] "},
	} {
		got := ""
		for _, s := range precision.Shifts(tc.x, tc.y) {
			got += fmt.Sprintf("GOMAXPROCS=%d cells=%d ratio=%.3g [%.3g, %.3g] ", s.Procs, s.Cells, s.Ratio, s.Low, s.High)
		}
		if got != tc.want {
			t.Errorf("%s: Shifts = %s; want %s", tc.name, got, tc.want)
		}
	}
}

// TestShiftsSpread moves ten cells by 1%, 2%, ... 10%: the geometric mean
// lies between, and the tenths are the nearest-rank 10th and 90th
// percentiles, the 1st and 9th smallest of ten.
func TestShiftsSpread(t *testing.T) {
	var x, y strings.Builder
	for k := 1; k <= 10; k++ {
		fmt.Fprintf(&x, "BenchmarkX/n=%d 100 1000 ns/op\n", k)
		fmt.Fprintf(&y, "BenchmarkX/n=%d 100 %d ns/op\n", k, 1000+10*k)
	}
	a, b := results.New(), results.New()
	if _, err := a.Add("a", []byte(x.String())); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Add("b", []byte(y.String())); err != nil {
		t.Fatal(err)
	}
	sh := precision.Shifts(a, b)
	if len(sh) != 1 {
		t.Fatalf("Shifts = %+v; want one GOMAXPROCS", sh)
	}
	s := sh[0]
	if s.Cells != 10 || math.Abs(s.Low-1.01) > 1e-9 || math.Abs(s.High-1.09) > 1e-9 || s.Ratio < 1.05 || s.Ratio > 1.06 {
		t.Errorf("Shifts = %+v; want 10 cells, ratio between 1.05 and 1.06, Low 1.01, High 1.09", s)
	}
}

func TestSteadiness(t *testing.T) {
	s := results.New()
	var in strings.Builder
	in.WriteString("preempt: off\n")
	for _, ns := range []int{900, 900, 900, 900, 900, 900} { // the off cell is not the probe when async ran
		fmt.Fprintf(&in, "BenchmarkJoinAll/impl=serial/n=1000/task=tiny 100 %d ns/op\n", ns)
	}
	in.WriteString("preempt: async\n")
	for _, ns := range []int{30000, 31000, 45000, 30500, 44000, 30200, 29800, 30100} {
		fmt.Fprintf(&in, "BenchmarkJoinAll/impl=serial/n=1000/task=tiny 100 %d ns/op\n", ns)
		fmt.Fprintf(&in, "BenchmarkJoinAll/impl=serial/n=1000/task=tiny-2 100 %d ns/op\n", ns/10) // GOMAXPROCS=2: not the probe
		fmt.Fprintf(&in, "BenchmarkJoinAll/impl=own/n=1000/task=tiny 100 %d ns/op\n", ns/20)      // not serial
	}
	if _, err := s.Add("run.txt", []byte(in.String())); err != nil {
		t.Fatal(err)
	}
	st, ok := precision.Steadiness(s)
	if !ok {
		t.Fatal("no probe found")
	}
	if st.Samples != 8 || math.Abs(st.Fastest-29.8e-6) > 1e-12 || math.Abs(st.Slowest-45e-6) > 1e-12 {
		t.Errorf("got %d samples from %v to %v; want the 8 async GOMAXPROCS=1 serial samples, 29.8µs to 45µs", st.Samples, st.Fastest, st.Slowest)
	}
	if got := st.Spread(); math.Abs(got-45.0/29.8) > 1e-9 {
		t.Errorf("Spread() = %v; want %v", got, 45.0/29.8)
	}
	if st.HalfWidth <= 0.01 {
		t.Errorf("HalfWidth = %v; want the interval's width around the median %v", st.HalfWidth, st.Median)
	}
	for _, want := range []string{"JoinAll/impl=serial/n=1000/task=tiny", "29.80µs", "45.00µs", "×1.51", "of 8 samples"} {
		if !strings.Contains(st.String(), want) {
			t.Errorf("String() = %q; want it to hold %q", st, want)
		}
	}

	none := results.New()
	if _, err := none.Add("other.txt", []byte("BenchmarkJoinAll/impl=own/n=1000/task=tiny 100 1500 ns/op\n")); err != nil {
		t.Fatal(err)
	}
	if st, ok := precision.Steadiness(none); ok {
		t.Errorf("Steadiness of a run without the probe = %+v, true; want false", st)
	}
}

// TestSteadinessFewSamples checks the probe's sentence on a short run: one
// sample has no spread to report, and fewer than 6 have no interval, which
// the report writes "±∞" as benchstat does, not "±+Inf%".
func TestSteadinessFewSamples(t *testing.T) {
	for _, tc := range []struct {
		samples int
		ok      bool
		want    string
	}{
		{1, false, ""},
		{2, true, "median 30.00µs ±∞)"},
		{5, true, "median 30.00µs ±∞)"},
		{6, true, "median 30.00µs ±0%)"},
	} {
		s := results.New()
		var in strings.Builder
		for range tc.samples {
			in.WriteString("BenchmarkJoinAll/impl=serial/n=1000/task=tiny 100 30000 ns/op\n")
		}
		if _, err := s.Add("run.txt", []byte(in.String())); err != nil {
			t.Fatal(err)
		}
		st, ok := precision.Steadiness(s)
		if ok != tc.ok {
			t.Errorf("%d samples: Steadiness ok = %v; want %v (%v)", tc.samples, ok, tc.ok, st)
			continue
		}
		if got := st.String(); ok && (!strings.Contains(got, tc.want) || strings.Contains(got, "Inf")) {
			t.Errorf("%d samples: got = %q; want it to hold %q", tc.samples, got, tc.want)
		}
	}
}
