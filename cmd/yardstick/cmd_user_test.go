package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-health/yardstick/internal/store"
	"github.com/yardstick-health/yardstick/internal/web"
	"golang.org/x/crypto/bcrypt"
)

// runCLIIn runs the CLI with the given standard input.
func runCLIIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), &cliEnv{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

func TestUserCommand(t *testing.T) {
	store.BcryptCost = bcrypt.MinCost
	db := filepath.Join(t.TempDir(), "u.duckdb")
	steps := []struct {
		stdin string
		args  []string
		code  int
		want  string // in stdout (or stderr for failures)
	}{
		{"secret-pass-1\n", []string{"user", "add", "wang", "--role", "quality", "--db", db}, 0, "created wang"},
		{"", []string{"user", "add", "li", "--role", "depthead", "--dept", "0301,0302", "--identity", "--db", db}, 0, "shown only once"},
		{"", []string{"user", "add", "zhao", "--role", "depthead", "--db", db}, 2, "--dept"},
		{"", []string{"user", "add", "x", "--role", "king", "--db", db}, 2, "--role"},
		{"secret-pass-1\n", []string{"user", "add", "wang", "--role", "viewer", "--db", db}, 2, "already exists"},
		{"short\n", []string{"user", "add", "sun", "--role", "viewer", "--db", db}, 2, "8"},
		{"", []string{"user", "list", "--db", db}, 0, "0301,0302"},
		{"new-secret-22\n", []string{"user", "passwd", "wang", "--db", db}, 0, "password changed"},
		{"", []string{"user", "disable", "li", "--db", db}, 0, "disabled=true"},
		{"", []string{"user", "passwd", "nobody", "--db", db}, 2, "no such user"},
		{"", []string{"user", "frobnicate", "--db", db}, 2, "unknown subcommand"},
	}
	for _, s := range steps {
		code, out, errs := runCLIIn(t, s.stdin, s.args...)
		got := out
		if s.code != 0 {
			got = errs
		}
		if code != s.code || !strings.Contains(got, s.want) {
			t.Errorf("%v: exit %d, out %q err %q; want exit %d and %q", s.args, code, out, errs, s.code, s.want)
		}
	}
	// The stored state: wang's new password works, li is disabled with an
	// identity grant, and no password is ever printed for wang.
	d, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	wang, err := d.UserByName(context.Background(), "wang")
	if err != nil || !wang.CheckPassword("new-secret-22") || wang.Role != store.RoleQuality {
		t.Errorf("wang: %+v, %v", wang, err)
	}
	li, err := d.UserByName(context.Background(), "li")
	if err != nil || !li.Disabled || !li.CanViewIdentity || strings.Join(li.Depts, ",") != "0301,0302" {
		t.Errorf("li: %+v, %v", li, err)
	}
}

func TestServeCreatesAdminAndShutsDown(t *testing.T) {
	store.BcryptCost = bcrypt.MinCost
	t.Setenv("YARDSTICK_ADMIN_PASSWORD", "")
	dbPath := filepath.Join(t.TempDir(), "s.duckdb")
	d, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out bytes.Buffer
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- ServeStore(ctx, &cliEnv{Stdin: strings.NewReader(""), Stdout: &out, Stderr: io.Discard}, d,
			web.Config{Addr: "127.0.0.1:0", Ready: func(a string) { addrc <- a }})
	}()
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatalf("serve ended early: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start")
	}
	// The generated admin password is printed once and works.
	m := regexp.MustCompile(`password (\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no admin password printed: %q", out.String())
	}
	res, err := http.Post("http://"+addr+"/api/v1/auth/login", "application/json", strings.NewReader(`{"username":"admin","password":"`+m[1]+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("admin login with the printed password: %d", res.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("shutdown: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no graceful shutdown")
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("still listening after shutdown")
	}
	// A second start does not create or print another admin.
	if created, err := web.EnsureAdmin(context.Background(), d, &out); err != nil || created {
		t.Errorf("EnsureAdmin on a store with users: created=%v err=%v", created, err)
	}
}
