// Package gate is concbench gate: a CI regression gate that measures the
// base and the head on the same machine, side by side, and fails only on a
// change that is both statistically significant and large enough to matter.
// It measures any Go module: the packages named by -pkg (default: every
// package of the module with a benchmark), one test binary per package.
//
// Tools that compare against one stored number from another machine, with
// no statistics, raise false alarms on shared runners; benchstat has the
// statistics but no exit status. The gate builds each package's test binary
// at the base (in a temporary git worktree) and at the head (the working
// tree, or a second worktree), runs the two interleaved A B B A in every
// round, package after package, so that drift of the machine falls on both
// alike, reads the output with package results (benchmarks of different
// packages are different cells) and hands the samples to package verdict
// (Mann-Whitney U, Holm–Bonferroni, a threshold in the bad direction of
// each unit).
//
// Run reads top to bottom as its steps: plan (every flag, path and
// revision checked, nothing built yet), build, measure, decide, write.
// Cancelling its context (concbench maps SIGINT, SIGTERM and SIGHUP to
// that) kills the process group of the build or benchmark running (see
// package childproc), removes the worktrees and temporary files, and
// returns the context's error.
//
// A dirty working tree is the head, uncommitted changes included (that is
// the point of a local run: did my change regress?), and the output says
// so. Nowhere else is the working tree read: the base is always a committed
// revision in its own worktree. Only with Options.Clean (concbench gate
// -clean, which scripts/regress.sh sets under CI) is a dirty tree an error,
// because in CI it means something changed the checkout and the head
// measured is not the commit under review.
package gate

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/gate/verdict"
	"github.com/concbench/concbench/internal/md"
	"github.com/concbench/concbench/internal/outdir"
	"github.com/concbench/concbench/internal/runner"
)

// QuickSet is the default -bench in concbench's own module (ModulePath):
// the project's own implementation (impl=own) of each pattern at one
// mid-size n, for every task kind of the pattern. Go's -bench matches each
// '/'-separated level on its own, so cells that a pattern lacks (n=16 in
// join-all, n=1000 in first-done) just do not match. Starvation is left
// out: its wake latencies are long-tailed by design and a gate on them
// would mostly measure the machine. In any other module the default is ".".
const QuickSet = `^Benchmark(JoinAll|FirstDone|FailFast)$/^impl=own$/^n=(16|1000)$/^task=(tiny|cpu|wait|ok|fail)$`

// ModulePath is concbench's own module, where the default -pkg is SuitePkg
// and the default -bench QuickSet.
const (
	ModulePath = "github.com/concbench/concbench"
	SuitePkg   = "./bench"
)

// Defaults of the flags, chosen on the reference 2-core machine. The noise
// of a benchmark is mostly between processes, so many short samples beat
// fewer long ones: on a copy of golang.org/x/sync's semaphore package (44
// benchmarks) with 10% more work in one of them, 20 rounds of 20ms took
// 120 s a gate, flagged it in 5 of 5 runs (p after Holm 2e-9 to 0.019)
// and nothing else, and had 24 of 44 intervals wider than ±5%; 10 rounds
// of 100ms took 314 s, flagged it at p=0.027 and had 38 of 44 wider.
// 5 A/A gates at 20 × 20ms flagged nothing. The package's tests hold the
// power and false-positive simulations.
const (
	DefaultRounds    = 20
	DefaultBenchtime = "20ms"
	DefaultThreshold = 0.05
	DefaultAlpha     = 0.05
	DefaultTimeout   = 5 * time.Minute
)

// Options is one gate run. The zero values of Rounds, Benchtime, Threshold,
// Alpha and Timeout are not defaults: ParseArgs fills those in. Empty Pkgs
// and Bench are the defaults that depend on the module (see QuickSet).
type Options struct {
	Dir       string        // the directory the gate runs in: -pkg patterns are relative to it, and its go.mod is the module
	Pkgs      []string      // go package patterns; none: every package of the module with a benchmark
	Base      string        // revision of the base; required unless AA
	Head      string        // revision of the head; "" is the working tree
	AA        bool          // compare the base (or, without Base, the working tree) with itself
	Bench     string        // -test.bench regexp; "" is the module's default
	Rounds    int           // rounds of A B B A: 2*Rounds samples a side
	Benchtime string        // -test.benchtime, fixed for every process
	Threshold float64       // fraction: 0.05 is 5%
	Alpha     float64       // family-wise error rate
	Timeout   time.Duration // watchdog for each process
	Budget    time.Duration // if > 0, no round starts that would end after this much time from the start
	Clean     bool          // a dirty working tree (as the head) is an error
	Summary   string        // if set, the Markdown (or the error) is appended to this file too ($GITHUB_STEP_SUMMARY)
	Raw       string        // if set, every process's output is written to this new file at the end, for benchstat -col side
}

