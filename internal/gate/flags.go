package gate

import (
	"io"
	"os"
	"strings"

	"github.com/concbench/concbench/internal/cli"
)

// ParseArgs parses the command line of concbench gate into Options, with
// the defaults filled in and Dir set to ".". Summary is taken from
// $GITHUB_STEP_SUMMARY. Flags may be written -flag or --flag. Bad flags and
// positional arguments are cli.Usage errors; -h is flag.ErrHelp.
func ParseArgs(args []string, stderr io.Writer) (Options, error) {
	o := Options{Dir: ".", Summary: os.Getenv("GITHUB_STEP_SUMMARY")}
	fs := cli.NewFlagSet("gate", "usage: concbench gate --base REF [--head REF] [flags]\n       concbench gate --aa [--base REF] [flags]\n\n"+
		"Builds each package's test binary at the base (in a temporary git worktree) and at the head, runs\n"+
		"them interleaved A B B A on this machine, and fails on a change that is both significant (Mann-Whitney U,\n"+
		"Holm-Bonferroni) and worse than -threshold. The Markdown verdict goes to stdout (and $GITHUB_STEP_SUMMARY when set).\n"+
		"Exit status: 0 no regression, 1 regression (or a benchmark that fails at the head only), 2 bad usage or input.\n\nflags:\n", stderr)
	fs.StringVar(&o.Base, "base", "", "`REF` to compare against (a commit, branch or tag); required unless -aa")
	fs.StringVar(&o.Head, "head", "", "`REF` to measure (default: the working tree, uncommitted changes included)")
	fs.BoolVar(&o.AA, "aa", false, "A/A check: compare -base (default: the working tree) with itself and count the false positives")
	fs.Func("pkg", "go package `patterns` to measure, space- or comma-separated, relative to the current directory (default: every package of the module with a benchmark; "+SuitePkg+" in concbench's own module)", func(s string) error {
		o.Pkgs = append(o.Pkgs, strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })...)
		return nil
	})
	fs.StringVar(&o.Bench, "bench", "", "benchmarks to compare, a go test -bench `regexp` (default: \".\"; in concbench's own module its quick set)")
	fs.IntVar(&o.Rounds, "rounds", DefaultRounds, "rounds of A B B A (`N`); 2N samples a side")
	fs.StringVar(&o.Benchtime, "benchtime", DefaultBenchtime, "go test -benchtime of every process (`d` or Nx)")
	threshold := cli.Percent(DefaultThreshold)
	fs.Var(&threshold, "threshold", "smallest change that fails, in `percent` (5 or 5%)")
	fs.Float64Var(&o.Alpha, "alpha", DefaultAlpha, "family-wise error rate of the whole gate")
	fs.DurationVar(&o.Timeout, "timeout", DefaultTimeout, "watchdog for each benchmark process")
	fs.DurationVar(&o.Budget, "budget", 0, "time for the whole gate, builds included: no round starts that would end later (0: run every round)")
	fs.StringVar(&o.Raw, "o", "", "also write the raw benchmark output to this new `file` (config lines side: and round:), also when the gate stops early (a last line stopped: says why)")
	fs.BoolVar(&o.Clean, "clean", false, "fail (exit 2) if the working tree, as the head, has uncommitted changes")
	if err := cli.Parse(fs, args, 0, 0, "no arguments (the base is --base REF)"); err != nil {
		return o, err
	}
	o.Threshold = float64(threshold)
	return o, nil
}
