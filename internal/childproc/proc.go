// Package childproc starts child processes that never outlive their parent: like
// [exec.CommandContext], but the child runs in a process group of its own,
// which cancelling the context kills whole (SIGKILL), and on Linux the
// kernel kills the child too if the parent dies without cleaning up, even
// by SIGKILL (the parent-death signal, prctl PR_SET_PDEATHSIG).
//
// The parent-death signal is tied to the thread that started the child,
// not the process: Linux sends it when that thread exits, and the Go
// runtime ends a thread when a goroutine locked to it returns. [Start]
// therefore starts the child from a goroutine locked to its thread and
// keeps that goroutine, and so the thread, until the child is waited for.
package childproc

import (
	"context"
	"os/exec"
	"runtime"
	"sync"
)

// Command returns exec.CommandContext(ctx, name, args...) set up so that
// the child cannot outlive its parent (see the package comment). Start it
// with [Start] or [Run], not its own methods, for the parent-death signal
// to hold.
func Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	setup(cmd)
	return cmd
}

// Start starts cmd from a goroutine locked to its OS thread and returns
// the function that waits for cmd (cmd.Wait), which the caller must call,
// as with exec.Cmd.Start. The thread stays locked until then.
func Start(cmd *exec.Cmd) (wait func() error, err error) { return StartOn(cmd, nil) }

// StartOn is [Start] with the child restricted to the CPUs cpus, on Linux
// (its CPU affinity, which every thread and process it starts inherits);
// nil cpus leaves it wherever the OS puts it. It starts nothing if the
// CPUs cannot be set: outside Linux, or a CPU this process may not use.
//
// The child inherits the affinity of the thread that forks it, which is
// the locked thread: StartOn narrows that thread's CPUs for the fork and
// gives them back at once (if it cannot, the thread ends with the
// goroutine instead of running other goroutines on too few CPUs).
func StartOn(cmd *exec.Cmd, cpus []int) (wait func() error, err error) {
	started := make(chan error, 1)
	waitNow := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		unlock := true
		defer func() {
			if unlock {
				runtime.UnlockOSThread()
			}
		}()
		var restore func() error
		if cpus != nil {
			var err error
			if restore, err = pin(cpus); err != nil {
				started <- err
				return
			}
		}
		err := cmd.Start()
		if restore != nil && restore() != nil {
			unlock = false
		}
		if err != nil {
			started <- err
			return
		}
		started <- nil
		<-waitNow
		done <- cmd.Wait()
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return sync.OnceValue(func() error {
		close(waitNow)
		return <-done
	}), nil
}

// Run starts cmd with [Start] and waits for it.
func Run(cmd *exec.Cmd) error { return RunOn(cmd, nil) }

// RunOn starts cmd with [StartOn] and waits for it.
func RunOn(cmd *exec.Cmd, cpus []int) error {
	wait, err := StartOn(cmd, cpus)
	if err != nil {
		return err
	}
	return wait()
}
