package suite_test

import (
	"fmt"
	"testing"

	"github.com/concbench/concbench/internal/suite"
)

func ExampleName() {
	fmt.Println(suite.Name(suite.Impl.Is(suite.Own), suite.N.Is(10), suite.Task.Is(suite.Tiny)))
	fmt.Println(suite.Task.Field())
	// Output:
	// impl=own/n=10/task=tiny
	// /task
}

func TestNamePanics(t *testing.T) {
	for _, tc := range []struct {
		name  string
		parts []suite.Part
	}{
		{"dash in value", []suite.Part{suite.Impl.Is("a-b")}},
		{"slash in value", []suite.Part{suite.Impl.Is("a/b")}},
		{"empty value", []suite.Part{suite.Impl.Is("")}},
		{"out of order", []suite.Part{suite.N.Is(1), suite.Impl.Is("own")}},
		{"unknown key", []suite.Part{suite.Key("size").Is(1)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil {
					t.Errorf("Name(%v) did not panic", tc.parts)
				}
			}()
			suite.Name(tc.parts...)
		})
	}
}
