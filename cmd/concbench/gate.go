package main

import (
	"context"
	"io"

	"github.com/concbench/concbench/internal/gate"
)

// runGate is concbench gate; see package gate.
func runGate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := gate.ParseArgs(args, stderr)
	if err != nil {
		return err
	}
	return gate.Run(ctx, o, stdout, stderr)
}
