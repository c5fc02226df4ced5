package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/yardstick-health/yardstick/internal/store"
)

type userResp struct {
	ID              int64    `json:"id"`
	Username        string   `json:"username"`
	DisplayName     string   `json:"display_name"`
	Role            string   `json:"role"`
	Depts           []string `json:"depts"`
	CanViewIdentity bool     `json:"can_view_identity"`
	Disabled        bool     `json:"disabled"`
	CreatedAt       string   `json:"created_at"`
}

func userOf(u *store.User) userResp {
	d := u.Depts
	if d == nil {
		d = []string{}
	}
	return userResp{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Depts: d,
		CanViewIdentity: u.CanViewIdentity, Disabled: u.Disabled, CreatedAt: u.CreatedAt.Format("2006-01-02 15:04")}
}

func (s *Server) handleUsers(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	us, err := s.db.Users(r.Context())
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	out := []userResp{}
	for _, u := range us {
		out = append(out, userOf(u))
	}
	writeJSON(w, http.StatusOK, struct {
		Users []userResp `json:"users"`
		Roles []string   `json:"roles"`
	}{out, store.Roles})
}

type userCreate struct {
	Username        string   `json:"username"`
	DisplayName     string   `json:"display_name"`
	Role            string   `json:"role"`
	Password        string   `json:"password"`
	Depts           []string `json:"depts"`
	CanViewIdentity bool     `json:"can_view_identity"`
}

func (s *Server) handleUserCreate(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	var req userCreate
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		writeErr(w, http.StatusBadRequest, "请求格式错误", "malformed request")
		return
	}
	id, err := s.db.CreateUser(r.Context(), store.User{Username: req.Username, DisplayName: req.DisplayName, Role: req.Role,
		Depts: req.Depts, CanViewIdentity: req.CanViewIdentity}, req.Password)
	if err != nil {
		// Validation messages from the store are bilingual and safe to show.
		writeErr(w, http.StatusBadRequest, err.Error(), err.Error())
		return
	}
	c.audit(r, store.AuditUserChange, req.Username, fmt.Sprintf("created role=%s identity=%v depts=%s", req.Role, req.CanViewIdentity, strings.Join(req.Depts, ",")), true)
	u, err := s.db.UserByID(r.Context(), id)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, userOf(u))
}

type userPatch struct {
	DisplayName     *string   `json:"display_name"`
	Role            *string   `json:"role"`
	Password        *string   `json:"password"`
	Depts           *[]string `json:"depts"`
	CanViewIdentity *bool     `json:"can_view_identity"`
	Disabled        *bool     `json:"disabled"`
}

func (s *Server) handleUserUpdate(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	id, ok := pathID(r, "id")
	if !ok {
		notFound(w)
		return
	}
	var req userPatch
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&req); err != nil {
		writeErr(w, http.StatusBadRequest, "请求格式错误", "malformed request")
		return
	}
	if id == c.sess.user.ID && ((req.Disabled != nil && *req.Disabled) || (req.Role != nil && *req.Role != store.RoleAdmin)) {
		writeErr(w, http.StatusBadRequest, "不能停用自己或取消自己的管理员角色", "you cannot disable yourself or drop your own admin role")
		return
	}
	ctx := r.Context()
	err := s.db.UpdateUser(ctx, id, store.UserUpdate{DisplayName: req.DisplayName, Role: req.Role, CanViewIdentity: req.CanViewIdentity, Disabled: req.Disabled, Depts: req.Depts})
	if err == nil && req.Password != nil {
		err = s.db.SetPassword(ctx, id, *req.Password)
	}
	if errors.Is(err, store.ErrNoUser) {
		notFound(w)
		return
	}
	if err != nil {
		writeErr(w, http.StatusBadRequest, err.Error(), err.Error())
		return
	}
	// Sessions hold a snapshot of the account: drop them so the change
	// (a revoked grant, a disabled account) takes effect at once.
	if id != c.sess.user.ID {
		s.sessions.dropUser(id)
	}
	u, err := s.db.UserByID(ctx, id)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	var changed []string
	for name, set := range map[string]bool{"display_name": req.DisplayName != nil, "role": req.Role != nil, "password": req.Password != nil,
		"depts": req.Depts != nil, "can_view_identity": req.CanViewIdentity != nil, "disabled": req.Disabled != nil} {
		if set {
			changed = append(changed, name)
		}
	}
	c.audit(r, store.AuditUserChange, u.Username, "changed "+strings.Join(sortedStrings(changed), ","), true)
	writeJSON(w, http.StatusOK, userOf(u))
}

func (s *Server) handleAudit(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	q := r.URL.Query()
	es, err := s.db.AuditLog(r.Context(), store.AuditFilter{Action: q.Get("action"), Username: q.Get("user"),
		Limit: qInt(r, "limit", 200), Offset: qInt(r, "offset", 0)})
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if isExport(r) {
		rows := make([][]any, 0, len(es))
		for _, e := range es {
			rows = append(rows, []any{e.ID, e.At.Format("2006-01-02 15:04:05"), e.Username, e.Action, e.Target, e.Detail, e.IP, strconv.FormatBool(e.OK)})
		}
		s.export(w, r, c, "audit", []string{"ID", "时间 time", "用户 user", "操作 action", "对象 target", "详情 detail", "IP", "成功 ok"}, rows)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Entries []store.AuditEntry `json:"entries"`
	}{es})
}
