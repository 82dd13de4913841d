package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/concbench/concbench/internal/benchbin/benchbintest"
	"github.com/concbench/concbench/internal/childproc"
	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/outdir"
	"github.com/concbench/concbench/internal/results"
	"github.com/concbench/concbench/internal/starve"
	"github.com/concbench/concbench/internal/suite"
	"github.com/concbench/concbench/patterns/starvation"
)

// tinyModule writes a module of its own with the given benchmarks.
func tinyModule(t *testing.T, benchmarks string) string { return benchbintest.Module(t, benchmarks) }

const okBench = `func BenchmarkOK(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {}
}
`

// TestRunCrashAndHang runs a matrix where one benchmark crashes at
// GOMAXPROCS=2 and another hangs with preemption off: both are recorded,
// and the run finishes with everything else.
func TestRunCrashAndHang(t *testing.T) {
	mod := tinyModule(t, okBench+`
func BenchmarkCrash(b *testing.B) {
	if runtime.GOMAXPROCS(0) == 2 { panic("crash on purpose") }
	for b.Loop() {}
}
func BenchmarkHang(b *testing.B) {
	if strings.Contains(os.Getenv("GODEBUG"), "asyncpreemptoff=1") { time.Sleep(time.Hour) }
	for b.Loop() {}
}
`)
	out := filepath.Join(t.TempDir(), "results")
	var progress bytes.Buffer
	res, err := Run(context.Background(), Config{
		Rounds: 2, Benchtime: "1x", CPUs: []int{1, 2}, Out: out, Timeout: 2 * time.Second,
		ModuleDir: mod, Pkg: "./b", Command: "concbench run -test", Progress: &progress,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Per round: async/1 ok, async/2 crash, off/1 hang, off/2 crash.
	if res.Processes != 8 || len(res.Failed) != 6 {
		t.Errorf("Processes = %d, Failed = %q; want 8 processes, 6 failed", res.Processes, res.Failed)
	}
	hung := 0
	for _, f := range res.Failed {
		if strings.Contains(f, "watchdog") {
			hung++
		}
	}
	if hung != 2 {
		t.Errorf("%d failures name the watchdog; want 2 (off/1 in each round)", hung)
	}
	s, err := results.Read(filepath.Join(res.Dir, "raw.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Notes) != 6 {
		t.Errorf("raw.txt has %d notes; want 6", len(s.Notes))
	}
	var ok []float64
	for _, m := range s.Metrics() {
		if m.Bench() == "OK" && m.Procs() == 2 && m.Preempt() == "off" && m.Unit == "sec/op" {
			ok = s.Values(m)
		}
	}
	if n := len(ok); n != 2 {
		t.Errorf("BenchmarkOK-2 preempt=off has %d samples; want 2 (measured before the crash)", n)
	}
	if got := s.Config("commit"); len(got) != 1 || got[0] != "unknown" {
		t.Errorf("commit = %q; want unknown (no git)", got)
	}
	md, err := os.ReadFile(filepath.Join(res.Dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	// Two rounds: the self-check compares the first with the second.
	for _, want := range []string{"## Problems during the run", "watchdog", "crash on purpose", "`concbench run -test`", "- Self-check: the run's odd rounds and its even rounds"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	if got := strings.Count(progress.String(), "/8 done"); got != 2 {
		t.Errorf("progress has %d round lines; want 2 (not a terminal):\n%s", got, progress.String())
	}
}

// cancelOn cancels a context when a progress line contains a string.
type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	substr string
	cancel context.CancelFunc
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.buf.Write(p)
	if strings.Contains(c.buf.String(), c.substr) {
		c.cancel()
	}
	return len(p), nil
}

func TestRunInterrupted(t *testing.T) {
	mod := tinyModule(t, okBench+`
func BenchmarkHang(b *testing.B) {
	if runtime.GOMAXPROCS(0) == 2 { time.Sleep(time.Hour) }
	for b.Loop() {}
}
`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel as the second process starts, as Ctrl-C would.
	w := &cancelOn{substr: "gomaxprocs=2", cancel: cancel}
	res, err := Run(ctx, Config{
		Rounds: 6, Benchtime: "1x", CPUs: []int{1, 2}, Preempt: []string{"async"},
		Out: t.TempDir(), Timeout: time.Minute, ModuleDir: mod, Pkg: "./b",
		Progress: w, Terminal: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Interrupted || res.Processes != 1 || res.Planned != 12 {
		t.Errorf("Result = %+v; want interrupted after 1 of 12 processes", res)
	}
	raw, err := os.ReadFile(filepath.Join(res.Dir, "raw.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte("BenchmarkOK")) || !bytes.Contains(raw, []byte(results.NotePrefix+"interrupted")) {
		t.Errorf("raw.txt lacks the kept result or the interrupt note:\n%s", raw)
	}
	if _, err := os.Stat(filepath.Join(res.Dir, "report.md")); err != nil {
		t.Errorf("no report after an interrupt: %v", err)
	}
}

// TestRunInterruptedEndless interrupts a run after the first endless
// hog's verdict, as Ctrl-C right after its progress line: the run is
// interrupted, raw.txt and the report's problems say which verdicts are
// missing, and the report's answer on endless loops, which quotes the
// verdicts, says they are a partial set.
func TestRunInterruptedEndless(t *testing.T) {
	// A Starvation cell with preemption off, for the report's answer.
	mod := tinyModule(t, `func BenchmarkStarvation(b *testing.B) {
	b.Run("n=1/hog=tight/victim=sleep", func(b *testing.B) {
		for b.Loop() {}
		b.ReportMetric(0.5, "progress")
		b.ReportMetric(1e6, "stall-ns")
	})
}
`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w := &cancelOn{substr: "concbench: endless: hog=", cancel: cancel}
	res, err := Run(ctx, Config{
		Rounds: 1, Benchtime: "1x", CPUs: []int{1}, Preempt: []string{"off"}, Endless: 100 * time.Millisecond,
		Out: t.TempDir(), Timeout: time.Minute, ModuleDir: mod, Pkg: "./b", Progress: w,
	})
	if err != nil {
		t.Fatal(err)
	}
	hogs := len(starvation.Hogs)
	if !res.Interrupted || res.Processes != 1 || res.Endless != 1 || res.EndlessPlanned != hogs {
		t.Errorf("Result = %+v; want interrupted after 1 process and 1 of %d endless verdicts", res, hogs)
	}
	raw, err := os.ReadFile(filepath.Join(res.Dir, "raw.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, h := range starvation.Hogs[1:] {
		missing = append(missing, "hog="+h.Name+" preempt=off")
	}
	problem := fmt.Sprintf("interrupted in the endless hogs at %s; kept the verdicts of 1 of %d, missing: %s",
		missing[0], hogs, strings.Join(missing, ", "))
	if !bytes.Contains(raw, []byte(results.NotePrefix+problem+"\n")) {
		t.Errorf("raw.txt lacks the note %q:\n%s", problem, raw)
	}
	if n := bytes.Count(raw, []byte(results.NotePrefix+results.EndlessPrefix+"hog=")); n != 1 {
		t.Errorf("raw.txt has %d endless verdicts; want 1:\n%s", n, raw)
	}
	md, err := os.ReadFile(filepath.Join(res.Dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	partial := fmt.Sprintf("`interrupted: verdicts for 1 of the %d endless hogs only, the rest missing", hogs)
	for _, want := range []string{"raw.txt:", problem, "The endless hog itself", partial} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("report.md lacks %q:\n%s", want, md)
		}
	}
}

// TestRunExistingDir starts a run whose name is taken: it writes under the
// next free name, says so, and leaves the existing directory alone. It
// names, and keeps, the temporary directory of a run killed earlier.
func TestRunExistingDir(t *testing.T) {
	mod := tinyModule(t, okBench)
	out := t.TempDir()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	existing := filepath.Join(out, "20260102T030405Z-unknown")
	if err := os.MkdirAll(existing, 0o755); err != nil {
		t.Fatal(err)
	}
	// A killed run's temporary directory, which the run names and keeps.
	killed := filepath.Join(out, ".20260101T000000Z-unknown.tmp")
	if err := os.MkdirAll(killed, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(killed, "raw.txt"), []byte("BenchmarkX 1 1 ns/op\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var progress bytes.Buffer
	res, err := Run(context.Background(), Config{Rounds: 1, Benchtime: "1x", CPUs: []int{1}, Preempt: []string{"async"},
		Out: out, ModuleDir: mod, Pkg: "./b", Progress: &progress, now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	if want := existing + "-2"; res.Dir != want || !strings.Contains(progress.String(), "this run is "+want) {
		t.Errorf("Run into an existing run directory wrote %s; want %s, and said so:\n%s", res.Dir, want, progress.String())
	}
	if raw, err := os.ReadFile(filepath.Join(res.Dir, "raw.txt")); err != nil || !bytes.Contains(raw, []byte("runid: 20260102T030405Z-unknown-2\n")) {
		t.Errorf("raw.txt: %v; want the runid the directory's name:\n%s", err, raw)
	}
	if entries, _ := os.ReadDir(existing); len(entries) != 0 {
		t.Errorf("the existing directory holds %v; want it untouched", names(entries))
	}
	if want := "killed (they hold what those measured; not removed): " + killed + "\n"; !strings.Contains(progress.String(), want) {
		t.Errorf("progress does not name the killed run's temporary directory, %q:\n%s", want, progress.String())
	}
	if _, err := os.Stat(filepath.Join(killed, "raw.txt")); err != nil {
		t.Errorf("the killed run's raw.txt: %v; want it kept", err)
	}
}

// TestRunSameSecond runs two runs of the same commit at once, started in
// the same second into the same -out, as two shells would: both write
// their run directory, under different names. (Before the name was
// claimed at the start, the second to finish failed with ErrExists and
// deleted what it had measured.)
func TestRunSameSecond(t *testing.T) {
	mod := tinyModule(t, okBench)
	out := filepath.Join(t.TempDir(), "results")
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var wg sync.WaitGroup
	var res [2]*Result
	var errs [2]error
	for i := range res {
		wg.Go(func() {
			res[i], errs[i] = Run(context.Background(), Config{Rounds: 1, Benchtime: "1x", CPUs: []int{1}, Preempt: []string{"async"},
				Out: out, ModuleDir: mod, Pkg: "./b", now: func() time.Time { return at }})
		})
	}
	wg.Wait()
	for i := range res {
		if errs[i] != nil {
			t.Fatalf("run %d: %v", i, errs[i])
		}
		if _, err := os.Stat(filepath.Join(res[i].Dir, "raw.txt")); err != nil {
			t.Errorf("run %d: %v", i, err)
		}
	}
	if res[0].Dir == res[1].Dir {
		t.Errorf("both runs wrote %s", res[0].Dir)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 2 {
		t.Errorf("%s holds %v; want the two runs", out, names(entries))
	}
}

// TestRunCommitFails makes a directory appear under the run's name while it
// measures, so that the commit fails: the run keeps what it measured in its
// temporary directory and says where.
func TestRunCommitFails(t *testing.T) {
	mod := tinyModule(t, okBench)
	out := t.TempDir()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	final := filepath.Join(out, "20260102T030405Z-unknown")
	w := &doOn{substr: "building", do: func() {
		if err := os.Mkdir(final, 0o755); err != nil {
			t.Error(err)
		}
	}}
	_, err := Run(context.Background(), Config{Rounds: 1, Benchtime: "1x", CPUs: []int{1}, Preempt: []string{"async"},
		Out: out, ModuleDir: mod, Pkg: "./b", Progress: w, now: func() time.Time { return at }})
	tmp := filepath.Join(out, ".20260102T030405Z-unknown.tmp")
	if !errors.Is(err, outdir.ErrExists) || !strings.Contains(err.Error(), "kept in "+tmp) {
		t.Errorf("Run whose name was taken meanwhile: %v; want ErrExists naming %s", err, tmp)
	}
	if raw, err := os.ReadFile(filepath.Join(tmp, "raw.txt")); err != nil || !bytes.Contains(raw, []byte("BenchmarkOK")) {
		t.Errorf("the measurements: %v; want them kept:\n%s", err, raw)
	}
	if entries, _ := os.ReadDir(final); len(entries) != 0 {
		t.Errorf("the directory that appeared holds %v; want it untouched", names(entries))
	}
}

// doOn calls do once, when a progress line contains substr.
type doOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	substr string
	do     func()
	done   bool
}

func (d *doOn) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.buf.Write(p)
	if !d.done && strings.Contains(d.buf.String(), d.substr) {
		d.done = true
		d.do()
	}
	return len(p), nil
}

func names(entries []os.DirEntry) []string {
	var s []string
	for _, e := range entries {
		s = append(s, e.Name())
	}
	return s
}

func TestRunUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "results")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), Config{Out: file, ModuleDir: tinyModule(t, okBench), Pkg: "./b"})
	if err == nil || !cli.IsUsage(err) || !strings.Contains(err.Error(), "-out "+file) {
		t.Errorf("Run with -out a regular file: got = %v; want a usage error naming -out %s", err, file)
	}
}

func TestRunNothingMeasured(t *testing.T) {
	_, err := Run(context.Background(), Config{Bench: "NoSuchBenchmark", Rounds: 1, CPUs: []int{1}, Preempt: []string{"async"},
		Out: t.TempDir(), ModuleDir: tinyModule(t, okBench), Pkg: "./b"})
	if !errors.Is(err, ErrNothingMeasured) {
		t.Errorf("err = %v; want ErrNothingMeasured", err)
	}
}

// TestRunSuite is the end-to-end check on the real suite: a quick run of
// one JoinAll cell writes a run directory whose files exist and parse.
// The endless hog runs in this test binary re-executed in the child role.
func init() { starve.Child() }

func TestRunSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the real bench suite")
	}
	rounds, benchtime := Quick()
	res, err := Run(context.Background(), Config{
		Bench: "JoinAll/impl=own/n=10$/task=tiny", Rounds: rounds, Benchtime: benchtime,
		// The window must outlast a freeze of the machine: with async
		// preemption a tight hog's victim woke only 5 to 9 times in 200ms at
		// a load of 7.5, and once, under go test -race ./... beside other
		// work (load 10.6), not at all, which read as starved.
		Out: t.TempDir(), ModuleDir: "../..", Endless: 500 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := results.Read(filepath.Join(res.Dir, "raw.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range s.Metrics() {
		if m.Bench() != "JoinAll" || m.Sub(suite.Impl) != suite.Own {
			t.Errorf("unexpected metric %s %s", s.Label(m.Cell), m.Unit)
		}
		if n := len(s.Values(m)); n != rounds {
			t.Errorf("%s %s: %d samples; want %d", s.Label(m.Cell), m.Unit, n, rounds)
		}
	}
	if len(s.Metrics()) == 0 {
		t.Fatal("no metrics")
	}
	// Endless: one verdict per hog kind and preempt mode; the starved ones
	// are exactly the hogs without a preemption point, with preemption off.
	verdicts := map[string]bool{}
	for _, n := range s.Notes {
		if v, ok := strings.CutPrefix(n.Text, results.EndlessPrefix); ok {
			head, _, _ := strings.Cut(v, ":")
			verdicts[head] = strings.Contains(v, ": starved:")
		}
	}
	if len(verdicts) != 2*len(starvation.Hogs) {
		t.Errorf("endless verdicts: %v; want one per hog kind and preempt mode", verdicts)
	}
	for _, h := range starvation.Hogs {
		for _, mode := range []string{"async", "off"} {
			head := fmt.Sprintf("hog=%s victim=sleep preempt=%s procs=1 hogs=1", h.Name, mode)
			want := mode == "off" && !h.Cooperative
			if got, ok := verdicts[head]; ok && got != want {
				t.Errorf("%s: starved = %v; want %v", head, got, want)
			}
		}
	}
	for _, name := range []string{"report.md", "joinall-gomaxprocs1.svg"} {
		b, err := os.ReadFile(filepath.Join(res.Dir, name))
		if err != nil || len(b) == 0 {
			t.Errorf("%s: %d bytes, %v", name, len(b), err)
		}
	}
}

// TestCreateHeader checks raw.txt's config lines, which say how a run was
// set up: the budget and offbench lines only where they apply, and the
// note of a skipped tokio.
func TestCreateHeader(t *testing.T) {
	const common = "commit: abc1234\ngo: go1.26\ncores: %d\nmachine: test machine\nrunid: 20260102T030405Z-abc1234\ncommand: concbench run\n"
	for _, tc := range []struct {
		name  string
		c     Config
		tokio string // why tokio was skipped
		want  string
	}{
		{"fixed", Config{Rounds: 6}, "", ""},
		{"budget", Config{Rounds: 6, MaxRounds: 20, Budget: time.Minute}, "", "budget: 1m0s\nrounds: 6 to 20\n"},
		{"more rounds, no budget", Config{Rounds: 2, MaxRounds: 4}, "", "budget: none\nrounds: 2 to 4\n"},
		{"offbench", Config{Rounds: 6, OffBench: NoOff}, "", "offbench: ^$\n"},
		{"offbench, async only", Config{Rounds: 6, OffBench: NoOff, Preempt: []string{"async"}}, "", ""},
		{"tokio skipped", Config{Rounds: 6}, "cargo not found", results.NotePrefix + "tokio skipped, Go only: cargo not found\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.c
			if err := c.defaults(); err != nil {
				t.Fatal(err)
			}
			dir, err := outdir.New(filepath.Join(t.TempDir(), "run"), false)
			if err != nil {
				t.Fatal(err)
			}
			defer dir.Abort()
			s := &session{c: &c, dir: dir, name: "20260102T030405Z-abc1234",
				info: info{commit: "abc1234", goVersion: "go1.26", machine: "test machine"}}
			if err := s.create(tc.tokio); err != nil {
				t.Fatal(err)
			}
			if err := s.w.Flush(); err != nil {
				t.Fatal(err)
			}
			s.raw.Close()
			got, err := os.ReadFile(s.rawPath)
			if err != nil {
				t.Fatal(err)
			}
			if want := fmt.Sprintf(common, runtime.NumCPU()) + tc.want; string(got) != want {
				t.Errorf("raw.txt = %q; want %q", got, want)
			}
		})
	}
}

// TestRunRawUnwritable makes every write to raw.txt fail, as on a full
// disk: raw.txt is a link to /dev/full, planted in the run's temporary
// directory while the binary builds. Nothing reached raw.txt, so the run
// must not claim that what it measured is kept, and leaves no temporary
// directory behind that holds nothing.
func TestRunRawUnwritable(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full:", err)
	}
	out := t.TempDir()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tmp := filepath.Join(out, ".20260102T030405Z-unknown.tmp")
	w := &doOn{substr: "building", do: func() {
		if err := os.Symlink("/dev/full", filepath.Join(tmp, "raw.txt")); err != nil {
			t.Error(err)
		}
	}}
	_, err := Run(context.Background(), Config{Rounds: 1, Benchtime: "1x", CPUs: []int{1}, Preempt: []string{"async"},
		Out: out, ModuleDir: tinyModule(t, okBench), Pkg: "./b", Progress: w, now: func() time.Time { return at }})
	if err == nil || strings.Contains(err.Error(), "kept") || !strings.Contains(err.Error(), "lost") {
		t.Errorf("Run whose raw.txt cannot be written: %v; want an error that says the results were lost, not kept", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("%s holds %v; want nothing (raw.txt never held a result)", out, names(entries))
	}
}

// TestRunPinned checks where a run puts its processes: at GOMAXPROCS=1, on
// the last CPU the run may use, which the process's cpus: line names; with
// Unpinned, on all of them. The benchmark reports how many CPUs its
// process may use (runtime.NumCPU reads the affinity at start), which the
// runner's cores: line before the process says too.
func TestRunPinned(t *testing.T) {
	all, err := childproc.CPUs()
	if err != nil {
		t.Skip(err)
	}
	if len(all) < 2 {
		t.Skipf("this process may use %d CPU: nothing to pin", len(all))
	}
	mod := tinyModule(t, `func BenchmarkCPUs(b *testing.B) {
	for b.Loop() {}
	b.ReportMetric(float64(runtime.NumCPU()), "cpus")
}
`)
	for _, tc := range []struct {
		unpinned bool
		cpus     float64
		line     string
	}{
		{false, 1, fmt.Sprint(all[len(all)-1])},
		{true, float64(len(all)), strings.Trim(strings.Join(strings.Fields(fmt.Sprint(all)), ","), "[]")},
	} {
		var progress bytes.Buffer
		res, err := Run(context.Background(), Config{
			Rounds: 1, Benchtime: "1x", CPUs: []int{1}, Preempt: []string{"async"}, Unpinned: tc.unpinned,
			Out: t.TempDir(), ModuleDir: mod, Pkg: "./b", Progress: &progress,
		})
		if err != nil {
			t.Fatal(err)
		}
		said := "GOMAXPROCS=1 processes run on CPU " + tc.line + ", one per P"
		if got := strings.Contains(progress.String(), said); got == tc.unpinned {
			t.Errorf("Unpinned %v: progress says %q: %v; want %v:\n%s", tc.unpinned, said, got, !tc.unpinned, progress.String())
		}
		s, err := results.Read(filepath.Join(res.Dir, "raw.txt"))
		if err != nil {
			t.Fatal(err)
		}
		if got := s.Config("cpus"); len(got) != 1 || got[0] != tc.line {
			t.Errorf("Unpinned %v: cpus: lines %q; want %q", tc.unpinned, got, tc.line)
		}
		raw, err := os.ReadFile(filepath.Join(res.Dir, "raw.txt"))
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("\ncpus: %s\ncores: %v\n", tc.line, tc.cpus); !strings.Contains(string(raw), want) {
			t.Errorf("Unpinned %v: raw.txt lacks %q:\n%s", tc.unpinned, want, raw)
		}
		found := false
		for _, m := range s.Metrics() {
			if m.Unit == "cpus" {
				found = true
				if got := s.Values(m); len(got) != 1 || got[0] != tc.cpus {
					t.Errorf("Unpinned %v: the process could use %v CPUs; want %v", tc.unpinned, got, tc.cpus)
				}
			}
		}
		if !found {
			t.Errorf("Unpinned %v: no cpus metric in raw.txt", tc.unpinned)
		}
	}
}
