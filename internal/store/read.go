package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// Filter selects stays for EachStay. Zero fields do not filter.
type Filter struct {
	OrgCodes []string // organisation codes (A01)
	// Discharge time window [DischargedFrom, DischargedTo) on B15.
	DischargedFrom, DischargedTo time.Time
	DisDepts                     []string // discharge departments (B16C)
	StayIDs                      []int64
}

// where returns the SQL condition on stays (alias-free) and its arguments.
func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	in := func(col string, n int, add func(i int)) {
		ph := make([]string, n)
		for i := 0; i < n; i++ {
			ph[i] = "?"
			add(i)
		}
		conds = append(conds, col+" IN ("+strings.Join(ph, ",")+")")
	}
	if len(f.OrgCodes) > 0 {
		in("org_code", len(f.OrgCodes), func(i int) { args = append(args, f.OrgCodes[i]) })
	}
	if !f.DischargedFrom.IsZero() {
		conds = append(conds, "dis_time >= ?")
		args = append(args, f.DischargedFrom)
	}
	if !f.DischargedTo.IsZero() {
		conds = append(conds, "dis_time < ?")
		args = append(args, f.DischargedTo)
	}
	if len(f.DisDepts) > 0 {
		in("dis_dept", len(f.DisDepts), func(i int) { args = append(args, f.DisDepts[i]) })
	}
	if len(f.StayIDs) > 0 {
		in("stay_id", len(f.StayIDs), func(i int) { args = append(args, f.StayIDs[i]) })
	}
	if len(conds) == 0 {
		return "", nil
	}
	return strings.Join(conds, " AND "), args
}

// Stay returns one stay by id, or an error wrapping ErrNotFound.
func (db *DB) Stay(ctx context.Context, id int64) (*frontpage.Stay, error) {
	var out *frontpage.Stay
	err := db.EachStay(ctx, Filter{StayIDs: []int64{id}}, func(_ int64, s *frontpage.Stay) error {
		out = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, fmt.Errorf("病案 stay %d: %w", id, ErrNotFound)
	}
	return out, nil
}

// StayIDByKey returns the stay_id of the stay with the given key, or an
// error wrapping ErrNotFound.
func (db *DB) StayIDByKey(ctx context.Context, k frontpage.Key) (int64, error) {
	var id int64
	err := db.db.QueryRowContext(ctx, `SELECT stay_id FROM stays WHERE org_code = ? AND mrn = ? AND admission_no IS NOT DISTINCT FROM ?`,
		k.OrgCode, k.MRN, nullInt(k.AdmissionNo)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("病案 stay %s/%d: %w", k.OrgCode, k.AdmissionNo, ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("查找病案 look up stay: %w", err)
	}
	return id, nil
}

// StaysWithAnyProcedure returns the ids (ascending) of the stays that have
// at least one procedure (principal or other) whose code is in codes. With
// prefix true, a code matches when it starts with one of codes (e.g. a
// category "36.1" matching "36.1000x001").
func (db *DB) StaysWithAnyProcedure(ctx context.Context, codes []string, prefix bool) ([]int64, error) {
	if len(codes) == 0 {
		return nil, nil
	}
	args := make([]any, len(codes))
	for i, c := range codes {
		args[i] = c
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(codes)), ",")
	q := `SELECT DISTINCT stay_id FROM stay_procedures WHERE code IN (` + ph + `) ORDER BY stay_id`
	if prefix {
		q = `SELECT DISTINCT p.stay_id FROM stay_procedures p JOIN (SELECT unnest([` + ph + `]) AS pre) l
			ON starts_with(p.code, l.pre) ORDER BY 1`
	}
	rows, err := db.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("按手术查找病案 stays by procedure: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return int64(n)
}

func asStr(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

func asInt64(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int32:
		return int64(x)
	case int:
		return int64(x)
	case int16:
		return int64(x)
	case int8:
		return int64(x)
	case uint64:
		return int64(x)
	case uint32:
		return int64(x)
	case float64:
		return int64(x)
	}
	return 0
}

func asFloat(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case float32:
		return float64(x)
	}
	return float64(asInt64(v))
}

func asTime(v any) time.Time {
	if t, ok := v.(time.Time); ok {
		return t.UTC()
	}
	return time.Time{}
}
