package starvation_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/concbench/concbench/patterns/starvation"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestHogsDoTheSameWork(t *testing.T) {
	// Every hog kind runs the same arithmetic, only structured differently
	// (inline, a leaf call, a non-leaf call, inline with yields), so their
	// results agree and their lengths are comparable.
	for _, iters := range []int{0, 1, starvation.YieldEvery + 7} {
		want := starvation.Tight(iters)
		for _, h := range starvation.Hogs {
			if got := h.Run(iters); got != want {
				t.Errorf("%s(%d) = %#x; want %#x (Tight's)", h.Name, iters, got, want)
			}
		}
	}
}

func TestVictims(t *testing.T) {
	// In a synctest bubble time moves only when every goroutine is blocked,
	// so a victim alone wakes exactly on time, once per Period.
	for _, v := range starvation.Victims {
		t.Run(v.Name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 10*starvation.Period+starvation.Period/2)
				defer cancel()
				var delays []time.Duration
				v.Run(ctx, func(d time.Duration) { delays = append(delays, d) })
				if len(delays) != 10 {
					t.Errorf("%d wake-ups in 10.5 periods; want 10", len(delays))
				}
				for i, d := range delays {
					if d != 0 {
						t.Errorf("wake-up %d: delay = %v; want 0 in a bubble", i, d)
					}
				}
			})
		})
	}
}

func TestMeasure(t *testing.T) {
	for _, h := range starvation.Hogs {
		for _, v := range starvation.Victims {
			t.Run(h.Name+"/"+v.Name, func(t *testing.T) {
				w := starvation.Measure(h, v, 2, 1000)
				if w.Length <= 0 {
					t.Errorf("Length = %v; want > 0", w.Length)
				}
				for i, d := range w.Delays {
					if d < 0 || d > w.Stall {
						t.Errorf("delay %d = %v; want in [0, Stall = %v]", i, d, w.Stall)
					}
				}
			})
		}
	}
}

func TestMeasureWithoutAsyncPreemption(t *testing.T) {
	// GODEBUG=asyncpreemptoff=1 is read at start-up, so the measurement runs
	// in a child process (this test binary again) at GOMAXPROCS=1: there a
	// hog without a cooperative preemption point keeps the only P until it
	// returns, so the sleeper makes at most one of the wake-ups due (the one
	// it waited for meanwhile) and stalls for most of the hog's run; the
	// cooperative ones are preempted every 10 ms or so, and a hog of
	// about 60 ms of CPU lets it wake more than once, with shorter stalls.
	//
	// With 3 hogs on the one P the window still ends at the first hog's
	// return, so the starved sleeper shows the same one wake-up. It did not
	// when Measure read the clock with time.Now after Run: the hog, which
	// still had sysmon's preemption request pending, was preempted in
	// time.Now's prologue, and the window took in the other two hogs and
	// the sleeper's wake-ups between them (3 wake-ups, Length 202 ms, Stall
	// 67 ms).
	const env, hogsEnv = "STARVATION_TEST_CHILD", "STARVATION_TEST_HOGS"
	if name := os.Getenv(env); name != "" {
		h := starvation.Hogs[slices.IndexFunc(starvation.Hogs, func(h starvation.Hog) bool { return h.Name == name })]
		n, err := strconv.Atoi(os.Getenv(hogsEnv))
		if err != nil {
			panic(err)
		}
		w := starvation.Measure(h, starvation.Victims[0], n, 2_000_000)
		fmt.Println(len(w.Delays), int64(w.Stall), int64(w.Length))
		os.Exit(0)
	}
	for _, n := range []int{1, 3} {
		for _, h := range starvation.Hogs {
			t.Run(fmt.Sprintf("%s/n=%d", h.Name, n), func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestMeasureWithoutAsyncPreemption$")
				cmd.Env = append(os.Environ(), env+"="+h.Name, hogsEnv+"="+strconv.Itoa(n), "GOMAXPROCS=1", "GODEBUG=asyncpreemptoff=1")
				out, err := cmd.Output()
				if err != nil {
					t.Fatalf("child: %v\n%s", err, out)
				}
				var wakes int
				var stall, length time.Duration
				if _, err := fmt.Sscan(strings.TrimSpace(string(out)), &wakes, &stall, &length); err != nil {
					t.Fatalf("child printed %q: %v", out, err)
				}
				starved := wakes <= 1 && stall >= length/2
				if starved != !h.Cooperative {
					t.Errorf("%d wake-ups, longest stall %v in %v; want %s", wakes, stall, length,
						map[bool]string{false: "at most 1 and a stall of at least half the window (starved)", true: "2 or more or a shorter stall (preempted)"}[h.Cooperative])
				}
			})
		}
	}
}

