package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"strings"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// newAppender returns a DuckDB Appender on conn. Appended rows join the
// connection's open transaction (TestAppenderJoinsTransaction). Used for the
// small tables (import errors, departments, visits); stays are bulk loaded
// through staging files (stage.go).
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
