package impls_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/concbench/concbench/patterns/firstdone"
	"github.com/concbench/concbench/patterns/firstdone/impls"
	"go.uber.org/goleak"
)

// The contract cases check that losers are cancelled when a task panics; the
// own implementation also says why.
func TestPanicCause(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		name string
		call func(context.Context, []func(context.Context) (int, error))
	}{
		{"First", func(ctx context.Context, tasks []func(context.Context) (int, error)) { firstdone.First(ctx, tasks) }},
		{"FirstSuccess", func(ctx context.Context, tasks []func(context.Context) (int, error)) {
			firstdone.FirstSuccess(ctx, tasks)
		}},
		{"AsCompleted", func(ctx context.Context, tasks []func(context.Context) (int, error)) {
			for range firstdone.AsCompleted(ctx, tasks) {
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newField(3, func(i int, _ context.Context) (int, error) {
				if i == 1 {
					return panickingTask()
				}
				return -1, nil
			})
			v := func() (v any) {
				defer func() { v = recover() }()
				tc.call(context.Background(), f.tasks)
				return nil
			}()
			p, ok := v.(*firstdone.PanicError)
			if !ok || p.Task != 1 || p.Value != errPanic {
				t.Fatalf("recovered %#v; want a *PanicError for task 1 with value %v", v, errPanic)
			}
			for _, i := range []int{0, 2} {
				var cause *firstdone.PanicError
				if !errors.As(f.causes[i], &cause) || cause != p {
					t.Errorf("task %d: context.Cause = %v; want the *PanicError", i, f.causes[i])
				}
			}
		})
	}
}

func TestGoexit(t *testing.T) {
	defer goleak.VerifyNone(t)
	goexit := func(context.Context) (int, error) { runtime.Goexit(); return 0, nil }
	ok := func(ctx context.Context) (int, error) { <-ctx.Done(); return 1, nil }
	tasks := []func(context.Context) (int, error){goexit, ok}
	if _, err := firstdone.First(context.Background(), tasks); !errors.Is(err, firstdone.ErrGoexit) {
		t.Errorf("First err = %v; want ErrGoexit", err)
	}
	if _, err := firstdone.FirstSuccess(context.Background(), tasks[:1]); !errors.Is(err, firstdone.ErrGoexit) {
		t.Errorf("FirstSuccess err = %v; want ErrGoexit", err)
	}
	for _, err := range firstdone.AsCompleted(context.Background(), tasks) {
		if !errors.Is(err, firstdone.ErrGoexit) {
			t.Errorf("first yield err = %v; want ErrGoexit", err)
		}
		break
	}
}

func TestAsCompletedTwice(t *testing.T) {
	// Each range over the sequence runs the tasks anew.
	runs := 0
	seq := firstdone.AsCompleted(context.Background(), []func(context.Context) (int, error){
		func(context.Context) (int, error) { runs++; return runs, nil },
	})
	var got []int
	for range 2 {
		for v := range seq {
			got = append(got, v)
		}
	}
	if len(got) != 2 || got[0] != 1 || got[1] != 2 {
		t.Errorf("two ranges yielded %v; want [1 2]", got)
	}
}

func TestSelectTooMany(t *testing.T) {
	defer func() {
		if v := recover(); v != "firstdone: Select takes at most 3 tasks" {
			t.Errorf("recovered %v; want the misuse panic", v)
		}
	}()
	impls.Select(context.Background(), make([]func(context.Context) (int, error), 4))
}

// The own implementation starts its goroutines in a loop for some task counts
// and as a tree for others; each way runs every task exactly once and
// returns only after all have returned. Task n-1 wins: in a tree it is a
// leaf, the last to be started.
func TestSizes(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, n := range []int{1, 2, 3, 4, 5, 63, 64, 65, 100, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			winner := n - 1
			for _, tc := range []struct {
				entry string
				play  func(i int, ctx context.Context) (int, error)
				call  func(tasks []func(context.Context) (int, error)) (int, error)
				want  int
			}{
				{"First", winnerOnly(winner), func(tasks []func(context.Context) (int, error)) (int, error) {
					return firstdone.First(context.Background(), tasks)
				}, winner},
				{"FirstSuccess", func(i int, ctx context.Context) (int, error) {
					if i == winner {
						return winnerOnly(winner)(i, ctx)
					}
					return 0, errBoom
				}, func(tasks []func(context.Context) (int, error)) (int, error) {
					return firstdone.FirstSuccess(context.Background(), tasks)
				}, winner},
				{"AsCompleted", winnerOnly(winner), func(tasks []func(context.Context) (int, error)) (int, error) {
					for v, err := range firstdone.AsCompleted(context.Background(), tasks) {
						return v, err
					}
					return -1, nil
				}, winner},
			} {
				counts := make([]atomic.Int32, n)
				f := newField(n, func(i int, ctx context.Context) (int, error) {
					counts[i].Add(1)
					return tc.play(i, ctx)
				})
				got, err := tc.call(f.tasks)
				f.checkAllReturned(t, f.returned.Load())
				if got != tc.want || err != nil {
					t.Errorf("%s = %d, %v; want %d, nil", tc.entry, got, err, tc.want)
				}
				for i := range counts {
					if c := counts[i].Load(); c != 1 {
						t.Errorf("%s: task %d ran %d times; want 1", tc.entry, i, c)
					}
				}
			}
		})
	}
}

// winnerOnly is a play in which task winner returns its index at once and
// the others wait for their context.
func winnerOnly(winner int) func(i int, ctx context.Context) (int, error) {
	return func(i int, _ context.Context) (int, error) {
		if i == winner {
			return i, nil
		}
		return -1, nil
	}
}

// With every task failing, FirstSuccess joins all n errors, whichever way the
// tasks were started.
func TestSizesAllFail(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, n := range []int{3, 4, 64, 1000} {
		f := newField(n, func(i int, _ context.Context) (int, error) { return 0, fmt.Errorf("task %d: %w", i, errBoom) })
		_, err := firstdone.FirstSuccess(context.Background(), f.tasks)
		f.checkAllReturned(t, f.returned.Load())
		joined, ok := err.(interface{ Unwrap() []error })
		if !ok || len(joined.Unwrap()) != n {
			t.Fatalf("n=%d: err = %v; want %d joined errors", n, err, n)
		}
		if last := joined.Unwrap()[n-1].Error(); last != fmt.Sprintf("task %d: %v", n-1, errBoom) {
			t.Errorf("n=%d: last joined error = %q; want task %d's", n, last, n-1)
		}
	}
}
