// Package panics carries a task's panic to the caller that waits for the
// task, as sourcegraph/conc's panics package does: recover in the task's
// deferred call, keep the value and the stack, re-panic in the caller.
//
// The own implementations of every pattern share its one [Error] type, so a
// caller's errors.As(err, new(*panics.Error)) (through each pattern's
// PanicError alias) sees a task's panic whichever pattern ran the task.
package panics

import (
	"fmt"
	"runtime/debug"
	"sync/atomic"
)

// Error is a task's panic, carried to the caller: the value the own
// implementations re-panic with in the caller's goroutine, and the cause of
// the cancellation of the other tasks where they have a context.
type Error struct {
	Task  int    // index of the task that panicked, -1 where tasks have none
	Value any    // the value passed to panic
	Stack []byte // the panicking task's stack, as debug.Stack formats it
}

func (p *Error) Error() string {
	if p.Task < 0 {
		return fmt.Sprintf("task panicked: %v\n\n%s", p.Value, p.Stack)
	}
	return fmt.Sprintf("task %d panicked: %v\n\n%s", p.Task, p.Value, p.Stack)
}

// Unwrap returns the panic value if it is an error, so errors.Is and errors.As
// see through to it.
func (p *Error) Unwrap() error {
	err, _ := p.Value.(error)
	return err
}

// First keeps the first panic of one call among many tasks. The zero First
// is empty and ready; it is safe for concurrent use. A Record that keeps a
// panic synchronizes before every Load that returns it.
type First struct {
	p atomic.Pointer[Error]
}

// Record is called in task's deferred call, with v from recover(), once the
// task is known not to have returned normally. It returns nil if v is nil:
// the task called runtime.Goexit (a panic(nil) recovers a
// *runtime.PanicNilError since Go 1.21). Otherwise it returns the *Error it
// kept and true if this is the call's first panic, or nil and false if an
// earlier panic was kept. The stack is taken only for the first panic, and
// it is the task's: the deferred call still runs on top of the panicking
// frames.
func (f *First) Record(task int, v any) (p *Error, first bool) {
	if v == nil || f.p.Load() != nil {
		return nil, false
	}
	return f.keep(&Error{Task: task, Value: v, Stack: debug.Stack()})
}

// keep keeps p if no panic was kept before.
func (f *First) keep(p *Error) (*Error, bool) {
	if !f.p.CompareAndSwap(nil, p) {
		return nil, false
	}
	return p, true
}

// RecordNil records a panic with the value nil, with the stack the task's
// deferred call took: under GODEBUG=panicnil=1, recover returns nil for
// panic(nil) as for runtime.Goexit, so the caller records it once it knows
// the task panicked (its goroutine went on after recovering). It returns
// what [First.Record] returns.
func (f *First) RecordNil(task int, stack []byte) (p *Error, first bool) {
	if f.p.Load() != nil {
		return nil, false
	}
	return f.keep(&Error{Task: task, Stack: stack})
}

// Recovered is [First.Record] for the deferred call of the function that
// calls a task with *end set to [Exited], given recover()'s value v while
// *end is still Exited: a value is the task's panic, recorded, and *end
// becomes [Panicked]; nil leaves *end Exited and, unless a panic was kept
// already, puts the task's stack in *stack for [First.WentOn].
func (f *First) Recovered(task int, v any, end *Ending, stack *[]byte) (p *Error, first bool) {
	if v == nil {
		if f.p.Load() == nil {
			*stack = debug.Stack()
		}
		return nil, false
	}
	*end = Panicked
	return f.Record(task, v)
}

// WentOn is called once the function that called the task has returned:
// if *end is still [Exited], recover returned nil and yet the goroutine
// went on, so the task panicked with nil (GODEBUG=panicnil=1). WentOn then
// records that with stack, as [First.RecordNil] does, and *end becomes
// [Panicked]; otherwise it does nothing.
func (f *First) WentOn(task int, end *Ending, stack []byte) (p *Error, first bool) {
	if *end != Exited {
		return nil, false
	}
	*end = Panicked
	return f.RecordNil(task, stack)
}

// Ending is how a task ended, as the goroutine that called it tells: a
// deferred call that recovers nil cannot tell runtime.Goexit from
// panic(nil) under GODEBUG=panicnil=1, but only after a panic does the
// goroutine go on. So the caller sets Exited before it calls the task, a
// function whose deferred call recovers ([First.Recovered]); that function
// sets Returned once the task returns, or Panicked once recover returns a
// value. If it returns with Exited still set, the task panicked with nil
// ([First.WentOn]); if its goroutine ends with Exited set, the task called
// runtime.Goexit. A panic in a deferred call of a task that called Goexit
// is recovered there, and Goexit then goes on: the task ends Panicked,
// unless that panic is panic(nil) under GODEBUG=panicnil=1, which recover
// cannot tell from no panic: the task then ends Exited.
type Ending uint8

const (
	Returned Ending = iota // the task returned
	Exited                 // the task called runtime.Goexit, or panicked with nil
	Panicked               // the task panicked, recorded
)

// Load returns the first panic recorded, or nil.
func (f *First) Load() *Error { return f.p.Load() }
