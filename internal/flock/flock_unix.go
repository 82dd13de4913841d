//go:build unix && !aix && !solaris

package flock

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// flock takes the exclusive lock on f; without wait, held reports a lock
// held elsewhere instead of waiting for it.
func flock(f *os.File, wait bool) (held bool, err error) {
	how := syscall.LOCK_EX
	if !wait {
		how |= syscall.LOCK_NB
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	switch {
	case errors.Is(err, syscall.EWOULDBLOCK):
		return true, nil
	case errors.Is(err, syscall.ENOLCK), errors.Is(err, syscall.EOPNOTSUPP), errors.Is(err, syscall.EINVAL):
		// A file system without flock (some NFS setups): as outside Unix.
		return false, fmt.Errorf("flock %s: %w: %w", f.Name(), errors.ErrUnsupported, err)
	}
	return false, err
}
