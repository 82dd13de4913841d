package track

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/history"
	"github.com/concbench/concbench/internal/history/changepoint"
)

// writeHistory writes a history of n commits into dir: BenchmarkX's ns/op
// (1% noise, 6 samples a commit) times factor(i) at commit i, its B/op
// constant, and go1.25.0 before commit goAt, go1.26.0 from it on.
func writeHistory(t testing.TB, dir string, n, goAt int, factor func(int) float64) {
	rng := rand.New(rand.NewPCG(1, 2))
	runs := make([]string, n)
	for i := range runs {
		var b strings.Builder
		for range 6 {
			fmt.Fprintf(&b, "BenchmarkX/impl=own-2 1000 %.1f ns/op 64 B/op\n", 1000*factor(i)*(1+0.01*rng.NormFloat64()))
		}
		runs[i] = b.String()
	}
	writeRuns(t, dir, goAt, runs)
}

// writeRuns adds runs[i] to the history in dir as the run of commit i, an
// hour after commit i-1, at Go 1.25.0 before commit goAt and 1.26.0 from it.
func writeRuns(t testing.TB, dir string, goAt int, runs []string) {
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i, run := range runs {
		g := "go1.25.0"
		if i >= goAt {
			g = "go1.26.0"
		}
		m := history.Meta{
			Commit: fmt.Sprintf("%07x%033d", 0x1000000+i, 0), CommitTime: t0.Add(time.Duration(i) * time.Hour), Go: g,
			Modules: map[string]string{"golang.org/x/sync": "v0.22.0", "github.com/sourcegraph/conc": "v0.3.0"},
			Machine: "test", Date: t0.Add(time.Duration(i)*time.Hour + time.Minute),
		}
		if _, err := history.Append(dir, "run", []byte(run), m); err != nil {
			t.Fatal(err)
		}
	}
}

func stepAt(at int, f float64) func(int) float64 {
	return func(i int) float64 {
		if i < at {
			return 1
		}
		return f
	}
}

func TestAnalyze(t *testing.T) {
	for _, tc := range []struct {
		name       string
		factor     float64
		regression bool
	}{
		{"slower", 1.15, true},
		{"faster", 0.85, false},
		{"slower within threshold", 1.03, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeHistory(t, dir, 24, 18, stepAt(12, tc.factor))
			_, a := analyze(t, dir)
			if len(a.Trends) != 2 {
				t.Fatalf("trends = %d; want 2 (sec/op, B/op)", len(a.Trends))
			}
			sec, bytes := a.Trends[0], a.Trends[1]
			if len(sec.Changes) != 1 || sec.Changes[0].Point != 12 {
				t.Fatalf("sec/op changes got = %+v; want one at point 12", sec.Changes)
			}
			if got := sec.Changes[0].Shift(); abs(got-(tc.factor-1)) > 0.01 {
				t.Errorf("shift got = %.3f; want %.3f", got, tc.factor-1)
			}
			if len(bytes.Changes) != 0 {
				t.Errorf("B/op changes got = %+v; want none", bytes.Changes)
			}
			if got := len(a.Regressions(DefaultThreshold)); got != map[bool]int{true: 1}[tc.regression] {
				t.Errorf("regressions = %d; want regression %v", got, tc.regression)
			}
			if len(sec.Steps) != 1 || sec.Steps[0].Point != 18 || sec.Steps[0].To != "go1.26.0" || abs(sec.Steps[0].Shift()) > 0.01 {
				t.Errorf("steps got = %+v; want go1.26.0 at point 18 of size ~0", sec.Steps)
			}
		})
	}
}

func abs(x float64) float64 { return max(x, -x) }

// A toolchain upgrade that makes everything 20% faster is a step of -20%.
func TestStepSize(t *testing.T) {
	dir := t.TempDir()
	writeHistory(t, dir, 16, 8, stepAt(8, 0.8))
	h, err := history.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	steps := Steps(h, h.Series()[0], history.KeyGo)
	if len(steps) != 1 || abs(steps[0].Shift()+0.2) > 0.01 || steps[0].P > 0.01 {
		t.Errorf("got = %+v; want one step of -20%%, p <= 0.01", steps)
	}
	if got := Steps(h, h.Series()[0], "golang.org/x/sync"); len(got) != 0 {
		t.Errorf("x/sync steps got = %+v; want none", got)
	}
}

