package results

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchproc"
	"golang.org/x/perf/benchunit"
)

// Read reads the benchmark files at paths into one Set. Any problem with
// the input is an error naming the file (and line); no partial Set is
// returned.
func Read(paths ...string) (*Set, error) {
	if len(paths) == 0 {
		return nil, fmt.Errorf("no input files")
	}
	s := New()
	s.oneFile = true
	for i, path := range paths {
		if err := givenOnce(path, paths[:i]); err != nil {
			return nil, err
		}
		data, err := readFile(path)
		if err != nil {
			return nil, err
		}
		n, err := s.Add(path, data)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: no benchmark results (want lines like \"BenchmarkX-2  100  123 ns/op\")", path)
		}
	}
	return s, nil
}

// Add reads one benchmark output, named name in errors, into s and returns
// how many results it held. config is key, value pairs every result of data
// gets as config before its own (say Side, "base"). Results of one cell from
// several Adds are merged (the processes of one run), except in a set made
// by Read, where a cell in two files is an error.
func (s *Set) Add(name string, data []byte, config ...string) (int, error) {
	if len(config)%2 != 0 {
		panic("results: Add needs config key, value pairs")
	}
	if err := s.lines(name, data); err != nil {
		return 0, err
	}
	s.Files = append(s.Files, name)
	r := benchfmt.NewReader(nil, "")
	r.Reset(bytes.NewReader(data), name, config...)
	n := 0
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.SyntaxError:
			return n, unfinished(rec, data)
		case *benchfmt.UnitMetadata:
			s.Units[rec.UnitMetadataKey] = rec
		case *benchfmt.Result:
			n++
			if err := s.addResult(name, rec); err != nil {
				return n, err
			}
		}
	}
	if err := r.Err(); errors.Is(err, bufio.ErrTooLong) {
		// benchfmt's error names the line before the long one.
		return n, fmt.Errorf("%s:%d: a line of more than %d bytes: not Go benchmark output", name, longLine(data), bufio.MaxScanTokenSize)
	} else if err != nil {
		return n, err
	}
	return n, nil
}

// longLine returns the number of the first line of data too long for
// benchfmt's reader (a bufio.Scanner of the default size), 0 if none is.
// unfinished explains a syntax error on a line where go test printed a
// benchmark's name and then, instead of its result, why the binary stopped
// (a panic, a signal: the name is printed before the benchmark runs); any
// other syntax error it returns as it is.
func unfinished(e *benchfmt.SyntaxError, data []byte) error {
	lines := bytes.Split(data, []byte("\n"))
	if e.Line < 1 || e.Line > len(lines) {
		return e
	}
	name, rest, _ := strings.Cut(strings.TrimSpace(string(lines[e.Line-1])), "\t")
	rest = strings.TrimSpace(rest)
	if !isFailure(rest) {
		return e
	}
	return fmt.Errorf("%s:%d: %s did not finish: %s (the benchmark was stopped before its result; go test's output after it has no results)",
		e.FileName, e.Line, strings.TrimSpace(name), rest)
}

func longLine(data []byte) int {
	for line := 1; len(data) > 0; line++ {
		end := bytes.IndexByte(data, '\n')
		if end < 0 {
			end = len(data)
		}
		if end >= bufio.MaxScanTokenSize {
			return line
		}
		data = data[min(end+1, len(data)):]
	}
	return 0
}

func (s *Set) addResult(name string, rec *benchfmt.Result) error {
	c := Cell{s.proj.Project(rec)}
	if _, ok := s.residues[c]; !ok {
		s.cells = append(s.cells, c)
		s.sorted = false
		clear(s.vary)
		s.index[indexKey(c.values())] = c
		s.residues[c] = map[benchproc.Key]bool{}
		s.fileOf[c] = name
		s.names[c] = rec.Name.String()
	}
	if first := s.fileOf[c]; s.oneFile && first != name {
		file, line := rec.Pos()
		return fmt.Errorf("%s:%d: Benchmark%s is also in %s: concbench does not merge benchmarks of different files; "+
			"report each file alone, or compare two with concbench compare", file, line, rec.Name, first)
	}
	s.residues[c][s.residue.Project(rec)] = true
	s.addConfig(rec)
	// One line is one sample: a unit given twice on it (10 ns/op 10 ns/op)
	// would count as two; an error ends the read, so what was added of the
	// line is never used. (ns/op and ms/op on one line are refused as mixed
	// units, by checkUnit.)
	seen := make(map[string]string, len(rec.Values))
	for _, v := range rec.Values {
		written := orig(v)
		v = tidy(v)
		if first, ok := seen[v.Unit]; ok {
			file, line := rec.Pos()
			return fmt.Errorf("%s:%d: Benchmark%s gives %s twice (as %s and %s): one line is one sample", file, line, rec.Name, v.Unit, first, written)
		}
		seen[v.Unit] = written
		if err := s.checkUnit(v, rec); err != nil {
			return err
		}
		if err := checkValue(v, rec); err != nil {
			return err
		}
		m := Metric{c, v.Unit}
		if _, ok := s.values[m]; !ok {
			s.units[c] = append(s.units[c], v.Unit)
		}
		s.values[m] = append(s.values[m], v.Value)
		if _, ok := s.origUnit[v.Unit]; !ok && v.OrigUnit != "" {
			s.origUnit[v.Unit] = v.OrigUnit
		}
	}
	return nil
}

