//go:build linux

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/benchbin/benchbintest"
	"github.com/concbench/concbench/internal/childproc/childproctest"
	"github.com/concbench/concbench/internal/cli"
)

// bound is how long any step of the signal tests may take: a bound for a
// stuck test on a loaded machine, not a timing claim.
const bound = 3 * time.Minute

// hangModule writes a module whose bench suite measures one benchmark and
// then hangs in a second one, after writing its pid to the file named by
// $CONCBENCH_TEST_HANG. It is a git repository with one commit, for gate.
func hangModule(t *testing.T) string {
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module tiny\n\ngo 1.25\n",
		"bench/b_test.go": `package bench

import (
	"os"
	"strconv"
	"testing"
	"time"
)

func BenchmarkA(b *testing.B) {
	for b.Loop() {
	}
}

func BenchmarkHang(b *testing.B) {
	os.WriteFile(os.Getenv("CONCBENCH_TEST_HANG"), []byte(strconv.Itoa(os.Getpid())), 0o644)
	time.Sleep(3 * time.Minute) // killed long before; bounded in case
}
`,
	}
	benchbintest.Files(t, dir, files)
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "tiny"}} {
		if out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir
}

// TestSignals sends each handled signal to each long-running command while
// it measures, and checks that the command exits 128+N having killed its
// processes, removed its temporary files and worktrees, and kept what it
// had measured.
func TestSignals(t *testing.T) {
	if testing.Short() {
		t.Skip("starts concbench and builds a module")
	}
	commands := []struct {
		name string
		args []string
		// started returns the pid of a process that shows the command is
		// measuring, or 0 while it is not.
		started func(t *testing.T, c *exec.Cmd, hang string) int
		// kept checks what an interrupted command must keep.
		kept func(t *testing.T, out, stdout, stderr string)
	}{
		{"run", []string{"run", "-count", "2", "-cpu", "1", "-preempt", "async", "-benchtime", "1x", "-endless", "0", "-tokio", ""},
			hangStarted, keptRun},
		{"starve", []string{"starve", "-hog", "tight", "-preempt", "off", "-timeout", "2m"},
			childStarted, func(*testing.T, string, string, string) {}},
		{"gate", []string{"gate", "--base", "HEAD", "-bench", ".", "-rounds", "2", "-benchtime", "1x"},
			hangStarted, func(*testing.T, string, string, string) {}},
	}
	for _, cmd := range commands {
		for _, sig := range cli.Signals {
			t.Run(cmd.name+"/"+sig.String(), func(t *testing.T) {
				if signal.Ignored(sig) {
					// Started under nohup, say: the command it starts
					// inherits the ignored signal and keeps it so.
					t.Skipf("%v is ignored in this process, as its parent asked", sig)
				}
				signalCommand(t, cmd.args, sig.(syscall.Signal), cmd.started, cmd.kept)
			})
		}
	}
}

func signalCommand(t *testing.T, args []string, sig syscall.Signal,
	started func(*testing.T, *exec.Cmd, string) int, kept func(*testing.T, string, string, string)) {
	mod := hangModule(t)
	tmp, out := t.TempDir(), filepath.Join(t.TempDir(), "results")
	hang := filepath.Join(t.TempDir(), "hang.pid")
	ctx, cancel := context.WithTimeout(context.Background(), 2*bound)
	defer cancel()
	if args[0] == "run" {
		args = append(args, "-out", out)
	}
	c := exec.CommandContext(ctx, os.Args[0], args...)
	c.Dir = mod
	c.Env = append(os.Environ(), mainEnv+"=1", "TMPDIR="+tmp, "CONCBENCH_TEST_HANG="+hang, "GOFLAGS=-mod=mod")
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	var pid int
	for deadline := time.Now().Add(bound); pid == 0; time.Sleep(20 * time.Millisecond) {
		if pid = started(t, c, hang); pid == 0 && (time.Now().After(deadline) || c.ProcessState != nil) {
			c.Process.Kill()
			c.Wait()
			t.Fatalf("%v did not start measuring\nstderr:\n%s", args, stderr.String())
		}
	}
	if err := c.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	err := c.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 128+int(sig) {
		t.Errorf("%v after %v: %v; want exit status %d\nstderr:\n%s", args, sig, err, 128+int(sig), stderr.String())
	}
	checkGone(t, pid)
	if entries, _ := os.ReadDir(tmp); len(entries) != 0 {
		t.Errorf("%v left %v in its temporary directory", args, names(entries))
	}
	if wt, err := exec.Command("git", "-C", mod, "worktree", "list").Output(); err != nil || bytes.Count(wt, []byte("\n")) != 1 {
		t.Errorf("%v left git worktrees: %s %v", args, wt, err)
	}
	kept(t, out, stdout.String(), stderr.String())
}

