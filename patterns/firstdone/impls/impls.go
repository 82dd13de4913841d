// Package impls holds the ways people write the first-done pattern, next to
// the project's own [firstdone.First], [firstdone.FirstSuccess] and
// [firstdone.AsCompleted], behind one signature each, so that the contract
// tests and the benchmarks loop over one table: [Impls].
//
// It is apart from package firstdone so that a program that calls
// firstdone.First does not import conc and errgroup. How the implementations
// differ, and what the benchmarks measured, is in docs/firstdone.md.
package impls

import (
	"context"
	"iter"
	"reflect"

	"github.com/sourcegraph/conc/pool"
	"golang.org/x/sync/errgroup"

	"github.com/concbench/concbench/patterns/alt"
	"github.com/concbench/concbench/patterns/firstdone"
	"github.com/concbench/concbench/patterns/firstdone/internal/outcome"
)

// Func is the signature First and FirstSuccess share in [Impls]: tasks
// returning int.
type Func func(ctx context.Context, tasks []func(context.Context) (int, error)) (int, error)

// SeqFunc is [AsCompleted]'s signature in [Impls].
type SeqFunc func(ctx context.Context, tasks []func(context.Context) (int, error)) iter.Seq2[int, error]

// Impl is one way to write the first-completed pattern. An entry point it
// does not offer is nil.
type Impl struct {
	alt.Meta
	First        Func
	FirstSuccess Func
	AsCompleted  SeqFunc
	// MaxTasks is the most tasks the implementation takes (0: any number);
	// given more, it panics.
	MaxTasks int
}

// Impls lists the implementations the contract tests and benchmarks compare,
// the project's own first. Use is written from BenchmarkFirstDone's numbers.
var Impls = []Impl{
	{Meta: alt.Meta{Name: "own", Panics: alt.Repanic},
		First: firstdone.First[int], FirstSuccess: firstdone.FirstSuccess[int], AsCompleted: firstdone.AsCompleted[int]},
	{Meta: alt.Meta{Name: "select", Panics: alt.Crash, Deviations: map[string]string{
		"First/goexit": "a task that calls runtime.Goexit never delivers an outcome: the call waits for it forever", "FirstSuccess/goexit": "a task that calls runtime.Goexit never delivers an outcome: the call waits for it forever", "AsCompleted/goexit": "a task that calls runtime.Goexit never delivers an outcome: the call waits for it forever",
	}},
		First: Select, FirstSuccess: SelectSuccess, AsCompleted: SelectAsCompleted, MaxTasks: 3},
	{Meta: alt.Meta{Name: "chan", Panics: alt.Crash, Deviations: map[string]string{
		"First/goexit": "a task that calls runtime.Goexit never delivers an outcome: the call waits for it forever", "FirstSuccess/goexit": "a task that calls runtime.Goexit never delivers an outcome: the call waits for it forever",
	}}, First: Chan, FirstSuccess: ChanSuccess},
	{Meta: alt.Meta{Name: "reflect", Panics: alt.Crash, Deviations: map[string]string{
		"First/goexit": "a task that calls runtime.Goexit never delivers an outcome: the call waits for it forever", "FirstSuccess/goexit": "a task that calls runtime.Goexit never delivers an outcome: the call waits for it forever", "AsCompleted/goexit": "a task that calls runtime.Goexit never delivers an outcome: the call waits for it forever",
	}},
		First: Reflect, FirstSuccess: ReflectSuccess, AsCompleted: ReflectAsCompleted},
	{Meta: alt.Meta{Name: "errgroup", Panics: alt.Crash, Deviations: map[string]string{
		"First/goexit": "a task that calls runtime.Goexit never delivers an outcome: the call waits for it forever",
	}}, First: ErrGroup, FirstSuccess: ErrGroupSuccess},
	{Meta: alt.Meta{Name: "conc", Panics: alt.Repanic, Deviations: map[string]string{
		"First/cause":  "the pool cancels with context.WithCancel, so context.Cause is context.Canceled, not why",
		"First/goexit": "a task that calls runtime.Goexit never delivers an outcome: the call waits for it forever",
	}}, First: Conc, FirstSuccess: ConcSuccess},
}

// result is one task's outcome on a channel.
type result struct {
	i, v int
	err  error
}

// send runs task i and sends its result on ch, which must have room.
func send(ctx context.Context, i int, t func(context.Context) (int, error), ch chan<- result) {
	v, err := t(ctx)
	ch <- result{i, v, err}
}

