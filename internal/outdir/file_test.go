package outdir

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFile checks that WriteFile writes a new file, refuses an
// existing one without touching it, and leaves no temporary file either way.
func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := WriteFile(path, []byte("first")); err != nil {
		t.Fatal(err)
	}
	err := WriteFile(path, []byte("second"))
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("WriteFile over an existing file: got = %v; want an error wrapping fs.ErrExist", err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "first" {
		t.Errorf("the file after a refused WriteFile: got = %q, %v; want %q", b, err, "first")
	}
	if fi, err := os.Stat(path); err != nil {
		t.Error(err)
	} else if fi.Mode().Perm() != 0o644 {
		t.Errorf("mode: got = %v; want 0644", fi.Mode().Perm())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("dir holds %d entries; want only %s", len(entries), path)
	}
}
