package gate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/concbench/concbench/internal/checkout"
	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/scratch"
)

// repo is the git repository holding the module the gate measures.
type repo struct {
	top    string // the working tree's top directory
	prefix string // the directory the gate runs in, relative to top ("" or "sub/")
}

// git runs git with args in dir and returns its trimmed output.
func git(ctx context.Context, dir string, args ...string) (string, error) {
	return checkout.Output(ctx, dir, "git", args...)
}

// openRepo finds the repository holding dir.
func openRepo(ctx context.Context, dir string) (repo, error) {
	top, err := git(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return repo{}, cli.Usagef("%s is not inside a git work tree: %v", dir, err)
	}
	prefix, err := git(ctx, dir, "rev-parse", "--show-prefix")
	if err != nil {
		return repo{}, err
	}
	return repo{top: top, prefix: prefix}, nil
}

// resolve returns the commit hash that ref names, or a usage error naming
// the flag. In a shallow clone (actions/checkout's default) the error says
// so: there, the usual base, HEAD~1 or a branch not fetched, is missing.
func (r repo) resolve(ctx context.Context, flag, ref string) (string, error) {
	if ref == "" || strings.HasPrefix(ref, "-") {
		return "", cli.Usagef("--%s %q: not a git revision", flag, ref)
	}
	sha, err := git(ctx, r.top, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil {
		if shallow, _ := git(ctx, r.top, "rev-parse", "--is-shallow-repository"); shallow == "true" {
			return "", cli.Usagef("--%s %q: not a commit in %s, a shallow clone: fetch the history (git fetch --unshallow; actions/checkout with fetch-depth: 0)", flag, ref, r.top)
		}
		return "", cli.Usagef("--%s %q: not a commit in %s", flag, ref, r.top)
	}
	return sha, nil
}

// dirty reports whether the working tree differs from HEAD, untracked files
// included (they would be built into the head binary).
func (r repo) dirty(ctx context.Context) (bool, error) {
	out, err := git(ctx, r.top, "status", "--porcelain")
	return out != "", err
}

// worktree checks sha out, detached, in the new directory path and
// returns a function that removes the worktree again, to be called even
// when err is not nil. The remover works after ctx is cancelled (a
// signal): it must, or an interrupted gate would leave a worktree
// registered in the repository.
func (r repo) worktree(ctx context.Context, path, sha string) (remove func(), err error) {
	remove = func() { r.removeWorktree(path) }
	args := []string{"worktree", "add", "--detach", "--quiet", path, sha}
	if _, err = git(ctx, r.top, args...); err != nil {
		// Why, without the command line: its path is gone by the time
		// anyone reads the message.
		why := strings.TrimPrefix(err.Error(), "git "+strings.Join(args, " ")+": ")
		return remove, hidden{"git worktree add: " + why, err}
	}
	return remove, nil
}

// removeWorktree removes the worktree at path, and only it: not git
// worktree prune, which also forgets the user's worktrees whose directory
// is missing (moved, or on a disk not mounted), with their index. One that
// remove misses is forgotten by the next gate (see forgetKilled).
func (r repo) removeWorktree(path string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, _ = git(ctx, r.top, "worktree", "remove", "--force", path)
}

// forgetKilled removes the worktrees that killed gates registered in the
// repository and whose scratch directory is gone (see scratch.Sweep): those
// in a directory named as the gate's scratch directories, that no longer
// exist. git worktree remove --force forgets a worktree whose directory is
// missing.
func (r repo) forgetKilled(ctx context.Context) {
	list, err := git(ctx, r.top, "worktree", "list", "--porcelain")
	if err != nil {
		return
	}
	for _, line := range strings.Split(list, "\n") {
		path, ok := strings.CutPrefix(line, "worktree ")
		if !ok || !strings.HasPrefix(filepath.Base(filepath.Dir(path)), scratch.Prefix+scratchName) {
			continue
		}
		if _, err := os.Lstat(path); errors.Is(err, fs.ErrNotExist) {
			r.removeWorktree(path)
		}
	}
}

// workingTreeLabel describes the working tree as a side, or refuses it when
// it is dirty and clean is set.
func (r repo) workingTreeLabel(ctx context.Context, clean bool) (string, error) {
	dirty, err := r.dirty(ctx)
	if err != nil {
		return "", err
	}
	sha, err := git(ctx, r.top, "rev-parse", "--verify", "--quiet", "HEAD")
	if err != nil {
		sha = "no commit yet"
	}
	if !dirty {
		return fmt.Sprintf("working tree (%.8s)", sha), nil
	}
	if clean {
		return "", cli.Usagef("-clean: the working tree %s has uncommitted changes (git status --porcelain), so the head measured would not be commit %.8s", r.top, sha)
	}
	return fmt.Sprintf("working tree (%.8s + uncommitted changes)", sha), nil
}
