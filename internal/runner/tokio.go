package runner

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/concbench/concbench/internal/childproc"
)

// The tokio half of a run (Config.Tokio): the crate in xruntime/tokio
// builds a binary that takes the Go test binary's benchmark flags and prints
// the same benchmarks in the same format, with impl=tokio... and a
// "runtime: tokio" config line. The runner runs it as one more process in
// every cell of the matrix, right after the Go process, so the two share
// each round's machine; it labels every process's output "runtime: go" or
// "runtime: tokio", so that `benchstat -col runtime` puts them side by side.
// The tokio process ignores GODEBUG: its results under "preempt: off" are
// more samples of the same runtime, there so that each preempt table has
// both runtimes.

// DefaultTokio is the tokio crate's directory in this module.
const DefaultTokio = "xruntime/tokio"

// tokioHogs are the endless hogs the tokio binary knows (its
// starvation::HOGS): Go's leafcall has no Rust counterpart, budget no Go one.
var tokioHogs = []string{"tight", "call", "yield", "budget"}

// proc is one process of a cell: which runtime, which binary, which
// environment.
type proc struct {
	runtime string
	bin     string
	env     []string
}

// procs returns the processes of cell cl: Go's, then tokio's if it runs.
func procs(goBin, tokioBin string, cl cell) []proc {
	ps := []proc{{"go", goBin, []string{modes[cl.preempt]}}}
	if tokioBin != "" {
		ps = append(ps, proc{"tokio", tokioBin, nil})
	}
	return ps
}

// tokioBinary returns the tokio bench binary for the run, or "" and why
// the run is Go only. c.Tokio is the crate's directory, built with cargo
// offline (from the Debian-packaged crates its .cargo/config.toml names)
// into its own target/ and copied to binDir, or a binary to run as it is.
func (c *Config) tokioBinary(ctx context.Context, binDir string) (bin, skipped string) {
	fi, err := os.Stat(c.Tokio)
	switch {
	case err != nil:
		return "", err.Error()
	case fi.Mode().IsRegular():
		return c.Tokio, ""
	}
	cargo, err := exec.LookPath("cargo")
	if err != nil {
		return "", "cargo not found (install Rust's cargo and `apt-get install --no-install-recommends " + DebianCrates + "`)"
	}
	c.progressf("building %s (cargo build --release --offline)\n", c.Tokio)
	manifest, err := filepath.Abs(filepath.Join(c.Tokio, "Cargo.toml"))
	if err != nil {
		return "", err.Error()
	}
	cmd := childproc.Command(ctx, cargo, "build", "--release", "--offline", "--quiet", "-j", "2", "--manifest-path", manifest)
	cmd.Dir = c.Tokio // where cargo finds .cargo/config.toml
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := childproc.Run(cmd); err != nil {
		why := fmt.Sprintf("cargo build in %s: %v: %s", c.Tokio, err, firstError(out.String()))
		if missingCrate(out.String()) {
			why += " (the crates come from Debian's packages: `apt-get install --no-install-recommends " + DebianCrates + "`)"
		}
		return "", why
	}
	bin = filepath.Join(binDir, "concbench-tokio")
	data, err := os.ReadFile(filepath.Join(c.Tokio, "target", "release", "concbench-tokio"))
	if err == nil {
		err = os.WriteFile(bin, data, 0o755)
	}
	if err != nil {
		return "", err.Error()
	}
	return bin, ""
}

// DebianCrates are the Debian packages of the crates xruntime/tokio builds
// from, offline: its dependencies' and the optional ones their default
// features use (regex's aho-corasick and memchr, which apt-get's
// --no-install-recommends leaves out).
const DebianCrates = "librust-tokio-dev librust-futures-dev librust-regex-dev librust-aho-corasick-dev librust-memchr-dev librust-libc-dev"

// missingCrate reports whether cargo's output says a crate is not in the
// directory of Debian's crates.
func missingCrate(out string) bool {
	return strings.Contains(out, "no matching package named") || strings.Contains(out, "failed to get `")
}

// firstError returns the first line of cargo's output that says what went
// wrong (the Debian crates missing: "no matching package named `tokio`").
func firstError(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "error") {
			return strings.TrimSpace(l)
		}
	}
	return strings.TrimSpace(out)
}
