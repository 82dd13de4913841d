package joinall_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/concbench/concbench/patterns/joinall"
)

func ExampleRun() {
	words := []string{"join", "all", "tasks"}
	tasks := make([]func() (string, error), len(words))
	for i, w := range words {
		tasks[i] = func() (string, error) { return strings.ToUpper(w), nil }
	}
	results, err := joinall.Run(tasks)
	fmt.Println(results, err)
	// Output: [JOIN ALL TASKS] <nil>
}

func ExampleRun_errors() {
	tasks := []func() (int, error){
		func() (int, error) { return 1, nil },
		func() (int, error) { return 0, errors.New("second failed") },
		func() (int, error) { return 3, nil },
		func() (int, error) { return 0, errors.New("fourth failed") },
	}
	results, err := joinall.Run(tasks)
	fmt.Println(results)
	fmt.Println(err)
	// Output:
	// [1 0 3 0]
	// second failed
	// fourth failed
}

func ExampleRun_panic() {
	defer func() {
		p := recover().(*joinall.PanicError)
		fmt.Println("task", p.Task, "panicked:", p.Value)
	}()
	joinall.Run([]func() (int, error){
		func() (int, error) { return 1, nil },
		func() (int, error) { panic("out of range") },
	})
	// Output: task 1 panicked: out of range
}

func ExampleRun_dependent() {
	// A task may wait for another task of the same call, whichever comes
	// first in the slice: Run never holds a task back behind a blocked one.
	ready := make(chan string)
	tasks := []func() (string, error){
		func() (string, error) { return "got " + <-ready, nil },
		func() (string, error) { ready <- "config"; return "sent", nil },
	}
	results, err := joinall.Run(tasks)
	fmt.Println(results, err)
	// Output: [got config sent] <nil>
}
