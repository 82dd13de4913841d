//go:build !linux

package childproc

import "errors"

var errNoAffinity = errors.New("setting a process's CPUs needs Linux")

// CPUs returns an error: only Linux lets a child be started on chosen CPUs.
func CPUs() ([]int, error) { return nil, errNoAffinity }

func pin(cpus []int) (restore func() error, err error) { return nil, errNoAffinity }