func TestMeasureMisuse(t *testing.T) {
	// Misuse panics in Measure's caller with a starvation: message. A Hog or
	// Victim without Run crashed the program from a goroutine of Measure's
	// (a nil function call there); found by an adversarial test.
	hog, victim := starvation.Hogs[0], starvation.Victims[0]
	for _, tc := range []struct {
		name     string
		h        starvation.Hog
		v        starvation.Victim
		n, iters int
	}{
		{"no hogs", hog, victim, 0, 10},
		{"negative iters", hog, victim, 1, -1},
		{"zero Hog", starvation.Hog{}, victim, 1, 10},
		{"zero Victim", hog, starvation.Victim{}, 1, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := measurePanic(tc.h, tc.v, tc.n, tc.iters)
			if msg, _ := r.(string); !strings.HasPrefix(msg, "starvation: ") {
				t.Errorf("Measure panicked with %#v; want a starvation: message", r)
			}
		})
	}
}

func TestMeasureVictimSlowToStart(t *testing.T) {
	// Measure gives the victim 10 s for its first wake-up, before any hog
	// has started: one that first wakes after 11 s is broken, and the panic
	// says it was the first wait; one that wakes after 9 s is measured. In a
	// synctest bubble the seconds pass at once.
	for _, tc := range []struct {
		first time.Duration
		want  string // in the panic; "" for none
	}{
		{9 * time.Second, ""},
		{11 * time.Second, "no wake-up within 10s of its start, before the hogs ran"},
	} {
		t.Run(tc.first.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var hogRan atomic.Bool
				h := starvation.Hog{Name: "noted", Run: func(iters int) uint64 {
					hogRan.Store(true)
					return starvation.Tight(iters)
				}}
				v := starvation.Victim{Name: "slow start", Run: func(ctx context.Context, wake func(time.Duration)) {
					select {
					case <-ctx.Done():
						return
					case <-time.After(tc.first):
					}
					starvation.Sleep(ctx, wake)
				}}
				r := measurePanic(h, v, 1, 1000)
				msg, _ := r.(string)
				switch {
				case tc.want == "" && r != nil:
					t.Errorf("Measure panicked: %v; want a window", r)
				case tc.want != "" && !strings.Contains(msg, tc.want):
					t.Errorf("Measure panicked with %#v; want a message with %q", r, tc.want)
				}
				if hogRan.Load() != (tc.want == "") {
					t.Errorf("a hog ran: %v; want %v", hogRan.Load(), tc.want == "")
				}
			})
		})
	}
}

func TestMeasureBrokenVictim(t *testing.T) {
	// A broken victim gets Measure's panic, not a Measure that waits for it:
	// one that wakes once and then blocks, ignoring ctx, makes no wake-up
	// once the hogs are done; one that wakes on but ignores ctx does not
	// return when its context ends. Measure waited for Run in a deferred
	// call, so it hung until Run returned (here, at 30 s, released by
	// then: the first panic arrived after Run returned, the second case did
	// not panic at all). The test releases the victim once Measure is done;
	// synctest.Test waits for its goroutine, and in a bubble the seconds
	// pass at once.
	for _, tc := range []struct {
		name string
		run  func(ctx, release context.Context, wake func(time.Duration))
		want string // in the panic
	}{
		{"blocked", func(ctx, release context.Context, wake func(time.Duration)) {
			time.Sleep(starvation.Period)
			wake(0)
			<-release.Done()
		}, "no wake-up within 10s once the hogs were done"},
		{"deaf", func(ctx, release context.Context, wake func(time.Duration)) {
			starvation.Sleep(release, wake)
		}, "Run did not return within 10s of its context's end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				release, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				var returned atomic.Bool
				v := starvation.Victim{Name: tc.name, Run: func(ctx context.Context, wake func(time.Duration)) {
					defer returned.Store(true)
					tc.run(ctx, release, wake)
				}}
				r := measurePanic(starvation.Hogs[0], v, 1, 1000)
				if msg, _ := r.(string); !strings.Contains(msg, tc.want) {
					t.Errorf("Measure panicked with %#v; want a message with %q", r, tc.want)
				}
				if returned.Load() {
					t.Errorf("Measure came back after the victim's Run returned; want it back without waiting for Run")
				}
			})
		})
	}
}

