package gate

import (
	"fmt"

	"github.com/concbench/concbench/internal/gate/verdict"
	"github.com/concbench/concbench/internal/results"
)

// which is a side of the comparison.
type which int

const (
	sideBase which = iota
	sideHead
)

func (w which) String() string { return [...]string{"base", "head"}[w] }

// sampleSet gathers the values of every benchmark and unit on both sides:
// a results.Set whose cells carry the side (results.Side), so benchmarks of
// different packages or names never merge.
type sampleSet struct{ set *results.Set }

func newSampleSet() *sampleSet { return &sampleSet{results.New()} }

// add reads the benchmark output of one process of side w and returns how
// many benchmark lines it held. Units are tidied by benchfmt ("ns/op" becomes
// "sec/op", "first-ns" becomes "first-sec").
func (s *sampleSet) add(w which, out []byte, label string) (int, error) {
	n, err := s.set.Add(label, out, results.Side, w.String())
	if err != nil {
		return n, fmt.Errorf("reading benchmark output: %v", err)
	}
	return n, nil
}

// inputs returns the comparisons to make, in the order of the cells, and
// the benchmarks measured on one side only (added or removed by the change:
// reported, not compared).
func (s *sampleSet) inputs() (in []verdict.Input, onlyBase, onlyHead []string) {
	seen := map[results.Cell]bool{}
	for _, m := range s.set.Metrics() {
		side := m.Get(results.Side)
		other := sideHead.String()
		if side == other {
			other = sideBase.String()
		}
		o, ok := s.set.With(m.Cell, results.Side, other)
		has := ok && len(s.set.Values(results.Metric{Cell: o, Unit: m.Unit})) > 0
		switch {
		case side == sideBase.String() && has:
			in = append(in, verdict.Input{Bench: "Benchmark" + s.set.Label(m.Cell), Unit: m.Unit,
				Base: s.set.Values(m), Head: s.set.Values(results.Metric{Cell: o, Unit: m.Unit}),
				Direction: verdict.DirectionOfBetter(s.set.Better(m.Unit))})
		case ok || seen[m.Cell]:
		case side == sideBase.String():
			seen[m.Cell] = true
			onlyBase = append(onlyBase, "Benchmark"+s.set.Label(m.Cell))
		default:
			seen[m.Cell] = true
			onlyHead = append(onlyHead, "Benchmark"+s.set.Label(m.Cell))
		}
	}
	return in, onlyBase, onlyHead
}
