package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

type okResp struct {
	OK bool `json:"ok"`
}

type errResp struct {
	Error   string `json:"error"`    // Chinese
	ErrorEN string `json:"error_en"` // English
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client may have gone; nothing useful to do
}

func writeErr(w http.ResponseWriter, status int, cn, en string) {
	writeJSON(w, status, errResp{Error: cn, ErrorEN: en})
}

func forbidden(w http.ResponseWriter) {
	writeErr(w, http.StatusForbidden, "无权访问", "forbidden")
}

func notFound(w http.ResponseWriter) {
	writeErr(w, http.StatusNotFound, "未找到", "not found")
}

func (s *Server) internalError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("request failed", "route", r.Pattern, "err", err)
	writeErr(w, http.StatusInternalServerError, "服务器内部错误", "internal error")
}

// statusWriter records the status for logs and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// wrap applies, in order: metrics and logs, authentication, role check and
// CSRF check, then calls the handler.
func (s *Server) wrap(rt *route) http.Handler {
	name := rt.Method + " " + rt.Path
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		c := &reqCtx{s: s, rt: rt}
		defer func() {
			d := time.Since(start)
			st := sw.status
			if st == 0 {
				st = http.StatusOK
			}
			s.metrics.observe(name, st, d)
			user := ""
			if c.sess != nil {
				user = c.sess.user.Username
			}
			// Only the route pattern is logged, never the query string or
			// path values, which could carry a search for a patient.
			s.log.Info("http", "route", name, "status", st, "ms", float64(d.Microseconds())/1000, "user", user)
		}()
		sw.Header().Set("X-Content-Type-Options", "nosniff")
		sw.Header().Set("X-Frame-Options", "DENY")
		sw.Header().Set("Referrer-Policy", "same-origin")
		// Everything the app loads is its own; ECharts styles elements from
		// script, which CSP allows, and CSV exports are blob: downloads.
		sw.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")
		if rt.Access != accPublic {
			ck, err := r.Cookie(sessionCookie)
			if err == nil {
				c.sess = s.sessions.get(ck.Value, s.now())
			}
			if c.sess == nil {
				writeErr(sw, http.StatusUnauthorized, "请先登录", "login required")
				return
			}
			if !rt.Access.allows(c.sess.user.Role) {
				forbidden(sw)
				return
			}
			if r.Method != http.MethodGet && r.Method != http.MethodHead && !checkCSRF(r, c.sess) {
				writeErr(sw, http.StatusForbidden, "CSRF令牌无效，请刷新页面", "invalid CSRF token, reload the page")
				return
			}
		}
		if rt.cache {
			s.cached(sw, r, c, rt.h)
			return
		}
		rt.h(sw, r, c)
	})
}

// Query helpers.

func qInt(r *http.Request, name string, def int) int {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return def
	}
	return n
}

func qBool(r *http.Request, name string) bool {
	v := r.URL.Query().Get(name)
	return v == "1" || v == "true"
}

// pathID parses a numeric path value.
func pathID(r *http.Request, name string) (int64, bool) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return n, err == nil && n > 0
}
