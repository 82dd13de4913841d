package changepoint

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// series returns n points of Gaussian noise (sd 0.01) around 1, times
// factor from each index in at on (a step of factor-1 per index).
func series(seed uint64, n int, factor float64, at ...int) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0))
	x := make([]float64, n)
	for i := range x {
		x[i] = 1 + 0.01*rng.NormFloat64()
		for _, a := range at {
			if i >= a {
				x[i] *= factor
			}
		}
	}
	return x
}

func TestFind(t *testing.T) {
	for _, tc := range []struct {
		name string
		x    []float64
		want []int
	}{
		{"constant", slices.Repeat([]float64{5}, 40), nil},
		{"noise", series(1, 50, 1), nil},
		{"step", series(2, 40, 1.1, 20), []int{20}},
		{"early step", series(3, 40, 1.1, 4), []int{4}},
		{"up and back", series(4, 45, 1.1, 15, 30), []int{15, 30}},
		{"too short", series(5, 5, 2, 3), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.name == "up and back" { // the second step goes back down
				for i := 30; i < len(tc.x); i++ {
					tc.x[i] /= 1.1 * 1.1
				}
			}
			var got []int
			for _, p := range Find(tc.x, DefaultConfig) {
				got = append(got, p.Index)
				if p.P > DefaultConfig.Alpha {
					t.Errorf("point %d has p = %g; want <= %g", p.Index, p.P, DefaultConfig.Alpha)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got = %v; want %v", got, tc.want)
			}
		})
	}
}

// One input gives one answer: the permutations are seeded.
func TestFindDeterministic(t *testing.T) {
	x := series(6, 30, 1.02, 15)
	a, b := Find(x, DefaultConfig), Find(x, DefaultConfig)
	if !slices.Equal(a, b) {
		t.Errorf("got = %v, then %v; want the same", a, b)
	}
}

func TestFindPanicsOnUselessConfig(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for Alpha*(Permutations+1) < 1")
		}
	}()
	Find([]float64{1, 2, 3}, Config{Alpha: 0.001, Permutations: 99, MinSize: 2})
}

func TestWithin(t *testing.T) {
	x := []float64{1, 4, 2, 8}
	w := within(x, make([]float64, 25))
	at := func(a, b int) float64 { return w[a*5+b] }
	for _, tc := range []struct{ a, b, want int }{
		{0, 2, 3}, {0, 3, 3 + 1 + 2}, {1, 4, 2 + 4 + 6}, {0, 4, 3 + 1 + 7 + 2 + 4 + 6}, {2, 3, 0},
	} {
		if got := at(tc.a, tc.b); got != float64(tc.want) {
			t.Errorf("within[%d:%d] got = %v; want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func ExampleFind() {
	x := []float64{10, 11, 10, 10, 11, 10, 10, 11, 10, 10, 12, 13, 12, 12, 13, 12, 12, 13, 12, 13}
	for _, p := range Find(x, DefaultConfig) {
		fmt.Printf("shift before x[%d], p=%.3f\n", p.Index, p.P)
	}
	// Output:
	// shift before x[10], p=0.001
}

// TestFindDone checks that Find stops at once when Config.Done is closed:
// a series with an obvious step, found otherwise, gives no point.
func TestFindDone(t *testing.T) {
	x := make([]float64, 40)
	for i := range x {
		x[i] = float64(i % 3)
		if i >= 20 {
			x[i] += 100
		}
	}
	if got := Find(x, DefaultConfig); len(got) != 1 || got[0].Index != 20 {
		t.Fatalf("Find = %v; want the step at 20", got)
	}
	done := make(chan struct{})
	close(done)
	c := DefaultConfig
	c.Done = done
	if got := Find(x, c); len(got) != 0 {
		t.Errorf("Find with Done closed = %v; want no point", got)
	}
}
