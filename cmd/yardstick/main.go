// Command yardstick is the single binary of the Yardstick hospital performance
// and quality platform: CLI and web server.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one CLI verb. Each verb lives in its own cmd_<name>.go file and
// registers itself from init(), so features can be added without editing main.
type command struct {
	Name    string // e.g. "import" or "group"
	Summary string // one line, Chinese first then English
	Usage   string // full help text printed by --help
	Run     func(ctx context.Context, env *cliEnv, args []string) error
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.Name]; dup {
		panic("duplicate command " + c.Name)
	}
	commands[c.Name] = c
}

// cliEnv carries the process streams so commands are testable in-process.
type cliEnv struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// usageError marks a wrong invocation (exit code 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

// dataError marks a run that completed but reported bad input rows (exit code 1).
type dataError struct{ msg string }

func (e *dataError) Error() string { return e.msg }

func dataErrorf(format string, a ...any) error { return &dataError{fmt.Sprintf(format, a...)} }

// exitCode maps an error to the documented exit codes: 0 ok, 1 data errors
// reported, 2 usage or system error.
func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var de *dataError
	if errors.As(err, &de) {
		return 1
	}
	return 2
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &cliEnv{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	os.Exit(run(ctx, env, os.Args[1:]))
}

func run(ctx context.Context, env *cliEnv, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				fmt.Fprint(env.Stdout, c.Usage)
				return 0
			}
		}
		printHelp(env.Stdout)
		return 0
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(env.Stdout, "yardstick", version)
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "yardstick: 未知命令 unknown command %q; 运行 run 'yardstick help'\n", args[0])
		return 2
	}
	for _, a := range args[1:] {
		if a == "-h" || a == "--help" || a == "-help" {
			fmt.Fprint(env.Stdout, c.Usage)
			return 0
		}
	}
	err := c.Run(ctx, env, args[1:])
	if err != nil {
		fmt.Fprintf(env.Stderr, "yardstick %s: %v\n", c.Name, err)
	}
	return exitCode(err)
}

var version = "dev"

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "yardstick — 医院绩效与质量平台 hospital performance and quality platform")
	fmt.Fprintln(w, "\n用法 usage: yardstick <command> [flags]\n\n命令 commands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].Summary)
	}
	fmt.Fprintln(w, "\n"+strings.TrimSpace(`
每个命令都支持 --help。Every command accepts --help.
退出码 exit codes: 0 成功 ok, 1 数据有错误行 data errors reported, 2 用法或系统错误 usage/system error.`))
}
