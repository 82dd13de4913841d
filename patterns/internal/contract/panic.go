package contract

import (
	"fmt"
	"strings"

	"github.com/concbench/concbench/patterns/alt"
)

// CheckPanicMode calls call, in which a task panics with a value whose text
// holds want, and checks that it ends as mode says: with [alt.Crash] the
// process crashes (see [ExpectCrash]); with [alt.Repanic] or [alt.Caller]
// call panics in the caller with it, which must not be dropped.
func CheckPanicMode(t T, mode alt.PanicMode, call func(), want string) {
	t.Helper()
	switch mode {
	case alt.Crash:
		ExpectCrash(t, call, want)
	case alt.Repanic, alt.Caller:
		v := func() (v any) {
			defer func() { v = recover() }()
			call()
			return nil
		}()
		if v == nil || !strings.Contains(fmt.Sprint(v), want) {
			t.Errorf("recovered %v; want a panic with %q (the call must not drop it)", v, want)
		}
	default:
		t.Fatalf("unknown panic mode %q", mode)
	}
}
