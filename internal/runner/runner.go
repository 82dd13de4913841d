// Package runner runs the concbench matrix — preemption mode × GOMAXPROCS —
// and leaves a run directory: raw.txt in the Go benchmark format, report.md
// and the charts.
//
// Like `go test -c` followed by benchstat's advice done by hand: the bench
// binary is built once, then every round runs each cell of the matrix once,
// each cell its own process (GODEBUG=asyncpreemptoff=1 is read only at
// start), so that drift on a shared machine spreads over all cells evenly
// instead of landing on whichever ran last. Each process has a watchdog; a
// process that crashes or hangs is recorded in raw.txt (a "# concbench:"
// line) and in the report, and the run goes on. Cancelling the context stops
// the run after killing the running process; what was measured is kept.
//
// Rejected: one process per cell running all rounds (-count 6), which is
// faster to start but puts all of a cell's samples in one stretch of time, so
// a noisy minute on the shared machine moves one cell and not the others.
package runner

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/concbench/concbench/internal/benchbin"
	"github.com/concbench/concbench/internal/childproc"
	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/outdir"
	"github.com/concbench/concbench/internal/precision"
	"github.com/concbench/concbench/internal/report"
	"github.com/concbench/concbench/internal/results"
	"github.com/concbench/concbench/internal/scratch"
	"github.com/concbench/concbench/internal/starve"
	"github.com/concbench/concbench/patterns/starvation"
)

// Config is one run. The zero value of a field means its default.
type Config struct {
	Bench     string        // -test.bench regexp; default "."
	Rounds    int           // samples per cell; default [DefaultRounds]
	Benchtime string        // -test.benchtime; default [DefaultBenchtime]
	CPUs      []int         // GOMAXPROCS values; default 1 and runtime.NumCPU()
	Preempt   []string      // "async", "off"; default both
	Out       string        // parent of the run directory; default "results"
	Timeout   time.Duration // watchdog per process; default [DefaultTimeout]
	Command   string        // the command line, recorded in raw.txt and the report

	// Unpinned lets the OS place every benchmark process on any CPU the
	// run may use. By default (Linux) a process whose GOMAXPROCS is below
	// that number of CPUs runs on the last GOMAXPROCS of them (see
	// [session.cpusFor]).
	Unpinned bool

	// OffBench, when not "", is the -test.bench of the preempt=off
	// processes instead of Bench (see [OffBench]); the tokio runtime, which
	// has no such mode, then runs in the async cells only.
	OffBench string
	// MaxRounds, when above Rounds, lets a run sample noisy cells more:
	// after Rounds full rounds, each further round runs, in each process,
	// only the noisy cells (a sec/op, latency or progress interval wider
	// than ±10%), until none is left, they have MaxRounds samples, or the
	// Budget is spent.
	MaxRounds int
	// Budget, when not zero, is the wall time the run should take, build
	// and endless hogs included: a further round's process starts only if
	// it fits, by how long that process took before. When MaxRounds is
	// above Rounds, full rounds after the first [MinRounds] run only while
	// a whole one fits; otherwise the Rounds full rounds always run.
	Budget time.Duration

	ModuleDir string // module root to build in; default "."
	Pkg       string // package to build; default benchbin.Pkg

	// Endless, when not zero, runs the endless hog of every kind under the
	// watchdog (internal/starve) after the rounds, at GOMAXPROCS=1 in each
	// preempt mode, watching the victim this long, and records each verdict
	// in raw.txt. It needs the running binary to call starve.Child at start
	// (cmd/concbench does), since the child is this binary re-executed.
	Endless time.Duration

	// Tokio, when not empty, adds the tokio runtime to the run: the
	// directory of the tokio crate (DefaultTokio), built with cargo, or a
	// binary built from it. Its process runs in every cell after Go's (see
	// tokio.go), and its endless hogs after Go's. If it cannot be built, the
	// run says why once (progress and a raw.txt note) and runs Go only.
	Tokio string

	Progress io.Writer // progress lines; nil for none
	Terminal bool      // Progress is a terminal: rewrite one status line

	now func() time.Time // for tests
}

