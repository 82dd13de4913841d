package starve_test

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/concbench/concbench/internal/starve"
)

func ExampleWatch() {
	// An endless tight loop on the only P, with asynchronous preemption off:
	// the sleeper never runs again, and the child is killed after 200 ms.
	v, err := starve.Watch(context.Background(), starve.Config{
		Hog: "tight", Victim: "sleep", Preempt: "off", Procs: 1, Timeout: 200 * time.Millisecond,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v)
	// Output: hog=tight victim=sleep preempt=off procs=1 hogs=1: starved: the victim made no progress for 200ms
}

func ExampleParseArgs() {
	o, err := starve.ParseArgs([]string{"-hog", "leafcall", "-preempt", "off", "-timeout", "1s"}, io.Discard)
	fmt.Printf("%+v %v\n", o.Config, err)
	_, err = starve.ParseArgs([]string{"-procs", "0"}, io.Discard)
	fmt.Println(err)
	// Output:
	// {Hog:leafcall Victim:sleep Preempt:off Procs:1 Hogs:0 Timeout:1s Bin: Runtime:} <nil>
	// -procs 0: want 1 to 1024
}
