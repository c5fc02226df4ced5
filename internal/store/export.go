package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// ExportOptions control ExportParquet.
type ExportOptions struct {
	// IncludeIdentity keeps the patient identity columns of stays (name, ID
	// number, addresses, phones: the registry's Identity fields). By default
	// they are left out, as in every other export of Yardstick.
	IncludeIdentity bool
}

// ExportedTable is one written Parquet file.
type ExportedTable struct {
	Table string `json:"table"`
	File  string `json:"file"`
	Rows  int64  `json:"rows"`
}

// exportSkip are tables that are not data: bookkeeping of the store and
// the web server's accounts and audit log (password hashes must never leave
// the store).
func exportSkip(table string) bool {
	return table == "schema_migrations" || strings.HasPrefix(table, "web_")
}

// ExportParquet writes every data table of the store to dir/<table>.parquet
// with DuckDB's COPY, so the store can be loaded into a distributed engine.
// dir is created if missing. Existing files of the same name are replaced.
func (db *DB) ExportParquet(ctx context.Context, dir string, opt ExportOptions) ([]ExportedTable, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("创建目录 create %s: %w", dir, err)
	}
	rows, err := db.db.QueryContext(ctx, `SELECT table_name FROM duckdb_tables()
		WHERE database_name = current_database() AND schema_name = 'main' AND NOT temporary ORDER BY table_name`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return nil, err
		}
		if !exportSkip(t) {
			tables = append(tables, t)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []ExportedTable
	for _, t := range tables {
		sel := "SELECT * FROM " + quoteIdent(t)
		switch t {
		case "stays":
			sel = staysExportSQL(opt.IncludeIdentity)
		case "stay_procedures":
			sel = proceduresExportSQL()
		}
		file := filepath.Join(dir, t+".parquet")
		q := fmt.Sprintf(`COPY (%s) TO '%s' (FORMAT parquet, COMPRESSION zstd)`, sel, strings.ReplaceAll(file, "'", "''"))
		if _, err := db.db.ExecContext(ctx, q); err != nil {
			return out, fmt.Errorf("导出 export %s to %s: %w", t, file, err)
		}
		var n int64
		if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM `+quoteIdent(t)).Scan(&n); err != nil {
			return out, fmt.Errorf("count %s: %w", t, err)
		}
		out = append(out, ExportedTable{Table: t, File: file, Rows: n})
	}
	return out, nil
}

// staysExportSQL selects stays with one column per field, in stayCols
// order: the packed text fields are unpacked (columns.go), so the Parquet
// file has the same columns as before they were packed. Identity fields
// (name, ID number, addresses, phones: the registry's Identity fields) are
// left out unless includeIdentity.
func staysExportSQL(includeIdentity bool) string {
	sel := append([]string(nil), stayLeadCols...)
	k := 0
	for _, c := range stayCols {
		expr := c.Name
		if c.Packed {
			expr = unpackSQL("_f", k) + " AS " + c.Name
			k++
		}
		if f, ok := frontpage.FieldByCode(c.Code); ok && f.Identity && !includeIdentity {
			continue
		}
		sel = append(sel, expr)
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM (SELECT *, string_split(" + packedColumn + ", chr(31)) AS _f FROM stays)"
}
