package verdict

import (
	"math"
	"testing"
)

func TestDirectionOf(t *testing.T) {
	tests := []struct {
		unit string
		want Direction
	}{
		{"sec/op", HigherIsWorse},
		{"ns/op", HigherIsWorse},
		{"sec/task", HigherIsWorse},
		{"ns/task", HigherIsWorse},
		{"first-ns", HigherIsWorse},
		{"first-sec", HigherIsWorse},
		{"p99-wake-sec", HigherIsWorse},
		{"B/op", HigherIsWorse},
		{"allocs/op", HigherIsWorse},
		{"wasted-tasks", HigherIsWorse},
		{"B/s", LowerIsWorse},
		{"MB/s", LowerIsWorse},
		{"items/s", LowerIsWorse},
		{"wakes", Unknown},
		{"widgets/op", Unknown},
		{"nsx", Unknown},
		{"", Unknown},
	}
	for _, tt := range tests {
		if got := DirectionOf(tt.unit); got != tt.want {
			t.Errorf("DirectionOf(%q) = %v; want %v", tt.unit, got, tt.want)
		}
	}
}

func TestHolm(t *testing.T) {
	tests := []struct {
		name    string
		ps, adj []float64
	}{
		{"empty", nil, []float64{}},
		{"one", []float64{0.03}, []float64{0.03}},
		// Sorted: .005*4=.02, .01*3=.03, .03*2=.06, .04*1=.04 raised to .06.
		{"step-down and monotone", []float64{0.01, 0.04, 0.03, 0.005}, []float64{0.03, 0.06, 0.06, 0.02}},
		// Equal p-values get equal adjusted values, whatever their place.
		{"ties", []float64{0.5, 0.02, 0.02}, []float64{0.5, 0.06, 0.06}},
		{"capped at 1", []float64{0.6, 0.7}, []float64{1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Holm(tt.ps)
			if len(got) != len(tt.adj) {
				t.Fatalf("Holm(%v) = %v; want %v", tt.ps, got, tt.adj)
			}
			for i := range got {
				if math.Abs(got[i]-tt.adj[i]) > 1e-12 {
					t.Errorf("Holm(%v) = %v; want %v", tt.ps, got, tt.adj)
					break
				}
			}
		})
	}
}

func TestMinP(t *testing.T) {
	// The values of benchmath's own table (uTestMinP).
	want := map[int]float64{1: 1, 2: 0.3333333333333333, 3: 0.1, 4: 0.02857142857142857, 6: 0.0021645021645021645, 9: 4.113533525298231e-05}
	for n, p := range want {
		if got := MinP(n, n); math.Abs(got-p) > 1e-12*p {
			t.Errorf("MinP(%d, %d) = %v; want %v", n, n, got, p)
		}
	}
	if got, want := MinP(3, 5), 2.0/56; math.Abs(got-want) > 1e-15 {
		t.Errorf("MinP(3, 5) = %v; want %v", got, want)
	}
	for _, tt := range []struct{ m, want int }{{1, 4}, {10, 6}, {23, 6}, {24, 7}, {100, 8}} {
		if got := MinSamples(0.05, tt.m); got != tt.want {
			t.Errorf("MinSamples(0.05, %d) = %d; want %d", tt.m, got, tt.want)
		}
	}
}

// around returns 9 samples with median exactly m, spread too little to
// overlap a sample around another median a few percent away.
func around(m float64) []float64 {
	s := make([]float64, 9)
	for i := range s {
		s[i] = m + float64(i-4)*0.01
	}
	return s
}

func constant(v float64, n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = v
	}
	return s
}