const (
	// DefaultRounds full rounds run in every default run: from 10 samples
	// benchmath's 95% interval of the median leaves out the two extremes
	// (up to 8 it spans them all), so one interrupted sample no longer
	// widens a cell's interval.
	DefaultRounds = 10
	// MinRounds full rounds run in a run whose rounds are not fixed,
	// whatever its budget: 6 samples, the fewest from which benchmath gives
	// a 95% interval.
	MinRounds = 6
	// DefaultBenchtime: the noise of this suite's cells is mostly between
	// samples (processes, moments of a shared machine), not within one, so
	// more short samples buy more precision than fewer long ones. Measured
	// side by side, interleaved (docs/precision.md): 20 samples of 15ms had
	// 33% of the sec/op cells within ±10% where 7 of 50ms, taking longer,
	// had 9%; at 16 samples each, 10ms and 20ms did alike (25% and 28%).
	// A full round of the default matrix takes about 20 s at 10ms (Go 14 s,
	// tokio 5 s), against 40 s at 50ms.
	DefaultBenchtime = "10ms"
	// DefaultMaxRounds and DefaultBudget are the command's defaults for
	// Config.MaxRounds and Config.Budget: after the full rounds, the cells
	// still wider than ±10% are sampled again, each process narrowed to
	// exactly those cells, up to 30 samples (where the interval leaves out
	// the nine most extreme on each side); the budget keeps a default run
	// within 6 minutes on the reference machine.
	DefaultMaxRounds = 30
	DefaultBudget    = 5*time.Minute + 30*time.Second
	// DefaultTimeout is the watchdog per process: a process runs every
	// selected benchmark once, about 12 s at the defaults.
	DefaultTimeout = 3 * time.Minute
)

// Quick returns the settings of -quick, a smoke run of about a minute: two
// rounds of one iteration per benchmark. Its intervals are ±∞ (too few
// samples); it checks that everything runs, it measures nothing.
func Quick() (rounds int, benchtime string) { return 2, "1x" }

// Result says what a run did.
type Result struct {
	Dir         string   // the run directory written
	Processes   int      // processes run
	Planned     int      // processes planned
	Failed      []string // processes that crashed or hung
	Interrupted bool     // the context was cancelled before the end
	// Endless and EndlessPlanned are the endless hogs' verdicts written and
	// planned when the run was interrupted during them; zero otherwise.
	Endless, EndlessPlanned int
	Elapsed                 time.Duration // wall time, build included
}

// Preempt modes and the environment each sets.
var modes = map[string]string{
	"async": "GODEBUG=asyncpreemptoff=0",
	"off":   "GODEBUG=asyncpreemptoff=1",
}

// cell is one process setting of the matrix.
type cell struct {
	preempt string
	cpu     int
}

func (c cell) String() string { return fmt.Sprintf("preempt=%s gomaxprocs=%d", c.preempt, c.cpu) }

// cells returns the matrix, every preempt mode with every GOMAXPROCS value,
// in the order a round runs them.
func (c *Config) cells() []cell {
	var cells []cell
	for _, p := range c.Preempt {
		for _, n := range c.CPUs {
			cells = append(cells, cell{p, n})
		}
	}
	return cells
}

