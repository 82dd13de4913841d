//go:build !unix

package childproc

import "os/exec"

// setup leaves cmd's default: cancelling it kills the child process alone.
func setup(cmd *exec.Cmd) {}
