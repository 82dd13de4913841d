package history

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Describe returns the Meta of the module checked out in dir: the commit
// HEAD and its committer date (git), the toolchain (go env GOVERSION) and
// the versions of [Modules] the module builds with (go list -m), dated now.
// Machine is left for the caller, who knows where the run was measured.
// A checkout whose Go files differ from HEAD is an error: its runs would
// be filed under a commit they were not measured at.
func Describe(ctx context.Context, dir string, now time.Time) (Meta, error) {
	m := Meta{Modules: map[string]string{}, Date: now}
	out, err := command(ctx, dir, "git", "show", "-s", "--format=%H %cI", "HEAD")
	if err != nil {
		return m, err
	}
	commit, when, _ := strings.Cut(out, " ")
	if m.CommitTime, err = time.Parse(time.RFC3339, when); err != nil {
		return m, fmt.Errorf("git show: commit time %q: %w", when, err)
	}
	m.Commit = commit
	st, err := command(ctx, dir, "git", "status", "--porcelain", "--untracked-files=all", "--", "*.go", "go.mod", "go.sum")
	if err != nil {
		return m, err
	}
	if st != "" {
		return m, fmt.Errorf("%s: Go files differ from HEAD %s; commit them first", dir, commit)
	}
	if m.Go, err = command(ctx, dir, "go", "env", "GOVERSION"); err != nil {
		return m, err
	}
	for _, mod := range Modules {
		if m.Modules[mod], err = command(ctx, dir, "go", "list", "-m", "-f", "{{.Version}}", mod); err != nil {
			return m, err
		}
	}
	return m, nil
}

func command(ctx context.Context, dir, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
			return "", fmt.Errorf("%s %s: %s", name, strings.Join(args, " "), strings.TrimSpace(string(ee.Stderr)))
		}
		return "", fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return strings.TrimSpace(string(out)), nil
}
