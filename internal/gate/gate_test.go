package gate

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/concbench/concbench/internal/cli"
)

// The end-to-end tests build a tiny module in a temporary git repository:
// commit 1 has BenchmarkSpin and BenchmarkSteady, commit 2 makes Spin three
// times slower. Small benchtime and rounds keep each gate run to seconds.

const tinyBench = `package bench

import "testing"

var sink int

func spin(n int) {
	for i := range n {
		sink += i * i
	}
}

func BenchmarkSpin(b *testing.B) {
	for b.Loop() {
		spin(SPIN)
	}
}

func BenchmarkSteady(b *testing.B) {
	for b.Loop() {
		spin(2000)
	}
}
`

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

// tinyRepo returns a repository whose HEAD is 3x slower in BenchmarkSpin
// than HEAD~1.
func tinyRepo(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"git", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	dir := t.TempDir()
	run(t, dir, "git", "init", "--quiet")
	writeFile(t, filepath.Join(dir, "go.mod"), "module tiny\n\ngo 1.25\n")
	bench := filepath.Join(dir, "bench", "tiny_test.go")
	writeFile(t, bench, strings.Replace(tinyBench, "SPIN", "3000", 1))
	run(t, dir, "git", "add", ".")
	run(t, dir, "git", "commit", "--quiet", "-m", "fast")
	writeFile(t, bench, strings.Replace(tinyBench, "SPIN", "9000", 1))
	run(t, dir, "git", "commit", "--quiet", "-am", "3x slower")
	return dir
}

// gate runs concbench gate's parse and run in dir and returns its output and
// exit status. The step summary is written only to summary, never to a real
// CI step summary that the environment may name.
//
// The threshold is 100%: the 3x slowdown (+200%) is far above it, and a
// run of identical code on this shared machine, with 3 short rounds, must
// not fail the test on a burst of load from elsewhere (one did, at +45%).
func gate(t *testing.T, ctx context.Context, dir, summary string, args ...string) (stdout, stderr string, code int, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	o, err := ParseArgs(append([]string{"-benchtime", "20ms", "-rounds", "3", "-bench", ".", "-threshold", "100"}, args...), &errb)
	if err == nil {
		o.Dir, o.Summary = dir, summary
		err = Run(ctx, o, &out, &errb)
	}
	return out.String(), errb.String(), cli.ExitCode(err), err
}

func worktrees(t *testing.T, dir string) int {
	return strings.Count(run(t, dir, "git", "worktree", "list", "--porcelain"), "worktree ")
}

