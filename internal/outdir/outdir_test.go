package outdir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
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

// commit writes a directory at final with outdir, holding files.
func commit(t *testing.T, final string, files ...string) {
	t.Helper()
	d, err := New(final, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(d.Path(), f), []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := d.Commit(); err != nil {
		t.Fatal(err)
	}
}

func TestReplace(t *testing.T) {
	final := filepath.Join(t.TempDir(), "report")
	commit(t, final, "old.md", "old.svg")
	commit(t, final, "new.md")
	entries, _ := os.ReadDir(final)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if want := []string{Marker, "new.md"}; !slices.Equal(got, want) {
		t.Errorf("after replace: %v; want %v", got, want)
	}
}

// TestReplaceRefused tries to replace what concbench did not write, or
// what holds an input: New refuses with ErrNotOutput and touches nothing.
func TestReplaceRefused(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, final string) (inputs []string)
		why   string
	}{
		{"a file", func(t *testing.T, final string) []string {
			write(t, final)
			return nil
		}, "not a directory"},
		{"a directory without marker", func(t *testing.T, final string) []string {
			write(t, filepath.Join(final, "report.md"))
			return nil
		}, "no " + Marker},
		{"a forged marker", func(t *testing.T, final string) []string {
			write(t, filepath.Join(final, Marker))
			return nil
		}, "not concbench's marker"},
		{"an output with another file", func(t *testing.T, final string) []string {
			commit(t, final, "report.md")
			write(t, filepath.Join(final, "notes.txt"))
			return nil
		}, "holds notes.txt"},
		{"a run's directory, with its measurements", func(t *testing.T, final string) []string {
			commit(t, final, Raw, "report.md")
			return nil
		}, "holds a run's measurements"},
		{"an output holding the input", func(t *testing.T, final string) []string {
			commit(t, final, "data.txt", "report.md")
			return []string{filepath.Join(final, "data.txt")}
		}, "holds the input"},
		{"an output holding the input through a link", func(t *testing.T, final string) []string {
			commit(t, final, "data.txt")
			link := filepath.Join(t.TempDir(), "in.txt")
			if err := os.Symlink(filepath.Join(final, "data.txt"), link); err != nil {
				t.Skip(err)
			}
			return []string{link}
		}, "holds the input"},
		{"a link to an output", func(t *testing.T, final string) []string {
			target := filepath.Join(t.TempDir(), "out")
			commit(t, target, "report.md")
			if err := os.Symlink(target, final); err != nil {
				t.Skip(err)
			}
			return nil
		}, "not a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			final := filepath.Join(t.TempDir(), "out")
			inputs := tc.setup(t, final)
			before := snapshot(t, filepath.Dir(final))
			_, err := New(final, true, inputs...)
			if !errors.Is(err, ErrNotOutput) || !strings.Contains(err.Error(), tc.why) {
				t.Errorf("New(-force) = %v; want ErrNotOutput saying %q", err, tc.why)
			}
			if after := snapshot(t, filepath.Dir(final)); after != before {
				t.Errorf("New touched the directory:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

func write(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("keep me"), 0o644); err != nil {
		t.Fatal(err)
	}
}

// snapshot lists every path under dir with its size.
func snapshot(t *testing.T, dir string) string {
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, _ := e.Info()
		fmt.Fprintf(&b, "%s:%d ", p, fi.Size())
		return nil
	})
	return b.String()
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
	d, err := New(filepath.Join(parent, "results", "sub", "run"), false)
	if err != nil {
		t.Fatal(err)
	}
	d.Abort()
	if entries, _ := os.ReadDir(parent); len(entries) != 0 {
		t.Errorf("after Abort the parent holds %v; want nothing (not even the results/sub/ New created)", entries)
	}

	// A parent that was there before, or is no longer empty, stays.
	keep := filepath.Join(parent, "results", "keep")
	write(t, keep)
	d, err = New(filepath.Join(parent, "results", "sub", "run"), false)
	if err != nil {
		t.Fatal(err)
	}
	d.Abort()
	if entries, _ := os.ReadDir(filepath.Dir(keep)); len(entries) != 1 {
		t.Errorf("after Abort results/ holds %v; want only keep", entries)
	}
}

// TestCommitNoReplace makes a directory appear at the final name after
// Commit's check, an empty one and one with a file: Commit fails with
// ErrExists and leaves both directories as they were.
func TestCommitNoReplace(t *testing.T) {
	for _, name := range []string{"empty", "nonempty"} {
		t.Run(name, func(t *testing.T) {
			final := filepath.Join(t.TempDir(), "run")
			d, err := New(final, false)
			if err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(d.Path(), "raw.txt"))
			testHookCommit = func() {
				if err := os.Mkdir(final, 0o755); err != nil {
					t.Error(err)
				}
				if name == "nonempty" {
					write(t, filepath.Join(final, "theirs"))
				}
			}
			defer func() { testHookCommit = func() {} }()
			if err := d.Commit(); !errors.Is(err, ErrExists) {
				t.Errorf("Commit over a directory that appeared: %v; want ErrExists", err)
			}
			if b, err := os.ReadFile(filepath.Join(d.Path(), "raw.txt")); err != nil || string(b) != "keep me" {
				t.Errorf("the temporary directory's raw.txt: %q, %v; want it kept", b, err)
			}
			if entries, err := os.ReadDir(final); err != nil || (name == "empty") != (len(entries) == 0) {
				t.Errorf("the directory that appeared holds %v, %v; want it untouched", names(entries), err)
			}
		})
	}
}

