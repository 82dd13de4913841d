package cli

import (
	"errors"
	"flag"
	"fmt"
	"strings"
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
		{"help", flag.ErrHelp, 0},
		{"wrapped help", fmt.Errorf("run: %w", flag.ErrHelp), 0},
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

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		name     string
		args     []string
		min, max int
		want     string // in the error; "" for none
		help     bool   // the help is printed
		exit     int    // ExitCode of the error, if any
	}{
		{"two of two", []string{"-v", "a", "b"}, 2, 2, "", false, 0},
		{"any number", []string{"a", "b", "c"}, 1, -1, "", false, 0},
		{"none of none", []string{"-v"}, 0, 0, "", false, 0},
		{"bad flag", []string{"-x"}, 0, 0, "-x", true, 2},
		{"too many", []string{"a", "b", "c"}, 2, 2, `cmd: unexpected argument "c"; want OLD NEW`, true, 2},
		{"too few", []string{"a"}, 2, 2, "cmd: want OLD NEW; got 1", true, 2},
		{"help", []string{"-h"}, 0, 0, flag.ErrHelp.Error(), true, 0},
		// A flag after the arguments would read as one: report raw.txt -o x.
		{"flag after", []string{"a", "-v"}, 1, -1, "cmd: flag -v after the arguments: give the flags first", true, 2},
		{"flag= after", []string{"a", "--v=true"}, 1, -1, "flag --v=true after the arguments", true, 2},
		{"after --", []string{"--", "a", "-v"}, 1, -1, "", false, 0},
		{"not a flag", []string{"a", "-file.txt"}, 1, -1, "", false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr strings.Builder
			fs := NewFlagSet("cmd", "usage: cmd [-v] OLD NEW\n", &stderr)
			fs.Bool("v", false, "verbose")
			err := Parse(fs, tc.args, tc.min, tc.max, "OLD NEW")
			if tc.want == "" {
				if err != nil {
					t.Errorf("Parse(%q) = %v; want nil", tc.args, err)
				}
			} else if err == nil || !strings.Contains(err.Error(), tc.want) || ExitCode(err) != tc.exit {
				t.Errorf("Parse(%q) = %v (exit %d); want an error naming %q, exit %d", tc.args, err, ExitCode(err), tc.want, tc.exit)
			}
			// A bad flag is printed by the flag package above the help: main
			// must not print it again; other errors it prints.
			if shown := err != nil && strings.Contains(stderr.String(), err.Error()); Shown(err) != shown {
				t.Errorf("Shown(%v) = %v; the error is printed already: %v\n%s", err, Shown(err), shown, stderr.String())
			}
			if got := strings.Contains(stderr.String(), "usage: cmd [-v] OLD NEW\n  -v\tverbose\n"); got != tc.help {
				t.Errorf("help printed = %v; want %v; stderr:\n%s", got, tc.help, stderr.String())
			}
		})
	}
}
