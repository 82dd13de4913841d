package gate

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/concbench/concbench/internal/checkout"
	"github.com/concbench/concbench/internal/cli"
	"github.com/concbench/concbench/internal/md"
	"github.com/concbench/concbench/internal/scratch"
)

// plan is a gate run whose every input has been checked, before anything
// is built: the options, the module and its repository, both revisions and
// the state of the working tree.
type plan struct {
	o        Options
	repo     repo
	listDir  string   // where the patterns are read, relative to a side's top ("" or "sub/dir")
	patterns []string // go package patterns, relative to listDir
	base     rev
	head     rev // == base in an A/A check
	tmp      string
	start    time.Time // for the budget
	cleanups []func()
}

// rev is a side to build: a commit, or the working tree when sha is "".
type rev struct {
	name  string // "base" or "head": the flag that named it
	sha   string
	label string // for the table: "`main` (1a2b3c4d)"
	at    string // for paths in it: "main" or "1a2b3c4d", as in git's main:sub/dir
}

// newPlan checks o, the module, the repository and the revisions. The
// defaults of Pkgs and Bench are filled in from the module's path.
func newPlan(ctx context.Context, o Options) (*plan, error) {
	if err := o.check(); err != nil {
		return nil, err
	}
	root, err := moduleRoot(o.Dir)
	if err != nil {
		return nil, err
	}
	r, err := openRepo(ctx, o.Dir)
	if err != nil {
		return nil, err
	}
	if err := r.checkModule(root); err != nil {
		return nil, err
	}
	if err := r.checkWorkspace(ctx, o.Dir); err != nil {
		return nil, err
	}
	for _, pat := range o.Pkgs {
		if err := checkPattern(root, o.Dir, pat); err != nil {
			return nil, err
		}
	}
	p := &plan{o: o, repo: r, listDir: r.prefix, patterns: o.Pkgs, start: time.Now()}
	if len(o.Pkgs) == 0 {
		if err := p.defaults(ctx, root); err != nil {
			return nil, err
		}
	}
	if p.o.Bench == "" {
		p.o.Bench = "."
	}
	if p.base, err = r.rev(ctx, "base", o.Base, o.Clean); err != nil {
		return nil, err
	}
	p.head = p.base
	if !o.AA {
		if p.head, err = r.rev(ctx, "head", o.Head, o.Clean); err != nil {
			return nil, err
		}
	}
	scratch.Sweep() // what killed gates left
	r.forgetKilled(ctx)
	tmp, err := scratch.Make(scratchName)
	if err != nil {
		return nil, err
	}
	p.tmp = tmp.Path
	p.cleanups = append(p.cleanups, tmp.Remove)
	return p, nil
}

// defaults sets the packages (and, in concbench's own module, the
// benchmarks) that a gate without -pkg measures: every package of the
// module, read from the module's root.
func (p *plan) defaults(ctx context.Context, root string) error {
	out, err := checkout.Output(ctx, root, "go", "mod", "edit", "-json")
	if err != nil {
		return cli.Usagef("%s/go.mod: %v", root, err)
	}
	var mod struct{ Module struct{ Path string } }
	if err := json.Unmarshal([]byte(out), &mod); err != nil {
		return fmt.Errorf("go mod edit -json in %s: %v", root, err)
	}
	if p.listDir, err = git(ctx, root, "rev-parse", "--show-prefix"); err != nil {
		return err
	}
	p.patterns = []string{"./..."}
	if mod.Module.Path == ModulePath {
		p.patterns = []string{SuitePkg}
		if p.o.Bench == "" {
			p.o.Bench = QuickSet
		}
	}
	return nil
}

// cleanup removes the worktrees and temporary files, last made first.
func (p *plan) cleanup() {
	for i := len(p.cleanups) - 1; i >= 0; i-- {
		p.cleanups[i]()
	}
}

// rev resolves the side named by flag: ref, or the working tree when ref
// is "" (refused when dirty under clean).
func (r repo) rev(ctx context.Context, flag, ref string, clean bool) (rev, error) {
	if ref == "" {
		label, err := r.workingTreeLabel(ctx, clean)
		return rev{name: flag, label: label}, err
	}
	sha, err := r.resolve(ctx, flag, ref)
	if err != nil {
		return rev{}, err
	}
	label, at := fmt.Sprintf("%s (%.8s)", md.Code(ref), sha), ref
	if strings.HasPrefix(sha, ref) { // given as a hash: say it once
		at = fmt.Sprintf("%.8s", sha)
		label = md.Code(at)
	}
	return rev{name: flag, sha: sha, label: label, at: at}, nil
}

// scratchName starts the names of the gate's scratch directories, after
// scratch.Prefix.
const scratchName = "gate-"

// checkModule refuses a module whose go.mod is above the repository's top
// (a stray one in $HOME, say): no revision checked out has it, and the gate
// would find no module at the base and compare nothing.
func (r repo) checkModule(root string) error {
	real, err := filepath.EvalSymlinks(root) // git's top has none
	if err != nil {
		return err
	}
	if !within(r.top, real) {
		return cli.Usagef("%s: outside the repository %s, so no revision checked out has the module: run the gate in a module whose go.mod the repository holds", filepath.Join(root, "go.mod"), r.top)
	}
	return nil
}

// checkWorkspace refuses a go.work workspace that the revisions checked out
// would not build in alike. go finds a go.work in a side's own checkout;
// one that only the working tree has (Go advises not to commit go.work)
// would build the head in the workspace and the base without it, with
// other versions of the modules the workspace replaces, and the gate would
// compare the two. A GOWORK set in the environment is one file for both
// sides, whose modules are the working tree's.
func (r repo) checkWorkspace(ctx context.Context, dir string) error {
	work, err := checkout.Output(ctx, dir, "go", "env", "GOWORK")
	if err != nil || work == "" || work == "off" {
		return err
	}
	if env := os.Getenv("GOWORK"); env != "" {
		return cli.Usagef("GOWORK=%s: base and head would both build in this one workspace, whose modules are the working tree's: unset GOWORK, so that each revision builds in the go.work it has, or set GOWORK=off", env)
	}
	if _, err := git(ctx, r.top, "ls-files", "--error-unmatch", "--", work); err != nil {
		return cli.Usagef("go.work %s: not a file of the repository, so the head would build in this workspace and the base without it: gate the module on its own with GOWORK=off, or commit go.work", work)
	}
	return nil
}

// checkPattern refuses a -pkg directory pattern that no revision can have:
// an absolute one names the working tree's directory, which is not in the
// base's checkout, and one outside the module root names no package of
// the module (go's message then named the gate's temporary directory).
func checkPattern(root, dir, pat string) error {
	if filepath.IsAbs(pat) {
		return cli.Usagef("-pkg %s: an absolute directory, which only the working tree has: write it relative to the current directory (./a/...), as each revision is checked out in a directory of its own", pat)
	}
	if pat != "." && pat != ".." && !strings.HasPrefix(pat, "./") && !strings.HasPrefix(pat, "../") {
		return nil // an import path
	}
	prefix, _, _ := strings.Cut(pat, "...")
	abs, err := filepath.Abs(filepath.Join(dir, prefix))
	if err != nil {
		return err
	}
	if !within(root, abs) {
		return cli.Usagef("-pkg %s: outside the module %s", pat, root)
	}
	return nil
}

// within reports whether path is dir or lies under it, both absolute.
func within(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// moduleRoot returns the nearest directory at or above dir with a go.mod.
func moduleRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", cli.Usagef("%s: no go.mod here or above: run the gate inside the Go module to measure", abs)
		}
	}
}
