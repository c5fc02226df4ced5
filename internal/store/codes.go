package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"path/filepath"
	"time"

	"github.com/yardstick-health/yardstick/internal/codes"
)

// CodeVersion describes one imported code dictionary.
type CodeVersion struct {
	System, Version, File, GreyFile string
	ImportedAt                      time.Time
	Codes, Grey, Crosswalk          int64
}

// ImportCodes stores a dictionary, replacing the system's previous one in the
// same transaction.
func (db *DB) ImportCodes(ctx context.Context, d *codes.Dict, file, greyFile string) error {
	return db.Tx(ctx, func(conn *sql.Conn) error {
		if _, err := conn.ExecContext(ctx, `DELETE FROM code_entries WHERE system = ?`, d.System); err != nil {
			return fmt.Errorf("删除旧字典 delete old dictionary: %w", err)
		}
		if _, err := conn.ExecContext(ctx, `DELETE FROM code_dicts WHERE system = ?`, d.System); err != nil {
			return fmt.Errorf("删除旧字典 delete old dictionary: %w", err)
		}
		a, err := newAppender(conn, "code_entries")
		if err != nil {
			return err
		}
		row := make([]driver.Value, 5)
		for i, c := range d.Codes() {
			if i%8192 == 0 {
				if err := ctx.Err(); err != nil {
					a.Close()
					return err
				}
			}
			row[0], row[1], row[2], row[3], row[4] = d.System, c, vStr(d.Names[c]), d.Grey[c], vStr(d.Crosswalk[c])
			if err := a.AppendRow(row...); err != nil {
				a.Close()
				return fmt.Errorf("append code %s: %w", c, err)
			}
		}
		if err := a.Close(); err != nil {
			return fmt.Errorf("flush code entries: %w", err)
		}
		grey := 0
		for c := range d.Grey {
			if _, ok := d.Names[c]; ok {
				grey++
			}
		}
		_, err = conn.ExecContext(ctx, `INSERT INTO code_dicts VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			d.System, d.Version, time.Now().UTC(), filepath.Base(file), baseOrEmpty(greyFile), d.Len(), grey, len(d.Crosswalk))
		if err != nil {
			return fmt.Errorf("record dictionary: %w", err)
		}
		return nil
	})
}

func baseOrEmpty(p string) string {
	if p == "" {
		return ""
	}
	return filepath.Base(p)
}

// CodeVersions lists the imported dictionaries.
func (db *DB) CodeVersions(ctx context.Context) ([]CodeVersion, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT system, coalesce(version, ''), imported_at, coalesce(file, ''), coalesce(grey_file, ''),
		codes, grey, crosswalk FROM code_dicts ORDER BY system`)
	if err != nil {
		return nil, fmt.Errorf("读取编码字典 list code dictionaries: %w", err)
	}
	defer rows.Close()
	var out []CodeVersion
	for rows.Next() {
		var v CodeVersion
		if err := rows.Scan(&v.System, &v.Version, &v.ImportedAt, &v.File, &v.GreyFile, &v.Codes, &v.Grey, &v.Crosswalk); err != nil {
			return nil, fmt.Errorf("scan code dictionary: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// CodeDicts loads every imported dictionary for the quality rules.
func (db *DB) CodeDicts(ctx context.Context) (codes.Set, error) {
	vers, err := db.CodeVersions(ctx)
	if err != nil {
		return nil, err
	}
	set := codes.Set{}
	for _, v := range vers {
		set[v.System] = &codes.Dict{System: v.System, Version: v.Version, Names: make(map[string]string, v.Codes), Grey: map[string]bool{}}
	}
	if len(set) == 0 {
		return set, nil
	}
	// Names are not needed by the rules; loading only codes keeps memory low.
	rows, err := db.db.QueryContext(ctx, `SELECT system, code, coalesce(grey, false), coalesce(yibao_code, '') FROM code_entries`)
	if err != nil {
		return nil, fmt.Errorf("读取编码 read codes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var sys, code, yb string
		var grey bool
		if err := rows.Scan(&sys, &code, &grey, &yb); err != nil {
			return nil, fmt.Errorf("scan code: %w", err)
		}
		d := set[sys]
		if d == nil {
			continue
		}
		d.Names[code] = ""
		if grey {
			d.Grey[code] = true
		}
		if yb != "" {
			if d.Crosswalk == nil {
				d.Crosswalk = map[string]string{}
			}
			d.Crosswalk[code] = yb
		}
	}
	return set, rows.Err()
}
