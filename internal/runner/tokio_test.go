package runner

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/benchbin/benchbintest"
	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/results"
)

// fakeTokio writes a script that stands in for the tokio binary: it prints
// BenchmarkOK under runtime: tokio, and crashes at -test.cpu=2.
func fakeTokio(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "concbench-tokio")
	script := `#!/bin/sh
echo "runtime: tokio"
case "$*" in *-test.cpu=2*) echo "thread 'main' panicked" >&2; exit 101;; esac
echo "BenchmarkOK	5	300 ns/op"
echo PASS
`
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunTokio(t *testing.T) {
	res, err := Run(context.Background(), Config{
		Rounds: 2, Benchtime: "1x", CPUs: []int{1, 2}, Preempt: []string{"async"}, Out: t.TempDir(),
		Timeout: time.Minute, ModuleDir: tinyModule(t, okBench), Pkg: "./b", Tokio: fakeTokio(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	// Per round: go/1, tokio/1, go/2, tokio/2 (which crashes).
	if res.Processes != 8 || len(res.Failed) != 2 || !strings.Contains(res.Failed[0], "gomaxprocs=2 runtime=tokio") {
		t.Errorf("Processes = %d, Failed = %q; want 8 processes, 2 failed tokio ones at gomaxprocs=2", res.Processes, res.Failed)
	}
	s, err := results.Read(filepath.Join(res.Dir, "raw.txt"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, m := range s.Metrics() {
		if m.Unit == "sec/op" {
			got[m.Runtime()+"/"+s.Label(m.Cell)] = len(s.Values(m))
		}
	}
	want := map[string]int{
		"go/OK preempt=async runtime=go":       2,
		"go/OK-2 preempt=async runtime=go":     2,
		"tokio/OK preempt=async runtime=tokio": 2,
	}
	if len(got) != len(want) {
		t.Errorf("cells = %v; want %v", got, want)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("cell %s has %d samples; want %d (all cells: %v)", k, got[k], n, got)
		}
	}
}

func TestRunTokioSkipped(t *testing.T) {
	// A crate that does not build (or no cargo at all): the run says so
	// once and measures Go. A path that is not there, or a directory with
	// no Cargo.toml, is a mistyped flag: a usage error before anything runs.
	for _, missing := range []string{filepath.Join(t.TempDir(), "missing"), t.TempDir()} {
		out := t.TempDir()
		_, err := Run(context.Background(), Config{
			Rounds: 2, Benchtime: "1x", CPUs: []int{1}, Preempt: []string{"async"}, Out: out,
			Timeout: time.Minute, ModuleDir: tinyModule(t, okBench), Pkg: "./b", Tokio: missing,
		})
		if cli.ExitCode(err) != 2 || !strings.Contains(fmt.Sprint(err), "-tokio") {
			t.Errorf("Tokio %s: %v; want a usage error naming -tokio", missing, err)
		}
		if entries, _ := os.ReadDir(out); len(entries) > 0 {
			t.Errorf("Tokio %s: the run wrote %v in -out", missing, entries)
		}
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Cargo.toml"), []byte("not a manifest\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Run(context.Background(), Config{
		Rounds: 2, Benchtime: "1x", CPUs: []int{1}, Preempt: []string{"async"}, Out: t.TempDir(),
		Timeout: time.Minute, ModuleDir: tinyModule(t, okBench), Pkg: "./b", Tokio: dir,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Processes != 2 || len(res.Failed) != 0 {
		t.Errorf("Tokio %s: Processes = %d, Failed = %q; want 2 Go processes, none failed", dir, res.Processes, res.Failed)
	}
	s, err := results.Read(filepath.Join(res.Dir, "raw.txt"))
	if err != nil {
		t.Fatal(err)
	}
	skipped := 0
	for _, n := range s.Notes {
		if strings.HasPrefix(n.Text, "tokio skipped") {
			skipped++
		}
	}
	if skipped != 1 {
		t.Errorf("Tokio %s: %d 'tokio skipped' notes in %q; want 1", dir, skipped, s.Notes)
	}
}

// TestTokioMissingCrate builds a crate whose dependency the directory of
// crates lacks, as on a machine without one of Debian's crate packages:
// the reason tokio is skipped says which packages to install.
func TestTokioMissingCrate(t *testing.T) {
	if _, err := exec.LookPath("cargo"); err != nil {
		t.Skip("no cargo")
	}
	dir := t.TempDir()
	benchbintest.Files(t, dir, map[string]string{
		"Cargo.toml": "[package]\nname = \"missing-crate\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n" +
			"[dependencies]\nconcbench-no-such-crate = \"1\"\n",
		"src/main.rs": "fn main() {}\n",
		".cargo/config.toml": "[source.crates-io]\nreplace-with = \"empty\"\n\n[source.empty]\ndirectory = " +
			strconv.Quote(t.TempDir()) + "\n\n[net]\noffline = true\n",
	})
	c := Config{Tokio: dir}
	bin, skipped := c.tokioBinary(context.Background(), t.TempDir())
	if bin != "" || !strings.Contains(skipped, "concbench-no-such-crate") || !strings.Contains(skipped, DebianCrates) {
		t.Errorf("tokioBinary = %q, %q; want no binary, and why naming the crate and the packages to install", bin, skipped)
	}
}
