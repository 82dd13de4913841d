// Package outdir creates an output directory all at once: files go into a
// temporary directory next to it, and Commit renames that into place, so a
// reader never sees a half-written run or report and an existing directory
// is never touched unless the caller asked to replace it.
//
// It is the pattern of os.CreateTemp plus os.Rename, for a directory;
// [WriteFile] does the same for one new file.
// Rejected: writing in place and deleting on failure, which leaves a
// half-written directory behind when the process is killed.
//
// A directory whose exact name does not matter, as a run's, is claimed
// with [Reserve] before any work: two processes started at the same moment
// then write under different names, instead of one of them finding the
// name taken only when it commits.
//
// A committed directory holds a marker file, [Marker], that lists the files
// outdir wrote. Replacing (concbench report -force) is allowed only for such
// a directory, holding nothing but what its marker lists, holding none of
// the inputs, and holding no measurements ([Raw]): nothing else is ever
// deleted or overwritten.
package outdir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrExists is returned (wrapped) when the final directory exists already.
var ErrExists = errors.New("exists already; choose another name or remove it")

// ErrNotOutput is returned (wrapped) when replacing was asked for but the
// existing path is not a concbench output directory that may be replaced.
var ErrNotOutput = errors.New("not replaced: -force replaces only a directory concbench wrote")

// Raw is the name of a run's measurements, the one file of a run directory
// that cannot be written again from the others: a directory holding it is
// never replaced, whatever its marker lists.
const Raw = "raw.txt"

// Marker is the name of the file that marks a directory written by outdir
// and lists its files, one per line after a header line.
const Marker = ".concbench-output"

const markerHeader = "written by concbench; `concbench report -force` may replace this directory if it holds only these files:"

// Dir is an output directory being written.
type Dir struct {
	final   string
	tmp     string
	replace bool
	inputs  []string
	parents []string // the parents New created, deepest first
}

// New checks that final does not exist, creates its parent, and creates
// the temporary directory next to it, so that an unwritable location fails
// here, before any work is done. With replace, final may exist if it is a
// directory outdir committed ([Marker]) that holds only the files its
// marker lists and none of inputs (the files the caller reads); anything
// else is [ErrNotOutput].
func New(final string, replace bool, inputs ...string) (*Dir, error) {
	d := &Dir{final: final, replace: replace, inputs: inputs}
	if err := d.check(); err != nil {
		return nil, err
	}
	parent := filepath.Dir(final)
	d.parents = missing(parent)
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
	d.tmp = tmp
	return d, nil
}

// maxReserve bounds the names [Reserve] tries.
const maxReserve = 1000

// Reserve is [New] for a directory whose exact name does not matter (a
// run's, named after its start second): it claims final, or else final-2,
// final-3 and so on, the first name that neither exists nor is claimed by
// another process. The claim is the temporary directory itself, named
// .NAME.tmp after the final one and created with os.Mkdir, which fails if
// it exists, so two processes can never claim one name; a name whose final
// directory exists once claimed is released and the next tried. [Dir.Final]
// says which name was claimed.
//
// A claim outlives a process killed with SIGKILL (the temporary directory
// stays, with what it holds); the name is then skipped, never reused.
func Reserve(final string) (*Dir, error) {
	parent := filepath.Dir(final)
	d := &Dir{parents: missing(parent)}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("cannot create output directory: %w", err)
	}
	for i := 1; i <= maxReserve; i++ {
		name := final
		if i > 1 {
			name = fmt.Sprintf("%s-%d", final, i)
		}
		tmp := filepath.Join(parent, "."+filepath.Base(name)+".tmp")
		err := os.Mkdir(tmp, 0o755)
		if errors.Is(err, fs.ErrExist) {
			continue // claimed by another process, or left by a killed one
		}
		if err != nil {
			d.Abort()
			return nil, fmt.Errorf("cannot write in %s: %w", parent, err)
		}
		// Claimed. Another process commits to name only with the claim,
		// and the claim goes when its final directory appears (a rename),
		// so a final directory that exists now stays.
		if _, err := os.Lstat(name); !errors.Is(err, fs.ErrNotExist) {
			os.Remove(tmp)
			if err != nil {
				d.Abort()
				return nil, err
			}
			continue
		}
		d.final, d.tmp = name, tmp
		return d, nil
	}
	d.Abort()
	return nil, fmt.Errorf("%s: %w (and so do the %d names after it)", final, ErrExists, maxReserve-1)
}

