package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/precision"
	"github.com/concbench/concbench/internal/results"
)

func runPrecision(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("concbench precision", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: concbench precision FILE...\n\n"+
			"Prints, per unit, how many cells (benchmark, GOMAXPROCS, preempt mode) have a 95%% interval of\n"+
			"the median within ±5%%, ±10%%, ±20%% or wider (benchstat's ±x%%), then the same for all latency\n"+
			"units together (first-ns, cancel-ns, start-ns, stall-ns, ...).\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return cli.Usage(err)
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return cli.Usagef("precision: want at least one benchmark file")
	}
	set, err := results.Read(fs.Args()...)
	if err != nil {
		return cli.Usage(err)
	}
	rows := precision.Table(set)
	rows = append(rows, precision.Sum("all latency units", rows, precision.IsLatency))
	return precision.Write(stdout, rows)
}
