// Package results reads Go benchmark files — the runner's raw.txt or any
// `go test -bench` output — into samples grouped by cell, the way benchstat
// reads its inputs (golang.org/x/perf/benchfmt), but keeping concbench's
// sub-benchmark keys (impl, n, task, hog, victim), GOMAXPROCS and the
// runner's "preempt:" config apart so the report can pick cells by name.
//
// Read refuses input that would make a misleading report: a missing, empty
// or binary file, a malformed benchmark line, a file with no benchmarks, and
// one metric written in two units (say wake-ns here and wake-ms there). Each
// is one error naming the file, and the line where there is one.
//
// Statistics go through golang.org/x/perf/benchmath, as benchstat's do: the
// median with its 95% confidence interval, and the Mann-Whitney U-test for
// comparisons. Units are tidied as benchstat tidies them (ns/op is sec/op,
// first-ns is first-sec).
package results

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"
)

// NotePrefix starts a comment line that the runner writes into raw.txt for
// something the numbers cannot say: a process that crashed or hung, a run
// that was interrupted. The benchmark format ignores such lines; Read keeps
// them as [Set.Notes].
const NotePrefix = "# concbench: "

// Key names one cell of the benchmark matrix.
type Key struct {
	Bench   string // base name without "Benchmark", e.g. "JoinAll"
	Sub     string // sub-benchmark name without GOMAXPROCS, e.g. "impl=own/n=10/task=tiny"
	Procs   int    // GOMAXPROCS: the name's -N suffix, 1 when there is none
	Preempt string // the file's "preempt:" config, "" when it has none
}

// Get returns the value of the sub-benchmark key k (e.g. "impl"), or "".
func (k Key) Get(name string) string {
	for _, part := range strings.Split(k.Sub, "/") {
		if key, val, ok := strings.Cut(part, "="); ok && key == name {
			return val
		}
	}
	return ""
}

// Metric is one unit measured in one cell.
type Metric struct {
	Key
	Unit string // tidied: sec/op, sec/task, first-sec, B/op, ...
}

// EndlessPrefix starts a note that is not a problem: the verdict of an
// endless hog run under the watchdog (see runner.Config.Endless), as
// starve.Verdict prints it.
const EndlessPrefix = "endless: "

// Note is a NotePrefix comment line of an input file.
type Note struct {
	File string
	Line int
	Text string
}

// Set is everything read from a group of files.
type Set struct {
	Files   []string
	Metrics []Metric // every metric with values, in the order first seen
	Notes   []Note
	// Warnings are cells whose results differ in a config key other than
	// preempt (say two commits mixed into one cell), as benchstat warns.
	Warnings []string
	// Units is the unit metadata of the files (better=, assume=).
	Units benchfmt.UnitMetadataMap

	values    map[Metric][]float64
	origUnit  map[string]string   // tidied unit -> unit as written
	config    map[string][]string // file config key -> distinct values
	configKey []string            // config keys in the order first seen
}

// Values returns the measurements of m, in input order.
func (s *Set) Values(m Metric) []float64 { return s.values[m] }

// OrigUnit returns unit as the input wrote it (ns/task for sec/task).
func (s *Set) OrigUnit(unit string) string {
	if u, ok := s.origUnit[unit]; ok {
		return u
	}
	return unit
}

// Config returns the distinct values of a file config key (commit, go, cpu,
// ...) in the order first seen; none if no file has it.
func (s *Set) Config(key string) []string { return s.config[key] }

// ConfigKeys returns the file config keys in the order first seen.
func (s *Set) ConfigKeys() []string { return s.configKey }

// Confidence is the level of every interval: 95%, as benchstat's default.
const Confidence = 0.95

// Summary returns the median of m with its 95% confidence interval, as
// benchstat computes it, and false if m has no values.
func (s *Set) Summary(m Metric) (benchmath.Summary, bool) {
	v := s.values[m]
	if len(v) == 0 {
		return benchmath.Summary{}, false
	}
	return s.Units.GetAssumption(m.Unit).Summary(s.sample(m), Confidence), true
}

