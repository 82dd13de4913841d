package gate

import (
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/concbench/concbench/internal/benchbin"
	"github.com/concbench/concbench/internal/checkout"
	"github.com/concbench/concbench/internal/cli"
)

// side is one of the two things compared: a test binary per package.
type side struct {
	label string
	bins  map[string]testBin // by import path; none when the side has no benchmark
	wt    string             // its temporary worktree, "" for the working tree
	at    string             // names wt in messages (see hide)
}

// testBin is one package's test binary and the directory it runs in (its
// package's, as go test runs it, so that testdata/ is found).
type testBin struct{ path, dir string }

// listed is a side checked out, with its packages that declare a benchmark.
type listed struct {
	side
	name string // "base" or "head"
	pkgs []goPkg
}

// build lists the packages with benchmarks at the base and the head, and
// then makes their test binaries (once in an A/A check). One side without
// any (the change adds the module's first benchmark, or the module itself,
// or removes them) is not an error: its benchmarks are reported as at one
// side only. Both without any is a usage error, found before anything is
// built.
func (p *plan) build(ctx context.Context, stderr io.Writer) (base, head side, err error) {
	bl, err := p.list(ctx, p.base)
	if err != nil {
		return side{}, side{}, err
	}
	hl := bl
	if !p.o.AA {
		if hl, err = p.list(ctx, p.head); err != nil {
			return side{}, side{}, err
		}
	}
	if len(bl.pkgs) == 0 && len(hl.pkgs) == 0 {
		what := "base " + bl.label
		if !p.o.AA {
			what += " or head " + hl.label
		}
		return side{}, side{}, cli.Usagef("-pkg %s: no package with a benchmark at %s", strings.Join(p.patterns, " "), what)
	}
	for _, l := range []listed{bl, hl} {
		if len(l.pkgs) == 0 {
			fmt.Fprintf(stderr, "gate: %s %s: no package with a benchmark; the other side's benchmarks are not compared\n", l.name, l.label)
		}
	}
	if base, err = p.buildSide(ctx, bl, stderr); err != nil || p.o.AA {
		return base, base, err // in an A/A check, the same binaries on both sides
	}
	head, err = p.buildSide(ctx, hl, stderr)
	return base, head, err
}

// list checks r out (the working tree needs no checkout) and lists the
// packages with benchmarks there. The worktree stays until cleanup: the
// binaries run in its package directories. A commit without the module
// (no go.mod in the directory of the patterns or above it) has no packages.
func (p *plan) list(ctx context.Context, r rev) (listed, error) {
	l := listed{side: side{label: r.label, bins: map[string]testBin{}}, name: r.name}
	top := p.repo.top
	if r.sha != "" {
		l.wt, l.at = filepath.Join(p.tmp, r.name), r.at
		remove, err := p.repo.worktree(ctx, l.wt, r.sha)
		p.cleanups = append(p.cleanups, remove)
		if err != nil {
			return l, l.hide(err, r.name)
		}
		top = l.wt
	}
	dir := filepath.Join(top, filepath.FromSlash(p.listDir))
	if l.wt != "" && (!isDir(dir) || !hasModule(top, dir)) {
		// The module is new at the other side, or the directory is: a
		// module added in a subdirectory of another module has the other
		// module's go.mod above its missing directory.
		return l, nil
	}
	pkgs, err := listBenchPkgs(ctx, dir, p.patterns)
	l.pkgs = pkgs
	return l, l.hide(err, r.name)
}

// hasModule reports whether a go.mod is in dir or in a directory above it,
// up to top. The directory need not exist.
func hasModule(top, dir string) bool {
	root, err := moduleRoot(dir)
	return err == nil && within(top, root)
}

// buildSide builds a test binary for each package of l.
func (p *plan) buildSide(ctx context.Context, l listed, stderr io.Writer) (side, error) {
	for i, pkg := range l.pkgs {
		fmt.Fprintf(stderr, "gate: building %s %s: %s\n", l.name, l.label, pkg.ImportPath)
		bin := filepath.Join(p.tmp, fmt.Sprintf("%s-%d.test", l.name, i))
		if err := benchbin.Build(ctx, pkg.Dir, ".", bin); err != nil {
			return l.side, l.hide(err, l.name)
		}
		l.bins[pkg.ImportPath] = testBin{bin, pkg.Dir}
	}
	return l.side, nil
}

// hide prefixes err with the side (name and label) and writes the paths in
// the side's temporary worktree as git names a file at a revision
// (HEAD~1:sub/dir/x_test.go): the worktree is gone by the time anyone
// reads the message. The kind of err (usage, finding) is kept.
func (s side) hide(err error, name string) error {
	if err == nil {
		return nil
	}
	err = fmt.Errorf("%s %s: %w", name, s.label, err)
	if s.wt == "" || !strings.Contains(err.Error(), s.wt) {
		return err
	}
	msg := strings.ReplaceAll(err.Error(), s.wt+string(filepath.Separator), s.at+":")
	return hidden{strings.ReplaceAll(msg, s.wt, s.at+":"), err}
}

// hidden is an error with another message.
type hidden struct {
	msg string
	err error
}

func (h hidden) Error() string { return h.msg }
func (h hidden) Unwrap() error { return h.err }

// goPkg is what the gate needs of go list's description of a package.
type goPkg struct {
	ImportPath, Dir           string
	TestGoFiles, XTestGoFiles []string
	Error                     *struct{ Err string }
}

// listBenchPkgs returns the packages matched by patterns in dir that
// declare a benchmark (a func BenchmarkX(*testing.B) in a _test.go file),
// maybe none. A package go cannot load (a pattern naming a directory that
// does not exist, say) is a usage error.
func listBenchPkgs(ctx context.Context, dir string, patterns []string) ([]goPkg, error) {
	args := append([]string{"list", "-e", "-json=ImportPath,Dir,TestGoFiles,XTestGoFiles,Error", "--"}, patterns...)
	out, err := checkout.Output(ctx, dir, "go", args...)
	if err != nil {
		return nil, cli.Usagef("-pkg %s: %v", strings.Join(patterns, " "), err)
	}
	var pkgs []goPkg
	for d := json.NewDecoder(strings.NewReader(out)); d.More(); {
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

// isDir reports whether dir is a directory.
func isDir(dir string) bool {
	fi, err := os.Stat(dir)
	return err == nil && fi.IsDir()
}
