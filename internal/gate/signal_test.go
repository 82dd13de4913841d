package gate

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/childproc/childproctest"
	"github.com/concbench/concbench/internal/cli"
)

// childEnv makes the test binary a gate process (see TestMain): the gate's
// command line in CONCBENCH_GATE_ARGS, one argument a line.
const childEnv = "CONCBENCH_GATE_ARGS"

func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv(childEnv); ok {
		ctx, stop := cli.NotifyContext(context.Background()) // as concbench's main
		o, err := ParseArgs(strings.Split(args, "\n"), os.Stderr)
		if err == nil {
			err = Run(ctx, o, os.Stdout, os.Stderr)
		}
		stop()
		fmt.Fprintln(os.Stderr, "gate:", err)
		os.Exit(cli.ExitCode(err))
	}
	os.Exit(m.Run())
}

// TestSignal sends each signal to a gate process while it builds and while
// it measures, and checks that the gate exits 128+N having left nothing behind:
// no worktree registered in the user's repository, no temporary file, no
// process (the build's compiler and the benchmark included).
func TestSignal(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc to find processes left behind")
	}
	t.Parallel()
	for _, sig := range cli.Signals {
		for _, when := range []string{"gate: building base", "gate: round 1/"} {
			t.Run(fmt.Sprintf("%v/%s", sig, strings.TrimPrefix(when, "gate: ")), func(t *testing.T) {
				if signal.Ignored(sig) {
					// Started under nohup, say: the gate it starts
					// inherits the ignored signal and keeps it so.
					t.Skipf("%v is ignored in this process, as its parent asked", sig)
				}
				t.Parallel()
				_, dir := tinyRepo(t, "") // a repository each: the worktrees counted are this gate's
				signalGate(t, dir, sig, when)
			})
		}
	}
}

func signalGate(t *testing.T, dir string, sig os.Signal, when string) {
	tmp := t.TempDir()
	// An A/A check of one package at the base, in a worktree: one build
	// before the measuring starts. A benchtime of seconds: the signal lands
	// while a benchmark runs.
	args := []string{"-aa", "-base", "HEAD~1", "-benchtime", "3s", "-rounds", "3", "-pkg", "./b"}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), childEnv+"="+strings.Join(args, "\n"), "TMPDIR="+tmp, "GITHUB_STEP_SUMMARY=")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	timer := time.AfterFunc(2*time.Minute, func() { cmd.Process.Kill() }) // bounded whatever happens
	defer timer.Stop()
	var log strings.Builder
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if strings.HasPrefix(sc.Text(), when) {
			time.Sleep(200 * time.Millisecond) // into go test -c, or the first benchmark process
			cmd.Process.Signal(sig)
		}
	}
	err = cmd.Wait()
	if code, want := cmd.ProcessState.ExitCode(), 128+int(sig.(syscall.Signal)); code != want {
		t.Errorf("exit status %d (%v); want %d\n%s", code, err, want, log.String())
	}
	if !strings.Contains(log.String(), "interrupted by "+sig.String()) {
		t.Errorf("stderr does not name the signal %v:\n%s", sig, log.String())
	}
	if n := worktrees(t, dir); n != 1 {
		t.Errorf("%d worktrees left; want only the main one", n)
	}
	if left, _ := os.ReadDir(tmp); len(left) > 0 {
		t.Errorf("temporary files left in TMPDIR: %v", left)
	}
	if ps := processesUsing(tmp); len(ps) > 0 {
		t.Errorf("processes left: %v", ps)
	}
}

// processesUsing lists the command lines of processes that name path: the
// gate's builds and test binaries all live under the TMPDIR it was given.
func processesUsing(path string) []string {
	var out []string
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err == nil && strings.Contains(string(b), path) {
			out = append(out, strings.ReplaceAll(string(b), "\x00", " "))
		}
	}
	return out
}

