package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/yardstick-health/yardstick/internal/store"
)

const (
	sessionCookie = "ys_session"
	csrfHeader    = "X-CSRF-Token"
)

// session is a logged-in browser. It keeps a snapshot of the account; any
// change to the account through the API drops the user's sessions, and the
// CLI cannot change accounts while the server holds the store open.
type session struct {
	token   string
	csrf    string
	user    store.User
	expires time.Time
}

type sessionStore struct {
	mu  sync.Mutex
	ttl time.Duration
	m   map[string]*session
}

func newSessionStore(ttl time.Duration) *sessionStore {
	return &sessionStore{ttl: ttl, m: map[string]*session{}}
}

func randToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (st *sessionStore) create(u store.User, now time.Time) *session {
	u.PasswordHash = ""
	s := &session{token: randToken(), csrf: randToken(), user: u, expires: now.Add(st.ttl)}
	st.mu.Lock()
	defer st.mu.Unlock()
	// Drop expired sessions opportunistically so the map cannot grow forever.
	for k, v := range st.m {
		if now.After(v.expires) {
			delete(st.m, k)
		}
	}
	st.m[s.token] = s
	return s
}

func (st *sessionStore) get(token string, now time.Time) *session {
	st.mu.Lock()
	defer st.mu.Unlock()
	s := st.m[token]
	if s == nil {
		return nil
	}
	if now.After(s.expires) {
		delete(st.m, token)
		return nil
	}
	return s
}

func (st *sessionStore) drop(token string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.m, token)
}

func (st *sessionStore) dropUser(id int64) {
	st.mu.Lock()
	defer st.mu.Unlock()
	for k, v := range st.m {
		if v.user.ID == id {
			delete(st.m, k)
		}
	}
}

// loginLimiter throttles password guessing: at most maxPerIP failed logins
// per IP and maxPerUser per account within window. Successful logins do not
// count, so a user who mistypes once is not locked out.
type loginLimiter struct {
	mu                   sync.Mutex
	window               time.Duration
	maxPerIP, maxPerUser int
	fails                map[string][]time.Time
}

func newLoginLimiter() *loginLimiter {
	return &loginLimiter{window: 15 * time.Minute, maxPerIP: 20, maxPerUser: 5, fails: map[string][]time.Time{}}
}

func (l *loginLimiter) recent(key string, now time.Time) int {
	ts := l.fails[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) > l.window {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, key)
	} else {
		l.fails[key] = ts
	}
	return len(ts)
}

// allowed reports whether a login attempt may be checked at all.
func (l *loginLimiter) allowed(ip, user string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.recent("ip:"+ip, now) < l.maxPerIP && l.recent("user:"+user, now) < l.maxPerUser
}

func (l *loginLimiter) fail(ip, user string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fails["ip:"+ip] = append(l.fails["ip:"+ip], now)
	l.fails["user:"+user] = append(l.fails["user:"+user], now)
}

func (l *loginLimiter) success(user string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.fails, "user:"+user)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// reqCtx is what a handler gets besides the request: the server and the
// caller's session (nil on public routes).
type reqCtx struct {
	s    *Server
	sess *session
	rt   *route
}

func (c *reqCtx) user() *store.User { return &c.sess.user }

// scope returns the department codes the caller may see, or nil for all.
// Department heads see only their assigned departments, on every endpoint.
func (c *reqCtx) scope() []string {
	if c.sess == nil || c.sess.user.Role != store.RoleDeptHead {
		return nil
	}
	if c.sess.user.Depts == nil {
		return []string{}
	}
	return c.sess.user.Depts
}

// deptFilter returns the departments a request covers: the `dept` query
// parameter when given (refused with 403 outside the caller's scope), else
// the caller's scope (nil = all departments). ok is false when the response
// has been written.
func (c *reqCtx) deptFilter(w http.ResponseWriter, r *http.Request) (depts []string, ok bool) {
	d := r.URL.Query().Get("dept")
	if d == "" {
		return c.scope(), true
	}
	if !c.allowDept(d) {
		forbidden(w)
		return nil, false
	}
	return []string{d}, true
}

