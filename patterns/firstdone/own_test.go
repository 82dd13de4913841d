package firstdone_test

import (
	"context"
	"errors"
	"runtime"
	"testing"

	"github.com/concbench/concbench/patterns/firstdone"
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
	firstdone.Select(context.Background(), make([]func(context.Context) (int, error), 4))
}
