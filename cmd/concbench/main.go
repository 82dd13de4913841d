// Command concbench runs the concbench benchmark suite and reads its results.
//
// Usage:
//
//	concbench [run] [flags]            run the matrix, write results/<run>/ (the default)
//	concbench report [flags] FILE...   write report.md and charts from benchmark files
//	concbench compare OLD NEW          benchstat-style comparison of two files
//	concbench gate --base REF [flags]  fail on a performance regression against REF
//	concbench starve [flags]           run an endless hog under a watchdog
//
// Exit status: 0 success, 1 a finding (regression, starvation asserted
// absent), 2 bad usage or bad input. The commands live in importable
// packages under internal/; this file only dispatches.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"

	"github.com/concbench/concbench/internal/cli"
)

// command is one subcommand: it parses its own flags from args.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

// commands is filled by each command's file in its init function, so that
// each command lives in a file of its own.
var commands = map[string]command{}

// defaultCommand runs when the first argument is not a command name.
const defaultCommand = "run"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "concbench:", err)
	}
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
	cmd, ok := commands[name]
	if !ok {
		usage(stderr)
		return cli.Usagef("unknown command %q", name)
	}
	return cmd.run(ctx, args, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: concbench [command] [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nWith no command, concbench runs %q. 'concbench COMMAND -h' shows a command's flags.\n", defaultCommand)
}
