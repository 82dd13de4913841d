package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/precision"
	"github.com/concbench/concbench/internal/results"
)

func runPrecision(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("precision", "usage: concbench precision [-aa OTHER] [-halves] FILE...\n\n"+
		"Prints, per unit, how many cells (benchmark, GOMAXPROCS, preempt mode) have a 95% interval of\n"+
		"the median within ±5%, ±10%, ±20% or wider (benchstat's ±x%), then the same for all latency\n"+
		"units together (first-ns, cancel-ns, start-ns, stall-ns, ...). With -aa, also how many of the\n"+
		"metrics differ between FILE... and OTHER (a run of the same commit: about 5% by chance),\n"+
		"and how far OTHER's sec/op moved as a whole (the geometric mean of the cells' ratios, and\n"+
		"the ratios a tenth of the way from either end).\n"+
		"With -halves, also how many differ between the odd and the even rounds of each FILE (a raw.txt\n"+
		"of concbench run), whose processes ran interleaved: about 5% by chance where the run's\n"+
		"intervals hold for the run, more where something moved the cells within it; with -aa\n"+
		"and one FILE, also OTHER's halves, and each run's odd rounds against the other's even\n"+
		"rounds: as many samples as a run's halves, taken apart in time.\n"+
		"Below the table, how steady the machine was: the spread of JoinAll impl=serial n=1000\n"+
		"task=tiny at GOMAXPROCS=1, a plain loop of CPU work, if the files have it.\n\nflags:\n", stderr)
	aa := fs.String("aa", "", "compare with the run in `file`")
	halves := fs.Bool("halves", false, "compare the odd rounds of each FILE with its even rounds")
	if err := cli.Parse(fs, args, 1, -1, "at least one benchmark file"); err != nil {
		return err
	}
	set, err := results.Read(fs.Args()...)
	if err != nil {
		return cli.Usage(err)
	}
	var other *results.Set
	var compared, differ int
	if *aa != "" { // read before anything is printed
		for _, f := range fs.Args() {
			if sameFile(f, *aa) {
				return cli.Usagef("-aa %s is also a FILE: an A/A comparison needs two runs", *aa)
			}
		}
		if other, err = results.Read(*aa); err != nil {
			return cli.Usagef("-aa: %w", err)
		}
		if compared, differ = precision.Agreement(set, other); compared == 0 {
			return cli.Usagef("-aa %s: no metric in common with %s: nothing to compare", *aa, strings.Join(fs.Args(), ", "))
		}
	}
	var split []agreed
	if *halves { // read before anything is printed
		if split, err = compareHalves(fs.Args(), *aa); err != nil {
			return cli.Usagef("-halves: %w", err)
		}
	}
	warnMixed(stderr, set)
	if other != nil {
		warnMixed(stderr, other)
	}
	if err := precision.Write(stdout, precision.Rows(set)); err != nil {
		return err
	}
	if st, ok := precision.Steadiness(set); ok {
		if _, err := fmt.Fprintf(stdout, "\nMachine steadiness: %s.\n", st); err != nil {
			return err
		}
	}
	for _, h := range split {
		if _, err := fmt.Fprintf(stdout, "\n%s: %d of %d comparisons differ at p < 0.05 (%.1f%%)\n",
			h.what, h.differ, h.compared, 100*float64(h.differ)/float64(h.compared)); err != nil {
			return err
		}
	}
	if other == nil {
		return nil
	}
	if _, err := fmt.Fprintf(stdout, "\n%d of %d comparisons with %s differ at p < 0.05 (%.1f%%)\n", differ, compared, *aa, 100*float64(differ)/float64(compared)); err != nil {
		return err
	}
	shifts := precision.Shifts(set, other)
	if len(shifts) == 0 {
		return nil
	}
	parts := make([]string, len(shifts))
	for i, sh := range shifts {
		parts[i] = fmt.Sprintf("%+.1f%% at GOMAXPROCS=%d (%d cells; a tenth of them %+.1f%% or less, a tenth %+.1f%% or more)",
			100*(sh.Ratio-1), sh.Procs, sh.Cells, 100*(sh.Low-1), 100*(sh.High-1))
	}
	_, err = fmt.Fprintf(stdout, "sec/op of %s against these, geometric mean of the cells' median ratios: %s. "+
		"Where a machine's speed moved between two runs by more than the intervals' width, "+
		"comparisons differ however alike the code is; the tenths say whether the cells moved alike.\n", *aa, strings.Join(parts, ", "))
	return err
}

// sameFile reports whether paths a and b name one file.
func sameFile(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// agreed is how two halves of runs compare ([precision.Agreement]).
type agreed struct {
	what             string
	compared, differ int
}

// compareHalves compares the odd rounds of each of files, a raw.txt of
// concbench run, with its even rounds ([results.SplitRounds]); with other
// (-aa) and one file, also the odd rounds of each run with the even rounds
// of the other: as many samples as the halves of one run, taken apart.
func compareHalves(files []string, other string) ([]agreed, error) {
	type halves struct{ odd, even *results.Set }
	split := func(f string) (h halves, err error) {
		data, err := os.ReadFile(f)
		if err != nil {
			return h, err
		}
		h.odd, h.even, err = precision.SplitRun(f, data)
		return h, err
	}
	var out []agreed
	agree := func(what string, a, b *results.Set) error {
		c := agreed{what: what}
		if c.compared, c.differ = precision.Agreement(a, b); c.compared == 0 {
			return fmt.Errorf("%s: no cell measured in both: nothing to compare", what)
		}
		out = append(out, c)
		return nil
	}
	var runs []halves
	for _, f := range files {
		h, err := split(f)
		if err != nil {
			return nil, err
		}
		if err := agree(fmt.Sprintf("Odd rounds of %s against its even rounds (interleaved, over the whole run)", f), h.odd, h.even); err != nil {
			return nil, err
		}
		runs = append(runs, h)
	}
	if other == "" || len(files) != 1 {
		return out, nil
	}
	o, err := split(other)
	if err != nil {
		return nil, err
	}
	if err := agree(fmt.Sprintf("Odd rounds of %s against its even rounds", other), o.odd, o.even); err != nil {
		return nil, err
	}
	f := files[0]
	if err := agree(fmt.Sprintf("Odd rounds of %s against the even rounds of %s (as many rounds, run apart)", f, other), runs[0].odd, o.even); err != nil {
		return nil, err
	}
	if err := agree(fmt.Sprintf("Even rounds of %s against the odd rounds of %s", f, other), runs[0].even, o.odd); err != nil {
		return nil, err
	}
	return out, nil
}
