package gate

import (
	"fmt"
	"testing"

	"github.com/concbench/concbench/internal/gate/verdict"
)

// TestSamplesKeepPackagesApart checks that benchmarks of one name in two
// packages are two comparisons, and that a unit's better= metadata decides
// its direction over the unit's name.
func TestSamplesKeepPackagesApart(t *testing.T) {
	s := newSampleSet()
	for round, w := range []which{sideBase, sideHead, sideHead, sideBase} {
		out := fmt.Sprintf("Unit ns/op better=higher\npkg: crypto/sha1\nBenchmarkHash-2 1 %d ns/op\npkg: crypto/sha256\nBenchmarkHash-2 1 %d ns/op\nPASS\n", 100+round, 200+round)
		if n, err := s.add(w, []byte(out), fmt.Sprint(w, round)); n != 2 || err != nil {
			t.Fatalf("add = %d, %v; want 2, nil", n, err)
		}
	}
	in, onlyBase, onlyHead := s.inputs()
	if len(in) != 2 || len(onlyBase) != 0 || len(onlyHead) != 0 {
		t.Fatalf("inputs = %v, %v, %v; want two comparisons", in, onlyBase, onlyHead)
	}
	for i, want := range []string{"BenchmarkHash-2 pkg=crypto/sha1", "BenchmarkHash-2 pkg=crypto/sha256"} {
		if in[i].Bench != want || len(in[i].Base) != 2 || len(in[i].Head) != 2 {
			t.Errorf("input %d = %s with %d+%d samples; want %s with 2+2", i, in[i].Bench, len(in[i].Base), len(in[i].Head), want)
		}
		if in[i].Direction != verdict.LowerIsWorse {
			t.Errorf("input %d: direction %v; want %v (from better=higher)", i, in[i].Direction, verdict.LowerIsWorse)
		}
	}
}
