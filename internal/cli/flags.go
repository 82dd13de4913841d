package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
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
		return Usage(shown{err}) // the flag package has printed it, with the help
	}
	switch n := fs.NArg(); {
	case max >= 0 && n > max:
		fs.Usage()
		return Usagef("%s: unexpected argument %q; want %s", fs.Name(), fs.Arg(max), want)
	case n < min:
		fs.Usage()
		return Usagef("%s: want %s; got %d", fs.Name(), want, n)
	}
	if !slices.Contains(args, "--") {
		// Go's flag package stops at the first argument: a flag written
		// after the files (report raw.txt -o dir) would read as a file.
		for _, a := range fs.Args() {
			name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if strings.HasPrefix(a, "-") && name != "" && fs.Lookup(name) != nil {
				fs.Usage()
				return Usagef("%s: flag %s after the arguments: give the flags first (or -- before an argument that begins with -)", fs.Name(), a)
			}
		}
	}
	return nil
}

// Percent is a flag value written in percent ("5" or "5%") and held as a
// fraction (0.05): the -threshold of every command, so that one number
// means one thing wherever it is given. It refuses a negative value, NaN
// and infinities.
type Percent float64

func (p *Percent) String() string { return strconv.FormatFloat(float64(*p)*100, 'g', -1, 64) + "%" }

func (p *Percent) Set(s string) error {
	f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil || !(f >= 0) || math.IsInf(f, 0) {
		return fmt.Errorf("want a percentage such as 5 or 5%%")
	}
	*p = Percent(f / 100)
	return nil
}

// shown is an error already printed to the user, as the flag package prints
// a bad flag before the help.
type shown struct{ error }

func (s shown) Unwrap() error { return s.error }

// Shown reports whether err has been printed already (a bad flag, which the
// flag package printed above the help), so that main need not print it again.
func Shown(err error) bool {
	var s shown
	return errors.As(err, &s)
}
