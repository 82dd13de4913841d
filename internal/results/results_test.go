package results

import (
	"fmt"
	"math"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/perf/benchmath"

	"github.com/concbench/concbench/internal/suite"
)

const good = `goos: linux
preempt: off
BenchmarkJoinAll/impl=own/n=10/task=tiny-2   100   200 ns/op   20 ns/task
BenchmarkJoinAll/impl=own/n=10/task=tiny-2   100   210 ns/op   21 ns/task
# concbench: failed: round 1 preempt=off gomaxprocs=2: crashed
BenchmarkStarvation/n=1/hog=tight/victim=sleep   1   50000000 ns/op   30000 p50-wake-ns
`

func write(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRead(t *testing.T) {
	s, err := Read(write(t, "good.txt", good))
	if err != nil {
		t.Fatal(err)
	}
	ms := s.Metrics()
	if len(ms) != 4 {
		t.Fatalf("Metrics() = %d metrics; want 4 (2 units in 2 cells)", len(ms))
	}
	own := ms[1] // the JoinAll cell's second unit
	if got := s.Values(own); own.Unit != "sec/task" || len(got) != 2 || got[0] != 20e-9 {
		t.Errorf("Values(%s %s) = %v; want sec/task [2e-08 2.1e-08]", s.Label(own.Cell), own.Unit, got)
	}
	for _, tc := range []struct{ got, want string }{
		{own.Bench(), "JoinAll"},
		{own.Sub(suite.Impl), "own"},
		{own.Sub(suite.Task), "tiny"},
		{own.Preempt(), "off"},
		{own.Get(Pkg), ""},
		{own.Rest(), ""},
		{s.Label(own.Cell), "JoinAll/impl=own/n=10/task=tiny-2 preempt=off"},
		{s.OrigUnit("sec/task"), "ns/task"},
	} {
		if tc.got != tc.want {
			t.Errorf("got = %q; want %q", tc.got, tc.want)
		}
	}
	if own.Procs() != 2 {
		t.Errorf("Procs() = %d; want 2", own.Procs())
	}
	starve := ms[2].Cell
	if starve.Bench() != "Starvation" || starve.Procs() != 1 || starve.Sub(suite.Hog) != "tight" {
		t.Errorf("second cell = %s, GOMAXPROCS %d; want Starvation at 1 (no -N suffix)", s.Label(starve), starve.Procs())
	}
	if len(s.Notes) != 1 || s.Notes[0].Line != 5 || !strings.HasPrefix(s.Notes[0].Text, "failed:") {
		t.Errorf("Notes = %+v; want the failed line at line 5", s.Notes)
	}
	if sum, ok := s.Summary(own); !ok || sum.Center != 20.5e-9 {
		t.Errorf("Summary = %v, %v; want median 2.05e-08", sum, ok)
	}
	if got := s.Config("goos"); len(got) != 1 || got[0] != "linux" {
		t.Errorf("Config(goos) = %v; want [linux]", got)
	}
}

// TestCellsSort checks benchproc's order: packages apart, numbers
// numerically, impl last so the impls of one cell sit together.
func TestCellsSort(t *testing.T) {
	s, err := Read(write(t, "sort.txt", `pkg: b
BenchmarkX/impl=own/n=100/task=tiny 1 5 ns/op
BenchmarkX/impl=own/n=20/task=tiny 1 5 ns/op
BenchmarkX/impl=other/n=20/task=tiny 1 5 ns/op
BenchmarkX/impl=own/n=20/task=cpu 1 5 ns/op
pkg: a
BenchmarkX/impl=own/n=100/task=tiny 1 5 ns/op
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range s.Cells() {
		got = append(got, c.Get(Pkg)+" "+s.Label(c))
	}
	want := []string{
		"b X/impl=own/n=20/task=tiny pkg=b",
		"b X/impl=other/n=20/task=tiny pkg=b",
		"b X/impl=own/n=20/task=cpu pkg=b",
		"b X/impl=own/n=100/task=tiny pkg=b",
		"a X/impl=own/n=100/task=tiny pkg=a",
	}
	if !slices.Equal(got, want) {
		t.Errorf("Cells() = %q; want %q", got, want)
	}
}

// TestReadKeepsApart checks that benchmarks of one name stay apart when
// their packages or their positional name parts differ, and that one cell
// in two files is refused, naming both.
func TestReadKeepsApart(t *testing.T) {
	sha := write(t, "sha.txt", `pkg: crypto/sha1
BenchmarkHash8Bytes/New-2 1 100 ns/op
BenchmarkHash8Bytes/Sum-2 1 90 ns/op
pkg: crypto/sha256
BenchmarkHash8Bytes/New-2 1 150 ns/op
`)
	s, err := Read(sha)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range s.Metrics() {
		got = append(got, fmt.Sprintf("%s %s %.3g", s.Label(m.Cell), m.Cell.Rest(), s.Values(m)))
	}
	want := []string{
		"Hash8Bytes/New-2 pkg=crypto/sha1 New [1e-07]",
		"Hash8Bytes/Sum-2 pkg=crypto/sha1 Sum [9e-08]",
		"Hash8Bytes/New-2 pkg=crypto/sha256 New [1.5e-07]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("metrics = %q; want %q", got, want)
	}

	// A package and no package are two values too.
	nopkg, err := Read(write(t, "nopkg.txt", "pkg: crypto/sha1\nBenchmarkHash8Bytes/New-2 1 100 ns/op\npkg:\nBenchmarkHash8Bytes/New-2 1 120 ns/op\n"))
	if err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, c := range nopkg.Cells() {
		labels = append(labels, nopkg.Label(c))
	}
	if want := []string{"Hash8Bytes/New-2 pkg=crypto/sha1", "Hash8Bytes/New-2 pkg=none"}; !slices.Equal(labels, want) {
		t.Errorf("labels = %q; want %q", labels, want)
	}

	other := write(t, "other.txt", "pkg: crypto/sha1\nBenchmarkHash8Bytes/New-2 1 120 ns/op\n")
	_, err = Read(sha, other)
	if err == nil || !strings.Contains(err.Error(), "other.txt:2: BenchmarkHash8Bytes/New-2 is also in "+sha) {
		t.Errorf("Read(two files with one cell) = %v; want an error naming both files", err)
	}
}

// TestReadWarnsOnMixedRuns checks that a cell holding results of two
// commits is flagged, as benchstat flags it.
func TestReadWarnsOnMixedRuns(t *testing.T) {
	s, err := Read(write(t, "a.txt", "commit: aaa\nBenchmarkX-2 1 5 ns/op\ncommit: bbb\nBenchmarkX-2 1 6 ns/op\n"))
	if err != nil {
		t.Fatal(err)
	}
	if w := s.Warnings(); len(w) != 1 || !strings.Contains(w[0], "commit") {
		t.Errorf("Warnings = %q; want one about commit", w)
	}
}

// TestCellConfig reads a run whose cores: line changes between its
// processes, as a pinned run's does: each cell has the value of its own
// results, and no warning, as the value does not vary within a cell.
func TestCellConfig(t *testing.T) {
	s, err := Read(write(t, "cores.txt", "cores: 2\ncores: 1\nBenchmarkX 1 5 ns/op\nBenchmarkX 1 6 ns/op\n"+
		"cores: 2\nBenchmarkX-2 1 5 ns/op\nBenchmarkY 1 5 ns/op\ncores: 1\nBenchmarkX 1 7 ns/op\nBenchmarkY 1 6 ns/op\n"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, c := range s.Cells() {
		got[s.Label(c)] = s.CellConfig(c, "cores")
		if v := s.CellConfig(c, "nosuch"); v != nil {
			t.Errorf("%s: CellConfig(nosuch) = %q; want none", s.Label(c), v)
		}
	}
	want := map[string][]string{"X": {"1"}, "X-2": {"2"}, "Y": {"1", "2"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("CellConfig(cores) = %v; want %v", got, want)
	}
	if w := s.Warnings(); len(w) != 1 || !strings.Contains(w[0], "Y") {
		t.Errorf("Warnings = %q; want one, about Y", w)
	}
}

// TestAddSides checks the gate's use: outputs of several processes merged
// per side, a cell's other side found with With.
func TestAddSides(t *testing.T) {
	s := New()
	for i, side := range []string{"base", "head", "head", "base"} {
		out := fmt.Sprintf("pkg: p\nBenchmarkX-2 1 %d ns/op\nPASS\n", 10+i)
		if n, err := s.Add(fmt.Sprintf("%s %d", side, i), []byte(out), Side, side); n != 1 || err != nil {
			t.Fatalf("Add = %d, %v; want 1, nil", n, err)
		}
	}
	ms := s.Metrics()
	if len(ms) != 2 || ms[0].Get(Side) != "base" {
		t.Fatalf("Metrics() = %v; want base, then head", ms)
	}
	head, ok := s.With(ms[0].Cell, Side, "head")
	if !ok || head != ms[1].Cell {
		t.Fatalf("With(side=head) = %v, %v; want the head cell", head, ok)
	}
	if got := fmt.Sprintf("%.3g", s.Values(Metric{head, "sec/op"})); got != "[1.1e-08 1.2e-08]" {
		t.Errorf("head values = %v; want [1.1e-08 1.2e-08]", got)
	}
	if _, ok := s.With(ms[0].Cell, Side, "nosuch"); ok {
		t.Errorf("With(side=nosuch) found a cell")
	}
	if _, ok := s.With(Cell{}, Side, "head"); ok {
		t.Errorf("With(zero Cell) found a cell")
	}
	if _, ok := s.Lookup(Cell{}); ok {
		t.Errorf("Lookup(zero Cell) found a cell")
	}
}

func TestBetter(t *testing.T) {
	s, err := Read(write(t, "units.txt", "Unit items/op better=higher\nUnit ns/op better=higher\nBenchmarkX 1 5 ns/op 3 items/op\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		unit string
		want int
	}{
		{"items/op", +1}, // metadata
		{"sec/op", +1},   // metadata beats the rules
		{"B/op", -1},
		{"first-sec", -1},
		{"MB/s", +1},
		{"wakes", 0},
	} {
		if got := s.Better(tc.unit); got != tc.want {
			t.Errorf("Better(%q) = %d; want %d", tc.unit, got, tc.want)
		}
	}
}

func TestCopy(t *testing.T) {
	out := "goos: linux\npkg: p\nUnit x/op better=higher\nBenchmarkX-2   \t 100\t 200 ns/op\t 3 x/op\n" +
		"BenchmarkY-2   \t\n--- FAIL: BenchmarkY\nsome log: line\nPASS\nok  \tp\t1.0s\n"
	var b strings.Builder
	n, err := Copy(&b, []byte(out))
	if err != nil || n != 1 {
		t.Fatalf("Copy = %d, %v; want 1, nil", n, err)
	}
	s := New()
	if n, err := s.Add("copy", []byte(b.String())); n != 1 || err != nil {
		t.Fatalf("reading the copy: %d, %v\n%s", n, err, b.String())
	}
	if strings.Contains(b.String(), "BenchmarkY") || strings.Contains(b.String(), "PASS") {
		t.Errorf("copy kept a crashed benchmark or PASS:\n%s", b.String())
	}
	if s.Better("x/op") != 1 {
		t.Errorf("copy lost the unit metadata:\n%s", b.String())
	}
}

func TestReadZeroes(t *testing.T) {
	// benchfmt tidies "1 ns/op" into sec/op but leaves "0 ns/op" (and
	// "0.00 MB/s") as written: the reader tidies those too, so the zeros
	// are samples of the same metric, not a second unit or an error.
	path := filepath.Join(t.TempDir(), "zeros.txt")
	data := "BenchmarkA-2 1 1 ns/op 0.01 MB/s 7 gc-ns/op\nBenchmarkA-2 1 0 ns/op 0.00 MB/s 0 gc-ns/op\n"
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	var units []string
	for _, m := range s.Metrics() {
		units = append(units, fmt.Sprintf("%s:%d", m.Unit, len(s.Values(m))))
	}
	if want := []string{"sec/op:2", "B/s:2", "gc-sec/op:2"}; !slices.Equal(units, want) {
		t.Errorf("metrics %v; want %v", units, want)
	}
}

func TestReadBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		body *string // nil: the file does not exist
		want string  // substring of the error
	}{
		{"missing.txt", nil, "missing.txt: no such file"},
		{"empty.txt", ptr(""), "empty.txt: empty file"},
		{"blank.txt", ptr("\n  \n"), "blank.txt: empty file"},
		{"binary.txt", ptr("\x7fELF\x02\x01\x01\x00\x00\x00BenchmarkX"), "binary.txt: binary file"},
		{"latin1.txt", ptr("goos: linux\nBenchmark\xe9 1 2 ns/op\n"), "latin1.txt:2: not UTF-8 text"},
		{"malformed.txt", ptr("goos: linux\nBenchmarkX-2 100 200 ns/op\nBenchmarkY-2 100 fast ns/op\n"), "malformed.txt:3: parsing measurement"},
		{"nobench.txt", ptr("goos: linux\nPASS\nok  pkg 1.0s\n"), "nobench.txt: no benchmark results"},
		{"mixed.txt", ptr("BenchmarkS 1 5 ns/op 30000 wake-ns\nBenchmarkS 1 5 ns/op 3 wake-ms\n"), "mixed.txt:2: unit wake-ms mixes with wake-ns ("},
		// One line is one sample: a unit twice on it would count as two.
		{"twice.txt", ptr("BenchmarkA-2 100 10 ns/op\nBenchmarkA-2 100 10 ns/op 10 ns/op\n"), "twice.txt:2: BenchmarkA-2 gives sec/op twice (as ns/op and ns/op): one line is one sample"},
		// NaN sent x/perf's rank test into an endless loop that took all
		// memory; infinities and negative times made nonsense.
		{"nan.txt", ptr("BenchmarkA-2 100 5 ns/op\nBenchmarkA-2 100 NaN ns/op\n"), "nan.txt:2: BenchmarkA-2: NaN ns/op is not a number"},
		{"nanmetric.txt", ptr("BenchmarkA-2 100 5 ns/op NaN hitrate\n"), "nanmetric.txt:1: BenchmarkA-2: NaN hitrate is not a number"},
		{"zero.txt", ptr("BenchmarkA-2 0 NaN ns/op\n"), "zero.txt:1: BenchmarkA-2 ran 0 iterations"},
		{"inf.txt", ptr("BenchmarkA-2 100 +Inf ns/op\n"), "inf.txt:1: BenchmarkA-2: +Inf ns/op is not a number"},
		{"neg.txt", ptr("BenchmarkA-2 100 -5 ns/op\n"), "neg.txt:1: BenchmarkA-2: -5 ns/op is negative"},
		// benchfmt names the line before a line too long for it.
		{"long.txt", ptr("goos: linux\nBenchmarkA-2 100 5 ns/op\nBenchmarkB-2 100 " + strings.Repeat("7", 70000) + " ns/op\n"), "long.txt:3: a line of more than 65536 bytes"},
		{"longlast.txt", ptr("BenchmarkA-2 100 5 ns/op\n" + strings.Repeat("x", 1<<17)), "longlast.txt:2: a line of more than 65536 bytes"},
		{"negalloc.txt", ptr("BenchmarkA-2 100 5 ns/op -1 allocs/op\n"), "negalloc.txt:1: BenchmarkA-2: -1 allocs/op is negative"},
		// go test prints a benchmark's name before it runs: a panic or a
		// Ctrl-C leaves the name with the reason after it.
		{"stopped.txt", ptr("BenchmarkA-2 100 5 ns/op\nBenchmarkB-2    \tsignal: interrupt\nFAIL\n"), "stopped.txt:2: BenchmarkB-2 did not finish: signal: interrupt"},
		{"panicked.txt", ptr("BenchmarkB/n=1-2 \tpanic: boom\n"), "panicked.txt:1: BenchmarkB/n=1-2 did not finish: panic: boom"},
		// A run appended to itself (cat raw.txt raw.txt) would count twice.
		{"selfcat.txt", ptr("runid: r1\nBenchmarkA-2 100 5 ns/op\nrunid: r1\nBenchmarkA-2 100 5 ns/op\n"), "selfcat.txt:3: run r1 again (first at "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			if tc.body != nil {
				if err := os.WriteFile(path, []byte(*tc.body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s, err := Read(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Read: %v, %v; want error containing %q", s, err, tc.want)
			}
		})
	}
	if _, err := Read(); err == nil {
		t.Errorf("Read() with no files: want an error")
	}
	// A file given twice, under the same or another name, would count its
	// samples twice; a negative value of a metric that may be negative is
	// read.
	six := filepath.Join(dir, "six.txt")
	if err := os.WriteFile(six, []byte("BenchmarkA-2 100 5 ns/op -3 delta -5 offset-ns\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(six); err != nil {
		t.Errorf("Read(%s): %v; want no error", six, err)
	}
	link := filepath.Join(t.TempDir(), "link.txt")
	if err := os.Symlink(six, link); err != nil {
		t.Fatal(err)
	}
	// A copy of a run, under another name, is the same run: refused by its
	// runid, whatever its cells.
	r1, r1copy := filepath.Join(dir, "r1.txt"), filepath.Join(dir, "r1copy.txt")
	for path, body := range map[string]string{r1: "runid: r1\nBenchmarkA-2 100 5 ns/op\n", r1copy: "runid: r1\nBenchmarkB-2 100 5 ns/op\n"} {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Read(r1, r1copy); err == nil || !strings.Contains(err.Error(), "r1copy.txt:1: run r1 again (first at "+r1+":1)") {
		t.Errorf("Read(r1.txt, r1copy.txt) = %v; want an error naming the run read twice", err)
	}
	for _, again := range []string{six, link} {
		if _, err := Read(six, again); err == nil || !strings.Contains(err.Error(), "given twice") {
			t.Errorf("Read(six.txt, %s) = %v; want an error saying it is given twice", again, err)
		}
	}
}

func ptr(s string) *string { return &s }

func TestUnitShape(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"sec/op", "ms/op"},
		{"p50-wake-sec", "p50-wake-us"},
		{"B/op", "KiB/op"},
	} {
		if unitShape(tc.a) != unitShape(tc.b) {
			t.Errorf("unitShape(%q) = %q, unitShape(%q) = %q; want equal", tc.a, unitShape(tc.a), tc.b, unitShape(tc.b))
		}
	}
	if unitShape("sec/op") == unitShape("sec/task") {
		t.Errorf("sec/op and sec/task have the same shape; want different metrics")
	}
}

// TestReadKeepsRuntimesApart checks that one name measured by two runtimes
// (the runner's runtime: go and runtime: tokio) is two cells.
func TestReadKeepsRuntimesApart(t *testing.T) {
	path := write(t, "raw.txt", `preempt: async
runtime: go
BenchmarkStarvation/n=1/hog=tight/victim=sleep 1 100 ns/op
runtime: tokio
BenchmarkStarvation/n=1/hog=tight/victim=sleep 1 300 ns/op
runtime: go
BenchmarkStarvation/n=1/hog=tight/victim=sleep 1 110 ns/op
`)
	s, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range s.Metrics() {
		got = append(got, fmt.Sprintf("%s %s %.3g", s.Label(m.Cell), m.Cell.Runtime(), s.Values(m)))
	}
	want := []string{
		"Starvation/n=1/hog=tight/victim=sleep preempt=async runtime=go go [1e-07 1.1e-07]",
		"Starvation/n=1/hog=tight/victim=sleep preempt=async runtime=tokio tokio [3e-07]",
	}
	if !slices.Equal(got, want) {
		t.Errorf("metrics = %q; want %q", got, want)
	}
}

// TestReadGoTestFailures checks that the failures plain go test -bench
// output carries (a failed benchmark with its message, a panic) become notes
// that name their line, so that a report on it does not pass them over.
func TestReadGoTestFailures(t *testing.T) {
	path := write(t, "fail.txt", "BenchmarkA-2 1 100 ns/op\n"+
		"--- FAIL: BenchmarkB\n"+
		"    b_test.go:9: boom\n"+
		"    --- FAIL: BenchmarkC/n=1\n"+
		"FAIL\n"+
		"panic: oops\n")
	s, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Note{
		{path, 2, "go test: --- FAIL: BenchmarkB: b_test.go:9: boom"},
		{path, 4, "go test: --- FAIL: BenchmarkC/n=1"},
		{path, 6, "go test: panic: oops"},
	}
	if !slices.Equal(s.Notes, want) {
		t.Errorf("notes = %q; want %q", s.Notes, want)
	}
}

// TestCompareP compares tiny samples with ties, on which x/perf's U test
// returns a p-value above 1 ([1] against [1 2]: 4/3), which concbench
// compare printed as "p=1.333".
func TestCompareP(t *testing.T) {
	tests := []struct{ old, new string }{
		{"1", "1 2"},
		{"100", "0 0"},
		{"1", "2 2"},
		{"1 2 3 4 5 6", "1 2 3 4 5 6"},
	}
	for _, tt := range tests {
		t.Run(tt.old+"/"+tt.new, func(t *testing.T) {
			var sets [2]*Set
			for i, vals := range []string{tt.old, tt.new} {
				var b strings.Builder
				for _, v := range strings.Fields(vals) {
					fmt.Fprintf(&b, "BenchmarkA-2 10 %s ns/op\n", v)
				}
				s, err := Read(write(t, fmt.Sprint(i), b.String()))
				if err != nil {
					t.Fatal(err)
				}
				sets[i] = s
			}
			m := sets[0].Metrics()[0]
			cell, _ := sets[1].Lookup(m.Cell)
			c, ok := CompareSets(sets[0], m, sets[1], Metric{Cell: cell, Unit: m.Unit})
			if !ok || !(c.P >= 0 && c.P <= 1) {
				t.Errorf("got = %v, %v; want a p-value in [0, 1]", c.P, ok)
			}
		})
	}
}

// TestCompareSamplesOrder compares samples with many ties in both orders:
// x/perf's exact U-test gave p = 0.119 one way round and 0 the other for the
// first pair (B/op of one cell in two runs of one commit). Each pair differs
// only in how many of the larger values fall in y, so the exact two-sided
// p-value, given the ties, is twice a hypergeometric tail: the chance that
// at least that many of the larger values land in y.
func TestCompareSamplesOrder(t *testing.T) {
	rep := func(v float64, n int) []float64 { return slices.Repeat([]float64{v}, n) }
	tests := []struct {
		x, y []float64
		want float64
	}{
		// The 3 larger values (tied or not, they rank above every 1368) all in y.
		{rep(1368, 14), append(rep(1368, 7), 1372, 1373, 1374), 2 * hyperTail(24, 3, 10, 3)},
		// 7 values of 18 among 28, y (11 values) holds 5 of them.
		{append(rep(17, 15), 18, 18), append(rep(17, 6), rep(18, 5)...), 2 * hyperTail(28, 7, 11, 5)},
	}
	for _, tt := range tests {
		for _, swap := range []bool{false, true} {
			x, y := tt.x, tt.y
			if swap {
				x, y = y, x
			}
			c := CompareSamples(benchmath.AssumeNothing, benchmath.NewSample(slices.Clone(x), &benchmath.DefaultThresholds),
				benchmath.NewSample(slices.Clone(y), &benchmath.DefaultThresholds))
			if math.Abs(c.P-tt.want) > 1e-9 {
				t.Errorf("CompareSamples(%v, %v).P = %v; want %v", x, y, c.P, tt.want)
			}
		}
	}
}

// hyperTail is the chance that a sample of n of N values, K of them marked,
// holds at least k marked ones.
func hyperTail(N, K, n, k int) float64 {
	choose := func(a, b int) float64 {
		f, _ := new(big.Float).SetInt(new(big.Int).Binomial(int64(a), int64(b))).Float64()
		return f
	}
	var p float64
	for i := k; i <= min(K, n); i++ {
		p += choose(K, i) * choose(N-K, n-i)
	}
	return p / choose(N, n)
}