// Compare tests whether old and new differ, as benchstat does (Mann-Whitney
// U-test at alpha 0.05 unless the unit says assume=exact), and false if
// either has no values.
func (s *Set) Compare(old, new Metric) (benchmath.Comparison, bool) {
	return compare(s, old, s, new)
}

// CompareSets is [Set.Compare] with old and new from different sets.
func CompareSets(olds *Set, old Metric, news *Set, new Metric) (benchmath.Comparison, bool) {
	return compare(olds, old, news, new)
}

func compare(olds *Set, old Metric, news *Set, new Metric) (benchmath.Comparison, bool) {
	if len(olds.values[old]) == 0 || len(news.values[new]) == 0 {
		return benchmath.Comparison{}, false
	}
	return olds.Units.GetAssumption(old.Unit).Compare(olds.sample(old), news.sample(new)), true
}

func (s *Set) sample(m Metric) *benchmath.Sample {
	return benchmath.NewSample(slices.Clone(s.values[m]), &benchmath.DefaultThresholds)
}

// Read reads the benchmark files at paths into one Set. Any problem with
// the input is an error naming the file (and line); no partial Set is
// returned.
func Read(paths ...string) (*Set, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("no input files")
	}
	s := &Set{
		Files:    paths,
		Units:    benchfmt.UnitMetadataMap{},
		values:   map[Metric][]float64{},
		origUnit: map[string]string{},
		config:   map[string][]string{},
	}
	// The residue projection holds every config key that is not part of a
	// cell's Key; a cell whose results differ in one is mixing runs.
	var parser benchproc.ProjectionParser
	if _, err := parser.Parse(".fullname,preempt", nil); err != nil {
		panic("results: " + err.Error())
	}
	residue := parser.Residue()
	residues := map[Key]map[benchproc.Key]bool{}
	var cells []Key
	units := map[string]unitSeen{} // unit's metric shape -> first unit seen with it

	for _, path := range paths {
		data, err := readFile(path)
		if err != nil {
			return nil, err
		}
		s.notes(path, data)
		n := 0
		r := benchfmt.NewReader(bytes.NewReader(data), path)
		for r.Scan() {
			switch rec := r.Result().(type) {
			case *benchfmt.SyntaxError:
				return nil, rec
			case *benchfmt.UnitMetadata:
				s.Units[rec.UnitMetadataKey] = rec
			case *benchfmt.Result:
				n++
				key := keyOf(rec)
				if residues[key] == nil {
					residues[key] = map[benchproc.Key]bool{}
					cells = append(cells, key)
				}
				residues[key][residue.Project(rec)] = true
				s.addConfig(rec)
				for _, v := range rec.Values {
					if err := checkUnit(units, v, rec); err != nil {
						return nil, err
					}
					m := Metric{key, v.Unit}
					if _, ok := s.values[m]; !ok {
						s.Metrics = append(s.Metrics, m)
					}
					s.values[m] = append(s.values[m], v.Value)
					if _, ok := s.origUnit[v.Unit]; !ok && v.OrigUnit != "" {
						s.origUnit[v.Unit] = v.OrigUnit
					}
				}
			}
		}
		if err := r.Err(); err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: no benchmark results (want lines like \"BenchmarkX-2  100  123 ns/op\")", path)
		}
	}
	for _, k := range cells {
		keys := make([]benchproc.Key, 0, len(residues[k]))
		for rk := range residues[k] {
			keys = append(keys, rk)
		}
		var names []string
		for _, f := range benchproc.NonSingularFields(keys) {
			names = append(names, f.Name)
		}
		if len(names) > 0 {
			s.Warnings = append(s.Warnings, fmt.Sprintf("%s: results vary in %s", k, strings.Join(names, ", ")))
		}
	}
	return s, nil
}

