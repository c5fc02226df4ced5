package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Web account roles. The permission model lives in internal/web; the store
// only keeps the role name.
const (
	RoleAdmin    = "admin"    // users, settings, all data
	RoleQuality  = "quality"  // quality office: all departments, findings, imports
	RoleDeptHead = "depthead" // department head: only the assigned departments
	RoleViewer   = "viewer"   // aggregates only, no stay lists
)

// Roles lists the valid roles in display order.
var Roles = []string{RoleAdmin, RoleQuality, RoleDeptHead, RoleViewer}

// ValidRole reports whether r is one of Roles.
func ValidRole(r string) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// BcryptCost is the cost of password hashes. Tests lower it to keep the suite
// fast; production keeps bcrypt's default.
var BcryptCost = bcrypt.DefaultCost

// ErrNoUser is returned when a user name or id is unknown.
var ErrNoUser = errors.New("用户不存在 no such user")

// User is one local web account. PasswordHash never leaves the store package
// through the API layer.
type User struct {
	ID              int64
	Username        string
	DisplayName     string
	Role            string
	PasswordHash    string
	CanViewIdentity bool
	Disabled        bool
	Depts           []string // department codes, for department heads
	CreatedAt       time.Time
}

// HashPassword returns the bcrypt hash of a password.
func HashPassword(pw string) (string, error) {
	if len(pw) < 8 {
		return "", fmt.Errorf("密码至少8个字符 password must have at least 8 characters")
	}
	if len(pw) > 72 {
		return "", fmt.Errorf("密码最多72字节 password must have at most 72 bytes")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), BcryptCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// CheckPassword reports whether pw matches the user's hash.
func (u *User) CheckPassword(pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(pw)) == nil
}