// hangStarted returns the pid the hanging benchmark wrote.
func hangStarted(t *testing.T, _ *exec.Cmd, hang string) int {
	b, err := os.ReadFile(hang)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(string(b))
	return pid
}

// childStarted returns the pid of a child process of c.
func childStarted(t *testing.T, c *exec.Cmd, _ string) int {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", c.Process.Pid))
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		if fs := strings.Fields(string(b)); len(fs) > 0 {
			pid, _ := strconv.Atoi(fs[0])
			return pid
		}
	}
	return 0
}

// keptRun checks that an interrupted run kept its run directory, under its
// final name, with the measured result and a note that says it was
// interrupted, and that nothing points at a temporary path.
func keptRun(t *testing.T, out, stdout, stderr string) {
	entries, err := os.ReadDir(out)
	if err != nil || len(entries) != 1 || strings.HasPrefix(entries[0].Name(), ".") {
		t.Fatalf("run directory: %v, %v; want one run", names(entries), err)
	}
	dir := filepath.Join(out, entries[0].Name())
	raw, err := os.ReadFile(filepath.Join(dir, "raw.txt"))
	if err != nil || !bytes.Contains(raw, []byte("BenchmarkA")) || !bytes.Contains(raw, []byte("interrupted")) {
		t.Errorf("raw.txt: %v; want BenchmarkA's result and an interrupt note:\n%s", err, raw)
	}
	md, _ := os.ReadFile(filepath.Join(dir, "report.md"))
	for name, text := range map[string]string{"stdout": stdout, "stderr": stderr, "report.md": string(md)} {
		if strings.Contains(text, ".tmp-") {
			t.Errorf("%s names a temporary path:\n%s", name, text)
		}
	}
	if !strings.Contains(stderr, dir) {
		t.Errorf("stderr does not name the run directory %s:\n%s", dir, stderr)
	}
}

