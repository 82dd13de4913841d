// Package benchbintest writes throwaway Go modules with benchmarks for the
// tests of packages that build and run bench binaries (benchbin, runner,
// cmd/concbench), so those tests do not depend on the real suite's size or
// health. Like net/http/httptest, it exists for tests only.
package benchbintest

import (
	"os"
	"path/filepath"
	"testing"
)

// Module writes a module "tiny" into a new temporary directory with one test
// file in package b (./b) holding benchmarks (Go source after the imports: os,
// runtime, strings, testing and time are imported) and returns the directory.
func Module(t testing.TB, benchmarks string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod": "module tiny\n\ngo 1.25\n",
		"b/b_test.go": "package b\n\nimport (\n\t\"os\"\n\t\"runtime\"\n\t\"strings\"\n\t\"testing\"\n\t\"time\"\n)\n\n" +
			"var _, _, _, _ = os.Getenv, runtime.GOMAXPROCS, strings.Contains, time.Sleep\n\n" + benchmarks,
	}
	Files(t, dir, files)
	return dir
}

// Files writes files, each a path below dir and its content, making the
// directories they need.
func Files(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