// Run runs the gate and writes the Markdown verdict to stdout and progress
// to stderr. The error is nil when nothing regressed, marked cli.Finding when
// something did (or when an A/A check flagged anything as a regression, or
// when a benchmark process of the head failed: see headFailure),
// and marked cli.Usage for bad options and bad input: an unknown revision,
// a dirty tree under Clean, a -bench that matches nothing, or too few rounds
// for the test to ever reach significance. Every such error but the last
// two comes before anything is built. No benchmark at both sides (the
// change adds the module's first) is none of these: the verdict says that
// nothing was compared, and the error is nil. Any error other than a
// finding is appended to Summary too. Temporary worktrees and binaries are removed
// before Run returns, also when ctx is cancelled: by a signal through
// cli.NotifyContext, the error is then a cli.InterruptedError (exit status
// 128 plus the signal's number).
func Run(ctx context.Context, o Options, stdout, stderr io.Writer) error {
	err := cli.Interrupted(ctx, runSteps(ctx, o, stdout, stderr))
	if code := cli.ExitCode(err); code != 0 && code != 1 {
		SummarizeError(o.Summary, err, stderr)
	}
	return err
}

func runSteps(ctx context.Context, o Options, stdout, stderr io.Writer) error {
	p, err := newPlan(ctx, o)
	if err != nil {
		return err
	}
	defer p.cleanup()
	base, head, err := p.build(ctx, stderr)
	if err != nil {
		return err
	}
	m, err := p.measure(ctx, base, head, stderr)
	rawErr := p.writeRaw(m, err) // reported with the verdict, not instead of it
	var hf headFailure
	if errors.As(err, &hf) {
		if werr := p.writeVerdict(failure{hf, base.label, head.label}.markdown(), stdout, stderr); werr != nil {
			return errors.Join(werr, rawErr)
		}
		return errors.Join(cli.Finding(err), rawErr)
	}
	if err != nil {
		return errors.Join(err, rawErr)
	}
	return errors.Join(p.decide(m, base.label, head.label, stdout, stderr), rawErr)
}

// writeRaw writes what was measured to -o, also when the gate stopped (a
// signal, a failing benchmark): then its last line says why it ends. An
// -o that cannot be written (a full disk) is an error, which the gate
// returns after its verdict: a verdict is never lost to its -o.
func (p *plan) writeRaw(m *measured, err error) error {
	if p.o.Raw == "" || m == nil || m.raw.Len() == 0 {
		return nil
	}
	if err != nil {
		fmt.Fprintf(&m.raw, "stopped: in round %d: %s\n", m.rounds+1, firstLine(err))
	}
	if werr := outdir.WriteFile(p.o.Raw, m.raw.Bytes()); werr != nil {
		return fmt.Errorf("-o: %w", werr)
	}
	return nil
}

// decide judges the samples, writes the verdict and returns the error that
// sets the exit status.
func (p *plan) decide(m *measured, baseLabel, headLabel string, stdout, stderr io.Writer) error {
	o := p.o
	inputs, onlyBase, onlyHead := m.samples.inputs()
	var results []verdict.Result
	tests := 0
	if len(inputs) > 0 {
		results, tests = verdict.Decide(inputs, verdict.Config{Alpha: o.Alpha, Threshold: o.Threshold})
	}
	out := table{o: o, rounds: m.rounds, pkgs: m.pkgs, base: baseLabel, head: headLabel,
		results: results, tests: tests, onlyBase: onlyBase, onlyHead: onlyHead}
	if err := p.writeVerdict(out.markdown(), stdout, stderr); err != nil {
		return err
	}
	if tests == 0 {
		return nil // every benchmark is at one side only: nothing to judge, nothing regressed
	}
	if need := verdict.MinSamples(o.Alpha, max(tests, 1)); 2*m.rounds < need {
		return cli.Usagef("%d rounds give %d samples a side; %d comparisons at alpha %v need %d, so nothing could be significant: use -rounds %d or more (and a -budget that allows them)",
			m.rounds, 2*m.rounds, tests, o.Alpha, need, (need+1)/2)
	}
	if regs := out.names(verdict.Regression); len(regs) > 0 {
		what := "regression"
		if o.AA {
			what = "false regression in an A/A check"
		}
		return cli.Finding(fmt.Errorf("%d %s(s) beyond %s: %s", len(regs), what, pct(o.Threshold), strings.Join(regs, "; ")))
	}
	return nil
}

