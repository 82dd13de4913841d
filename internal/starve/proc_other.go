//go:build !unix

package starve

// limitCPU does nothing where there is no RLIMIT_CPU backstop; the parent's
// kill is the only bound.
func limitCPU(seconds int) error { return nil }
