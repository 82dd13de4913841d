package runner

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/concbench/concbench/internal/benchbin"
	"github.com/concbench/concbench/internal/results"
)

// measure runs the rounds: c.Rounds full rounds (fewer if the budget
// cuts them, see [session.fullRoundFits]), then rounds of the noisy cells
// only, while the budget lasts and up to c.MaxRounds, and notes what the
// budget bought. It stops at a cancelled
// ctx with Result.Interrupted set; an error is one writing raw.txt.
func (s *session) measure(ctx context.Context, bins binaries) error {
	c := s.c
	runs := c.runs(c.cells(), bins.goBin, bins.tokio)
	s.res.Planned = c.Rounds * len(runs)
	s.prog = &progress{w: c.Progress, term: c.Terminal, start: s.start, total: s.res.Planned, now: c.now}
	s.bud = &budget{limit: c.Budget, reserve: c.reserve(bins.tokio != ""), start: s.start}
	full, extra, cut := 0, 0, false
	for round := 1; round <= c.MaxRounds; round++ {
		plan, of := runs, c.Rounds
		if round <= c.Rounds && !s.fullRoundFits(round, runs) {
			cut = true
			s.res.Planned -= (c.Rounds - full) * len(runs)
			s.prog.total = s.res.Planned
			round = c.Rounds // on to the noisy cells, as far as the budget goes
			continue
		}
		if round > c.Rounds {
			var err error
			if plan, err = c.noisyRuns(runs, s.rawPath, s.w); err != nil {
				return err
			}
			of = c.MaxRounds // a round of the noisy cells only
			s.res.Planned += len(plan)
			s.prog.total = s.res.Planned
		}
		ran, err := s.round(ctx, round, of, plan)
		if err != nil {
			return err
		}
		if s.res.Interrupted || ran == 0 {
			break
		}
		if round <= c.Rounds {
			full++
		} else {
			extra++
		}
		s.prog.round(round, of, s.res.Processes)
	}
	s.prog.done()
	if c.MaxRounds > c.Rounds || c.Budget > 0 {
		return c.noteBought(s.w, s.rawPath, rounds{full, c.Rounds, extra, cut}, s.start)
	}
	return nil
}

// fullRoundFits reports whether full round round may start. Every round
// may when the rounds are fixed (MaxRounds is Rounds: the user asked for
// exactly that many) or there is no budget, and so may the first
// [MinRounds] of a run whose rounds are not; a later one starts only if
// all of its processes fit the budget, each by how long it took in the
// round before. So a run on a loaded machine keeps to its budget with
// fewer samples, and says so, instead of overrunning it.
func (s *session) fullRoundFits(round int, runs []run) bool {
	c := s.c
	if c.MaxRounds == c.Rounds || c.Budget == 0 || round <= MinRounds {
		return true
	}
	return s.bud.fitsAll(c.now(), runs)
}

// round runs the processes of round (of rounds) in plan's order and
// returns how many ran: a round of the noisy cells skips those that no
// longer fit the budget. It stops at the process during which ctx was
// cancelled.
func (s *session) round(ctx context.Context, round, of int, plan []run) (ran int, err error) {
	for _, r := range plan {
		if round > s.c.Rounds && !s.bud.fits(s.c.now(), r) {
			s.res.Planned-- // not run, so no longer planned
			s.prog.total = s.res.Planned
			continue
		}
		if err := s.process(ctx, round, of, r); err != nil {
			return ran, err
		}
		if s.res.Interrupted {
			return ran, nil
		}
		ran++
	}
	return ran, nil
}

// process runs one process under the watchdog and copies its results to
// raw.txt, under the preempt and runtime config lines; a crash or a hang
// is a note, and the run goes on. If ctx was cancelled meanwhile, it keeps
// what the process had finished, notes the interruption and sets
// Result.Interrupted.
func (s *session) process(ctx context.Context, round, of int, r run) error {
	c, res := s.c, s.res
	s.prog.cell(round, of, r.cl, res.Processes)
	t0 := c.now()
	out, err := benchbin.Run{
		Bin: r.p.bin,
		Args: []string{"-test.run=^$", "-test.bench=" + r.bench, "-test.benchtime=" + c.Benchtime,
			"-test.cpu=" + strconv.Itoa(r.cl.cpu), "-test.count=1"},
		Env:     r.p.env,
		Timeout: c.Timeout,
		CPUs:    s.cpusFor(r.cl),
	}.Do(ctx)
	took := c.now().Sub(t0)
	fmt.Fprintf(s.w, "preempt: %s\nruntime: %s\n%s", r.cl.preempt, r.p.runtime, s.placement(r.cl))
	n, werr := results.Copy(s.w, out)
	if werr != nil {
		return werr
	}
	s.bud.record(r, took, n)
	s.measured += n
	if ctx.Err() != nil {
		res.Interrupted = true
		fmt.Fprintf(s.w, "%s%s%d of %d at %s runtime=%s; kept the results of %d of %d processes, and what the stopped one had finished\n",
			note, results.InterruptedPrefix, round, of, r.cl, r.p.runtime, res.Processes, res.Planned)
		return nil
	}
	res.Processes++
	if err != nil {
		msg := fmt.Sprintf("round %d %s runtime=%s: %s", round, r.cl, r.p.runtime, reason(err))
		res.Failed = append(res.Failed, msg)
		fmt.Fprintf(s.w, "%sfailed: %s\n", note, msg)
		s.prog.failed(msg)
	}
	if err := s.w.Flush(); err != nil {
		return err
	}
	s.kept = s.measured
	return nil
}

// reason returns a process failure in one line: the error's first line and,
// for a crash, the line of its output that says why (a panic, a fatal
// error, a failed benchmark).
func reason(err error) string {
	lines := strings.Split(strings.TrimSpace(err.Error()), "\n")
	for _, l := range lines[1:] {
		l = strings.TrimSpace(l)
		for _, p := range results.FailurePrefixes {
			if strings.HasPrefix(l, p) {
				return lines[0] + ": " + l
			}
		}
	}
	return lines[0]
}
