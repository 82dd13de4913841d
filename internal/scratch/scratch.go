// Package scratch makes the temporary directories concbench builds and
// checks out revisions in, like [os.MkdirTemp], so that a process killed
// before it could clean up (SIGKILL, or SIGQUIT, whose goroutine dump the
// Go runtime ends with exit status 2) leaves none behind for good: a
// directory is locked (flock(2)) as long as its process lives, the kernel
// drops the lock when the process dies, and [Sweep], which a command calls
// before it makes one, removes every scratch directory whose lock is free.
//
// Only directories that hold [Marker] are swept: one that an older
// concbench made, without a lock, may belong to a process still running.
// Where there is no flock (see internal/flock) there is no lock and no
// marker: Sweep removes nothing.
//
// Rejected: a process id in the name, checked with kill(pid, 0), which a
// reused pid fools; and putting the binaries under the run's directory,
// which a killed run keeps because it holds raw.txt.
package scratch

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/concbench/concbench/internal/flock"
)

// Prefix starts the name of every scratch directory in [os.TempDir].
const Prefix = "concbench-"

// Marker is the file in a scratch directory that says it is locked while
// its process lives, and may be swept once it is not.
const Marker = ".concbench-scratch"

// Dir is a scratch directory, locked until [Dir.Remove].
type Dir struct {
	Path string   // the directory
	lock *os.File // the directory opened, holding the lock; nil without one
}

// Make creates a new directory in os.TempDir named Prefix+name followed by
// a random string, as os.MkdirTemp does, locks it and writes [Marker] in
// it.
func Make(name string) (*Dir, error) {
	path, err := os.MkdirTemp("", Prefix+name)
	if err != nil {
		return nil, err
	}
	d := &Dir{Path: path}
	if d.lock, err = flock.Lock(path, true); errors.Is(err, errors.ErrUnsupported) {
		return d, nil // no lock, no marker: never swept
	}
	if err != nil {
		os.RemoveAll(path)
		return nil, err
	}
	// The marker comes after the lock: a Sweep that sees it finds the
	// lock held.
	if err := os.WriteFile(filepath.Join(path, Marker), nil, 0o644); err != nil {
		d.Remove()
		return nil, err
	}
	return d, nil
}

// Remove removes the directory and everything in it, then releases its
// lock.
func (d *Dir) Remove() {
	os.RemoveAll(d.Path)
	if d.lock != nil {
		d.lock.Close()
	}
}

// Sweep removes the scratch directories in os.TempDir whose process is
// gone (see the package comment) and returns them.
func Sweep() []string {
	paths, _ := filepath.Glob(filepath.Join(os.TempDir(), Prefix+"*"))
	var removed []string
	for _, p := range paths {
		if _, err := os.Lstat(filepath.Join(p, Marker)); err != nil {
			continue // not ours, an older concbench's, or not a directory
		}
		f, err := flock.Lock(p, false)
		if err != nil || f == nil {
			continue // held: its process lives
		}
		if os.RemoveAll(p) == nil {
			removed = append(removed, p)
		}
		f.Close()
	}
	return removed
}
