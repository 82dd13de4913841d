package starve

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/patterns/starvation"
)

// testRole makes a child of Watch misbehave on purpose (see TestMain).
const testRole = "CONCBENCH_STARVE_TEST_ROLE"

func TestMain(m *testing.M) {
	if _, child := os.LookupEnv(childEnv); child {
		switch os.Getenv(testRole) {
		case "hang": // never starts its hogs, never writes
			time.Sleep(time.Hour)
		case "exit":
			fmt.Fprintln(os.Stderr, "boom: child gave up")
			os.Exit(3)
		case "garbage":
			fmt.Println("hello")
			time.Sleep(time.Hour)
		case "spawn": // starts a grandchild that hangs, then looks started
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), testRole+"=hang")
			if err := cmd.Start(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(3)
			}
			os.WriteFile(os.Getenv("CONCBENCH_STARVE_TEST_PIDFILE"), fmt.Appendf(nil, "%d", cmd.Process.Pid), 0o600)
			fmt.Println("hogs 1")
			time.Sleep(time.Hour)
		}
		Child()
	}
	goleak.VerifyTestMain(m)
}

// quick is a watch short enough for tests: a preempted hog lets the victim
// run every 10 to 20 ms, so a bounded victim wakes many times in it.
const quick = 300 * time.Millisecond

func TestWatchVerdicts(t *testing.T) {
	// With preemption on, every hog lets the victim run; with it off, only
	// the hogs with a cooperative preemption point do. The endless hogs are
	// killed either way.
	for _, preempt := range []string{"async", "off"} {
		for _, h := range starvation.Hogs {
			for _, victim := range []string{"sleep", "ping"} {
				if victim == "ping" && h.Name != "tight" {
					continue // one hog is enough to show the ping victim behaves like the sleeper
				}
				c := Config{Hog: h.Name, Victim: victim, Preempt: preempt, Procs: 1, Timeout: quick}
				t.Run(fmt.Sprintf("hog=%s/victim=%s/preempt=%s", h.Name, victim, preempt), func(t *testing.T) {
					start := time.Now()
					v, err := Watch(context.Background(), c)
					if err != nil {
						t.Fatalf("Watch: %v", err)
					}
					wantStarved := preempt == "off" && !h.Cooperative
					if v.Starved != wantStarved {
						t.Errorf("verdict %q; want starved = %v", v, wantStarved)
					}
					checkGone(t, v.PID, false)
					if d := time.Since(start); d > c.Timeout+5*time.Second {
						t.Errorf("Watch took %v; want about %v", d, c.Timeout)
					}
				})
			}
		}
	}
}

func TestWatchMisbehavingChild(t *testing.T) {
	for _, tc := range []struct{ role, want string }{
		{"hang", "did not start its hogs within"},
		{"exit", "boom: child gave up"},
		{"garbage", `unexpected line from the child: "hello"`},
	} {
		t.Run(tc.role, func(t *testing.T) {
			t.Setenv(testRole, tc.role)
			start := time.Now()
			v, err := Watch(context.Background(), Config{Hog: "tight", Victim: "sleep", Preempt: "async", Procs: 1, Timeout: quick})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Watch error = %v; want one containing %q", err, tc.want)
			}
			if v.PID == 0 {
				t.Fatalf("verdict has no PID")
			}
			checkGone(t, v.PID, false)
			if d := time.Since(start); d > startLimit+quick+5*time.Second {
				t.Errorf("Watch took %v to give up", d)
			}
		})
	}
}

func TestWatchKillsProcessGroup(t *testing.T) {
	// A grandchild in the child's process group dies with it.
	pidFile := t.TempDir() + "/pid"
	t.Setenv(testRole, "spawn")
	t.Setenv("CONCBENCH_STARVE_TEST_PIDFILE", pidFile)
	v, err := Watch(context.Background(), Config{Hog: "tight", Victim: "sleep", Preempt: "async", Procs: 1, Timeout: quick})
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	if !v.Starved {
		t.Errorf("verdict %q; want starved (the spawning child reports no wake-ups)", v)
	}
	checkGone(t, v.PID, false)
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("the child wrote no grandchild pid: %v", err)
	}
	var grandchild int
	if _, err := fmt.Sscan(string(b), &grandchild); err != nil {
		t.Fatalf("grandchild pid %q: %v", b, err)
	}
	checkGone(t, grandchild, true)
}

