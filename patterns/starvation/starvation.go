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
// [Measure] runs one [Victim] next to n bounded hogs and returns the
// [Window] they held: the delays of the victim's wake-ups, its progress
// (wake-ups made per wake-up due) and its longest stall. The endless hog (a
// hog run with [Forever] iterations) never returns, so it runs only in a
// child process under a watchdog: see internal/starve.
//
// With asynchronous preemption every hog kind but yield stalls the 1 ms
// sleeper for about one or two of sysmon's 10 ms time slices at a time; with
// it off, tight and leafcall hogs hold it back for their whole length,
// while call and yield hogs still let it through as before. The measured
// figures are in a run's report (concbench run, scripts/preempt.sh);
// docs/starvation.md has the design notes, the reference run's figures and
// the designs rejected.
package starvation

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	_ "unsafe" // for go:linkname
)

// Measure starts victim and waits for its first wake-up, then runs n hogs
// of iters iterations each on goroutines of their own, waits for them all to
// return and for the victim to wake up once more, stops the victim, and
// returns the [Window] the hogs held: from their start until the first of
// them returned, with the delays of the wake-ups that fell due in it. The
// window ends at the first hog's return because from then on a P is free
// when n <= GOMAXPROCS, as in the benchmarks: on a busy machine the hogs'
// lengths differ by tens of milliseconds. A victim that is starved for the
// hogs' whole run so shows one wake-up with a delay of about the window's
// length.
//
// With more hogs than Ps the window still ends at the first hog's return,
// but the P that return frees may go to a hog still waiting for one, so a
// wake-up due in the window may wait on past its end: its delay, and the
// window's Stall, can be longer than Length (GOMAXPROCS=2, asynchronous
// preemption off, 3 tight hogs of about 70 ms, on a shared 2-core machine:
// Length 80 ms, Stall 155 ms in one run of three).
//
// It panics if n < 1 or iters < 0, if h or v has no Run, if a hog's Run
// does not return (it called runtime.Goexit: the window would have no end),
// and if the victim is broken, which it judges only while no hog holds the
// CPU: if the victim makes no wake-up within 10 s of its start (before any
// hog has started) or within 10 s once the hogs are done, or if its Run does
// not return within 10 s of its context's end. In each case but the first
// two Measure has ended the victim's context and panics without waiting for
// Run any longer: the victim's goroutine, and any it started, are left
// running, or blocked, for as long as Run takes. A panic in a hog's or the
// victim's Run is not carried to the caller: it crashes the program, as in
// any goroutine.
func Measure(h Hog, v Victim, n, iters int) Window {
	if n < 1 || iters < 0 {
		panic(fmt.Sprintf("starvation: Measure with %d hogs of %d iterations; want n >= 1, iters >= 0", n, iters))
	}
	if h.Run == nil || v.Run == nil {
		panic(fmt.Sprintf("starvation: Measure with hog %q or victim %q without Run", h.Name, v.Name))
	}
	r := &recorder{woke: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		v.Run(ctx, r.wake)
	}()

	r.waitWake(time.Time{}, "of its start, before the hogs ran") // the victim is running and waiting again
	start, startNano := r.start()
	var hogs sync.WaitGroup
	// end is when the first hog returned. A hog that could not be preempted
	// still has sysmon's preemption request pending when Run returns, and
	// serves it at its goroutine's first preemption point: the stack check
	// of the first function it calls that has one. time.Now and time.Since
	// are such functions (neither is inlined), so a hog that read the clock
	// with them could wait there for the other hogs: at GOMAXPROCS=1 with
	// asynchronous preemption off, three tight hogs of 66 ms each made a
	// window of 202 ms. nanotime has no stack check, so each hog reads the
	// clock before anything can take its P (checked with -gcflags=-S,
	// go1.26 amd64, with and without -race: its call follows Run's with
	// nothing between). The cut is then made by due time: the victim's
	// held-back wake-up may run before Measure's goroutine does.
	var mu sync.Mutex
	endNano := int64(math.MaxInt64)
	hogsReturned := 0 // not ended by runtime.Goexit
	for range n {
		hogs.Go(func() {
			x := h.Run(iters)
			now := nanotime() // before any preemption point: see above
			sink.Add(x)
			mu.Lock()
			endNano = min(endNano, now)
			hogsReturned++
			mu.Unlock()
		})
	}
	hogs.Wait() // each hog unlocks mu before its Done, which synchronizes before Wait returns
	if hogsReturned < n {
		panic(fmt.Sprintf("starvation: %d of the hogs did not return from Run (runtime.Goexit)", n-hogsReturned))
	}
	end := start.Add(time.Duration(endNano - startNano))
	// Once the victim has woken after the last hog returned, every wake-up
	// due before end has happened: it wakes one at a time.
	r.waitWake(time.Now(), "once the hogs were done")
	win := r.stop(start, end)
	cancel()
	limit := time.NewTimer(victimLimit)
	defer limit.Stop()
	select {
	case <-returned:
	case <-limit.C:
		panic(fmt.Sprintf("starvation: the victim's Run did not return within %v of its context's end", victimLimit))
	}
	return win
}

