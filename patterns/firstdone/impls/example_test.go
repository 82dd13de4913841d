package impls_test

import (
	"context"
	"fmt"

	"github.com/concbench/concbench/patterns/firstdone/impls"
)

func ExampleImpls() {
	// Every implementation of First behind one signature: task 1 wins.
	tasks := []func(context.Context) (int, error){
		func(ctx context.Context) (int, error) { <-ctx.Done(); return 0, context.Cause(ctx) },
		func(context.Context) (int, error) { return 1, nil },
	}
	for _, im := range impls.Impls {
		got, err := im.First(context.Background(), tasks)
		fmt.Printf("%s (%s): %d %v\n", im.Name, im.Panics, got, err)
	}
	// Output:
	// own (repanic): 1 <nil>
	// select (crash): 1 <nil>
	// chan (crash): 1 <nil>
	// reflect (crash): 1 <nil>
	// errgroup (crash): 1 <nil>
	// conc (repanic): 1 <nil>
}
