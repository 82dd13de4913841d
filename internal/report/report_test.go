package report

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"gonum.org/v1/plot"

	"github.com/concbench/concbench/internal/md"
	"github.com/concbench/concbench/internal/precision"
	"github.com/concbench/concbench/internal/results"
	"github.com/concbench/concbench/internal/suite"
	"github.com/concbench/concbench/internal/work"
	"github.com/concbench/concbench/patterns/alt"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func read(t *testing.T, paths ...string) *results.Set {
	t.Helper()
	s, err := results.Read(paths...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (go test -update rewrites it); got:\n%s", path, got)
	}
}

// fixedImpls replaces the pattern packages' live Impls tables with fixed
// ones for the golden tests, so that another package's edit to a Use or a
// deviation text does not change this package's golden files.
func fixedImpls(t *testing.T) {
	saved := patterns
	t.Cleanup(func() { patterns = saved })
	patterns = slices.Clone(patterns)
	others := map[string][]string{
		suite.JoinAll:   {suite.Serial, suite.WaitGroup, suite.OSThread},
		suite.FirstDone: {"other"},
		suite.FailFast:  {suite.ErrGroup},
	}
	for i := range patterns {
		if patterns[i].impls != nil {
			fixed := []alt.Meta{{Name: "own", Panics: alt.Repanic}}
			for _, name := range others[patterns[i].bench] {
				fixed = append(fixed, alt.Meta{Name: name, Deviations: map[string]string{"ordered": "fixture: results in completion order"}, Panics: alt.Crash})
			}
			patterns[i].impls = fixed
		}
	}
}

func TestGolden(t *testing.T) {
	fixedImpls(t)
	for _, tc := range []struct{ in, golden string }{
		{"testdata/run.txt", "run.golden.md"},     // the runner's format, all four patterns
		{"testdata/plain.txt", "plain.golden.md"}, // plain go test -bench output
	} {
		t.Run(tc.golden, func(t *testing.T) {
			md, charts, err := Build(read(t, tc.in), Options{Command: "concbench report " + tc.in, Charts: true})
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.golden, md)
			for _, c := range charts {
				if !bytes.Contains(md, []byte("("+c.File+")")) {
					t.Errorf("chart %s is not linked from the report", c.File)
				}
				if !bytes.HasPrefix(bytes.TrimSpace(c.SVG), []byte("<?xml")) || !bytes.Contains(c.SVG, []byte("<svg")) {
					t.Errorf("chart %s is not an SVG document", c.File)
				}
			}
			if len(charts) == 0 {
				t.Errorf("no charts")
			}
		})
	}
}

// samples reads the values of one benchmark (name without "Benchmark") in one preempt mode
// and unit straight from the file with benchfmt, bypassing package results.
func samples(t *testing.T, path, name, preempt, unit string) []float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var vals []float64
	r := benchfmt.NewReader(f, path)
	for r.Scan() {
		res, ok := r.Result().(*benchfmt.Result)
		if !ok || res.Name.String() != name || res.GetConfig("preempt") != preempt {
			continue
		}
		if v, ok := res.Value(unit); ok {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		t.Fatalf("no %s %s samples for %s", preempt, unit, name)
	}
	return vals
}

// row returns the table line of report.md that starts with the given
// cells, in the table right under the last of headings (each searched for
// after the one before).
func row(t *testing.T, md string, start string, headings ...string) string {
	t.Helper()
	after := md
	for _, h := range headings {
		var ok bool
		if _, after, ok = strings.Cut(after, h+"\n"); !ok {
			t.Fatalf("no %q in the report", h)
		}
	}
	for _, line := range strings.Split(after, "\n") {
		if strings.HasPrefix(line, start) {
			return line
		}
		if strings.HasPrefix(line, "#") {
			break
		}
	}
	t.Fatalf("no row %q under %q", start, headings)
	return ""
}

func TestNumbersAgreeWithBenchmath(t *testing.T) {
	const in = "testdata/run.txt"
	md, _, err := Build(read(t, in), Options{})
	if err != nil {
		t.Fatal(err)
	}
	text := string(md)
	summarize := func(vals []float64) benchmath.Summary {
		return benchmath.AssumeNothing.Summary(benchmath.NewSample(vals, &benchmath.DefaultThresholds), 0.95)
	}

	// A pattern table cell: median ± interval at GOMAXPROCS=2.
	vals := samples(t, in, "JoinAll/impl=own/n=1000/task=cpu-2", "async", "sec/op")
	s := summarize(vals)
	want := fmt.Sprintf("%s ±%s", value(s.Center, "sec/op"), s.PctRangeString())
	if line := row(t, text, "| 1000 | cpu | own |", "## Join all (BenchmarkJoinAll)", "### ns/op"); !strings.HasSuffix(strings.TrimSpace(line), want+" | "+effOf(t, in, s.Center)+" |") {
		t.Errorf("row = %s\nwant GOMAXPROCS=2 cell %q", line, want)
	}

	// The preemption comparison: both medians and benchstat's delta and p.
	async := samples(t, in, "Starvation/n=2/hog=tight/victim=sleep-2", "async", "stall-sec")
	off := samples(t, in, "Starvation/n=2/hog=tight/victim=sleep-2", "off", "stall-sec")
	sa, so := summarize(async), summarize(off)
	c := benchmath.AssumeNothing.Compare(benchmath.NewSample(async, &benchmath.DefaultThresholds), benchmath.NewSample(off, &benchmath.DefaultThresholds))
	line := row(t, text, "| 2 | 2 | tight | sleep |", "## Preemption: async vs off (BenchmarkStarvation)", "### stall-ns")
	for _, w := range []string{value(sa.Center, "sec"), value(so.Center, "sec"), c.FormatDelta(sa.Center, so.Center), fmt.Sprintf("p=%.3f n=%d", c.P, c.N1)} {
		if !strings.Contains(line, w) {
			t.Errorf("row = %s\nwant it to contain %q", line, w)
		}
	}
}

// effOf is the efficiency the report should print for JoinAll own n=1000
// cpu at GOMAXPROCS=2: serial's median divided by 2, over own's median.
func effOf(t *testing.T, in string, own float64) string {
	serial := samples(t, in, "JoinAll/impl=serial/n=1000/task=cpu-2", "async", "sec/op")
	s := benchmath.AssumeNothing.Summary(benchmath.NewSample(serial, &benchmath.DefaultThresholds), 0.95)
	return percent(s.Center / 2 / own)
}

