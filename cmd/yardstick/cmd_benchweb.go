package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/yardstick-health/yardstick/internal/store"
	"github.com/yardstick-health/yardstick/internal/web"
)

// benchWebUsage is the `yardstick bench web` part of the bench help.
const benchWebUsage = `  yardstick bench web [--db yardstick-demo/yardstick.duckdb] [--users 50] [--duration 20s] [--think 0s]

把数据库复制到临时目录，在 127.0.0.1 的随机端口上启动网页服务，创建测试账号
（质控办、科主任、只读按 8:1:1），每个用户登录一次后反复浏览主要页面（页面与资源、
总览、指标库、指标明细与病例下钻、科室、DRG、质控、病例详情），报告 p50/p95/p99 与错误数。
Copies the store to a temp directory, serves it on a random loopback port,
creates test accounts (quality office, department heads and viewers 8:1:1),
logs each user in once and then replays the main pages (page and assets,
overview, registry, indicator and drill-down, departments, DRG, quality,
stay detail) until the duration is over; reports p50/p95/p99 and errors.
Make the demo store first with: yardstick demo --no-serve

参数 flags:
  --db FILE        数据库（只读取其副本）store to copy (default yardstick-demo/yardstick.duckdb)
  --users N        并发用户 concurrent users (default 50)
  --duration D     时长 duration (default 20s)
  --think D        每次打开页面之间的停顿 pause between page views (default 0: back to back)
  -v               按请求路径列出 per-path figures
`

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func runBenchWeb(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("bench web", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dbPath := fs.String("db", filepath.Join("yardstick-demo", "yardstick.duckdb"), "")
	users := fs.Int("users", 50, "")
	dur := fs.Duration("duration", 20*time.Second, "")
	think := fs.Duration("think", 0, "")
	verbose := fs.Bool("v", false, "")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("%v", err)
	}
	if len(rest) > 0 || *users < 1 || *dur <= 0 || *dur > 10*time.Minute {
		return usagef("用法 usage: yardstick bench web [--db FILE] [--users N≥1] [--duration D≤10m] [--think D]")
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return usagef("找不到数据库 store not found: %s (先运行 run first: yardstick demo --no-serve)", *dbPath)
	}
	tmp, err := os.MkdirTemp("", "yardstick-benchweb-")
	if err != nil {
		return fmt.Errorf("temp dir: %w", err)
	}
	defer os.RemoveAll(tmp)
	copyPath := filepath.Join(tmp, "bench.duckdb")
	if err := copyFile(copyPath, *dbPath); err != nil {
		return fmt.Errorf("复制数据库 copy store: %w", err)
	}
	if _, err := os.Stat(*dbPath + ".wal"); err == nil {
		if err := copyFile(copyPath+".wal", *dbPath+".wal"); err != nil {
			return fmt.Errorf("复制数据库 copy store: %w", err)
		}
	}
	db, err := store.Open(ctx, copyPath)
	if err != nil {
		return err
	}
	defer db.Close()
	var year int
	var dept string
	var stay int64
	if err := db.SQL().QueryRowContext(ctx, `SELECT year(max(dis_time)) FROM stays`).Scan(&year); err != nil {
		return fmt.Errorf("空数据库 empty store? %w", err)
	}
	if err := db.SQL().QueryRowContext(ctx, `SELECT dis_dept, min(stay_id) FROM stays WHERE year(dis_time) = ? GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`, year).Scan(&dept, &stay); err != nil {
		return fmt.Errorf("pick a department: %w", err)
	}
	pw := web.RandomPassword()
	var lus []web.LoadUser
	for i := 0; i < *users; i++ {
		u := store.User{Username: fmt.Sprintf("bench%03d", i), Role: store.RoleQuality}
		switch i % 10 {
		case 8:
			u.Role, u.Depts = store.RoleDeptHead, []string{dept}
		case 9:
			u.Role = store.RoleViewer
		}
		if _, err := db.CreateUser(ctx, u, pw); err != nil {
			return err
		}
		lus = append(lus, web.LoadUser{Name: u.Username, Password: pw})
	}
	fmt.Fprintf(env.Stderr, "准备服务 preparing the server (stay facts) …\n")
	srv, err := web.New(web.Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), UploadDir: tmp})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(env.Stderr, "serve:", err)
		}
	}()
	defer hs.Shutdown(context.Background())
	fmt.Fprintf(env.Stderr, "负载 load: %d 用户 users, %s, 科室 dept %s, 年 year %d, http://%s\n", *users, *dur, dept, year, ln.Addr())
	rep, err := web.RunLoad(ctx, web.LoadConfig{BaseURL: "http://" + ln.Addr().String(), Users: lus, Duration: *dur, Think: *think, Year: year, Dept: dept, StayID: stay})
	if err != nil {
		return err
	}
	rep.Write(env.Stdout, *verbose)
	if rep.Errors > 0 {
		return dataErrorf("%d 个请求出错 requests failed", rep.Errors)
	}
	return nil
}
