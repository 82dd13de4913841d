package starve

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/concbench/concbench/internal/cli"
)

// Options is the command line of concbench starve.
type Options struct {
	Config
	// Expect, when not empty, is "starved" or "bounded": a verdict that
	// differs is a finding (exit status 1).
	Expect string
}

// ParseArgs parses the command line of concbench starve. Bad flags and
// positional arguments are cli.Usage errors that name the flag; -h is
// flag.ErrHelp.
func ParseArgs(args []string, stderr io.Writer) (Options, error) {
	var o Options
	fs := cli.NewFlagSet("starve", "usage: concbench starve [flags]\n\n"+
		"Runs endless CPU hogs next to a victim in a child process, watches the victim for\n"+
		"-timeout, kills the child, and prints a one-line verdict: the victim's wake-up delays,\n"+
		"or that it starved. Exit status: 0 a verdict, 1 a verdict other than -expect,\n"+
		"2 bad usage or a child that failed.\n\nflags:\n", stderr)
	fs.StringVar(&o.Hog, "hog", "tight", "hog `kind`: tight, leafcall, call or yield")
	fs.StringVar(&o.Victim, "victim", "sleep", "victim `kind`: sleep (a 1 ms sleeper) or ping (a 1 ms ping from another goroutine)")
	fs.StringVar(&o.Preempt, "preempt", "async", "preemption `mode`: async, or off (GODEBUG=asyncpreemptoff=1)")
	fs.IntVar(&o.Procs, "procs", 1, "GOMAXPROCS of the child process")
	fs.IntVar(&o.Hogs, "hogs", 0, "number of endless hogs (default -procs: every P taken)")
	fs.DurationVar(&o.Timeout, "timeout", DefaultTimeout, "how long to watch the victim; the command ends within this plus a second")
	fs.StringVar(&o.Expect, "expect", "", "`verdict` to assert, starved or bounded: another one exits 1")
	if err := cli.Parse(fs, args, 0, 0, "no arguments (all settings are flags)"); err != nil {
		return o, err
	}
	if o.Expect != "" && o.Expect != "starved" && o.Expect != "bounded" {
		return o, cli.Usagef("-expect %q: want starved or bounded", o.Expect)
	}
	return o, o.check()
}

// DefaultTimeout is how long concbench starve watches the victim by default.
const DefaultTimeout = 2 * time.Second

// Run runs o's experiment with [Watch] and writes the verdict line to
// stdout. It returns a cli.Finding error if the verdict is not o.Expect.
func Run(ctx context.Context, o Options, stdout io.Writer) error {
	v, err := Watch(ctx, o.Config)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, v)
	got := "bounded"
	if v.Starved {
		got = "starved"
	}
	if o.Expect != "" && got != o.Expect {
		return cli.Finding(fmt.Errorf("starve: the verdict is %s, where -expect said %s", got, o.Expect))
	}
	return nil
}
