package main

import (
	"context"
	"io"

	"github.com/concbench/concbench/internal/starve"
)

func init() {
	// concbench starve re-executes this binary as its child process; the
	// child role runs here, before main, and exits.
	starve.Child()
	commands["starve"] = command{summary: "run an endless hog under a watchdog and say whether the victim starved", run: runStarve}
}

// runStarve is concbench starve; see package starve.
func runStarve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := starve.ParseArgs(args, stderr)
	if err != nil {
		return err
	}
	return starve.Run(ctx, o, stdout)
}
