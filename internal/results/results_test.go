package results

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const good = `goos: linux
preempt: off
BenchmarkJoinAll/impl=own/n=10/task=tiny-2   100   200 ns/op   20 ns/task
BenchmarkJoinAll/impl=own/n=10/task=tiny-2   100   210 ns/op   21 ns/task
# concbench: failed: round 1 preempt=off gomaxprocs=2: crashed
BenchmarkStarvation/n=1/hog=tight/victim=sleep   1   50000000 ns/op   30000 p50-wake-ns
`

func write(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRead(t *testing.T) {
	s, err := Read(write(t, "good.txt", good))
	if err != nil {
		t.Fatal(err)
	}
	own := Metric{Key{Bench: "JoinAll", Sub: "impl=own/n=10/task=tiny", Procs: 2, Preempt: "off"}, "sec/task"}
	if got := s.Values(own); len(got) != 2 || got[0] != 20e-9 {
		t.Errorf("Values(%v) = %v; want [2e-08 2.1e-08]", own, got)
	}
	if got := own.Get("task"); got != "tiny" {
		t.Errorf("Get(task) = %q; want tiny", got)
	}
	starve := Metric{Key{Bench: "Starvation", Sub: "n=1/hog=tight/victim=sleep", Procs: 1, Preempt: "off"}, "p50-wake-sec"}
	if got := s.Values(starve); len(got) != 1 {
		t.Errorf("Values(%v) = %v; want one value (no -N suffix is GOMAXPROCS 1)", starve, got)
	}
	if len(s.Notes) != 1 || s.Notes[0].Line != 5 || !strings.HasPrefix(s.Notes[0].Text, "failed:") {
		t.Errorf("Notes = %+v; want the failed line at line 5", s.Notes)
	}
	if got := s.OrigUnit("sec/task"); got != "ns/task" {
		t.Errorf("OrigUnit(sec/task) = %q; want ns/task", got)
	}
	if sum, ok := s.Summary(own); !ok || sum.Center != 20.5e-9 {
		t.Errorf("Summary = %v, %v; want median 2.05e-08", sum, ok)
	}
	if got := s.Config("goos"); len(got) != 1 || got[0] != "linux" {
		t.Errorf("Config(goos) = %v; want [linux]", got)
	}
}

// TestReadWarnsOnMixedRuns checks that a cell holding results of two
// commits is flagged, as benchstat flags it.
func TestReadWarnsOnMixedRuns(t *testing.T) {
	a := write(t, "a.txt", "commit: aaa\nBenchmarkX-2 1 5 ns/op\n")
	b := write(t, "b.txt", "commit: bbb\nBenchmarkX-2 1 6 ns/op\n")
	s, err := Read(a, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "commit") {
		t.Errorf("Warnings = %q; want one about commit", s.Warnings)
	}
}

func TestReadBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		body *string // nil: the file does not exist
		want string  // substring of the error
	}{
		{"missing.txt", nil, "missing.txt: no such file"},
		{"empty.txt", ptr(""), "empty.txt: empty file"},
		{"blank.txt", ptr("\n  \n"), "blank.txt: empty file"},
		{"binary.txt", ptr("\x7fELF\x02\x01\x01\x00\x00\x00BenchmarkX"), "binary.txt: binary file"},
		{"latin1.txt", ptr("goos: linux\nBenchmark\xe9 1 2 ns/op\n"), "latin1.txt: binary file"},
		{"malformed.txt", ptr("goos: linux\nBenchmarkX-2 100 200 ns/op\nBenchmarkY-2 100 fast ns/op\n"), "malformed.txt:3: parsing measurement"},
		{"nobench.txt", ptr("goos: linux\nPASS\nok  pkg 1.0s\n"), "nobench.txt: no benchmark results"},
		{"mixed.txt", ptr("BenchmarkS 1 5 ns/op 30000 wake-ns\nBenchmarkS 1 5 ns/op 3 wake-ms\n"), "mixed.txt:2: unit wake-ms mixes with wake-ns ("},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			if tc.body != nil {
				if err := os.WriteFile(path, []byte(*tc.body), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s, err := Read(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Read: %v, %v; want error containing %q", s, err, tc.want)
			}
		})
	}
	if _, err := Read(); err == nil {
		t.Errorf("Read() with no files: want an error")
	}
}

func ptr(s string) *string { return &s }

func TestUnitShape(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"sec/op", "ms/op"},
		{"p50-wake-sec", "p50-wake-us"},
		{"B/op", "KiB/op"},
	} {
		if unitShape(tc.a) != unitShape(tc.b) {
			t.Errorf("unitShape(%q) = %q, unitShape(%q) = %q; want equal", tc.a, unitShape(tc.a), tc.b, unitShape(tc.b))
		}
	}
	if unitShape("sec/op") == unitShape("sec/task") {
		t.Errorf("sec/op and sec/task have the same shape; want different metrics")
	}
}
