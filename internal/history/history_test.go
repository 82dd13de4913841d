package history

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/results"
)

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

// meta returns the Meta of the i-th commit of a test history.
func meta(i int, goVersion string) Meta {
	return Meta{
		Commit:     fmt.Sprintf("%040x", 0xabc000+i),
		CommitTime: t0.Add(time.Duration(i) * time.Hour),
		Go:         goVersion,
		Modules:    map[string]string{"golang.org/x/sync": "v0.22.0", "github.com/sourcegraph/conc": "v0.3.0"},
		Machine:    "linux/amd64, 2 cores",
		Date:       t0.Add(time.Duration(i)*time.Hour + time.Minute),
	}
}

func run(ns ...int) []byte {
	var b strings.Builder
	for _, n := range ns {
		fmt.Fprintf(&b, "BenchmarkX/impl=own-2 1000 %d ns/op\n", n)
	}
	return []byte(b.String())
}

func TestAppendRead(t *testing.T) {
	dir := t.TempDir()
	// Appended out of order: Read orders by commit time.
	for _, i := range []int{2, 0, 1} {
		if _, err := Append(dir, "in.txt", run(100+i, 101+i), meta(i, "go1.26.0")); err != nil {
			t.Fatal(err)
		}
	}
	h, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(h.Commits); got != 3 {
		t.Fatalf("commits = %d; want 3", got)
	}
	for i, c := range h.Commits {
		if want := meta(i, "go1.26.0"); c.Commit != want.Commit || !c.CommitTime.Equal(want.CommitTime) || c.Get("golang.org/x/sync") != "v0.22.0" {
			t.Errorf("commit %d got = %+v; want %+v", i, c.Meta, want)
		}
	}
	ss := h.Series()
	if len(ss) != 1 || ss[0].Unit != "sec/op" || ss[0].Better != -1 {
		t.Fatalf("series got = %+v; want one sec/op series, lower is better", ss)
	}
	for i, p := range ss[0].Points {
		if want := (100.5 + float64(i)) * 1e-9; p.Commit != i || abs(p.Summary.Center-want) > 1e-15 {
			t.Errorf("point %d got = commit %d median %g; want commit %d median %g", i, p.Commit, p.Summary.Center, i, want)
		}
	}
}

func abs(x float64) float64 { return max(x, -x) }

// Two runs of one commit are one point with the samples of both.
func TestRunsOfOneCommitPool(t *testing.T) {
	dir := t.TempDir()
	m := meta(0, "go1.26.0")
	Append(dir, "a", run(100, 100), m)
	m.Date = m.Date.Add(time.Hour)
	Append(dir, "b", run(200), m)
	h, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(h.Series()[0].Points[0].Values); len(h.Commits) != 1 || got != 3 {
		t.Errorf("got = %d commits, %d values; want 1, 3", len(h.Commits), got)
	}
}

func TestAppendRefuses(t *testing.T) {
	dir := t.TempDir()
	m := meta(0, "go1.26.0")
	if _, err := Append(dir, "in.txt", run(100), m); err != nil {
		t.Fatal(err)
	}
	before := listing(t, dir)
	for _, tc := range []struct {
		name string
		data string
		m    Meta
		want string
	}{
		{"same run again", string(run(100)), m, "already in the history"},
		{"same run added later", string(run(100)), func() Meta { m := meta(0, "go1.26.0"); m.Date = m.Date.Add(time.Hour); return m }(), "already in the history"},
		{"malformed", "BenchmarkX 1 100 ns/op\nBenchmarkY 1 x ns/op\n", meta(1, "go1.26.0"), "in.txt:2"},
		{"no results", "goos: linux\n", meta(1, "go1.26.0"), "no benchmark results"},
		{"other commit", "commit: 1234567\n" + string(run(1)), meta(1, "go1.26.0"), "measured at commit"},
		{"dirty commit", "commit: " + meta(1, "").Commit[:7] + "-dirty\n" + string(run(1)), meta(1, "go1.26.0"), "-dirty"},
		{"other go", "go: go1.25.0\n" + string(run(1)), meta(1, "go1.26.0"), "go1.25.0"},
		{"two-line value", string(run(1)), func() Meta { m := meta(1, "go1.26.0"); m.Machine = "a\nb"; return m }(), "one-line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Append(dir, "in.txt", []byte(tc.data), tc.m)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got = %v; want an error with %q", err, tc.want)
			}
		})
	}
	if after := listing(t, dir); after != before {
		t.Errorf("history changed by refused appends:\n%s\nwant\n%s", after, before)
	}
}

func TestAppendSameSecond(t *testing.T) {
	// Two different runs of one commit added in the same second: both are
	// kept, the later under the next free name.
	dir := t.TempDir()
	m := meta(0, "go1.26.0")
	var paths []string
	for _, ns := range []int{100, 101, 102} {
		p, err := Append(dir, "in.txt", run(ns), m)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, filepath.Base(p))
	}
	base := strings.TrimSuffix(m.FileName(), ".txt")
	if want := []string{base + ".txt", base + "-2.txt", base + "-3.txt"}; !slices.Equal(paths, want) {
		t.Errorf("paths %v; want %v", paths, want)
	}
	h, err := Read(dir)
	if err != nil || len(h.Runs) != 3 {
		t.Errorf("Read: %v runs, %v; want 3", len(h.Runs), err)
	}
}

