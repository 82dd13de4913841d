package main

import (
	"context"
	"io"

	"github.com/concbench/concbench/internal/gate"
)

func init() {
	commands["gate"] = command{summary: "fail on a performance regression against a base revision", run: runGate}
}

// runGate is concbench gate; see package gate.
func runGate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := gate.ParseArgs(args, stderr)
	if err != nil {
		return err
	}
	return gate.Run(ctx, o, stdout, stderr)
}
