package childproc

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// CPUs returns the CPUs this process may run on (its main thread's CPU
// affinity), in ascending order.
func CPUs() ([]int, error) {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(os.Getpid(), &set); err != nil {
		return nil, fmt.Errorf("reading the CPU affinity: %w", err)
	}
	var cpus []int
	for i := range len(set) * 64 {
		if set.IsSet(i) {
			cpus = append(cpus, i)
		}
	}
	return cpus, nil
}

// pin restricts the calling thread, which must be locked to its
// goroutine, to cpus, and returns the function that gives it back its
// CPUs; a process it starts meanwhile inherits cpus.
func pin(cpus []int) (restore func() error, err error) {
	var old, set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &old); err != nil {
		return nil, fmt.Errorf("reading the CPU affinity: %w", err)
	}
	for _, c := range cpus {
		if c < 0 || c >= len(set)*64 {
			return nil, fmt.Errorf("CPU %d: no such CPU", c)
		}
		set.Set(c)
	}
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		return nil, fmt.Errorf("running on CPUs %v: %w", cpus, err)
	}
	return func() error { return unix.SchedSetaffinity(0, &old) }, nil
}
