package cli

import (
	"errors"
	"flag"
	"fmt"
	"testing"
)

func TestExitCode(t *testing.T) {
	base := errors.New("x")
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, 0},
		{"usage", Usage(base), 2},
		{"usagef", Usagef("bad flag %s", "-x"), 2},
		{"finding", Finding(base), 1},
		{"wrapped finding", fmt.Errorf("gate: %w", Finding(base)), 1},
		{"plain failure", base, 2},
		{"help", flag.ErrHelp, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ExitCode(tc.err); got != tc.want {
				t.Errorf("ExitCode(%v) = %d; want %d", tc.err, got, tc.want)
			}
		})
	}
	if Usage(nil) != nil || Finding(nil) != nil {
		t.Errorf("Usage(nil) or Finding(nil) is not nil")
	}
	if !IsUsage(fmt.Errorf("w: %w", Usage(base))) || IsUsage(base) {
		t.Errorf("IsUsage does not see the mark through wrapping")
	}
	if !errors.Is(Usage(base), base) {
		t.Errorf("Usage hides the wrapped error from errors.Is")
	}
}
