// Package starve runs the endless hog: CPU hogs that never return, next to a
// victim that needs the CPU every millisecond, in a child process under a
// watchdog, and says whether the victim starved. It is what `concbench
// starve` does, and the answer to "what if I write an endless loop?".
//
// Like [benchbin.Run] with its watchdog, but here the hang is the
// experiment: [Watch] re-executes the current binary in the child role (see
// [Child]) with GOMAXPROCS and GODEBUG=asyncpreemptoff set, reads the
// victim's wake-ups from the child's standard output for a fixed time, then
// kills the child and its process group and waits for it. A starved victim
// is reported, never waited for.
//
// [benchbin.Run]: https://pkg.go.dev/github.com/concbench/concbench/internal/benchbin#Run
package starve

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/concbench/concbench/internal/childproc"
	"github.com/concbench/concbench/patterns/starvation"
)

// Config is one experiment: which hogs, which victim, in which runtime
// setting, watched for how long.
type Config struct {
	Hog     string        // a starvation.Hogs name: tight, leafcall, call or yield
	Victim  string        // a starvation.Victims name: sleep or ping
	Preempt string        // "async" (the default runtime) or "off" (GODEBUG=asyncpreemptoff=1)
	Procs   int           // GOMAXPROCS of the child
	Hogs    int           // number of endless hogs; 0 means Procs (every P taken)
	Timeout time.Duration // how long the victim is watched once the hogs run

	// Bin, when not empty, is another binary that speaks the child
	// protocol (see [Child]), such as xruntime/tokio's, run instead of this
	// one re-executed; it checks Hog and Victim itself (a bad one is an
	// error from Watch). Runtime names its runtime in the verdict.
	Bin, Runtime string
}

// Verdict is what [Watch] saw.
type Verdict struct {
	Config
	// Starved is true when the victim did not wake up once in Timeout.
	Starved bool
	// Delays are the victim's wake-ups while it was watched.
	Delays starvation.Delays
	// PID was the child's process id; the process is gone when Watch
	// returns.
	PID int
}

// String is the one-line verdict, such as
//
//	hog=tight victim=sleep preempt=off procs=1 hogs=1: starved: the victim made no progress for 2s
//	hog=tight victim=sleep preempt=async procs=1 hogs=1: bounded: p50 19.2ms, p99 20.1ms, max 20.1ms, 99 wakes in 2s
func (v Verdict) String() string {
	head := fmt.Sprintf("hog=%s victim=%s preempt=%s procs=%d hogs=%d", v.Hog, v.Victim, v.Preempt, v.Procs, v.hogs())
	if v.Bin != "" {
		// GODEBUG means nothing to another runtime.
		head = fmt.Sprintf("runtime=%s hog=%s victim=%s procs=%d hogs=%d", v.Runtime, v.Hog, v.Victim, v.Procs, v.hogs())
	}
	if v.Starved {
		return fmt.Sprintf("%s: starved: the victim made no progress for %v", head, v.Timeout)
	}
	return fmt.Sprintf("%s: bounded: %v in %v", head, v.Delays, v.Timeout)
}

func (c Config) hogs() int {
	if c.Hogs == 0 {
		return c.Procs
	}
	return c.Hogs
}

// startLimit bounds the child's start-up: exec, the runtime's start, and the
// victim's first wake-up, after which the child starts its hogs.
const startLimit = 500 * time.Millisecond