// String returns k as a benchmark name with its preempt mode, e.g.
// "JoinAll/impl=own/n=10/task=tiny-2 preempt=off".
func (k Key) String() string {
	name := k.Bench
	if k.Sub != "" {
		name += "/" + k.Sub
	}
	if k.Procs != 1 {
		name += "-" + strconv.Itoa(k.Procs)
	}
	if k.Preempt != "" {
		name += " preempt=" + k.Preempt
	}
	return name
}

// readFile reads path and rejects what cannot be benchmark output.
func readFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err // *PathError names the file
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fmt.Errorf("%s: empty file", path)
	}
	head := data[:min(len(data), 8192)]
	if bytes.IndexByte(head, 0) >= 0 || !utf8.Valid(trimPartialRune(head)) {
		return nil, fmt.Errorf("%s: binary file, not Go benchmark output", path)
	}
	return data, nil
}

// trimPartialRune drops a rune cut in half at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if r, _ := utf8.DecodeLastRune(b); r != utf8.RuneError {
			return b
		}
		b = b[:len(b)-1]
	}
	return b
}

func (s *Set) notes(path string, data []byte) {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		if text, ok := strings.CutPrefix(sc.Text(), NotePrefix); ok {
			s.Notes = append(s.Notes, Note{path, line, text})
		}
	}
}

func (s *Set) addConfig(rec *benchfmt.Result) {
	for _, c := range rec.Config {
		if !c.File {
			continue
		}
		vals, seen := s.config[c.Key]
		if !seen {
			s.configKey = append(s.configKey, c.Key)
		}
		if v := string(c.Value); !slices.Contains(vals, v) {
			s.config[c.Key] = append(vals, v)
		}
	}
}

// keyOf returns the cell of a result.
func keyOf(rec *benchfmt.Result) Key {
	base, parts := rec.Name.Parts()
	k := Key{Bench: string(base), Procs: 1, Preempt: rec.GetConfig("preempt")}
	var sub []string
	for _, p := range parts {
		switch {
		case p[0] == '-':
			if n, err := strconv.Atoi(string(p[1:])); err == nil {
				k.Procs = n
			}
		default:
			sub = append(sub, string(p[1:]))
		}
	}
	k.Sub = strings.Join(sub, "/")
	return k
}

type unitSeen struct {
	unit string // tidied
	orig string // as written
	file string
	line int
}

// checkUnit rejects a unit whose metric was seen before in another unit of
// the same kind, such as wake-ms after wake-ns: benchstat would keep them
// apart and compare nothing.
func checkUnit(seen map[string]unitSeen, v benchfmt.Value, rec *benchfmt.Result) error {
	shape := unitShape(v.Unit)
	file, line := rec.Pos()
	first, ok := seen[shape]
	switch {
	case !ok:
		seen[shape] = unitSeen{v.Unit, orig(v), file, line}
	case first.unit != v.Unit:
		return fmt.Errorf("%s:%d: unit %s mixes with %s (%s:%d) for the same metric; write one unit",
			file, line, orig(v), first.orig, first.file, first.line)
	}
	return nil
}

func orig(v benchfmt.Value) string {
	if v.OrigUnit != "" {
		return v.OrigUnit
	}
	return v.Unit
}

// unitShape replaces the time and size words of a unit by placeholders:
// ms/op and sec/op have the same shape, so do wake-us and wake-sec.
func unitShape(unit string) string {
	var b strings.Builder
	word := func(w string) {
		switch w {
		case "ns", "us", "µs", "ms", "s", "sec", "min", "h":
			b.WriteString("<time>")
		case "B", "kB", "KB", "MB", "GB", "KiB", "MiB", "GiB":
			b.WriteString("<bytes>")
		default:
			b.WriteString(w)
		}
	}
	start := 0
	for i, r := range unit {
		if r == '/' || r == '-' || r == '*' {
			word(unit[start:i])
			b.WriteRune(r)
			start = i + 1
		}
	}
	word(unit[start:])
	return b.String()
}
