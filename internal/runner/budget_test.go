package runner

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/results"
)

func TestSplitRegexp(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{".", []string{"."}},
		{"JoinAll/impl=own/n=10$", []string{"JoinAll", "impl=own", "n=10$"}},
		{"(A/B)/x", []string{"(A/B)", "x"}},
		{"[/]/x", []string{"[/]", "x"}},
		{`a\/b/c`, []string{`a\/b`, "c"}},
	} {
		if got := splitRegexp(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("splitRegexp(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestOffBench(t *testing.T) {
	for _, tc := range []struct{ bench, want string }{
		{".", "^Benchmark(Starvation)$"},
		{"Starv/hog=tight", "^Benchmark(Starvation)$/hog=tight"},
		{"JoinAll|Starvation", "^Benchmark(Starvation)$"},
		{"JoinAll", NoOff},
		{"JoinAll/impl=own", NoOff},
	} {
		if got := OffBench(tc.bench); got != tc.want {
			t.Errorf("OffBench(%q) = %q; want %q", tc.bench, got, tc.want)
		}
	}
}

func TestBudgetFits(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	go2 := proc{runtime: "go"}
	all := run{cl: cell{"async", 2}, p: go2, bench: "."}
	a := run{cl: cell{"async", 2}, p: go2, bench: "^BenchmarkA$", cells: 1}
	b := &budget{limit: time.Minute, reserve: 10 * time.Second, start: start}
	b.record(all, 20*time.Second, 100)
	b.record(a, 5*time.Second, 1)
	for _, tc := range []struct {
		at   time.Duration
		r    run
		want bool
	}{
		{30 * time.Second, all, true}, // 30 + 20 + 10 = 60
		{31 * time.Second, all, false},
		{44 * time.Second, a, true}, // its own 5 s
		{45 * time.Second, a, true},
		{46 * time.Second, a, false},
		// Not run yet: 10 of the 100 cells, twice their share of 20 s.
		{46 * time.Second, run{cl: cell{"async", 2}, p: go2, bench: "^BenchmarkB$", cells: 10}, true},
		{47 * time.Second, run{cl: cell{"async", 2}, p: go2, bench: "^BenchmarkB$", cells: 10}, false},
		// 60 of 100: the full run's 20 s, no more.
		{30 * time.Second, run{cl: cell{"async", 2}, p: go2, bench: "^BenchmarkC$", cells: 60}, true},
		{31 * time.Second, run{cl: cell{"async", 2}, p: go2, bench: "^BenchmarkC$", cells: 60}, false},
	} {
		if got := b.fits(start.Add(tc.at), tc.r); got != tc.want {
			t.Errorf("fits at %v for %v = %v; want %v", tc.at, tc.r, got, tc.want)
		}
	}
	if !(&budget{}).fits(start.Add(time.Hour), all) {
		t.Errorf("a zero budget does not fit; want no limit")
	}
}

// TestCellsPattern runs a test binary with the pattern of some of its
// sub-benchmarks: exactly those run, not the other combinations of their
// levels' values.
func TestCellsPattern(t *testing.T) {
	mod := tinyModule(t, `func BenchmarkA(b *testing.B) {
	for _, impl := range []string{"a", "b.c"} {
		for _, n := range []string{"1", "2"} {
			b.Run("impl="+impl+"/n="+n, func(b *testing.B) { for b.Loop() {} })
		}
	}
}
func BenchmarkAB(b *testing.B) { for b.Loop() {} }
func BenchmarkB(b *testing.B) { for b.Loop() {} }
`)
	want := []string{"A/impl=a/n=2", "A/impl=b.c/n=1", "B"}
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", cellsPattern(want), "-benchtime", "1x", "-cpu", "1", "./b")
	cmd.Dir = mod
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go test: %v\n%s", err, out)
	}
	var got []string
	for _, l := range strings.Split(string(out), "\n") {
		if f := strings.Fields(l); len(f) > 0 && strings.HasPrefix(f[0], "Benchmark") {
			got = append(got, strings.TrimPrefix(f[0], "Benchmark"))
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("pattern %q ran %q; want %q", cellsPattern(want), got, want)
	}
}

func TestRuns(t *testing.T) {
	c := &Config{Bench: ".", OffBench: "^Benchmark(Starvation)$"}
	cells := []cell{{"async", 1}, {"off", 1}}
	var got []string
	for _, r := range c.runs(cells, "bench.test", "tokio") {
		got = append(got, r.String())
	}
	want := []string{
		"preempt=async gomaxprocs=1 runtime=go .",
		"preempt=async gomaxprocs=1 runtime=tokio .",
		"preempt=off gomaxprocs=1 runtime=go ^Benchmark(Starvation)$",
	}
	if !slices.Equal(got, want) {
		t.Errorf("runs = %q; want %q", got, want)
	}
	c.OffBench = NoOff
	if rs := c.runs(cells, "bench.test", ""); len(rs) != 1 || rs[0].cl.preempt != "async" {
		t.Errorf("runs with NoOff = %v; want the async cell's only", rs)
	}
}

func TestNoisy(t *testing.T) {
	// Steady: 6 samples within ±1%. Noisy: sec/op from 100 to 200. Few: 5
	// samples, an infinite interval. Allocs: noisy B/op, which does not count.
	raw := "preempt: async\nruntime: go\n"
	for i, v := range []float64{100, 150, 200, 120, 180, 160} {
		raw += fmt.Sprintf("BenchmarkSteady-2 1 %v ns/op\n", 100+i%2)
		raw += fmt.Sprintf("BenchmarkNoisy/n=1-2 1 %v ns/op\n", v)
		raw += fmt.Sprintf("BenchmarkAllocs-2 1 100 ns/op %v B/op\n", v)
		if i < 5 {
			raw += "BenchmarkFew 1 100 ns/op\n"
		}
	}
	path := filepath.Join(t.TempDir(), "raw.txt")
	if err := os.WriteFile(path, []byte(raw), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := results.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	got := noisy(s, 20)
	want := map[string][]string{"preempt=async gomaxprocs=2 runtime=go": {"Noisy/n=1"}, "preempt=async gomaxprocs=1 runtime=go": {"Few"}}
	if !maps.EqualFunc(got, want, slices.Equal) {
		t.Errorf("noisy = %v; want %v", got, want)
	}
	if got := noisy(s, 6); len(got) != 1 || got["preempt=async gomaxprocs=1 runtime=go"] == nil {
		t.Errorf("noisy with 6 rounds at most = %v; want only Few (5 samples)", got)
	}
}

// TestRunSamplesNoisyMore runs a module whose cells have too few samples
// for an interval after the full rounds: further rounds run them until they
// have 6, and raw.txt says what the budget bought.
func TestRunSamplesNoisyMore(t *testing.T) {
	mod := tinyModule(t, okBench)
	res, err := Run(context.Background(), Config{
		Rounds: 2, MaxRounds: 8, Budget: time.Hour, Benchtime: "1x", CPUs: []int{1}, Preempt: []string{"async"},
		Out: t.TempDir(), Timeout: time.Minute, ModuleDir: mod, Pkg: "./b",
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := results.Read(filepath.Join(res.Dir, "raw.txt"))
	if err != nil {
		t.Fatal(err)
	}
	// Up to 5 samples the interval is infinite, so the cell is noisy; from 6
	// on it depends on the machine.
	n := 0
	for _, m := range s.Metrics() {
		if m.Bench() == "OK" && m.Unit == "sec/op" {
			n = len(s.Values(m))
		}
	}
	if n < 6 || n > 8 {
		t.Errorf("BenchmarkOK has %d samples; want 6 to 8", n)
	}
	var note string
	for _, n := range s.Notes {
		if strings.HasPrefix(n.Text, results.BudgetPrefix) {
			note = n.Text
		}
	}
	if !strings.Contains(note, "2 full rounds") {
		t.Errorf("budget note = %q; want it to name the 2 full rounds", note)
	}
	if got := s.Config("budget"); !slices.Equal(got, []string{"1h0m0s"}) {
		t.Errorf("budget config = %q; want 1h0m0s", got)
	}
}

func TestBudgetFitsAll(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	one := run{cl: cell{"async", 1}, p: proc{runtime: "go"}, bench: "."}
	two := run{cl: cell{"async", 2}, p: proc{runtime: "go"}, bench: "."}
	b := &budget{limit: time.Minute, reserve: 10 * time.Second, start: start}
	b.record(one, 15*time.Second, 100)
	b.record(two, 5*time.Second, 100)
	for _, tc := range []struct {
		at   time.Duration
		runs []run
		want bool
	}{
		{30 * time.Second, []run{one, two}, true}, // 30 + 15 + 5 + 10 = 60
		{31 * time.Second, []run{one, two}, false},
		{31 * time.Second, []run{two}, true},
		{45 * time.Second, []run{two}, true},
		{46 * time.Second, []run{two}, false},
	} {
		if got := b.fitsAll(start.Add(tc.at), tc.runs); got != tc.want {
			t.Errorf("fitsAll at %v for %v = %v; want %v", tc.at, tc.runs, got, tc.want)
		}
	}
	if !(&budget{}).fitsAll(start.Add(time.Hour), []run{one}) {
		t.Errorf("a zero budget does not fit; want no limit")
	}
}

// TestRunBudgetCutsFullRounds runs with a budget already spent: a run whose
// rounds are not fixed stops after MinRounds full rounds and says so; one
// with a fixed number of rounds runs them all.
func TestRunBudgetCutsFullRounds(t *testing.T) {
	mod := tinyModule(t, okBench)
	for _, tc := range []struct {
		name             string
		rounds, max      int
		samples          int
		noteHas, noteNot string
	}{
		{"adaptive", 10, 30, MinRounds, fmt.Sprintf("%d of 10 full rounds", MinRounds), ""},
		{"fixed", 8, 8, 8, "8 full rounds", "of 8 full rounds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(context.Background(), Config{
				Rounds: tc.rounds, MaxRounds: tc.max, Budget: time.Nanosecond, Benchtime: "1x", CPUs: []int{1},
				Preempt: []string{"async"}, Out: t.TempDir(), Timeout: time.Minute, ModuleDir: mod, Pkg: "./b",
			})
			if err != nil {
				t.Fatal(err)
			}
			if res.Processes != tc.samples || res.Planned != tc.samples {
				t.Errorf("ran %d of %d planned processes; want %d of %d", res.Processes, res.Planned, tc.samples, tc.samples)
			}
			s, err := results.Read(filepath.Join(res.Dir, "raw.txt"))
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range s.Metrics() {
				if m.Unit == "sec/op" && len(s.Values(m)) != tc.samples {
					t.Errorf("%s has %d samples; want %d", s.Name(m.Cell), len(s.Values(m)), tc.samples)
				}
			}
			var note string
			for _, n := range s.Notes {
				if strings.HasPrefix(n.Text, results.BudgetPrefix) {
					note = n.Text
				}
			}
			if !strings.Contains(note, tc.noteHas) || (tc.noteNot != "" && strings.Contains(note, tc.noteNot)) {
				t.Errorf("budget note = %q; want %q in it, not %q", note, tc.noteHas, tc.noteNot)
			}
		})
	}
}
