package bench

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/suite"
	"github.com/concbench/concbench/internal/work"
	"github.com/concbench/concbench/patterns/firstdone"
	firstdoneimpls "github.com/concbench/concbench/patterns/firstdone/impls"
)

// BenchmarkFirstDone models a race of n tasks where one wins by
// construction: it runs one task of its kind (tiny: ~40 ns of CPU at once;
// wait: a 1 ms timer, by which time every loser is parked) while the other
// n-1 tasks wait for their context and return when it is cancelled — hedged
// requests, a search over replicas. The winner is task 0, started first, in
// the tiny and wait cells, and task n-1, started last, in the lastwins cells
// (tiny work, n >= 16): implementations that hand tasks out one at a time
// until one wins (own, conc) are at their best when the first task wins,
// and a caller cannot choose which replica answers first. Each op is one
// whole race: start, first result, cancellation, and the wait for every
// loser.
//
// Besides sec/op it reports the median over the sample's ops (its last
// maxSpans) of these spans, from time.Now stamps taken inside the tasks and around the call
// (monotonic clock, ~30 ns a read); a median, so that one op the machine
// interrupted does not move the sample:
//   - first-ns: the winner returned -> the caller has its result (First
//     returned; for impl=ascompleted, the loop body got the first yield).
//   - cancel-ns: the winner returned -> the last loser returned.
//   - start-ns: the call began -> the winner's first instruction: a go
//     statement's start-up, plus the implementation's set-up before its first
//     go statement (a context and a few allocations), plus, with
//     GOMAXPROCS=1, however long the caller keeps the only P; in the
//     lastwins cells, after every other task was started.
//   - win-ns: the winner's own run, first instruction to return. With
//     task=wait it is the 1 ms timer plus how late it fired, which depends
//     on the implementation: once every P is idle the runtime sleeps until
//     the next timer in whole milliseconds, so a timer due in 0.2 ms fires
//     ~0.8 ms late.
//
// impl=floor is the lower bound for cancel-ns: a bare goroutine per task, the
// winner known in advance and cancelling the context itself, a WaitGroup.
// impl=ascompleted is firstdone.AsCompleted, breaking after the first result.
// impl=select takes at most 3 tasks and runs at n=2 only. Left out: tasks
// that ignore their context (the call then waits for them, whatever the
// implementation), FirstSuccess, which differs from First only in
// skipping failures, and winners between the first and the last task
// (docs/firstdone.md, "Where the winner sits").
func BenchmarkFirstDone(b *testing.B) {
	oneCPU(b)
	for _, r := range racers() {
		for _, n := range []int{2, 16, 1024} {
			if r.maxTasks > 0 && n > r.maxTasks {
				continue
			}
			for _, kind := range []string{suite.Tiny, suite.Wait, suite.LastWins} {
				if kind == suite.LastWins && n < 16 {
					continue // of two tasks, the last one is the second
				}
				b.Run(suite.Name(suite.Impl.Is(r.name), suite.N.Is(n), suite.Task.Is(kind)), func(b *testing.B) {
					p := newRace(n, kind)
					first, cancel, start, win := newSpans(), newSpans(), newSpans(), newSpans()
					b.ReportAllocs()
					for b.Loop() {
						p.left.Store(int32(n - 1))
						p.called = p.now()
						r.run(context.Background(), p)
						first.add(p.got - p.won)
						cancel.add(p.lastLoser - p.won)
						start.add(p.started - p.called)
						win.add(p.won - p.started)
					}
					reportMedian(b, first, suite.FirstNs)
					reportMedian(b, cancel, suite.CancelNs)
					reportMedian(b, start, suite.StartNs)
					reportMedian(b, win, suite.WinNs)
				})
			}
		}
	}
}

// racer runs one race and stamps p.got when the caller has the result.
type racer struct {
	name     string
	maxTasks int
	run      func(ctx context.Context, p *race)
}

func racers() []racer {
	var rs []racer
	for _, im := range firstdoneimpls.Impls {
		if im.First == nil {
			continue
		}
		rs = append(rs, racer{im.Name, im.MaxTasks, func(ctx context.Context, p *race) {
			if _, err := im.First(ctx, p.tasks); err != nil {
				panic(err)
			}
			p.got = p.now()
		}})
	}
	return append(rs,
		racer{name: suite.AsCompleted, run: func(ctx context.Context, p *race) {
			for _, err := range firstdone.AsCompleted(ctx, p.tasks) {
				p.got = p.now()
				if err != nil {
					panic(err)
				}
				break
			}
		}},
		racer{name: suite.Floor, run: floor},
	)
}

// floor is the least a race can do: a goroutine per task, in order, the
// winner (known in advance) cancelling the others' context, a WaitGroup.
func floor(ctx context.Context, p *race) {
	ctx, cancel := context.WithCancelCause(ctx)
	var wg sync.WaitGroup
	wg.Add(len(p.tasks))
	for i, t := range p.tasks {
		go func() {
			t(ctx)
			if i == p.winner {
				cancel(firstdone.ErrLost)
			}
			wg.Done()
		}()
	}
	wg.Wait()
	cancel(nil)
	p.got = p.now()
}

// race holds a race's tasks and the stamps they take, in ns since base.
type race struct {
	tasks  []func(context.Context) (int, error)
	winner int // the index of the task that wins
	base   time.Time
	left   atomic.Int32 // losers still running

	called, started, won, lastLoser, got int64
}

func (p *race) now() int64 { return int64(time.Since(p.base)) }

func newRace(n int, kind string) *race {
	p := &race{tasks: make([]func(context.Context) (int, error), n), base: time.Now()}
	if kind == suite.LastWins {
		p.winner = n - 1
	}
	for i := range n {
		if i != p.winner {
			p.tasks[i] = func(ctx context.Context) (int, error) {
				<-ctx.Done()
				if p.left.Add(-1) == 0 {
					p.lastLoser = p.now()
				}
				return 0, context.Cause(ctx)
			}
		}
	}
	p.tasks[p.winner] = func(ctx context.Context) (int, error) {
		p.started = p.now()
		var v int
		var err error
		switch kind {
		case suite.Tiny, suite.LastWins:
			v = work.Tiny(0)
		case suite.Wait:
			v, err = work.Wait(ctx, 0)
		default:
			panic("bench: unknown task kind " + kind)
		}
		p.won = p.now()
		return v, err
	}
	return p
}
