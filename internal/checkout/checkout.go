// Package checkout asks git and go about the module checked out in a
// directory, as a shell would with $(cd dir && cmd): the output of a
// command run there, and whether the checkout's Go files differ from HEAD.
//
// That last question has one answer for every command: concbench run marks
// its commit "-dirty" by it, and concbench track add refuses a checkout by
// it, so that a run is never filed under a commit it was not measured at.
package checkout

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// Output runs name with args in dir and returns its standard output,
// trimmed of surrounding white space. Its error names the command and holds
// what the command wrote to its standard error.
func Output(ctx context.Context, dir, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && len(ee.Stderr) > 0 {
			return "", fmt.Errorf("%s %s: %s", name, strings.Join(args, " "), strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out)), nil
}

// GoFilesDiffer reports whether what go build reads in the checkout dir
// differs from its HEAD: a tracked change to, or an untracked, *.go file,
// go.mod or go.sum. Other untracked files (say, earlier results under the
// tree) do not change what is built, and do not count.
func GoFilesDiffer(ctx context.Context, dir string) (bool, error) {
	st, err := Output(ctx, dir, "git", "status", "--porcelain", "--untracked-files=all", "--", "*.go", "go.mod", "go.sum")
	return st != "", err
}
