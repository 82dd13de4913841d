package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// DupWindow is how long after the first signal [NotifyContext] ignores
// further ones as copies of it.
const DupWindow = time.Second

// Signals are the signals every command handles alike: Ctrl-C (SIGINT),
// what CI runners, timeout(1) and container stops send (SIGTERM), and a
// closed terminal (SIGHUP).
var Signals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// InterruptedError is the cause of a context cancelled by one of [Signals]
// (see [NotifyContext]); [ExitCode] maps it to 128 plus the signal's number.
type InterruptedError struct{ Signal os.Signal }

func (e *InterruptedError) Error() string { return "interrupted by " + e.Signal.String() }

// NotifyContext is like [signal.NotifyContext] for [Signals], with the
// signal kept as the context's cause (an *InterruptedError, see
// [context.Cause]). The first signal cancels the context, and commands
// then clean up: they kill their child processes and process groups,
// remove their temporary files, directories and worktrees, and keep what
// was measured. A signal the process started with ignored stays ignored
// (see notify). A further signal within [DupWindow] of the first is taken
// as a copy of it and ignored: timeout(1), and whatever kills a process
// group, deliver the same signal to the process twice, microseconds apart,
// and the copy must not cut the clean-up short. After that window the
// notification stops, so one more signal has its default effect and ends a
// process that hangs while cleaning up. stop releases the signals at once.
//
// A write to a closed stdout or stderr pipe (concbench run 2>&1 | head)
// raises SIGPIPE, which would end the process at once, leaving its
// temporary files and an unmarked raw.txt: until stop, SIGPIPE is caught
// instead, so that such writes fail with EPIPE, and the first one cancels
// the context as [Signals] do (exit status 141). It stays caught after
// that: every progress line a command writes while it cleans up raises it
// again.
func NotifyContext(parent context.Context) (ctx context.Context, stop context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	notify(ch, Signals...)
	pipe := make(chan os.Signal, 1)
	notify(pipe, syscall.SIGPIPE)
	done := make(chan struct{})
	go func() {
		defer signal.Stop(ch)
		select {
		case sig := <-ch:
			cancel(&InterruptedError{Signal: sig})
		case <-ctx.Done():
			return
		case <-done:
			return
		}
		window := time.NewTimer(DupWindow)
		defer window.Stop()
		for {
			select {
			case <-ch: // a copy of the first signal
			case <-window.C:
				return
			case <-done:
				return
			}
		}
	}()
	go func() {
		for {
			select {
			case sig := <-pipe:
				cancel(&InterruptedError{Signal: sig}) // no effect after the first cancel
			case <-done:
				return
			}
		}
	}()
	// stop is a context.CancelFunc, which may be called by several
	// goroutines at once: the Once makes the close happen once.
	var once sync.Once
	return ctx, func() {
		once.Do(func() { close(done) })
		signal.Stop(ch)
		signal.Stop(pipe)
		cancel(context.Canceled)
	}
}

// notify is signal.Notify for those of sigs that the process did not
// start with ignored. signal.Notify would catch those too, so that a run
// started under nohup (SIGHUP ignored), or as a shell script's background
// job (SIGINT ignored), would stop on the signal it was meant to outlive.
func notify(ch chan<- os.Signal, sigs ...os.Signal) {
	for _, sig := range sigs {
		if !signal.Ignored(sig) {
			signal.Notify(ch, sig)
		}
	}
}

// Interrupted returns err marked with the signal that cancelled ctx, if
// one did (see [NotifyContext]), so that [ExitCode] returns 128 plus the
// signal's number, as a shell reports a process a signal ended; otherwise
// it returns err. A command that was interrupted fails even if it returned
// nil: it did not do all it was asked.
func Interrupted(ctx context.Context, err error) error {
	var ie *InterruptedError
	if !errors.As(context.Cause(ctx), &ie) || errors.As(err, &ie) {
		return err
	}
	if err == nil || errors.Is(err, context.Canceled) {
		return ie
	}
	return fmt.Errorf("%w (%w)", err, ie)
}
