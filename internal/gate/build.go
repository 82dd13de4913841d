package gate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/concbench/concbench/internal/benchbin"
	"github.com/concbench/concbench/internal/cli"
)

// side is one of the two things compared: a test binary per package.
type side struct {
	label string
	bins  map[string]testBin // by import path
}

// testBin is one package's test binary and the directory it runs in (its
// package's, as go test runs it, so that testdata/ is found).
type testBin struct{ path, dir string }

// build makes the test binaries of the base and, unless A/A, of the head.
func (p *plan) build(ctx context.Context, stderr io.Writer) (base, head side, err error) {
	if base, err = p.buildSide(ctx, p.base, stderr); err != nil {
		return side{}, side{}, err
	}
	if p.o.AA {
		return base, base, nil // the same binaries on both sides
	}
	head, err = p.buildSide(ctx, p.head, stderr)
	return base, head, err
}

// buildSide checks r out (the working tree needs no checkout), lists the
// packages with benchmarks there and builds a test binary for each. The
// worktree stays until cleanup: the binaries run in its package
// directories.
func (p *plan) buildSide(ctx context.Context, r rev, stderr io.Writer) (side, error) {
	s := side{label: r.label, bins: map[string]testBin{}}
	top := p.repo.top
	if r.sha != "" {
		wt := filepath.Join(p.tmp, r.name)
		remove, err := p.repo.worktree(ctx, wt, r.sha)
		p.cleanups = append(p.cleanups, remove)
		if err != nil {
			return s, err
		}
		top = wt
	}
	pkgs, err := listBenchPkgs(ctx, filepath.Join(top, filepath.FromSlash(p.listDir)), p.patterns)
	if err != nil {
		return s, fmt.Errorf("%s %s: %w", r.name, r.label, err)
	}
	for i, pkg := range pkgs {
		fmt.Fprintf(stderr, "gate: building %s %s: %s\n", r.name, r.label, pkg.ImportPath)
		bin := filepath.Join(p.tmp, fmt.Sprintf("%s-%d.test", r.name, i))
		if err := benchbin.Build(ctx, pkg.Dir, ".", bin); err != nil {
			return s, fmt.Errorf("%s %s: %w", r.name, r.label, err)
		}
		s.bins[pkg.ImportPath] = testBin{bin, pkg.Dir}
	}
	return s, nil
}

// goPkg is what the gate needs of go list's description of a package.
type goPkg struct {
	ImportPath, Dir           string
	TestGoFiles, XTestGoFiles []string
	Error                     *struct{ Err string }
}

// listBenchPkgs returns the packages matched by patterns in dir that
// declare a benchmark (a func BenchmarkX(*testing.B) in a _test.go file).
// A pattern that matches no package, or a package go cannot load, is a
// usage error.
func listBenchPkgs(ctx context.Context, dir string, patterns []string) ([]goPkg, error) {
	args := append([]string{"list", "-e", "-json=ImportPath,Dir,TestGoFiles,XTestGoFiles,Error", "--"}, patterns...)
	out, err := goCmd(ctx, dir, args...)
	if err != nil {
		return nil, cli.Usagef("-pkg %s: %v", strings.Join(patterns, " "), err)
	}
	var pkgs []goPkg
	for d := json.NewDecoder(strings.NewReader(string(out))); d.More(); {
		var pkg goPkg
		if err := d.Decode(&pkg); err != nil {
			return nil, fmt.Errorf("go list in %s: %v", dir, err)
		}
		if pkg.Error != nil {
			return nil, cli.Usagef("-pkg %s: %s", strings.Join(patterns, " "), pkg.Error.Err)
		}
		if hasBenchmark(pkg) {
			pkgs = append(pkgs, pkg)
		}
	}
	if len(pkgs) == 0 {
		return nil, cli.Usagef("-pkg %s: no package with a benchmark in %s", strings.Join(patterns, " "), dir)
	}
	return pkgs, nil
}

// hasBenchmark reports whether a test file of pkg declares a function
// named Benchmark... with one parameter, as go test looks for them.
func hasBenchmark(pkg goPkg) bool {
	fset := token.NewFileSet()
	for _, name := range append(pkg.TestGoFiles, pkg.XTestGoFiles...) {
		f, err := parser.ParseFile(fset, filepath.Join(pkg.Dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			return true // go test -c will say what is wrong
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Benchmark") && fn.Type.Params.NumFields() == 1 {
				return true
			}
		}
	}
	return false
}

// goCmd runs the go command in dir and returns its standard output.
func goCmd(ctx context.Context, dir string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return out, fmt.Errorf("go %s: %v: %s", args[0], err, strings.TrimSpace(string(ee.Stderr)))
	}
	return out, err
}
