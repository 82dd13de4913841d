package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/runner"
)

// runRun is concbench run: flags to a runner.Config, the run, a summary.
func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := runConfig(args, stderr)
	if err != nil {
		return err
	}
	res, err := runner.Run(ctx, c)
	if err != nil {
		return err
	}
	return summarize(res, stdout, stderr)
}

// runFlags are the flags of run that the runner's Config does not hold as
// they are written.
type runFlags struct {
	offBench, cpus, preempt string
	quick, pin              bool
	set                     map[string]bool // the flags given
}

// runConfig parses run's command line into the runner's Config: bad usage
// is a cli.Usage error.
func runConfig(args []string, stderr io.Writer) (runner.Config, error) {
	var c runner.Config
	var f runFlags
	fs := newRunFlags(&c, &f, stderr)
	if err := cli.Parse(fs, args, 0, 0, "no arguments (all settings are flags)"); err != nil {
		return c, err
	}
	f.set = map[string]bool{}
	fs.Visit(func(fl *flag.Flag) { f.set[fl.Name] = true })
	if f.set["count"] && f.set["rounds"] {
		return c, cli.Usagef("-count and -rounds are one setting: give one of them")
	}
	f.rounds(&c)
	if c.Rounds < 1 {
		return c, cli.Usagef("-count %d: want at least 1", c.Rounds)
	}
	if err := f.matrix(&c); err != nil {
		return c, err
	}
	c.Command = commandLine("concbench run", args)
	c.Progress = stderr
	c.Terminal = isTerminal(stderr)
	return c, nil
}

// newRunFlags returns run's flag set, which parses into c and f.
func newRunFlags(c *runner.Config, f *runFlags, stderr io.Writer) *flag.FlagSet {
	fs := cli.NewFlagSet("run", "usage: concbench [run] [flags]\n\n"+
		"Builds the bench binary once, runs preempt {async,off} x GOMAXPROCS {1,all cores} round-robin,\n"+
		"and writes OUT/<UTC time>-<commit>/ with raw.txt, report.md and SVG charts (the name gets -2, -3...\n"+
		"if another run started in the same second has it). 'concbench help' lists the other commands.\n\nflags:\n", stderr)
	fs.StringVar(&c.Bench, "bench", ".", "run only benchmarks matching `regexp` (as go test -bench: one pattern per /-level, unanchored, so n=10 also matches n=1000; write n=10$)")
	fs.IntVar(&c.Rounds, "count", runner.DefaultRounds, "`rounds`: samples per cell (benchstat needs 6 for a 95% interval); given, every cell gets exactly this many")
	fs.IntVar(&c.Rounds, "rounds", runner.DefaultRounds, "same as -count")
	fs.IntVar(&c.MaxRounds, "maxrounds", runner.DefaultMaxRounds, "after -count full rounds, sample the noisy cells (interval wider than ±10%) again, up to `n` samples, within -budget")
	fs.DurationVar(&c.Budget, "budget", runner.DefaultBudget, "wall time the run should take (build and endless hogs included); full rounds after the sixth run only while a whole one fits, unless -count fixes the rounds (0: no budget)")
	fs.StringVar(&f.offBench, "offbench", "", "-bench `regexp` of the preempt=off processes when both modes run (default: the -bench benchmarks whose results depend on preemption: "+strings.Join(runner.PreemptSensitive, ", ")+")")
	fs.StringVar(&c.Benchtime, "benchtime", runner.DefaultBenchtime, "go test -benchtime per benchmark and process (`d` or Nx)")
	fs.BoolVar(&f.quick, "quick", false, "smoke run of about a minute: -count 2 -benchtime 1x unless given (intervals are ±∞)")
	fs.StringVar(&c.Out, "out", "results", "write the run directory under `dir`")
	fs.StringVar(&f.cpus, "cpu", "", "comma-separated GOMAXPROCS `list` (default 1,"+strconv.Itoa(numCPU())+")")
	fs.StringVar(&f.preempt, "preempt", "async,off", "comma-separated preemption `modes`: async, off")
	fs.BoolVar(&f.pin, "pin", true, "run each benchmark process on as many CPUs as its GOMAXPROCS, the last ones (Linux; each process's cpus: line says where it ran); -pin=false lets the OS place them")
	fs.DurationVar(&c.Timeout, "timeout", runner.DefaultTimeout, "watchdog per benchmark process (0: the default)")
	fs.DurationVar(&c.Endless, "endless", time.Second, "after the rounds, run the endless hog of each kind under a watchdog for `d` per preempt mode (0: skip)")
	fs.StringVar(&c.Tokio, "tokio", runner.DefaultTokio, "also run the tokio suite: its crate `dir` (built with cargo, offline) or a binary built from it; empty: Go only")
	return fs
}

