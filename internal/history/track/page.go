package track

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"golang.org/x/perf/benchunit"

	"github.com/concbench/concbench/internal/history/changepoint"
	"github.com/concbench/concbench/internal/md"
)

// PageName is the Markdown file [Analysis.Write] writes.
const PageName = "history.md"

// Write writes the Markdown page and a chart per series into dir, which
// must exist and be empty of the names it writes (the caller makes it with
// internal/outdir). The page is built only from a and cfg.
func (a *Analysis) Write(dir string, cfg changepoint.Config, threshold float64) error {
	var charts []string
	for i, t := range a.Trends {
		if len(t.Points) == 0 {
			charts = append(charts, "")
			continue
		}
		svg, err := a.chart(t)
		if err != nil {
			return fmt.Errorf("chart of %s %s: %w", t.Label, t.Unit, err)
		}
		name := fmt.Sprintf("%03d-%s.svg", i, slug(t.Label+"-"+t.Unit))
		if err := os.WriteFile(filepath.Join(dir, name), svg, 0o644); err != nil {
			return err
		}
		charts = append(charts, name)
	}
	f, err := os.Create(filepath.Join(dir, PageName))
	if err != nil {
		return err
	}
	a.Markdown(f, cfg, threshold, charts)
	return f.Close()
}

// Markdown writes the page: the history's extent, regressions, change
// points, version steps and, if charts is not nil, the charts (one file
// name per trend, "" for none).
func (a *Analysis) Markdown(w io.Writer, cfg changepoint.Config, threshold float64, charts []string) {
	first, last := a.Commits[0], a.Commits[len(a.Commits)-1]
	fmt.Fprintf(w, "# Benchmark history\n\n%d runs of %d commits, from %s (%s) to %s (%s), %d series.\n\n",
		len(a.Runs), len(a.Commits), short(first.Commit), first.CommitTime.Format("2006-01-02"),
		short(last.Commit), last.CommitTime.Format("2006-01-02"), len(a.Trends))
	fmt.Fprintf(w, "Change points: E-divisive means on the log of each commit's median, "+
		"permutation test with %d permutations, accepted at p <= %g, segments of at least %d commits. "+
		"A commit range `a..b` means the shift happened after a, at or before b. "+
		"Version steps compare up to %d commits a side (Mann-Whitney U).\n\n",
		cfg.Permutations, cfg.Alpha, cfg.MinSize, StepWindow)
	for _, key := range []string{"machine", "go"} {
		var vals []string
		for _, c := range a.Commits {
			if v := c.Get(key); !slices.Contains(vals, v) {
				vals = append(vals, v)
			}
		}
		fmt.Fprintf(w, "- %s: %s\n", key, strings.Join(vals, "; "))
	}

	regs := a.Regressions(threshold)
	fmt.Fprintf(w, "\n## Regressions\n\nSeries whose newest change point is more than %.0f%% worse: %d.\n\n", 100*threshold, len(regs))
	for _, r := range regs {
		fmt.Fprintf(w, "- %s %s: %s, %+.1f%% (p=%.3g)\n", r.Label, r.Unit, a.commitRange(r.Trend, r.Point), 100*r.Shift(), r.P)
	}

	fmt.Fprintf(w, "\n## Change points\n\n")
	a.changeTable(w)
	fmt.Fprintf(w, "\n## Toolchain and dependency steps\n\n")
	a.stepTable(w)
	if charts == nil {
		return
	}
	fmt.Fprintf(w, "\n## Trends\n\nMedian and 95%% interval per commit; red dashed: change point; blue dotted: version change.\n")
	for i, t := range a.Trends {
		if charts[i] != "" {
			fmt.Fprintf(w, "\n### %s %s\n\n![%s %s](%s)\n", t.Label, t.Unit, t.Label, t.Unit, charts[i])
		}
	}
}

func (a *Analysis) changeTable(w io.Writer) {
	var rows [][]string
	for _, t := range a.Trends {
		sc := scaler(t)
		for _, c := range t.Changes {
			rows = append(rows, []string{t.Label, t.Unit, a.commitRange(t, c.Point),
				sc.Format(c.Before), sc.Format(c.After), fmt.Sprintf("%+.1f%%", 100*c.Shift()), fmt.Sprintf("%.3g", c.P)})
		}
	}
	table(w, []string{"benchmark", "unit", "commits", "before", "after", "shift", "p"}, rows, "None.")
}

func (a *Analysis) stepTable(w io.Writer) {
	var rows [][]string
	for _, t := range a.Trends {
		sc := scaler(t)
		for _, s := range t.Steps {
			rows = append(rows, []string{t.Label, t.Unit, fmt.Sprintf("%s %s → %s", s.Key, s.From, s.To), a.commitRange(t, s.Point),
				sc.Format(s.Before), sc.Format(s.After), fmt.Sprintf("%+.1f%%", 100*s.Shift()), fmt.Sprintf("%.3g", s.P)})
		}
	}
	table(w, []string{"benchmark", "unit", "version", "commits", "before", "after", "shift", "p"}, rows, "No version changed in the history.")
}

// table writes a Markdown table, its last four columns numbers and every
// cell of its rows escaped with md.Cell, or none when there are no rows.
func table(w io.Writer, head []string, rows [][]string, none string) {
	if len(rows) == 0 {
		fmt.Fprintln(w, none)
		return
	}
	align := slices.Repeat([]string{"---"}, len(head))
	for i := len(head) - 4; i < len(head); i++ {
		align[i] = "--:"
	}
	for k, r := range append([][]string{head, align}, rows...) {
		if k >= 2 {
			r = slices.Clone(r)
			for i := range r {
				r[i] = md.Cell(r[i]) // a benchmark's name may hold a | or a \
			}
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
	}
}

// commitRange names the commits around the shift before point i of t.
func (a *Analysis) commitRange(t Trend, i int) string {
	return fmt.Sprintf("`%s..%s`", short(a.Commits[t.Points[i-1].Commit].Commit), short(a.Commits[t.Points[i].Commit].Commit))
}

func scaler(t Trend) benchunit.Scaler {
	return benchunit.CommonScale(medians(t.Points), benchunit.ClassOf(t.Unit))
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9=.-]+`)

func slug(s string) string { return strings.Trim(unsafeChars.ReplaceAllString(s, "_"), "_") }
