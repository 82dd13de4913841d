package gate

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/gate/verdict"
	"github.com/concbench/concbench/internal/md"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s: got\n%s\nwant\n%s", path, got, want)
	}
}

func goldenResults() []verdict.Result {
	in := []verdict.Input{
		{Bench: "BenchmarkJoinAll/impl=own/n=1000/task=tiny-2", Unit: "sec/op",
			Base: []float64{40e-6, 41e-6, 42e-6, 40.5e-6, 41.5e-6, 41e-6}, Head: []float64{52e-6, 53e-6, 51e-6, 52.5e-6, 52e-6, 51.5e-6}},
		{Bench: "BenchmarkJoinAll/impl=own/n=1000/task=tiny-2", Unit: "allocs/op",
			Base: []float64{3, 3, 3, 3, 3, 3}, Head: []float64{3, 3, 3, 3, 3, 3}},
		{Bench: "BenchmarkCopy-2", Unit: "B/s",
			Base: []float64{100e6, 101e6, 99e6, 100e6, 100e6, 99.5e6}, Head: []float64{120e6, 119e6, 121e6, 120.5e6, 120e6, 121e6}},
		{Bench: "BenchmarkCopy-2", Unit: "B/op",
			Base: []float64{0, 0, 0, 0, 0, 0}, Head: []float64{64, 64, 64, 64, 64, 64}},
		{Bench: "BenchmarkCopy-2", Unit: "wakes",
			Base: []float64{10, 12, 11, 10, 13, 11}, Head: []float64{11, 10, 12, 13, 10, 11}},
	}
	res, _ := verdict.Decide(in, verdict.Config{Alpha: 0.05, Threshold: 0.05})
	return res
}

func TestMarkdown(t *testing.T) {
	o := Options{Rounds: 3, Benchtime: "100ms", Alpha: 0.05, Threshold: 0.05}
	tab := table{o: o, base: "`main` (1a2b3c4d)", head: "working tree (5e6f7a8b + uncommitted changes)",
		rounds: 3, pkgs: []string{"github.com/concbench/concbench/bench"}, results: goldenResults(), tests: 4, onlyHead: []string{"BenchmarkNew-2"}}
	golden(t, "gate.md", tab.markdown())

	o.AA = true
	o.Rounds, o.Budget = 4, time.Minute // stopped early
	tab = table{o: o, rounds: 3, pkgs: []string{"example.com/m/a", "example.com/m/b"}, base: "`main` (1a2b3c4d)", head: "`main` (1a2b3c4d)", results: goldenResults(), tests: 4}
	golden(t, "aa.md", tab.markdown())
}

func TestSignedPct(t *testing.T) {
	for d, want := range map[float64]string{0.1234: "+12.3%", -0.05: "-5.0%", 0: "+0.0%", math.Inf(1): "+∞", math.Inf(-1): "-∞"} {
		if got := signedPct(d); got != want {
			t.Errorf("signedPct(%v) = %q; want %q", d, got, want)
		}
	}
}

func TestParseArgs(t *testing.T) {
	t.Setenv("GITHUB_STEP_SUMMARY", "/tmp/summary.md")
	o, err := ParseArgs([]string{"--base", "main", "-threshold", "2.5%", "-pkg", "./a/...,./b", "-pkg", "./c ./d"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := Options{Dir: ".", Pkgs: []string{"./a/...", "./b", "./c", "./d"}, Base: "main", Rounds: DefaultRounds, Benchtime: DefaultBenchtime,
		Threshold: 0.025, Alpha: DefaultAlpha, Timeout: DefaultTimeout, Summary: "/tmp/summary.md"}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("ParseArgs = %+v; want %+v", o, want)
	}
	if o, _ := ParseArgs([]string{"-threshold", "10"}, io.Discard); o.Threshold != 0.10 {
		t.Errorf("-threshold 10: Threshold = %v; want 0.1", o.Threshold)
	}
	if _, err := ParseArgs([]string{"-h"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: err = %v; want flag.ErrHelp", err)
	}
}

func ExampleParseArgs() {
	o, err := ParseArgs([]string{"--base", "origin/main", "-threshold", "10%", "-rounds", "8"}, io.Discard)
	if err != nil {
		panic(err)
	}
	fmt.Println(o.Base, o.Head == "", o.Threshold, o.Rounds, o.Benchtime)
	// Output: origin/main true 0.1 8 20ms
}

// TestMarkdownCells writes the verdict on benchmarks whose names (any bytes
// but spaces, as go test writes them) hold Markdown's table syntax: each
// name must be escaped as a cell (see package md), or its row splits.
func TestMarkdownCells(t *testing.T) {
	for _, name := range []string{"BenchmarkX/a|b-2", `BenchmarkX/a\|b-2`, `BenchmarkX/a\-2`, "BenchmarkX/||-2"} {
		t.Run(name, func(t *testing.T) {
			in := []verdict.Input{{Bench: name, Unit: "sec/op", Base: []float64{1, 2, 3}, Head: []float64{1, 2, 3}}}
			res, _ := verdict.Decide(in, verdict.Config{Alpha: 0.05, Threshold: 0.05})
			tab := table{o: Options{Rounds: 3, Alpha: 0.05, Threshold: 0.05}, rounds: 3, pkgs: []string{"m"}, results: res, tests: 1}
			for _, line := range strings.Split(tab.markdown(), "\n") {
				if !strings.HasPrefix(line, "| Benchmark") {
					continue
				}
				if got, want := line, "| "+md.Cell(name)+" | sec/op |"; !strings.HasPrefix(got, want) {
					t.Errorf("row = %q; want it to start %q", got, want)
				}
			}
		})
	}
}
