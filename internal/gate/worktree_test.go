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
