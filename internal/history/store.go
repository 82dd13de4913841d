// Package history keeps benchmark runs over commits without a server: a
// directory with one file per run, each in the Go benchmark format with
// what the run was measured at written as config lines (see [Meta]), like
// the Go performance dashboard's results per commit, kept in git instead
// of a database.
//
// [Append] adds a run atomically and never replaces a file; [Read] reads
// every run, refusing a file that is not a history run with the file and
// line, and never writes. Benchmark files are read through
// internal/results, the one reader of the format.
package history

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/concbench/concbench/internal/flock"
	"github.com/concbench/concbench/internal/outdir"
	"github.com/concbench/concbench/internal/results"
)

// DefaultDir is where concbench keeps its history, relative to the module.
const DefaultDir = "results/history"

// The config keys a history run carries, besides the module versions.
const (
	KeyCommit     = "commit"      // the full commit hash
	KeyCommitTime = "commit-time" // the committer date, RFC 3339
	KeyGo         = "go"          // the toolchain, as go env GOVERSION says
	KeyMachine    = "machine"     // a description of the machine, never its hostname
	KeyDate       = "date"        // when the run was measured, RFC 3339
)

// Modules are the dependencies whose versions a run records, each as a
// config line keyed by its module path ("golang.org/x/sync: v0.22.0").
var Modules = []string{"golang.org/x/sync", "github.com/sourcegraph/conc"}

// Meta is what a run was measured at.
type Meta struct {
	Commit     string
	CommitTime time.Time
	Go         string
	Modules    map[string]string // module path -> version, for each of [Modules]
	Machine    string
	Date       time.Time
}

// config returns m as config key, value pairs in the order they are written.
func (m Meta) config() [][2]string {
	kv := [][2]string{
		{KeyCommit, m.Commit},
		{KeyCommitTime, m.CommitTime.UTC().Format(time.RFC3339)},
		{KeyGo, m.Go},
	}
	for _, mod := range Modules {
		kv = append(kv, [2]string{mod, m.Modules[mod]})
	}
	return append(kv, [2]string{KeyMachine, m.Machine}, [2]string{KeyDate, m.Date.UTC().Format(time.RFC3339)})
}

