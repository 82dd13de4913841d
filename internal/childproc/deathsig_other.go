//go:build unix && !linux

package childproc

import "syscall"

// deathSignal does nothing: there is no parent-death signal outside Linux,
// and a child of a parent killed by SIGKILL lives on.
func deathSignal(a *syscall.SysProcAttr) {}
