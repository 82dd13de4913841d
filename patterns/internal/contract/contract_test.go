package contract

import (
	"os"
	"os/exec"
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
}

func TestHarnessFailures(t *testing.T) {
	for _, tc := range []struct {
		name string
		impl Impl[func() int]
		want string
	}{
		{"broken", Impl[func() int]{Name: "two", Fn: func() int { return 2 }}, "fn() = 2; want 1"},
		{"stale-deviation", Impl[func() int]{Name: "one", Fn: func() int { return 1 },
			Deviations: map[string]string{"returns-one": "claims to differ"}}, "but the case passed"},
		{"unknown-deviation", Impl[func() int]{Name: "one", Fn: func() int { return 1 },
			Deviations: map[string]string{"no-such-case": "x"}}, `unknown case "no-such-case"`},
		{"leak", Impl[func() int]{Name: "leaky", Fn: func() int {
			go func() { select {} }()
			return 1
		}}, "goroutines left running"},
		{"deadlock", Impl[func() int]{Name: "one", Fn: func() int { return 1 }}, "did not finish within 1s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if os.Getenv(crashEnv) == t.Name() {
				cases := selfCases[:1]
				if tc.name == "deadlock" {
					cases = selfCases[1:]
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
			if !strings.Contains(string(out), tc.want) {
				t.Errorf("child output lacks %q:\n%s", tc.want, out)
			}
		})
	}
}

func TestDeviationThatFails(t *testing.T) {
	// A declared deviation whose case fails is logged, not a failure.
	Run(t, []Impl[func() int]{{Name: "two", Fn: func() int { return 2 },
		Deviations: map[string]string{"returns-one": "returns two by design"}}}, selfCases[:1])
}

func TestExpectCrash(t *testing.T) {
	ExpectCrash(t, func() {
		done := make(chan struct{})
		go func() { panic("crash on purpose") }()
		<-done
	}, "crash on purpose")
}