// A step with one point before it and two after, the one before equal to
// the first after (B/op moves in steps): x/perf's U test gives p = 4/3
// there, which is reported as 1.
func TestStepPAtMostOne(t *testing.T) {
	dir := t.TempDir()
	writeRuns(t, dir, 1, []string{
		"BenchmarkX/impl=own-2 1000 100 ns/op 64 B/op\n",
		"BenchmarkX/impl=own-2 1000 101 ns/op 64 B/op\n",
		"BenchmarkX/impl=own-2 1000 102 ns/op 72 B/op\n",
	})
	h, err := history.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	var steps []Step
	for _, s := range h.Series() {
		if s.Unit == "B/op" {
			steps = Steps(h, s, history.KeyGo)
		}
	}
	if len(steps) != 1 || steps[0].P != 1 {
		t.Errorf("got = %+v; want one step with p = 1", steps)
	}
}

func TestWrite(t *testing.T) {
	dir, out := t.TempDir(), t.TempDir()
	writeHistory(t, dir, 20, 15, stepAt(10, 1.2))
	h, page := writePage(t, dir, out)
	c9, c10 := h.Commits[9].Commit[:7], h.Commits[10].Commit[:7]
	for _, want := range []string{
		"20 runs of 20 commits",
		"| X/impl=own-2 | sec/op | `" + c9 + ".." + c10 + "` |",
		"Series whose newest change point is more than 5% worse: 1.",
		"| go go1.25.0 → go1.26.0 |",
		"![X/impl=own-2 sec/op](000-X_impl=own-2-sec_op.svg)",
	} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	svgs, _ := filepath.Glob(filepath.Join(out, "*.svg"))
	if len(svgs) != 2 {
		t.Errorf("charts = %v; want 2", svgs)
	}
	for _, f := range svgs {
		if data, _ := os.ReadFile(f); !bytes.Contains(data, []byte("<svg")) {
			t.Errorf("%s is not an SVG", f)
		}
	}
}

// TestWriteTableCells checks that a benchmark name holding a | or a
// backslash stays in its cell of the page's tables.
func TestWriteTableCells(t *testing.T) {
	dir, out := t.TempDir(), t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	runs := make([]string, 20)
	for i := range runs {
		var b strings.Builder
		for range 6 {
			fmt.Fprintf(&b, "BenchmarkX/q=a|b\\c-2 1000 %.1f ns/op\n", 1000*stepAt(10, 1.2)(i)*(1+0.01*rng.NormFloat64()))
		}
		runs[i] = b.String()
	}
	writeRuns(t, dir, 15, runs)
	h, page := writePage(t, dir, out)
	c9, c10 := h.Commits[9].Commit[:7], h.Commits[10].Commit[:7]
	if want := "| X/q=a\\|b\\\\c-2 | sec/op | `" + c9 + ".." + c10 + "` |"; !bytes.Contains(page, []byte(want)) {
		t.Errorf("page lacks %q:\n%s", want, page)
	}
}

// writePage analyzes the history in dir and writes its page into out; it
// returns the history and the page.
func writePage(t *testing.T, dir, out string) (*history.History, []byte) {
	t.Helper()
	h, a := analyze(t, dir)
	if err := a.Write(out, changepoint.DefaultConfig, DefaultThreshold); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(out, PageName))
	if err != nil {
		t.Fatal(err)
	}
	return h, page
}

// analyze reads the history in dir and analyzes it with the default
// configuration.
func analyze(t *testing.T, dir string) (*history.History, *Analysis) {
	t.Helper()
	h, err := history.Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Analyze(context.Background(), h, changepoint.DefaultConfig)
	if err != nil {
		t.Fatal(err)
	}
	return h, a
}
