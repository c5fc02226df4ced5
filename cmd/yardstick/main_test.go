package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

// runCLI runs the CLI in-process and returns exit code, stdout and stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), &cliEnv{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestHelpListsCommands(t *testing.T) {
	code, out, _ := runCLI(t, "help")
	if code != 0 {
		t.Fatalf("help exit %d", code)
	}
	for name := range commands {
		if !strings.Contains(out, name) {
			t.Errorf("help does not list %q", name)
		}
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for name, c := range commands {
		code, out, _ := runCLI(t, name, "--help")
		if code != 0 || strings.TrimSpace(out) == "" || out != c.Usage {
			t.Errorf("%s --help: exit %d, output %q", name, code, out)
		}
	}
}

func TestUnknownCommandExit2(t *testing.T) {
	code, _, errs := runCLI(t, "no-such-command")
	if code != 2 || !strings.Contains(errs, "unknown command") {
		t.Fatalf("exit %d stderr %q", code, errs)
	}
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{dataErrorf("3 bad rows"), 1},
		{usagef("missing file"), 2},
		{errors.New("disk full"), 2},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}
