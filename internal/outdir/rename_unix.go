//go:build unix

package outdir

import (
	"os"
	"syscall"
)

// renameNew renames the directory tmp to final, which must not exist: an
// error wrapping fs.ErrExist if it does. It creates final with os.Mkdir,
// which fails if anything has the name, and renames tmp onto that empty
// directory with rename(2), which replaces an empty directory. (os.Rename
// refuses an existing directory, but by an os.Lstat before rename(2), so
// a directory that appears between the two would be silently replaced.)
// If the rename fails, the empty final directory is removed again.
func renameNew(tmp, final string) error {
	if err := os.Mkdir(final, 0o755); err != nil {
		return err
	}
	if err := syscall.Rename(tmp, final); err != nil {
		os.Remove(final) // removes only an empty directory: the one made above
		return &os.LinkError{Op: "rename", Old: tmp, New: final, Err: err}
	}
	return nil
}
