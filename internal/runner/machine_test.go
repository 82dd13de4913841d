package runner

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A run from a tree whose Go files differ from HEAD says so in its commit.
func TestDescribeDirty(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@t", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@t")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q")
	write("go.mod", "module m\n")
	write("a.go", "package m\n")
	git("add", ".")
	git("commit", "-q", "-m", "one")
	ctx := context.Background()
	check := func(what string, wantDirty bool) {
		t.Helper()
		c := describe(ctx, dir).commit
		if c == "unknown" || strings.HasSuffix(c, "-dirty") != wantDirty {
			t.Errorf("%s: commit = %q; want a commit, dirty = %v", what, c, wantDirty)
		}
	}
	check("clean", false)
	write("notes.txt", "results, say\n")
	check("an untracked file that is not Go", false)
	write("b.go", "package m\n")
	check("an untracked Go file", true)
	if err := os.Remove(filepath.Join(dir, "b.go")); err != nil {
		t.Fatal(err)
	}
	write("a.go", "package m\n\nvar x int\n")
	check("a modified Go file", true)
}
