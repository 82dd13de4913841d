package contract

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// crashEnv names the subtest a child process re-runs to crash on purpose.
const crashEnv = "CONCBENCH_CONTRACT_CRASH"

// ExpectCrash checks that f kills the process, as an unrecovered panic in a
// goroutine does, with want in its output. A crash cannot be observed from
// inside the process, so ExpectCrash re-runs the test binary for the current
// subtest only, where it calls f; the parent waits at most a minute.
func ExpectCrash(t T, f func(), want string) {
	t.Helper()
	if os.Getenv(crashEnv) == t.Name() {
		f()
		// f returned, but a goroutine it left may be about to crash the
		// process (a loser that panics once cancelled): give it the time
		// to, then the parent reports that nothing crashed.
		time.Sleep(lateCrash)
		os.Exit(0)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run="+runPattern(t.Name()), "-test.count=1", "-test.v=false")
	cmd.Env = append(os.Environ(), crashEnv+"="+t.Name())
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Errorf("child process did not finish within a minute")
	case err == nil:
		t.Errorf("the process did not crash; want a crash with %q", want)
	case !errors.As(err, &exit):
		t.Errorf("running child process: %v", err)
	case !strings.Contains(string(out), want):
		t.Errorf("the process crashed (%v) without %q in its output:\n%s", err, want, out)
	}
}

// lateCrash is how long the child waits after f returned for a crash in a
// goroutine f left running: far beyond the microseconds such a goroutine
// needs to be scheduled, even on a loaded machine.
const lateCrash = 2 * time.Second

// runPattern turns a test name into a -test.run pattern matching only it.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}
