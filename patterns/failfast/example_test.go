package failfast_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/concbench/concbench/patterns/failfast"
)

func ExampleNew() {
	g, ctx := failfast.New(context.Background())
	g.Go(func(context.Context) error { return errors.New("disk full") })
	g.Go(func(ctx context.Context) error {
		<-ctx.Done() // cancelled by the failure above
		return context.Cause(ctx)
	})
	fmt.Println(g.Wait())
	fmt.Println(context.Cause(ctx))
	// Output:
	// disk full
	// disk full
}

func ExampleLimit() {
	// One task at a time: after the first failure, the queued tasks never start.
	g, _ := failfast.New(context.Background(), failfast.Limit(1))
	var started atomic.Int32
	for i := range 5 {
		g.Go(func(context.Context) error {
			started.Add(1)
			if i == 1 {
				return fmt.Errorf("task %d failed", i)
			}
			return nil
		})
	}
	fmt.Println(g.Wait())
	fmt.Println("started:", started.Load())
	// Output:
	// task 1 failed
	// started: 2
}

func ExampleAllErrors() {
	g, _ := failfast.New(context.Background(), failfast.AllErrors())
	checking := make(chan struct{})
	g.Go(func(ctx context.Context) error {
		close(checking)
		<-ctx.Done() // the failure below cancels; this task still reports its own
		return errors.New("b.txt: check interrupted")
	})
	g.Go(func(context.Context) error {
		<-checking // fail only once b.txt's check has started
		return errors.New("a.txt: bad header")
	})
	fmt.Println(g.Wait())
	// Output:
	// a.txt: bad header
	// b.txt: check interrupted
}

func ExampleGroup_Wait_panic() {
	defer func() {
		p := recover().(*failfast.PanicError)
		fmt.Println("a task panicked:", p.Value)
	}()
	g, _ := failfast.New(context.Background())
	g.Go(func(context.Context) error { panic("index out of range") })
	g.Go(func(ctx context.Context) error { <-ctx.Done(); return nil })
	g.Wait()
	// Output: a task panicked: index out of range
}

func ExampleGroup_Go() {
	// Tasks may start more tasks; every Go before Wait returns is waited for.
	g, _ := failfast.New(context.Background())
	var sum atomic.Int64
	for i := range 3 {
		g.Go(func(context.Context) error {
			g.Go(func(context.Context) error { sum.Add(int64(10 * i)); return nil })
			sum.Add(int64(i))
			return nil
		})
	}
	fmt.Println(g.Wait(), sum.Load())
	// Output: <nil> 33
}

// fieldErrors is a validation error: a map, which == cannot compare.
type fieldErrors map[string]string

func (e fieldErrors) Error() string { return fmt.Sprint(map[string]string(e)) }

func ExampleAllErrors_uncomparable() {
	// Errors of a type == cannot compare are each listed.
	g, _ := failfast.New(context.Background(), failfast.AllErrors())
	started := make(chan struct{})
	g.Go(func(context.Context) error { <-started; return fieldErrors{"name": "empty"} })
	g.Go(func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		return fieldErrors{"age": "negative"}
	})
	fmt.Println(g.Wait())
	// Output:
	// map[name:empty]
	// map[age:negative]
}
