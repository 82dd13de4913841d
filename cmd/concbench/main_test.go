package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/outdir"
	"github.com/concbench/concbench/internal/starve"
)

// mainEnv makes this test binary run concbench's main (see TestMain), so
// that tests can start concbench as a process without building it.
const mainEnv = "CONCBENCH_TEST_MAIN"

// TestMain lets this test binary serve as concbench starve's child process,
// as main does for concbench, and as concbench itself under mainEnv.
func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		main()
	}
	starve.Child()
	os.Exit(m.Run())
}

// Every command turns bad usage into exit status 2 with a message naming
// what was wrong, before doing any work.
func TestBadUsage(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.txt")
	good, nan := filepath.Join(t.TempDir(), "good.txt"), filepath.Join(t.TempDir(), "nan.txt")
	otherB := filepath.Join(t.TempDir(), "b.txt")
	for path, body := range map[string]string{good: "BenchmarkA-2 1 5 ns/op\n", nan: "BenchmarkA-2 1 NaN ns/op\n", otherB: "BenchmarkB-2 1 5 ns/op\n"} {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		args []string
		want string // in the error or stderr
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"run", "-no-such-flag"}, "-no-such-flag"},
		{[]string{"-no-such-flag"}, "-no-such-flag"},
		{[]string{"run", "-preempt", "sometimes"}, "sometimes"},
		{[]string{"run", "stray"}, "stray"},
		{[]string{"run", "-benchtime", "bogus"}, `-benchtime "bogus"`},
		{[]string{"run", "-benchtime", "0x"}, `-benchtime "0x"`},
		{[]string{"run", "-bench", "("}, `-bench "("`},
		{[]string{"run", "-bench", "JoinAll/n=(1"}, `-bench "JoinAll/n=(1"`},
		{[]string{"run", "-cpu", "2147483647"}, "-cpu 2147483647"},
		{[]string{"run", "-timeout", "-1s"}, "-timeout -1s"},
		{[]string{"run", "-endless", "1ms"}, "-endless 1ms"},
		{[]string{"run", "-cpu", "1,1"}, "-cpu 1 given twice"},
		{[]string{"run", "-preempt", "off,off"}, "-preempt off given twice"},
		{[]string{"run", "-maxrounds", "-5"}, "-maxrounds -5: want 0 or more"},
		{[]string{"run", "-count", "2", "-rounds", "3"}, "-count and -rounds are one setting"},
		{[]string{"run", "-tokio", missing}, "-tokio"},
		{[]string{"starve", "-timeout", "500us"}, "-timeout 500µs: want at least 100ms"},
		{[]string{"starve", "-procs", "2147483647"}, "-procs 2147483647"},
		{[]string{"starve", "-hogs", "100000"}, "-hogs 100000"},
		{[]string{"report"}, "FILE"},
		{[]string{"report", missing}, "missing.txt"},
		{[]string{"report", "-o", filepath.Join(good, "out"), good}, "-o: "},
		{[]string{"compare", missing}, ""},
		{[]string{"gate", "-threshold", "lots"}, "lots"},
		{[]string{"track", "-threshold", "NaN"}, "want a percentage"},
		{[]string{"track", "-threshold", "Inf"}, "want a percentage"},
		{[]string{"gate", "-threshold", "-1"}, "want a percentage"},
		{[]string{"track", "-alpha", "NaN"}, "-alpha NaN"},
		{[]string{"track", "quickset", "extra"}, `unexpected argument "extra"`},
		{[]string{"track", "-dir", filepath.Dir(missing), "-o", filepath.Join(filepath.Dir(missing), "page")}, "inside the history"},
		{[]string{"precision", "-aa", missing, good}, "-aa: open " + missing},
		{[]string{"track", "sim", "-noise", missing}, "-noise: open " + missing},
		{[]string{"precision", good, good}, "given twice"},
		{[]string{"precision", "-aa", good, good}, "is also a FILE"},
		{[]string{"precision", "-aa", otherB, good}, "no metric in common"},
		{[]string{"precision", "-halves", good}, "-halves: " + good + ": no process of a concbench run"},
		{[]string{"precision", "-halves", "../../internal/precision/testdata/two.txt"}, "one round only"},
		{[]string{"report", good, "-o", filepath.Join(t.TempDir(), "r")}, "flag -o after the arguments"},
		{[]string{"compare", good, nan}, "nan.txt:1: BenchmarkA-2: NaN ns/op"},
		{[]string{"starve", "-hog", "spin"}, `-hog "spin"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			out := filepath.Join(t.TempDir(), "results")
			args := tc.args
			if len(args) > 0 && args[0] == "run" {
				args = append(slices.Clip(args), "-out", out)
			}
			err := run(context.Background(), args, &stdout, &stderr)
			if _, serr := os.Stat(out); serr == nil {
				t.Errorf("%v created %s", args, out)
			}
			if code := cli.ExitCode(err); code != 2 {
				t.Fatalf("exit status %d (err %v); want 2", code, err)
			}
			if stdout.Len() > 0 {
				t.Errorf("printed before failing:\n%s", stdout.String())
			}
			if msg := stderr.String() + err.Error(); !strings.Contains(msg, tc.want) {
				t.Errorf("message %q does not name %q", msg, tc.want)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"help"}, &stdout, os.Stderr); err != nil {
		t.Fatalf("help: %v", err)
	}
	for _, c := range commands {
		if !strings.Contains(stdout.String(), c.name) {
			t.Errorf("help does not list %q:\n%s", c.name, stdout.String())
		}
	}
}

// TestReportRefusesMerge checks that report refuses a benchmark found in
// two files, with exit status 2 and both names, and writes nothing.
func TestReportRefusesMerge(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.txt"), filepath.Join(dir, "b.txt")
	for _, path := range []string{a, b} {
		if err := os.WriteFile(path, []byte("pkg: crypto/sha1\nBenchmarkHash8Bytes/New-2 1 100 ns/op\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "out")
	err := run(context.Background(), []string{"report", "-o", out, a, b}, &bytes.Buffer{}, &bytes.Buffer{})
	if code := cli.ExitCode(err); code != 2 || !strings.Contains(err.Error(), "b.txt:2") || !strings.Contains(err.Error(), a) {
		t.Errorf("exit status %d, err %v; want 2 naming b.txt:2 and %s", code, err, a)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("report wrote %s: %v", out, err)
	}
}

// TestReportForce checks that report -force replaces only a previous
// report, never a directory holding its input or a file.
func TestReportForce(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.txt")
	data := []byte("BenchmarkX-2 100 200 ns/op\nBenchmarkX-2 100 210 ns/op\n")
	if err := os.WriteFile(in, data, 0o644); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
	report := func(args ...string) error {
		return run(context.Background(), append([]string{"report"}, args...), new(bytes.Buffer), new(bytes.Buffer))
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"the input's directory", []string{"-force", "-o", dir, in}},
		{"a file", []string{"-force", "-o", file, in}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := report(tc.args...)
			if code := cli.ExitCode(err); code != 2 || !strings.Contains(fmt.Sprint(err), "-force replaces only") {
				t.Errorf("report %v: %v (exit %d); want exit 2 saying what -force replaces", tc.args, err, code)
			}
			for _, f := range []string{in, file} {
				if b, err := os.ReadFile(f); err != nil || !bytes.Equal(b, data) {
					t.Errorf("%s after report %v: %q, %v; want it untouched", f, tc.args, b, err)
				}
			}
		})
	}
	// A run's directory, with its marker: its raw.txt cannot be written
	// again, so -force must not replace it.
	runDir := filepath.Join(t.TempDir(), "run")
	d, err := outdir.New(runDir, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{outdir.Raw, "report.md"} {
		if err := os.WriteFile(filepath.Join(d.Path(), f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := report("-force", "-o", runDir, in); cli.ExitCode(err) != 2 || !strings.Contains(fmt.Sprint(err), "measurements") {
		t.Errorf("report -force over a run's directory: %v; want exit 2 saying it holds measurements", err)
	}
	if b, err := os.ReadFile(filepath.Join(runDir, outdir.Raw)); err != nil || !bytes.Equal(b, data) {
		t.Errorf("the run's raw.txt after report -force: %q, %v; want it untouched", b, err)
	}
	out := filepath.Join(t.TempDir(), "out")
	if err := report("-o", out, in); err != nil {
		t.Fatal(err)
	}
	if err := report("-o", out, in); cli.ExitCode(err) != 2 {
		t.Errorf("report into its previous output without -force: %v; want exit 2", err)
	}
	if err := report("-force", "-o", out, in); err != nil {
		t.Errorf("report -force over its previous output: %v; want nil", err)
	}
}

// TestRunOutsideModule checks that run outside a Go module says so before
// it creates anything.
func TestRunOutsideModule(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("GOFLAGS", "")
	err := run(context.Background(), []string{"run"}, new(bytes.Buffer), new(bytes.Buffer))
	if cli.ExitCode(err) != 2 || !strings.Contains(fmt.Sprint(err), "not in a Go module") {
		t.Errorf("run outside a module: %v; want exit 2 saying it is not in a Go module", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("run outside a module left %v", names(entries))
	}
}

func names(entries []os.DirEntry) []string {
	var s []string
	for _, e := range entries {
		s = append(s, e.Name())
	}
	return s
}

// TestWarnsOnMixedInputs checks that compare and precision warn, as report
// does, of a file whose results of one cell come from two commits.
func TestWarnsOnMixedInputs(t *testing.T) {
	dir := t.TempDir()
	mixed, other := filepath.Join(dir, "mixed.txt"), filepath.Join(dir, "other.txt")
	for path, body := range map[string]string{
		mixed: "commit: aaa\nBenchmarkA-2 1 5 ns/op\ncommit: bbb\nBenchmarkA-2 1 6 ns/op\n",
		other: "BenchmarkA-2 1 5 ns/op\n",
	} {
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"compare", mixed, other}, {"precision", mixed}, {"precision", "-aa", mixed, other}} {
		var stderr bytes.Buffer
		if err := run(context.Background(), args, new(bytes.Buffer), &stderr); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		if !strings.Contains(stderr.String(), "mixed inputs: A-2: results vary in commit") {
			t.Errorf("%v: stderr %q; want a warning of mixed inputs", args, stderr.String())
		}
	}
}

// TestPrecisionAA compares a run with one twice as slow in every sec/op
// cell: precision -aa counts the comparisons that differ and says how far
// the other run moved as a whole.
func TestPrecisionAA(t *testing.T) {
	two, slower := "../../internal/precision/testdata/two.txt", "../../internal/precision/testdata/slower.txt"
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"precision", "-aa", slower, two}, &stdout, new(bytes.Buffer)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"2 of 4 comparisons with " + slower + " differ at p < 0.05 (50.0%)",
		"geometric mean of the cells' median ratios: +100.0% at GOMAXPROCS=1 (3 cells; a tenth of them +100.0% or less, a tenth +100.0% or more).",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("precision -aa lacks %q:\n%s", want, stdout.String())
		}
	}
}

// TestPrecisionHalves splits a run of twelve rounds, in which one cell is
// twice as slow in its odd rounds as in its even ones and another is as
// fast in both: precision -halves finds the one that differs. With -aa, a
// second run three times as slow in every round differs from the first
// in both cells, half against half, while its own halves agree.
func TestPrecisionHalves(t *testing.T) {
	write := func(name string, factor int) string {
		raw := "commit: abc\nrunid: " + name + "\n"
		for r := range 12 {
			slow := 100 * (1 + r%2) * factor
			raw += fmt.Sprintf("preempt: async\nruntime: go\ncpus: 0,1\nBenchmarkA-2 1 %d ns/op\nBenchmarkB-2 1 %d ns/op\n", slow+r, 100*factor+r)
		}
		f := filepath.Join(t.TempDir(), name+".txt")
		if err := os.WriteFile(f, []byte(raw), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	f := write("run", 1)
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"precision", "-halves", f}, &stdout, new(bytes.Buffer)); err != nil {
		t.Fatal(err)
	}
	want := "Odd rounds of " + f + " against its even rounds (interleaved, over the whole run): 1 of 2 comparisons differ at p < 0.05 (50.0%)"
	if !strings.Contains(stdout.String(), want) {
		t.Errorf("precision -halves lacks %q:\n%s", want, stdout.String())
	}

	slower := write("slower", 3)
	stdout.Reset()
	if err := run(context.Background(), []string{"precision", "-halves", "-aa", slower, f}, &stdout, new(bytes.Buffer)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Odd rounds of " + slower + " against its even rounds: 1 of 2 comparisons differ",
		"Odd rounds of " + f + " against the even rounds of " + slower + " (as many rounds, run apart): 2 of 2 comparisons differ",
		"Even rounds of " + f + " against the odd rounds of " + slower + ": 2 of 2 comparisons differ",
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("precision -halves -aa lacks %q:\n%s", want, stdout.String())
		}
	}
}

// TestReportSelfCheck checks that report states the halves of a run's
// raw.txt, and says nothing of them for go test's output, which has no
// rounds.
func TestReportSelfCheck(t *testing.T) {
	dir := t.TempDir()
	run1 := "commit: abc\nrunid: r\n"
	for r := range 6 {
		run1 += fmt.Sprintf("preempt: async\nruntime: go\ncpus: 0,1\nBenchmarkA-2 1 %d ns/op\n", 100+r)
	}
	for name, c := range map[string]struct {
		data string
		want int
	}{
		"run.txt":    {run1, 1},
		"gotest.txt": {"goos: linux\nBenchmarkA-2 1 100 ns/op\nBenchmarkA-2 1 101 ns/op\n", 0},
	} {
		in := filepath.Join(dir, name)
		if err := os.WriteFile(in, []byte(c.data), 0o644); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, name+"-report")
		if err := run(context.Background(), []string{"report", "-o", out, in}, new(bytes.Buffer), new(bytes.Buffer)); err != nil {
			t.Fatal(err)
		}
		md, err := os.ReadFile(filepath.Join(out, "report.md"))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Count(string(md), "- Self-check: the run's odd rounds and its even rounds"); got != c.want {
			t.Errorf("%s: %d self-check lines, want %d:\n%s", name, got, c.want, md)
		}
	}
}

// TestReportDefaultOut checks the message when report's default output
// directory, FILE's name + -report, exists: no -o was given, so the
// message says where the name came from.
func TestReportDefaultOut(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "ok.txt")
	if err := os.WriteFile(in, []byte("BenchmarkA-2 1 5 ns/op\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "ok-report"), 0o755); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"report", in}, &stdout, &stderr)
	if want := "the default -o (FILE's name + -report; give -o DIR): "; cli.ExitCode(err) != 2 || err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("report with ok-report there: %v (exit %d); want exit 2 and %q", err, cli.ExitCode(err), want)
	}
}