// CreateUser adds an account with the given password.
func (db *DB) CreateUser(ctx context.Context, u User, password string) (int64, error) {
	u.Username = strings.TrimSpace(u.Username)
	if u.Username == "" || strings.ContainsAny(u.Username, " \t\r\n") {
		return 0, fmt.Errorf("用户名不能为空或含空格 username must be non-empty without spaces")
	}
	if !ValidRole(u.Role) {
		return 0, fmt.Errorf("未知角色 unknown role %q (%s)", u.Role, strings.Join(Roles, ", "))
	}
	h, err := HashPassword(password)
	if err != nil {
		return 0, err
	}
	var id int64
	err = db.Tx(ctx, func(conn *sql.Conn) error {
		var n int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM web_users WHERE username = ?`, u.Username).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("用户已存在 user %q already exists", u.Username)
		}
		if err := conn.QueryRowContext(ctx, `INSERT INTO web_users (username, display_name, role, password_hash, can_view_identity)
			VALUES (?, ?, ?, ?, ?) RETURNING user_id`, u.Username, u.DisplayName, u.Role, h, u.CanViewIdentity).Scan(&id); err != nil {
			return err
		}
		return setDepts(ctx, conn, id, u.Depts)
	})
	if err != nil {
		return 0, fmt.Errorf("创建用户 create user %s: %w", u.Username, err)
	}
	return id, nil
}

func setDepts(ctx context.Context, conn *sql.Conn, id int64, depts []string) error {
	if _, err := conn.ExecContext(ctx, `DELETE FROM web_user_depts WHERE user_id = ?`, id); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, d := range depts {
		d = strings.TrimSpace(d)
		if d == "" || seen[d] {
			continue
		}
		seen[d] = true
		if _, err := conn.ExecContext(ctx, `INSERT INTO web_user_depts (user_id, dept_code) VALUES (?, ?)`, id, d); err != nil {
			return err
		}
	}
	return nil
}

const userCols = `user_id, username, display_name, role, password_hash, can_view_identity, disabled, created_at`

func scanUser(sc interface{ Scan(...any) error }) (*User, error) {
	var u User
	if err := sc.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.PasswordHash, &u.CanViewIdentity, &u.Disabled, &u.CreatedAt); err != nil {
		return nil, err
	}
	return &u, nil
}

func (db *DB) loadDepts(ctx context.Context, users ...*User) error {
	if len(users) == 0 {
		return nil
	}
	byID := map[int64]*User{}
	for _, u := range users {
		byID[u.ID] = u
		u.Depts = nil
	}
	rows, err := db.db.QueryContext(ctx, `SELECT user_id, dept_code FROM web_user_depts ORDER BY dept_code`)
	if err != nil {
		return fmt.Errorf("read user departments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var d string
		if err := rows.Scan(&id, &d); err != nil {
			return fmt.Errorf("read user departments: %w", err)
		}
		if u := byID[id]; u != nil {
			u.Depts = append(u.Depts, d)
		}
	}
	return rows.Err()
}

// UserByName returns the account with the given user name, or ErrNoUser.
func (db *DB) UserByName(ctx context.Context, name string) (*User, error) {
	u, err := scanUser(db.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM web_users WHERE username = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoUser
	}
	if err != nil {
		return nil, fmt.Errorf("read user %s: %w", name, err)
	}
	return u, db.loadDepts(ctx, u)
}

// UserByID returns the account with the given id, or ErrNoUser.
func (db *DB) UserByID(ctx context.Context, id int64) (*User, error) {
	u, err := scanUser(db.db.QueryRowContext(ctx, `SELECT `+userCols+` FROM web_users WHERE user_id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoUser
	}
	if err != nil {
		return nil, fmt.Errorf("read user %d: %w", id, err)
	}
	return u, db.loadDepts(ctx, u)
}

// Users lists every account ordered by user name.
func (db *DB) Users(ctx context.Context) ([]*User, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT `+userCols+` FROM web_users ORDER BY username`)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("list users: %w", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Username < out[j].Username })
	return out, db.loadDepts(ctx, out...)
}

// CountUsers returns the number of accounts (0 on first run).
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM web_users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// SetPassword replaces a user's password.
func (db *DB) SetPassword(ctx context.Context, id int64, password string) error {
	h, err := HashPassword(password)
	if err != nil {
		return err
	}
	return db.updateUser(ctx, id, `UPDATE web_users SET password_hash = ?, password_changed_at = current_timestamp WHERE user_id = ?`, h, id)
}

// UserUpdate holds the changes of UpdateUser; nil fields are left alone.
type UserUpdate struct {
	DisplayName     *string
	Role            *string
	CanViewIdentity *bool
	Disabled        *bool
	Depts           *[]string
}

// UpdateUser applies the non-nil fields of up to the account.
func (db *DB) UpdateUser(ctx context.Context, id int64, up UserUpdate) error {
	if up.Role != nil && !ValidRole(*up.Role) {
		return fmt.Errorf("未知角色 unknown role %q (%s)", *up.Role, strings.Join(Roles, ", "))
	}
	err := db.Tx(ctx, func(conn *sql.Conn) error {
		var n int
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM web_users WHERE user_id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNoUser
		}
		set := func(col string, v any) error {
			_, err := conn.ExecContext(ctx, `UPDATE web_users SET `+col+` = ? WHERE user_id = ?`, v, id)
			return err
		}
		if up.DisplayName != nil {
			if err := set("display_name", *up.DisplayName); err != nil {
				return err
			}
		}
		if up.Role != nil {
			if err := set("role", *up.Role); err != nil {
				return err
			}
		}
		if up.CanViewIdentity != nil {
			if err := set("can_view_identity", *up.CanViewIdentity); err != nil {
				return err
			}
		}
		if up.Disabled != nil {
			if err := set("disabled", *up.Disabled); err != nil {
				return err
			}
		}
		if up.Depts != nil {
			return setDepts(ctx, conn, id, *up.Depts)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("更新用户 update user %d: %w", id, err)
	}
	return nil
}

func (db *DB) updateUser(ctx context.Context, id int64, q string, args ...any) error {
	res, err := db.db.ExecContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("更新用户 update user %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNoUser
	}
	return nil
}