// Watch runs c in a child process and returns the verdict once c.Timeout
// has passed since the child started its hogs. The child and every process
// in its group are killed and waited for before Watch returns, whatever
// happened; Watch takes at most c.Timeout plus about half a second.
//
// The error is non-nil, and the verdict holds only c and the PID, if c is
// invalid (a usage error naming the flag), if the child does not start its
// hogs within half a second, if it exits or writes something unexpected
// before the time is up, or if ctx is done first.
//
// The binary must call [Child] at start-up, before it does anything else:
// Watch re-executes it to run the child role.
func Watch(ctx context.Context, c Config) (Verdict, error) {
	if err := c.check(); err != nil {
		return Verdict{Config: c}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	child, err := c.start(ctx)
	if err != nil {
		return Verdict{Config: c}, err
	}
	v := Verdict{Config: c, PID: child.pid}
	lines, reader := scanLines(ctx, child.out)
	delays, watchErr := watch(ctx, lines, c.Timeout)
	cancel() // kills the child's process group (childproc.Command)
	waitErr := child.wait()
	reader.Wait()

	if errors.Is(watchErr, errExited) {
		return v, fmt.Errorf("starve: the child exited before the verdict (%v): %w\n%s", waitErr, watchErr, child.stderr.Bytes())
	}
	if watchErr != nil {
		return v, fmt.Errorf("%w\n%s", watchErr, child.stderr.Bytes())
	}
	v.Delays = starvation.Summarize(delays)
	v.Starved = v.Delays.Wakes == 0
	return v, nil
}

// childProc is a started child: its PID, its standard output, the head of
// its standard error, and the wait for its end.
type childProc struct {
	pid    int
	out    io.Reader
	stderr *headBuffer
	wait   func() error
}

// start starts c's child: c.Bin, or this binary re-executed in the child
// role, in a process group of its own that cancelling ctx kills.
func (c Config) start(ctx context.Context) (*childProc, error) {
	exe, err := c.Bin, error(nil)
	if exe == "" {
		exe, err = os.Executable()
	}
	if err != nil {
		return nil, fmt.Errorf("starve: finding the binary to re-execute: %v", err)
	}
	cmd := childproc.Command(ctx, exe) // its own process group, killed with this process
	cmd.Env = append(os.Environ(), c.childEnv()...)
	p := &childProc{stderr: new(headBuffer)}
	cmd.Stderr = p.stderr
	cmd.WaitDelay = time.Second
	if p.out, err = cmd.StdoutPipe(); err != nil {
		return nil, err
	}
	if p.wait, err = childproc.Start(cmd); err != nil {
		return nil, fmt.Errorf("starve: starting the child: %v", err)
	}
	p.pid = cmd.Process.Pid
	return p, nil
}

// scanLines sends the lines of r on the channel it returns until r ends or
// ctx is done, then closes the channel; reader.Wait waits for that.
func scanLines(ctx context.Context, r io.Reader) (lines <-chan string, reader *sync.WaitGroup) {
	ch := make(chan string)
	reader = new(sync.WaitGroup)
	reader.Go(func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			select {
			case ch <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	})
	return ch, reader
}

// Rejected: running the child with benchbin.Run, the suite's other
// watchdog. It buffers the output until the process exits and treats its
// timeout as a failure; here the kill at the deadline is the normal end, the
// wake-ups are read while the child runs, and the whole process group goes.

var errExited = errors.New("its output ended")

// watch reads the child's protocol from lines: "hogs N" once the victim runs
// and the hogs start, then "wake NS" for each wake-up. It returns the delays
// reported within timeout of the hogs' start.
func watch(ctx context.Context, lines <-chan string, timeout time.Duration) ([]time.Duration, error) {
	start := time.NewTimer(startLimit)
	defer start.Stop()
	for started := false; !started; {
		select {
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case <-start.C:
			return nil, fmt.Errorf("starve: the child did not start its hogs within %v", startLimit)
		case line, ok := <-lines:
			switch {
			case !ok:
				return nil, errExited
			case strings.HasPrefix(line, "hogs "):
				started = true
			case !strings.HasPrefix(line, "wake "): // wake-ups before the hogs do not count
				return nil, fmt.Errorf("starve: unexpected line from the child: %q", line)
			}
		}
	}
	window := time.NewTimer(timeout)
	defer window.Stop()
	var delays []time.Duration
	for {
		select {
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		case <-window.C:
			return delays, nil
		case line, ok := <-lines:
			if !ok {
				return nil, errExited
			}
			ns, err := strconv.ParseInt(strings.TrimPrefix(line, "wake "), 10, 64)
			if err != nil || !strings.HasPrefix(line, "wake ") {
				return nil, fmt.Errorf("starve: unexpected line from the child: %q", line)
			}
			delays = append(delays, time.Duration(ns))
		}
	}
}

// headBuffer keeps the first 4 KiB written to it: enough for a panic's
// message, bounded whatever the child writes.
type headBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (t *headBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room := 4096 - t.buf.Len(); room > 0 {
		t.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (t *headBuffer) Bytes() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Clone(t.buf.Bytes())
}