// Warnings returns a line for each cell whose results differ in a config
// key that is not a field of the cell (say two commits mixed into one
// cell), as benchstat warns.
func (s *Set) Warnings() []string {
	var out []string
	for _, c := range s.Cells() {
		keys := make([]benchproc.Key, 0, len(s.residues[c]))
		for rk := range s.residues[c] {
			keys = append(keys, rk)
		}
		var names []string
		for _, f := range benchproc.NonSingularFields(keys) {
			names = append(names, f.Name)
		}
		if len(names) > 0 {
			out = append(out, fmt.Sprintf("%s: results vary in %s", s.Label(c), strings.Join(names, ", ")))
		}
	}
	return out
}

// tidy returns v with its unit tidied as benchfmt tidies it ("ns/op"
// becomes "sec/op", "MB/s" becomes "B/s") also where benchfmt did not: it
// leaves a value that tidying does not change as written, so "0 ns/op" or
// "0.00 MB/s" kept the unit of the line while every other sample of the
// metric had the tidy one, and one metric became two.
func tidy(v benchfmt.Value) benchfmt.Value {
	if v.OrigUnit != "" {
		return v
	}
	if val, unit := benchunit.Tidy(v.Value, v.Unit); unit != v.Unit {
		return benchfmt.Value{Value: val, Unit: unit, OrigValue: v.Value, OrigUnit: v.Unit}
	}
	return v
}

// givenOnce returns an error if path names the same file as one of earlier,
// which would double its samples.
func givenOnce(path string, earlier []string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return nil // readFile reports it
	}
	for _, e := range earlier {
		if fe, err := os.Stat(e); err == nil && os.SameFile(fi, fe) {
			return fmt.Errorf("%s: given twice (as %s too): its samples would count twice", path, e)
		}
	}
	return nil
}

// checkValue rejects a value that no statistic can take: NaN or an
// infinity (the rank tests of x/perf loop without end on NaN), or a
// negative time, size or count.
func checkValue(v benchfmt.Value, rec *benchfmt.Result) error {
	file, line := rec.Pos()
	written := v.Value
	if v.OrigUnit != "" {
		written = v.OrigValue
	}
	switch {
	case rec.Iters == 0 && math.IsNaN(v.Value):
		return fmt.Errorf("%s:%d: Benchmark%s ran 0 iterations (%v %s): it failed before its first one "+
			"(a panic in a benchmark can still let its process exit 0)", file, line, rec.Name, written, orig(v))
	case math.IsNaN(v.Value) || math.IsInf(v.Value, 0):
		return fmt.Errorf("%s:%d: Benchmark%s: %v %s is not a number concbench can compare", file, line, rec.Name, written, orig(v))
	case v.Value < 0 && nonNegative(v.Unit):
		return fmt.Errorf("%s:%d: Benchmark%s: %v %s is negative", file, line, rec.Name, written, orig(v))
	}
	return nil
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
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, fmt.Errorf("%s: binary file, not Go benchmark output", path)
	}
	if head := trimPartialRune(head); !utf8.Valid(head) {
		// Text, but not UTF-8 (a name in Latin-1, say): say where.
		for i, line := range bytes.Split(head, []byte("\n")) {
			if !utf8.Valid(line) {
				return nil, fmt.Errorf("%s:%d: not UTF-8 text, as Go benchmark output is", path, i+1)
			}
		}
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

// lines reads what benchfmt's reader does not from data's lines. It keeps
// the runner's notes and the failures go test printed into data (plain go
// test -bench output; the runner's raw.txt has none, see [Copy]): a "--- FAIL: "
// line with the message under it, a panic, a fatal error. Neither is part of
// the benchmark format, which ignores them. And it refuses data whose
// "runid:" line names a run already read into s, in data or before: a run's
// raw.txt appended to itself, or copied, would count every sample twice and
// narrow every interval it has. On an error s is as it was.
func (s *Set) lines(name string, data []byte) error {
	var notes []Note
	runids := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, bufio.MaxScanTokenSize) // as benchfmt's reader, which rejects a longer line
	// fail is the last "--- FAIL: " note, until the line under it.
	fail := -1
	for line := 1; sc.Scan(); line++ {
		text, trimmed := sc.Text(), strings.TrimSpace(sc.Text())
		if fail >= 0 && trimmed != "" && text != trimmed && !isFailure(trimmed) {
			notes[fail].Text += ": " + trimmed
		}
		fail = -1
		if t, ok := strings.CutPrefix(text, NotePrefix); ok {
			notes = append(notes, Note{name, line, t})
		} else if isFailure(trimmed) {
			notes = append(notes, Note{name, line, "go test: " + trimmed})
			if strings.HasPrefix(trimmed, "--- FAIL: ") {
				fail = len(notes) - 1
			}
		} else if id, ok := strings.CutPrefix(text, "runid:"); ok && strings.TrimSpace(id) != "" {
			id, at := strings.TrimSpace(id), fmt.Sprintf("%s:%d", name, line)
			first, seen := s.runids[id]
			if !seen {
				first, seen = runids[id]
			}
			if seen {
				return fmt.Errorf("%s: run %s again (first at %s): its samples would count twice", at, id, first)
			}
			runids[id] = at
		}
	}
	s.Notes = append(s.Notes, notes...)
	maps.Copy(s.runids, runids)
	return nil
}

// FailurePrefixes start the lines of a test binary's output that say why it
// failed: a failed benchmark, a panic, a fatal error, a signal.
var FailurePrefixes = []string{"panic: ", "fatal error: ", "--- FAIL: ", "signal: "}

func isFailure(line string) bool {
	return slices.ContainsFunc(FailurePrefixes, func(p string) bool { return strings.HasPrefix(line, p) })
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
