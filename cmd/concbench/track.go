package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/gate"
	"github.com/concbench/concbench/internal/history"
	"github.com/concbench/concbench/internal/history/changepoint"
	"github.com/concbench/concbench/internal/history/track"
	"github.com/concbench/concbench/internal/outdir"
	"github.com/concbench/concbench/internal/results"
)

// runTrack dispatches concbench track's verbs: add a run, simulate, or
// (the default) read the history.
func runTrack(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "add":
			return runTrackAdd(ctx, args[1:], stdout, stderr)
		case "sim":
			return runTrackSim(ctx, args[1:], stdout, stderr)
		case "quickset":
			return runTrackQuickset(args[1:], stdout, stderr)
		}
	}
	return runTrackRead(ctx, args, stdout, stderr)
}

func changepointFlags(fs *flag.FlagSet) *changepoint.Config {
	cfg := changepoint.DefaultConfig
	fs.Float64Var(&cfg.Alpha, "alpha", cfg.Alpha, "largest p-value of a change point")
	fs.IntVar(&cfg.Permutations, "permutations", cfg.Permutations, fmt.Sprintf("permutations per test (at least 1/alpha - 1, at most %d)", maxPermutations))
	return &cfg
}

// maxPermutations bounds -permutations: a thousand times the default, far
// beyond any p-value a history of runs can need, so a typo of a few zeros
// is an error, not hours of work.
const maxPermutations = 1_000_000

func checkConfig(cfg *changepoint.Config) error {
	if !(cfg.Alpha > 0 && cfg.Alpha < 1) || cfg.Alpha*float64(cfg.Permutations+1) < 1 { // NaN fails too
		return cli.Usagef("-alpha %g with -permutations %d: want 0 < alpha < 1 and alpha*(permutations+1) >= 1", cfg.Alpha, cfg.Permutations)
	}
	if cfg.Permutations > maxPermutations {
		return cli.Usagef("-permutations %d: at most %d", cfg.Permutations, maxPermutations)
	}
	return nil
}

func runTrackRead(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("track", "usage: concbench track [flags]\n       concbench track add [flags] FILE\n       concbench track sim [flags]\n"+
		"       concbench track quickset   (print the -bench regexp CI runs into the history)\n\n"+
		"Reads the history (one benchmark file per run, see concbench track add), finds the change points of\n"+
		"every benchmark and unit (E-divisive means, permutation test) and the steps at each Go or module\n"+
		"version change, prints them as Markdown and, with -o, writes the page with a trend chart per series.\n"+
		"Exits 1 if a series' newest change point is a regression larger than -threshold. Never writes the history.\n\nflags:\n", stderr)
	dir := fs.String("dir", history.DefaultDir, "the history `dir`")
	out := fs.String("o", "", "also write history.md and the charts into the new `dir`")
	force := fs.Bool("force", false, "replace the -o directory if it is a previous concbench output (holding only the files concbench wrote there, none of the inputs, and never a run's raw.txt)")
	threshold := cli.Percent(track.DefaultThreshold)
	fs.Var(&threshold, "threshold", "smallest regression that exits 1, in `percent` (5 or 5%), as the gate's")
	cfg := changepointFlags(fs)
	if err := cli.Parse(fs, args, 0, 0, "no arguments, or the verb add, sim or quickset"); err != nil {
		return err
	}
	if err := checkConfig(cfg); err != nil {
		return err
	}
	if *out != "" && outdir.Inside(*out, *dir) {
		return cli.Usagef("-o %s: inside the history %s, where it would read as a run: write it elsewhere", *out, *dir)
	}
	h, err := history.Read(*dir)
	if err != nil {
		return cli.Usage(err)
	}
	var d *outdir.Dir
	if *out != "" { // claimed before the analysis, so a bad -o costs nothing
		var inputs []string
		for _, r := range h.Runs {
			inputs = append(inputs, r.Path)
		}
		if d, err = claimDir("-o", *out, *force, inputs); err != nil {
			return err
		}
	}
	a, err := track.Analyze(ctx, h, *cfg)
	if err != nil {
		if d != nil {
			d.Abort()
		}
		return err
	}
	a.Markdown(stdout, *cfg, float64(threshold), nil)
	if d != nil {
		if err := fillDir(d, func(path string) error { return a.Write(path, *cfg, float64(threshold)) }); err != nil {
			return err
		}
		fmt.Fprintln(stderr, "wrote", filepath.Join(*out, track.PageName))
	}
	if regs := a.Regressions(float64(threshold)); len(regs) > 0 {
		what := "regressions"
		if len(regs) == 1 {
			what = "regression"
		}
		return cli.Finding(fmt.Errorf("%d %s in the history, the first: %s", len(regs), what, regs[0]))
	}
	return nil
}

