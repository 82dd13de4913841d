package gate

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/concbench/concbench/internal/benchbin"
	"github.com/concbench/concbench/internal/cli"
)

// measured is what the rounds produced.
type measured struct {
	samples *sampleSet
	raw     bytes.Buffer // every process's output, after config lines side: and round:
	rounds  int          // rounds run: fewer than Options.Rounds when the budget ran out
	pkgs    []string     // packages in which -bench matched a benchmark
}

// measure runs the rounds. In each, package after package, it runs the
// base, head, head and base binaries of the package, one process each,
// every process running every selected benchmark of its package once.
// After the first round, packages where -bench matched nothing on either
// side are left out; if that is every package, -bench is a usage error.
// If no benchmark ran at both sides (the change adds the first, say), the
// first round is the only one: it lists the benchmarks, and more rounds
// could compare nothing.
func (p *plan) measure(ctx context.Context, base, head side, stderr io.Writer) (*measured, error) {
	m := &measured{samples: newSampleSet()}
	pkgs := slices.Sorted(maps.Keys(base.bins))
	for _, pkg := range slices.Sorted(maps.Keys(head.bins)) {
		if !slices.Contains(pkgs, pkg) {
			pkgs = append(pkgs, pkg)
		}
	}
	start := time.Now()
	fmt.Fprintf(stderr, "gate: round 1/%d\n", p.o.Rounds)
	for round := range p.o.Rounds {
		if round > 0 && !p.progress(stderr, start, round) {
			break
		}
		matched, err := p.round(ctx, m, round, pkgs, base, head)
		if err != nil {
			return m, err // what ran so far, for -o
		}
		m.rounds++
		if round == 0 {
			if len(matched) == 0 {
				return nil, cli.Usagef("-bench %q matched no benchmark in %s", p.o.Bench, listOf(pkgs))
			}
			pkgs, m.pkgs = matched, matched
			if in, _, _ := m.samples.inputs(); len(in) == 0 {
				fmt.Fprintf(stderr, "gate: no benchmark ran at both base and head: nothing to compare, no more rounds\n")
				break
			}
		}
	}
	return m, nil
}

// round runs one round over pkgs and returns the packages in which a
// process ran a benchmark.
func (p *plan) round(ctx context.Context, m *measured, round int, pkgs []string, base, head side) (matched []string, err error) {
	args := []string{"-test.run=^$", "-test.bench=" + p.o.Bench, "-test.benchtime=" + p.o.Benchtime, "-test.count=1"}
	order := [4]struct {
		which
		side
	}{{sideBase, base}, {sideHead, head}, {sideHead, head}, {sideBase, base}}
	for _, pkg := range pkgs {
		ran := 0
		for _, s := range order {
			bin, ok := s.bins[pkg]
			if !ok {
				continue // the package is new at head, or gone
			}
			out, err := benchbin.Run{Bin: bin.path, Dir: bin.dir, Args: args, Timeout: p.o.Timeout}.Do(ctx)
			fmt.Fprintf(&m.raw, "side: %s\nround: %d\n", s.which, round+1)
			m.raw.Write(out)
			if err != nil {
				err = s.hide(fmt.Errorf("%s: %w", pkg, err), s.which.String())
				if s.which == sideHead && !p.o.AA && ctx.Err() == nil {
					return nil, headFailure{err: err, pkg: pkg, round: round + 1}
				}
				return nil, err
			}
			n, err := m.samples.add(s.which, out, fmt.Sprintf("%s %s round %d", s.which, pkg, round+1))
			if err != nil {
				// A value no statistic takes (NaN, say: a benchmark that
				// panicked in its goroutine can still exit 0 with "0 NaN
				// ns/op") is the head's failure, as a crash would be.
				if s.which == sideHead && !p.o.AA {
					return nil, headFailure{err: err, pkg: pkg, round: round + 1}
				}
				return nil, err
			}
			ran += n
		}
		if ran > 0 {
			matched = append(matched, pkg)
		}
	}
	return matched, nil
}

// progress reports the round about to start with an estimate of the time
// left, and reports false (saying so) when the budget, counted from the
// plan (builds included), does not allow it.
func (p *plan) progress(stderr io.Writer, start time.Time, round int) bool {
	perRound := time.Since(start) / time.Duration(round)
	if p.o.Budget > 0 && time.Since(p.start)+perRound > p.o.Budget {
		fmt.Fprintf(stderr, "gate: -budget %v: stopping after %d of %d rounds (%v a round)\n",
			p.o.Budget, round, p.o.Rounds, perRound.Round(time.Millisecond))
		return false
	}
	left := perRound * time.Duration(p.o.Rounds-round)
	fmt.Fprintf(stderr, "gate: round %d/%d, about %v left\n", round+1, p.o.Rounds, left.Round(time.Second))
	return true
}

func listOf(pkgs []string) string {
	if len(pkgs) == 1 {
		return "package " + pkgs[0]
	}
	return fmt.Sprintf("packages %v", pkgs)
}

// headFailure is a benchmark process of the head that failed (a panic, a
// b.Fatal, a non-zero exit, the -timeout watchdog) where the base's did not
// (it runs first in every round, if the base has the package): a finding
// against the change, not a gate that could not judge. A base that fails
// is not the change's fault: the gate could not judge (exit 2).
type headFailure struct {
	err   error
	pkg   string
	round int
}

func (h headFailure) Error() string { return h.err.Error() }
func (h headFailure) Unwrap() error { return h.err }
