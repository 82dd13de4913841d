package checkout

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoFilesDiffer checks which changes to a checkout count: Go files,
// go.mod and go.sum, tracked or not; other untracked files do not.
func TestGoFilesDiffer(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	write := func(name, body string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git := func(args ...string) {
		t.Helper()
		if _, err := Output(ctx, dir, "git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module m\n\ngo 1.25\n")
	write("a.go", "package m\n")
	git("init", "-q")
	git("add", ".")
	git("commit", "-q", "-m", "first")
	for _, tc := range []struct {
		name, file, body string
		want             bool
	}{
		{"clean", "", "", false},
		{"an untracked text file", "notes.txt", "x", false},
		{"an untracked Go file", "b.go", "package m\n", true},
		{"a changed go.mod", "go.mod", "module m\n\ngo 1.26\n", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			git("checkout", "-q", ".")
			git("clean", "-q", "-f")
			if tc.file != "" {
				write(tc.file, tc.body)
			}
			if got, err := GoFilesDiffer(ctx, dir); err != nil || got != tc.want {
				t.Errorf("GoFilesDiffer = %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

// TestOutputError checks that a failing command's error names it and holds
// what it wrote to standard error (git's "fatal: not a git repository").
func TestOutputError(t *testing.T) {
	_, err := Output(context.Background(), t.TempDir(), "git", "rev-parse", "--verify", "no-such-ref")
	if err == nil || !strings.Contains(err.Error(), "git rev-parse --verify no-such-ref: ") || !strings.Contains(err.Error(), "fatal:") {
		t.Errorf("got = %v; want an error naming the command and holding its stderr", err)
	}
}
