package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/yardstick-health/yardstick/internal/hospital"
)

// ImportDepartments stores a department dictionary in one transaction. An
// entry with the key (org_code, dept_code) of a stored one replaces it;
// other departments stay. The run and its row errors (out.Errors) are
// recorded in imports/import_errors.
func (db *DB) ImportDepartments(ctx context.Context, meta ImportMeta, depts []hospital.Department, out *ImportOutcome) (*ImportResult, error) {
	if meta.Kind == "" {
		meta.Kind = KindDepartments
	}
	return db.importRef(ctx, meta, out, func(conn *sql.Conn, importID int64) (ins, repl int64, err error) {
		if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE new_departments AS SELECT * FROM departments LIMIT 0`); err != nil {
			return 0, 0, fmt.Errorf("staging table: %w", err)
		}
		a, err := newAppender(conn, "new_departments")
		if err != nil {
			return 0, 0, err
		}
		for _, d := range depts {
			var beds any
			if d.Beds > 0 {
				beds = int32(d.Beds)
			}
			if err := a.AppendRow(d.OrgCode, d.Code, vStr(d.Name), vStr(d.ParentCode), vStr(string(d.Kind)), vStr(d.NationalCode), beds, importID); err != nil {
				a.Close()
				return 0, 0, fmt.Errorf("append department: %w", err)
			}
		}
		if err := a.Close(); err != nil {
			return 0, 0, fmt.Errorf("append departments: %w", err)
		}
		// The last entry of a key in the file wins, as for stays.
		res, err := conn.ExecContext(ctx, `DELETE FROM departments d USING (SELECT DISTINCT org_code, dept_code FROM new_departments) n
			WHERE d.org_code = n.org_code AND d.dept_code = n.dept_code`)
		if err != nil {
			return 0, 0, fmt.Errorf("replace departments: %w", err)
		}
		replaced, _ := res.RowsAffected()
		ins, err = execN(ctx, conn, `INSERT INTO departments SELECT * EXCLUDE (rn) FROM (
			SELECT *, row_number() OVER (PARTITION BY org_code, dept_code) AS rn FROM new_departments) WHERE rn = 1`)
		if err != nil {
			return 0, 0, fmt.Errorf("insert departments: %w", err)
		}
		_, err = conn.ExecContext(ctx, `DROP TABLE new_departments`)
		return ins, replaced, err
	})
}

// Departments returns the department dictionary of an organisation ("" =
// all), ordered by org and code.
func (db *DB) Departments(ctx context.Context, org string) ([]hospital.Department, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT org_code, dept_code, dept_name, parent_code, kind, national_code, beds
		FROM departments WHERE ? = '' OR org_code = ? ORDER BY org_code, dept_code`, org, org)
	if err != nil {
		return nil, fmt.Errorf("读取科室 read departments: %w", err)
	}
	defer rows.Close()
	var out []hospital.Department
	for rows.Next() {
		var d hospital.Department
		var name, parent, kind, nat sql.NullString
		var beds sql.NullInt64
		if err := rows.Scan(&d.OrgCode, &d.Code, &name, &parent, &kind, &nat, &beds); err != nil {
			return nil, fmt.Errorf("读取科室 read departments: %w", err)
		}
		d.Name, d.ParentCode, d.Kind, d.NationalCode, d.Beds = name.String, parent.String, hospital.DeptKind(kind.String), nat.String, int(beds.Int64)
		out = append(out, d)
	}
	return out, rows.Err()
}

// ImportVisits stores outpatient/emergency volumes in one transaction. A
// count with the key (org_code, date, monthly, dept, type) of a stored one
// replaces it, so re-importing a corrected month does not double it.
func (db *DB) ImportVisits(ctx context.Context, meta ImportMeta, visits []hospital.VisitCount, out *ImportOutcome) (*ImportResult, error) {
	if meta.Kind == "" {
		meta.Kind = KindOutpatient
	}
	return db.importRef(ctx, meta, out, func(conn *sql.Conn, importID int64) (ins, repl int64, err error) {
		if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE new_visits AS SELECT * FROM visits LIMIT 0`); err != nil {
			return 0, 0, fmt.Errorf("staging table: %w", err)
		}
		a, err := newAppender(conn, "new_visits")
		if err != nil {
			return 0, 0, err
		}
		for _, v := range visits {
			if err := a.AppendRow(v.OrgCode, v.Date, v.Monthly, vStr(v.Dept), string(v.Type), int64(v.Visits), importID); err != nil {
				a.Close()
				return 0, 0, fmt.Errorf("append visit count: %w", err)
			}
		}
		if err := a.Close(); err != nil {
			return 0, 0, fmt.Errorf("append visit counts: %w", err)
		}
		res, err := conn.ExecContext(ctx, `DELETE FROM visits v USING (SELECT DISTINCT org_code, visit_date, monthly, dept_code, visit_type FROM new_visits) n
			WHERE v.org_code = n.org_code AND v.visit_date = n.visit_date AND v.monthly = n.monthly
			  AND v.dept_code IS NOT DISTINCT FROM n.dept_code AND v.visit_type = n.visit_type`)
		if err != nil {
			return 0, 0, fmt.Errorf("replace visit counts: %w", err)
		}
		replaced, _ := res.RowsAffected()
		ins, err = execN(ctx, conn, `INSERT INTO visits SELECT * EXCLUDE (rn) FROM (
			SELECT *, row_number() OVER (PARTITION BY org_code, visit_date, monthly, dept_code, visit_type) AS rn FROM new_visits) WHERE rn = 1`)
		if err != nil {
			return 0, 0, fmt.Errorf("insert visit counts: %w", err)
		}
		_, err = conn.ExecContext(ctx, `DROP TABLE new_visits`)
		return ins, replaced, err
	})
}

// importRef is the shared transaction and bookkeeping of the reference-data
// imports: write stores the rows and returns how many stored rows it replaced.
func (db *DB) importRef(ctx context.Context, meta ImportMeta, out *ImportOutcome, write func(conn *sql.Conn, importID int64) (ins, repl int64, err error)) (*ImportResult, error) {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	started := time.Now()
	res := &ImportResult{Status: "failed", Outcome: out}
	err := db.Tx(ctx, func(conn *sql.Conn) error {
		var id int64
		if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(import_id), 0) + 1 FROM imports`).Scan(&id); err != nil {
			return fmt.Errorf("allocate import id: %w", err)
		}
		ins, replaced, err := write(conn, id)
		if err != nil {
			return err
		}
		res.ImportID, res.Status, res.Inserted, res.Replaced = id, "ok", ins, replaced
		return recordImport(ctx, conn, id, meta, started, res, "")
	})
	if err != nil {
		res.ImportID, res.Status, res.Inserted, res.Replaced = 0, "failed", 0, 0
		return res, err
	}
	return res, nil
}

func execN(ctx context.Context, conn *sql.Conn, q string) (int64, error) {
	res, err := conn.ExecContext(ctx, q)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