func TestMeasureHogGoexit(t *testing.T) {
	// A hog whose Run calls runtime.Goexit never returns, so the window has
	// no end: Measure returned a window of 292 years (from the hogs' start
	// to the largest int64 of nanotime). Now it panics, as for a broken
	// victim, also when another hog returned. Found by an adversarial test.
	for _, n := range []int{1, 2} {
		t.Run(fmt.Sprint("hogs=", n), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var calls atomic.Int32
				h := starvation.Hog{Name: "exits", Run: func(iters int) uint64 {
					if calls.Add(1) == 1 {
						runtime.Goexit()
					}
					return starvation.Tight(iters)
				}}
				r := measurePanic(h, starvation.Victims[0], n, 10)
				const want = "starvation: 1 of the hogs did not return from Run (runtime.Goexit)"
				if r != want {
					t.Errorf("Measure panicked with %#v; want %q", r, want)
				}
			})
		})
	}
}

// measurePanic calls Measure and returns what it panicked with, or nil.
func measurePanic(h starvation.Hog, v starvation.Victim, n, iters int) (r any) {
	defer func() { r = recover() }()
	starvation.Measure(h, v, n, iters)
	return nil
}

func TestSummarize(t *testing.T) {
	ms := time.Millisecond
	seq := func(n int) []time.Duration {
		d := make([]time.Duration, n)
		for i := range d {
			d[n-1-i] = time.Duration(i+1) * ms // descending: Summarize must sort
		}
		return d
	}
	for _, tc := range []struct {
		name   string
		delays []time.Duration
		want   starvation.Delays
	}{
		{"none", nil, starvation.Delays{}},
		{"one", []time.Duration{5 * ms}, starvation.Delays{P50: 5 * ms, P99: 5 * ms, Max: 5 * ms, Wakes: 1}},
		{"two", []time.Duration{60 * ms, 1 * ms}, starvation.Delays{P50: 1 * ms, P99: 60 * ms, Max: 60 * ms, Wakes: 2}},
		{"hundred", seq(100), starvation.Delays{P50: 50 * ms, P99: 99 * ms, Max: 100 * ms, Wakes: 100}},
		{"thousand", seq(1000), starvation.Delays{P50: 500 * ms, P99: 990 * ms, Max: 1000 * ms, Wakes: 1000}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]time.Duration(nil), tc.delays...)
			if got := starvation.Summarize(tc.delays); got != tc.want {
				t.Errorf("Summarize = %+v; want %+v", got, tc.want)
			}
			for i := range in {
				if in[i] != tc.delays[i] {
					t.Fatalf("Summarize modified its input")
				}
			}
		})
	}
}

func TestDelaysString(t *testing.T) {
	d := starvation.Delays{P50: 19_212_345, P99: 20_100_499, Max: 64 * time.Millisecond, Wakes: 99}
	want := "p50 19.212ms, p99 20.1ms, max 64ms, 99 wakes"
	if got := d.String(); got != want {
		t.Errorf("String() = %q; want %q", got, want)
	}
}

func TestWindow(t *testing.T) {
	ms := time.Millisecond
	for _, tc := range []struct {
		name          string
		w             starvation.Window
		due, progress float64
	}{
		{"alone", starvation.Window{Length: 60 * ms, Delays: make([]time.Duration, 57)}, 60, 0.95},
		{"starved", starvation.Window{Length: 60 * ms, Delays: make([]time.Duration, 1)}, 60, 1.0 / 60},
		{"none due", starvation.Window{Length: 50 * time.Microsecond}, 1, 0},
		{"empty", starvation.Window{}, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.w.Due(); got != tc.due {
				t.Errorf("Due() = %v; want %v", got, tc.due)
			}
			if got := tc.w.Progress(); got != tc.progress {
				t.Errorf("Progress() = %v; want %v", got, tc.progress)
			}
		})
	}
}
