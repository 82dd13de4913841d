package gate

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/concbench/concbench/internal/cli"
)

// The end-to-end tests build a module that is not concbench, with two
// packages with benchmarks and no bench/ directory, in a temporary git
// repository: commit 1 is "fast", commit 2 makes package b's BenchmarkWork
// three times slower. Both packages have a BenchmarkWork, kept apart.
//
// The benchmarks report the CPU time of their thread (cpu-ns/op) instead of
// wall time: the tests check the gate's plumbing, end to end, and must pass
// while other work keeps every core busy, which stretches wall time at
// random (a spin loop's ns/op varied ±1000% so) but not the CPU time the
// loop takes. The gate's statistics on noisy times are checked in
// sim_test.go, and measured on real modules with -aa.
const work = `package PKG

import (
	"runtime"
	"syscall"
	"testing"
)

var sink int

func BenchmarkWork(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start := cpuNs(b)
	for b.Loop() {
		for i := range SPIN {
			sink += i * i
		}
	}
	b.ReportMetric(float64(cpuNs(b)-start)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(0, "ns/op") // drops wall time
}

// cpuNs returns the CPU time of this thread (Linux's RUSAGE_THREAD).
func cpuNs(b *testing.B) int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1, &ru); err != nil {
		b.Fatal(err)
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
`

func workIn(pkg string, spin int) string {
	return strings.NewReplacer("PKG", pkg, "SPIN", fmt.Sprint(spin)).Replace(work)
}

