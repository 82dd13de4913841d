package outdir

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestCommit(t *testing.T) {
	final := filepath.Join(t.TempDir(), "results", "run1")
	d, err := New(final, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d.Path(), "raw.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(final); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("final directory visible before Commit: %v", err)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(final, "raw.txt")); err != nil || string(b) != "x" {
		t.Errorf("after Commit: %q, %v; want x", b, err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(final)); len(entries) != 1 {
		t.Errorf("parent holds %d entries; want only the run", len(entries))
	}
}

func TestExisting(t *testing.T) {
	final := filepath.Join(t.TempDir(), "run")
	if err := os.MkdirAll(final, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := New(final, false); !errors.Is(err, ErrExists) {
		t.Errorf("New on an existing directory: %v; want ErrExists", err)
	}

	// A directory that appears while writing is not replaced either.
	late := filepath.Join(t.TempDir(), "late")
	d, err := New(late, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(late, "keep"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := d.Commit(); !errors.Is(err, ErrExists) {
		t.Errorf("Commit over a new directory: %v; want ErrExists", err)
	}
	d.Abort()
	if _, err := os.Stat(filepath.Join(late, "keep")); err != nil {
		t.Errorf("existing directory touched: %v", err)
	}
}

func TestReplace(t *testing.T) {
	final := filepath.Join(t.TempDir(), "report")
	if err := os.MkdirAll(final, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(final, "old.md"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	d, err := New(final, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d.Path(), "new.md"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(final)
	if len(entries) != 1 || entries[0].Name() != "new.md" {
		t.Errorf("after replace: %v; want only new.md", entries)
	}
}

func TestUnwritable(t *testing.T) {
	// A regular file where the parent directory should be: unwritable for
	// any user, root included.
	file := filepath.Join(t.TempDir(), "results")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := New(filepath.Join(file, "run"), false); err == nil {
		t.Errorf("New under a file: want an error")
	}
}

func TestAbort(t *testing.T) {
	parent := t.TempDir()
	d, err := New(filepath.Join(parent, "run"), false)
	if err != nil {
		t.Fatal(err)
	}
	d.Abort()
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("after Abort the parent holds %v; want nothing", entries)
	}
}
