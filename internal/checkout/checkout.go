// Package checkout asks git and go about the module checked out in a
// directory, as a shell would with $(cd dir && cmd): the output of a
// command run there, and whether the checkout's Go files differ from HEAD.
//
// That last question has one answer for every command: concbench run marks
// its commit "-dirty" by it, and concbench track add refuses a checkout by
// it, so that a run is never filed under a commit it was not measured at.
package checkout

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/concbench/concbench/internal/childproc"
)

// Output runs name with args in dir and returns its standard output,
// trimmed of surrounding white space. Its error names the command and holds
// what the command wrote to its standard error.
//
// The command and what it starts (git's hooks, such as git-lfs's
// post-checkout; go's downloads) die with a cancelled ctx and with the
// calling process: it runs through internal/childproc, in a process group
// of its own that cancelling kills whole. Killing the command alone left
// a hook running after an interrupted gate, which waited for the hook to
// close the command's output.
func Output(ctx context.Context, dir, name string, args ...string) (string, error) {
	cmd := childproc.Command(ctx, name, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := childproc.Run(cmd); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && errb.Len() > 0 {
			return "", fmt.Errorf("%s %s: %s", name, strings.Join(args, " "), strings.TrimSpace(errb.String()))
		}
		return "", fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return strings.TrimSpace(out.String()), nil
}

// GoFilesDiffer reports whether what go build reads in the checkout dir
// differs from its HEAD: a tracked change to, or an untracked, *.go file,
// go.mod or go.sum. Other untracked files (say, earlier results under the
// tree) do not change what is built, and do not count.
func GoFilesDiffer(ctx context.Context, dir string) (bool, error) {
	st, err := Output(ctx, dir, "git", "status", "--porcelain", "--untracked-files=all", "--", "*.go", "go.mod", "go.sum")
	return st != "", err
}
