//go:build unix

package starve

import "syscall"

// limitCPU makes the kernel kill this process once it has used seconds of
// CPU time.
func limitCPU(seconds int) error {
	var rl syscall.Rlimit
	rl.Cur, rl.Max = uint64(seconds), uint64(seconds)
	return syscall.Setrlimit(syscall.RLIMIT_CPU, &rl)
}
