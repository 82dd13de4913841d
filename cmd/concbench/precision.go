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
	fs := cli.NewFlagSet("precision", "usage: concbench precision [-aa OTHER] FILE...\n\n"+
		"Prints, per unit, how many cells (benchmark, GOMAXPROCS, preempt mode) have a 95% interval of\n"+
		"the median within ±5%, ±10%, ±20% or wider (benchstat's ±x%), then the same for all latency\n"+
		"units together (first-ns, cancel-ns, start-ns, stall-ns, ...). With -aa, also how many of the\n"+
		"metrics differ between FILE... and OTHER (a run of the same commit: about 5% by chance),\n"+
		"and how far OTHER's sec/op moved as a whole (the geometric mean of the cells' ratios, and\n"+
		"the ratios a tenth of the way from either end).\n"+
		"Below the table, how steady the machine was: the spread of JoinAll impl=serial n=1000\n"+
		"task=tiny at GOMAXPROCS=1, a plain loop of CPU work, if the files have it.\n\nflags:\n", stderr)
	aa := fs.String("aa", "", "compare with the run in `file`")
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
