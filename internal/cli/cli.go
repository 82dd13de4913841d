// Package cli holds what every concbench command shares: the exit-code
// convention and the error kinds that select it, and the parsing of a
// command line ([NewFlagSet], [Parse]).
//
//	0  success, or the help that -h asked for
//	1  a finding: a regression (gate, track), a benchmark that fails at the
//	   gate's head only, or a starve verdict other than -expect
//	2  bad usage or bad input
//	128+N  interrupted by signal N (130 SIGINT, 129 SIGHUP, 143 SIGTERM),
//	       after cleaning up; see [NotifyContext]
//
// Like flag.ErrHelp, the kinds are marks on an error, not separate types the
// caller has to know: wrap with [Usage] or [Finding], and [ExitCode] reads
// the mark back through any further wrapping.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"syscall"
)

type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

type findingError struct{ err error }

func (e findingError) Error() string { return e.err.Error() }
func (e findingError) Unwrap() error { return e.err }

// Usage marks err as bad usage or bad input: exit status 2.
func Usage(err error) error {
	if err == nil {
		return nil
	}
	return usageError{err}
}

// Usagef is Usage(fmt.Errorf(format, args...)).
func Usagef(format string, args ...any) error { return Usage(fmt.Errorf(format, args...)) }

// Finding marks err as a finding, such as a regression: exit status 1.
func Finding(err error) error {
	if err == nil {
		return nil
	}
	return findingError{err}
}

// ExitCode maps an error to the process exit status: 0 for nil and for
// flag.ErrHelp (the help was asked for and printed, as Go's own flag
// package exits), 128 plus the signal's number for an [InterruptedError],
// 2 for usage errors, 1 for findings, and 2 for anything else too, since a
// command that could not do its job must not look like it found something.
func ExitCode(err error) int {
	var f findingError
	var ie *InterruptedError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ie):
		if n, ok := ie.Signal.(syscall.Signal); ok {
			return 128 + int(n)
		}
		return 128 + int(syscall.SIGINT)
	case errors.As(err, &f):
		return 1
	default:
		return 2
	}
}

// IsUsage reports whether err is marked as usage or bad input, or is
// flag.ErrHelp.
func IsUsage(err error) bool {
	var u usageError
	return errors.As(err, &u) || errors.Is(err, flag.ErrHelp)
}
