package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLockHolderProcess is not a test: TestOpenLockedByOtherProcess runs
// the test binary with this test selected to hold the store open in
// another process (DuckDB's lock is per process).
func TestLockHolderProcess(t *testing.T) {
	path := os.Getenv("YARDSTICK_TEST_HOLD_LOCK")
	if path == "" {
		t.Skip("helper process for TestOpenLockedByOtherProcess")
	}
	db, err := Open(context.Background(), path)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println("locked")
	io.Copy(io.Discard, os.Stdin) // hold until the parent closes stdin
	db.Close()
}

func TestOpenLockedByOtherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locked.duckdb")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHolderProcess$", "-test.v")
	cmd.Env = append(os.Environ(), "YARDSTICK_TEST_HOLD_LOCK="+path)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		stdin.Close()
		cmd.Wait()
	}()
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if line == "locked" {
			break
		}
		if strings.HasPrefix(line, "error:") {
			t.Fatal(line)
		}
	}
	go io.Copy(io.Discard, stdout)
	db, err := Open(context.Background(), path)
	if err == nil {
		db.Close()
		t.Fatal("opened a store another process holds")
	}
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %v; want ErrLocked naming the file", err)
	}
}