// victimLimit is how long [Measure] waits for the victim while no hog runs,
// for a wake-up or for its Run to return, before it calls the victim broken
// and panics: ten thousand of its periods.
const victimLimit = 10 * time.Second

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

// start starts the recording and returns when, as a time.Time and as a
// [nanotime] reading.
func (r *recorder) start() (time.Time, int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recording = true
	return time.Now(), nanotime()
}

// nanotime returns the runtime's monotonic clock in nanoseconds: the clock
// of time.Now's monotonic reading, from another origin. The runtime marks
// it nosplit, so calling it is no preemption point, and keeps it for
// linkname (go.dev/issue/67401: "Do not remove or change the type
// signature").
//
//go:linkname nanotime runtime.nanotime
func nanotime() int64

// stop ends the recording and returns the window from start to end: the
// delays of the wake-ups that were due in it, and its longest stall, which
// also counts a wake-up due a little before start that ran only after it
// (from start on).
func (r *recorder) stop(start, end time.Time) Window {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recording = false
	win := Window{Length: end.Sub(start)}
	for _, w := range r.wakes {
		due := w.at.Add(-w.delay)
		if !due.Before(end) {
			continue
		}
		if !due.Before(start) {
			win.Delays = append(win.Delays, w.delay)
		}
		win.Stall = max(win.Stall, w.at.Sub(later(due, start)))
	}
	return win
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// waitWake waits for a wake-up later than after, for at most victimLimit,
// and panics if none comes, saying in the message when it waited.
func (r *recorder) waitWake(after time.Time, when string) {
	limit := time.NewTimer(victimLimit)
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
			panic(fmt.Sprintf("starvation: the victim made no wake-up within %v %s", victimLimit, when))
		}
	}
}

// Window is what a victim went through while the hogs of one [Measure] ran.
type Window struct {
	// Length is the window's length: from the hogs' start until the first
	// of them returned from Run, whatever ran on its P next.
	Length time.Duration
	// Delays are the delays of the victim's wake-ups that fell due in the
	// window, in order: each from when it was due until the victim ran.
	Delays []time.Duration
	// Stall is the longest time the victim waited to run after a wake-up
	// that fell due in the window: the largest delay, where a wake-up due
	// just before the window counts from the window's start. It can be
	// longer than Length when the victim ran only after the window's end:
	// by much with more hogs than Ps (see [Measure]).
	Stall time.Duration
}

// Due returns how many wake-ups an unhindered victim makes in the window:
// its Length in [Period]s, at least 1.
func (w Window) Due() float64 { return max(1, float64(w.Length)/float64(Period)) }

// Progress returns the wake-ups the victim made in the window per wake-up
// due: near 1 (a little less, since each wait starts only after the
// previous wake-up ran) when the hogs left it alone, 1/Due when it woke only
// once the hogs were done.
func (w Window) Progress() float64 { return float64(len(w.Delays)) / w.Due() }

// MinWakes is the fewest wake-ups a percentile of their delays may come
// from: below it, a "p50" is one of a handful of values, and which one
// depends on where the window happened to cut. From fewer than 100
// wake-ups, the 99th percentile (nearest rank) is the maximum.
const MinWakes = 20

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
