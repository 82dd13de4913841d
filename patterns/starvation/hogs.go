package starvation

import (
	"math"
	"runtime"
)

// Hog is one kind of CPU hog: a loop that burns CPU without blocking.
type Hog struct {
	Name string
	// Run burns CPU for iters iterations of the same unit of work (one
	// [Rounds]-round mix step) and returns a value derived from it, so the
	// compiler cannot drop the work. Run(Forever) does not return.
	Run func(iters int) uint64
	// Cooperative says whether the loop reaches a cooperative preemption
	// point (a function prologue's stack check, or an explicit yield). Only
	// those give up the CPU when asynchronous preemption is off
	// (GODEBUG=asyncpreemptoff=1); the others keep it until they return.
	Cooperative bool
	// Models says what code the hog stands for.
	Models string
}

// Hogs lists the hog kinds in the order the benchmarks use them.
var Hogs = []Hog{
	{Name: "tight", Run: Tight,
		Models: "a loop of pure arithmetic: hashing, a spin-wait on a variable, an accidental endless for loop"},
	{Name: "leafcall", Run: LeafCall,
		Models: "a loop calling a small function that calls nothing itself: still no preemption point"},
	{Name: "call", Run: Call, Cooperative: true,
		Models: "a loop calling ordinary functions: most real Go code"},
	{Name: "yield", Run: Yield, Cooperative: true,
		Models: "a loop that yields every YieldEvery iterations: tokio's yield_now, or a cooperative budget"},
}

const (
	// Rounds is the number of LCG-and-xorshift rounds in one iteration of
	// every hog: about 30 ns of CPU on the reference machine, enough that
	// the cost of a call is a small part of an iteration and every hog kind
	// does about the same work per iteration.
	Rounds = 16

	// YieldEvery is how many iterations the yield hog runs between calls to
	// runtime.Gosched: about 30 µs of work, so a yield's ~100 ns is noise.
	YieldEvery = 1000

	// Forever is an iteration count no hog finishes: at ~30 ns an iteration
	// it lasts thousands of years. Only a child process under a watchdog may
	// run it (see internal/starve).
	Forever = math.MaxInt
)

// Tight runs iters iterations of pure arithmetic: no calls, so no
// cooperative preemption point. Only an asynchronous preemption (a signal)
// stops it before it returns: Go compiles no preemption check into loops
// (only the experiment GOEXPERIMENT=preemptibleloops, off by default, does).
func Tight(iters int) uint64 { return spin(uint64(iters), iters) }

// spin runs iters iterations of the hogs' work on x in a loop with no calls.
func spin(x uint64, iters int) uint64 {
	for range iters {
		for range Rounds {
			x = x*6364136223846793005 + 1442695040888963407
			x ^= x >> 29
		}
	}
	return x
}

// LeafCall runs iters iterations, each a call of a small leaf function (one
// that calls nothing). The compiler gives a leaf function whose frame is
// smaller than the stack guard no stack-check prologue (it marks it
// NOSPLIT), and the prologue is where a goroutine notices a cooperative
// preemption request, so this loop has no preemption point either. Checked
// with `go tool objdump -s 'starvation\.leaf$'` on a build of the bench
// binary (go1.26, amd64): the function starts with its arithmetic, and has no
// CMPQ SP, 0x10(R14) / runtime.morestack_noctxt pair, which Call's nonleaf
// has.
func LeafCall(iters int) uint64 {
	x := uint64(iters)
	for i := 0; i < iters; i++ {
		x = leaf(x)
	}
	return x
}

// Call runs iters iterations, each a call of a non-leaf function. Every
// non-leaf function starts with a stack check, which the runtime turns into
// a preemption point (it sets the goroutine's stack guard so that the check
// fails), so this hog gives up the CPU about 10 ms after sysmon asks it to,
// with or without asynchronous preemption.
func Call(iters int) uint64 {
	x := uint64(iters)
	for i := 0; i < iters; i++ {
		x = nonleaf(x)
	}
	return x
}

// Yield is [Tight] with a runtime.Gosched call every [YieldEvery]
// iterations: the explicit yield a cooperative scheduler needs.
func Yield(iters int) uint64 {
	x := uint64(iters)
	for done := 0; done < iters; done += YieldEvery {
		x = spin(x, min(YieldEvery, iters-done))
		runtime.Gosched()
	}
	return x
}

// leaf is one iteration of work. It must stay a leaf with a small frame;
// noinline keeps the call. It stays one in -race builds too: the compiler
// drops racefuncenter/racefuncexit from a function that makes no other call
// (needRaceCleanup in cmd/compile/internal/ssa; checked with objdump on a
// -race build).
//
//go:noinline
func leaf(x uint64) uint64 {
	for range Rounds {
		x = x*6364136223846793005 + 1442695040888963407
		x ^= x >> 29
	}
	return x
}

// nonleaf is leaf behind one more call, which gives it a stack-check
// prologue.
//
//go:noinline
func nonleaf(x uint64) uint64 {
	return leaf(x)
}
