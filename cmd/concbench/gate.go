package main

import (
	"context"
	"io"

	"github.com/concbench/concbench/internal/gate"
)

// runGate is concbench gate; see package gate. A bad command line is
// written to the step summary too, as every other error of the gate is.
func runGate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := gate.ParseArgs(args, stderr)
	if err != nil {
		gate.SummarizeError(o.Summary, err, stderr)
		return err
	}
	return gate.Run(ctx, o, stdout, stderr)
}
