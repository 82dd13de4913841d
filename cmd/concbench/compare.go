package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/report"
	"github.com/concbench/concbench/internal/results"
)

func runCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("concbench compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: concbench compare OLD NEW\n\n"+
			"Prints, per unit, the median and 95%% interval of every benchmark in OLD and NEW and the\n"+
			"change, \"~\" where the Mann-Whitney U-test finds none at α = 0.05 (as benchstat).\n"+
			"Benchmarks of one name in different packages (pkg:) are different rows.\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return cli.Usage(err)
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return cli.Usagef("compare: want two files, OLD and NEW; got %d", fs.NArg())
	}
	old, err := results.Read(fs.Arg(0))
	if err != nil {
		return cli.Usage(err)
	}
	new, err := results.Read(fs.Arg(1))
	if err != nil {
		return cli.Usage(err)
	}
	if err := report.Compare(stdout, old, new, fs.Arg(0), fs.Arg(1)); err != nil {
		return cli.Usage(err)
	}
	return nil
}
