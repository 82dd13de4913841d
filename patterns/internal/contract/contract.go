// Package contract is the one test harness every concbench pattern runs its
// implementations through: a table of implementations times a table of
// contract cases, each case checked for leaked goroutines afterwards.
//
// Like a table-driven test, but with a third column: an implementation may
// declare that it deviates from a case (conc's pool returns results in
// completion order, errgroup keeps only the first error). A declared deviation
// is not skipped: the case still runs, and the harness fails the test if the
// case passes, so a stale deviation cannot hide, or if it fails in a way the
// deviation does not name (see [Impl.Fails]), so a deviation cannot hide
// another. What deviates is data the package documents and the report
// prints, not a silenced test.
package contract

import (
	"fmt"
	"maps"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/concbench/concbench/patterns/alt"
)

// T is the part of [testing.T] a contract case uses. Cases take a T, not a
// *testing.T, so the harness can run a declared deviation against a recorder
// and check that it really fails.
type T interface {
	Name() string
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Logf(format string, args ...any)
}

// Impl is one implementation of a pattern under test.
type Impl[F any] struct {
	Name string
	Fn   F
	// Deviations maps a case name to why this implementation does not keep
	// that part of the contract. The harness requires the case to fail.
	Deviations map[string]string
	// Fails maps each case of Deviations to a regular expression that
	// every failure the case records must match: the failures the
	// deviation excuses. Any other failure of the case (a second
	// difference, a leaked goroutine) fails the test. [Expect] sets it.
	Fails map[string]string
}

// Expect returns impls with each one's [Impl.Fails] set from fails, whose
// keys are "impl/case". A key naming no implementation of impls fails t.
func Expect[F any](t testing.TB, impls []Impl[F], fails map[string]string) []Impl[F] {
	t.Helper()
	out := slices.Clone(impls)
	for key, re := range fails {
		name, c, ok := strings.Cut(key, "/")
		i := slices.IndexFunc(out, func(im Impl[F]) bool { return im.Name == name })
		if !ok || i < 0 {
			t.Errorf("contract.Expect: key %q names no implementation (want impl/case)", key)
			continue
		}
		m := maps.Clone(out[i].Fails)
		if m == nil {
			m = map[string]string{}
		}
		m[c] = re
		out[i].Fails = m
	}
	return out
}

// Table returns the implementations of a pattern's impls table, each row
// under test as itself, with the name and deviations its [alt.Meta]
// declares.
func Table[F alt.Describer](rows []F) []Impl[F] {
	out := make([]Impl[F], len(rows))
	for i, row := range rows {
		m := row.Describe()
		out[i] = Impl[F]{Name: m.Name, Fn: row, Deviations: m.Deviations}
	}
	return out
}

// Case is one clause of a pattern's contract.
type Case[F any] struct {
	Name  string
	Check func(t T, fn F)
	// Bubble runs the case inside a testing/synctest bubble: time is fake,
	// sleeps are instant and deterministic, and a deadlock is reported.
	Bubble bool
	// Timeout bounds the case (default 20s, fake time in a bubble), so a
	// deadlocking implementation fails the test instead of hanging it.
	Timeout time.Duration
}

// Run runs every case against every implementation as subtests
// impl=<name>/<case>. After each case it checks that no goroutine started by
// the case is still running.
func Run[F any](t *testing.T, impls []Impl[F], cases []Case[F]) {
	t.Helper()
	names := make(map[string]bool, len(cases))
	for _, c := range cases {
		names[c.Name] = true
	}
	for _, im := range impls {
		for c := range im.Deviations {
			if !names[c] {
				t.Errorf("impl %s declares a deviation from unknown case %q", im.Name, c)
			}
			if _, ok := im.Fails[c]; !ok {
				t.Errorf("impl %s declares a deviation from %q without the failures it excuses (contract.Expect)", im.Name, c)
			}
		}
		for c, re := range im.Fails {
			if _, ok := im.Deviations[c]; !ok {
				t.Errorf("impl %s expects failures of %q but declares no deviation from it", im.Name, c)
			}
			if _, err := regexp.Compile(re); err != nil {
				t.Errorf("impl %s, case %q: %v", im.Name, c, err)
			}
		}
		t.Run("impl="+im.Name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.Name, func(t *testing.T) {
					runCase(t, im, c)
				})
			}
		})
	}
}

func runCase[F any](t *testing.T, im Impl[F], c Case[F]) {
	why, deviates := im.Deviations[c.Name]
	opts := []goleak.Option{goleak.IgnoreCurrent()}
	r := &recorder{tb: t}
	timeout := c.Timeout
	if timeout == 0 {
		timeout = 20 * time.Second
	}
	check := func(t *testing.T) {
		finished := make(chan struct{})
		go func() {
			defer close(finished)
			c.Check(r, im.Fn)
		}()
		select {
		case <-finished:
		case <-time.After(timeout):
			r.Errorf("case did not finish within %v (deadlock?)", timeout)
			t.Fatalf("%s", r.summary())
		}
	}
	if c.Bubble {
		synctest.Test(t, check)
	} else {
		check(t)
	}
	if err := goleak.Find(opts...); err != nil {
		r.Errorf("goroutines left running after the case: %v", err)
	}
	switch {
	case deviates && r.failed():
		if other := r.except(im.Fails[c.Name]); len(other) > 0 {
			t.Errorf("impl %s deviates from %q as declared (%s), but the case also failed otherwise:\n%s",
				im.Name, c.Name, why, strings.Join(other, "\n"))
			return
		}
		t.Logf("deviation, as declared: %s\n  observed: %s", why, r.summary())
	case deviates:
		t.Errorf("impl %s declares a deviation from %q (%s), but the case passed: remove the deviation", im.Name, c.Name, why)
	case r.failed():
		t.Errorf("%s", r.summary())
	}
}

// recorder is the T a case runs against. It collects failures instead of
// failing the test at once, so a declared deviation can be checked.
type recorder struct {
	tb   testing.TB
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Name() string { return r.tb.Name() }

func (r *recorder) Logf(format string, args ...any) { r.tb.Logf(format, args...) }

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

// Fatalf records the failure and ends the case's goroutine, like
// testing.T.FailNow.
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	runtime.Goexit()
}

func (r *recorder) failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs) > 0
}

// except returns the failures that do not match the regular expression
// re; all of them if re does not compile (Run has said why).
func (r *recorder) except(re string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	rx, err := regexp.Compile(re)
	var out []string
	for _, m := range r.msgs {
		if err != nil || re == "" || !rx.MatchString(m) {
			out = append(out, m)
		}
	}
	return out
}

func (r *recorder) summary() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(slices.Clone(r.msgs), "\n")
}
