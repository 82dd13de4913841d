package contract

import (
	"context"
	"errors"
	"fmt"
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
	out, timedOut, err := rerun(t, crashEnv)
	var exit *exec.ExitError
	switch {
	case timedOut:
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

// childEnv names the test a child process [InChild] starts runs.
const childEnv = "CONCBENCH_CONTRACT_CHILD"

// InChild runs the test t again in a child process of the test binary, with
// env added to its environment (a setting that is the whole program's, like
// GODEBUG=panicnil=1), and fails t unless the child prints "ok". In the
// child, InChild calls child instead, prints what it returns (what went
// wrong, or "ok") and exits. The parent waits at most a minute.
func InChild(t T, env []string, child func() string) {
	t.Helper()
	if os.Getenv(childEnv) == t.Name() {
		fmt.Println(child())
		os.Exit(0)
	}
	out, _, err := rerun(t, childEnv, env...)
	if err != nil || strings.TrimSpace(string(out)) != "ok" {
		t.Errorf("child process with %s: %v\n%s", strings.Join(env, " "), err, out)
	}
}

// ChildSays returns a regular expression for [Impl.Fails] matching the
// failure [InChild] records when its child printed, instead of "ok", a line
// matching re.
func ChildSays(re string) string {
	return `(?s)^child process with [^\n]*: <nil>\n(` + re + `)\s*$`
}

// rerun runs the test t again in a child process of the test binary, with
// key=t.Name() (which tells the child it is one) and env added to its
// environment, for at most a minute, and returns its output and whether
// the minute ran out.
func rerun(t T, key string, env ...string) (out []byte, timedOut bool, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run="+runPattern(t.Name()), "-test.count=1", "-test.v=false")
	cmd.Env = append(append(os.Environ(), key+"="+t.Name()), env...)
	out, err = cmd.CombinedOutput()
	return out, ctx.Err() != nil, err
}

// runPattern turns a test name into a -test.run pattern matching only it.
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// Within calls f in a new goroutine and returns what it returns, or, if f
// has not returned within d, says so; if f ends its goroutine with
// runtime.Goexit (a task run on the caller's goroutine can) or a panic, it
// says that.
// For a clause an implementation may hang on: called in [InChild]'s child,
// whose exit ends a goroutine that never returns.
func Within(d time.Duration, f func() string) string {
	done := make(chan string, 1)
	go func() {
		returned := false
		defer func() {
			if returned {
				return
			}
			if p := recover(); p != nil {
				done <- fmt.Sprintf("panicked: %v", p)
				return
			}
			done <- "the calling goroutine ended: runtime.Goexit reached it"
		}()
		msg := f()
		returned = true
		done <- msg
	}()
	select {
	case msg := <-done:
		return msg
	case <-time.After(d):
		return fmt.Sprintf("did not return within %v", d)
	}
}
