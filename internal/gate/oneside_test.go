package gate

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// oneSideRepo returns a repository whose module, in sub/mod, comes and
// gets benchmarks commit by commit, each commit tagged: "empty" (no
// module), "module" (a package without benchmarks), "bench" (its first
// benchmark), "panic" (the benchmark panics) and "nan" (it reports a NaN
// metric). The working tree is at
// "bench"; the gate runs in the returned module directory. The benchmark
// does next to nothing: these tests check which benchmarks run and the
// exit status, not timings.
func oneSideRepo(t *testing.T) (top, mod string) {
	t.Helper()
	needTools(t)
	top = t.TempDir()
	mod = filepath.Join(top, "sub", "mod")
	commit := func(tag string) {
		run(t, top, "git", "add", ".")
		run(t, top, "git", "commit", "--quiet", "-m", tag)
		run(t, top, "git", "tag", tag)
	}
	run(t, top, "git", "init", "--quiet")
	writeFile(t, filepath.Join(top, "README"), "hi\n")
	commit("empty")
	writeFile(t, filepath.Join(mod, "go.mod"), "module example.com/one\n\ngo 1.25\n")
	writeFile(t, filepath.Join(mod, "m.go"), "package m\n")
	commit("module")
	bench := filepath.Join(mod, "m_test.go")
	const src = "package m\n\nimport \"testing\"\n\nfunc BenchmarkNew(b *testing.B) {\n\tfor b.Loop() {\n\t\tBODY\n\t}\n}\n"
	writeFile(t, bench, strings.Replace(src, "BODY", "_ = 1", 1))
	commit("bench")
	// The panic is in a goroutine the benchmark starts, which crashes the
	// process for sure: one in the benchmark's own goroutine races with
	// the testing package, which may print "0 NaN ns/op" and exit 0 first.
	writeFile(t, bench, strings.Replace(src, "BODY", `go panic("boom"); select {}`, 1))
	commit("panic")
	writeFile(t, bench, strings.Replace(strings.Replace(src, "BODY", `b.ReportMetric(math.NaN(), "hitrate")`, 1), `import "testing"`, "import (\n\t\"math\"\n\t\"testing\"\n)", 1))
	commit("nan")
	run(t, top, "git", "checkout", "--quiet", "bench")
	return top, mod
}

// TestOneSide gates changes that add or remove a module's benchmarks, or
// the module, and benchmarks that panic at one side.
func TestOneSide(t *testing.T) {
	t.Parallel()
	top, mod := oneSideRepo(t)
	tests := []struct {
		name, base, head string // head "": an A/A check of base
		code             int
		out              []string // parts of stdout, the verdict
		summary          []string // parts of the step summary
	}{
		// Nothing compared, and nothing more run than round 1 (checked below).
		{"first benchmark", "module", "bench", 0,
			[]string{"Only at head, not compared: BenchmarkNew", "**Nothing to compare**"}, nil},
		{"new module", "empty", "bench", 0,
			[]string{"Only at head, not compared: BenchmarkNew", "**Nothing to compare**"}, nil},
		{"benchmark removed", "bench", "module", 0,
			[]string{"Only at base, not compared: BenchmarkNew", "**Nothing to compare**"}, nil},
		// A head that panics is the change's fault; a base that does is not.
		// Either names the file at its revision, not in a worktree gone since.
		{"head panics", "bench", "panic", 1,
			[]string{"**The head's benchmark failed**", "panic: boom", "panic:sub/mod/m_test.go:"}, nil},
		{"new benchmark panics", "module", "panic", 1,
			[]string{"**The head's benchmark failed**", "panic: boom"}, nil},
		{"head reports NaN", "bench", "nan", 1,
			[]string{"**The head's benchmark failed**", "NaN hitrate"}, nil},
		{"base panics", "panic", "bench", 2,
			nil, []string{"could not judge (exit 2)", "panic: boom", "panic:sub/mod/m_test.go:"}},
		// In an A/A check, no head is under review: a failure is not a finding.
		{"A/A panics", "panic", "", 2,
			nil, []string{"could not judge (exit 2)", "panic: boom"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			summary := filepath.Join(t.TempDir(), "summary.md")
			raw := filepath.Join(t.TempDir(), "raw.txt")
			args := []string{"-base", tt.base, "-benchtime", "1ms", "-o", raw, "-aa"}
			if tt.head != "" {
				args = append(args[:6], "-head", tt.head)
			}
			out, stderr, code, err := gate(t, context.Background(), mod, summary, args...)
			if code != tt.code {
				t.Fatalf("exit = %d (%v); want %d\n%s%s", code, err, tt.code, out, stderr)
			}
			// -o keeps what ran, also when the gate stops, saying why.
			if r, err := os.ReadFile(raw); err != nil {
				t.Errorf("-o: %v; want the raw output", err)
			} else if stopped := strings.Contains(string(r), "\nstopped: in round 1: "); stopped != (tt.code != 0) {
				t.Errorf("-o file says it stopped: %v; want %v (exit %d):\n%s", stopped, tt.code != 0, tt.code, r)
			}
			b, _ := os.ReadFile(summary)
			for _, want := range tt.out {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if tt.out != nil && string(b) != out {
				t.Errorf("step summary = %q; want the verdict", b)
			}
			for _, want := range tt.summary {
				if !strings.Contains(string(b), want) {
					t.Errorf("step summary lacks %q:\n%s", want, b)
				}
			}
			if tt.code == 0 && strings.Contains(stderr, "round 2/") {
				t.Errorf("ran a second round with nothing to compare:\n%s", stderr)
			}
			if err != nil && strings.Contains(err.Error(), "concbench-gate-") {
				t.Errorf("error names a temporary path: %v", err)
			}
		})
	}
	t.Cleanup(func() {
		if n := worktrees(t, top); n != 1 {
			t.Errorf("%d worktrees left; want only the main one", n)
		}
	})
}

// TestNewNestedModule gates a module added in a subdirectory of a
// repository whose root is a module too: at the base the subdirectory does
// not exist, and the go.mod above it is the other module's, so the base
// has no package to list (it listed the missing directory, and go failed).
func TestNewNestedModule(t *testing.T) {
	t.Parallel()
	needTools(t)
	top := t.TempDir()
	run(t, top, "git", "init", "--quiet")
	writeFile(t, filepath.Join(top, "go.mod"), "module example.com/root\n\ngo 1.25\n")
	writeFile(t, filepath.Join(top, "r.go"), "package root\n")
	run(t, top, "git", "add", ".")
	run(t, top, "git", "commit", "--quiet", "-m", "root")
	run(t, top, "git", "tag", "root")
	sub := filepath.Join(top, "sub")
	writeFile(t, filepath.Join(sub, "go.mod"), "module example.com/sub\n\ngo 1.25\n")
	writeFile(t, filepath.Join(sub, "s_test.go"), "package sub\n\nimport \"testing\"\n\nfunc BenchmarkNested(b *testing.B) {\n\tfor b.Loop() {\n\t}\n}\n")
	out, stderr, code, err := gate(t, context.Background(), sub, filepath.Join(t.TempDir(), "summary.md"), "-base", "root", "-benchtime", "1ms")
	if code != 0 {
		t.Fatalf("exit = %d (%v); want 0\n%s%s", code, err, out, stderr)
	}
	if want := "Only at head, not compared: BenchmarkNested"; !strings.Contains(out, want) {
		t.Errorf("output lacks %q:\n%s", want, out)
	}
}
