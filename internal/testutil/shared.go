// Package testutil holds helpers shared by tests. It is never imported by
// product code.
package testutil

import (
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// RepoRoot returns the module root (the directory holding go.mod).
func RepoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate testutil source file")
	}
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// SharedDir returns the path of the reference folder ../shared beside the
// project checkout (or $YARDSTICK_SHARED). When it is absent the test is
// skipped with a message that says how to enable it, unless
// YARDSTICK_REQUIRE_SHARED=1 (set by .ci/run), which turns the skip into a
// failure so CI can never pass by silently skipping.
func SharedDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("YARDSTICK_SHARED")
	if dir == "" {
		dir = filepath.Join(RepoRoot(t), "..", "shared")
	}
	if _, err := os.Stat(filepath.Join(dir, "reference")); err != nil {
		msg := "reference data not found at " + dir + ": put the shared/ folder beside the checkout or set YARDSTICK_SHARED=/path/to/shared"
		if os.Getenv("YARDSTICK_REQUIRE_SHARED") == "1" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return dir
}

// CHSDRG11 returns the path of the national CHS-DRG 1.1 reference tables.
func CHSDRG11(t testing.TB) string {
	return filepath.Join(SharedDir(t), "reference", "chs-drg-1.1")
}

// Standards returns the path of the national standards reference tables.
func Standards(t testing.TB) string {
	return filepath.Join(SharedDir(t), "reference", "standards")
}

// CPUTime is the CPU time of the process so far (user + system, every
// thread, DuckDB's included). Benchmarks report CPU per item besides wall
// time because the machine is shared: wall time depends on the neighbours,
// CPU time much less.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
