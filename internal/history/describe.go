package history

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/concbench/concbench/internal/checkout"
)

// Describe returns the Meta of the module checked out in dir: the commit
// HEAD and its committer date (git), the toolchain (go env GOVERSION) and
// the versions of [Modules] the module builds with (go list -m), dated now.
// Machine is left for the caller, who knows where the run was measured.
// A checkout whose Go files differ from HEAD is an error: its runs would
// be filed under a commit they were not measured at.
func Describe(ctx context.Context, dir string, now time.Time) (Meta, error) {
	m := Meta{Modules: map[string]string{}, Date: now}
	out, err := checkout.Output(ctx, dir, "git", "show", "-s", "--format=%H %cI", "HEAD")
	if err != nil {
		return m, err
	}
	commit, when, _ := strings.Cut(out, " ")
	if m.CommitTime, err = time.Parse(time.RFC3339, when); err != nil {
		return m, fmt.Errorf("git show: commit time %q: %w", when, err)
	}
	m.Commit = commit
	differ, err := checkout.GoFilesDiffer(ctx, dir)
	if err != nil {
		return m, err
	}
	if differ {
		return m, fmt.Errorf("%s: Go files differ from HEAD %s; commit them first", dir, commit)
	}
	if m.Go, err = checkout.Output(ctx, dir, "go", "env", "GOVERSION"); err != nil {
		return m, err
	}
	for _, mod := range Modules {
		if m.Modules[mod], err = checkout.Output(ctx, dir, "go", "list", "-m", "-e", "-f", "{{.Version}}", mod); err != nil {
			return m, err
		}
		if m.Modules[mod] == "" { // -e: not an error but no version
			return m, fmt.Errorf("the module does not require %s: a history run records the versions of concbench's dependencies (%s), and track add files runs of concbench's own benchmarks, measured in its checkout",
				mod, strings.Join(Modules, ", "))
		}
	}
	return m, nil
}
