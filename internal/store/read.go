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

var staySelect = func() string {
	cols := append([]string{}, stayLeadCols...)
	for _, c := range stayCols {
		cols = append(cols, c.Name)
	}
	return "SELECT " + strings.Join(cols, ", ") + " FROM stays"
}()

// childRows streams one ordered child query; cur holds the row under the cursor.
type childRows struct {
	rows  *sql.Rows
	dest  []any
	vals  []any
	id    int64
	valid bool
	err   error
}

func openChild(ctx context.Context, db *sql.DB, query string, ncol int, args []any) (*childRows, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	c := &childRows{rows: rows, dest: make([]any, ncol), vals: make([]any, ncol)}
	for i := range c.dest {
		c.dest[i] = &c.vals[i]
	}
	c.next()
	return c, nil
}

func (c *childRows) next() {
	c.valid = false
	if c.err != nil || !c.rows.Next() {
		if c.err == nil {
			c.err = c.rows.Err()
		}
		return
	}
	if err := c.rows.Scan(c.dest...); err != nil {
		c.err = err
		return
	}
	c.id = asInt64(c.vals[0])
	c.valid = true
}

// each calls fn for the child rows of stay id (rows of ids below id, which
// a concurrent replacement could leave behind, are skipped).
func (c *childRows) each(id int64, fn func(v []any)) {
	for c.valid && c.id < id {
		c.next()
	}
	for c.valid && c.id == id {
		fn(c.vals)
		c.next()
	}
}

// EachStay calls fn for every stay matching the filter, in stay_id order,
// with its diagnoses, procedures and ICU stays. It streams four ordered
// queries and merges them by stay_id instead of querying per stay. fn gets a
// fresh Stay it may keep; returning an error stops the iteration and is
// returned.
//
// The four queries run on separate connections (DuckDB streams one result
// per connection), so they are separate snapshots: if an import commits in
// the same process while they start, a replaced stay may come without its
// lines. Commands run imports and reads in separate processes, where DuckDB's
// file lock rules this out.
func (db *DB) EachStay(ctx context.Context, f Filter, fn func(id int64, s *frontpage.Stay) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cond, args := f.where()
	stayQ := staySelect
	childWhere := ""
	if cond != "" {
		stayQ += " WHERE " + cond
		childWhere = " WHERE stay_id IN (SELECT stay_id FROM stays WHERE " + cond + ")"
	}
	stayQ += " ORDER BY stay_id"
	rows, err := db.db.QueryContext(ctx, stayQ, args...)
	if err != nil {
		return fmt.Errorf("读取病案 read stays: %w", err)
	}
	defer rows.Close()
	dx, err := openChild(ctx, db.db, "SELECT stay_id, seq, code, name, poa FROM stay_diagnoses"+childWhere+" ORDER BY stay_id, seq", 5, args)
	if err != nil {
		return fmt.Errorf("读取诊断 read diagnoses: %w", err)
	}
	defer dx.rows.Close()
	px, err := openChild(ctx, db.db, `SELECT stay_id, seq, code, name, op_date, level, surgeon, assistant1, assistant2,
		incision, anaesthesia, anaesthetist, elective FROM stay_procedures`+childWhere+" ORDER BY stay_id, seq", 13, args)
	if err != nil {
		return fmt.Errorf("读取手术操作 read procedures: %w", err)
	}
	defer px.rows.Close()
	icu, err := openChild(ctx, db.db, "SELECT stay_id, seq, icu_type, in_time, out_time FROM stay_icu"+childWhere+" ORDER BY stay_id, seq", 5, args)
	if err != nil {
		return fmt.Errorf("读取重症监护 read ICU stays: %w", err)
	}
	defer icu.rows.Close()

	n := len(stayLeadCols) + len(stayCols)
	vals := make([]any, n)
	dest := make([]any, n)
	for i := range dest {
		dest[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("读取病案 read stays: %w", err)
		}
		s := &frontpage.Stay{}
		id := asInt64(vals[0])
		s.AdmissionNo = int(asInt64(vals[2]))
		for i := range stayCols {
			setCol(s, &stayCols[i], vals[len(stayLeadCols)+i])
		}
		dx.each(id, func(v []any) {
			s.Diagnoses = append(s.Diagnoses, frontpage.Diagnosis{Code: asStr(v[2]), Name: asStr(v[3]), POA: asStr(v[4])})
		})
		px.each(id, func(v []any) {
			s.Procedures = append(s.Procedures, frontpage.Procedure{Code: asStr(v[2]), Name: asStr(v[3]), Date: asTime(v[4]),
				Level: asStr(v[5]), Surgeon: asStr(v[6]), Assistant1: asStr(v[7]), Assistant2: asStr(v[8]),
				Incision: asStr(v[9]), Anaesthesia: asStr(v[10]), Anaesthetist: asStr(v[11]), Elective: asStr(v[12])})
		})
		icu.each(id, func(v []any) {
			s.ICU = append(s.ICU, frontpage.ICUStay{Type: asStr(v[2]), In: asTime(v[3]), Out: asTime(v[4])})
		})
		for _, c := range []*childRows{dx, px, icu} {
			if c.err != nil {
				return fmt.Errorf("读取病案明细 read stay lines: %w", c.err)
			}
		}
		if err := fn(id, s); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("读取病案 read stays: %w", err)
	}
	return nil
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

func setCol(s *frontpage.Stay, c *stayCol, v any) {
	if v == nil {
		return
	}
	switch c.Kind {
	case colText:
		*c.str(s) = asStr(v)
	case colInt:
		*c.num(s) = frontpage.Some(int(asInt64(v)))
	case colFloat:
		*c.amt(s) = frontpage.Some(asFloat(v))
	case colDate, colTime:
		*c.tm(s) = asTime(v)
	case colList:
		if t := asStr(v); t != "" {
			*c.list(s) = strings.Split(t, ",")
		}
	}
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
