package joinall_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/childproc"
	"github.com/concbench/concbench/patterns/joinall"
)

// wakeChild is the environment variable that makes TestRunWakesCaller run
// as the child it starts.
const wakeChild = "JOINALL_WAKE_CHILD"

func TestRunWakesCaller(t *testing.T) {
	// A caller of Run must be woken by the workers when they are done, not
	// wait for the time slices of other runnable goroutines: in a program
	// whose processors are busy, a Run of tiny tasks would otherwise take
	// tens of milliseconds instead of microseconds (a caller that yielded
	// with runtime.Gosched to stand by as a spare did, measured in
	// docs/joinall.md). The child makes that wait endless: GOMAXPROCS=1,
	// asynchronous preemption off, and a goroutine spinning in a loop
	// without a preemption point, runnable beside the caller. Run returns
	// only if the caller never has to let that goroutine run.
	if os.Getenv(wakeChild) == "1" {
		wakeChildMain()
		return
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	const deadline = 60 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	// childproc: the child dies with this process, whatever ends it.
	cmd := childproc.Command(ctx, os.Args[0], "-test.run=^TestRunWakesCaller$", "-test.count=1", "-test.timeout=0")
	cmd.Env = append(os.Environ(), wakeChild+"=1", "GOMAXPROCS=1", "GODEBUG=asyncpreemptoff=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := childproc.Run(cmd)
	if ctx.Err() != nil {
		t.Fatalf("the child did not finish within %v: a Run's caller waited behind a goroutine that never yields\n%s", deadline, out.String())
	}
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out.String())
	}
}

// wakeChildMain runs in the child: Run while a spinning goroutine waits
// for the processor.
func wakeChildMain() {
	if runtime.GOMAXPROCS(0) != 1 {
		fmt.Println("child: want GOMAXPROCS=1")
		os.Exit(2)
	}
	var stop atomic.Bool
	spun := make(chan struct{})
	go func() {
		for !stop.Load() { // no call in the loop: never preempted with asyncpreemptoff=1
		}
		close(spun)
	}()
	for _, n := range []int{9, 1000} {
		for range 50 {
			if got, err := joinall.Run(tasksOf(n, func(i int) (int, error) { return i, nil })); err != nil || len(got) != n {
				fmt.Printf("child: n=%d: len(results), err = %d, %v\n", n, len(got), err)
				os.Exit(1)
			}
		}
	}
	stop.Store(true)
	<-spun
}
