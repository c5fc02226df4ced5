package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/yardstick-health/yardstick/internal/catalog"
)

// ImportCatalog stores one version of a procedure/diagnosis catalogue,
// replacing an earlier import of the same kind and version. Facts derived
// with the old catalogues are dropped so the next indicator run recomputes
// them with the new ones.
func (db *DB) ImportCatalog(ctx context.Context, c *catalog.Catalogue) error {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	return db.Tx(ctx, func(conn *sql.Conn) error {
		for _, q := range []string{"DELETE FROM catalog_entries WHERE kind = ? AND version = ?", "DELETE FROM catalog_versions WHERE kind = ? AND version = ?"} {
			if _, err := conn.ExecContext(ctx, q, string(c.Kind), c.Version); err != nil {
				return fmt.Errorf("替换目录 replace catalogue %s %s: %w", c.Kind, c.Version, err)
			}
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO catalog_versions (kind, version, source, entries) VALUES (?, ?, ?, ?)",
			string(c.Kind), c.Version, c.Source, len(c.Entries)); err != nil {
			return fmt.Errorf("写入目录版本 write catalogue version: %w", err)
		}
		a, err := newAppender(conn, "catalog_entries")
		if err != nil {
			return err
		}
		for _, e := range c.Entries {
			if err := a.AppendRow(string(c.Kind), c.Version, e.Code, vStr(e.CodeTo), vStr(e.Name), vStr(e.Value)); err != nil {
				a.Close()
				return fmt.Errorf("写入目录条目 write catalogue entries: %w", err)
			}
		}
		if err := a.Close(); err != nil {
			return fmt.Errorf("写入目录条目 write catalogue entries: %w", err)
		}
		if _, err := conn.ExecContext(ctx, "DELETE FROM stay_facts"); err != nil {
			return fmt.Errorf("清除旧病例事实 drop stale facts: %w", err)
		}
		if _, err := conn.ExecContext(ctx, "DELETE FROM stay_facts_meta"); err != nil {
			return fmt.Errorf("清除旧病例事实 drop stale facts: %w", err)
		}
		return nil
	})
}

// Catalogs loads every imported catalogue version.
func (db *DB) Catalogs(ctx context.Context) (*catalog.Library, error) {
	rows, err := db.db.QueryContext(ctx, "SELECT kind, version, COALESCE(source, '') FROM catalog_versions ORDER BY kind, version")
	if err != nil {
		return nil, fmt.Errorf("读取目录 read catalogues: %w", err)
	}
	type kv struct{ kind, version, source string }
	var vs []kv
	for rows.Next() {
		var v kv
		if err := rows.Scan(&v.kind, &v.version, &v.source); err != nil {
			rows.Close()
			return nil, fmt.Errorf("读取目录 read catalogues: %w", err)
		}
		vs = append(vs, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("读取目录 read catalogues: %w", err)
	}
	lib := &catalog.Library{}
	for _, v := range vs {
		rows, err := db.db.QueryContext(ctx, "SELECT code, COALESCE(code_to, ''), COALESCE(name, ''), COALESCE(value, '') FROM catalog_entries WHERE kind = ? AND version = ?", v.kind, v.version)
		if err != nil {
			return nil, fmt.Errorf("读取目录条目 read catalogue entries: %w", err)
		}
		var es []catalog.Entry
		for rows.Next() {
			var e catalog.Entry
			if err := rows.Scan(&e.Code, &e.CodeTo, &e.Name, &e.Value); err != nil {
				rows.Close()
				return nil, fmt.Errorf("读取目录条目 read catalogue entries: %w", err)
			}
			es = append(es, e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("读取目录条目 read catalogue entries: %w", err)
		}
		lib.Catalogues = append(lib.Catalogues, catalog.New(catalog.Kind(v.kind), v.version, v.source, es))
	}
	return lib, nil
}