// writeDir makes the new directory dir, the -o of report and track
// (replacing it if force and it is a concbench output without any of
// inputs), with what write puts into its temporary path, all at once: on an
// error nothing is left behind. An existing dir that may not be replaced,
// or one that cannot be made, is bad usage of -o.
func writeDir(flag, dir string, force bool, inputs []string, write func(path string) error) error {
	d, err := claimDir(flag, dir, force, inputs)
	if err != nil {
		return err
	}
	return fillDir(d, write)
}

// claimDir makes the temporary directory of [writeDir]'s dir, to be filled
// by [fillDir] or given up with Abort; flag says where dir came from in an
// error.
func claimDir(flag, dir string, force bool, inputs []string) (*outdir.Dir, error) {
	d, err := outdir.New(dir, force, inputs...)
	if err != nil {
		return nil, cli.Usagef("%s: %w", flag, err)
	}
	return d, nil
}

// fillDir writes into d with write and puts it in place; on an error
// nothing is left behind.
func fillDir(d *outdir.Dir, write func(path string) error) error {
	if err := write(d.Path()); err != nil {
		d.Abort()
		return err
	}
	if err := d.Commit(); err != nil {
		d.Abort()
		if errors.Is(err, outdir.ErrExists) || errors.Is(err, outdir.ErrNotOutput) {
			return cli.Usage(err)
		}
		return err
	}
	return nil
}

func runTrackAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("track add", "usage: concbench track add [flags] FILE\n\n"+
		"Adds a run of concbench's benchmarks (a raw.txt of concbench run, or go test -bench output) to the\n"+
		"history as a new file, with the commit, its time, the versions of Go and of concbench's dependencies\n"+
		"("+strings.Join(history.Modules, ", ")+") in the checkout in -C, the machine and\n"+
		"the date (the run's start, from its runid: line, else now) as config lines. Refuses a file that\n"+
		"does not parse, disagrees with the checkout, is in the history already, or is of a run that was\n"+
		"interrupted.\n\nflags:\n", stderr)
	dir := fs.String("dir", history.DefaultDir, "the history `dir`")
	module := fs.String("C", ".", "the checkout the run was measured at (`dir`)")
	machine := fs.String("machine", "", "machine description (default: FILE's machine: or cpu: config line)")
	if err := cli.Parse(fs, args, 1, 1, "one FILE"); err != nil {
		return err
	}
	file := fs.Arg(0)
	data, err := os.ReadFile(file)
	if err != nil {
		return cli.Usage(err)
	}
	in, err := results.Read(file) // a bad file fails before any git or go command
	if err != nil {
		return cli.Usage(err)
	}
	for _, n := range in.Notes {
		if strings.HasPrefix(n.Text, results.InterruptedPrefix) {
			// Its cells have fewer samples than a whole run's, some none:
			// in the history that reads as a change of the code.
			return cli.Usagef("%s:%d: the run was %s: add a run that finished", n.File, n.Line, n.Text)
		}
	}
	date, ok := history.RunStart(in)
	if !ok {
		date = time.Now()
	}
	m, err := history.Describe(ctx, *module, date)
	if err != nil {
		return cli.Usagef("-C %s: %w", *module, err)
	}
	if m.Machine = *machine; m.Machine == "" {
		m.Machine = machineOf(in)
	}
	if m.Machine == "" {
		return cli.Usagef("%s: no machine: or cpu: config line; give -machine", file)
	}
	path, err := history.Append(*dir, file, data, m)
	if err != nil {
		return cli.Usage(err)
	}
	fmt.Fprintln(stdout, path)
	return nil
}