func TestEndToEnd(t *testing.T) {
	t.Parallel()
	dir := tinyRepo(t)
	ctx := context.Background()
	summary := filepath.Join(t.TempDir(), "summary.md")

	t.Run("regression", func(t *testing.T) {
		// The head is the working tree, clean, at the slow commit.
		out, stderr, code, err := gate(t, ctx, dir, summary, "-base", "HEAD~1", "-clean")
		if code != 1 {
			t.Fatalf("exit = %d (%v); want 1\n%s%s", code, err, out, stderr)
		}
		if !strings.Contains(err.Error(), "BenchmarkSpin") || strings.Contains(err.Error(), "BenchmarkSteady") {
			t.Errorf("error = %q; want it to name BenchmarkSpin only", err)
		}
		if !regexp.MustCompile(`(?m)^\| BenchmarkSpin(-\d+)? \| sec/op \|.*\| \*\*regression\*\* \|$`).MatchString(out) {
			t.Errorf("table lacks the regression:\n%s", out)
		}
		if b, err := os.ReadFile(summary); err != nil || string(b) != out {
			t.Errorf("step summary = %q, %v; want the table", b, err)
		}
	})
	t.Run("head against itself", func(t *testing.T) {
		out, stderr, code, err := gate(t, ctx, dir, "", "-base", "HEAD", "-head", "HEAD")
		if code != 0 {
			t.Fatalf("exit = %d (%v); want 0\n%s%s", code, err, out, stderr)
		}
		if !strings.Contains(out, "**No regression**") {
			t.Errorf("output lacks the verdict:\n%s", out)
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
		// 3 rounds of 4 processes, each with a side and round line and two benchmarks.
		if got := strings.Count(string(b), "\nside: "); got != 12-1 {
			t.Errorf("raw output has %d side lines after the first; want 11:\n%s", got, b)
		}
		if got := strings.Count(string(b), "\nBenchmarkSpin"); got != 12 {
			t.Errorf("raw output has %d BenchmarkSpin lines; want 12", got)
		}
		if !strings.Contains(out, "**A/A: 2 comparisons, ") {
			t.Errorf("output lacks the A/A count:\n%s", out)
		}
	})
	if n := worktrees(t, dir); n != 1 {
		t.Errorf("%d worktrees left; want only the main one", n)
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	dir := tinyRepo(t)
	notRepo := t.TempDir()
	writeFile(t, filepath.Join(notRepo, "go.mod"), "module x\n\ngo 1.25\n")
	dirty := t.TempDir()
	run(t, dirty, "git", "clone", "--quiet", dir, ".")
	writeFile(t, filepath.Join(dirty, "bench", "new_test.go"), "package bench\n")

	tests := []struct {
		name string
		dir  string
		args []string
		msg  string // part of the error message
	}{
		{"no base", dir, nil, "--base REF is required"},
		{"unknown ref", dir, []string{"-base", "nosuchbranch"}, `--base "nosuchbranch": not a commit`},
		{"unknown head", dir, []string{"-base", "HEAD", "-head", "v9"}, `--head "v9": not a commit`},
		{"option as ref", dir, []string{"-base", "--output=x"}, "not a git revision"},
		{"nothing matched", dir, []string{"-base", "HEAD~1", "-bench", "NoSuchBenchmark"}, `-bench "NoSuchBenchmark" matched no benchmark at base`},
		{"dirty with -clean", dirty, []string{"-base", "HEAD~1", "-clean"}, "uncommitted changes"},
		{"not a repository", notRepo, []string{"-base", "HEAD"}, "not inside a git work tree"},
		{"no module", t.TempDir(), []string{"-base", "HEAD"}, "no go.mod"},
		{"aa with head", dir, []string{"-aa", "-head", "HEAD"}, "not --head"},
		{"too few rounds", dir, []string{"-base", "HEAD", "-rounds", "1"}, "use -rounds 2 or more"},
		// 2 rounds: 4 samples a side, enough for one test, not for two.
		{"too few rounds for the family", dir, []string{"-base", "HEAD~1", "-rounds", "2"}, "2 comparisons at alpha 0.05 need 5"},
		{"bad flag", dir, []string{"-base", "HEAD", "-nosuchflag"}, "flag provided but not defined"},
		{"positional", dir, []string{"HEAD~1"}, `unexpected argument "HEAD~1"`},
		{"bad benchtime", dir, []string{"-base", "HEAD", "-benchtime", "fast"}, `-benchtime "fast"`},
		{"bad regexp", dir, []string{"-base", "HEAD", "-bench", "("}, "not a regular expression"},
		{"bad threshold", dir, []string{"-base", "HEAD", "-threshold", "-3"}, "percentage"},
		{"bad alpha", dir, []string{"-base", "HEAD", "-alpha", "1.5"}, "-alpha 1.5"},
		{"bad timeout", dir, []string{"-base", "HEAD", "-timeout", "0s"}, "-timeout 0s"},
		{"raw file exists", dir, []string{"-base", "HEAD", "-o", filepath.Join(dir, "go.mod")}, "file exists"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, stderr, code, err := gate(t, context.Background(), tt.dir, "", tt.args...)
			if code != 2 {
				t.Fatalf("exit = %d (%v); want 2\n%s%s", code, err, out, stderr)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error = %q; want it to contain %q", err, tt.msg)
			}
		})
	}
	if n := worktrees(t, dir); n != 1 {
		t.Errorf("%d worktrees left; want only the main one", n)
	}
}

// TestInterrupt cancels the gate while it builds in a worktree (as Ctrl-C
// does through main's signal.NotifyContext): the worktree and the temporary
// directory are removed all the same.
func TestInterrupt(t *testing.T) {
	dir := tinyRepo(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o, err := ParseArgs([]string{"-base", "HEAD~1"}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	o.Dir, o.Summary = dir, ""
	err = Run(ctx, o, &bytes.Buffer{}, cancelOn{"gate: building base", cancel})
	if err == nil || cli.ExitCode(err) != 2 {
		t.Fatalf("Run after cancel = %v; want an error", err)
	}
	if n := worktrees(t, dir); n != 1 {
		t.Errorf("%d worktrees left; want only the main one", n)
	}
	left, _ := filepath.Glob(filepath.Join(tmp, "concbench-gate-*"))
	if len(left) > 0 {
		t.Errorf("temporary directories left: %v", left)
	}
}

// cancelOn is a progress writer that cancels when it sees a line.
type cancelOn struct {
	line   string
	cancel context.CancelFunc
}

func (c cancelOn) Write(p []byte) (int, error) {
	if strings.Contains(string(p), c.line) {
		c.cancel()
	}
	return len(p), nil
}