// TestAnswersFollowInput checks that the answers are built from the input:
// without FirstDone results the first-done answer says so, without serial's
// wait cell the join-all answer does, and with the osthread and waitgroup
// results swapped the threads answer turns around.
func TestAnswersFollowInput(t *testing.T) {
	data, err := os.ReadFile("testdata/run.txt")
	if err != nil {
		t.Fatal(err)
	}
	swap := strings.NewReplacer(
		"impl=serial/n=10/task=wait", "impl=serial/n=10/task=waitx",
		"impl=osthread/n=1000/task=tiny", "impl=waitgroup/n=1000/task=tiny",
		"impl=waitgroup/n=1000/task=tiny", "impl=osthread/n=1000/task=tiny")
	var kept []string
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "BenchmarkFirstDone") {
			continue
		}
		kept = append(kept, swap.Replace(line))
	}
	path := filepath.Join(t.TempDir(), "cut.txt")
	if err := os.WriteFile(path, []byte(strings.Join(kept, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	full, _, err := Build(read(t, "testdata/run.txt"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	cut, _, err := Build(read(t, path), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		q         string
		full, cut string // substrings of the answer
	}{
		{"2. ", "caller had the winner's result", "Not measured in this run (no BenchmarkFirstDone impl=own first-ns)"},
		{"6. ", "first instruction ran", "Not measured in this run (no BenchmarkFirstDone impl=own start-ns)"},
		{"1. ", "one after another (impl=serial)", "Not measured in this run (no BenchmarkJoinAll impl=serial task=wait)"},
		{"7. ", "An OS thread per task costs more than a goroutine: at n=1000", "In this run an OS thread per task was cheaper than a goroutine: at n=1000"},
	} {
		if a := answer(t, full, tc.q); !strings.Contains(a, tc.full) {
			t.Errorf("full input: answer %s= %s\nwant it to contain %q", tc.q, a, tc.full)
		}
		if a := answer(t, cut, tc.q); !strings.Contains(a, tc.cut) {
			t.Errorf("cut input: answer %s= %s\nwant it to contain %q", tc.q, a, tc.cut)
		}
	}
}

func answer(t *testing.T, md []byte, num string) string {
	t.Helper()
	for _, line := range strings.Split(string(md), "\n") {
		if strings.HasPrefix(line, num+"**") {
			return line
		}
	}
	t.Fatalf("no answer %q", num)
	return ""
}

func TestCompareGolden(t *testing.T) {
	var b bytes.Buffer
	if err := Compare(&b, read(t, "testdata/plain.txt"), read(t, "testdata/new.txt"), "plain.txt", "new.txt"); err != nil {
		t.Fatal(err)
	}
	golden(t, "compare.golden.txt", b.Bytes())
}

func TestCompareNothingInCommon(t *testing.T) {
	err := Compare(&bytes.Buffer{}, read(t, "testdata/plain.txt"), read(t, "testdata/run.txt"), "plain.txt", "run.txt")
	if err == nil || !strings.Contains(err.Error(), "no benchmark in common") {
		t.Errorf("err = %v; want no benchmark in common", err)
	}
}

// TestCompareOtherUnits checks that two files of the same benchmarks in
// different units are told apart from two files of different benchmarks.
func TestCompareOtherUnits(t *testing.T) {
	ns := read(t, writeLines(t, "ns.txt", []string{"BenchmarkA-2 1 5 ns/op", "BenchmarkA-2 1 6 ns/op"}))
	ms := read(t, writeLines(t, "ms.txt", []string{"BenchmarkA-2 1 5 ms/op", "BenchmarkA-2 1 6 ms/op"}))
	err := Compare(&bytes.Buffer{}, ns, ms, "ns.txt", "ms.txt")
	if want := "ns.txt and ms.txt have 1 benchmark in common, but in different units (ns/op against ms/op)"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("err = %v; want %q", err, want)
	}
}

func TestCompareZeroMedian(t *testing.T) {
	// A benchmark whose median is 0 at one side is still in common: only
	// the geomean leaves it out.
	dir := t.TempDir()
	zero, one := filepath.Join(dir, "zero.txt"), filepath.Join(dir, "one.txt")
	for path, data := range map[string]string{zero: "BenchmarkA-2 1 0 ns/op\nBenchmarkA-2 1 0 ns/op\n", one: "BenchmarkA-2 1 1 ns/op\nBenchmarkA-2 1 2 ns/op\n"} {
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := Compare(&b, read(t, zero), read(t, one), "zero.txt", "one.txt"); err != nil {
		t.Errorf("Compare: %v; want the table\n%s", err, b.String())
	}
	if strings.Contains(b.String(), "geomean") {
		t.Errorf("a geomean over a zero median:\n%s", b.String())
	}
}

// TestDeviationsFromTables checks that the report shows the pattern
// packages' own deviation tables (the golden files use fixed ones).
func TestDeviationsFromTables(t *testing.T) {
	md, _, err := Build(read(t, "testdata/run.txt"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range patterns {
		for _, im := range p.impls {
			for clause, how := range im.Deviations {
				if want := fmt.Sprintf("%s: %s", clause, how); !bytes.Contains(md, []byte("| "+im.Name+" | ")) || !bytes.Contains(md, []byte(want)) {
					t.Errorf("report lacks %s's deviation row %q", p.bench, want)
				}
			}
		}
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, read(t, "testdata/run.txt"), Options{Charts: true}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"report.md", "joinall-gomaxprocs2.svg", "starvation-wake-gomaxprocs2-sleep.svg"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s not written: %v", name, err)
		}
	}
}

func TestValue(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		unit string
		want string
	}{
		{2.017e-6, "sec/op", "2.017µs"},
		{0.0105, "stall-sec", "10.50ms"},
		{232, "B/op", "232B"},
		{8344, "B/op", "8.148KiB"},
		{3, "allocs/op", "3"},
		{4.5, "allocs/op", "4.5"},
		{1013.5, "wasted-tasks", "1013.5"}, // a median of an even count, not "1.014k"
		{12.3456, "wasted-tasks", "12.35"},
		{123456.5, "wasted-tasks", "123.5k"},
		{0.005, "wasted-tasks", "0.005"},
		{307.3 * 1024 * 1024, "B/s", "307.3MiB/s"}, // MB/s, tidied
		{512, "B/s", "512B/s"},
	} {
		if got := value(tc.v, tc.unit); got != tc.want {
			t.Errorf("value(%v, %q) = %q; want %q", tc.v, tc.unit, got, tc.want)
		}
	}
}

func TestEndlessVerdicts(t *testing.T) {
	// The runner's endless-hog verdicts are quoted in answer 5 and are not
	// listed as problems.
	data, err := os.ReadFile("testdata/run.txt")
	if err != nil {
		t.Fatal(err)
	}
	verdict := "hog=tight victim=sleep preempt=off procs=1 hogs=1: starved: the victim made no progress for 1s"
	data = append(data, []byte(results.NotePrefix+results.EndlessPrefix+verdict+"\n")...)
	path := filepath.Join(t.TempDir(), "endless.txt")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	md, _, err := Build(read(t, path), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a := answer(t, md, "5. "); !strings.Contains(a, verdict) {
		t.Errorf("answer 5 = %s\nwant it to quote %q", a, verdict)
	}
	_, problems, _ := strings.Cut(string(md), "## Problems during the run")
	problems, _, _ = strings.Cut(problems, "\n## ")
	if strings.Contains(problems, verdict) {
		t.Errorf("the endless verdict is listed under problems:\n%s", problems)
	}
}

func TestBudgetNote(t *testing.T) {
	// What the run's budget bought is stated in the header, not listed as a
	// problem.
	data, err := os.ReadFile("testdata/run.txt")
	if err != nil {
		t.Fatal(err)
	}
	bought := "5m30s, measured for 5m9s: 6 full rounds and 6 rounds of the noisy cells' benchmarks"
	data = append(data, []byte(results.NotePrefix+results.BudgetPrefix+bought+"\n")...)
	path := filepath.Join(t.TempDir(), "budget.txt")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	md, _, err := Build(read(t, path), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "- Time budget: "+bought+"\n") {
		t.Errorf("report lacks the line %q", "- Time budget: "+bought)
	}
	_, problems, _ := strings.Cut(string(md), "## Problems during the run")
	problems, _, _ = strings.Cut(problems, "\n## ")
	if strings.Contains(problems, bought) {
		t.Errorf("the budget note is listed under problems:\n%s", problems)
	}
}

// TestSuiteImpls checks that the implementations the report reads by name
// (internal/suite) are in their pattern packages' Impls tables; the ones
// the benchmarks define themselves (floor, FailFast's waitgroup) are named
// from suite in bench/.
func TestSuiteImpls(t *testing.T) {
	for bench, names := range map[string][]string{
		suite.JoinAll:   {suite.Own, suite.Serial, suite.WaitGroup, suite.OSThread},
		suite.FirstDone: {suite.Own},
		suite.FailFast:  {suite.Own, suite.ErrGroup},
	} {
		var have []string
		for _, im := range patternOf(bench).impls {
			have = append(have, im.Name)
		}
		for _, name := range names {
			if !slices.Contains(have, name) {
				t.Errorf("%s: impl %q not in the Impls table %q", bench, name, have)
			}
		}
	}
}

// TestFixtureNames checks the fixture testdata/run.txt (written by gen.py)
// against internal/suite: every benchmark, task kind and unit in it is one
// the suite names, so a rename in suite that the fixture misses fails here.
func TestFixtureNames(t *testing.T) {
	s := read(t, "testdata/run.txt")
	kinds := append(slices.Clone(suite.Kinds), suite.OK, suite.Fail, suite.CPUFail)
	units := []string{"B/op", "allocs/op"}
	for _, u := range []string{suite.NsPerOp, suite.NsPerTask, suite.FirstNs, suite.CancelNs, suite.StartNs,
		suite.WinNs, suite.WastedTasks, suite.StallNs, suite.Progress, suite.P50WakeNs, suite.P99WakeNs} {
		units = append(units, tidy(u))
	}
	for _, m := range s.Metrics() {
		if !slices.Contains(suite.Patterns, m.Bench()) {
			t.Errorf("%s: benchmark not in suite.Patterns", s.Label(m.Cell))
		}
		if task := m.Sub(suite.Task); task != "" && !slices.Contains(kinds, task) {
			t.Errorf("%s: task kind %q not named in suite", s.Label(m.Cell), task)
		}
		if !slices.Contains(units, m.Unit) {
			t.Errorf("%s: unit %q not named in suite", s.Label(m.Cell), m.Unit)
		}
	}
}

// TestCompareKeepsPackagesApart checks that benchmarks of one name in two
// packages are two rows, as benchstat shows them, not one merged row.
func TestCompareKeepsPackagesApart(t *testing.T) {
	var old, new strings.Builder
	for i := range 6 {
		fmt.Fprintf(&old, "pkg: crypto/sha1\nBenchmarkHash8Bytes/New-2 1 %d ns/op\npkg: crypto/sha256\nBenchmarkHash8Bytes/New-2 1 %d ns/op\n", 100+i, 150+i)
		fmt.Fprintf(&new, "pkg: crypto/sha1\nBenchmarkHash8Bytes/New-2 1 %d ns/op\npkg: crypto/sha256\nBenchmarkHash8Bytes/New-2 1 %d ns/op\n", 100+i, 300+i)
	}
	dir := t.TempDir()
	paths := []string{filepath.Join(dir, "old.txt"), filepath.Join(dir, "new.txt")}
	for i, body := range []string{old.String(), new.String()} {
		if err := os.WriteFile(paths[i], []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := Compare(&b, read(t, paths[0]), read(t, paths[1]), "old", "new"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Hash8Bytes/New-2 pkg=crypto/sha1    102.5ns ±2%  102.5ns ±2%        ~ (p=1.000 n=6)",
		"Hash8Bytes/New-2 pkg=crypto/sha256  152.5ns ±2%  302.5ns ±1%  +98.36% (p=0.002 n=6)",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("compare output lacks %q:\n%s", want, b.String())
		}
	}
}

// TestGuidanceFollowsRun feeds a run where own is the slow one (own's and
// waitgroup's JoinAll results swapped) and checks that own's row says so.
func TestGuidanceFollowsRun(t *testing.T) {
	fixedImpls(t)
	data, err := os.ReadFile("testdata/run.txt")
	if err != nil {
		t.Fatal(err)
	}
	swap := strings.NewReplacer("BenchmarkJoinAll/impl=own/", "BenchmarkJoinAll/impl=waitgroup/", "BenchmarkJoinAll/impl=waitgroup/", "BenchmarkJoinAll/impl=own/")
	path := filepath.Join(t.TempDir(), "slow-own.txt")
	if err := os.WriteFile(path, []byte(swap.Replace(string(data))), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ in, want string }{
		{"testdata/run.txt", "| own | re-panics in the caller once the others returned | – | fastest or within noise in 8 of 12 cells; slower in 4, "},
		{path, "| own | re-panics in the caller once the others returned | – | fastest or within noise in 2 of 12 cells; slower in 10, most at n=10 task=tiny GOMAXPROCS=1 (15× the time of serial) |"},
	} {
		md, _, err := Build(read(t, tc.in), Options{})
		if err != nil {
			t.Fatal(err)
		}
		_, joinAll, _ := strings.Cut(string(md), "## Join all")
		joinAll, _, _ = strings.Cut(joinAll, "\n## ")
		if !strings.Contains(joinAll, tc.want) {
			t.Errorf("%s: Join all section lacks %q:\n%s", tc.in, tc.want, joinAll)
		}
	}
}

// TestAnswersNeedSignificance checks that an answer does not call a
// difference that the U-test does not find: with osthread's results a copy
// of waitgroup's, answer 7 says there is no significant difference.
func TestAnswersNeedSignificance(t *testing.T) {
	md := buildLines(t, "same.txt", runCopying(t, "JoinAll/impl=waitgroup/n=1000/task=tiny", "JoinAll/impl=osthread/n=1000/task=tiny"))
	want := "In this run an OS thread per task cost no more than a goroutine"
	if a := answer(t, md, "7. "); !strings.Contains(a, want) || !strings.Contains(a, "no significant difference (p=1.000") {
		t.Errorf("answer 7 = %s\nwant %q and the U-test's p", a, want)
	}
}

// TestAnswersSideBySide checks that where an answer puts two values side
// by side, it says when the U-test finds no difference between them: here
// impl=own's samples are copies of errgroup's (FailFast task=fail) and of
// floor's (FirstDone task=wait), so answers 2 and 3 must say so, and do
// not with the fixture as it is.
func TestAnswersSideBySide(t *testing.T) {
	same := buildLines(t, "same.txt", runCopying(t,
		"FailFast/impl=errgroup/n=16/task=fail", "FailFast/impl=own/n=16/task=fail",
		"FirstDone/impl=floor/n=16/task=wait", "FirstDone/impl=own/n=16/task=wait"))
	plain := buildLines(t, "run.txt", runCopying(t))
	for _, tc := range []struct{ answer, after string }{
		{"2. ", "watching ctx.Done: "},
		{"3. ", "with x/sync errgroup"},
	} {
		if a := answer(t, same, tc.answer); !strings.Contains(a, "no significant difference (p=1.000") {
			t.Errorf("answer %s= %s\nwant the U-test's no significant difference after %q", tc.answer, a, tc.after)
		}
		if a := answer(t, plain, tc.answer); strings.Contains(a, "no significant difference") {
			t.Errorf("answer %s from the fixture = %s\nwant no \"no significant difference\": its values differ", tc.answer, a)
		}
	}
}

// runCopying returns the lines of testdata/run.txt with the samples of
// each cell to (pairs from, to: "FailFast/impl=own/n=16/task=fail") made
// copies of those of cell from, at every GOMAXPROCS.
func runCopying(t *testing.T, pairs ...string) []string {
	t.Helper()
	data, err := os.ReadFile("testdata/run.txt")
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, line := range strings.Split(string(data), "\n") {
		name, _, _ := strings.Cut(strings.TrimPrefix(line, "Benchmark"), " ")
		name, _, _ = strings.Cut(name, "-") // the GOMAXPROCS suffix
		for k := 0; k+1 < len(pairs); k += 2 {
			switch name {
			case pairs[k+1]:
				line = ""
			case pairs[k]:
				lines = append(lines, strings.Replace(line, pairs[k], pairs[k+1], 1))
			}
		}
		if line != "" {
			lines = append(lines, line)
		}
	}
	return lines
}

// TestNoisyMarks checks that every table cell with an interval wider than
// ±10% is marked noisy and no other is, in a report built with wider
// intervals than the fixture's (one JoinAll cell's samples spread out).
func TestNoisyMarks(t *testing.T) {
	data, err := os.ReadFile("testdata/run.txt")
	if err != nil {
		t.Fatal(err)
	}
	spread := []string{"100", "60", "150", "80", "130", "70"}
	i := 0
	var lines []string
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "BenchmarkJoinAll/impl=own/n=10/task=tiny-2 ") && strings.Contains(line, "ns/op") {
			f := strings.Fields(line)
			line = strings.Join([]string{f[0], f[1], spread[i%len(spread)], "ns/op"}, " ")
			i++
		}
		lines = append(lines, line)
	}
	md := buildLines(t, "noisy.txt", lines)
	cell := regexp.MustCompile(`±(\d+(?:\.\d)?|∞)%( \(noisy\))?`)
	marked := 0
	for _, m := range cell.FindAllStringSubmatch(string(md), -1) {
		pct, _ := strconv.ParseFloat(m[1], 64)
		wide := m[1] == "∞" || pct > 10
		if wide != (m[2] != "") {
			t.Errorf("cell %q: wider than ±10%% = %v, marked = %v", m[0], wide, m[2] != "")
		}
		if m[2] != "" {
			marked++
		}
	}
	if marked < 4 || !strings.Contains(string(md), "- Precision: 99% of the sec/op cells (146 of 148)") {
		t.Errorf("%d noisy cells marked; want the JoinAll cell and FailFast's wasted-tasks, and the precision line to count the cell in both preempt modes:\n%s", marked, md)
	}
}

// TestSelfCheck checks the header's line on the run's halves: what it
// says depends on whether they differ in more than the 5% of chance, and
// there is no line without halves (go test's output has no rounds).
func TestSelfCheck(t *testing.T) {
	set := read(t, "testdata/run.txt")
	for _, c := range []struct {
		h    *precision.Halves
		want string
	}{
		{&precision.Halves{Compared: 200, Differ: 10}, "- Self-check: the run's odd rounds and its even rounds, which ran interleaved, differ in 10 of 200 comparisons (5.0%), within the 5% that chance alone gives"},
		{&precision.Halves{Compared: 200, Differ: 11}, "differ in 11 of 200 comparisons (5.5%), more than the 5% that chance alone gives: the cells moved within the run"},
		{nil, ""},
	} {
		md, _, err := Build(set, Options{Halves: c.h})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(string(md), "- Self-check: "); got != min(1, len(c.want)) {
			t.Errorf("halves %v: %d self-check lines", c.h, got)
		}
		if !strings.Contains(string(md), c.want) {
			t.Errorf("halves %v: report lacks %q", c.h, c.want)
		}
	}
}

// TestMarkedAtTheBound checks that an interval just wider than ±10% does
// not print as "±10%": marked noisy, it would sit beside an unmarked "±10%".
func TestMarkedAtTheBound(t *testing.T) {
	for _, c := range []struct {
		lo, hi float64
		want   string
	}{
		{90.5, 109.7, "100.0ns ±10%"},          // 9.7%: within
		{91, 109.99, "100.0ns ±10%"},           // 9.99%: within
		{89.7, 105, "100.0ns ±10.3% (noisy)"},  // 10.3%
		{99, 110.01, "100.0ns ±10.1% (noisy)"}, // 10.01%, rounded up
		{89.4, 101, "100.0ns ±11% (noisy)"},    // 10.6%: a whole 11 says it
		{50, 200, "100.0ns ±100% (noisy)"},
	} {
		got := marked(benchmath.Summary{Center: 100e-9, Lo: c.lo * 1e-9, Hi: c.hi * 1e-9}, "sec/op")
		if got != c.want {
			t.Errorf("interval [%v, %v] ns: %q, want %q", c.lo, c.hi, got, c.want)
		}
	}
}

// TestBeatsBoundNote checks the note on efficiencies above 100%: a table
// with such an eff. cell says that its bound is another measured cell, and
// a table without one does not. The fixture has both kinds (JoinAll's
// task=wait cells beat the sleep's floor by a few per cent).
func TestBeatsBoundNote(t *testing.T) {
	data, err := os.ReadFile("testdata/run.txt")
	if err != nil {
		t.Fatal(err)
	}
	md := string(buildLines(t, "run.txt", strings.Split(string(data), "\n")))
	const note = "Above 100%, a cell beat its bound"
	with, without := 0, 0
	for _, section := range strings.Split(md, "\n### ")[1:] {
		var eff []int // columns named eff.
		above := false
		for _, line := range strings.Split(section, "\n") {
			if !strings.HasPrefix(line, "|") {
				continue
			}
			cells := strings.Split(strings.Trim(line, "|"), "|")
			if eff == nil {
				for i, c := range cells {
					if strings.TrimSpace(c) == "eff." {
						eff = append(eff, i)
					}
				}
				if eff == nil {
					break // a table without a bound
				}
				continue
			}
			for _, i := range eff {
				if v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(cells[i]), "%"), 64); err == nil && v > 100 {
					above = true
				}
			}
		}
		if eff == nil {
			continue
		}
		heading, _, _ := strings.Cut(section, "\n")
		if has := strings.Contains(section, note); has != above {
			t.Errorf("table %q: an eff. above 100%% = %v, the note = %v", heading, above, has)
		}
		if above {
			with++
		} else {
			without++
		}
	}
	if with == 0 || without == 0 {
		t.Errorf("%d tables with an eff. above 100%% and %d without: the fixture should have both", with, without)
	}
}

// writeLines writes lines into a new file named name and returns its path.
func writeLines(t *testing.T, name string, lines []string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// runLines returns the lines of testdata/run.txt for which keep, given the
// preempt mode in force at the line (set by the line itself if it is a
// preempt: line), returns true.
func runLines(t *testing.T, keep func(mode, line string) bool) []string {
	t.Helper()
	data, err := os.ReadFile("testdata/run.txt")
	if err != nil {
		t.Fatal(err)
	}
	mode := ""
	var lines []string
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "preempt: "); ok {
			mode = v
		}
		if keep(mode, line) {
			lines = append(lines, line)
		}
	}
	return lines
}

// buildLines writes lines into a file named name and builds its report.
func buildLines(t *testing.T, name string, lines []string) []byte {
	t.Helper()
	md, _, err := Build(read(t, writeLines(t, name, lines)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	return md
}

// TestRuntimesApart checks that a name measured by Go and by tokio gets a
// runtime column in the tables, and that the answers read the Go cells only.
func TestRuntimesApart(t *testing.T) {
	data, err := os.ReadFile("testdata/run.txt")
	if err != nil {
		t.Fatal(err)
	}
	// The tokio results come first, so that their cells sort first.
	lines := []string{"pkg: github.com/concbench/concbench/bench", "preempt: async", "runtime: tokio"}
	for range 6 {
		lines = append(lines, "BenchmarkStarvation/n=2/hog=tight/victim=sleep-2 1 50000000 ns/op 0.02 progress 49000000 stall-ns",
			"BenchmarkFailFast/impl=own/n=1024/task=fail-2 1 50000 ns/op 1 cancel-ns")
	}
	lines = append(lines, "runtime:")
	path := writeLines(t, "tokio.txt", append(lines, strings.Split(string(data), "\n")...))
	s := read(t, path)
	md, _, err := Build(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &rep{Set: s}
	c, err := r.patternChart(patternOf(suite.Starvation), "async", 2)
	if err != nil || c == nil || !bytes.Contains(c.SVG, []byte("runtime=tokio")) {
		t.Errorf("the Starvation chart has no series for runtime=tokio (err %v)", err)
	}
	full, _, err := Build(read(t, "testdata/run.txt"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := answer(t, md, "3. "), answer(t, full, "3. "); a != b {
		t.Errorf("answer 3 with tokio cells = %s\nwant the Go-only one: %s", a, b)
	}
	// Answer 4 adds a sentence on tokio (TestTokioRows) after Go's.
	if a, b := answer(t, md, "4. "), answer(t, full, "4. "); !strings.HasPrefix(a, strings.TrimSuffix(b, ".")) {
		t.Errorf("answer 4 with tokio cells = %s\nwant the Go-only one first: %s", a, b)
	}
	row(t, string(md), "| tokio | 2 | tight | sleep |", "## Starvation (BenchmarkStarvation)", "### stall-ns")
}

// TestTokioRows checks that a run with the tokio suite (runtime: tokio)
// shows tokio's rows in the pattern tables, quotes tokio in answers 4 and 5,
// and keeps tokio out of Go's preemption comparison.
func TestTokioRows(t *testing.T) {
	run, err := os.ReadFile("testdata/run.txt")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(run), "\n"), "\n")
	for _, mode := range []string{"async", "off"} {
		lines = append(lines, "preempt: "+mode, "runtime: tokio")
		for range 6 {
			lines = append(lines,
				"BenchmarkStarvation/n=2/hog=tight/victim=sleep-2 1 6.1e+07 ns/op 0.016 progress 6.0e+07 stall-ns",
				"BenchmarkFailFast/impl=tokiojoinset/n=16/task=fail-2 500 9.9e+04 ns/op 4242 cancel-ns")
		}
	}
	md := buildLines(t, "tokio.txt", lines)
	if got := row(t, string(md), "| tokio | 16 | fail | tokiojoinset |", "## Fail fast (BenchmarkFailFast)", "### cancel-ns"); !strings.Contains(got, "4.242µs") {
		t.Errorf("FailFast cancel-ns tokio row = %q; want 4.242µs", got)
	}
	if a := answer(t, md, "4. "); !strings.Contains(a, "tokio, which schedules cooperatively (a multi_thread runtime, worker_threads=2)") || !strings.Contains(a, "the victim's longest stall was 60.00ms") {
		t.Errorf("answer 4 = %q; want tokio's stall of 60ms on a multi_thread runtime", a)
	}
	// The header counts Go's cells and tokio's apart, as the precision
	// line after it counts both.
	for _, re := range []string{`FailFast \d+ cells and 2 of tokio, `, `Starvation \d+ cells and 2 of tokio, `, `JoinAll \d+ cells, `} {
		if !regexp.MustCompile(re).Match(md) {
			t.Errorf("header lacks %q:\n%s", re, md[:min(len(md), 2000)])
		}
	}
	if a := answer(t, md, "5. "); !strings.Contains(a, "In tokio (a multi_thread runtime, worker_threads=2) the same cell was starved") {
		t.Errorf("answer 5 = %q; want tokio's cell starved", a)
	}
	if got := row(t, string(md), "| – | 16 | fail | own |", "## Fail fast (BenchmarkFailFast)", "### cancel-ns"); got == "" {
		t.Errorf("no Go row beside tokio's")
	}
	_, preempt, _ := strings.Cut(string(md), "## Preemption")
	preempt, _, _ = strings.Cut(preempt, "\n## ")
	if strings.Contains(preempt, "tokio") {
		t.Errorf("the preemption section mentions tokio; want Go's cells only")
	}
}

func TestChartNotDrawn(t *testing.T) {
	// gonum/plot panics on an axis it cannot tick ("illegal range": one
	// value near the largest float64, which its ±1 cannot widen): render
	// returns a notDrawn and the report says which chart is missing,
	// instead of the process crashing. No input reaches this since a chart
	// of one value starts its axis at zero (TestChartOneValue); the recover
	// stays for whatever else gonum cannot draw.
	p := plot.New()
	p.Y.Min, p.Y.Max = math.MaxFloat64, math.MaxFloat64
	_, err := render(p, plot.NewLegend(), []string{"n=1"}, false)
	var b bytes.Buffer
	c, err := chartOrNote(&b, "A, GOMAXPROCS=2", nil, err)
	if c != nil || err != nil || !strings.Contains(b.String(), "(No chart of A, GOMAXPROCS=2: the chart could not be drawn: ") {
		t.Errorf("got = %v, %v, %q; want no chart, no error and the missing chart's line", c, err, b.String())
	}
}

// TestTooFewSamples checks that a report of one sample per cell (go test
// -count 1) calls no difference in either direction: where the U-test could
// not find one whatever the numbers, the answers and the guidance say the
// samples are too few, not "no significant difference" or "within noise".
func TestTooFewSamples(t *testing.T) {
	fixedImpls(t)
	seen := map[string]bool{}
	lines := runLines(t, func(mode, line string) bool {
		name, _, _ := strings.Cut(line, " ")
		if !strings.HasPrefix(name, "Benchmark") {
			return true
		}
		first := !seen[mode+" "+name]
		seen[mode+" "+name] = true
		return first
	})
	md := string(buildLines(t, "once.txt", lines))
	for _, tc := range []struct{ q, want string }{
		{"1. ", "This run has too few samples to tell whether concurrency helped"},
		{"4. ", "too few samples to test the difference (n=1+1"},
		{"7. ", "This run has too few samples to compare an OS thread per task with a goroutine"},
	} {
		if a := answer(t, []byte(md), tc.q); !strings.Contains(a, tc.want) {
			t.Errorf("answer %s= %s\nwant it to contain %q", tc.q, a, tc.want)
		}
	}
	_, joinAll, _ := strings.Cut(md, "## Join all")
	joinAll, _, _ = strings.Cut(joinAll, "\n## ")
	for _, line := range strings.Split(joinAll, "\n") {
		if strings.HasPrefix(line, "| own |") && !strings.Contains(line, "; too few samples to compare with the fastest in ") {
			t.Errorf("guidance for own = %s\nwant it to count the cells with too few samples", line)
		}
	}
}

// TestStarvationUnlabelled checks that answer 4 reads the starvation cells
// of plain go test -bench output, which has no preempt: line, and says that
// their mode was not recorded, instead of calling them not measured.
func TestStarvationUnlabelled(t *testing.T) {
	lines := runLines(t, func(mode, line string) bool {
		return !strings.HasPrefix(line, "preempt: ") && (mode == "async" || !strings.HasPrefix(line, "BenchmarkStarvation"))
	})
	md := buildLines(t, "plain.txt", lines)
	want := "In the input's unrecorded preemption mode (no preempt: line; async unless GODEBUG=asyncpreemptoff=1 was set), next to "
	if a := answer(t, md, "4. "); !strings.Contains(a, want) || !strings.Contains(a, "the input has no preempt: off cells") {
		t.Errorf("answer 4 = %s\nwant it to contain %q", a, want)
	}
}

// TestBoundCores checks that the bound of CPU work at a GOMAXPROCS above the
// machine's cores divides serial's time by the cores the input's cores:
// line gives, not by GOMAXPROCS: with 2 cores, nothing runs 4 times faster
// than serial, so serial itself is at 50% of the bound.
func TestBoundCores(t *testing.T) {
	md := string(buildLines(t, "cpu4.txt", []string{
		"cores: 2",
		"BenchmarkJoinAll/impl=serial/n=1000/task=tiny-4 100 40000 ns/op 40 ns/task",
		"BenchmarkJoinAll/impl=own/n=1000/task=tiny-4 100 25000 ns/op 25 ns/task",
	}))
	for _, want := range []string{
		"| 1000 | tiny | serial | 40.00µs ±∞ (noisy) | 50% |",
		"| 1000 | tiny | own | 25.00µs ±∞ (noisy) | 80% |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

// TestBoundCoresPerProcess checks the bound in a pinned run, whose cores:
// line changes between processes (1 for the GOMAXPROCS=1 ones, which ran
// on one CPU, 2 for the others): each cell's own value counts, so at
// GOMAXPROCS=4 serial is at 50% of the bound, not 25% as if the line were
// missing, and no note says it is; the machine section says which cells
// had which.
func TestBoundCoresPerProcess(t *testing.T) {
	md := string(buildLines(t, "pinned.txt", []string{
		"cores: 2",
		"cores: 1",
		"BenchmarkJoinAll/impl=serial/n=1000/task=tiny 100 40000 ns/op 40 ns/task",
		"BenchmarkJoinAll/impl=own/n=1000/task=tiny 100 50000 ns/op 50 ns/task",
		"cores: 2",
		"BenchmarkJoinAll/impl=serial/n=1000/task=tiny-4 100 40000 ns/op 40 ns/task",
		"BenchmarkJoinAll/impl=own/n=1000/task=tiny-4 100 25000 ns/op 25 ns/task",
	}))
	for _, want := range []string{
		"| 1000 | tiny | serial | 40.00µs ±∞ (noisy) | 100% | 40.00µs ±∞ (noisy) | 50% |",
		"| 1000 | tiny | own | 50.00µs ±∞ (noisy) | 80% | 25.00µs ±∞ (noisy) | 80% |",
		"\n- cores: 1 at GOMAXPROCS=1; 2 at GOMAXPROCS=4\n",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "The input has no cores: line") {
		t.Errorf("report says the input has no cores: line:\n%s", md)
	}
}

// TestMachineCPU checks the machine section's cpu: line: Go pads the CPU's
// brand string with spaces, which must not end a Markdown line (two spaces
// there break it), and a name padded differently is still one CPU.
func TestMachineCPU(t *testing.T) {
	md := string(buildLines(t, "cpu.txt", []string{
		"cpu: Oxide Virtual Turin-like Processor             ",
		"BenchmarkJoinAll/impl=own/n=1000/task=tiny 100 50000 ns/op",
		"cpu: Oxide Virtual Turin-like Processor",
		"BenchmarkJoinAll/impl=serial/n=1000/task=tiny 100 40000 ns/op",
	}))
	if want := "\n- cpu: Oxide Virtual Turin-like Processor\n"; !strings.Contains(md, want) {
		t.Errorf("report lacks %q:\n%s", want, md)
	}
}

// TestCompareTooFew checks that compare marks a "~" from samples too few
// for the U-test to find any difference (go test -count 1 on each side) and
// says so under the table, while a "~" from enough samples stays unmarked.
func TestCompareTooFew(t *testing.T) {
	line := "BenchmarkJoinAll/impl=own/n=10/task=tiny-2 100 %d ns/op"
	oneOld := writeLines(t, "old.txt", []string{fmt.Sprintf(line, 100)})
	oneNew := writeLines(t, "new.txt", []string{fmt.Sprintf(line, 300)})
	var b bytes.Buffer
	if err := Compare(&b, read(t, oneOld), read(t, oneNew), "old.txt", "new.txt"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"~ (p=1.000 n=1) ¹", "\n¹ too few samples for the U-test"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("compare of 1+1 samples lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	if err := Compare(&b, read(t, "testdata/plain.txt"), read(t, "testdata/plain.txt"), "a", "b"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "¹") {
		t.Errorf("compare of 6+6 samples marks a row:\n%s", b.String())
	}
}

// TestAnswersFirstDone checks answers 2 and 6 with and without
// AsCompleted's cells: they give its first result, which does not wait for
// the losers, when the run has it, and say of First that it returns once
// every task has, the cancellation of the others included.
func TestAnswersFirstDone(t *testing.T) {
	lines := []string{
		"BenchmarkFirstDone/impl=own/n=16/task=tiny-2 100 9000 ns/op 5000 cancel-ns 6000 first-ns 3000 start-ns 100 win-ns",
		"BenchmarkFirstDone/impl=ascompleted/n=16/task=tiny-2 100 9000 ns/op 5000 cancel-ns 700 first-ns 3000 start-ns 100 win-ns",
	}
	for _, tc := range []struct {
		lines []string
		q     string
		want  string
	}{
		// One sample: the spans are not told apart, so no "before the last
		// of the others" (TestAnswerFirstOrder).
		{lines, "2. ", "firstdone.AsCompleted (impl=ascompleted, n=16 task=tiny, GOMAXPROCS=2) had the winner's result 700.0ns after the winner finished. The project's First, which returns only once every task has, had the winner's result 6.000µs"},
		{lines[:1], "2. ", "with the project's First (impl=own, n=16 task=tiny, GOMAXPROCS=2), which returns only once every task has, the caller had the winner's result 6.000µs"},
		{lines, "6. ", "from its completion to the caller's loop over firstdone.AsCompleted having its result took 700.0ns"},
		{lines[:1], "6. ", "from its completion to First returning its result took 6.000µs, with the cancellation of the other tasks"},
	} {
		if a := answer(t, buildLines(t, "first.txt", tc.lines), tc.q); !strings.Contains(a, tc.want) {
			t.Errorf("answer %s= %s\nwant it to contain %q", tc.q, a, tc.want)
		}
	}
}

// TestBoundSkewed checks that the bound of task=skewed is no less than its
// largest task (work.SkewedLargest of serial's time): with 8 cores at
// GOMAXPROCS=4, serial's time / 4 is a speed-up that the one task of 42%
// of the work forbids.
func TestBoundSkewed(t *testing.T) {
	md := string(buildLines(t, "skewed.txt", []string{
		"cores: 8",
		"BenchmarkJoinAll/impl=serial/n=1000/task=skewed-4 100 100000 ns/op",
		fmt.Sprintf("BenchmarkJoinAll/impl=own/n=1000/task=skewed-4 100 %.0f ns/op", 100000*work.SkewedLargest(1000)),
	}))
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "| 1000 | skewed | own | ") && strings.Count(line, "|") == 6 && !strings.HasSuffix(line, " | 100% |") {
			t.Errorf("own at the largest task's time: %s\nwant eff. 100%%", line)
		}
	}
	if !strings.Contains(md, "| 1000 | skewed | own | ") {
		t.Errorf("no own skewed row:\n%s", md)
	}
}

// TestFewerSamples checks that a table cell whose metric the benchmark
// reported in only some samples (p50-wake-ns needs enough wake-ups) says in
// how many: its median comes from those samples only.
func TestFewerSamples(t *testing.T) {
	var lines []string
	for i := range 6 {
		line := "BenchmarkStarvation/n=2/hog=yield/victim=sleep-2 1 7e7 ns/op 0.3 progress 1e7 stall-ns"
		if i%2 == 0 {
			line += " 30000 p50-wake-ns"
		}
		lines = append(lines, line)
	}
	md := string(buildLines(t, "some.txt", lines))
	_, p50, _ := strings.Cut(md, "### p50-wake-ns")
	p50, _, _ = strings.Cut(p50, "\n### ")
	_, stall, _ := strings.Cut(md, "### stall-ns")
	stall, _, _ = strings.Cut(stall, "\n### ")
	if !strings.Contains(p50, " (3 of 6 samples) |") {
		t.Errorf("p50-wake-ns table lacks (3 of 6 samples):\n%s", p50)
	}
	if strings.Contains(stall, " samples) |") {
		t.Errorf("stall-ns table, reported in every sample, counts its samples:\n%s", stall)
	}
}

// TestNameCells reports go test output whose sub-benchmark names hold
// Markdown's table syntax: the name's cell must be escaped (see package
// md), or its row splits.
func TestNameCells(t *testing.T) {
	for _, name := range []string{"a|b", `a\|b`, `a\-b`} {
		t.Run(name, func(t *testing.T) {
			lines := []string{"pkg: example.com/x"}
			for range 6 {
				lines = append(lines, "BenchmarkParse/"+name+"-2 1000 1000 ns/op", "BenchmarkParse/plain-2 1000 900 ns/op")
			}
			got := string(buildLines(t, "x.txt", lines))
			if want := "| " + md.Cell(name) + " | 1.000µs"; !strings.Contains(got, want) {
				t.Errorf("report has no row starting %q:\n%s", want, got)
			}
		})
	}
}

// TestGuidanceFastestNeedsSamples checks that an implementation is called
// the fastest only where the U-test could have found it slower: with one
// sample per cell, the lowest median is not evidence.
func TestGuidanceFastestNeedsSamples(t *testing.T) {
	fixedImpls(t)
	for _, tc := range []struct {
		samples int
		own     string
	}{
		{1, "| own | re-panics in the caller once the others returned | – | fastest or within noise in 0 of 1 cells; too few samples to compare with the fastest in 1 |"},
		{3, "| own | re-panics in the caller once the others returned | – | fastest or within noise in 0 of 1 cells; too few samples to compare with the fastest in 1 |"},
		{6, "| own | re-panics in the caller once the others returned | – | fastest or within noise in 1 of 1 cells |"},
	} {
		var lines []string
		for i := range tc.samples {
			lines = append(lines,
				fmt.Sprintf("BenchmarkJoinAll/impl=own/n=10/task=wait 1 %d ns/op", 1200000+i),
				fmt.Sprintf("BenchmarkJoinAll/impl=serial/n=10/task=wait 1 %d ns/op", 11000000+i))
		}
		md := string(buildLines(t, "few.txt", lines))
		if got := row(t, md, "| own |", "## Join all (BenchmarkJoinAll)"); got != tc.own {
			t.Errorf("%d samples: got = %s; want %s", tc.samples, got, tc.own)
		}
	}
}

// TestAnswerJoinExtrapolation checks answer 1's estimate of n waits one
// after another (n × serial's time per task): left out when serial's
// ns/task was not measured (it printed "0.000s" and "about 0.0× faster"),
// and when the measured n=10 comparison found no difference; and called
// slower when the numbers say so.
func TestAnswerJoinExtrapolation(t *testing.T) {
	join := func(samples int, perTask bool, bigNs int) []string {
		var lines []string
		for i := range samples {
			serial := fmt.Sprintf("BenchmarkJoinAll/impl=serial/n=10/task=wait 1 %d ns/op", 11000000+i)
			if perTask {
				serial += fmt.Sprintf(" %d ns/task", 1100000+i)
			}
			lines = append(lines, serial,
				fmt.Sprintf("BenchmarkJoinAll/impl=own/n=10/task=wait 1 %d ns/op", 1200000+i),
				fmt.Sprintf("BenchmarkJoinAll/impl=own/n=1000/task=wait 1 %d ns/op", bigNs+i))
		}
		return lines
	}
	for _, tc := range []struct {
		name      string
		lines     []string
		want, not []string
	}{
		{"no ns/task", join(6, false, 2500000), []string{"Waiting tasks overlap", "9.2× faster."}, []string{"0.000s", "0.0×", "one wait alone", "n=1000"}},
		{"one sample", join(1, true, 2500000), []string{"too few samples", "one wait alone is 1.100ms."}, []string{"n=1000", "439×"}},
		// A floor, n × the sleep, not an estimate from one wait (1.1 ms here).
		{"faster", join(6, true, 2500000), []string{"n=1000 took 2.500ms concurrently; one after another they would take at least 1s (each sleeps 1ms), 400× as long."}, []string{"1.100s", "440×"}},
		// Slower than the floor says nothing of serial, which was not run.
		{"slower", join(6, true, 2000000000), []string{"n=1000 took 2.000s concurrently; one after another they would take at least 1s (each sleeps 1ms)."}, []string{"× faster.", "slower", "as long"}},
	} {
		a := answer(t, buildLines(t, "join.txt", tc.lines), "1. ")
		for _, w := range tc.want {
			if !strings.Contains(a, w) {
				t.Errorf("%s: got = %s; want it to hold %q", tc.name, a, w)
			}
		}
		for _, w := range tc.not {
			if strings.Contains(a, w) {
				t.Errorf("%s: got = %s; want no %q", tc.name, a, w)
			}
		}
	}
}

// TestNoCoresSentence checks that the note on a missing cores: line, which
// is about the bound of CPU work (serial's time divided by GOMAXPROCS),
// appears under a table only where that bound is used: not under FirstDone's
// cancel-ns (floor's) or JoinAll's waiting work (one wait).
func TestNoCoresSentence(t *testing.T) {
	const note = "The input has no cores: line"
	for _, tc := range []struct {
		name, heading string
		lines         []string
		want          bool
	}{
		{"cpu work", "### ns/op", []string{
			"BenchmarkJoinAll/impl=serial/n=1000/task=tiny-2 100 40000 ns/op 40 ns/task",
			"BenchmarkJoinAll/impl=own/n=1000/task=tiny-2 100 25000 ns/op 25 ns/task",
		}, true},
		{"waiting work", "### ns/op", []string{
			"BenchmarkJoinAll/impl=serial/n=10/task=wait-2 1 11000000 ns/op 1100000 ns/task",
			"BenchmarkJoinAll/impl=own/n=10/task=wait-2 1 1200000 ns/op 120000 ns/task",
		}, false},
		{"cancel", "### cancel-ns", []string{
			"BenchmarkFirstDone/impl=floor/n=16/task=tiny-2 1 9000 ns/op 300 cancel-ns",
			"BenchmarkFirstDone/impl=own/n=16/task=tiny-2 1 10000 ns/op 400 cancel-ns",
		}, false},
	} {
		md := string(buildLines(t, "nocores.txt", tc.lines))
		_, table, ok := strings.Cut(md, tc.heading+"\n")
		if !ok {
			t.Fatalf("%s: no %q in the report:\n%s", tc.name, tc.heading, md)
		}
		table, _, _ = strings.Cut(table, "\n|")
		if got := strings.Contains(table, note); got != tc.want {
			t.Errorf("%s: got = %v; want %v: note under %s: %q", tc.name, got, tc.want, tc.heading, table)
		}
	}
}

// TestStarvationOffAtFewerProcs checks answer 4 and the preemption section
// when preemption off ran at GOMAXPROCS=1 only and async at 1 and 2 (a
// -cpu 1 rerun of the off half): they compare the modes where both ran,
// instead of saying that preemption off was not measured.
func TestStarvationOffAtFewerProcs(t *testing.T) {
	lines := runLines(t, func(mode, line string) bool {
		name, _, _ := strings.Cut(line, " ")
		return mode != "off" || !strings.HasPrefix(name, "BenchmarkStarvation/") || !strings.HasSuffix(name, "-2")
	})
	md := buildLines(t, "off1.txt", lines)
	if a := answer(t, md, "4. "); strings.Contains(a, "not measured") || !strings.Contains(a, "GOMAXPROCS=1) the victim") || !strings.Contains(a, "with it off") {
		t.Errorf("answer 4: got = %s; want the modes compared at GOMAXPROCS=1", a)
	}
	_, section, _ := strings.Cut(string(md), "## Preemption")
	section, _, _ = strings.Cut(section, "\n### ")
	if strings.Contains(section, "not measured") || !strings.Contains(section, "GOMAXPROCS=1) — ") {
		t.Errorf("preemption section: got = %s; want every hog kind compared at GOMAXPROCS=1", section)
	}
}

func TestNHogs(t *testing.T) {
	for n, want := range map[string]string{"1": "1 hog", "2": "2 hogs", "16": "16 hogs"} {
		if got := nHogs(n); got != want {
			t.Errorf("nHogs(%q) = %q; want %q", n, got, want)
		}
	}
}

// TestAnswerFirstOrder checks that answer 2 says AsCompleted's first result
// came before the last loser returned only when the U-test tells the two
// spans apart, not from two medians alone.
func TestAnswerFirstOrder(t *testing.T) {
	first := func(samples int) []string {
		var lines []string
		for i := range samples {
			lines = append(lines,
				fmt.Sprintf("BenchmarkFirstDone/impl=own/n=16/task=tiny 1000 %d ns/op %d first-ns %d cancel-ns", 11000+i, 5000+i, 4500+i),
				fmt.Sprintf("BenchmarkFirstDone/impl=ascompleted/n=16/task=tiny 1000 %d ns/op %d first-ns %d cancel-ns", 19000+i, 500+i, 9000+i))
		}
		return lines
	}
	const order = "before the last of the others had returned"
	if a := answer(t, buildLines(t, "one.txt", first(1)), "2. "); strings.Contains(a, order) {
		t.Errorf("one sample: got = %s; want no %q", a, order)
	}
	if a := answer(t, buildLines(t, "six.txt", first(6)), "2. "); !strings.Contains(a, order) {
		t.Errorf("six samples: got = %s; want %q", a, order)
	}
	// First's time to the result is put beside AsCompleted's: said to be
	// alike when the U-test cannot tell them apart, and only then.
	const against = "(against AsCompleted's: no significant difference"
	if a := answer(t, buildLines(t, "six.txt", first(6)), "2. "); strings.Contains(a, against) {
		t.Errorf("six samples, 500 against 5000 ns: got = %s; want no %q", a, against)
	}
	var alike []string
	for i := range 6 {
		alike = append(alike,
			fmt.Sprintf("BenchmarkFirstDone/impl=own/n=16/task=tiny 1000 11000 ns/op %d first-ns 9000 cancel-ns", 500+2*i),
			fmt.Sprintf("BenchmarkFirstDone/impl=ascompleted/n=16/task=tiny 1000 19000 ns/op %d first-ns 9000 cancel-ns", 501+2*i))
	}
	if a := answer(t, buildLines(t, "alike.txt", alike), "2. "); !strings.Contains(a, against) {
		t.Errorf("six samples, interleaved: got = %s; want %q", a, against)
	}
}

// TestAnswerStarveProgress checks that answer 4, which puts the victim's
// share of its wake-ups with preemption off and in tokio beside Go's with
// async preemption, says when the U-test cannot tell those shares apart,
// and says nothing when it can.
func TestAnswerStarveProgress(t *testing.T) {
	lines := func(offProg, tokioProg func(i int) float64) []string {
		var l []string
		for _, mode := range []string{"async", "off"} {
			l = append(l, "preempt: "+mode, "runtime: go")
			for i := range 6 {
				stall, prog := 1.0e7+float64(i), 0.10+0.002*float64(i)
				if mode == "off" {
					stall, prog = 5.0e7+float64(i), offProg(i)
				}
				l = append(l, fmt.Sprintf("BenchmarkStarvation/n=1/hog=tight/victim=sleep 1 6.0e+07 ns/op %g progress %g stall-ns", prog, stall))
			}
		}
		l = append(l, "preempt: async", "runtime: tokio")
		for i := range 6 {
			l = append(l, fmt.Sprintf("BenchmarkStarvation/n=1/hog=tight/victim=sleep 1 6.0e+07 ns/op %g progress %g stall-ns", tokioProg(i), 5.5e7+float64(i)))
		}
		return l
	}
	alike := func(i int) float64 { return 0.101 + 0.002*float64(i) } // interleaved with async's
	apart := func(i int) float64 { return 0.010 + 0.001*float64(i) }
	const off, tokio = "not significantly different from the async share", "not significantly different from Go's async share"
	for _, tc := range []struct {
		name             string
		offP, tokioP     func(int) float64
		wantOff, wantTok bool
	}{
		{"both alike", alike, alike, true, true},
		{"both apart", apart, apart, false, false},
		{"off alike, tokio apart", alike, apart, true, false},
	} {
		a := answer(t, buildLines(t, "starve.txt", lines(tc.offP, tc.tokioP)), "4. ")
		if got := strings.Contains(a, off); got != tc.wantOff {
			t.Errorf("%s: %q in answer 4 = %v; want %v:\n%s", tc.name, off, got, tc.wantOff, a)
		}
		if got := strings.Contains(a, tokio); got != tc.wantTok {
			t.Errorf("%s: %q in answer 4 = %v; want %v:\n%s", tc.name, tokio, got, tc.wantTok, a)
		}
	}
}

// TestOddNames checks that benchmark names from any go test output, which
// may hold Markdown and HTML (a|b, <b>), read as written in the report's
// headings and name chart files that any file system takes.
func TestOddNames(t *testing.T) {
	var lines []string
	for i := range 6 {
		lines = append(lines, fmt.Sprintf("Benchmark<b>-2 100 %d ns/op", 1000+i), fmt.Sprintf("BenchmarkA|x-2 100 %d ns/op", 2000+i))
	}
	dir := t.TempDir()
	if err := Write(dir, read(t, writeLines(t, "odd.txt", lines)), Options{Charts: true}); err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## `<b>` (`Benchmark<b>`)", "## `A|x` (`BenchmarkA|x`)"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report lacks the heading %q:\n%s", want, md)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	svgs := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".svg") {
			continue
		}
		svgs++
		if strings.ContainsAny(e.Name(), `<>|:"\*?`) {
			t.Errorf("chart file %q: a name some file systems refuse", e.Name())
		}
		if !strings.Contains(string(md), "]("+e.Name()+")") {
			t.Errorf("report does not link %s", e.Name())
		}
	}
	if svgs != 2 {
		t.Errorf("%d charts; want 2", svgs)
	}
}
