package gate

import (
	"fmt"
	"math"
	"strings"

	"github.com/concbench/concbench/internal/gate/verdict"
	"github.com/concbench/concbench/internal/md"
	"golang.org/x/perf/benchunit"
)

// table is the gate's Markdown output.
type table struct {
	o                  Options
	rounds             int      // rounds run
	pkgs               []string // packages measured
	base, head         string
	results            []verdict.Result
	tests              int
	onlyBase, onlyHead []string
}

// markdown is the verdict: what was compared and how, a row per
// comparison, what the table cannot show, and the conclusion.
func (t table) markdown() string {
	var b strings.Builder
	t.header(&b)
	t.rows(&b)
	t.notes(&b)
	t.conclusion(&b)
	return b.String()
}

func (t table) header(b *strings.Builder) {
	o := t.o
	b.WriteString("### concbench gate\n\n")
	if o.AA {
		fmt.Fprintf(b, "A/A check: %s against itself (the same binary on both sides).\n", t.base)
	} else {
		fmt.Fprintf(b, "base %s · head %s\n", t.base, t.head)
	}
	if t.tests == 0 {
		fmt.Fprintf(b, "\n%s: no benchmark ran at both base and head, so nothing was compared; one round (benchtime %s) listed the benchmarks.\n\n",
			packagesOf(t.pkgs), o.Benchtime)
		return
	}
	fmt.Fprintf(b, "\n%s: %d rounds of A B B A (%d samples a side), benchtime %s, Mann-Whitney U with Holm–Bonferroni over %d comparisons at alpha %v, threshold %s.\n",
		packagesOf(t.pkgs), t.rounds, 2*t.rounds, o.Benchtime, t.tests, o.Alpha, pct(o.Threshold))
	if t.rounds < o.Rounds {
		fmt.Fprintf(b, "Stopped after %d of %d rounds: -budget %v.\n", t.rounds, o.Rounds, o.Budget)
	}
	b.WriteString("\n")
}

func (t table) rows(b *strings.Builder) {
	if len(t.results) == 0 {
		return
	}
	b.WriteString("| benchmark | unit | base | head | delta | p (Holm) | verdict |\n")
	b.WriteString("|---|---|--:|--:|--:|--:|---|\n")
	for _, r := range t.results {
		sc := benchunit.CommonScale([]float64{r.BaseMedian, r.HeadMedian}, benchunit.ClassOf(r.Unit))
		p := "–"
		if !math.IsNaN(r.PHolm) {
			p = fmt.Sprintf("%.2g", r.PHolm)
		}
		v := r.Kind.String()
		if r.Kind == verdict.Regression {
			v = "**" + v + "**"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n",
			md.Cell(r.Bench), md.Cell(r.Unit), sc.Format(r.BaseMedian), sc.Format(r.HeadMedian), signedPct(r.Delta), p, v)
	}
	b.WriteString("\n")
}

// notes lists the benchmarks not compared and warns of noise.
func (t table) notes(b *strings.Builder) {
	if len(t.onlyBase) > 0 {
		fmt.Fprintf(b, "Only at base, not compared: %s.\n\n", strings.Join(t.onlyBase, ", "))
	}
	if len(t.onlyHead) > 0 {
		fmt.Fprintf(b, "Only at head, not compared: %s.\n\n", strings.Join(t.onlyHead, ", "))
	}
	noisy, worst := 0, -1
	for i, r := range t.results {
		if r.Kind != verdict.Identical && r.Noise > t.o.Threshold {
			noisy++
			if worst < 0 || r.Noise > t.results[worst].Noise {
				worst = i
			}
		}
	}
	if noisy > 0 {
		w := t.results[worst]
		fmt.Fprintf(b, "Noise: %d of %d comparisons have a median less certain than the threshold (95%% CI wider than ±%s; worst ±%s, %s %s): a change of the threshold's size there may go unseen. A busy machine or a noisy benchmark; more -rounds or a quieter machine help.\n\n",
			noisy, t.tests, pct(t.o.Threshold), strings.TrimPrefix(signedPct(w.Noise), "+"), w.Bench, w.Unit)
	}
}

func (t table) conclusion(b *strings.Builder) {
	o := t.o
	regs, imps := len(t.names(verdict.Regression)), len(t.names(verdict.Improvement))
	other := len(t.names(verdict.Changed))
	switch {
	case o.AA:
		sig := 0
		for _, r := range t.results {
			if r.PHolm <= o.Alpha {
				sig++
			}
		}
		fmt.Fprintf(b, "**A/A: %d comparisons, %d significant after correction, %d flagged (%d as regression, %d as improvement, %d as change); every one flagged is a false positive.**\n",
			t.tests, sig, regs+imps+other, regs, imps, other)
	case t.tests == 0:
		b.WriteString("**Nothing to compare**, so no regression: every benchmark is at one side only.\n")
	case regs > 0:
		fmt.Fprintf(b, "**%d regression(s)** beyond %s; %d improvement(s).\n", regs, pct(o.Threshold), imps)
	default:
		fmt.Fprintf(b, "**No regression** beyond %s; %d improvement(s).\n", pct(o.Threshold), imps)
	}
}

// failure is the verdict on a head whose benchmark failed.
type failure struct {
	headFailure
	base, head string
}

func (f failure) markdown() string {
	return fmt.Sprintf("### concbench gate\n\nbase %s · head %s\n\n**The head's benchmark failed** in package `%s`, round %d, where the base's ran without failing (or the base has no such package): the change broke it.\n\n%s",
		f.base, f.head, f.pkg, f.round, md.CodeBlock(strings.TrimSpace(f.err.Error())))
}

// names lists "benchmark unit" for the results of kind k.
func (t table) names(k verdict.Kind) []string {
	var s []string
	for _, r := range t.results {
		if r.Kind == k {
			s = append(s, fmt.Sprintf("%s %s %s", r.Bench, r.Unit, signedPct(r.Delta)))
		}
	}
	return s
}

// packagesOf names the packages measured.
func packagesOf(pkgs []string) string {
	if len(pkgs) == 1 {
		return "Package `" + pkgs[0] + "`"
	}
	return fmt.Sprintf("%d packages (`%s`)", len(pkgs), strings.Join(pkgs, "`, `"))
}

func pct(f float64) string { return fmt.Sprintf("%g%%", f*100) }

func signedPct(d float64) string {
	switch {
	case math.IsInf(d, 1):
		return "+∞"
	case math.IsInf(d, -1):
		return "-∞"
	}
	return fmt.Sprintf("%+.1f%%", d*100)
}
