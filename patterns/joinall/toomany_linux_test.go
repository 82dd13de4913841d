package joinall_test

import (
	"fmt"
	"syscall"
	"testing"
	"unsafe"

	"github.com/concbench/concbench/patterns/joinall"
)

func TestRunTooManyTasks(t *testing.T) {
	// A slot's word holds task indices in 32 bits, so Run refuses 2^31
	// tasks, before it calls or even reads one, and before it allocates
	// the results: 2^31 results of 16 bytes are 32 GiB, whose allocation
	// failing would end the process, not panic.
	t.Run("T=struct{}", tooMany[struct{}])
	t.Run("T=[16]byte", tooMany[[16]byte])
}

func tooMany[T any](t *testing.T) {
	// The slice is address space reserved without access (16 GiB, no
	// memory behind it): reading an element would fault.
	const n = 1 << 31
	var task func() (T, error)
	size := n * int(unsafe.Sizeof(task))
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		t.Skipf("cannot reserve %d bytes of address space: %v", size, err)
	}
	defer syscall.Munmap(mem)
	tasks := unsafe.Slice((*func() (T, error))(unsafe.Pointer(unsafe.SliceData(mem))), n)
	defer func() {
		if got, want := fmt.Sprint(recover()), "joinall: more than 2^31-1 tasks"; got != want {
			t.Errorf("panic = %q; want %q", got, want)
		}
	}()
	joinall.Run(tasks)
}