// TestRunInterruptedEndless sends SIGINT to concbench run right after its
// first endless hog's verdict: it exits 130 and its run directory, raw.txt
// and report, and its error say that the endless hogs were interrupted.
func TestRunInterruptedEndless(t *testing.T) {
	if testing.Short() {
		t.Skip("starts concbench and builds a module")
	}
	mod, out := hangModule(t), filepath.Join(t.TempDir(), "results")
	ctx, cancel := context.WithTimeout(context.Background(), 2*bound)
	defer cancel()
	c := exec.CommandContext(ctx, os.Args[0], "run", "-bench", "^BenchmarkA$", "-count", "1", "-cpu", "1", "-preempt", "async",
		"-benchtime", "1x", "-endless", "100ms", "-tokio", "", "-out", out)
	c.Dir = mod
	c.Env = append(os.Environ(), mainEnv+"=1", "GOFLAGS=-mod=mod")
	stderr := filepath.Join(t.TempDir(), "stderr")
	f, err := os.Create(stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c.Stderr = f
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(bound); ; time.Sleep(10 * time.Millisecond) {
		if b, _ := os.ReadFile(stderr); bytes.Contains(b, []byte("concbench: endless: hog=")) {
			break
		}
		if time.Now().After(deadline) {
			c.Process.Kill()
			c.Wait()
			b, _ := os.ReadFile(stderr)
			t.Fatalf("no endless verdict\nstderr:\n%s", b)
		}
	}
	if err := c.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err = c.Wait()
	errOut, _ := os.ReadFile(stderr)
	if ee := (*exec.ExitError)(nil); !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Errorf("after SIGINT: %v; want exit status 130\nstderr:\n%s", err, errOut)
	}
	if !bytes.Contains(errOut, []byte("interrupted in the endless hogs: kept the 1 processes and 1 of 4 endless verdicts")) {
		t.Errorf("stderr does not say what the interrupt left out:\n%s", errOut)
	}
	dirs, _ := filepath.Glob(filepath.Join(out, "2*"))
	if len(dirs) != 1 {
		t.Fatalf("run directories %v; want one", dirs)
	}
	for _, name := range []string{"raw.txt", "report.md"} {
		if b, err := os.ReadFile(filepath.Join(dirs[0], name)); err != nil || !bytes.Contains(b, []byte("interrupted in the endless hogs")) {
			t.Errorf("%s: %v; want a note that the endless hogs were interrupted:\n%s", name, err, b)
		}
	}
}

// TestStarveParentKilled kills concbench starve with SIGKILL, which it
// cannot handle: its child, which spins in its own process group, dies too.
func TestStarveParentKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts concbench")
	}
	c := exec.Command(os.Args[0], "starve", "-hog", "tight", "-preempt", "off", "-timeout", "2m")
	c.Env = append(os.Environ(), mainEnv+"=1")
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	var child int
	for deadline := time.Now().Add(bound); child == 0; time.Sleep(20 * time.Millisecond) {
		if child = childStarted(t, c, ""); child == 0 && time.Now().After(deadline) {
			c.Process.Kill()
			c.Wait()
			t.Fatal("concbench starve started no child")
		}
	}
	c.Process.Kill()
	c.Wait()
	checkGone(t, child)
}

// checkGone waits until process pid is gone or a zombie waiting to be
// reaped, within bound.
func checkGone(t *testing.T, pid int) {
	t.Helper()
	childproctest.WaitGone(t, pid, bound)
}

// TestRunBrokenPipe runs concbench run with its stderr a pipe that nobody
// reads (concbench run 2>&1 | head, once head is gone): the first
// progress line raises SIGPIPE, which must stop the run as the other
// signals do, exit 141 after cleaning up, and not kill it on the spot,
// which leaves its claimed .NAME.tmp and its build directory behind.
func TestRunBrokenPipe(t *testing.T) {
	if testing.Short() {
		t.Skip("starts concbench and builds a module")
	}
	mod := hangModule(t)
	tmp, out := t.TempDir(), filepath.Join(t.TempDir(), "results")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), bound)
	defer cancel()
	c := exec.CommandContext(ctx, os.Args[0], "run", "-count", "1", "-cpu", "1", "-preempt", "async",
		"-bench", "A", "-benchtime", "1x", "-endless", "0", "-tokio", "", "-out", out)
	c.Dir = mod
	c.Env = append(os.Environ(), mainEnv+"=1", "TMPDIR="+tmp, "GOFLAGS=-mod=mod")
	c.Stdout, c.Stderr = w, w
	err = c.Run()
	w.Close()
	if c.ProcessState == nil || !c.ProcessState.Exited() || c.ProcessState.ExitCode() != 141 {
		t.Errorf("concbench run with a closed stderr pipe: %v; want exit status 141 (SIGPIPE handled), not death by the signal", err)
	}
	for _, dir := range []string{tmp, out} {
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("%s holds %v after the run; want nothing (no claim, no build directory)", dir, entries)
		}
	}
}
