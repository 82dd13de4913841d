package starve

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/patterns/starvation"
)

// childEnv selects the child role and carries its settings, as
// "hog=tight victim=sleep hogs=1 limit=2.5s".
const childEnv = "CONCBENCH_STARVE_CHILD"

// Child runs the child role and exits if this process was started by
// [Watch]; otherwise it returns at once. Call it first thing in every binary
// that calls Watch: at the top of main, or in TestMain.
//
// The child starts the victim, waits for its first wake-up, writes "hogs N"
// to standard output, starts N hogs of [starvation.Forever] iterations, and
// then writes "wake NS" for every later wake-up once all N hogs have begun
// to run, until it is killed. A parent that dies without
// killing it, even by SIGKILL, takes it along (on Linux, the parent-death
// signal that internal/childproc sets); as a further backstop, it limits its own
// CPU time (RLIMIT_CPU, where the system has one) to what the watch needs.
func Child() {
	spec, ok := os.LookupEnv(childEnv)
	if !ok {
		return
	}
	os.Exit(runChild(spec, os.Stdout, os.Stderr))
}

// runChild is the child role; it returns only on bad input.
func runChild(spec string, stdout, stderr io.Writer) int {
	c, limit, err := parseSpec(spec)
	if err != nil {
		fmt.Fprintf(stderr, "starve child: %s=%q: %v\n", childEnv, spec, err)
		return 2
	}
	cpu := int(math.Ceil(limit.Seconds()*float64(runtime.GOMAXPROCS(0)))) + 1
	if err := limitCPU(cpu); err != nil {
		fmt.Fprintf(stderr, "starve child: limiting CPU time to %ds: %v\n", cpu, err)
		return 2
	}
	hog, victim := findHog(c.Hog), findVictim(c.Victim)

	ready := make(chan struct{})
	var woke atomic.Bool
	var running atomic.Int32 // hogs that have begun to run
	go victim.Run(context.Background(), func(delay time.Duration) {
		if woke.CompareAndSwap(false, true) {
			close(ready)
			return
		}
		if running.Load() < int32(c.Hogs) {
			// The victim's timer fired before every hog got a processor
			// (on a loaded machine the go statements below can take that
			// long): not a wake-up next to the hogs.
			return
		}
		fmt.Fprintf(stdout, "wake %d\n", delay.Nanoseconds())
	})
	<-ready
	fmt.Fprintf(stdout, "hogs %d\n", c.Hogs)
	for range c.Hogs {
		go func() {
			running.Add(1)
			hog.Run(starvation.Forever)
		}()
	}
	select {} // the hogs never return; the parent kills the process
}

// childEnv returns the environment that selects the child role for c.
func (c Config) childEnv() []string {
	preempt := "0"
	if c.Preempt == "off" {
		preempt = "1"
	}
	godebug := "asyncpreemptoff=" + preempt // later settings win: this one overrides an inherited one
	if old := os.Getenv("GODEBUG"); old != "" {
		godebug = old + "," + godebug
	}
	limit := c.Timeout + startLimit + time.Second
	return []string{
		fmt.Sprintf("%s=hog=%s victim=%s hogs=%d limit=%v", childEnv, c.Hog, c.Victim, c.hogs(), limit),
		"GOMAXPROCS=" + strconv.Itoa(c.Procs),
		"GODEBUG=" + godebug,
	}
}

// parseSpec reads childEnv's value.
func parseSpec(spec string) (c Config, limit time.Duration, err error) {
	for _, f := range strings.Fields(spec) {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "hog":
			c.Hog = v
		case "victim":
			c.Victim = v
		case "hogs":
			c.Hogs, err = strconv.Atoi(v)
		case "limit":
			limit, err = time.ParseDuration(v)
		default:
			err = fmt.Errorf("unknown setting %q", f)
		}
		if err != nil {
			return c, 0, err
		}
	}
	switch {
	case findHog(c.Hog).Run == nil:
		return c, 0, fmt.Errorf("unknown hog %q", c.Hog)
	case findVictim(c.Victim).Run == nil:
		return c, 0, fmt.Errorf("unknown victim %q", c.Victim)
	case c.Hogs < 1 || limit <= 0:
		return c, 0, fmt.Errorf("want hogs >= 1 and limit > 0")
	}
	return c, limit, nil
}

// check returns a usage error naming the flag of the first invalid field.
func (c Config) check() error {
	own := c.Bin == "" // another binary checks its own hogs and victims
	switch {
	case own && findHog(c.Hog).Run == nil:
		return cli.Usagef("-hog %q: want one of %s", c.Hog, names(starvation.Hogs, func(h starvation.Hog) string { return h.Name }))
	case own && findVictim(c.Victim).Run == nil:
		return cli.Usagef("-victim %q: want one of %s", c.Victim, names(starvation.Victims, func(v starvation.Victim) string { return v.Name }))
	case c.Preempt != "async" && c.Preempt != "off":
		return cli.Usagef("-preempt %q: want async or off", c.Preempt)
	case c.Procs < 1 || c.Procs > MaxProcs:
		return cli.Usagef("-procs %d: want 1 to %d", c.Procs, MaxProcs)
	case c.Hogs < 0 || c.Hogs > MaxProcs:
		return cli.Usagef("-hogs %d: want 1 to %d (or 0 for -procs)", c.Hogs, MaxProcs)
	case c.Timeout < MinTimeout:
		return cli.Usagef("-timeout %v: want at least %v: %s", c.Timeout, MinTimeout, WhyMinTimeout)
	}
	return nil
}

// MaxProcs is the largest GOMAXPROCS (and number of hogs) concbench
// accepts. The runtime takes any positive int32 from the GOMAXPROCS
// variable but allocates a P for each: a child started with 2147483647
// crashes (fatal error: slice bounds out of range), and one with 100000
// takes minutes to start. 1024 is more than the cores of any machine the
// suite runs on, and starts at once.
const MaxProcs = 1024

// MinTimeout is the shortest watch that can tell a starved victim from one
// waiting for a time slice: the runtime preempts a goroutine that has run
// for 10ms (forcePreemptNS) once its system monitor notices, and the
// monitor sleeps up to 10ms between looks, so a hog that asynchronous
// preemption stops still holds its P for up to about 20ms at a time. Five
// such slices make the minimum.
const MinTimeout = 100 * time.Millisecond

// WhyMinTimeout says why in a sentence, for error messages.
const WhyMinTimeout = "async preemption stops a hog only after 10-20ms (the runtime's 10ms time slice plus up to 10ms until its monitor looks), so a shorter watch cannot tell a starved victim from one waiting for its slice"

func findHog(name string) starvation.Hog {
	i := slices.IndexFunc(starvation.Hogs, func(h starvation.Hog) bool { return h.Name == name })
	if i < 0 {
		return starvation.Hog{}
	}
	return starvation.Hogs[i]
}

func findVictim(name string) starvation.Victim {
	i := slices.IndexFunc(starvation.Victims, func(v starvation.Victim) bool { return v.Name == name })
	if i < 0 {
		return starvation.Victim{}
	}
	return starvation.Victims[i]
}

func names[T any](s []T, name func(T) string) string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = name(x)
	}
	return strings.Join(out, ", ")
}