func TestAppendReadsWithHistory(t *testing.T) {
	// A run that reads alone but not with the history (a unit that mixes
	// with one of its earlier runs) is refused: every later read would fail.
	dir := t.TempDir()
	if _, err := Append(dir, "a.txt", []byte("BenchmarkX/impl=own-2 1000 100 ns/op 3 wake-ns\n"), meta(0, "go1.26.0")); err != nil {
		t.Fatal(err)
	}
	before := listing(t, dir)
	_, err := Append(dir, "b.txt", []byte("BenchmarkX/impl=own-2 1000 100 ns/op 3 wake-ms\n"), meta(1, "go1.26.0"))
	if err == nil || !strings.Contains(err.Error(), "does not read with the history") {
		t.Errorf("Append: %v; want an error saying it does not read with the history", err)
	}
	if after := listing(t, dir); after != before {
		t.Errorf("history changed by a refused append:\n%s\nwant\n%s", after, before)
	}
	if _, err := Read(dir); err != nil {
		t.Errorf("Read after the refused append: %v", err)
	}
}

// A short commit in the input matches the full one.
func TestAppendAcceptsShortCommit(t *testing.T) {
	m := meta(0, "go1.26.0")
	if _, err := Append(t.TempDir(), "in.txt", []byte("commit: "+m.Commit[:7]+"\ngo: go1.26.0\n"+string(run(1))), m); err != nil {
		t.Error(err)
	}
}

func TestRunStart(t *testing.T) {
	for _, tc := range []struct {
		data string
		want time.Time
		ok   bool
	}{
		{"runid: 20261129T103109Z-29d8050\nBenchmarkX 1 1 ns/op\n", time.Date(2026, 11, 29, 10, 31, 9, 0, time.UTC), true},
		{"runid: 20261129T103109Z-29d8050-dirty-2\nBenchmarkX 1 1 ns/op\n", time.Date(2026, 11, 29, 10, 31, 9, 0, time.UTC), true},
		{"BenchmarkX 1 1 ns/op\n", time.Time{}, false},
		{"runid: soon\nBenchmarkX 1 1 ns/op\n", time.Time{}, false},
	} {
		s := results.New()
		if _, err := s.Add("in.txt", []byte(tc.data)); err != nil {
			t.Fatal(err)
		}
		if got, ok := RunStart(s); !got.Equal(tc.want) || ok != tc.ok {
			t.Errorf("RunStart(%q) = %v, %v; want %v, %v", tc.data, got, ok, tc.want, tc.ok)
		}
	}
}

func TestReadNotADirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "00.txt")
	if err := os.WriteFile(file, run(100), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(file); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("Read(a file) = %v; want an error saying it is not a directory", err)
	}
}

func TestReadRefuses(t *testing.T) {
	for _, tc := range []struct {
		name, file, want string
	}{
		{"malformed", "commit: x\nBenchmarkX 1 100 ns/op\nBenchmarkX 1\n", "bad.txt:3"},
		{"not a history run", "BenchmarkX 1 100 ns/op\n", `bad.txt:1: no "commit:"`},
		{"bad time", "commit: x\ncommit-time: yesterday\ngo: g\ngolang.org/x/sync: v\ngithub.com/sourcegraph/conc: v\nmachine: m\ndate: d\nBenchmarkX 1 1 ns/op\n", "yesterday"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			Append(dir, "in.txt", run(100), meta(0, "go1.26.0"))
			os.WriteFile(filepath.Join(dir, "bad.txt"), []byte(tc.file), 0o644)
			before := listing(t, dir)
			_, err := Read(dir)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got = %v; want an error with %q", err, tc.want)
			}
			if after := listing(t, dir); after != before {
				t.Errorf("Read changed the history:\n%s\nwant\n%s", after, before)
			}
		})
	}
	if _, err := Read(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no runs") {
		t.Errorf("empty dir: got = %v; want no runs", err)
	}
	missing := filepath.Join(t.TempDir(), "history")
	if _, err := Read(missing); err == nil || !strings.Contains(err.Error(), missing+": no such directory") || !strings.Contains(err.Error(), "track add") {
		t.Errorf("missing dir: got = %v; want it named, and how to make it", err)
	}
}

// listing describes every file of dir: name, size, mode, time and content.
func listing(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		info, _ := e.Info()
		data, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		fmt.Fprintf(&b, "%s %d %v %v %x\n", e.Name(), info.Size(), info.Mode(), info.ModTime(), data)
	}
	return b.String()
}

func ExampleAppend() {
	dir, _ := os.MkdirTemp("", "history")
	defer os.RemoveAll(dir)
	m := Meta{
		Commit: "0123456789abcdef0123456789abcdef01234567", CommitTime: t0, Go: "go1.26.0",
		Modules: map[string]string{"golang.org/x/sync": "v0.22.0", "github.com/sourcegraph/conc": "v0.3.0"},
		Machine: "linux/amd64", Date: t0.Add(time.Hour),
	}
	path, err := Append(dir, "raw.txt", []byte("BenchmarkX-2 1000 120 ns/op\n"), m)
	if err != nil {
		fmt.Println(err)
		return
	}
	data, _ := os.ReadFile(path)
	fmt.Printf("%s\n%s", filepath.Base(path), data)
	// Output:
	// 20261101T120000Z-0123456789ab-20261101T130000Z.txt
	// commit: 0123456789abcdef0123456789abcdef01234567
	// commit-time: 2026-11-01T12:00:00Z
	// go: go1.26.0
	// golang.org/x/sync: v0.22.0
	// github.com/sourcegraph/conc: v0.3.0
	// machine: linux/amd64
	// date: 2026-11-01T13:00:00Z
	// BenchmarkX-2 1000 120 ns/op
}
