package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/yardstick-health/yardstick/internal/store"
	"github.com/yardstick-health/yardstick/internal/web"
)

func init() {
	register(&command{
		Name:    "serve",
		Summary: "启动网页服务 start the web server",
		Usage: `用法 usage: yardstick serve [--db FILE] [--addr 127.0.0.1:8080] [--tls-cert F --tls-key F] [--log-level info]

启动网页仪表盘与 /api/v1 接口。首次启动时创建管理员 admin：密码取自环境变量
YARDSTICK_ADMIN_PASSWORD，否则随机生成并只打印这一次。
Starts the dashboard and the /api/v1 API. On first start it creates the
administrator "admin" with the password from YARDSTICK_ADMIN_PASSWORD, or a
random one printed once. Stop with Ctrl-C (graceful shutdown).

  --db FILE         数据库文件 store file (default yardstick.duckdb)
  --addr ADDR       监听地址 listen address (default 127.0.0.1:8080)
  --tls-cert/--tls-key  HTTPS 证书与私钥 serve HTTPS (cookies become Secure)
  --secure-cookies  在TLS反向代理之后 behind a TLS-terminating proxy: mark cookies Secure
  --log-level L     debug, info, warn, error (default info; debug logs every request)
`,
		Run: runServe,
	})
}

func runServe(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dbPath := fs.String("db", store.DefaultPath, "")
	addr := fs.String("addr", "127.0.0.1:8080", "")
	cert := fs.String("tls-cert", "", "")
	key := fs.String("tls-key", "", "")
	secure := fs.Bool("secure-cookies", false, "")
	level := fs.String("log-level", "info", "")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	if fs.NArg() > 0 {
		return usagef("多余的参数 unexpected arguments: %v", fs.Args())
	}
	if (*cert == "") != (*key == "") {
		return usagef("--tls-cert 与 --tls-key 须同时给出 give both --tls-cert and --tls-key")
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		return usagef("--log-level: %v", err)
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	return ServeStore(ctx, env, db, web.Config{Addr: *addr, TLSCert: *cert, TLSKey: *key, SecureCookies: *secure,
		Logger: slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: lv}))})
}

// ServeStore creates the first administrator if needed and serves db until
// ctx is cancelled. `yardstick demo` calls it on the demo store.
func ServeStore(ctx context.Context, env *cliEnv, db *store.DB, cfg web.Config) error {
	if _, err := web.EnsureAdmin(ctx, db, env.Stdout); err != nil {
		return err
	}
	cfg.DB = db
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(env.Stderr, nil))
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	prev := cfg.Ready
	cfg.Ready = func(addr string) {
		fmt.Fprintf(env.Stdout, "仪表盘 dashboard: %s://%s/  (Ctrl-C 停止 to stop)\n", scheme, addr)
		if prev != nil {
			prev(addr)
		}
	}
	return web.Serve(ctx, cfg)
}
