package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/results"
)

// writeRuns writes a history of 16 commits whose ns/op steps by factor at
// commit 8, in the format concbench track add writes.
func writeRuns(t *testing.T, factor float64) string {
	dir := t.TempDir()
	for i := range 16 {
		f := 1.0
		if i >= 8 {
			f = factor
		}
		var b strings.Builder
		fmt.Fprintf(&b, "commit: %040x\ncommit-time: 2026-11-01T%02d:00:00Z\ngo: go1.26.0\n"+
			"golang.org/x/sync: v0.22.0\ngithub.com/sourcegraph/conc: v0.3.0\nmachine: m\ndate: 2026-11-02T%02d:00:00Z\n", i, i, i)
		for k := range 6 {
			fmt.Fprintf(&b, "BenchmarkX-2 100 %d ns/op\n", int(1000*f)+k)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%02d.txt", i)), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestTrackExitStatus(t *testing.T) {
	slower, faster := writeRuns(t, 1.2), writeRuns(t, 0.8)
	// Two default runs of one commit, five minutes apart: the noise of runs.
	runA, runB := "../../results/archive/20261129T194456Z-ea67b53/raw.txt", "../../results/archive/20261129T195011Z-ea67b53/raw.txt"
	bad := writeRuns(t, 1)
	os.WriteFile(filepath.Join(bad, "zz.txt"), []byte("commit: x\nBenchmarkX-2 100 oops ns/op\n"), 0o644)
	cut := filepath.Join(t.TempDir(), "raw.txt")
	os.WriteFile(cut, []byte("machine: m\nBenchmarkX-2 100 5 ns/op\n"+results.NotePrefix+results.InterruptedPrefix+"2 of 10 at x\n"), 0o644)
	other := t.TempDir() // a checkout of a module that is not concbench
	if err := os.WriteFile(filepath.Join(other, "go.mod"), []byte("module example.com/other\n\ngo 1.25\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "one"}} {
		cmd := exec.Command("git", args...)
		cmd.Dir = other
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	for _, tc := range []struct {
		args []string
		code int
		want string // in stdout or the error
	}{
		{[]string{"track", "-dir", slower}, 1, "1 regression in the history"},
		{[]string{"track", "-dir", slower, "-threshold", "30"}, 0, "more than 30% worse: 0"},
		{[]string{"track", "-dir", slower, "-threshold", "30%"}, 0, "more than 30% worse: 0"},
		{[]string{"track", "-dir", faster}, 0, "-20.0%"},
		{[]string{"track", "-dir", bad}, 2, "zz.txt:2"},
		{[]string{"track", "-dir", filepath.Join(bad, "missing")}, 2, "missing: no such directory"},
		{[]string{"track", "-dir", slower, "-alpha", "0.0001"}, 2, "-alpha"},
		{[]string{"track", "add", "-dir", slower, filepath.Join(bad, "zz.txt")}, 2, "zz.txt"},
		{[]string{"track", "add"}, 2, "one FILE"},
		{[]string{"track", "add", "-dir", t.TempDir(), cut}, 2, "raw.txt:3: the run was interrupted in round 2 of 10"},
		{[]string{"track", "add", "-C", t.TempDir(), "-dir", t.TempDir(), filepath.Join(slower, "01.txt")}, 2, "-C "},
		{[]string{"track", "add", "-C", other, "-dir", t.TempDir(), filepath.Join(slower, "01.txt")}, 2, "the module does not require golang.org/x/sync: a history run records"},
		{[]string{"track", "sim", "-points", "10"}, 2, "-points"},
		{[]string{"track", "-dir", slower, "-permutations", "2000000"}, 2, "-permutations 2000000: at most 1000000"},
		{[]string{"track", "sim", "-permutations", "2000000"}, 2, "-permutations 2000000: at most 1000000"},
		{[]string{"track", "sim", "-series", "2", "-noise", runA, "-noise", runB}, 0, "noise: 52 cells of 2 runs, each point from one of them"},
		{[]string{"track", "sim", "-series", "2", "-noise", runA}, 0, "noise: 52 cells of one run"},
		{[]string{"track", "sim", "-noise", runA, "-noise", runA}, 2, runA + " given twice"},
	} {
		t.Run(strings.Join(tc.args[1:], " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, &stdout, &stderr)
			if code := cli.ExitCode(err); code != tc.code {
				t.Fatalf("exit status %d (err %v); want %d", code, err, tc.code)
			}
			if msg := fmt.Sprint(stdout.String(), err); !strings.Contains(msg, tc.want) {
				t.Errorf("output %q does not say %q", msg, tc.want)
			}
		})
	}
}

// track -o writes the page and charts; an existing -o is refused, and the
// history is left as it was.
func TestTrackPage(t *testing.T) {
	dir := writeRuns(t, 1.2)
	before, _ := filepath.Glob(filepath.Join(dir, "*"))
	out := filepath.Join(t.TempDir(), "page")
	var stdout, stderr bytes.Buffer
	run(context.Background(), []string{"track", "-dir", dir, "-o", out}, &stdout, &stderr)
	if _, err := os.Stat(filepath.Join(out, "history.md")); err != nil {
		t.Fatal(err)
	}
	err := run(context.Background(), []string{"track", "-dir", dir, "-o", out}, &stdout, &stderr)
	if code := cli.ExitCode(err); code != 2 {
		t.Errorf("existing -o: exit status %d (err %v); want 2", code, err)
	}
	if after, _ := filepath.Glob(filepath.Join(dir, "*")); len(after) != len(before) {
		t.Errorf("history files got = %d; want %d", len(after), len(before))
	}
}

// TestTrackStops checks that track and track sim stop when interrupted,
// with 128+N and nothing printed or written, and that track checks -o
// before it analyses the history.
func TestTrackStops(t *testing.T) {
	slower := writeRuns(t, 1.2)
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(&cli.InterruptedError{Signal: syscall.SIGINT})
	out := filepath.Join(t.TempDir(), "page")
	for _, args := range [][]string{
		{"track", "-dir", slower, "-o", out},
		{"track", "sim", "-series", "1000000"},
	} {
		var stdout, stderr bytes.Buffer
		err := cli.Interrupted(ctx, run(ctx, args, &stdout, &stderr))
		if code := cli.ExitCode(err); code != 130 {
			t.Errorf("%v, interrupted: exit status %d (err %v); want 130", args, code, err)
		}
		if stdout.Len() > 0 {
			t.Errorf("%v, interrupted: printed %q; want nothing", args, stdout.String())
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("interrupted track -o: %s: %v; want it not written", out, err)
	}
	// An existing -o is refused before the analysis prints the page.
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"track", "-dir", slower, "-o", t.TempDir()}, &stdout, &stderr)
	if code := cli.ExitCode(err); code != 2 || stdout.Len() > 0 {
		t.Errorf("track -o EXISTING: exit status %d, printed %d bytes (err %v); want 2 and nothing printed", code, stdout.Len(), err)
	}
}
