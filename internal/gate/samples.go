package gate

import (
	"bytes"
	"fmt"

	"github.com/concbench/concbench/internal/gate/verdict"
	"golang.org/x/perf/benchfmt"
)

// which is a side of the comparison.
type which int

const (
	sideBase which = iota
	sideHead
)

func (w which) String() string { return [...]string{"base", "head"}[w] }

type key struct{ bench, unit string }

// sampleSet gathers the values of every benchmark and unit on both sides,
// keeping the order in which they first appeared.
type sampleSet struct {
	keys []key
	vals map[key]*[2][]float64
}

func newSampleSet() *sampleSet { return &sampleSet{vals: map[key]*[2][]float64{}} }

// add reads the benchmark output of one process of side w and returns how
// many benchmark lines it held. Units are tidied by benchfmt ("ns/op" becomes
// "sec/op", "first-ns" becomes "first-sec").
func (s *sampleSet) add(w which, out []byte, label string) (int, error) {
	rd := benchfmt.NewReader(bytes.NewReader(out), label)
	n := 0
	for rd.Scan() {
		switch rec := rd.Result().(type) {
		case *benchfmt.SyntaxError:
			return n, fmt.Errorf("reading benchmark output: %v", rec)
		case *benchfmt.Result:
			n++
			for _, v := range rec.Values {
				k := key{"Benchmark" + rec.Name.String(), v.Unit}
				vs, ok := s.vals[k]
				if !ok {
					vs = new([2][]float64)
					s.vals[k] = vs
					s.keys = append(s.keys, k)
				}
				vs[w] = append(vs[w], v.Value)
			}
		}
	}
	return n, rd.Err()
}

// inputs returns the comparisons to make, in order of first appearance, and
// the benchmarks measured on one side only (added or removed by the change:
// reported, not compared).
func (s *sampleSet) inputs() (in []verdict.Input, onlyBase, onlyHead []string) {
	seen := map[string]bool{}
	for _, k := range s.keys {
		vs := s.vals[k]
		switch {
		case len(vs[sideBase]) > 0 && len(vs[sideHead]) > 0:
			in = append(in, verdict.Input{Bench: k.bench, Unit: k.unit, Base: vs[sideBase], Head: vs[sideHead]})
		case seen[k.bench]:
		case len(vs[sideBase]) > 0:
			onlyBase = append(onlyBase, k.bench)
			seen[k.bench] = true
		default:
			onlyHead = append(onlyHead, k.bench)
			seen[k.bench] = true
		}
	}
	return in, onlyBase, onlyHead
}
