package results

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
)

// SplitRounds splits a runner's raw.txt (data, named name in errors) into
// the processes of its odd rounds and those of its even rounds, each with
// the file's header (the lines before its first process). A process starts
// at a "preempt:" config line, which the runner writes first for each one;
// its kind is its config lines up to its first benchmark line (preempt
// mode, runtime, the CPUs it ran on, GOMAXPROCS's cores, go test's own),
// and the k-th process of a kind is of round k: the rounds of the noisy
// cells, which run only some processes, count on from the full rounds.
//
// The two halves ran interleaved, one process of a kind after the other,
// over the whole run: what a run's intervals say can be checked against
// them, by comparing the halves as two runs (see precision.Agreement).
func SplitRounds(name string, data []byte) (odd, even []byte, err error) {
	var header, block bytes.Buffer
	var kind strings.Builder
	inBlock, kindDone := false, false
	seen := map[string]int{} // processes of each kind so far
	flush := func() {
		if !inBlock {
			return
		}
		k := kind.String()
		seen[k]++
		if seen[k]%2 == 1 {
			odd = append(odd, block.Bytes()...)
		} else {
			even = append(even, block.Bytes()...)
		}
		block.Reset()
		kind.Reset()
		kindDone = false
	}
	for line := range bytes.Lines(data) {
		text := string(bytes.TrimRight(line, "\r\n"))
		if strings.HasPrefix(text, Preempt+":") {
			flush()
			inBlock = true
		}
		if !inBlock {
			header.Write(line)
			continue
		}
		block.Write(line)
		if strings.HasPrefix(text, "Benchmark") {
			kindDone = true
		}
		if !kindDone && isConfigLine(text) {
			kind.WriteString(text + "\n")
		}
	}
	flush()
	if len(seen) == 0 {
		return nil, nil, fmt.Errorf("%s: no process of a concbench run (none starts with a %q line): not a raw.txt of `concbench run`", name, Preempt+":")
	}
	if len(even) == 0 {
		return nil, nil, fmt.Errorf("%s: one round only: no even round to compare the odd one with", name)
	}
	h := header.Bytes()
	return append(bytes.Clone(h), odd...), append(bytes.Clone(h), even...), nil
}

// isConfigLine reports whether text is a configuration line of the
// benchmark format: "key: value", the key starting with a lower-case letter
// and holding no space or upper-case letter.
func isConfigLine(text string) bool {
	key, _, ok := strings.Cut(text, ":")
	if !ok || key == "" || !unicode.IsLower(rune(key[0])) {
		return false
	}
	return !strings.ContainsFunc(key, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsUpper(r) })
}
