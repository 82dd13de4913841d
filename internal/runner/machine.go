package runner

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	"github.com/concbench/concbench/internal/checkout"
)

// info is what raw.txt says about where and from what it was measured.
type info struct {
	commit    string // short commit, "-dirty" if the build differs from it; "unknown" without git
	goVersion string // the toolchain that builds the bench binary
	machine   string // OS, kernel, memory; never the hostname
}

func describe(ctx context.Context, dir string) info {
	in := info{commit: "unknown", goVersion: runtime.Version()}
	if out, err := checkout.Output(ctx, dir, "git", "rev-parse", "--short", "HEAD"); err == nil && out != "" {
		in.commit = out
		if differ, err := checkout.GoFilesDiffer(ctx, dir); err != nil || differ {
			in.commit += "-dirty"
		}
	}
	if out, err := checkout.Output(ctx, dir, "go", "env", "GOVERSION"); err == nil && out != "" {
		in.goVersion = out
	}
	in.machine = machine()
	return in
}

// machine describes the machine in one line from what the OS tells any
// user: its name and version, the kernel release, the memory. Parts that
// cannot be read are left out. The hostname is never included.
func machine() string {
	parts := []string{runtime.GOOS + "/" + runtime.GOARCH}
	if v := osRelease(); v != "" {
		parts = append(parts, v)
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		parts = append(parts, "kernel "+strings.TrimSpace(string(b)))
	}
	if m := memTotal(); m != "" {
		parts = append(parts, m+" RAM")
	}
	return strings.Join(parts, ", ")
}

func osRelease() string {
	return strings.Trim(lineValue("/etc/os-release", "PRETTY_NAME="), `"`)
}

func memTotal() string {
	v := lineValue("/proc/meminfo", "MemTotal:")
	kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%.1f GiB", kb/(1<<20))
}

// lineValue returns the rest of the first line of a file that starts with
// prefix, or "" if there is none or the file cannot be read.
func lineValue(path, prefix string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), prefix); ok {
			return v
		}
	}
	return ""
}
