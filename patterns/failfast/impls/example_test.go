package impls_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/concbench/concbench/patterns/failfast/impls"
)

func ExampleImpls() {
	// Every implementation behind one signature: the same tasks, limit 2.
	tasks := []func(context.Context) error{
		func(context.Context) error { return errors.New("disk full") },
		func(ctx context.Context) error { <-ctx.Done(); return nil },
	}
	for _, im := range impls.Impls {
		fmt.Printf("%s (%s): %v\n", im.Name, im.Panics, im.Run(context.Background(), 2, tasks))
	}
	// Output:
	// own (repanic): disk full
	// ownall (repanic): disk full
	// errgroup (crash): disk full
	// concpool (repanic): disk full
	// concall (repanic): disk full
	// handrolled (crash): disk full
}
