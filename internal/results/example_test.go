package results_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/concbench/concbench/internal/results"
	"github.com/concbench/concbench/internal/suite"
)

// Cells are asked for by field, never by taking names apart: here own's
// cell, and serial's beside it.
func ExampleRead() {
	dir, _ := os.MkdirTemp("", "results")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "raw.txt")
	os.WriteFile(path, []byte(`preempt: async
BenchmarkJoinAll/impl=own/n=10/task=wait-2     1000  1100000 ns/op
BenchmarkJoinAll/impl=serial/n=10/task=wait-2   100 11000000 ns/op
`), 0o644)

	s, err := results.Read(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	own := s.Cells()[0]
	serial, _ := s.With(own, suite.Impl.Field(), suite.Serial)
	for _, c := range []results.Cell{own, serial} {
		med, _ := s.Median(results.Metric{Cell: c, Unit: "sec/op"})
		fmt.Printf("%s: impl=%s GOMAXPROCS=%d %.4gs\n", s.Label(c), c.Sub(suite.Impl), c.Procs(), med)
	}
	// Output:
	// JoinAll/impl=own/n=10/task=wait-2 preempt=async: impl=own GOMAXPROCS=2 0.0011s
	// JoinAll/impl=serial/n=10/task=wait-2 preempt=async: impl=serial GOMAXPROCS=2 0.011s
}

// The gate's use: outputs of several processes, each with its side.
func ExampleSet_Add() {
	s := results.New()
	s.Add("base 1", []byte("pkg: p\nBenchmarkX 1 100 ns/op\n"), results.Side, "base")
	s.Add("head 1", []byte("pkg: p\nBenchmarkX 1 90 ns/op\n"), results.Side, "head")
	base := s.Cells()[0]
	head, _ := s.With(base, results.Side, "head")
	fmt.Println(base.Get(results.Side), head.Get(results.Side), s.Better("sec/op"))
	// Output:
	// base head -1
}