func (c *Config) defaults() error {
	if c.Bench == "" {
		c.Bench = "."
	}
	if c.Rounds == 0 {
		c.Rounds = DefaultRounds
	}
	if c.Rounds < 0 {
		return cli.Usagef("-count %d: want at least 1", c.Rounds)
	}
	if c.MaxRounds < 0 {
		return cli.Usagef("-maxrounds %d: want 0 or more (it is raised to -count)", c.MaxRounds)
	}
	c.MaxRounds = max(c.MaxRounds, c.Rounds)
	if c.Benchtime == "" {
		c.Benchtime = DefaultBenchtime
	}
	if err := c.defaultMatrix(); err != nil {
		return err
	}
	if c.Out == "" {
		c.Out = "results"
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.ModuleDir == "" {
		c.ModuleDir = "."
	}
	if c.Pkg == "" {
		c.Pkg = benchbin.Pkg
	}
	if c.Command == "" {
		c.Command = "concbench run"
	}
	if c.now == nil {
		c.now = time.Now
	}
	return nil
}

// defaultMatrix fills in the GOMAXPROCS values and the preempt modes, and
// checks the modes (check checks the GOMAXPROCS values).
func (c *Config) defaultMatrix() error {
	if len(c.CPUs) == 0 {
		c.CPUs = []int{1}
		if n := runtime.NumCPU(); n > 1 {
			c.CPUs = append(c.CPUs, n)
		}
	}
	if len(c.Preempt) == 0 {
		c.Preempt = []string{"async", "off"}
	}
	for _, p := range c.Preempt {
		if _, ok := modes[p]; !ok {
			return cli.Usagef("-preempt %q: want async or off", p)
		}
	}
	return nil
}

// ErrNothingMeasured is returned when a run ends before any benchmark
// result was written; no run directory is left behind then.
var ErrNothingMeasured = errors.New("nothing was measured; no results written")

// Run runs the matrix and writes the run directory. The run directory's
// name is the start time in UTC and the short commit, claimed before
// anything runs ([outdir.Reserve]): if a directory of that name exists, or
// another run started in the same second claimed it, the name gets a
// suffix, -2, -3 and so on. Cancelling ctx stops the run; Run then still
// writes what was measured and returns it with Result.Interrupted set and
// a nil error. A run that fails after it measured something keeps its
// temporary directory and names it in the error.
func Run(ctx context.Context, c Config) (_ *Result, err error) {
	s, err := c.plan(ctx)
	if err != nil {
		return nil, err
	}
	defer s.abort(&err)
	if swept := scratch.Sweep(); len(swept) > 0 {
		c.progressf("removed the build directories of killed runs and gates: %s\n", strings.Join(swept, ", "))
	}
	binDir, err := scratch.Make("bin-")
	if err != nil {
		return nil, err
	}
	defer binDir.Remove()
	bins, err := c.build(ctx, binDir.Path)
	if err != nil {
		return nil, err
	}
	if err := s.create(bins.tokioSkipped); err != nil {
		return nil, err
	}
	defer s.raw.Close()
	if err := s.measure(ctx, bins); err != nil {
		return nil, err
	}
	s.endless(ctx, bins.tokio)
	return s.write()
}

// session is a run under way: its run directory, the raw.txt it writes
// there, and what it has measured so far.
type session struct {
	c         *Config
	start     time.Time
	info      info
	name      string // the run directory's: start time and commit
	dir       *outdir.Dir
	committed bool
	rawPath   string
	raw       *os.File
	w         *bufio.Writer // raw, flushed after every process
	res       *Result
	measured  int // benchmark result lines measured
	kept      int // of them, those raw.txt holds: flushed without an error
	prog      *progress
	bud       *budget
	cpus      []int // the CPUs the run may use, ascending; nil if unknown (not Linux)
}

// plan fills in c's defaults, checks c, and opens the run directory.
func (c *Config) plan(ctx context.Context) (*session, error) {
	if err := c.defaults(); err != nil {
		return nil, err
	}
	if err := c.check(ctx); err != nil {
		return nil, err
	}
	s := &session{c: c, start: c.now(), res: &Result{}}
	s.info = describe(ctx, c.ModuleDir)
	if cpus, err := childproc.CPUs(); err != nil {
		if !c.Unpinned {
			c.progressf("processes run on any CPU: %v\n", err)
		}
	} else {
		s.cpus = cpus
		for _, n := range c.CPUs {
			if on := s.cpusFor(cell{cpu: n}); on != nil {
				c.progressf("GOMAXPROCS=%d processes run on %s %s, one per P (-pin=false: wherever the OS puts them)\n", n, plural(len(on), "CPU"), list(on))
			}
		}
	}
	want := filepath.Join(c.Out, s.start.UTC().Format("20060102T150405Z")+"-"+s.info.commit)
	dir, err := outdir.Reserve(want)
	if err != nil {
		return nil, cli.Usagef("-out %s: %w", c.Out, err)
	}
	s.dir, s.name = dir, filepath.Base(dir.Final())
	if dir.Final() != want {
		c.progressf("%s exists or another run is writing it: this run is %s\n", want, dir.Final())
	}
	if tmps := outdir.Temporaries(c.Out, dir.Path()); len(tmps) > 0 {
		c.progressf("temporary run directories in %s, of runs still going or killed (they hold what those measured; not removed): %s\n",
			c.Out, strings.Join(tmps, ", "))
	}
	return s, nil
}

// cpusFor returns the CPUs a process of cell cl runs on: the last
// GOMAXPROCS of the CPUs the run may use, or nil (any of them) if there
// are no more of those than GOMAXPROCS, the CPUs are unknown, or the run
// is unpinned.
//
// Why: processes left to the OS land on whichever CPU is free when they
// start, and on a shared VM the CPUs are not always alike. After the
// reference VM restarted on 2026-11-29, its first vCPU, which also took
// the network's interrupts, ran goroutine-heavy cells 30–50% slower than
// the last, with a wider spread (plain CPU loops nearly alike), so a
// cell's samples fell into two clusters by where their processes started,
// and its interval spanned both; pinned to the last vCPU, the same cells
// had 2 to 4 times as many intervals within ±10% (docs/precision.md,
// "Where a process runs"). The last CPUs, not the first, because Linux
// and hypervisors put housekeeping on CPU 0 first; a fixed choice, not a
// probe for the quieter one, so that two runs measure the same thing.
// With as many CPUs as GOMAXPROCS a process has one CPU per P, as in a
// container given that many CPUs.
func (s *session) cpusFor(cl cell) []int {
	if s.c.Unpinned || len(s.cpus) <= cl.cpu {
		return nil
	}
	return s.cpus[len(s.cpus)-cl.cpu:]
}

// placement returns the config lines that say where a process of cell cl
// runs: "cpus:", the CPUs it may run on, as a comma-separated list, or
// "any" if the run does not know them; and "cores:", how many, which the
// report's bound of CPU work needs per process (the Go bench binary
// writes the same line, runtime.NumCPU(); tokio's writes none, and a
// config line holds until the next one says otherwise).
func (s *session) placement(cl cell) string {
	cpus := s.cpusFor(cl)
	if cpus == nil {
		cpus = s.cpus
	}
	if cpus == nil {
		return fmt.Sprintf("cpus: any\ncores: %d\n", runtime.NumCPU())
	}
	return fmt.Sprintf("cpus: %s\ncores: %d\n", list(cpus), len(cpus))
}

// plural returns word, with an s unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// list returns cpus as a comma-separated list: 0,1.
func list(cpus []int) string {
	s := make([]string, len(cpus))
	for i, c := range cpus {
		s[i] = strconv.Itoa(c)
	}
	return strings.Join(s, ",")
}

// abort removes the run directory unless it was committed, or unless the
// run failed after raw.txt held something it measured: then it keeps the
// temporary directory, which holds raw.txt, and says so in *err. Results
// that never reached raw.txt (a full disk) are lost, and *err says so
// instead of pointing at a raw.txt without them.
func (s *session) abort(err *error) {
	switch {
	case s.committed:
	case s.kept > 0 && *err != nil:
		*err = fmt.Errorf("%w; what was measured up to then (%d of %d result lines) is kept in %s", *err, s.kept, s.measured, s.dir.Path())
	default:
		if s.measured > 0 && *err != nil {
			*err = fmt.Errorf("%w; the %d result lines measured never reached raw.txt and are lost", *err, s.measured)
		}
		s.dir.Abort()
	}
}

// binaries are what a run measures.
type binaries struct {
	goBin        string // the bench suite's test binary
	tokio        string // the tokio binary; "" for Go only
	tokioSkipped string // why tokio does not run although c.Tokio asked for it
}

// build builds the bench suite with go test -c into dir and, if c.Tokio
// is set, the tokio binary. A tokio that cannot be built is no error: the
// run goes on with Go only and says why.
func (c *Config) build(ctx context.Context, dir string) (binaries, error) {
	b := binaries{goBin: filepath.Join(dir, "bench.test")}
	c.progressf("building %s (go test -c)\n", c.Pkg)
	if err := benchbin.Build(ctx, c.ModuleDir, c.Pkg, b.goBin); err != nil {
		if ctx.Err() != nil {
			return b, fmt.Errorf("interrupted while building: %w", ErrNothingMeasured)
		}
		return b, err
	}
	if c.Tokio != "" {
		if b.tokio, b.tokioSkipped = c.tokioBinary(ctx, dir); b.tokioSkipped != "" {
			c.progressf("tokio skipped, running Go only: %s\n", b.tokioSkipped)
		}
	}
	return b, nil
}

// create creates raw.txt in the run directory and writes its header: the
// config lines that say what was measured where, and why tokio was
// skipped if it was.
func (s *session) create(tokioSkipped string) error {
	s.rawPath = filepath.Join(s.dir.Path(), outdir.Raw)
	raw, err := os.Create(s.rawPath)
	if err != nil {
		return err
	}
	s.raw, s.w = raw, bufio.NewWriter(raw)
	c := s.c
	fmt.Fprintf(s.w, "commit: %s\ngo: %s\ncores: %d\nmachine: %s\nrunid: %s\ncommand: %s\n",
		s.info.commit, s.info.goVersion, runtime.NumCPU(), s.info.machine, s.name, c.Command)
	if tokioSkipped != "" {
		fmt.Fprintf(s.w, "%stokio skipped, Go only: %s\n", note, tokioSkipped)
	}
	if c.MaxRounds > c.Rounds || c.Budget > 0 {
		fmt.Fprintf(s.w, "budget: %s\nrounds: %d to %d\n", budgetString(c.Budget), c.Rounds, c.MaxRounds)
	}
	if c.OffBench != "" && slices.Contains(c.Preempt, "off") {
		fmt.Fprintf(s.w, "offbench: %s\n", c.OffBench)
	}
	return nil
}

// endless runs the endless hogs after the rounds, Go's and then tokio's,
// unless c.Endless is 0 or the rounds were interrupted. Interrupted, it
// notes which verdicts are missing and sets Result.Interrupted: a problem
// note, and an [results.EndlessPrefix] note, which the report quotes with
// the verdicts, so that a partial set reads as one.
func (s *session) endless(ctx context.Context, tokioBin string) {
	if s.c.Endless <= 0 || s.res.Interrupted {
		return
	}
	hogs := s.c.endlessHogs(tokioBin)
	for i, h := range hogs {
		if ctx.Err() != nil {
			s.endlessInterrupted(hogs, i)
			return
		}
		v, err := starve.Watch(ctx, h)
		if err != nil && ctx.Err() != nil {
			s.endlessInterrupted(hogs, i)
			return
		}
		s.c.writeVerdict(s.w, v, err)
	}
}

// endlessHogs returns the endless hogs a run watches, in order: Go's of
// every kind in every preempt mode at GOMAXPROCS=1, then tokio's on a
// current_thread runtime (procs 1) if tokioBin is set.
func (c *Config) endlessHogs(tokioBin string) []starve.Config {
	var hogs []starve.Config
	for _, mode := range c.Preempt {
		for _, h := range starvation.Hogs {
			hogs = append(hogs, starve.Config{Hog: h.Name, Victim: "sleep", Preempt: mode, Procs: 1, Timeout: c.Endless})
		}
	}
	if tokioBin != "" {
		for _, h := range tokioHogs {
			hogs = append(hogs, starve.Config{Hog: h, Victim: "sleep", Preempt: "async", Procs: 1,
				Timeout: c.Endless, Bin: tokioBin, Runtime: "tokio"})
		}
	}
	return hogs
}

// endlessInterrupted notes that the run was interrupted before the verdict
// of hogs[done], so that the verdicts of hogs[done:] are missing, and sets
// Result.Interrupted.
func (s *session) endlessInterrupted(hogs []starve.Config, done int) {
	s.res.Interrupted = true
	s.res.Endless, s.res.EndlessPlanned = done, len(hogs)
	var missing []string
	for _, h := range hogs[done:] {
		missing = append(missing, hogLabel(h))
	}
	fmt.Fprintf(s.w, "%sinterrupted in the endless hogs at %s; kept the verdicts of %d of %d, missing: %s\n",
		note, missing[0], done, len(hogs), strings.Join(missing, ", "))
	fmt.Fprintf(s.w, "%s%sinterrupted: verdicts for %d of the %d endless hogs only, the rest missing (see Problems during the run)\n",
		note, results.EndlessPrefix, done, len(hogs))
}

// hogLabel names an endless hog in a note.
func hogLabel(h starve.Config) string {
	if h.Runtime != "" {
		return "runtime=" + h.Runtime + " hog=" + h.Hog
	}
	return "hog=" + h.Hog + " preempt=" + h.Preempt
}

// write finishes raw.txt, reads it back, writes the report and the charts
// beside it and commits the run directory. The Result it returns with an
// error says what ran.
func (s *session) write() (*Result, error) {
	if err := s.w.Flush(); err != nil {
		return nil, err
	}
	s.kept = s.measured
	if err := s.raw.Close(); err != nil {
		return nil, err
	}
	if s.measured == 0 {
		if s.res.Interrupted {
			return s.res, fmt.Errorf("interrupted: %w", ErrNothingMeasured)
		}
		return s.res, fmt.Errorf("-bench %q: %w (%d processes, %d failed)", s.c.Bench, ErrNothingMeasured, s.res.Processes, len(s.res.Failed))
	}
	set, err := readResults(s.rawPath)
	if err != nil {
		return s.res, err
	}
	halves := precision.RunHalves(s.rawPath)
	if err := report.Write(s.dir.Path(), set, report.Options{Charts: true, Files: []string{outdir.Raw}, Halves: halves}); err != nil {
		return s.res, fmt.Errorf("writing the report: %w", err)
	}
	if err := s.dir.Commit(); err != nil {
		return s.res, err
	}
	s.committed = true
	s.res.Dir = s.dir.Final()
	s.res.Elapsed = s.c.now().Sub(s.start)
	return s.res, nil
}

// writeVerdict writes an endless hog's verdict, or its failure, as a note,
// which the report's answer to "what if I write an endless loop?" quotes.
func (c *Config) writeVerdict(w io.Writer, v starve.Verdict, err error) {
	if err != nil {
		fmt.Fprintf(w, "%sfailed: endless %s: %v\n", note, hogLabel(v.Config), err)
		return
	}
	c.progressf("endless: %v\n", v)
	fmt.Fprintf(w, "%s%s%v\n", note, results.EndlessPrefix, v)
}

// readResults reads raw.txt back with the same reader `concbench report`
// uses, so the run's report and a later one agree. The file is named
// "raw.txt", as the report's links and notes must name it, not by its path
// in the temporary directory, which is gone once the run is committed.
func readResults(path string) (*results.Set, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := results.New()
	if _, err := s.Add(filepath.Base(path), data); err != nil {
		return nil, err
	}
	return s, nil
}

// note starts a line of raw.txt that the report lists under problems.
const note = results.NotePrefix

func (c *Config) progressf(format string, args ...any) {
	if c.Progress != nil {
		fmt.Fprintf(c.Progress, "concbench: "+format, args...)
	}
}
