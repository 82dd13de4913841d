// Package outcome decides a first-done race: which task won, and the errors
// of the losers when only a success may win. It is shared by firstdone's
// own implementation and the alternatives in firstdone/impls.
package outcome

import (
	"errors"
	"sync/atomic"
)

// Outcome decides a race: the first task to complete wins, or with skip the
// first to succeed, whose failures it keeps by task index. It is safe for
// concurrent use by the tasks; the result is read after all have returned.
type Outcome[T any] struct {
	skip bool
	won  atomic.Bool
	v    T
	err  error
	errs []error // with skip: errs[i] is task i's error
}

// New returns the Outcome of a race of n tasks; with skip, failures do not
// win.
func New[T any](n int, skip bool) *Outcome[T] {
	o := &Outcome[T]{skip: skip}
	if skip {
		o.errs = make([]error, n)
	}
	return o
}

// Add records task i's result and reports whether it won.
func (o *Outcome[T]) Add(i int, v T, err error) bool {
	if o.skip && err != nil {
		o.errs[i] = err
		return false
	}
	if o.won.Load() || !o.won.CompareAndSwap(false, true) { // Load first: no write to a shared line
		return false
	}
	o.v, o.err = v, err
	return true
}

// Result is what the race returns once every task has returned.
func (o *Outcome[T]) Result() (T, error) {
	if !o.won.Load() {
		var zero T
		return zero, errors.Join(o.errs...)
	}
	return o.v, o.err
}

// Won reports whether a task has won. A true result synchronizes after the
// winner's Add.
func (o *Outcome[T]) Won() bool { return o.won.Load() }
