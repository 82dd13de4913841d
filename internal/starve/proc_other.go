//go:build !linux && !darwin

package starve

import "os/exec"

// killGroup leaves cmd's default: cancelling it kills the child process
// alone (the child starts no processes of its own).
func killGroup(cmd *exec.Cmd) {}

// limitCPU does nothing where there is no RLIMIT_CPU backstop; the parent's
// kill is the only bound.
func limitCPU(seconds int) error { return nil }
