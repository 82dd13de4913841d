package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// NewFlagSet returns the flag set of command name ("report", "track add"),
// which writes its errors and its help to stderr. The help is usage (the
// synopsis and what the command does) followed by the flags and their
// defaults.
func NewFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	return fs
}

// Parse parses args with fs: the flags, then from min to max positional
// arguments (max < 0: any number), which want describes ("two files, OLD
// and NEW"). A bad flag is a [Usage] error; so is a wrong number of
// arguments, after fs's help. -h prints the help and returns
// [flag.ErrHelp].
func Parse(fs *flag.FlagSet, args []string, min, max int, want string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return Usage(err)
	}
	switch n := fs.NArg(); {
	case max >= 0 && n > max:
		fs.Usage()
		return Usagef("%s: unexpected argument %q; want %s", fs.Name(), fs.Arg(max), want)
	case n < min:
		fs.Usage()
		return Usagef("%s: want %s; got %d", fs.Name(), want, n)
	}
	return nil
}
