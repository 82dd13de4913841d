package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/report"
	"github.com/concbench/concbench/internal/results"
)

func runCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("compare", "usage: concbench compare OLD NEW\n\n"+
		"Prints, per unit, the median and 95% interval of every benchmark in OLD and NEW and the\n"+
		"change, \"~\" where the Mann-Whitney U-test finds none at α = 0.05 (as benchstat).\n"+
		"Benchmarks of one name in different packages (pkg:) are different rows.\n", stderr)
	if err := cli.Parse(fs, args, 2, 2, "two files, OLD and NEW"); err != nil {
		return err
	}
	old, err := results.Read(fs.Arg(0))
	if err != nil {
		return cli.Usage(err)
	}
	new, err := results.Read(fs.Arg(1))
	if err != nil {
		return cli.Usage(err)
	}
	warnMixed(stderr, old)
	warnMixed(stderr, new)
	if err := report.Compare(stdout, old, new, fs.Arg(0), fs.Arg(1)); err != nil {
		return cli.Usage(err)
	}
	return nil
}

// warnMixed warns on stderr of each cell of s whose results differ in a
// config key that is not a field of the cell (two commits in one file, say),
// as benchstat does and the report's "Problems" section says.
func warnMixed(stderr io.Writer, s *results.Set) {
	for _, w := range s.Warnings() {
		fmt.Fprintf(stderr, "concbench: warning: %s: mixed inputs: %s\n", strings.Join(s.Files, ", "), w)
	}
}
