// Package web is Yardstick's HTTP server: the JSON API under /api/v1, the
// embedded single-page front end (built from web/ into dist/), local accounts
// with roles, identity masking and the audit log.
//
// Every route is declared once in routes.go; the router, the permission
// checks, the OpenAPI consistency test and the permission test matrix are all
// derived from that table, so a new endpoint cannot skip any of them.
package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/yardstick-health/yardstick/internal/drg"
	"github.com/yardstick-health/yardstick/internal/store"
)

// Config configures a server.
type Config struct {
	DB   *store.DB
	Addr string // listen address, default 127.0.0.1:8080
	// Logger receives structured request logs (never patient identities).
	// nil logs to stderr in text form.
	Logger *slog.Logger
	// TLSCert and TLSKey, when both set, serve HTTPS; session cookies are
	// then marked Secure.
	TLSCert, TLSKey string
	// SecureCookies forces the Secure flag even over plain HTTP (behind a
	// TLS-terminating proxy).
	SecureCookies bool
	// SchemeDir is the DRG scheme-pack registry (default: "schemes" beside
	// the store file, as for `yardstick scheme`).
	SchemeDir string
	// UploadDir holds uploaded files while they are imported (default the
	// system temp directory).
	UploadDir string
	// Ready, when set, is called with the bound address once the server
	// listens (used by tests and by `yardstick demo` to print the URL).
	Ready func(addr string)
}

// Server is the HTTP application. Create it with New.
type Server struct {
	cfg      Config
	db       *store.DB
	log      *slog.Logger
	mux      *http.ServeMux
	sessions *sessionStore
	limiter  *loginLimiter
	metrics  *metrics
	imports  *importRunner
	cubes    cubeCache
	results  resultCache
	resps    respCache
	names    nameCache
	stays    stayCache
	regOnce  sync.Once
	reg      *drg.DirRegistry
	tables   tableCache
	secure   bool
	now      func() time.Time
}

// New builds the server and its routes.
func New(cfg Config) (*Server, error) {
	if cfg.DB == nil {
		return nil, errors.New("web: Config.DB is nil")
	}
	lg := cfg.Logger
	if lg == nil {
		lg = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	s := &Server{
		cfg:      cfg,
		db:       cfg.DB,
		log:      lg,
		mux:      http.NewServeMux(),
		sessions: newSessionStore(12 * time.Hour),
		limiter:  newLoginLimiter(),
		metrics:  newMetrics(),
		secure:   cfg.SecureCookies || (cfg.TLSCert != "" && cfg.TLSKey != ""),
		now:      time.Now,
	}
	s.imports = newImportRunner(s)
	// Facts are derived before serving so the first page view does not pay
	// for them; later imports refresh them in the background job.
	if err := s.refreshFacts(context.Background()); err != nil {
		return nil, err
	}
	for _, rt := range s.routes() {
		s.mux.Handle(rt.Method+" "+rt.Path, s.wrap(rt))
	}
	s.mountAssets()
	return s, nil
}

// Handler returns the root handler (used by tests through httptest).
func (s *Server) Handler() http.Handler { return s.mux }

// Serve runs a server on cfg.Addr until ctx is cancelled, then shuts down
// gracefully: in-flight requests get up to 10 seconds and running imports are
// waited for, so the store is never closed under a writer.
func Serve(ctx context.Context, cfg Config) error {
	s, err := New(cfg)
	if err != nil {
		return err
	}
	return s.ListenAndServe(ctx)
}

// ListenAndServe listens on the configured address until ctx is done.
func (s *Server) ListenAndServe(ctx context.Context) error {
	addr := s.cfg.Addr
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("监听 listen %s: %w", addr, err)
	}
	hs := &http.Server{
		Handler:           s.mux,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() {
		var err error
		if s.cfg.TLSCert != "" && s.cfg.TLSKey != "" {
			err = hs.ServeTLS(ln, s.cfg.TLSCert, s.cfg.TLSKey)
		} else {
			err = hs.Serve(ln)
		}
		errc <- err
	}()
	s.log.Info("web server listening", "addr", ln.Addr().String(), "tls", s.cfg.TLSCert != "")
	if s.cfg.Ready != nil {
		s.cfg.Ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("web server: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("web server shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = hs.Shutdown(sctx)
	s.imports.wait()
	if err != nil {
		return fmt.Errorf("web server shutdown: %w", err)
	}
	return nil
}

// EnsureAdmin creates the first administrator when the store has no account.
// The password is taken from YARDSTICK_ADMIN_PASSWORD or generated; a
// generated password is printed once to w (it is never stored in clear).
// It returns created=false when accounts already exist.
func EnsureAdmin(ctx context.Context, db *store.DB, w io.Writer) (created bool, err error) {
	n, err := db.CountUsers(ctx)
	if err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	pw := os.Getenv("YARDSTICK_ADMIN_PASSWORD")
	generated := pw == ""
	if generated {
		pw = RandomPassword()
	}
	if _, err := db.CreateUser(ctx, store.User{Username: "admin", DisplayName: "系统管理员", Role: store.RoleAdmin, CanViewIdentity: true}, pw); err != nil {
		return false, fmt.Errorf("创建管理员 create admin: %w", err)
	}
	if generated {
		fmt.Fprintf(w, "已创建管理员 created administrator: 用户名 user admin  密码 password %s\n(只显示这一次 shown only once; 用 change with `yardstick user passwd admin`)\n", pw)
	} else {
		fmt.Fprintln(w, "已创建管理员 created administrator: 用户名 user admin, 密码取自 password from YARDSTICK_ADMIN_PASSWORD")
	}
	return true, nil
}

// RandomPassword returns a 16-character random password.
func RandomPassword() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // crypto/rand.Read never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b)
}
