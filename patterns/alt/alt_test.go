package alt_test

import (
	"fmt"

	"github.com/concbench/concbench/patterns/alt"
)

type row struct {
	alt.Meta
	Run func() int
}

func ExampleOf() {
	table := []row{
		{Meta: alt.Meta{Name: "own", Panics: alt.Repanic}, Run: func() int { return 1 }},
		{Meta: alt.Meta{Name: "plain", Panics: alt.Crash, Deviations: map[string]string{"panic": "crashes"}}},
	}
	for _, m := range alt.Of(table) {
		fmt.Println(m.Name, m.Panics, len(m.Deviations))
	}
	// Output:
	// own repanic 0
	// plain crash 1
}
