package results

import (
	"bytes"
	"io"

	"golang.org/x/perf/benchfmt"
)

// Copy writes the benchmark records of a test binary's output to w in the
// Go benchmark format — config lines, unit metadata and complete result
// lines — and returns how many results it wrote. Everything else (PASS, ok,
// logs, and the name alone that a benchmark which crashed leaves on a line)
// is dropped.
func Copy(w io.Writer, out []byte) (int, error) {
	r := benchfmt.NewReader(bytes.NewReader(out), "")
	bw := benchfmt.NewWriter(w)
	n := 0
	for r.Scan() {
		switch rec := r.Result().(type) {
		case *benchfmt.SyntaxError:
			continue
		case *benchfmt.Result:
			n++
			if err := bw.Write(rec); err != nil {
				return n, err
			}
		case *benchfmt.UnitMetadata:
			if err := bw.Write(rec); err != nil {
				return n, err
			}
		}
	}
	return n, r.Err()
}
