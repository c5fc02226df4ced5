package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/yardstick-health/yardstick/internal/store"
	"github.com/yardstick-health/yardstick/internal/web"
)

func init() {
	register(&command{
		Name:    "user",
		Summary: "管理网页账号 manage web accounts (add, list, passwd, disable)",
		Usage: `用法 usage:
  yardstick user add NAME --role ROLE [--dept CODE,...] [--identity] [--display 姓名] [--db FILE]
  yardstick user list [--db FILE]
  yardstick user passwd NAME [--db FILE]
  yardstick user disable NAME [--enable] [--db FILE]

角色 roles: admin 管理员, quality 质控办, depthead 科主任 (只看 --dept 指定的科室 only the
departments given with --dept), viewer 只读 (只看汇总 aggregates only).
--identity 允许查看患者身份信息 allows unmasking patient identities (audited).
密码从标准输入读取一行；为空则随机生成并打印一次。
The password is read as one line from standard input; when empty a random one
is generated and printed once. The server must be stopped (one writer per store file).
`,
		Run: runUser,
	})
}

func runUser(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return usagef("缺少子命令 missing subcommand: add, list, passwd, disable")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "add", "list", "passwd", "disable":
	default:
		return usagef("未知子命令 unknown subcommand %q: add, list, passwd, disable", sub)
	}
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dbPath := fs.String("db", store.DefaultPath, "")
	role := fs.String("role", "", "")
	depts := fs.String("dept", "", "")
	identity := fs.Bool("identity", false, "")
	display := fs.String("display", "", "")
	enable := fs.Bool("enable", false, "")
	// Flags may follow the user name: parse name and flags in any order.
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return usagef("%v", err)
		}
		args = fs.Args()
		if len(args) > 0 {
			pos = append(pos, args[0])
			args = args[1:]
		}
	}
	needName := sub != "list"
	if needName && len(pos) != 1 {
		return usagef("需要一个用户名 need exactly one user name")
	}
	if !needName && len(pos) != 0 {
		return usagef("多余的参数 unexpected arguments: %v", pos)
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "add":
		if !store.ValidRole(*role) {
			return usagef("--role 须为 must be one of %s", strings.Join(store.Roles, ", "))
		}
		pw, gen, err := readPassword(env)
		if err != nil {
			return err
		}
		var ds []string
		for _, d := range strings.Split(*depts, ",") {
			if d = strings.TrimSpace(d); d != "" {
				ds = append(ds, d)
			}
		}
		if *role == store.RoleDeptHead && len(ds) == 0 {
			return usagef("科主任须用 --dept 指定科室 a department head needs --dept")
		}
		if _, err := db.CreateUser(ctx, store.User{Username: pos[0], DisplayName: *display, Role: *role, Depts: ds, CanViewIdentity: *identity}, pw); err != nil {
			return err
		}
		_ = db.Audit(ctx, store.AuditEntry{Username: "cli", Action: store.AuditUserChange, Target: pos[0], Detail: "created role=" + *role, OK: true})
		fmt.Fprintf(env.Stdout, "已创建 created %s (%s)\n", pos[0], *role)
		if gen {
			fmt.Fprintf(env.Stdout, "密码 password: %s  (只显示这一次 shown only once)\n", pw)
		}
	case "list":
		us, err := db.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 2, 2, ' ', 0)
		fmt.Fprintln(tw, "用户 user\t角色 role\t科室 depts\t身份 identity\t状态 status")
		for _, u := range us {
			st := "启用 active"
			if u.Disabled {
				st = "停用 disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%s\n", u.Username, u.Role, strings.Join(u.Depts, ","), u.CanViewIdentity, st)
		}
		return tw.Flush()
	case "passwd":
		u, err := db.UserByName(ctx, pos[0])
		if err != nil {
			return err
		}
		pw, gen, err := readPassword(env)
		if err != nil {
			return err
		}
		if err := db.SetPassword(ctx, u.ID, pw); err != nil {
			return err
		}
		_ = db.Audit(ctx, store.AuditEntry{Username: "cli", Action: store.AuditUserChange, Target: u.Username, Detail: "changed password", OK: true})
		fmt.Fprintf(env.Stdout, "已修改密码 password changed for %s\n", u.Username)
		if gen {
			fmt.Fprintf(env.Stdout, "密码 password: %s  (只显示这一次 shown only once)\n", pw)
		}
	case "disable":
		u, err := db.UserByName(ctx, pos[0])
		if err != nil {
			return err
		}
		dis := !*enable
		if err := db.UpdateUser(ctx, u.ID, store.UserUpdate{Disabled: &dis}); err != nil {
			return err
		}
		_ = db.Audit(ctx, store.AuditEntry{Username: "cli", Action: store.AuditUserChange, Target: u.Username, Detail: fmt.Sprintf("disabled=%v", dis), OK: true})
		fmt.Fprintf(env.Stdout, "%s: disabled=%v\n", u.Username, dis)
	default:
		return usagef("未知子命令 unknown subcommand %q: add, list, passwd, disable", sub)
	}
	return nil
}

// readPassword reads one line from stdin; an empty line (or no input)
// generates a password.
func readPassword(env *cliEnv) (pw string, generated bool, err error) {
	if f, ok := env.Stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			fmt.Fprint(env.Stderr, "密码 password (回车随机生成 empty = random): ")
		}
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", false, fmt.Errorf("read password: %w", err)
	}
	pw = strings.TrimRight(line, "\r\n")
	if pw == "" {
		return web.RandomPassword(), true, nil
	}
	return pw, false, nil
}
