// Package outdir creates an output directory all at once: files go into a
// temporary directory next to it, and Commit renames that into place, so a
// reader never sees a half-written run or report and an existing directory
// is never touched unless the caller asked to replace it.
//
// It is the pattern of os.CreateTemp plus os.Rename, for a directory.
// Rejected: writing in place and deleting on failure, which leaves a
// half-written directory behind when the process is killed.
package outdir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrExists is returned (wrapped) when the final directory exists already.
var ErrExists = errors.New("exists already; choose another name or remove it")

// Dir is an output directory being written.
type Dir struct {
	final   string
	tmp     string
	replace bool
}

// New checks that final does not exist (unless replace is set), creates its
// parent, and creates the temporary directory next to it, so that an
// unwritable location fails here, before any work is done.
func New(final string, replace bool) (*Dir, error) {
	if !replace {
		if err := absent(final); err != nil {
			return nil, err
		}
	}
	parent := filepath.Dir(final)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create output directory: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(final)+".tmp-")
	if err != nil {
		return nil, fmt.Errorf("cannot write in %s: %w", parent, err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil { // MkdirTemp makes it 0700
		os.Remove(tmp)
		return nil, err
	}
	return &Dir{final: final, tmp: tmp, replace: replace}, nil
}

// Path returns the temporary directory to write into.
func (d *Dir) Path() string { return d.tmp }

// Final returns the directory's final name.
func (d *Dir) Final() string { return d.final }

// Commit renames the temporary directory to the final name. If the final
// directory appeared meanwhile and replace is not set, Commit fails and
// leaves both alone; with replace, the old directory is removed only after
// the new one is in place.
func (d *Dir) Commit() error {
	if !d.replace {
		if err := absent(d.final); err != nil {
			return err
		}
		return os.Rename(d.tmp, d.final)
	}
	old := d.tmp + ".old"
	if err := os.Rename(d.final, old); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Rename(d.tmp, d.final); err != nil {
		return err
	}
	return os.RemoveAll(old)
}

// Abort removes the temporary directory and everything in it.
func (d *Dir) Abort() { os.RemoveAll(d.tmp) }

func absent(path string) error {
	_, err := os.Lstat(path)
	switch {
	case err == nil:
		return fmt.Errorf("%s: %w", path, ErrExists)
	case errors.Is(err, fs.ErrNotExist):
		return nil
	default:
		return err
	}
}
