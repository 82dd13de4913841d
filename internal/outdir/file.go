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
	f, err := os.CreateTemp(filepath.Dir(path), tempPattern)
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

// tempPattern names WriteFile's temporary files, next to the file written.
const tempPattern = ".tmp-*"

// RemoveTemps removes the temporary files that a WriteFile into dir left
// when its process was killed. Only a caller that keeps every other
// WriteFile out of dir meanwhile (a lock) may call it: it would remove
// theirs too.
func RemoveTemps(dir string) {
	paths, _ := filepath.Glob(filepath.Join(dir, tempPattern))
	for _, p := range paths {
		os.Remove(p)
	}
}