// Chan starts a goroutine per task, each sending on one buffered channel;
// the caller receives the first result, cancels, and drains the rest.
func Chan(ctx context.Context, tasks []func(context.Context) (int, error)) (int, error) {
	return chanRace(ctx, tasks, false)
}

// ChanSuccess is [Chan] skipping failures.
func ChanSuccess(ctx context.Context, tasks []func(context.Context) (int, error)) (int, error) {
	return chanRace(ctx, tasks, true)
}

func chanRace(ctx context.Context, tasks []func(context.Context) (int, error), skip bool) (int, error) {
	if len(tasks) == 0 {
		return 0, firstdone.ErrNoTasks
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ch := make(chan result, len(tasks))
	for i, t := range tasks {
		go send(ctx, i, t, ch)
	}
	o := outcome.New[int](len(tasks), skip)
	for range tasks {
		r := <-ch
		if o.Add(r.i, r.v, r.err) {
			cancel(firstdone.ErrLost)
		}
	}
	return o.Result()
}

// Select is tokio's select! in Go: one channel per task and a select
// statement over them, for at most three tasks.
func Select(ctx context.Context, tasks []func(context.Context) (int, error)) (int, error) {
	return selectRace(ctx, tasks, false)
}

// SelectSuccess is [Select] skipping failures.
func SelectSuccess(ctx context.Context, tasks []func(context.Context) (int, error)) (int, error) {
	return selectRace(ctx, tasks, true)
}

// SelectAsCompleted is [AsCompleted] written with [Select]'s select statement.
func SelectAsCompleted(ctx context.Context, tasks []func(context.Context) (int, error)) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		if len(tasks) == 0 {
			return
		}
		chs, cancel := startSelect(ctx, tasks)
		defer func() {
			cancel(firstdone.ErrStopped)
			for _, ch := range chs {
				if ch != nil {
					<-ch
				}
			}
		}()
		for range tasks {
			if r := selectNext(&chs); !yield(r.v, r.err) {
				return
			}
		}
	}
}

func selectRace(ctx context.Context, tasks []func(context.Context) (int, error), skip bool) (int, error) {
	if len(tasks) == 0 {
		return 0, firstdone.ErrNoTasks
	}
	chs, cancel := startSelect(ctx, tasks)
	defer cancel(nil)
	o := outcome.New[int](len(tasks), skip)
	for range tasks {
		if r := selectNext(&chs); o.Add(r.i, r.v, r.err) {
			cancel(firstdone.ErrLost)
		}
	}
	return o.Result()
}

// startSelect starts up to three tasks, each with a channel of its own; the
// channels of absent tasks are nil, and a nil channel's case never fires.
func startSelect(ctx context.Context, tasks []func(context.Context) (int, error)) ([3]chan result, context.CancelCauseFunc) {
	var chs [3]chan result
	if len(tasks) > len(chs) {
		panic("firstdone: Select takes at most 3 tasks")
	}
	ctx, cancel := context.WithCancelCause(ctx)
	for i, t := range tasks {
		chs[i] = make(chan result, 1)
		go send(ctx, i, t, chs[i])
	}
	return chs, cancel
}

// selectNext receives the next result and sets its channel to nil.
func selectNext(chs *[3]chan result) (r result) {
	select {
	case r = <-chs[0]:
	case r = <-chs[1]:
	case r = <-chs[2]:
	}
	chs[r.i] = nil
	return r
}

// Reflect is [Select] for any number of tasks, with reflect.Select over one
// channel per task: the way to select over a slice of channels.
func Reflect(ctx context.Context, tasks []func(context.Context) (int, error)) (int, error) {
	return reflectRace(ctx, tasks, false)
}

// ReflectSuccess is [Reflect] skipping failures.
func ReflectSuccess(ctx context.Context, tasks []func(context.Context) (int, error)) (int, error) {
	return reflectRace(ctx, tasks, true)
}

// ReflectAsCompleted is [AsCompleted] with reflect.Select: every result
// costs a Select over the channels of the tasks still running.
func ReflectAsCompleted(ctx context.Context, tasks []func(context.Context) (int, error)) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		if len(tasks) == 0 {
			return
		}
		s := startReflect(ctx, tasks)
		defer s.drain(firstdone.ErrStopped)
		for range tasks {
			if r := s.next(); !yield(r.v, r.err) {
				return
			}
		}
	}
}