// TestRenameNew renames onto an empty directory, which rename(2) would
// replace: renameNew refuses and leaves both.
func TestRenameNew(t *testing.T) {
	dir := t.TempDir()
	tmp, final := filepath.Join(dir, "tmp"), filepath.Join(dir, "final")
	write(t, filepath.Join(tmp, "raw.txt"))
	if err := os.Mkdir(final, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := renameNew(tmp, final); !errors.Is(err, fs.ErrExist) {
		t.Errorf("renameNew onto an empty directory: %v; want fs.ErrExist", err)
	}
	if _, err := os.Stat(filepath.Join(tmp, "raw.txt")); err != nil {
		t.Errorf("the renamed directory: %v; want it kept", err)
	}
	if err := os.Remove(final); err != nil {
		t.Fatal(err)
	}
	if err := renameNew(tmp, final); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(final, "raw.txt")); err != nil {
		t.Errorf("after renameNew: %v", err)
	}
}

// TestReserve claims one name from many goroutines at once: each gets its
// own, the first free one in order, and all commit. A name that exists, or
// is claimed by a temporary directory a killed process left, is skipped.
func TestReserve(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "results")
	final := filepath.Join(parent, "run")
	write(t, filepath.Join(final, "raw.txt"))                // an earlier run
	write(t, filepath.Join(parent, ".run-2.tmp", "raw.txt")) // a killed run's claim
	const n = 8
	dirs := make([]*Dir, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { dirs[i], errs[i] = Reserve(final) })
	}
	wg.Wait()
	var got []string
	for i, d := range dirs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		got = append(got, filepath.Base(d.Final()))
		if want := filepath.Join(parent, "."+filepath.Base(d.Final())+".tmp"); d.Path() != want {
			t.Errorf("Path() = %s; want %s", d.Path(), want)
		}
	}
	slices.Sort(got)
	var want []string
	for i := 3; i < 3+n; i++ {
		want = append(want, fmt.Sprintf("run-%d", i))
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("reserved %v; want %v", got, want)
	}
	for _, d := range dirs {
		write(t, filepath.Join(d.Path(), "raw.txt"))
		if err := d.Commit(); err != nil {
			t.Error(err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(final, "raw.txt")); err != nil || string(b) != "keep me" {
		t.Errorf("the earlier run: %q, %v; want it untouched", b, err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != n+2 {
		t.Errorf("results/ holds %v; want the earlier run, the killed one's claim and %d runs", names(entries), n)
	}
}

func names(entries []os.DirEntry) []string {
	var s []string
	for _, e := range entries {
		s = append(s, e.Name())
	}
	return s
}

// TestTemporaries lists the temporary directories of New and Reserve, and
// nothing else.
func TestTemporaries(t *testing.T) {
	parent := t.TempDir()
	d, err := New(filepath.Join(parent, "report"), false)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Reserve(filepath.Join(parent, "run"))
	if err != nil {
		t.Fatal(err)
	}
	other, _ := Reserve(filepath.Join(parent, "other"))
	for _, p := range []string{"run2/raw.txt", ".hidden/x", ".x.tmp.old/x", "file.tmp"} {
		write(t, filepath.Join(parent, p))
	}
	got := Temporaries(parent, other.Path())
	want := []string{d.Path(), r.Path()}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("Temporaries = %v; want %v", got, want)
	}
}