func run(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

func writeFile(t *testing.T, name, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// tinyRepo returns a repository holding the two-package module in its
// subdirectory sub ("" for the top), whose HEAD is 3x slower in package b's
// BenchmarkWork than HEAD~1. It returns the module's directory.
func tinyRepo(t *testing.T, sub string) (top, mod string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the test benchmarks read the thread's CPU time the Linux way")
	}
	needTools(t)
	top = t.TempDir()
	mod = filepath.Join(top, sub)
	run(t, top, "git", "init", "--quiet")
	writeFile(t, filepath.Join(mod, "go.mod"), "module example.com/two\n\ngo 1.25\n")
	writeFile(t, filepath.Join(mod, "a", "a_test.go"), workIn("a", 20000))
	writeFile(t, filepath.Join(mod, "a", "a.go"), "package a\n")
	bench := filepath.Join(mod, "b", "b_test.go")
	writeFile(t, bench, workIn("b", 20000))
	writeFile(t, filepath.Join(mod, "c", "c.go"), "// Package c has no benchmark.\npackage c\n")
	run(t, top, "git", "add", ".")
	run(t, top, "git", "commit", "--quiet", "-m", "fast")
	writeFile(t, bench, workIn("b", 60000))
	run(t, top, "git", "commit", "--quiet", "-am", "3x slower")
	return top, mod
}

// needTools skips the test if git or go is missing.
func needTools(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
}

// gate runs concbench gate's parse and run in dir and returns its output and
// exit status. The step summary is written only to summary, never to a real
// CI step summary that the environment may name.
//
// The threshold is 100%: the 3x slowdown (+200%) is far above it, and a
// run of identical code on a shared machine, with 3 short rounds, must not
// fail the test on a burst of load from elsewhere (one did, at +45%).
func gate(t *testing.T, ctx context.Context, dir, summary string, args ...string) (stdout, stderr string, code int, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	o, err := ParseArgs(append([]string{"-benchtime", "20ms", "-rounds", "3", "-bench", ".", "-threshold", "100"}, args...), &errb)
	if err == nil {
		o.Dir, o.Summary = dir, summary
		err = Run(ctx, o, &out, &errb)
	} else {
		SummarizeError(summary, err, &errb) // as concbench gate does
	}
	return out.String(), errb.String(), cli.ExitCode(err), err
}

func worktrees(t *testing.T, dir string) int {
	return strings.Count(run(t, dir, "git", "worktree", "list", "--porcelain"), "worktree ")
}

// regressionRow matches package pkg's BenchmarkWork in the verdict table
// with the given verdict.
func workRow(pkg, verdict string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^\| BenchmarkWork(-\d+)? pkg=example.com/two/` + pkg + ` \| cpu-sec/op \|.*\| ` + regexp.QuoteMeta(verdict) + ` \|$`)
}

func TestEndToEnd(t *testing.T) {
	t.Parallel()
	_, dir := tinyRepo(t, "")
	ctx := context.Background()
	summary := filepath.Join(t.TempDir(), "summary.md")

	t.Run("regression", func(t *testing.T) {
		// The head is the working tree, clean, at the slow commit.
		out, stderr, code, err := gate(t, ctx, dir, summary, "-base", "HEAD~1", "-clean")
		if code != 1 {
			t.Fatalf("exit = %d (%v); want 1\n%s%s", code, err, out, stderr)
		}
		if !strings.Contains(err.Error(), "BenchmarkWork-") || !strings.Contains(err.Error(), "example.com/two/b") ||
			strings.Contains(err.Error(), "example.com/two/a") {
			t.Errorf("error = %q; want it to name package b's BenchmarkWork only", err)
		}
		if !workRow("b", "**regression**").MatchString(out) {
			t.Errorf("table lacks b's regression:\n%s", out)
		}
		if !workRow("a", "~").MatchString(out) && !workRow("a", "within threshold").MatchString(out) {
			t.Errorf("table lacks a's clean verdict:\n%s", out)
		}
		if !strings.Contains(out, "2 packages (`example.com/two/a`, `example.com/two/b`)") {
			t.Errorf("table does not name the packages measured:\n%s", out)
		}
		if b, err := os.ReadFile(summary); err != nil || string(b) != out {
			t.Errorf("step summary = %q, %v; want the table", b, err)
		}
	})
	t.Run("aa", func(t *testing.T) {
		raw := filepath.Join(t.TempDir(), "raw.txt")
		out, stderr, code, err := gate(t, ctx, dir, "", "-aa", "-base", "HEAD~1", "-o", raw)
		if code != 0 {
			t.Fatalf("exit = %d (%v); want 0\n%s%s", code, err, out, stderr)
		}
		b, err := os.ReadFile(raw)
		if err != nil {
			t.Fatal(err)
		}
		// 3 rounds of 4 processes for each of 2 packages, each with a side
		// and a round line and one benchmark.
		if got := strings.Count(string(b), "\nside: "); got != 24-1 {
			t.Errorf("raw output has %d side lines after the first; want 23:\n%s", got, b)
		}
		if got := strings.Count(string(b), "\nBenchmarkWork"); got != 24 {
			t.Errorf("raw output has %d BenchmarkWork lines; want 24", got)
		}
		if !strings.Contains(out, "**A/A: 2 comparisons, ") || !strings.Contains(out, " 0 flagged ") {
			t.Errorf("output lacks the A/A count of 0 flagged:\n%s", out)
		}
	})
	t.Run("ref with a backtick", func(t *testing.T) {
		// git allows a backtick in a ref name; the label keeps it inside
		// one code span.
		run(t, dir, "git", "tag", "v`1", "HEAD~1")
		out, stderr, code, err := gate(t, ctx, dir, "", "-aa", "-base", "v`1", "-bench", "Work", "-pkg", "./a")
		if code != 0 {
			t.Fatalf("exit = %d (%v); want 0\n%s%s", code, err, out, stderr)
		}
		if !strings.Contains(out, "``v`1`` (") {
			t.Errorf("output lacks the base's label ``v`1``:\n%s", out)
		}
	})
	if n := worktrees(t, dir); n != 1 {
		t.Errorf("%d worktrees left; want only the main one", n)
	}
}

