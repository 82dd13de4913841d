package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/concbench/concbench/internal/checkout"
	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/starve"
)

// check returns a usage error naming the flag of the first setting that
// the test binary, the runtime or go would refuse, so that a run fails
// before it builds or measures anything, not after.
func (c *Config) check(ctx context.Context) error {
	for _, b := range []struct{ flag, re string }{{"-bench", c.Bench}, {"-offbench", c.OffBench}} {
		if err := CheckBench(b.flag, b.re); err != nil {
			return err
		}
	}
	if err := CheckBenchtime(c.Benchtime); err != nil {
		return err
	}
	for i, n := range c.CPUs {
		if n < 1 || n > starve.MaxProcs {
			return cli.Usagef("-cpu %d: want GOMAXPROCS values from 1 to %d", n, starve.MaxProcs)
		}
		if slices.Contains(c.CPUs[:i], n) {
			// Its cells would get two processes a round, twice the samples
			// of the others, as if the run had measured twice as long.
			return cli.Usagef("-cpu %d given twice: give each GOMAXPROCS once", n)
		}
	}
	for i, p := range c.Preempt {
		if slices.Contains(c.Preempt[:i], p) {
			return cli.Usagef("-preempt %s given twice: give each mode once", p)
		}
	}
	for _, d := range []struct {
		flag string
		d    time.Duration
	}{{"-timeout", c.Timeout}, {"-endless", c.Endless}, {"-budget", c.Budget}} {
		if d.d < 0 {
			return cli.Usagef("%s %v: want a duration of 0 or more", d.flag, d.d)
		}
	}
	if c.Endless > 0 && c.Endless < starve.MinTimeout {
		return cli.Usagef("-endless %v: want 0 (skip) or at least %v: %s", c.Endless, starve.MinTimeout, starve.WhyMinTimeout)
	}
	// Without cargo or its crates the default crate is skipped with a
	// note; a crate or binary the user named must be there.
	if c.Tokio != "" && c.Tokio != DefaultTokio {
		fi, err := os.Stat(c.Tokio)
		if err == nil && fi.IsDir() {
			_, err = os.Stat(filepath.Join(c.Tokio, "Cargo.toml"))
		}
		if err != nil {
			return cli.Usagef("-tokio %q: %v: want the tokio crate's directory or a binary built from it (empty: Go only)", c.Tokio, err)
		}
	}
	return checkModule(ctx, c.ModuleDir)
}

// CheckBench returns a usage error naming flag unless re compiles as the
// testing package compiles a -test.bench pattern: each level between
// slashes, each alternative. The gate checks its -bench with it too.
func CheckBench(flag, re string) error {
	for _, level := range append(splitRegexp(re), re) {
		if _, err := regexp.Compile(level); err != nil {
			return cli.Usagef("%s %q: not a regular expression: %v", flag, re, err)
		}
	}
	return nil
}

// CheckBenchtime returns a usage error naming -benchtime unless the testing
// package accepts s as -test.benchtime: a positive duration, or a positive
// count with suffix x. The gate checks its -benchtime with it too.
func CheckBenchtime(s string) error {
	if n, ok := strings.CutSuffix(s, "x"); ok {
		if i, err := strconv.ParseInt(n, 10, 0); err == nil && i > 0 {
			return nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return nil
	}
	return cli.Usagef("-benchtime %q: want a positive duration such as 50ms or a count of iterations such as 100x", s)
}

// checkModule returns a usage error if dir is not inside a Go module: the
// suite is built with go test -c there.
func checkModule(ctx context.Context, dir string) error {
	mod, err := checkout.Output(ctx, dir, "go", "env", "GOMOD")
	if err != nil {
		return fmt.Errorf("in %s: %w", dir, err)
	}
	if mod == "" || mod == os.DevNull {
		return cli.Usagef("%s is not in a Go module: run concbench in the module whose bench suite it measures (go.mod not found)", dir)
	}
	return nil
}
