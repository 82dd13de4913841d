//go:build linux

package childproc

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/childproc/childproctest"
)

// role selects what the test binary does when a test starts it again.
const role = "PROC_TEST_ROLE"

// lifetime bounds every process the tests start, whatever happens.
const lifetime = 2 * time.Minute

func TestMain(m *testing.M) {
	switch os.Getenv(role) {
	case "cpus": // prints the CPUs it may run on
		cpus, err := CPUs()
		if err != nil {
			fmt.Println(err)
			os.Exit(3)
		}
		fmt.Println(cpus)
		os.Exit(0)
	case "sleep":
		time.Sleep(lifetime)
		os.Exit(0)
	case "parent", "spawn": // starts a sleeping child, prints its pid, sleeps
		cmd := exec.Command(os.Args[0])
		if os.Getenv(role) == "parent" {
			cmd = Command(context.Background(), os.Args[0])
		}
		cmd.Env = append(os.Environ(), role+"=sleep")
		wait, err := Start(cmd)
		if err != nil {
			fmt.Println(err)
			os.Exit(3)
		}
		fmt.Println(cmd.Process.Pid)
		time.Sleep(lifetime)
		cmd.Process.Kill()
		wait()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// start starts the test binary in role r with cmd's settings and returns
// the pid of the child it printed.
func start(t *testing.T, cmd *exec.Cmd, r string) (wait func() error, child int) {
	t.Helper()
	cmd.Env = append(os.Environ(), role+"="+r)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	wait, err = Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if _, err2 := fmt.Sscan(line, &child); err != nil || err2 != nil {
		cmd.Process.Kill()
		wait()
		t.Fatalf("reading the child's pid: %q, %v %v", line, err, err2)
	}
	return wait, child
}

// TestParentKilled kills a parent with SIGKILL, which it cannot handle:
// the kernel kills its child.
func TestParentKilled(t *testing.T) {
	parent := exec.Command(os.Args[0])
	wait, child := start(t, parent, "parent")
	if err := parent.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wait()
	waitGone(t, child)
}

// TestCancelKillsGroup cancels a child that started a grandchild of its
// own: the whole process group goes.
func TestCancelKillsGroup(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cmd := Command(ctx, os.Args[0])
	wait, grandchild := start(t, cmd, "spawn")
	cancel()
	if err := wait(); err == nil {
		t.Errorf("Wait after cancel = nil; want the kill's error")
	}
	waitGone(t, grandchild)
}

func TestStartError(t *testing.T) {
	if _, err := Start(Command(context.Background(), "/nonexistent/binary")); err == nil {
		t.Errorf("Start of a missing binary: want an error")
	}
	if err := Run(Command(context.Background(), os.Args[0], "-test.run=^$")); err != nil {
		t.Errorf("Run: %v; want nil", err)
	}
}

// TestStartOn starts children on the last CPU this process may use, each
// followed by one started on no chosen CPUs: that one must get them all
// back, or a locked thread kept the narrowed CPUs and passed them on.
func TestStartOn(t *testing.T) {
	all, err := CPUs()
	if err != nil || len(all) == 0 {
		t.Fatalf("CPUs() = %v, %v; want at least one", all, err)
	}
	last := all[len(all)-1:]
	cpusOf := func(cpus []int) string {
		t.Helper()
		cmd := Command(context.Background(), os.Args[0])
		cmd.Env = append(os.Environ(), role+"=cpus")
		var out strings.Builder
		cmd.Stdout = &out
		if err := RunOn(cmd, cpus); err != nil {
			t.Fatalf("RunOn(%v): %v (output %q)", cpus, err, out.String())
		}
		return strings.TrimSpace(out.String())
	}
	for range 5 {
		if got, want := cpusOf(last), fmt.Sprint(last); got != want {
			t.Errorf("a child started on %v runs on %s", last, got)
		}
		if got, want := cpusOf(nil), fmt.Sprint(all); got != want {
			t.Errorf("a child started on no chosen CPUs after one on %v runs on %s; want %s", last, got, want)
		}
	}
	if now, err := CPUs(); fmt.Sprint(now) != fmt.Sprint(all) || err != nil {
		t.Errorf("after StartOn this process runs on %v (%v); want %v", now, err, all)
	}
}

// TestStartOnBadCPU asks for a CPU the machine cannot have: StartOn says so
// and starts nothing.
func TestStartOnBadCPU(t *testing.T) {
	cmd := Command(context.Background(), os.Args[0], "-test.run=^$")
	if _, err := StartOn(cmd, []int{1 << 20}); err == nil || !strings.Contains(err.Error(), "CPU 1048576") {
		t.Errorf("StartOn(CPU 1<<20) = %v; want an error naming the CPU", err)
	}
	if cmd.Process != nil {
		t.Errorf("StartOn(CPU 1<<20) started pid %d", cmd.Process.Pid)
	}
}

// waitGone waits until process pid is gone or a zombie (an orphan waits
// for init to reap it). The bound is for a stuck test, not a timing claim:
// the kernel kills at once, but a loaded machine may run the check late.
func waitGone(t *testing.T, pid int) {
	t.Helper()
	if !childproctest.WaitGone(t, pid, lifetime/2) {
		t.FailNow()
	}
}