func TestWatchCancel(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	v, err := Watch(ctx, Config{Hog: "tight", Victim: "sleep", Preempt: "off", Procs: 1, Timeout: time.Minute})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Watch error = %v; want context.DeadlineExceeded", err)
	}
	checkGone(t, v.PID, false)
}

func TestWatchBadConfig(t *testing.T) {
	v, err := Watch(context.Background(), Config{Hog: "spin", Victim: "sleep", Preempt: "async", Procs: 1, Timeout: quick})
	if !cli.IsUsage(err) || !strings.Contains(err.Error(), "-hog") {
		t.Errorf("Watch error = %v; want a usage error naming -hog", err)
	}
	if v.PID != 0 {
		t.Errorf("a child was started (pid %d) for a bad config", v.PID)
	}
}

func TestVerdictString(t *testing.T) {
	c := Config{Hog: "leafcall", Victim: "ping", Preempt: "off", Procs: 2, Timeout: 2 * time.Second}
	ms := time.Millisecond
	for _, tc := range []struct {
		name string
		v    Verdict
		want string
	}{
		{"starved", Verdict{Config: c, Starved: true},
			"hog=leafcall victim=ping preempt=off procs=2 hogs=2: starved: the victim made no progress for 2s"},
		{"bounded", Verdict{Config: c, Delays: starvation.Delays{P50: 19 * ms, P99: 20*ms + 412*time.Microsecond, Max: 31 * ms, Wakes: 97}},
			"hog=leafcall victim=ping preempt=off procs=2 hogs=2: bounded: p50 19ms, p99 20.412ms, max 31ms, 97 wakes in 2s"},
		{"hogs", Verdict{Config: Config{Hog: "call", Victim: "sleep", Preempt: "async", Procs: 2, Hogs: 1, Timeout: 500 * ms}, Delays: starvation.Delays{P50: 52 * time.Microsecond, P99: ms, Max: ms, Wakes: 450}},
			"hog=call victim=sleep preempt=async procs=2 hogs=1: bounded: p50 52µs, p99 1ms, max 1ms, 450 wakes in 500ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.v.String(); got != tc.want {
				t.Errorf("String() =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestParseArgs(t *testing.T) {
	def := Config{Hog: "tight", Victim: "sleep", Preempt: "async", Procs: 1, Timeout: DefaultTimeout}
	for _, tc := range []struct {
		args []string
		want Options // when err is ""
		err  string  // the flag the error must name
	}{
		{args: nil, want: Options{Config: def}},
		{args: []string{"-hog", "leafcall", "-preempt", "off", "-procs", "2", "-hogs", "1", "-timeout", "500ms", "-victim", "ping", "-expect", "starved"},
			want: Options{Config: Config{Hog: "leafcall", Victim: "ping", Preempt: "off", Procs: 2, Hogs: 1, Timeout: 500 * time.Millisecond}, Expect: "starved"}},
		{args: []string{"-hog", "spin"}, err: "-hog"},
		{args: []string{"-victim", "nap"}, err: "-victim"},
		{args: []string{"-preempt", "on"}, err: "-preempt"},
		{args: []string{"-procs", "0"}, err: "-procs"},
		{args: []string{"-procs", "two"}, err: "-procs"},
		{args: []string{"-hogs", "-1"}, err: "-hogs"},
		{args: []string{"-timeout", "0s"}, err: "-timeout"},
		{args: []string{"-timeout", "2"}, err: "-timeout"},
		{args: []string{"-expect", "fine"}, err: "-expect"},
		{args: []string{"-loops", "3"}, err: "-loops"},
		{args: []string{"tight"}, err: `"tight"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stderr bytes.Buffer
			got, err := ParseArgs(tc.args, &stderr)
			if tc.err == "" {
				if err != nil || got != tc.want {
					t.Errorf("ParseArgs = %+v, %v; want %+v, nil", got, err, tc.want)
				}
				return
			}
			if !cli.IsUsage(err) || cli.ExitCode(err) != 2 || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseArgs error = %v; want a usage error (exit 2) naming %s", err, tc.err)
			}
		})
	}
	if _, err := ParseArgs([]string{"-h"}, new(bytes.Buffer)); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("ParseArgs(-h) error = %v; want flag.ErrHelp", err)
	}
}

func TestRunExpect(t *testing.T) {
	c := Config{Hog: "tight", Victim: "sleep", Preempt: "off", Procs: 1, Timeout: quick}
	var out bytes.Buffer
	if err := Run(context.Background(), Options{Config: c, Expect: "starved"}, &out); err != nil {
		t.Errorf("Run -expect starved: %v; want nil", err)
	}
	if got := strings.Count(out.String(), "\n"); got != 1 || !strings.Contains(out.String(), "starved") {
		t.Errorf("Run printed %q; want one verdict line saying starved", out.String())
	}
	err := Run(context.Background(), Options{Config: c, Expect: "bounded"}, new(bytes.Buffer))
	if cli.ExitCode(err) != 1 {
		t.Errorf("Run -expect bounded on a starving hog: %v (exit %d); want a finding (exit 1)", err, cli.ExitCode(err))
	}
}

func TestChildEnv(t *testing.T) {
	t.Setenv("GODEBUG", "asyncpreemptoff=1,gctrace=0")
	env := Config{Hog: "yield", Victim: "ping", Preempt: "async", Procs: 3, Timeout: time.Second}.childEnv()
	want := []string{
		childEnv + "=hog=yield victim=ping hogs=3 limit=2.5s",
		"GOMAXPROCS=3",
		"GODEBUG=asyncpreemptoff=1,gctrace=0,asyncpreemptoff=0",
	}
	if fmt.Sprint(env) != fmt.Sprint(want) {
		t.Errorf("childEnv() =\n%q\nwant\n%q", env, want)
	}
	c, limit, err := parseSpec(strings.TrimPrefix(env[0], childEnv+"="))
	if err != nil || c.Hog != "yield" || c.Victim != "ping" || c.Hogs != 3 || limit != 2500*time.Millisecond {
		t.Errorf("parseSpec(childEnv()) = %+v, %v, %v; want yield, ping, 3 hogs, 2.5s", c, limit, err)
	}
	for _, bad := range []string{"hog=spin victim=sleep hogs=1 limit=1s", "hog=tight victim=sleep hogs=0 limit=1s", "hog=tight victim=sleep hogs=1", "hog=tight victim=sleep hogs=1 limit=1s x=y"} {
		if _, _, err := parseSpec(bad); err == nil {
			t.Errorf("parseSpec(%q) succeeded; want an error", bad)
		}
	}
}

func TestWatchOtherBinary(t *testing.T) {
	// Bin runs a binary other than the one calling Watch; here the test
	// binary itself under another name, which checks the hog on its own.
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	c := Config{Hog: "tight", Victim: "sleep", Preempt: "off", Procs: 1, Timeout: quick, Bin: bin, Runtime: "other"}
	v, err := Watch(context.Background(), c)
	if err != nil {
		t.Fatalf("Watch(%+v): %v", c, err)
	}
	if want := "runtime=other hog=tight victim=sleep procs=1 hogs=1: starved"; !strings.HasPrefix(v.String(), want) {
		t.Errorf("verdict = %q; want it to start with %q", v, want)
	}
	c.Hog = "budget" // the child's to refuse: exit 2
	if _, err := Watch(context.Background(), c); err == nil || !strings.Contains(err.Error(), "unknown hog") {
		t.Errorf("Watch with a hog the child does not know: err = %v; want the child's unknown hog", err)
	}
}
