package gate

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/concbench/concbench/internal/scratch"
)

// TestUserWorktreesKept runs a gate in a repository with a worktree of the
// user's whose directory is missing (moved, or on a disk not mounted: git
// lists it as prunable) and one that a killed gate left, its scratch
// directory swept. The gate must forget its own and keep the user's, whose
// index and HEAD live in the registration: git worktree prune would drop
// both.
func TestUserWorktreesKept(t *testing.T) {
	_, dir := tinyRepo(t, "")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // where the gate's scratch directories go; not parallel for that

	user := filepath.Join(t.TempDir(), "user-wt")
	run(t, dir, "git", "worktree", "add", "--quiet", user, "HEAD~1")
	if err := os.Rename(user, user+"-moved"); err != nil {
		t.Fatal(err)
	}
	dead := filepath.Join(tmp, scratch.Prefix+"gate-killed", "base")
	run(t, dir, "git", "worktree", "add", "--quiet", "--detach", dead, "HEAD")
	if err := os.RemoveAll(filepath.Dir(dead)); err != nil {
		t.Fatal(err)
	}

	out, stderr, code, err := gate(t, context.Background(), dir, "", "-aa", "-base", "HEAD", "-pkg", "./a")
	if code != 0 {
		t.Fatalf("exit = %d (%v); want 0\n%s%s", code, err, out, stderr)
	}
	list := run(t, dir, "git", "worktree", "list", "--porcelain")
	if got, want := strings.Contains(list, "worktree "+user+"\n"), true; got != want {
		t.Errorf("user's worktree registered = %v; want %v\n%s", got, want, list)
	}
	if got, want := strings.Contains(list, dead), false; got != want {
		t.Errorf("killed gate's worktree registered = %v; want %v\n%s", got, want, list)
	}
}

// TestCheckoutFails gates a repository whose post-checkout hook fails, so
// that git cannot check the base out: the error must say which side, and
// why (the hook's words), and leave no worktree.
func TestCheckoutFails(t *testing.T) {
	t.Parallel()
	_, dir := tinyRepo(t, "")
	hook := filepath.Join(dir, ".git", "hooks", "post-checkout")
	writeFile(t, hook, "#!/bin/sh\necho 'hook says no' >&2\nexit 1\n")
	if err := os.Chmod(hook, 0o755); err != nil {
		t.Fatal(err)
	}
	out, stderr, code, err := gate(t, context.Background(), dir, "", "-base", "HEAD~1", "-pkg", "./a")
	if code != 2 {
		t.Fatalf("exit = %d (%v); want 2\n%s%s", code, err, out, stderr)
	}
	for _, want := range []string{"base `HEAD~1` (", "hook says no"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error = %q; want it to contain %q", err, want)
		}
	}
	if strings.Contains(err.Error(), scratch.Prefix+"gate-") {
		t.Errorf("error = %q; names a temporary path, gone by now", err)
	}
	if n := worktrees(t, dir); n != 1 {
		t.Errorf("%d worktrees left; want only the main one", n)
	}
}
