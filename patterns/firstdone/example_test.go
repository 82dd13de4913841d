package firstdone_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/concbench/concbench/patterns/firstdone"
)

// mirror returns a task that answers after d, or gives up when its context is
// done.
func mirror(name string, d time.Duration, err error) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		select {
		case <-time.After(d):
			return name, err
		case <-ctx.Done():
			return "", context.Cause(ctx)
		}
	}
}

func ExampleFirst() {
	got, err := firstdone.First(context.Background(), []func(context.Context) (string, error){
		mirror("slow mirror", time.Second, nil),
		mirror("fast mirror", time.Millisecond, nil),
	})
	fmt.Println(got, err)
	// Output: fast mirror <nil>
}

func ExampleFirstSuccess() {
	got, err := firstdone.FirstSuccess(context.Background(), []func(context.Context) (string, error){
		mirror("broken mirror", time.Millisecond, errors.New("503")),
		mirror("good mirror", 20*time.Millisecond, nil),
		mirror("far mirror", time.Second, nil),
	})
	fmt.Println(got, err)

	_, err = firstdone.FirstSuccess(context.Background(), []func(context.Context) (string, error){
		mirror("a", time.Millisecond, errors.New("a: 503")),
		mirror("b", 0, errors.New("b: 404")),
	})
	fmt.Println(err)
	// Output:
	// good mirror <nil>
	// a: 503
	// b: 404
}

func ExampleAsCompleted() {
	tasks := []func(context.Context) (string, error){
		mirror("third", 50*time.Millisecond, nil),
		mirror("first", 0, nil),
		mirror("second", 25*time.Millisecond, errors.New("failed")),
		mirror("never", time.Hour, nil),
	}
	for got, err := range firstdone.AsCompleted(context.Background(), tasks) {
		fmt.Println(got, err)
		if got == "third" {
			break // "never" is cancelled and waited for
		}
	}
	// Output:
	// first <nil>
	// second failed
	// third <nil>
}

func ExampleFirst_panic() {
	defer func() {
		p := recover().(*firstdone.PanicError)
		fmt.Println("task", p.Task, "panicked:", p.Value)
	}()
	firstdone.First(context.Background(), []func(context.Context) (int, error){
		func(ctx context.Context) (int, error) { <-ctx.Done(); return 0, context.Cause(ctx) },
		func(context.Context) (int, error) { panic("out of range") },
	})
	// Output: task 1 panicked: out of range
}

func ExampleAsCompleted_break() {
	// Stop at the first answer: the other mirror is cancelled with
	// ErrStopped, and the loop ends once it has returned.
	var cause error
	tasks := []func(context.Context) (string, error){
		mirror("fast mirror", time.Millisecond, nil),
		func(ctx context.Context) (string, error) {
			<-ctx.Done()
			cause = context.Cause(ctx)
			return "", cause
		},
	}
	for got := range firstdone.AsCompleted(context.Background(), tasks) {
		fmt.Println(got)
		break
	}
	fmt.Println(errors.Is(cause, firstdone.ErrStopped))
	// Output:
	// fast mirror
	// true
}
