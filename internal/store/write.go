package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// stayWriter appends stays and their child lines through one DuckDB Appender
// per table. The Appender writes into the transaction of the connection it
// was created on (TestAppenderJoinsTransaction), so a rollback discards it.
type stayWriter struct {
	stays, dx, px, icu *duckdb.Appender
	row                []driver.Value // reused for every stays row
	child              []driver.Value
	importID           int64
	nextID             int64
	n                  int64
}

func newAppender(conn *sql.Conn, table string) (*duckdb.Appender, error) {
	var a *duckdb.Appender
	err := conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		var err error
		a, err = duckdb.NewAppenderFromConn(c, "", table)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("create appender for %s: %w", table, err)
	}
	return a, nil
}

func newStayWriter(conn *sql.Conn, importID, firstID int64) (*stayWriter, error) {
	w := &stayWriter{importID: importID, nextID: firstID,
		row: make([]driver.Value, len(stayLeadCols)+len(stayCols)), child: make([]driver.Value, 13)}
	var err error
	for _, t := range []struct {
		a    **duckdb.Appender
		name string
	}{{&w.stays, "stays"}, {&w.dx, "stay_diagnoses"}, {&w.px, "stay_procedures"}, {&w.icu, "stay_icu"}} {
		if *t.a, err = newAppender(conn, t.name); err != nil {
			w.close()
			return nil, err
		}
	}
	return w, nil
}

// close flushes and releases the appenders; the first error wins.
func (w *stayWriter) close() error {
	var first error
	for _, a := range []*duckdb.Appender{w.stays, w.dx, w.px, w.icu} {
		if a == nil {
			continue
		}
		if err := a.Close(); err != nil && first == nil {
			first = fmt.Errorf("flush appender: %w", err)
		}
	}
	w.stays, w.dx, w.px, w.icu = nil, nil, nil, nil
	return first
}

// Null conversions: absent values are stored as NULL so SQL aggregates
// (count(col), avg(col)) see absence, not zero.

func vStr(s string) driver.Value {
	if s == "" {
		return nil
	}
	return s
}

func vTime(t time.Time) driver.Value {
	if t.IsZero() {
		return nil
	}
	return t
}

func (w *stayWriter) append(s *frontpage.Stay) error {
	id := w.nextID
	w.nextID++
	r := w.row
	r[0], r[1] = id, w.importID
	if s.AdmissionNo != 0 {
		r[2] = int64(s.AdmissionNo)
	} else {
		r[2] = nil
	}
	for i := range stayCols {
		c := &stayCols[i]
		var v driver.Value
		switch c.Kind {
		case colText:
			v = vStr(*c.str(s))
		case colInt:
			if o := c.num(s); o.Valid {
				v = int64(o.V)
			}
		case colFloat:
			if o := c.amt(s); o.Valid {
				v = o.V
			}
		case colDate, colTime:
			v = vTime(*c.tm(s))
		case colList:
			if l := *c.list(s); len(l) > 0 {
				v = strings.Join(l, ",")
			}
		}
		r[len(stayLeadCols)+i] = v
	}
	if err := w.stays.AppendRow(r...); err != nil {
		return fmt.Errorf("append stay: %w", err)
	}
	for i := range s.Diagnoses {
		d := &s.Diagnoses[i]
		if err := w.dx.AppendRow(id, int32(i), vStr(d.Code), vStr(d.Name), vStr(d.POA)); err != nil {
			return fmt.Errorf("append diagnosis: %w", err)
		}
	}
	for i := range s.Procedures {
		p := &s.Procedures[i]
		c := w.child[:13]
		c[0], c[1], c[2], c[3], c[4] = id, int32(i), vStr(p.Code), vStr(p.Name), vTime(p.Date)
		c[5], c[6], c[7], c[8] = vStr(p.Level), vStr(p.Surgeon), vStr(p.Assistant1), vStr(p.Assistant2)
		c[9], c[10], c[11], c[12] = vStr(p.Incision), vStr(p.Anaesthesia), vStr(p.Anaesthetist), vStr(p.Elective)
		if err := w.px.AppendRow(c...); err != nil {
			return fmt.Errorf("append procedure: %w", err)
		}
	}
	for i := range s.ICU {
		u := &s.ICU[i]
		if err := w.icu.AppendRow(id, int32(i), vStr(u.Type), vTime(u.In), vTime(u.Out)); err != nil {
			return fmt.Errorf("append ICU stay: %w", err)
		}
	}
	w.n++
	return nil
}

// stayTables lists the base tables of the store that have a stay_id column:
// stays, its child tables and every derived table features add. Discovered
// from the catalogue so a feature's new table is covered by replacement
// without registering anywhere.
func stayTables(ctx context.Context, conn *sql.Conn) ([]string, error) {
	rows, err := conn.QueryContext(ctx, `
		SELECT DISTINCT c.table_name
		FROM duckdb_columns() c
		JOIN duckdb_tables() t USING (database_name, schema_name, table_name)
		WHERE c.column_name = 'stay_id' AND NOT t.temporary
		  AND t.database_name = current_database() AND t.schema_name = 'main'
		ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("list tables with stay_id: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// quoteIdent quotes a table name from the catalogue for use in SQL.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// deleteStays deletes the stays whose ids are in the temp table idTable
// from every table with a stay_id column and returns how many stays went.
func deleteStays(ctx context.Context, conn *sql.Conn, idTable string) (int64, error) {
	tables, err := stayTables(ctx, conn)
	if err != nil {
		return 0, err
	}
	var n int64
	for _, t := range tables {
		res, err := conn.ExecContext(ctx, `DELETE FROM `+quoteIdent(t)+` WHERE stay_id IN (SELECT stay_id FROM `+idTable+`)`)
		if err != nil {
			return 0, fmt.Errorf("delete replaced stays from %s: %w", t, err)
		}
		if t == "stays" {
			n, _ = res.RowsAffected()
		}
	}
	return n, nil
}
