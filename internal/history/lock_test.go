//go:build unix && !aix && !solaris

package history

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAppendConcurrent runs a second Append of the same run while the
// first is between its checks and its write, as two `concbench track add`
// of one raw.txt at once: the run is stored once, and the second Append
// says it is in the history already. The second Append runs until it
// returns or waits for the lock, so the test does not depend on timing.
func TestAppendConcurrent(t *testing.T) {
	dir := t.TempDir()
	m := meta(0, "go1.26.0")
	second := make(chan error, 1)
	reached := make(chan struct{}, 2) // the second Append waits for the lock, or returned
	defer func() { testHookWrite, testHookLockWait = func() {}, func() {} }()
	first := true
	testHookWrite = func() {
		if !first {
			return
		}
		first = false
		go func() {
			_, err := Append(dir, "in.txt", run(100), m)
			second <- err
			reached <- struct{}{}
		}()
		<-reached
	}
	testHookLockWait = func() { reached <- struct{}{} }
	if _, err := Append(dir, "in.txt", run(100), m); err != nil {
		t.Fatal(err)
	}
	if err := <-second; err == nil || !strings.Contains(err.Error(), "already in the history") {
		t.Errorf("second Append of the same run: %v; want already in the history", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("%s holds %v; want the run once", dir, entries)
	}
}

// TestAppendRemovesLeftovers checks that Append, holding the lock, removes
// the temporary file of an Append that was killed while writing, which the
// history workflow's git add would otherwise commit.
func TestAppendRemovesLeftovers(t *testing.T) {
	dir := t.TempDir()
	left := filepath.Join(dir, ".tmp-123456")
	if err := os.WriteFile(left, run(100), 0o600); err != nil {
		t.Fatal(err)
	}
	path, err := Append(dir, "in.txt", run(100), meta(0, "go1.26.0"))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != filepath.Base(path) {
		t.Errorf("%s holds %v; want only %s", dir, entries, filepath.Base(path))
	}
}
