//go:build unix

package cli

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestNotifyContext(t *testing.T) {
	for _, sig := range Signals {
		t.Run(sig.String(), func(t *testing.T) {
			if signal.Ignored(sig) {
				// Started under nohup, say: NotifyContext leaves an
				// ignored signal ignored (TestIgnoredStaysIgnored).
				t.Skipf("%v is ignored in this process, as its parent asked", sig)
			}
			ctx, stop := NotifyContext(context.Background())
			defer stop()
			if err := syscall.Kill(os.Getpid(), sig.(syscall.Signal)); err != nil {
				t.Fatal(err)
			}
			select {
			case <-ctx.Done():
			case <-time.After(time.Minute): // a bound, not a timing claim
				t.Fatalf("%v did not cancel the context", sig)
			}
			err := Interrupted(ctx, fmt.Errorf("run: %w", context.Canceled))
			want := 128 + int(sig.(syscall.Signal))
			if got := ExitCode(err); got != want {
				t.Errorf("ExitCode(%v) = %d; want %d", err, got, want)
			}
			if got := ExitCode(Interrupted(ctx, nil)); got != want {
				t.Errorf("ExitCode of an interrupted command that returned nil = %d; want %d", got, want)
			}
		})
	}
	ctx, stop := NotifyContext(context.Background())
	stop()
	if err := Interrupted(ctx, nil); err != nil {
		t.Errorf("Interrupted after stop, no signal: %v; want nil", err)
	}
}

// TestNotifyContextStopTwice checks that stop keeps the contract of a
// context.CancelFunc: several goroutines may call it at once, and later
// calls do nothing (a double close would panic; -race sees a data race).
func TestNotifyContextStopTwice(t *testing.T) {
	ctx, stop := NotifyContext(context.Background())
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(stop)
	}
	wg.Wait()
	stop()
	if err := context.Cause(ctx); err != context.Canceled {
		t.Errorf("context.Cause after stop = %v; want context.Canceled", err)
	}
}

// TestIgnoredStaysIgnored starts this test binary again with SIGHUP
// ignored, as nohup starts a command, in a role that sends itself SIGHUP
// and then SIGTERM: the context must be cancelled by SIGTERM, the SIGHUP
// having stayed ignored, as nohup asked.
func TestIgnoredStaysIgnored(t *testing.T) {
	if os.Getenv("CLI_TEST_IGNORED") == "1" {
		ctx, stop := NotifyContext(context.Background())
		defer stop()
		syscall.Kill(os.Getpid(), syscall.SIGHUP)
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
		select {
		case <-ctx.Done():
			fmt.Println("cancelled by", context.Cause(ctx))
		case <-time.After(time.Minute): // a bound, not a timing claim
			fmt.Println("not cancelled")
		}
		return
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh to start a process with SIGHUP ignored")
	}
	cmd := exec.Command("sh", "-c", `trap "" HUP; exec "$0" -test.run='^TestIgnoredStaysIgnored$' -test.v=false`, os.Args[0])
	cmd.Env = append(os.Environ(), "CLI_TEST_IGNORED=1")
	out, err := cmd.CombinedOutput()
	if want := "cancelled by interrupted by terminated"; !strings.Contains(string(out), want) {
		t.Errorf("a process started with SIGHUP ignored, sent SIGHUP then SIGTERM: %v\n%s\nwant %q", err, out, want)
	}
}

// TestSignalCopyIgnored starts this test binary again in a role that sends
// itself SIGTERM and, once that has cancelled its context, SIGTERM again,
// as timeout(1) does (to the process, then to its process group): the copy
// must not end the process while it cleans up.
func TestSignalCopyIgnored(t *testing.T) {
	if os.Getenv("CLI_TEST_COPY") == "1" {
		ctx, stop := NotifyContext(context.Background())
		defer stop()
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
		select {
		case <-ctx.Done():
		case <-time.After(time.Minute): // a bound, not a timing claim
			fmt.Println("not cancelled")
			return
		}
		// The copy comes a little later than the first signal's handling,
		// well within DupWindow: before the fix, the notification had
		// stopped by then, and the copy ended the process.
		time.Sleep(DupWindow / 10)
		syscall.Kill(os.Getpid(), syscall.SIGTERM)
		time.Sleep(DupWindow / 10) // for a default action to end the process
		fmt.Println("cleaned up after", context.Cause(ctx))
		return
	}
	if signal.Ignored(syscall.SIGTERM) {
		t.Skip("SIGTERM is ignored in this process, as its parent asked")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestSignalCopyIgnored$", "-test.v=false")
	cmd.Env = append(os.Environ(), "CLI_TEST_COPY=1")
	out, err := cmd.CombinedOutput()
	if want := "cleaned up after interrupted by terminated"; err != nil || !strings.Contains(string(out), want) {
		t.Errorf("a process sent SIGTERM twice: %v\n%s\nwant %q and exit 0", err, out, want)
	}
}