// TestCancelInHook cancels a gate while git checks out its base worktree
// and the repository's post-checkout hook runs, as git-lfs's does: the
// hook must die with git (its process group), not run on after the gate
// has returned. The hook closes its output first, so that the gate
// returns without waiting for it either way; it sleeps far longer than
// the bound in which it must be gone.
func TestCancelInHook(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc to find processes left behind")
	}
	_, dir := tinyRepo(t, "")
	pidFile := filepath.Join(t.TempDir(), "hook.pid")
	writeFile(t, filepath.Join(dir, ".git", "hooks", "post-checkout"),
		"#!/bin/sh\necho $$ > "+pidFile+".tmp && mv "+pidFile+".tmp "+pidFile+"\nexec >/dev/null 2>&1\nexec sleep 600\n")
	if err := os.Chmod(filepath.Join(dir, ".git", "hooks", "post-checkout"), 0o755); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	o, err := ParseArgs([]string{"-aa", "-base", "HEAD~1", "-pkg", "./b", "-rounds", "3", "-benchtime", "1x"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	o.Dir, o.Summary = dir, ""
	done := make(chan error, 1)
	go func() { done <- Run(ctx, o, io.Discard, io.Discard) }()
	pid := 0
	for deadline := time.Now().Add(time.Minute); pid == 0; time.Sleep(10 * time.Millisecond) {
		b, _ := os.ReadFile(pidFile)
		if pid, _ = strconv.Atoi(strings.TrimSpace(string(b))); pid == 0 && time.Now().After(deadline) {
			cancel()
			t.Fatalf("the hook did not start; the gate returned %v", <-done)
		}
	}
	cancel()
	if err := <-done; err == nil {
		t.Errorf("a gate cancelled in its checkout returned nil; want an error")
	}
	childproctest.WaitGone(t, pid, time.Minute) // kills it and fails if it is still there
	if n := worktrees(t, dir); n != 1 {
		t.Errorf("%d worktrees left; want only the main one", n)
	}
}

// onLine calls do once, when a line written to it contains substr: a
// stderr that acts as the gate reaches a step.
type onLine struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	substr string
	do     func()
}

func (w *onLine) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if w.do != nil && strings.Contains(w.buf.String(), w.substr) {
		w.do()
		w.do = nil
	}
	return len(p), nil
}

// TestRawUnwritable makes the gate's -o unwritable while it measures: a
// file of that name appears, as another gate with the same -o would write
// it. The verdict must still be written (the -o failure reported after
// it, exit 2), and the file that appeared left as it is.
func TestRawUnwritable(t *testing.T) {
	_, dir := tinyRepo(t, "")
	raw := filepath.Join(t.TempDir(), "raw.txt")
	// 20ms, not 1x: at 1x many CPU-time samples are 0, and the A/A check can
	// flag a false regression (exit 1) that hides the -o error.
	o, err := ParseArgs([]string{"-aa", "-base", "HEAD~1", "-pkg", "./b", "-rounds", "3", "-benchtime", "20ms", "-threshold", "100", "-o", raw}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	o.Dir, o.Summary = dir, ""
	var stdout bytes.Buffer
	stderr := &onLine{substr: "gate: round 1/", do: func() {
		if err := os.WriteFile(raw, []byte("another gate's\n"), 0o644); err != nil {
			t.Error(err)
		}
	}}
	err = Run(context.Background(), o, &stdout, stderr)
	if code := cli.ExitCode(err); code != 2 || !strings.Contains(fmt.Sprint(err), "-o: ") {
		t.Errorf("gate whose -o appeared meanwhile: exit %d, %v; want 2 and the -o error", code, err)
	}
	if !strings.Contains(stdout.String(), "| BenchmarkWork") {
		t.Errorf("stdout lacks the verdict:\n%s", stdout.String())
	}
	if b, _ := os.ReadFile(raw); string(b) != "another gate's\n" {
		t.Errorf("-o file that appeared = %q; want it untouched", b)
	}
}
