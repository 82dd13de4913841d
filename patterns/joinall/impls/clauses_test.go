package impls_test

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/concbench/concbench/patterns/internal/contract"
	"github.com/concbench/concbench/patterns/joinall"
	"github.com/concbench/concbench/patterns/joinall/impls"
)

// clauses are the contract clauses every pattern shares (see the contract
// package): tasks that wait for each other, fast tasks then slow ones, and
// errors that == cannot compare.
var clauses = []contract.Case[impls.Impl]{
	{Name: "goexit", Check: func(t contract.T, im impls.Impl) {
		// Task 0 calls runtime.Goexit, as t.FailNow does: it fails with
		// joinall.ErrGoexit, and the other task's result still comes back.
		// In a child process, whose exit ends a Run that never returns.
		contract.InChild(t, nil, func() string {
			return contract.Within(2*time.Second, func() string {
				got, err := im.Run([]func() (int, error){
					func() (int, error) { runtime.Goexit(); return 0, nil },
					func() (int, error) { return 7, nil },
				})
				if !errors.Is(err, joinall.ErrGoexit) || len(got) != 2 || got[1] != 7 {
					return fmt.Sprintf("results, err = %v, %v; want [0 7], joinall.ErrGoexit", got, err)
				}
				return "ok"
			})
		})
	}},
	{Name: "dependent", Timeout: contract.DepsDeadline + time.Minute, Check: func(t contract.T, im impls.Impl) {
		maxN := 0
		if im.Name == "osthread" {
			// A thread per blocked task: 10000 of them would pass the
			// runtime's limit (debug.SetMaxThreads) and end the process.
			maxN = 1000
		}
		contract.CheckDeps(t, im.Name, maxN, func(d *contract.Deps) {
			got, err := im.Run(tasksOf(d.N, func(i int) (int, error) { return i, d.Task(i) }))
			if err != nil || len(got) != d.N {
				t.Errorf("%s: len(results), err = %d, %v; want %d, nil", d.Name, len(got), err, d.N)
			}
		})
	}},
	{Name: "uncomparable-errors", Bubble: true, Check: func(t contract.T, im impls.Impl) {
		// Tasks 1 to 6 fail, 1 ms apart, with two errors of each type that
		// == cannot compare: the process survives, and every error comes
		// back (the first, where an implementation keeps only that).
		errs := contract.UncomparableErrors()
		_, err := im.Run(tasksOf(8, func(i int) (int, error) {
			if i == 0 || i == 7 {
				return i, nil
			}
			time.Sleep(time.Duration(i) * time.Millisecond)
			return 0, errs[i-1]
		}))
		want := errs
		if _, firstOnly := im.Deviations["errors"]; firstOnly {
			want = errs[:1]
		}
		for _, e := range want {
			if err == nil || !strings.Contains(err.Error(), e.Error()) {
				t.Errorf("err = %v; want it to list %q", err, e)
			}
		}
	}},
}
