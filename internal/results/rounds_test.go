package results_test

import (
	"strings"
	"testing"

	"github.com/concbench/concbench/internal/results"
)

// proc is one process of a runner's raw.txt: preempt mode, where it ran,
// and one benchmark line with value ns/op.
func proc(preempt, cpus, bench string, value int) string {
	return "preempt: " + preempt + "\nruntime: go\ncpus: " + cpus + "\ngoos: linux\npkg: p\n" +
		bench + "  1  " + strings.Repeat("1", value) + " ns/op\n"
}

func TestSplitRounds(t *testing.T) {
	header := "commit: abc\nrunid: r1\nbudget: 5m30s\n"
	// Two kinds of process (GOMAXPROCS 1 on CPU 1, GOMAXPROCS 2 on 0,1),
	// three full rounds, then a round of the noisy cells that runs only
	// the second kind: it is that kind's fourth process, an even round.
	// The values' digits count the round (1, 11, 111, 1111 ns/op).
	data := header
	for r := 1; r <= 3; r++ {
		data += proc("async", "1", "BenchmarkA", r) + proc("async", "0,1", "BenchmarkA-2", r)
	}
	data += "# concbench: a note\n" + proc("async", "0,1", "BenchmarkA-2", 4)
	odd, even, err := results.SplitRounds("raw.txt", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	rounds := func(half []byte, bench string) (got []string) {
		for line := range strings.Lines(string(half)) {
			if f := strings.Fields(line); len(f) == 4 && f[0] == bench {
				got = append(got, f[2])
			}
		}
		return got
	}
	for _, c := range []struct {
		half  []byte
		bench string
		want  string
	}{
		{odd, "BenchmarkA", "1 111"},
		{odd, "BenchmarkA-2", "1 111"},
		{even, "BenchmarkA", "11"},
		{even, "BenchmarkA-2", "11 1111"},
	} {
		if got := strings.Join(rounds(c.half, c.bench), " "); got != c.want {
			t.Errorf("%s: values %q, want %q", c.bench, got, c.want)
		}
	}
	for name, half := range map[string][]byte{"odd": odd, "even": even} {
		if !strings.HasPrefix(string(half), header+"preempt: ") {
			t.Errorf("%s half does not start with the header:\n%s", name, half)
		}
		if _, err := results.New().Add(name, half); err != nil {
			t.Errorf("%s half: %v", name, err)
		}
	}
	// The note of the noisy round stays with the process before it, an
	// odd one (the third of GOMAXPROCS=2): no line is lost or doubled.
	if n := len(odd) + len(even) - 2*len(header); n != len(data)-len(header) {
		t.Errorf("halves hold %d bytes of processes, the input %d", n, len(data)-len(header))
	}
}

func TestSplitRoundsRefuses(t *testing.T) {
	for _, c := range []struct{ name, data, want string }{
		{"go test output", "goos: linux\nBenchmarkA  1  5 ns/op\n", `raw.txt: no process of a concbench run (none starts with a "preempt:" line)`},
		{"one round", "commit: x\n" + proc("async", "1", "BenchmarkA", 1) + proc("async", "0,1", "BenchmarkA-2", 1), "raw.txt: one round only"},
	} {
		_, _, err := results.SplitRounds("raw.txt", []byte(c.data))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