// machineOf returns the machine: or, failing that, the cpu: config of s,
// "" if it has neither.
func machineOf(s *results.Set) string {
	for _, key := range []string{history.KeyMachine, "cpu"} {
		if v := s.Config(key); len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
	}
	return ""
}

// runTrackQuickset prints the -bench regexp that the history workflow
// runs: the gate's quick set.
func runTrackQuickset(args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("track quickset", "usage: concbench track quickset\n\n"+
		"Prints the -bench regexp that CI runs into the history: the gate's quick set.\n", stderr)
	if err := cli.Parse(fs, args, 0, 0, "no arguments"); err != nil {
		return err
	}
	_, err := fmt.Fprintln(stdout, gate.QuickSet)
	return err
}

func runTrackSim(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("track sim", "usage: concbench track sim [flags]\n\n"+
		"Measures the change-point search on simulated series with the noise of a real run: false change\n"+
		"points without a shift, a 10% step, a 2%-per-commit drift over 10 commits. Seeded: the same flags\n"+
		"print the same figures. With -noise given more than once (runs of one commit made apart in\n"+
		"time), each simulated commit is measured in one of those runs, picked at random, so the noise\n"+
		"includes how far the machine moved between runs.\n\nflags:\n", stderr)
	noise := &fileList{files: []string{"results/archive/20261125T233524Z-f6e464f/raw.txt"}, dflt: true}
	fs.Var(noise, "noise", "benchmark `file` whose samples per cell give the noise (impl=own cells but starvation's); repeat it for several runs")
	sim := track.Sim{}
	fs.IntVar(&sim.Series, "series", 100, "series per case")
	fs.IntVar(&sim.Points, "points", 50, "commits per series (at least 30)")
	fs.IntVar(&sim.Samples, "samples", 10, "samples per commit (the history's rounds)")
	fs.Uint64Var(&sim.Seed, "seed", 1, "random seed")
	cfg := changepointFlags(fs)
	if err := cli.Parse(fs, args, 0, 0, "no arguments (all settings are flags)"); err != nil {
		return err
	}
	if err := checkConfig(cfg); err != nil {
		return err
	}
	if sim.Series < 1 || sim.Points < 30 || sim.Samples < 1 {
		return cli.Usagef("track sim: want -series >= 1, -points >= 30, -samples >= 1")
	}
	var runs []*results.Set
	for _, f := range noise.files {
		s, err := results.Read(f)
		if err != nil {
			return cli.Usagef("-noise: %w", err)
		}
		runs = append(runs, s)
	}
	n := track.NoiseOf(runs, 6, track.Tracked)
	if len(n) == 0 {
		if len(runs) == 1 {
			return cli.Usagef("%s: no impl=own sec/op cell with 6 or more samples", noise.files[0])
		}
		return cli.Usagef("-noise %s: no impl=own sec/op cell with 6 or more samples in every file", noise)
	}
	sim.Config = *cfg
	sim.Config.Done = ctx.Done()
	r := sim.Run(n)
	if err := ctx.Err(); err != nil {
		return err // r is cut short
	}
	r.Print(stdout)
	return nil
}

// fileList is a flag given once per file; the first one given replaces
// the default.
type fileList struct {
	files []string
	dflt  bool // files is the default, not yet replaced
}

func (l *fileList) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(l.files, ", ")
}

func (l *fileList) Set(f string) error {
	if l.dflt {
		l.files, l.dflt = nil, false
	}
	for _, g := range l.files {
		if sameFile(f, g) || f == g {
			return fmt.Errorf("%s given twice: its samples would count twice", f)
		}
	}
	l.files = append(l.files, f)
	return nil
}