func TestDecide(t *testing.T) {
	c := Config{Alpha: 0.05, Threshold: 0.05}
	tests := []struct {
		name       string
		unit       string
		base, head []float64
		want       Kind
	}{
		{"time up beyond threshold", "sec/op", around(100), around(105.1), Regression},
		{"time up exactly threshold", "sec/op", around(100), around(105), Within},
		{"time down beyond threshold", "sec/op", around(100), around(94.9), Improvement},
		{"time down exactly threshold", "sec/op", around(100), around(95), Within},
		{"metric -ns up", "first-sec", around(100), around(120), Regression},
		{"throughput down", "B/s", around(100), around(94.9), Regression},
		{"throughput up", "B/s", around(100), around(105.1), Improvement},
		{"unknown unit up", "wakes", around(100), around(110), Changed},
		{"unknown unit down", "wakes", around(100), around(90), Changed},
		{"unknown unit small", "wakes", around(100), around(104), Within},
		{"significant but small", "sec/op", around(100), around(101), Within},
		{"overlapping", "sec/op", []float64{1, 3, 5, 7, 9, 11}, []float64{2, 4, 6, 8, 10, 12}, Same},
		{"all tied", "allocs/op", constant(3, 9), constant(3, 9), Identical},
		// Two tied groups, fully apart: the exact test with ties still
		// rejects (2/C(18,9)).
		{"ties apart", "allocs/op", constant(3, 9), constant(4, 9), Regression},
		{"large from zero", "B/op", constant(0, 9), constant(64, 9), Regression},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, m := Decide([]Input{{Bench: "BenchmarkX", Unit: tt.unit, Base: tt.base, Head: tt.head}}, c)
			if got := res[0].Kind; got != tt.want {
				t.Errorf("Kind = %v (p %v, delta %v); want %v", got, res[0].PHolm, res[0].Delta, tt.want)
			}
			if wantM := 1; tt.want == Identical {
				if m != 0 {
					t.Errorf("tests = %d; want 0 (identical samples are not tested)", m)
				}
			} else if m != wantM {
				t.Errorf("tests = %d; want %d", m, wantM)
			}
		})
	}
}

// TestDecideCorrection checks that the correction counts every test: one
// change that is significant alone (4 samples a side, fully apart: p =
// 0.029) is not once a second test joins it, and identical comparisons do
// not count.
func TestDecideCorrection(t *testing.T) {
	c := Config{Alpha: 0.05, Threshold: 0.05}
	slow := Input{Bench: "BenchmarkA", Unit: "sec/op", Base: []float64{10, 10.1, 10.2, 10.3}, Head: []float64{20, 20.1, 20.2, 20.3}}
	same := Input{Bench: "BenchmarkB", Unit: "sec/op", Base: []float64{1, 3, 5, 7}, Head: []float64{2, 4, 6, 8}}
	tied := Input{Bench: "BenchmarkB", Unit: "allocs/op", Base: constant(2, 4), Head: constant(2, 4)}

	res, m := Decide([]Input{slow, tied}, c)
	if res[0].Kind != Regression || m != 1 {
		t.Errorf("alone: Kind = %v, tests = %d; want regression, 1", res[0].Kind, m)
	}
	res, m = Decide([]Input{same, slow, tied}, c)
	if res[1].Kind != Same || m != 2 {
		t.Errorf("with a second test: Kind = %v (p %v, Holm %v), tests = %d; want ~, 2", res[1].Kind, res[1].P, res[1].PHolm, m)
	}
	if math.Abs(res[1].PHolm-2*res[1].P) > 1e-12 {
		t.Errorf("Holm p = %v; want 2 × %v", res[1].PHolm, res[1].P)
	}
	if !math.IsNaN(res[2].P) || res[2].Kind != Identical {
		t.Errorf("tied: P = %v, Kind = %v; want NaN, identical", res[2].P, res[2].Kind)
	}
}

func TestDecideDelta(t *testing.T) {
	res, _ := Decide([]Input{
		{Unit: "sec/op", Base: around(200), Head: around(250)},
		{Unit: "B/op", Base: constant(0, 9), Head: constant(0, 9)},
		{Unit: "B/op", Base: constant(0, 9), Head: constant(8, 9)},
	}, Config{Alpha: 0.05, Threshold: 0.05})
	for i, want := range []float64{0.25, 0, math.Inf(1)} {
		if got := res[i].Delta; math.Abs(got-want) > 1e-9 && got != want {
			t.Errorf("result %d: Delta = %v; want %v", i, got, want)
		}
	}
	// around(200): 9 values 199.96..200.04; the 95% CI of the median of
	// 9 is the 2nd to the 8th value (199.97, 200.03): ±0.015%.
	if got, want := res[0].Noise, 0.03/200; math.Abs(got-want) > 1e-9 {
		t.Errorf("Noise = %v; want %v", got, want)
	}
	if got := res[1].Noise; got != 0 {
		t.Errorf("Noise of all zeros = %v; want 0", got)
	}
	if res[0].BaseMedian != 200 || res[0].HeadMedian != 250 {
		t.Errorf("medians = %v, %v; want 200, 250", res[0].BaseMedian, res[0].HeadMedian)
	}
}

func TestDecidePanics(t *testing.T) {
	for name, f := range map[string]func(){
		"empty sample": func() { Decide([]Input{{Base: []float64{1}}}, Config{Alpha: 0.05}) },
		"alpha":        func() { Decide(nil, Config{Alpha: 1}) },
		"threshold":    func() { Decide(nil, Config{Alpha: 0.05, Threshold: -1}) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil {
					t.Error("no panic")
				}
			}()
			f()
		})
	}
}