func reflectRace(ctx context.Context, tasks []func(context.Context) (int, error), skip bool) (int, error) {
	if len(tasks) == 0 {
		return 0, firstdone.ErrNoTasks
	}
	s := startReflect(ctx, tasks)
	o := outcome.New[int](len(tasks), skip)
	for !o.Won() && len(s.cases) > 0 {
		if r := s.next(); o.Add(r.i, r.v, r.err) {
			s.cancel(firstdone.ErrLost)
		}
	}
	s.drain(nil) // once there is a winner, plain receives wait for the rest
	return o.Result()
}

type reflectSelect struct {
	cases  []reflect.SelectCase // one receive per task still running
	chans  []chan result        // chans[k] is cases[k]'s channel
	cancel context.CancelCauseFunc
}

func startReflect(ctx context.Context, tasks []func(context.Context) (int, error)) *reflectSelect {
	ctx, cancel := context.WithCancelCause(ctx)
	s := &reflectSelect{
		cases:  make([]reflect.SelectCase, len(tasks)),
		chans:  make([]chan result, len(tasks)),
		cancel: cancel,
	}
	for i, t := range tasks {
		ch := make(chan result, 1)
		s.chans[i] = ch
		s.cases[i] = reflect.SelectCase{Dir: reflect.SelectRecv, Chan: reflect.ValueOf(ch)}
		go send(ctx, i, t, ch)
	}
	return s
}

// next receives the next result with reflect.Select and drops its case.
func (s *reflectSelect) next() result {
	k, v, _ := reflect.Select(s.cases)
	last := len(s.cases) - 1
	s.cases[k], s.chans[k] = s.cases[last], s.chans[last]
	s.cases, s.chans = s.cases[:last], s.chans[:last]
	return v.Interface().(result)
}

// drain cancels the tasks still running with cause and waits for them.
func (s *reflectSelect) drain(cause error) {
	s.cancel(cause)
	for _, ch := range s.chans {
		<-ch
	}
	s.chans, s.cases = nil, nil
}

// ErrGroup runs the race in an errgroup.WithContext: the winner returns
// firstdone.ErrLost to the group, so the group's "first error" is the winner and its
// context's cause is firstdone.ErrLost.
func ErrGroup(ctx context.Context, tasks []func(context.Context) (int, error)) (int, error) {
	return errGroupRace(ctx, tasks, false)
}

// ErrGroupSuccess is [ErrGroup] skipping failures.
func ErrGroupSuccess(ctx context.Context, tasks []func(context.Context) (int, error)) (int, error) {
	return errGroupRace(ctx, tasks, true)
}

func errGroupRace(ctx context.Context, tasks []func(context.Context) (int, error), skip bool) (int, error) {
	if len(tasks) == 0 {
		return 0, firstdone.ErrNoTasks
	}
	g, ctx := errgroup.WithContext(ctx)
	o := outcome.New[int](len(tasks), skip)
	for i, t := range tasks {
		g.Go(func() error { return play(ctx, o, i, t) })
	}
	_ = g.Wait() // firstdone.ErrLost or nil: the outcome has the result
	return o.Result()
}

// Conc runs the race in conc's pool.New().WithContext(ctx).WithCancelOnError():
// the winner returns firstdone.ErrLost to cancel the pool's context, which conc does
// with context.WithCancel, so the losers see context.Canceled as the cause.
func Conc(ctx context.Context, tasks []func(context.Context) (int, error)) (int, error) {
	return concRace(ctx, tasks, false)
}

// ConcSuccess is [Conc] skipping failures.
func ConcSuccess(ctx context.Context, tasks []func(context.Context) (int, error)) (int, error) {
	return concRace(ctx, tasks, true)
}

func concRace(ctx context.Context, tasks []func(context.Context) (int, error), skip bool) (int, error) {
	if len(tasks) == 0 {
		return 0, firstdone.ErrNoTasks
	}
	p := pool.New().WithContext(ctx).WithCancelOnError().WithFirstError()
	o := outcome.New[int](len(tasks), skip)
	for i, t := range tasks {
		p.Go(func(ctx context.Context) error { return play(ctx, o, i, t) })
	}
	_ = p.Wait() // firstdone.ErrLost or nil: the outcome has the result
	return o.Result()
}

// play runs task i of a race in a group that cancels on the first error, and
// returns firstdone.ErrLost if the task won: the error that makes the group cancel.
func play(ctx context.Context, o *outcome.Outcome[int], i int, t func(context.Context) (int, error)) error {
	if v, err := t(ctx); o.Add(i, v, err) {
		return firstdone.ErrLost
	}
	return nil
}
