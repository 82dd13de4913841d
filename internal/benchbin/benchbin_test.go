package benchbin

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/benchbin/benchbintest"
)

// tinyModule writes a module of its own with the given benchmarks.
func tinyModule(t *testing.T, benchmarks string) string { return benchbintest.Module(t, benchmarks) }

func TestBuildAndRun(t *testing.T) {
	dir := tinyModule(t, `func BenchmarkX(b *testing.B) {
	if os.Getenv("TINY_MODE") != "on" { b.Fatal("env not passed") }
	for b.Loop() {}
}
func BenchmarkHang(b *testing.B) { time.Sleep(time.Hour) } // not select {}: with no timer pending the runtime calls that a deadlock and exits
func BenchmarkExit0(b *testing.B) { os.Exit(0) } // go test fails it; run by hand, it looked like a pass
func BenchmarkPartial(b *testing.B) {
	os.Stdout.WriteString("a line without its newline")
	panic("crash after a partial line")
}
`)
	bin := filepath.Join(t.TempDir(), "b.test")
	ctx := context.Background()
	if err := Build(ctx, dir, "./b", bin); err != nil {
		t.Fatal(err)
	}
	out, err := Run{Bin: bin, Args: []string{"-test.run=^$", "-test.bench=X", "-test.benchtime=3x"},
		Env: []string{"TINY_MODE=on"}, Timeout: time.Minute}.Do(ctx)
	if err != nil {
		t.Fatalf("Do: %v", err)
	}
	if !strings.Contains(string(out), "BenchmarkX") {
		t.Errorf("output lacks BenchmarkX:\n%s", out)
	}

	start := time.Now()
	_, err = Run{Bin: bin, Args: []string{"-test.run=^$", "-test.bench=Hang"}, Timeout: 500 * time.Millisecond}.Do(ctx)
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("hanging run: err = %v; want ErrTimeout", err)
	}
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("watchdog took %v to end a hanging run", d)
	}

	_, err = Run{Bin: bin, Args: []string{"-test.run=^$", "-test.bench=X", "-test.benchtime=1x"}, Timeout: time.Minute}.Do(ctx)
	if err == nil || !strings.Contains(err.Error(), "env not passed") {
		t.Errorf("failing run: err = %v; want the benchmark's failure message", err)
	}

	_, err = Run{Bin: bin, Args: []string{"-test.run=^$", "-test.bench=Exit0"}, Timeout: time.Minute}.Do(ctx)
	if err == nil || !strings.Contains(err.Error(), "os.Exit(0)") {
		t.Errorf("os.Exit(0) in a benchmark: err = %v; want go test's failure, unexpected call to os.Exit(0)", err)
	}
	if err == nil || !strings.Contains(err.Error(), "[-test.paniconexit0 -test.run=^$") {
		t.Errorf("err = %v; want the command line as run, -test.paniconexit0 included", err)
	}
	// A crash's "panic: " starts a line of the error even when standard
	// output ended mid-line (the runner looks for it there).
	_, err = Run{Bin: bin, Args: []string{"-test.run=^$", "-test.bench=Partial"}, Timeout: time.Minute}.Do(ctx)
	if err == nil || !slices.Contains(strings.Split(err.Error(), "\n"), "panic: crash after a partial line") {
		t.Errorf("crash after a partial line: err = %v; want a line \"panic: crash after a partial line\"", err)
	}
}

func TestBuildError(t *testing.T) {
	dir := tinyModule(t, "func BenchmarkBroken(b *testing.B) { undefined() }\n")
	err := Build(context.Background(), dir, "./b", filepath.Join(t.TempDir(), "b.test"))
	if err == nil || !strings.Contains(err.Error(), "undefined") {
		t.Errorf("Build = %v; want the compiler's error", err)
	}
}
