package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/precision"
	"github.com/concbench/concbench/internal/report"
	"github.com/concbench/concbench/internal/results"
)

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := cli.NewFlagSet("report", "usage: concbench report [flags] FILE...\n\n"+
		"Reads Go benchmark files (a run's raw.txt or any go test -bench output) and writes\n"+
		"report.md and SVG charts into a new directory. Several files make one report; a benchmark\n"+
		"(name, package, GOMAXPROCS, preempt mode) in two of them is refused, not merged: compare two\n"+
		"runs with concbench compare.\n\nflags:\n", stderr)
	out := fs.String("o", "", "output `dir` (default: FILE's name without extension + \"-report\", next to the first FILE)")
	force := fs.Bool("force", false, "replace the output directory if it is a previous concbench report (holding only the files concbench wrote there, none of the inputs, and never a run's raw.txt)")
	if err := cli.Parse(fs, args, 1, -1, "at least one benchmark FILE"); err != nil {
		return err
	}
	dir, flag := *out, "-o"
	if dir == "" {
		flag = "the default -o (FILE's name + -report; give -o DIR)"
		first := fs.Arg(0)
		dir = strings.TrimSuffix(first, filepath.Ext(first)) + "-report"
	}
	set, err := results.Read(fs.Args()...)
	if err != nil {
		return cli.Usage(err)
	}
	o := report.Options{Command: commandLine("concbench report", args), Charts: true}
	if fs.NArg() == 1 { // a run's raw.txt
		o.Halves = precision.RunHalves(fs.Arg(0))
	}
	err = writeDir(flag, dir, *force, fs.Args(), func(path string) error {
		return report.Write(path, set, o)
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, filepath.Join(dir, "report.md"))
	return nil
}
