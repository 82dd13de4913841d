package outdir

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile writes the new file path all at once, as Commit does a
// directory: data goes into a temporary file next to it, synced, which is
// then linked to path; a reader never sees half of it, and nothing is left
// behind on an error. It fails, with an error wrapping fs.ErrExist, if
// anything has the name path: nothing is ever overwritten.
func WriteFile(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	// link(2), unlike rename(2), fails if path exists.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s exists already: it is never replaced: %w", path, fs.ErrExist)
		}
		return err
	}
	return nil
}
