package starvation

import (
	"context"
	"sync"
	"time"
)

// Victim is a goroutine that needs the CPU briefly and regularly. Run runs
// it until ctx is done and calls wake, on the victim's goroutine, each time
// the victim gets to run after waiting, with how late it got there.
type Victim struct {
	Name string
	Run  func(ctx context.Context, wake func(delay time.Duration))
}

// Victims lists the victims in the order the benchmarks use them.
var Victims = []Victim{
	{Name: "sleep", Run: Sleep},
	{Name: "ping", Run: Ping},
}

// Period is how often a victim wants the CPU.
const Period = time.Millisecond

// Sleep is a sleeper: it waits [Period] on a timer, again and again, like
// time.Sleep(Period) in a loop, and reports each wake-up's delay: when it ran
// after the wait, minus when the wait was due to end. A timer wakes it, so it
// needs some P to run the timer and then to run it.
func Sleep(ctx context.Context, wake func(delay time.Duration)) {
	t := time.NewTimer(Period)
	defer t.Stop()
	for {
		due, ok := wait(ctx, t)
		if !ok {
			return
		}
		wake(time.Since(due))
	}
}

// wait waits [Period] on t and returns when the wait was due to end, or
// false if ctx is done first.
func wait(ctx context.Context, t *time.Timer) (due time.Time, ok bool) {
	due = time.Now().Add(Period)
	t.Reset(Period)
	select {
	case <-ctx.Done():
		return due, false
	case <-t.C:
		return due, true
	}
}

// Ping is a server answering a client: a partner goroutine sends a ping
// every [Period] on an unbuffered channel and waits for the pong before its
// next period. Ping reports, for each ping, how late it received it: when it
// ran, minus when the ping was due (the end of the partner's wait). The delay
// so includes the partner's own wake-up and the hand-off between the two
// goroutines; a late ping is one late wake, not a burst of them.
//
// Rejected: back-to-back ping-pong with no period. Two goroutines handing
// each other the P through runnext keep it for a whole time slice (10 ms or
// more), so a yielding hog next to them gets one YieldEvery batch of work per
// slice: at GOMAXPROCS=1 a Yield(2_000_000) that takes 70 ms alone took 78 s
// next to such a pair. The victim would be a hog itself; one that needs the
// CPU briefly and regularly is the shape the question is about.
func Ping(ctx context.Context, wake func(delay time.Duration)) {
	ping := make(chan time.Time)
	pong := make(chan struct{})
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { client(ctx, ping, pong) })
	for {
		select {
		case <-ctx.Done():
			return
		case due := <-ping:
			wake(time.Since(due))
		}
		select {
		case <-ctx.Done():
			return
		case pong <- struct{}{}:
		}
	}
}

// client is Ping's partner: every Period it sends the time the ping was due
// and waits for the answer.
func client(ctx context.Context, ping chan<- time.Time, pong <-chan struct{}) {
	t := time.NewTimer(Period)
	defer t.Stop()
	for {
		due, ok := wait(ctx, t)
		if !ok {
			return
		}
		select {
		case <-ctx.Done():
			return
		case ping <- due:
		}
		select {
		case <-ctx.Done():
			return
		case <-pong:
		}
	}
}