// RunStart returns when a run of concbench run started, from its runid:
// config line ("20261129T103109Z-29d8050"), and false for output without
// one (plain go test -bench output), whose date is then the add's.
func RunStart(s *results.Set) (time.Time, bool) {
	for _, id := range s.Config("runid") {
		if len(id) >= 16 {
			if t, err := time.Parse("20060102T150405Z", id[:16]); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// Get returns the value of a config key of m: a [Meta] key or a module path.
func (m Meta) Get(key string) string {
	for _, kv := range m.config() {
		if kv[0] == key {
			return kv[1]
		}
	}
	return ""
}

func (m Meta) check() error {
	for _, kv := range m.config() {
		if kv[1] == "" || strings.ContainsAny(kv[1], "\r\n") {
			return fmt.Errorf("history: %s %q: want a one-line value", kv[0], kv[1])
		}
	}
	if m.CommitTime.IsZero() || m.Date.IsZero() {
		return errors.New("history: commit time and date are required")
	}
	return nil
}

// FileName is the name Append gives a run: commit time, short commit and
// measurement date, so that names sort as [Read] orders runs.
func (m Meta) FileName() string {
	short := m.Commit[:min(12, len(m.Commit))]
	return m.CommitTime.UTC().Format("20060102T150405Z") + "-" + short + "-" + m.Date.UTC().Format("20060102T150405Z") + ".txt"
}

// Append writes a run of benchmark output data, named name in errors, to
// dir as a new file with m's config lines before it, and returns its path.
// It refuses data that does not parse or holds no benchmark, data whose own
// "commit:" or "go:" config lines disagree with m (a short commit matches a
// full one; a -dirty commit never matches), and a run the history holds
// already. The checks against the history and the write hold a lock on
// dir (flock(2), where there is one), so two Appends of one run at once
// store it once. The file appears all at once (a temporary file linked
// into place), so a reader never sees half a run; nothing existing is
// changed.
func Append(dir, name string, data []byte, m Meta) (string, error) {
	if err := m.check(); err != nil {
		return "", err
	}
	if err := agrees(name, data, m); err != nil {
		return "", err
	}
	var b strings.Builder
	for _, kv := range m.config() {
		fmt.Fprintf(&b, "%s: %s\n", kv[0], kv[1])
	}
	b.Write(data)
	if !strings.HasSuffix(b.String(), "\n") {
		b.WriteByte('\n')
	}
	final := filepath.Join(dir, m.FileName())
	if _, err := readRun(final, []byte(b.String())); err != nil {
		return "", err
	}
	body := string(data)
	if !strings.HasSuffix(body, "\n") {
		body += "\n"
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	// The checks against the history and the write are one step: two
	// Appends of one run at the same moment would both find it absent.
	unlock, held, err := lock(dir)
	if err != nil {
		return "", err
	}
	defer unlock.Close()
	if held {
		// An Append killed while writing left its temporary file: a
		// reader skips it, but the history workflow's git add would
		// commit it. Every Append writes its own holding this lock.
		outdir.RemoveTemps(dir)
	}
	if err := notIn(dir, name, body); err != nil {
		return "", err
	}
	// The run must read with the others, not only alone: a unit that mixes
	// with theirs would make every later read of the history fail.
	if h, err := Read(dir); err == nil {
		if _, err := h.all.Add(final, []byte(b.String())); err != nil {
			return "", fmt.Errorf("%s does not read with the history in %s: %w", name, dir, err)
		}
	}
	testHookWrite()
	// Two runs of one commit added in the same second get one name: the
	// later one takes the next free -N.
	for k := 2; ; k++ {
		err := outdir.WriteFile(final, []byte(b.String()))
		if !errors.Is(err, fs.ErrExist) || k > 1000 {
			return final, err
		}
		final = filepath.Join(dir, strings.TrimSuffix(m.FileName(), ".txt")+fmt.Sprintf("-%d.txt", k))
	}
}

// notIn returns an error if a run of the history in dir ends with body (a
// run's results as Append stores them, after its config lines): the same
// run added twice would count as two.
func notIn(dir, name, body string) error {
	paths, _ := filepath.Glob(filepath.Join(dir, "[^.]*.txt"))
	for _, p := range paths {
		if old, err := os.ReadFile(p); err == nil && strings.HasSuffix(string(old), body) {
			return fmt.Errorf("%s: already in the history, as %s", name, p)
		}
	}
	return nil
}

// agrees checks that data parses, holds results, and that its own commit
// and go config, if any, are m's.
func agrees(name string, data []byte, m Meta) error {
	s := results.New()
	n, err := s.Add(name, data)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%s: no benchmark results", name)
	}
	for _, c := range s.Config(KeyCommit) {
		if c == "" || strings.HasSuffix(c, "-dirty") || !strings.HasPrefix(m.Commit, c) {
			return fmt.Errorf("%s: measured at commit %q, not %s", name, c, m.Commit)
		}
	}
	for _, g := range s.Config(KeyGo) {
		if g != m.Go {
			return fmt.Errorf("%s: measured with go %q, not %s", name, g, m.Go)
		}
	}
	return nil
}

// lock takes the lock on the history in dir: flock on the directory
// itself, no lock file to commit with the history. Where there is no
// flock, two Appends of one run at the same moment may both store it;
// held is false there.
func lock(dir string) (unlock io.Closer, held bool, err error) {
	f, err := flock.Lock(dir, false)
	if f == nil && err == nil {
		testHookLockWait() // held by another Append
		f, err = flock.Lock(dir, true)
	}
	if errors.Is(err, errors.ErrUnsupported) {
		return io.NopCloser(nil), false, nil
	}
	return f, err == nil, err
}

// testHookWrite runs in Append, holding the lock, after the checks and
// before the write; testHookLockWait runs when lock finds the lock held
// elsewhere. Tests use them to run a second Append in between.
var testHookWrite, testHookLockWait = func() {}, func() {}
