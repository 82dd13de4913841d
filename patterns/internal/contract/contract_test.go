package contract

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The harness must fail a test in three ways; each is run in a child process
// (this test binary, re-run for one subtest) because a failing subtest cannot
// be observed from inside its own test.
var selfCases = []Case[func() int]{
	{Name: "returns-one", Check: func(t T, fn func() int) {
		if got := fn(); got != 1 {
			t.Errorf("fn() = %d; want 1", got)
		}
	}},
	{Name: "deadlocks-in-bubble", Bubble: true, Timeout: time.Second, Check: func(t T, fn func() int) {
		select {} // fake time advances to the timeout at once
	}},
	{Name: "returns-odd-one", Check: func(t T, fn func() int) {
		got := fn()
		if got != 1 {
			t.Errorf("fn() = %d; want 1", got)
		}
		if got%2 != 1 {
			t.Errorf("fn() = %d; want an odd number", got)
		}
	}},
}

func TestHarnessFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		impl Impl[func() int]
		want string
		also string // after want, on the next line
	}{
		{"broken", Impl[func() int]{Name: "two", Fn: func() int { return 2 }}, "fn() = 2; want 1", ""},
		{"stale-deviation", Impl[func() int]{Name: "one", Fn: func() int { return 1 },
			Deviations: map[string]string{"returns-one": "claims to differ"}}, "but the case passed", ""},
		{"unknown-deviation", Impl[func() int]{Name: "one", Fn: func() int { return 1 },
			Deviations: map[string]string{"no-such-case": "x"}}, `unknown case "no-such-case"`, ""},
		{"leak", Impl[func() int]{Name: "leaky", Fn: func() int {
			go func() { select {} }()
			return 1
		}}, "goroutines left running", ""},
		{"deadlock", Impl[func() int]{Name: "one", Fn: func() int { return 1 }}, "did not finish within 1s", ""},
		// A deviation excuses the failures it names, not a second difference
		// in the same case, nor a leak.
		{"deviation-hides-another", Impl[func() int]{Name: "two", Fn: func() int { return 2 },
			Deviations: map[string]string{"returns-odd-one": "returns two by design"},
			Fails:      map[string]string{"returns-odd-one": `; want 1$`}}, "but the case also failed otherwise:", "fn() = 2; want an odd number"},
		{"deviation-hides-leak", Impl[func() int]{Name: "three", Fn: func() int {
			go func() { select {} }()
			return 3
		}, Deviations: map[string]string{"returns-odd-one": "returns three by design"},
			Fails: map[string]string{"returns-odd-one": `; want 1$`}}, "but the case also failed otherwise:", "goroutines left running"},
		{"deviation-without-fails", Impl[func() int]{Name: "two", Fn: func() int { return 2 },
			Deviations: map[string]string{"returns-one": "returns two by design"}}, "without the failures it excuses", ""},
		{"fails-without-deviation", Impl[func() int]{Name: "one", Fn: func() int { return 1 },
			Fails: map[string]string{"returns-one": "x"}}, "declares no deviation from it", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if os.Getenv(crashEnv) == t.Name() {
				cases := selfCases[:1]
				switch tc.name {
				case "deadlock":
					cases = selfCases[1:2]
				case "deviation-hides-another", "deviation-hides-leak":
					cases = selfCases[2:]
				}
				Run(t, []Impl[func() int]{tc.impl}, cases)
				return
			}
			cmd := exec.Command(os.Args[0], "-test.run="+runPattern(t.Name()), "-test.count=1", "-test.v")
			cmd.Env = append(os.Environ(), crashEnv+"="+t.Name())
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("child test passed; want it to fail with %q:\n%s", tc.want, out)
			}
			_, after, ok := strings.Cut(string(out), tc.want)
			if !ok {
				t.Errorf("child output lacks %q:\n%s", tc.want, out)
			}
			if next, _, _ := strings.Cut(strings.TrimPrefix(after, "\n"), "\n"); tc.also != "" && !strings.HasPrefix(strings.TrimSpace(next), tc.also) {
				t.Errorf("child output's line after %q is %q; want it to begin %q:\n%s", tc.want, next, tc.also, out)
			}
		})
	}
}

func TestDeviationThatFails(t *testing.T) {
	// A declared deviation whose case fails is logged, not a failure.
	Run(t, []Impl[func() int]{{Name: "two", Fn: func() int { return 2 },
		Deviations: map[string]string{"returns-one": "returns two by design"},
		Fails:      map[string]string{"returns-one": `^fn\(\) = 2; want 1$`}}}, selfCases[:1])
	// Every failure of the case is excused.
	Run(t, []Impl[func() int]{{Name: "two", Fn: func() int { return 2 },
		Deviations: map[string]string{"returns-odd-one": "returns two by design"},
		Fails:      map[string]string{"returns-odd-one": `^fn\(\) = 2; want (1|an odd number)$`}}}, selfCases[2:])
}

// TestExpect checks that Expect sets each implementation's Fails from keys
// "impl/case".
func TestExpect(t *testing.T) {
	impls := []Impl[func() int]{{Name: "a"}, {Name: "b"}}
	got := Expect(t, impls, map[string]string{"a/x": "1", "a/y": "2", "b/x": "3"})
	if len(got[0].Fails) != 2 || got[0].Fails["y"] != "2" || got[1].Fails["x"] != "3" || impls[0].Fails != nil {
		t.Errorf("Expect = %+v (impls %+v); want a: x, y; b: x; impls unchanged", got, impls)
	}
}

func TestExpectCrash(t *testing.T) {
	ExpectCrash(t, func() {
		done := make(chan struct{})
		go func() { panic("crash on purpose") }()
		<-done
	}, "crash on purpose")
}

func TestWithin(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	for _, tc := range []struct {
		name string
		f    func() string
		want string
	}{
		{"returns", func() string { return "ok" }, "ok"},
		{"hangs", func() string { <-block; return "ok" }, "did not return within 10ms"},
		{"goexit", func() string { runtime.Goexit(); return "ok" }, "the calling goroutine ended: runtime.Goexit reached it"},
		{"panics", func() string { panic("boom") }, "panicked: boom"},
	} {
		if got := Within(10*time.Millisecond, tc.f); got != tc.want {
			t.Errorf("%s: Within = %q; want %q", tc.name, got, tc.want)
		}
	}
}