// writeVerdict writes md to stdout and appends it to the step summary, and
// returns an error only if stdout failed.
func (p *plan) writeVerdict(md string, stdout, stderr io.Writer) error {
	if _, err := io.WriteString(stdout, md); err != nil {
		return err
	}
	if p.o.Summary != "" {
		if err := appendFile(p.o.Summary, md); err != nil {
			fmt.Fprintf(stderr, "gate: warning: step summary: %v\n", err)
		}
	}
	return nil
}

// SummarizeError appends err to the step summary file summary (if not
// ""), so that a gate that could not judge says why where CI shows its
// verdict. A problem writing it is a warning on stderr.
func SummarizeError(summary string, err error, stderr io.Writer) {
	if summary == "" || err == nil || errors.Is(err, flag.ErrHelp) {
		return
	}
	md := fmt.Sprintf("### concbench gate\n\n**The gate could not judge (exit %d):**\n\n%s", cli.ExitCode(err), md.CodeBlock(err.Error()))
	if werr := appendFile(summary, md); werr != nil {
		fmt.Fprintf(stderr, "gate: warning: step summary: %v\n", werr)
	}
}

// check validates the options that need no repository, paths included.
func (o Options) check() error {
	switch {
	case o.AA && o.Head != "":
		return cli.Usagef("--aa compares one revision with itself: give --base REF (or nothing, for the working tree), not --head")
	case !o.AA && o.Base == "":
		return cli.Usagef("--base REF is required (or --aa for an A/A check)")
	case o.Rounds < 1:
		return cli.Usagef("-rounds %d: need at least 1", o.Rounds)
	case !(o.Alpha > 0 && o.Alpha < 1):
		return cli.Usagef("-alpha %v: need 0 < alpha < 1", o.Alpha)
	case !(o.Threshold >= 0):
		return cli.Usagef("-threshold %v%%: need a percentage >= 0", o.Threshold*100)
	case o.Timeout <= 0:
		return cli.Usagef("-timeout %v: need a positive duration", o.Timeout)
	case o.Budget < 0:
		return cli.Usagef("-budget %v: need a positive duration (or 0 for none)", o.Budget)
	}
	if err := runner.CheckBenchtime(o.Benchtime); err != nil {
		return err
	}
	if err := runner.CheckBench("-bench", o.Bench); err != nil {
		return err
	}
	for _, p := range o.Pkgs {
		if strings.HasPrefix(p, "-") {
			return cli.Usagef("-pkg %q: not a package pattern", p)
		}
	}
	// Even a lone comparison needs this many samples; the full check, with
	// the number of comparisons, follows the run.
	if need := verdict.MinSamples(o.Alpha, 1); 2*o.Rounds < need {
		return cli.Usagef("-rounds %d gives %d samples a side; the U test at alpha %v can never be significant below %d: use -rounds %d or more",
			o.Rounds, 2*o.Rounds, o.Alpha, need, (need+1)/2)
	}
	if err := checkAppendable(o.Summary); err != nil {
		return cli.Usagef("step summary ($GITHUB_STEP_SUMMARY) %s: %v", o.Summary, err)
	}
	return checkNewFile("-o", o.Raw)
}

// checkAppendable checks, before anything is built, that the verdict can
// be appended to name at the end: a file that can be opened for writing,
// or none yet in a directory that exists ("" is no file, and fine).
func checkAppendable(name string) error {
	if name == "" {
		return nil
	}
	fi, err := os.Stat(name)
	switch {
	case err == nil && fi.IsDir():
		return errors.New("a directory")
	case err == nil:
		f, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		return f.Close()
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	dir := filepath.Dir(name)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("directory %s does not exist", dir)
	}
	return nil
}

// checkNewFile checks, before anything is built, that a file can be
// created at name at the end: it does not exist and its directory does.
// Written only at the end, an interrupted run leaves no half-written file.
func checkNewFile(flag, name string) error {
	if name == "" {
		return nil
	}
	if fi, err := os.Lstat(name); err == nil {
		if fi.IsDir() {
			return cli.Usagef("%s %s: a directory; give the name of a new file", flag, name)
		}
		return cli.Usagef("%s %s: file exists; the gate does not overwrite", flag, name)
	}
	dir := filepath.Dir(name)
	switch fi, err := os.Stat(dir); {
	case err == nil && !fi.IsDir():
		return cli.Usagef("%s %s: %s is not a directory", flag, name, dir)
	case err != nil:
		return cli.Usagef("%s %s: directory %s does not exist", flag, name, dir)
	}
	return nil
}

func appendFile(name, s string) error {
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = io.WriteString(f, s)
	return errors.Join(err, f.Close())
}

// firstLine is the first line of err's message.
func firstLine(err error) string {
	line, _, _ := strings.Cut(err.Error(), "\n")
	return line
}
