//go:build unix && !aix && !solaris

package scratch

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/childproc"
)

// role makes the test binary, started again by a test, a process that
// makes a scratch directory, prints it and sleeps until it is killed.
const role = "SCRATCH_TEST_ROLE"

func TestMain(m *testing.M) {
	if os.Getenv(role) == "make" {
		d, err := Make("test-")
		if err != nil {
			fmt.Println(err)
			os.Exit(3)
		}
		fmt.Println(d.Path)
		time.Sleep(2 * time.Minute) // a bound: the test kills it first
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestSweep: a scratch directory whose process was killed (SIGKILL, so
// it could not clean up) is swept; one whose process lives, and one
// without the marker, are not.
func TestSweep(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir()) // os.TempDir: sweep only the test's own
	killed := killedMaker(t)
	live, err := Make("test-")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Remove()
	foreign, err := os.MkdirTemp("", Prefix+"old-")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(killed, Marker)); err != nil {
		t.Fatalf("the killed process's directory: %v; want it there before the sweep", err)
	}
	if got := Sweep(); !slices.Equal(got, []string{killed}) {
		t.Errorf("Sweep() = %q; want only %q", got, killed)
	}
	for _, p := range []string{live.Path, foreign} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s: %v; want it kept", p, err)
		}
	}
	live.Remove()
	if _, err := os.Stat(live.Path); err == nil {
		t.Errorf("%s is there after Remove", live.Path)
	}
}

// killedMaker starts the test binary in the make role, kills it with
// SIGKILL once it has made its directory, and returns the directory.
func killedMaker(t *testing.T) string {
	t.Helper()
	cmd := childproc.Command(context.Background(), os.Args[0], "-test.run=^$") // dies with the test
	cmd.Env = append(os.Environ(), role+"=make")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	wait, err := childproc.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	cmd.Process.Kill()
	wait()
	if err != nil || !strings.HasPrefix(line, os.TempDir()) {
		t.Fatalf("the make role printed %q, %v; want its directory", line, err)
	}
	return strings.TrimSpace(line)
}
