package main

import (
	"context"
	"io"

	"github.com/concbench/concbench/internal/starve"
)

// runStarve is concbench starve; see package starve.
func runStarve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := starve.ParseArgs(args, stderr)
	if err != nil {
		return err
	}
	return starve.Run(ctx, o, stdout)
}
