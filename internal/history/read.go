package history

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/perf/benchmath"

	"github.com/concbench/concbench/internal/results"
)

// Run is one file of a history.
type Run struct {
	Path string
	Meta
	set *results.Set
}

// Commit is the runs of one commit: one point of every series.
type Commit struct {
	Meta       // of its first run; Date is the first run's
	Runs []int // indexes into History.Runs
}

// History is a directory of runs, read.
type History struct {
	Dir     string
	Runs    []Run    // ordered by commit time, commit, then date
	Commits []Commit // in the order of Runs
	all     *results.Set
}

// Read reads every run (*.txt) in dir. A file that does not parse, holds no
// benchmark or lacks a config line of [Meta] is an error naming it (and the
// line); so is a directory without runs. Read never writes.
func Read(dir string) (*History, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "[^.]*.txt"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		switch fi, err := os.Stat(dir); {
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("%s: no such directory: the history is a directory of runs (*.txt), which concbench track add creates", dir)
		case err != nil:
			return nil, err
		case !fi.IsDir():
			return nil, fmt.Errorf("%s: not a directory: the history is a directory of runs (*.txt)", dir)
		}
		return nil, fmt.Errorf("%s: no runs (*.txt) in the history", dir)
	}
	h := &History{Dir: dir, all: results.New()}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		r, err := readRun(p, data)
		if err != nil {
			return nil, err
		}
		if _, err := h.all.Add(p, data); err != nil {
			return nil, err
		}
		h.Runs = append(h.Runs, r)
	}
	slices.SortStableFunc(h.Runs, func(a, b Run) int {
		return cmp.Or(a.CommitTime.Compare(b.CommitTime), strings.Compare(a.Commit, b.Commit), a.Date.Compare(b.Date))
	})
	for i, r := range h.Runs {
		if n := len(h.Commits); n > 0 && h.Commits[n-1].Commit == r.Commit {
			h.Commits[n-1].Runs = append(h.Commits[n-1].Runs, i)
			continue
		}
		h.Commits = append(h.Commits, Commit{Meta: r.Meta, Runs: []int{i}})
	}
	return h, nil
}

// readRun parses one run and its Meta.
func readRun(path string, data []byte) (Run, error) {
	s := results.New()
	n, err := s.Add(path, data)
	if err != nil {
		return Run{}, err
	}
	if n == 0 {
		return Run{}, fmt.Errorf("%s: no benchmark results", path)
	}
	m := Meta{Modules: map[string]string{}}
	get := func(key string) (string, error) {
		vals := s.Config(key)
		if len(vals) == 0 {
			return "", fmt.Errorf("%s:1: no %q config line: not a history run (add runs with concbench track add)", path, key+":")
		}
		return vals[0], nil // the history's own line comes first; Append checked the rest agree
	}
	for _, kv := range m.config() {
		v, err := get(kv[0])
		if err != nil {
			return Run{}, err
		}
		switch kv[0] {
		case KeyCommit:
			m.Commit = v
		case KeyGo:
			m.Go = v
		case KeyMachine:
			m.Machine = v
		case KeyCommitTime, KeyDate:
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return Run{}, fmt.Errorf("%s: %s %q: want an RFC 3339 time", path, kv[0], v)
			}
			if kv[0] == KeyDate {
				m.Date = t
			} else {
				m.CommitTime = t
			}
		default:
			m.Modules[kv[0]] = v
		}
	}
	return Run{Path: path, Meta: m, set: s}, nil
}

// Series is one metric (a benchmark and unit) over the commits.
type Series struct {
	Label  string // the benchmark, as results.Set.Label names it
	Unit   string // as results tidies it: sec/op for ns/op
	Better int    // +1 higher is better, -1 lower is, 0 unknown
	Points []Point
}

// Point is a series' value at one commit: every sample of its runs.
type Point struct {
	Commit  int // index into History.Commits
	Values  []float64
	Summary benchmath.Summary // median and 95% interval, as benchstat computes them
}

// Series returns every metric's series, in the order results sorts cells,
// with a point for each commit that measured it.
func (h *History) Series() []Series {
	var out []Series
	for _, m := range h.all.Metrics() {
		s := Series{Label: h.all.Label(m.Cell), Unit: m.Unit, Better: h.all.Better(m.Unit)}
		assume := h.all.Units.GetAssumption(m.Unit)
		for ci, c := range h.Commits {
			var vals []float64
			for _, ri := range c.Runs {
				set := h.Runs[ri].set
				if cell, ok := set.Lookup(m.Cell); ok {
					vals = append(vals, set.Values(results.Metric{Cell: cell, Unit: m.Unit})...)
				}
			}
			if len(vals) == 0 {
				continue
			}
			sum := assume.Summary(benchmath.NewSample(vals, &benchmath.DefaultThresholds), results.Confidence)
			s.Points = append(s.Points, Point{Commit: ci, Values: vals, Summary: sum})
		}
		out = append(out, s)
	}
	return out
}
