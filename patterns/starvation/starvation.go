// Package starvation measures what CPU hogs do to a goroutine that needs
// the CPU briefly and regularly: Go's answer to "a tokio task that never
// awaits keeps its worker; what happens in Go?".
//
// Under a cooperative scheduler (tokio; Go before 1.14, which preempted only
// at function calls) a task runs until it yields, so a loop that never
// yields starves everything queued behind it on its worker. Go preempts
// asynchronously: sysmon asks a goroutine that has run for 10 ms (the
// runtime's forcePreemptNS) to stop, with a signal when the goroutine has no
// cooperative preemption point of its own. With GODEBUG=asyncpreemptoff=1
// only the cooperative points remain, and the [Hogs] differ in whether they
// have one.
//
// [Measure] runs one [Victim] next to n bounded hogs and returns the delay of
// every wake-up the victim made while they ran. The endless hog (a hog run
// with [Forever] iterations) never returns, so it runs only in a child
// process under a watchdog: see internal/starve.
//
// Measured on the reference machine (scripts/preempt.sh, GOMAXPROCS=1, one
// hog of about 70 ms): with asynchronous preemption every hog kind delays the
// 1 ms sleeper by 15 to 20 ms at the median (the yield hog by 20 µs); with it
// off, tight and leafcall hogs hold it back for their whole length, while
// call and yield hogs still let it through as before.
package starvation

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Measure starts victim and waits for its first wake-up, then runs n hogs
// of iters iterations each on goroutines of their own, waits for them all to
// return and for the victim to wake up once more, stops the victim, and
// returns, in order, the delays of the wake-ups that fell due while all n
// hogs ran (from their start until the first of them returned), or, if none
// did, of the wake-up the victim was waiting for meanwhile. The window ends
// at the first hog's return because from then on a P is free: on a busy
// machine the hogs' lengths differ by tens of milliseconds.
//
// A victim that is starved for the hogs' whole run so shows one wake-up
// with a delay of about the hogs' length. Measure always returns at least
// one delay. It panics if n < 1 or iters < 0, and if the victim makes no
// wake-up within 10 s once the hogs are done (a broken victim, since the
// CPU is free then).
func Measure(h Hog, v Victim, n, iters int) []time.Duration {
	if n < 1 || iters < 0 {
		panic(fmt.Sprintf("starvation: Measure with %d hogs of %d iterations; want n >= 1, iters >= 0", n, iters))
	}
	r := &recorder{woke: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	var victim sync.WaitGroup
	victim.Go(func() { v.Run(ctx, r.wake) })
	defer func() {
		cancel()
		victim.Wait()
	}()

	r.waitWake(time.Time{}) // the victim is running and waiting again
	r.start()
	var hogs sync.WaitGroup
	// end is when the first hog returned, and the cut is made by due time:
	// a hog that could not be preempted still has sysmon's preemption
	// request pending when Run returns and serves it at its first call
	// (time.Now), so the victim's held-back wake-up may run before end is
	// read, and Measure's goroutine gets to run later still.
	var mu sync.Mutex
	var end time.Time
	for range n {
		hogs.Go(func() {
			sink.Add(h.Run(iters))
			now := time.Now()
			mu.Lock()
			if end.IsZero() || now.Before(end) {
				end = now
			}
			mu.Unlock()
		})
	}
	hogs.Wait()
	// Once the victim has woken after the last hog returned, every wake-up
	// due before end has happened: it wakes one at a time.
	r.waitWake(time.Now())
	return r.stop(end)
}

// sink keeps the hogs' results alive.
var sink atomic.Uint64

// recorder collects a victim's wake-ups.
type recorder struct {
	woke chan struct{} // a wake-up happened (capacity 1)

	mu        sync.Mutex
	recording bool
	last      time.Time // time of the latest wake-up
	wakes     []wakeUp
}

type wakeUp struct {
	at    time.Time // when the victim ran
	delay time.Duration
}

func (r *recorder) wake(delay time.Duration) {
	now := time.Now()
	r.mu.Lock()
	r.last = now
	if r.recording {
		r.wakes = append(r.wakes, wakeUp{now, delay})
	}
	r.mu.Unlock()
	select {
	case r.woke <- struct{}{}:
	default:
	}
}

func (r *recorder) start() {
	r.mu.Lock()
	r.recording = true
	r.mu.Unlock()
}

// stop ends the recording and returns the delays of the wake-ups that were
// due before end or, if there are none, of the first wake-up recorded.
func (r *recorder) stop(end time.Time) []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recording = false
	var delays []time.Duration
	for _, w := range r.wakes {
		if due := w.at.Add(-w.delay); due.Before(end) {
			delays = append(delays, w.delay)
		}
	}
	if len(delays) == 0 && len(r.wakes) > 0 {
		delays = append(delays, r.wakes[0].delay)
	}
	return delays
}

// waitWake waits for a wake-up later than after.
func (r *recorder) waitWake(after time.Time) {
	limit := time.NewTimer(10 * time.Second)
	defer limit.Stop()
	for {
		r.mu.Lock()
		done := r.last.After(after)
		r.mu.Unlock()
		if done {
			return
		}
		select {
		case <-r.woke:
		case <-limit.C:
			panic("starvation: the victim made no wake-up within 10s with the CPU free")
		}
	}
}

// Delays summarises a victim's wake-up delays.
type Delays struct {
	P50, P99, Max time.Duration
	Wakes         int // how many wake-ups there were
}

// Summarize returns the median, 99th percentile (nearest rank) and maximum
// of delays, and their count. It does not modify delays. With no delays it
// returns the zero Delays.
func Summarize(delays []time.Duration) Delays {
	if len(delays) == 0 {
		return Delays{}
	}
	s := slices.Clone(delays)
	slices.Sort(s)
	rank := func(p float64) time.Duration {
		return s[max(0, int(math.Ceil(p*float64(len(s))))-1)]
	}
	return Delays{P50: rank(0.50), P99: rank(0.99), Max: s[len(s)-1], Wakes: len(s)}
}

// String formats d as "p50 19.9ms, p99 20.4ms, max 31.2ms, 99 wakes", with
// durations rounded to the microsecond.
func (d Delays) String() string {
	us := time.Microsecond
	return fmt.Sprintf("p50 %v, p99 %v, max %v, %d wakes", d.P50.Round(us), d.P99.Round(us), d.Max.Round(us), d.Wakes)
}
