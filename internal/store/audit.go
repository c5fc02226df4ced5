package store

import (
	"context"
	"fmt"
	"time"
)

// Audit actions recorded by the web server.
const (
	AuditLogin       = "login"
	AuditLoginFailed = "login_failed"
	AuditLogout      = "logout"
	AuditImport      = "import"
	AuditExport      = "export"
	AuditUnmask      = "identity_view"
	AuditUserChange  = "user_change"
)

// AuditEntry is one audit-log row. Target names what was touched (a stay id,
// an export name, a user name), never a patient identity.
type AuditEntry struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	UserID   int64     `json:"user_id"`
	Username string    `json:"username"`
	Action   string    `json:"action"`
	Target   string    `json:"target"`
	Detail   string    `json:"detail"`
	IP       string    `json:"ip"`
	OK       bool      `json:"ok"`
}

// Audit appends an entry to the audit log.
func (db *DB) Audit(ctx context.Context, e AuditEntry) error {
	_, err := db.db.ExecContext(ctx, `INSERT INTO web_audit (user_id, username, action, target, detail, ip, ok) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		e.UserID, e.Username, e.Action, e.Target, e.Detail, e.IP, e.OK)
	if err != nil {
		return fmt.Errorf("write audit log: %w", err)
	}
	return nil
}

// AuditFilter selects audit entries; zero fields match everything.
type AuditFilter struct {
	Action   string
	Username string
	Limit    int // default 200, at most 5000
	Offset   int
}

// AuditLog returns entries newest first.
func (db *DB) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 {
		f.Limit = 200
	}
	if f.Limit > 5000 {
		f.Limit = 5000
	}
	rows, err := db.db.QueryContext(ctx, `SELECT audit_id, logged_at, coalesce(user_id, 0), username, action, target, detail, ip, ok FROM web_audit
		WHERE (? = '' OR action = ?) AND (? = '' OR username = ?) ORDER BY audit_id DESC LIMIT ? OFFSET ?`,
		f.Action, f.Action, f.Username, f.Username, f.Limit, f.Offset)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	out := []AuditEntry{}
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.UserID, &e.Username, &e.Action, &e.Target, &e.Detail, &e.IP, &e.OK); err != nil {
			return nil, fmt.Errorf("read audit log: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
