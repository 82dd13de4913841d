package firstdone_test

import (
	"context"
	"fmt"
	"syscall"
	"testing"
	"unsafe"

	"github.com/concbench/concbench/patterns/firstdone"
)

// TestTooManyTasks checks that First, FirstSuccess and AsCompleted refuse
// 2^31 tasks, more than a sync.WaitGroup counts, before they call or even
// read one: sync's own panic came first ("negative WaitGroup counter"), and
// past 2^32 the count would wrap without one.
func TestTooManyTasks(t *testing.T) {
	// The slice is address space reserved without access (16 GiB, no
	// memory behind it): reading an element would fault.
	const n = 1 << 31
	var task func(context.Context) (int, error)
	size := n * int(unsafe.Sizeof(task))
	mem, err := syscall.Mmap(-1, 0, size, syscall.PROT_NONE, syscall.MAP_PRIVATE|syscall.MAP_ANON|syscall.MAP_NORESERVE)
	if err != nil {
		t.Skipf("cannot reserve %d bytes of address space: %v", size, err)
	}
	defer syscall.Munmap(mem)
	tasks := unsafe.Slice((*func(context.Context) (int, error))(unsafe.Pointer(unsafe.SliceData(mem))), n)
	for name, call := range map[string]func(){
		"First":        func() { firstdone.First(context.Background(), tasks) },
		"FirstSuccess": func() { firstdone.FirstSuccess(context.Background(), tasks) },
		"AsCompleted":  func() { firstdone.AsCompleted(context.Background(), tasks) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if got, want := fmt.Sprint(recover()), "firstdone: more than 2^31-1 tasks"; got != want {
					t.Errorf("panic = %q; want %q", got, want)
				}
			}()
			call()
		})
	}
}