// allowDept reports whether the caller may see department code d.
func (c *reqCtx) allowDept(d string) bool {
	sc := c.scope()
	return sc == nil || slices.Contains(sc, d)
}

// mayUnmask reports whether the caller may see identities in clear.
func (c *reqCtx) mayUnmask() bool {
	return c.sess != nil && c.sess.user.CanViewIdentity && !c.sess.user.Disabled
}

func (c *reqCtx) audit(r *http.Request, action, target, detail string, ok bool) {
	e := store.AuditEntry{Action: action, Target: target, Detail: detail, IP: clientIP(r), OK: ok}
	if c.sess != nil {
		e.UserID, e.Username = c.sess.user.ID, c.sess.user.Username
	}
	// The audit write must not depend on the client staying connected.
	if err := c.s.db.Audit(context.WithoutCancel(r.Context()), e); err != nil {
		c.s.log.Error("audit write failed", "action", action, "err", err)
	}
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	var req loginRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		writeErr(w, http.StatusBadRequest, "请求格式错误", "malformed request")
		return
	}
	req.Username = strings.TrimSpace(req.Username)
	ip := clientIP(r)
	now := s.now()
	if !s.limiter.allowed(ip, req.Username, now) {
		c.audit(r, store.AuditLoginFailed, req.Username, "rate limited", false)
		w.Header().Set("Retry-After", "900")
		writeErr(w, http.StatusTooManyRequests, "登录尝试过多，请15分钟后再试", "too many login attempts, try again in 15 minutes")
		return
	}
	u, err := s.db.UserByName(r.Context(), req.Username)
	if err != nil && !errors.Is(err, store.ErrNoUser) {
		s.internalError(w, r, err)
		return
	}
	if u == nil || u.Disabled || !u.CheckPassword(req.Password) {
		s.limiter.fail(ip, req.Username, now)
		c.audit(r, store.AuditLoginFailed, req.Username, "", false)
		writeErr(w, http.StatusUnauthorized, "用户名或密码错误", "wrong user name or password")
		return
	}
	s.limiter.success(req.Username)
	sess := s.sessions.create(*u, now)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: sess.token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure, MaxAge: int(s.sessions.ttl / time.Second)})
	c.sess = sess
	c.audit(r, store.AuditLogin, u.Username, "", true)
	writeJSON(w, http.StatusOK, meOf(sess))
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.sessions.drop(c.sess.token)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.secure, MaxAge: -1})
	c.audit(r, store.AuditLogout, c.sess.user.Username, "", true)
	writeJSON(w, http.StatusOK, okResp{OK: true})
}

type meResp struct {
	ID              int64    `json:"id"`
	Username        string   `json:"username"`
	DisplayName     string   `json:"display_name"`
	Role            string   `json:"role"`
	Depts           []string `json:"depts"`
	CanViewIdentity bool     `json:"can_view_identity"`
	CSRF            string   `json:"csrf"`
	SeesStays       bool     `json:"sees_stays"`
}

func meOf(s *session) meResp {
	d := s.user.Depts
	if d == nil {
		d = []string{}
	}
	return meResp{ID: s.user.ID, Username: s.user.Username, DisplayName: s.user.DisplayName, Role: s.user.Role,
		Depts: d, CanViewIdentity: s.user.CanViewIdentity, CSRF: s.csrf, SeesStays: s.user.Role != store.RoleViewer}
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	writeJSON(w, http.StatusOK, meOf(c.sess))
}

// checkCSRF compares the per-session token sent in a header; browsers do not
// let another site set custom headers, and SameSite keeps the cookie home.
func checkCSRF(r *http.Request, s *session) bool {
	got := r.Header.Get(csrfHeader)
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(s.csrf)) == 1
}