// rounds applies -quick, and makes the rounds fixed when -count or -quick
// sets them without -maxrounds.
func (f *runFlags) rounds(c *runner.Config) {
	if f.quick {
		rounds, benchtime := runner.Quick()
		if !f.set["count"] && !f.set["rounds"] {
			c.Rounds = rounds
		}
		if !f.set["benchtime"] {
			c.Benchtime = benchtime
		}
	}
	if (f.set["count"] || f.set["rounds"] || f.quick) && !f.set["maxrounds"] {
		c.MaxRounds = c.Rounds // a fixed number of rounds
	}
}

// matrix parses -cpu, -preempt and -pin into c, and sets c.OffBench.
func (f *runFlags) matrix(c *runner.Config) error {
	if f.cpus != "" {
		for _, s := range strings.Split(f.cpus, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 1 {
				return cli.Usagef("-cpu %q: want a comma-separated list of numbers >= 1", f.cpus)
			}
			c.CPUs = append(c.CPUs, n)
		}
	}
	for _, m := range strings.Split(f.preempt, ",") {
		m = strings.TrimSpace(m)
		if m != "async" && m != "off" {
			return cli.Usagef("-preempt %q: want async, off or async,off", f.preempt)
		}
		c.Preempt = append(c.Preempt, m)
	}
	c.Unpinned = !f.pin
	c.OffBench = f.offBench
	if !f.set["offbench"] && slices.Contains(c.Preempt, "async") && slices.Contains(c.Preempt, "off") {
		// Comparing the modes: off only where preemption can matter (the
		// endless hogs still run in both).
		c.OffBench = runner.OffBench(c.Bench)
	}
	return nil
}

// summarize prints the run directory on stdout and what the run did on
// stderr. An interrupted run is an error that says what was kept.
func summarize(res *runner.Result, stdout, stderr io.Writer) error {
	fmt.Fprintf(stdout, "%s\n", res.Dir)
	fmt.Fprintf(stderr, "concbench: wrote %s (raw.txt, report.md, charts): %d processes in %s", res.Dir, res.Processes, res.Elapsed.Round(time.Second))
	if len(res.Failed) > 0 {
		fmt.Fprintf(stderr, ", %d crashed or hung (see the report)", len(res.Failed))
	}
	fmt.Fprintln(stderr)
	if res.Interrupted && res.EndlessPlanned > 0 {
		return fmt.Errorf("interrupted in the endless hogs: kept the %d processes and %d of %d endless verdicts in %s", res.Processes, res.Endless, res.EndlessPlanned, res.Dir)
	}
	if res.Interrupted {
		return fmt.Errorf("interrupted: kept the %d of %d processes that finished in %s", res.Processes, res.Planned, res.Dir)
	}
	return nil
}

// commandLine returns name and args as one line a shell would read back.
func commandLine(name string, args []string) string {
	s := name
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$*?[]|&;<>()`") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		s += " " + a
	}
	return s
}

// isTerminal reports whether w is a character device (a terminal), where
// progress can rewrite one line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func numCPU() int { return runtime.NumCPU() }
