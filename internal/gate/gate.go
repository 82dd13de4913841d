// Package gate is concbench gate: a CI regression gate that measures the
// base and the head on the same machine, side by side, and fails only on a
// change that is both statistically significant and large enough to matter.
//
// Tools that compare against one stored number from another machine, with
// no statistics, raise false alarms on shared runners; benchstat has the
// statistics but no exit status. The gate builds the bench test binary at
// the base (in a temporary git worktree) and at the head (the working tree,
// or a second worktree), runs the two interleaved A B B A in every round, so
// that drift of the machine falls on both alike, and hands the samples to
// package verdict (Mann-Whitney U, Holm–Bonferroni, a threshold in the bad
// direction of each unit).
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
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/concbench/concbench/internal/benchbin"
	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/gate/verdict"
)

// QuickSet is the default -bench: the project's own implementation (impl=own)
// of each pattern at one mid-size n, for every task kind of the pattern.
// Go's -bench matches each '/'-separated level on its own, so cells that a
// pattern lacks (n=16 in join-all, n=1000 in first-done) just do not match.
// Starvation is left out: its wake latencies are long-tailed by design and
// a gate on them would mostly measure the machine.
const QuickSet = `^Benchmark(JoinAll|FirstDone|FailFast)$/^impl=own$/^n=(16|1000)$/^task=(tiny|cpu|wait|ok|fail)$`

// Defaults of the flags, chosen on the reference 2-core machine so that a
// default run of the quick set takes a few minutes and finds a 10% change
// (see the package's tests for the power and false-positive simulations).
const (
	DefaultRounds    = 10
	DefaultBenchtime = "100ms"
	DefaultThreshold = 0.05
	DefaultAlpha     = 0.05
	DefaultTimeout   = 5 * time.Minute
)

// Options is one gate run. The zero values of Rounds, Benchtime, Threshold,
// Alpha, Timeout and Bench are not defaults: ParseArgs fills those in.
type Options struct {
	Dir       string        // a directory in the module to measure (its go.mod is looked up from here)
	Base      string        // revision of the base; required unless AA
	Head      string        // revision of the head; "" is the working tree
	AA        bool          // compare the base (or, without Base, the working tree) with itself
	Bench     string        // -test.bench regexp
	Rounds    int           // rounds of A B B A: 2*Rounds samples a side
	Benchtime string        // -test.benchtime, fixed for every process
	Threshold float64       // fraction: 0.05 is 5%
	Alpha     float64       // family-wise error rate
	Timeout   time.Duration // watchdog for each process
	Clean     bool          // a dirty working tree (as the head) is an error
	Summary   string        // if set, the Markdown is appended to this file too ($GITHUB_STEP_SUMMARY)
	Raw       string        // if set, every process's output is written to this new file at the end, for benchstat -col side
}

// side is one of the two things compared: a built test binary and its label.
type side struct {
	label string // for the table: "`main` (1a2b3c4d)"
	bin   string
}

