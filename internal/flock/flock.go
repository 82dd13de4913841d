// Package flock takes whole-file locks that the kernel drops when their
// process dies, however it dies: flock(2), on a file or a directory. A lock
// is held through an open file (an open file description, so two opens in
// one process exclude each other as two processes do) until it is closed.
// Outside Unix, on AIX and Solaris (whose syscall package has no flock),
// and on a file system without flock (some NFS setups), there are none:
// [Lock] returns an error that is [errors.ErrUnsupported].
package flock

import "os"

// Lock opens path, a file or a directory, and takes an exclusive lock on
// it, returning the open file that holds it until closed. With wait it
// waits for a lock held elsewhere; without, it returns nil and no error
// then.
func Lock(path string, wait bool) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	held, err := flock(f, wait)
	if err != nil || held {
		f.Close()
		return nil, err
	}
	return f, nil
}
