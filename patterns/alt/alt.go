// Package alt describes the alternative implementations of a concbench
// pattern, the ones the contract tests and benchmarks set beside the
// project's own: one [Meta] shape for every pattern's table, which the
// report reads.
package alt

// PanicMode says what an implementation does when a task panics.
type PanicMode string

const (
	// Repanic: the other tasks are cancelled (where they have a context) and
	// waited for, then the caller panics.
	Repanic PanicMode = "repanic"
	// Crash: the panic ends the process, as any unrecovered panic in a
	// goroutine does; the caller cannot recover it.
	Crash PanicMode = "crash"
	// Caller: the task runs on the caller's goroutine, so the panic unwinds
	// the caller at once and the later tasks never run.
	Caller PanicMode = "caller"
)

// Meta is what every implementation in a pattern's table declares beside
// its function(s).
type Meta struct {
	Name   string // the impl= key of its benchmarks
	Panics PanicMode
	// Deviations maps a clause of the pattern's contract (a contract test
	// case name) to how this implementation departs from it. The contract
	// tests check that each one really does.
	Deviations map[string]string
}

// Describe returns m; a table row that embeds a Meta has it, so code that
// reads any pattern's table (the report) needs no adapter per pattern.
func (m Meta) Describe() Meta { return m }

// Describer is a table row that embeds a [Meta].
type Describer interface{ Describe() Meta }

// Of returns the Meta of every row of table, in order.
func Of[T Describer](table []T) []Meta {
	out := make([]Meta, len(table))
	for i, row := range table {
		out[i] = row.Describe()
	}
	return out
}
