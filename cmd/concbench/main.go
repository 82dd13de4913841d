// Command concbench runs the concbench benchmark suite and reads its results.
//
// Usage:
//
//	concbench [run] [flags]            run the matrix, write results/<run>/ (the default)
//	concbench report [flags] FILE...   write report.md and charts from benchmark files
//	concbench compare OLD NEW          benchstat-style comparison of two files
//	concbench gate --base REF [flags]  fail on a performance regression against REF
//	concbench starve [flags]           run an endless hog under a watchdog
//	concbench precision [-aa F] FILE... count cells by the width of their 95% interval
//	concbench track [add FILE | sim | quickset]   change points over the history of runs
//	concbench help                     list the commands
//
// Exit status: 0 success, 1 a finding (a regression, a benchmark that fails
// at the gate's head only, a starve verdict other than -expect), 2 bad
// usage or bad input, 128+N interrupted by signal N (130 for SIGINT, 143
// for SIGTERM, 129 for SIGHUP, 141 for SIGPIPE, a write to a closed stdout
// or stderr pipe): every command handles them alike, killing its child
// processes, removing its temporary files and keeping what was measured
// (another signal within a second is taken as a copy of the first, as
// timeout(1) sends one to the process and one to its group, and ignored; a
// later one ends a clean-up that hangs). SIGQUIT keeps the Go runtime's meaning, a goroutine dump and exit status
// 2, and SIGKILL cannot be caught: the claimed run directory (.NAME.tmp,
// with raw.txt) stays, and the next run or gate removes the build
// directory (see internal/scratch). The commands live in importable
// packages under internal/; this file only dispatches.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/starve"
)

// command is one subcommand: it parses its own flags from args.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands lists every command, in the order help shows them. Each one's
// run function lives in a file of its own.
var commands = []command{
	{"run", "run the benchmark matrix and write results/<run>/ (the default)", runRun},
	{"report", "write report.md and charts from benchmark files", runReport},
	{"compare", "benchstat-style old/new comparison of two benchmark files", runCompare},
	{"precision", "count the cells of benchmark files by the width of their 95% interval", runPrecision},
	{"gate", "fail on a performance regression against a base revision", runGate},
	{"track", "change points and trend charts over the history of runs; track add adds a run", runTrack},
	{"starve", "run an endless hog under a watchdog and say whether the victim starved", runStarve},
}

// defaultCommand runs when the first argument is not a command name.
const defaultCommand = "run"

func main() {
	// concbench starve runs its endless hog in a child process, this binary
	// started again with an environment variable that selects the child
	// role: in that case Child runs the role and exits here.
	starve.Child()

	ctx, stop := cli.NotifyContext(context.Background())
	err := cli.Interrupted(ctx, run(ctx, os.Args[1:], os.Stdout, os.Stderr))
	if err != nil && !errors.Is(err, flag.ErrHelp) && !cli.Shown(err) {
		fmt.Fprintln(os.Stderr, "concbench:", err) // before stop: stderr may be a closed pipe
	}
	stop()
	os.Exit(cli.ExitCode(err))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	name := defaultCommand
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if name == "help" {
		usage(stdout)
		return nil
	}
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == name })
	if i < 0 {
		usage(stderr)
		return cli.Usagef("unknown command %q", name)
	}
	return commands[i].run(ctx, args, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: concbench [command] [flags]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nWith no command, concbench runs %q. 'concbench COMMAND -h' shows a command's flags.\n", defaultCommand)
}
