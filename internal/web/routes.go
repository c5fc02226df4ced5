package web

import (
	"net/http"

	"github.com/yardstick-health/yardstick/internal/store"
)

// access is the permission class of a route.
type access int

const (
	accPublic  access = iota // no login (login itself, health, metrics, API description)
	accAny                   // any account; aggregates, scoped to a department head's departments
	accStays                 // stay-level data: admin, quality office, department heads (scoped); never viewers
	accQuality               // admin and quality office: imports
	accAdmin                 // admin only: users, audit log
)

func (a access) allows(role string) bool {
	switch a {
	case accPublic, accAny:
		return true
	case accStays:
		return role == store.RoleAdmin || role == store.RoleQuality || role == store.RoleDeptHead
	case accQuality:
		return role == store.RoleAdmin || role == store.RoleQuality
	case accAdmin:
		return role == store.RoleAdmin
	}
	return false
}

func (a access) String() string {
	return [...]string{"public", "any", "stays", "quality", "admin"}[a]
}

// route is one endpoint. The table in routes() is the single source of the
// router, the permission checks, the OpenAPI test and the permission tests.
type route struct {
	Method string
	Path   string
	Access access
	h      func(http.ResponseWriter, *http.Request, *reqCtx)
	// cache marks aggregate answers (no stays, no identities) that are kept
	// until the next import.
	cache bool
}

func (s *Server) routes() []*route {
	return []*route{
		{"GET", "/healthz", accPublic, s.handleHealthz, false},
		{"GET", "/metrics", accPublic, s.handleMetrics, false},
		{"GET", "/api/v1/openapi.json", accPublic, s.handleOpenAPI, false},
		{"POST", "/api/v1/auth/login", accPublic, s.handleLogin, false},
		{"POST", "/api/v1/auth/logout", accAny, s.handleLogout, false},
		{"GET", "/api/v1/me", accAny, s.handleMe, false},
		{"GET", "/api/v1/meta", accAny, s.handleMeta, true},
		{"GET", "/api/v1/overview", accAny, s.handleOverview, true},
		{"GET", "/api/v1/indicators", accAny, s.handleRegistry, true},
		{"GET", "/api/v1/indicators/{id}", accAny, s.handleIndicatorDetail, true},
		{"GET", "/api/v1/indicators/{id}/stays", accStays, s.handleIndicatorStays, false},
		{"GET", "/api/v1/departments", accAny, s.handleDepartments, true},
		{"GET", "/api/v1/departments/{code}", accAny, s.handleDepartment, true},
		{"GET", "/api/v1/drg/summary", accAny, s.handleDRGSummary, true},
		{"GET", "/api/v1/stays", accStays, s.handleStays, false},
		{"GET", "/api/v1/stays/{id}", accStays, s.handleStay, false},
		{"GET", "/api/v1/quality/scores", accAny, s.handleQualityScores, true},
		{"GET", "/api/v1/quality/findings", accStays, s.handleFindings, false},
		{"GET", "/api/v1/imports", accQuality, s.handleImports, false},
		{"POST", "/api/v1/imports", accQuality, s.handleImportUpload, false},
		{"GET", "/api/v1/imports/{id}", accQuality, s.handleImport, false},
		{"GET", "/api/v1/imports/{id}/errors", accQuality, s.handleImportErrors, false},
		{"GET", "/api/v1/users", accAdmin, s.handleUsers, false},
		{"POST", "/api/v1/users", accAdmin, s.handleUserCreate, false},
		{"PATCH", "/api/v1/users/{id}", accAdmin, s.handleUserUpdate, false},
		{"GET", "/api/v1/audit", accAdmin, s.handleAudit, false},
	}
}
