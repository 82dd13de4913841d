package verdict

import "testing"

// TestDirectionFromInput checks that an input's Direction (from the unit's
// better= metadata) decides over the unit's name, and that Unknown falls
// back to the name.
func TestDirectionFromInput(t *testing.T) {
	base := []float64{100, 101, 102, 100, 101, 102}
	head := []float64{150, 151, 152, 150, 151, 152}
	for _, tc := range []struct {
		dir  Direction
		want Kind
	}{
		{Unknown, Regression},       // sec/op by name: higher is worse
		{HigherIsWorse, Regression}, // metadata agrees
		{LowerIsWorse, Improvement}, // metadata: better=higher
	} {
		res, _ := Decide([]Input{{Bench: "BenchmarkX", Unit: "sec/op", Base: base, Head: head, Direction: tc.dir}}, Config{Alpha: 0.05, Threshold: 0.05})
		if got := res[0].Kind; got != tc.want {
			t.Errorf("Direction %v: kind = %v; want %v", tc.dir, got, tc.want)
		}
	}
}
