// Package benchbin builds the concbench bench test binary and runs it, the one
// piece the runner (concbench run) and the gate (concbench gate) share.
//
// Like `go test -c` followed by running the binary by hand: one build serves
// every cell of a matrix, and each run is a separate process, so a process
// setting such as GODEBUG=asyncpreemptoff=1 (read once at start) can differ
// between runs. Every run has a watchdog: a benchmark that hangs is killed,
// and the run says so instead of hanging its caller. The build and every
// run are started with internal/childproc: cancelling the context kills their
// process groups, and they die with the calling process.
package benchbin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/concbench/concbench/internal/childproc"
)

// Pkg is the import path of the benchmark suite, relative to the module root.
const Pkg = "./bench"

// Build compiles the test binary of pkg in the module rooted at dir (go test
// -c) into out, and returns go's output on failure. go's temporary files
// go to out's directory.
func Build(ctx context.Context, dir, pkg, out string) error {
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	cmd := childproc.Command(ctx, "go", "test", "-c", "-o", abs, pkg) // go and its compilers die with us
	cmd.Dir = dir
	// go's work directory goes beside out: a build killed on cancel cannot
	// remove it, and whoever removes out's directory removes it too.
	cmd.Env = append(os.Environ(), "GOTMPDIR="+filepath.Dir(abs))
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := childproc.Run(cmd); err != nil {
		return fmt.Errorf("go test -c %s in %s: %v\n%s", pkg, dir, err, buf.Bytes())
	}
	return nil
}

// Run is one run of a test binary.
type Run struct {
	Bin     string        // path to the test binary
	Dir     string        // working directory, as go test runs a test in its package's directory; "" is the caller's
	Args    []string      // e.g. -test.run=^$ -test.bench=... -test.cpu=1
	Env     []string      // added to the current environment (e.g. GODEBUG=asyncpreemptoff=1)
	Timeout time.Duration // watchdog; 0 means no limit beyond ctx
	CPUs    []int         // the CPUs it runs on (Linux, see childproc.StartOn); nil: wherever the OS puts it
}

// ErrTimeout is returned (wrapped) when the watchdog killed the run.
var ErrTimeout = errors.New("watchdog: killed after timeout")

// Do runs r and returns its standard output, which holds the benchmark lines.
// Standard error is returned inside the error when the process fails. The
// output up to a failure is returned too: what was measured is kept.
func (r Run) Do(ctx context.Context) ([]byte, error) {
	if r.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, r.Timeout)
		defer cancel()
	}
	// As go test runs a test binary: a benchmark that calls os.Exit(0)
	// panics, instead of ending the process as if every benchmark after it
	// had been removed.
	args := append([]string{"-test.paniconexit0"}, r.Args...)
	cmd := childproc.Command(ctx, r.Bin, args...)
	cmd.Dir = r.Dir
	cmd.Env = append(os.Environ(), r.Env...)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := childproc.RunOn(cmd, r.CPUs)
	switch {
	case err == nil:
		return stdout.Bytes(), nil
	case ctx.Err() == context.DeadlineExceeded && r.Timeout > 0:
		return stdout.Bytes(), fmt.Errorf("%s: %w (%v)", filepath.Base(r.Bin), ErrTimeout, r.Timeout)
	case ctx.Err() != nil:
		return stdout.Bytes(), ctx.Err()
	default:
		out := excerpt(stdout.Bytes())
		if len(out) > 0 && out[len(out)-1] != '\n' {
			// A benchmark's name is written before it runs, without a
			// newline: keep a crash's first line a line of its own.
			out = append(slices.Clip(out), '\n')
		}
		return stdout.Bytes(), fmt.Errorf("%s %v: %v\n%s%s", filepath.Base(r.Bin), args, err, out, excerpt(stderr.Bytes()))
	}
}

// excerpt returns b, or its start and its end if it is long: a crash
// says why at its start (panic: ..., fatal error: ...), followed by stacks
// of any length, and a failing benchmark says why at its end.
func excerpt(b []byte) []byte {
	const part = 2000
	if len(b) <= 2*part {
		return b
	}
	return slices.Concat(b[:part], []byte("\n…\n"), b[len(b)-part:])
}
