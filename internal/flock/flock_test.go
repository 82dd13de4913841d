//go:build unix && !aix && !solaris

package flock

import (
	"path/filepath"
	"testing"
)

// TestLock takes a lock twice in one process: the second, through a file
// opened again, finds it held until the first is closed.
func TestLock(t *testing.T) {
	dir := t.TempDir()
	first, err := Lock(dir, true)
	if err != nil || first == nil {
		t.Fatalf("Lock(%s) = %v, %v; want the lock", dir, first, err)
	}
	if f, err := Lock(dir, false); f != nil || err != nil {
		t.Errorf("Lock of a held lock = %v, %v; want nil, nil", f, err)
	}
	first.Close()
	again, err := Lock(dir, false)
	if err != nil || again == nil {
		t.Errorf("Lock after the holder closed = %v, %v; want the lock", again, err)
	} else {
		again.Close()
	}
	if _, err := Lock(filepath.Join(dir, "missing"), false); err == nil {
		t.Errorf("Lock of a missing path: want an error")
	}
}