// TestSubdirectory gates a module in a subdirectory of its repository, from
// a subdirectory of the module: by default every package of the module,
// with -pkg the packages named relative to where the gate runs.
func TestSubdirectory(t *testing.T) {
	t.Parallel()
	top, mod := tinyRepo(t, "go/mod")
	ctx := context.Background()
	dir := filepath.Join(mod, "a")
	t.Run("default packages", func(t *testing.T) {
		out, stderr, code, err := gate(t, ctx, dir, "", "-base", "HEAD~1")
		if code != 1 || !workRow("b", "**regression**").MatchString(out) {
			t.Fatalf("exit = %d (%v); want 1 with b's regression\n%s%s", code, err, out, stderr)
		}
	})
	t.Run("-pkg", func(t *testing.T) {
		out, stderr, code, err := gate(t, ctx, dir, "", "-aa", "-base", "HEAD", "-pkg", ".")
		if code != 0 || !strings.Contains(out, "Package `example.com/two/a`") || strings.Contains(out, "two/b") {
			t.Fatalf("exit = %d (%v); want 0 with package a alone\n%s%s", code, err, out, stderr)
		}
	})
	if n := worktrees(t, top); n != 1 {
		t.Errorf("%d worktrees left; want only the main one", n)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	_, dir := tinyRepo(t, "")
	notRepo := t.TempDir()
	writeFile(t, filepath.Join(notRepo, "go.mod"), "module x\n\ngo 1.25\n")
	dirty := t.TempDir()
	run(t, dirty, "git", "clone", "--quiet", dir, ".")
	writeFile(t, filepath.Join(dirty, "b", "new_test.go"), "package b\n")
	workspace := t.TempDir() // a go.work not committed, as Go advises
	run(t, workspace, "git", "clone", "--quiet", dir, ".")
	writeFile(t, filepath.Join(workspace, "go.work"), "go 1.25\n\nuse .\n")
	above := filepath.Join(t.TempDir(), "repo") // a repository inside the module, its go.mod above it
	writeFile(t, filepath.Join(above, "..", "go.mod"), "module x\n\ngo 1.25\n")
	writeFile(t, filepath.Join(above, "b", "b_test.go"), workIn("b", 10))
	run(t, above, "git", "init", "--quiet")
	run(t, above, "git", "add", ".")
	run(t, above, "git", "commit", "--quiet", "-m", "one")
	shallow := t.TempDir() // as actions/checkout makes it by default
	run(t, shallow, "git", "clone", "--quiet", "--depth", "1", "file://"+dir, ".")

	// Every check but the last two comes before anything is built.
	tests := []struct {
		name string
		dir  string
		args []string
		msg  string // part of the error message
		late bool   // found only by measuring
	}{
		{"no base", dir, nil, "--base REF is required", false},
		{"unknown ref", dir, []string{"-base", "nosuchbranch"}, `--base "nosuchbranch": not a commit`, false},
		{"base not in a shallow clone", shallow, []string{"-base", "HEAD~1"}, `--base "HEAD~1": not a commit in ` + shallow + ", a shallow clone", false},
		{"go.work not in the repository", workspace, []string{"-base", "HEAD~1"}, "go.work " + filepath.Join(workspace, "go.work") + ": not a file of the repository", false},
		{"unknown head", dir, []string{"-base", "HEAD", "-head", "v9"}, `--head "v9": not a commit`, false},
		{"option as ref", dir, []string{"-base", "--output=x"}, "not a git revision", false},
		{"dirty with -clean", dirty, []string{"-base", "HEAD~1", "-clean"}, "uncommitted changes", false},
		{"not a repository", notRepo, []string{"-base", "HEAD"}, "not inside a git work tree", false},
		{"no module", t.TempDir(), []string{"-base", "HEAD"}, "no go.mod", false},
		{"aa with head", dir, []string{"-aa", "-head", "HEAD"}, "not --head", false},
		{"too few rounds", dir, []string{"-base", "HEAD", "-rounds", "1"}, "use -rounds 2 or more", false},
		{"bad flag", dir, []string{"-base", "HEAD", "-nosuchflag"}, "flag provided but not defined", false},
		{"positional", dir, []string{"HEAD~1"}, `unexpected argument "HEAD~1"`, false},
		{"bad benchtime", dir, []string{"-base", "HEAD", "-benchtime", "fast"}, `-benchtime "fast"`, false},
		{"bad regexp", dir, []string{"-base", "HEAD", "-bench", "("}, "not a regular expression", false},
		// Valid as a whole, but the test binary compiles each /-level alone.
		{"bad regexp level", dir, []string{"-aa", "-base", "HEAD", "-bench", `Work\Q/\E`}, "invalid escape sequence", false},
		{"bad threshold", dir, []string{"-base", "HEAD", "-threshold", "-3"}, "percentage", false},
		{"bad alpha", dir, []string{"-base", "HEAD", "-alpha", "1.5"}, "-alpha 1.5", false},
		{"bad timeout", dir, []string{"-base", "HEAD", "-timeout", "0s"}, "-timeout 0s", false},
		{"bad budget", dir, []string{"-base", "HEAD", "-budget", "-1s"}, "-budget -1s", false},
		{"raw file exists", dir, []string{"-base", "HEAD", "-o", filepath.Join(dir, "go.mod")}, "file exists", false},
		{"raw file in a missing directory", dir, []string{"-base", "HEAD", "-o", filepath.Join(dir, "no", "raw.txt")}, "does not exist", false},
		{"raw file is a directory", dir, []string{"-base", "HEAD", "-o", dir}, "a directory; give the name of a new file", false},
		{"raw file under a file", dir, []string{"-base", "HEAD", "-o", filepath.Join(dir, "go.mod", "raw.txt")}, "go.mod is not a directory", false},
		{"absolute package directory", dir, []string{"-base", "HEAD", "-pkg", filepath.Join(dir, "a")}, "-pkg " + filepath.Join(dir, "a") + ": an absolute directory", false},
		{"package outside the module", dir, []string{"-base", "HEAD", "-pkg", "./a ../..."}, "-pkg ../...: outside the module " + dir, false},
		{"go.mod above the repository", above, []string{"-base", "HEAD", "-pkg", "./..."}, filepath.Dir(above) + "/go.mod: outside the repository " + above, false},
		{"go.mod above the repository, default packages", above, []string{"-base", "HEAD"}, "outside the repository", false},
		{"no such package", dir, []string{"-base", "HEAD", "-pkg", "./nosuch"}, "-pkg ./nosuch", false},
		{"package without benchmarks", dir, []string{"-base", "HEAD", "-pkg", "./c"}, "no package with a benchmark", false},
		{"nothing matched", dir, []string{"-aa", "-base", "HEAD", "-pkg", "./a", "-bench", "NoSuchBenchmark"}, `-bench "NoSuchBenchmark" matched no benchmark in package example.com/two/a`, true},
		// 2 rounds: 4 samples a side, enough for one test, not for two.
		{"too few rounds for the family", dir, []string{"-aa", "-base", "HEAD", "-rounds", "2"}, "2 comparisons at alpha 0.05 need 5", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			summary := filepath.Join(t.TempDir(), "summary.md")
			out, stderr, code, err := gate(t, context.Background(), tt.dir, summary, tt.args...)
			if code != 2 {
				t.Fatalf("exit = %d (%v); want 2\n%s%s", code, err, out, stderr)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error = %q; want it to contain %q", err, tt.msg)
			}
			if strings.Contains(err.Error(), "concbench-gate-") {
				t.Errorf("error = %q; names a temporary path, gone by now", err)
			}
			if built := strings.Contains(stderr, "gate: building"); built != tt.late {
				t.Errorf("built anything = %v; want %v\n%s", built, tt.late, stderr)
			}
			if b, _ := os.ReadFile(summary); !strings.Contains(string(b), tt.msg) {
				t.Errorf("step summary = %q; want the error", b)
			}
		})
	}
	if n := worktrees(t, dir); n != 1 {
		t.Errorf("%d worktrees left; want only the main one", n)
	}
}

// TestBadSummary checks that a step summary the verdict could not be
// appended to ($GITHUB_STEP_SUMMARY a directory, or in one that does not
// exist) is bad input found before anything is built, as the README
// promises of every path, not a warning after the gate has run.
func TestBadSummary(t *testing.T) {
	t.Parallel()
	_, dir := tinyRepo(t, "")
	for name, summary := range map[string]string{
		"a directory":       t.TempDir(),
		"missing directory": filepath.Join(t.TempDir(), "no", "summary.md"),
	} {
		t.Run(name, func(t *testing.T) {
			out, stderr, code, err := gate(t, context.Background(), dir, summary, "-base", "HEAD")
			if code != 2 || err == nil || !strings.Contains(err.Error(), "step summary ($GITHUB_STEP_SUMMARY) "+summary) {
				t.Fatalf("exit = %d (%v); want 2 naming the step summary\n%s%s", code, err, out, stderr)
			}
			if strings.Contains(stderr, "gate: building") {
				t.Errorf("built before finding the bad summary:\n%s", stderr)
			}
		})
	}
}
