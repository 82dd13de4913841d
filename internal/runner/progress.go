package runner

import (
	"fmt"
	"io"
	"time"
)

// progress reports a run's progress. On a terminal it rewrites one status
// line per process (cell, done/total, elapsed, ETA); otherwise, say in CI
// logs, it writes one line per round.
type progress struct {
	w     io.Writer
	term  bool
	start time.Time
	total int
	now   func() time.Time
}

func (p *progress) status(done int) string {
	el := p.now().Sub(p.start)
	eta := "?"
	if done > 0 {
		eta = (el / time.Duration(done) * time.Duration(p.total-done)).Round(time.Second).String()
	}
	return fmt.Sprintf("%d/%d done, %s elapsed, ETA %s", done, p.total, el.Round(time.Second), eta)
}

func (p *progress) cell(round, rounds int, c cell, done int) {
	if p.w != nil && p.term {
		fmt.Fprintf(p.w, "\r\033[Kconcbench: round %d/%d %s: %s", round, rounds, c, p.status(done))
	}
}

func (p *progress) round(round, rounds, done int) {
	if p.w != nil && !p.term {
		fmt.Fprintf(p.w, "concbench: round %d/%d: %s\n", round, rounds, p.status(done))
	}
}

func (p *progress) failed(msg string) {
	if p.w == nil {
		return
	}
	if p.term {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintf(p.w, "concbench: %s (recorded; the run goes on)\n", msg)
}

func (p *progress) done() {
	if p.w != nil && p.term {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