// Temporaries returns the temporary directories in parent that [New] and
// [Reserve] make, but not skip: those of processes still writing, and
// those that processes killed with SIGKILL left, which nothing can tell
// apart here. Nothing is removed: a run's holds what it measured.
func Temporaries(parent, skip string) []string {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return nil
	}
	var dirs []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() && strings.HasPrefix(n, ".") && (strings.HasSuffix(n, ".tmp") || strings.Contains(n, ".tmp-")) &&
			!strings.HasSuffix(n, ".old") && filepath.Join(parent, n) != skip {
			dirs = append(dirs, filepath.Join(parent, n))
		}
	}
	return dirs
}

// Path returns the temporary directory to write into.
func (d *Dir) Path() string { return d.tmp }

// Final returns the directory's final name.
func (d *Dir) Final() string { return d.final }

// Commit writes the marker and renames the temporary directory to the
// final name. If the final directory appeared meanwhile, or changed so
// that it may no longer be replaced, Commit fails with [ErrExists] or
// [ErrNotOutput] and leaves both alone; with replace, the old directory is
// removed only after the new one is in place.
//
// Without replace, Commit never replaces anything, whatever appears at the
// final name meanwhile: see [renameNew].
func (d *Dir) Commit() error {
	if err := d.writeMarker(); err != nil {
		return err
	}
	if err := d.check(); err != nil {
		return err
	}
	if !d.replace {
		testHookCommit()
		if err := renameNew(d.tmp, d.final); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%s: %w", d.final, ErrExists)
			}
			return err
		}
		return nil
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

// testHookCommit runs in Commit between the check and the rename, for
// tests that make a directory appear there.
var testHookCommit = func() {}

// Abort removes the temporary directory and everything in it, and the
// parent directories New created if they are empty, so that a failed run
// leaves no empty results/ behind.
func (d *Dir) Abort() {
	os.RemoveAll(d.tmp)
	for _, p := range d.parents {
		if os.Remove(p) != nil {
			return
		}
	}
}

// missing returns dir and those of its ancestors that do not exist yet,
// deepest first.
func missing(dir string) []string {
	var out []string
	for ; ; dir = filepath.Dir(dir) {
		if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) || dir == filepath.Dir(dir) {
			return out
		}
		out = append(out, dir)
	}
}

// check returns nil if d.final is absent, or may be replaced.
func (d *Dir) check() error {
	_, err := os.Lstat(d.final)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case !d.replace:
		return fmt.Errorf("%s: %w", d.final, ErrExists)
	}
	return replaceable(d.final, d.inputs)
}

// replaceable returns nil if dir is an output directory whose files are
// all listed in its marker, and holds none of inputs and no [Raw].
func replaceable(dir string, inputs []string) error {
	notOurs := func(why string) error { return fmt.Errorf("%s: %s: %w", dir, why, ErrNotOutput) }
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return notOurs("not a directory")
	}
	b, err := os.ReadFile(filepath.Join(dir, Marker))
	if err != nil {
		return notOurs("no " + Marker + " marker file")
	}
	listed := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(listed) == 0 || listed[0] != markerHeader {
		return notOurs(Marker + " is not concbench's marker")
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Name() == Raw {
			return notOurs("holds a run's measurements, " + Raw + ", which nothing could write again")
		}
		if e.Name() != Marker && !slices.Contains(listed[1:], e.Name()) {
			return notOurs(fmt.Sprintf("holds %s, which concbench did not write", e.Name()))
		}
	}
	for _, in := range inputs {
		if Inside(in, dir) {
			return notOurs(fmt.Sprintf("holds the input %s", in))
		}
	}
	return nil
}

// Inside reports whether path is dir or lies within it, after resolving
// symbolic links.
func Inside(path, dir string) bool {
	abs := func(p string) string {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		a, err := filepath.Abs(p)
		if err != nil {
			return p
		}
		return a
	}
	rel, err := filepath.Rel(abs(dir), abs(path))
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// writeMarker writes the marker listing the files in the temporary
// directory.
func (d *Dir) writeMarker() error {
	entries, err := os.ReadDir(d.tmp)
	if err != nil {
		return err
	}
	lines := []string{markerHeader}
	for _, e := range entries {
		if e.Name() != Marker {
			lines = append(lines, e.Name())
		}
	}
	return os.WriteFile(filepath.Join(d.tmp, Marker), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}