// Run runs the gate and writes the Markdown verdict to stdout and progress
// to stderr. The error is nil when nothing regressed, marked cli.Finding when
// something did (or when an A/A check flagged anything as a regression),
// and marked cli.Usage for bad options and bad input: an unknown revision,
// a dirty tree under Clean, a -bench that matches nothing, or too few rounds
// for the test to ever reach significance. Temporary worktrees and binaries
// are removed before Run returns, also when ctx is cancelled.
func Run(ctx context.Context, o Options, stdout, stderr io.Writer) error {
	if err := o.check(); err != nil {
		return err
	}
	root, err := moduleRoot(o.Dir)
	if err != nil {
		return err
	}
	r, err := openRepo(ctx, root)
	if err != nil {
		return err
	}
	if o.Raw != "" {
		// Checked now, written at the end: an interrupted run leaves no
		// half-written file, and a run is not wasted on a name taken.
		if _, err := os.Lstat(o.Raw); err == nil {
			return cli.Usagef("-o %s: file exists; the gate does not overwrite", o.Raw)
		}
	}
	tmp, err := os.MkdirTemp("", "concbench-gate-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	// build makes the binary of one side: a revision in a worktree, or the
	// working tree when ref is "".
	build := func(name, flag, ref string) (side, error) {
		s := side{bin: filepath.Join(tmp, name+".test")}
		dir := root
		if ref == "" {
			label, err := r.workingTreeLabel(ctx, o.Clean)
			if err != nil {
				return s, err
			}
			s.label = label
		} else {
			sha, err := r.resolve(ctx, flag, ref)
			if err != nil {
				return s, err
			}
			s.label = fmt.Sprintf("`%s` (%.8s)", ref, sha)
			if strings.HasPrefix(sha, ref) { // given as a hash: say it once
				s.label = fmt.Sprintf("`%.8s`", sha)
			}
			wt, remove, err := r.worktree(ctx, tmp, name, sha)
			if err != nil {
				return s, err
			}
			defer remove()
			dir = wt
		}
		fmt.Fprintf(stderr, "gate: building %s: %s\n", name, s.label)
		if err := benchbin.Build(ctx, dir, benchbin.Pkg, s.bin); err != nil {
			return s, fmt.Errorf("%s %s: %w", name, s.label, err)
		}
		return s, nil
	}

	base, err := build("base", "base", o.Base)
	if err != nil {
		return err
	}
	head := base // A/A: the same binary on both sides
	if !o.AA {
		if head, err = build("head", "head", o.Head); err != nil {
			return err
		}
	}

	var raw bytes.Buffer
	set, err := o.measure(ctx, base, head, &raw, stderr)
	if err != nil {
		return err
	}
	if o.Raw != "" {
		if err := writeNew(o.Raw, raw.Bytes()); err != nil {
			return fmt.Errorf("-o: %w", err)
		}
	}
	inputs, onlyBase, onlyHead := set.inputs()
	if len(inputs) == 0 {
		return cli.Usagef("-bench %q: no benchmark ran at both base and head (only at base: %s; only at head: %s)",
			o.Bench, strings.Join(onlyBase, ", "), strings.Join(onlyHead, ", "))
	}
	results, m := verdict.Decide(inputs, verdict.Config{Alpha: o.Alpha, Threshold: o.Threshold})
	out := table{o: o, base: base.label, head: head.label, results: results, tests: m, onlyBase: onlyBase, onlyHead: onlyHead}
	md := out.markdown()
	if _, err := io.WriteString(stdout, md); err != nil {
		return err
	}
	if o.Summary != "" {
		if err := appendFile(o.Summary, md); err != nil {
			fmt.Fprintf(stderr, "gate: warning: step summary: %v\n", err)
		}
	}
	if need := verdict.MinSamples(o.Alpha, max(m, 1)); 2*o.Rounds < need {
		return cli.Usagef("-rounds %d gives %d samples a side; %d comparisons at alpha %v need %d, so nothing could be significant: use -rounds %d or more",
			o.Rounds, 2*o.Rounds, m, o.Alpha, need, (need+1)/2)
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

// check validates the options that need no repository.
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
	}
	if err := checkBenchtime(o.Benchtime); err != nil {
		return err
	}
	if _, err := regexp.Compile(o.Bench); err != nil || o.Bench == "" {
		return cli.Usagef("-bench %q: not a regular expression: %v", o.Bench, err)
	}
	// Even a lone comparison needs this many samples; the full check, with
	// the number of comparisons, follows the run.
	if need := verdict.MinSamples(o.Alpha, 1); 2*o.Rounds < need {
		return cli.Usagef("-rounds %d gives %d samples a side; the U test at alpha %v can never be significant below %d: use -rounds %d or more",
			o.Rounds, 2*o.Rounds, o.Alpha, need, (need+1)/2)
	}
	return nil
}

func checkBenchtime(s string) error {
	if n, ok := strings.CutSuffix(s, "x"); ok {
		if i, err := strconv.Atoi(n); err == nil && i > 0 {
			return nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return nil
	}
	return cli.Usagef("-benchtime %q: want a positive duration (100ms) or count (50x)", s)
}

// measure runs the rounds: base, head, head, base in each, one process each,
// every process running every selected benchmark once. Every process's
// output goes to raw too, after config lines naming its side and round.
func (o Options) measure(ctx context.Context, base, head side, raw, stderr io.Writer) (*sampleSet, error) {
	set := newSampleSet()
	args := []string{"-test.run=^$", "-test.bench=" + o.Bench, "-test.benchtime=" + o.Benchtime, "-test.count=1"}
	start := time.Now()
	for round := range o.Rounds {
		if round > 0 {
			left := time.Since(start) / time.Duration(round) * time.Duration(o.Rounds-round)
			fmt.Fprintf(stderr, "gate: round %d/%d, about %v left\n", round+1, o.Rounds, left.Round(time.Second))
		} else {
			fmt.Fprintf(stderr, "gate: round 1/%d\n", o.Rounds)
		}
		for i, s := range [4]side{base, head, head, base} {
			which := sideBase
			if i == 1 || i == 2 {
				which = sideHead
			}
			out, err := benchbin.Run{Bin: s.bin, Args: args, Timeout: o.Timeout}.Do(ctx)
			fmt.Fprintf(raw, "side: %s\nround: %d\n", which, round+1)
			if _, werr := raw.Write(out); werr != nil {
				return nil, fmt.Errorf("-o: %w", werr)
			}
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", which, s.label, err)
			}
			n, err := set.add(which, out, fmt.Sprintf("%s round %d", which, round+1))
			if err != nil {
				return nil, err
			}
			if n == 0 {
				return nil, cli.Usagef("-bench %q matched no benchmark at %s %s", o.Bench, which, s.label)
			}
		}
	}
	return set, nil
}

// moduleRoot returns the nearest directory at or above dir with a go.mod.
func moduleRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", cli.Usagef("%s: no go.mod here or above: run the gate inside the concbench module", abs)
		}
	}
}

// workingTreeLabel describes the working tree as a side, or refuses it when
// it is dirty and clean is set.
func (r repo) workingTreeLabel(ctx context.Context, clean bool) (string, error) {
	dirty, err := r.dirty(ctx)
	if err != nil {
		return "", err
	}
	sha, err := git(ctx, r.top, "rev-parse", "--verify", "--quiet", "HEAD")
	if err != nil {
		sha = "no commit yet"
	}
	if !dirty {
		return fmt.Sprintf("working tree (%.8s)", sha), nil
	}
	if clean {
		return "", cli.Usagef("-clean: the working tree %s has uncommitted changes (git status --porcelain), so the head measured would not be commit %.8s", r.top, sha)
	}
	return fmt.Sprintf("working tree (%.8s + uncommitted changes)", sha), nil
}

// writeNew writes b to a file that must not exist yet.
func writeNew(name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	return errors.Join(err, f.Close())
}

func appendFile(name, s string) error {
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	_, err = io.WriteString(f, s)
	return errors.Join(err, f.Close())
}
