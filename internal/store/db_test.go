package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := OpenWith(context.Background(), filepath.Join(t.TempDir(), "t.duckdb"), Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.chunkStays = 50  // several staging chunks per test import
	db.readPartIDs = 23 // several parts per EachStay
	return db
}

func TestMigrationsIdempotent(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.duckdb")
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for _, m := range ms {
		want = append(want, m.Version)
	}
	for i := 0; i < 3; i++ {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("open #%d: %v", i, err)
		}
		got, err := db.AppliedMigrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("open #%d: applied %v, want %v", i, got, want)
		}
		if err := db.migrate(ctx); err != nil { // a second run in the same process is a no-op
			t.Fatal(err)
		}
		db.Close()
	}
}

func TestTxRollsBack(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	boom := errors.New("boom")
	err := db.Tx(ctx, func(c *sql.Conn) error {
		if _, err := c.ExecContext(ctx, `INSERT INTO departments (org_code, dept_code) VALUES ('X', 'D1')`); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx error %v, want boom", err)
	}
	if n := count(t, db, "departments"); n != 0 {
		t.Fatalf("rolled back insert left %d rows", n)
	}
	if err := db.Tx(ctx, func(c *sql.Conn) error {
		_, err := c.ExecContext(ctx, `INSERT INTO departments (org_code, dept_code) VALUES ('X', 'D1')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, "departments"); n != 1 {
		t.Fatalf("committed insert: %d rows, want 1", n)
	}
}

func count(t *testing.T, db *DB, table string) int64 {
	t.Helper()
	var n int64
	if err := db.SQL().QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOpenOptions(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "o.duckdb")
	db, err := OpenWith(ctx, path, Options{Threads: 1, MemoryLimit: "300MB", BulkLoad: true})
	if err != nil {
		t.Fatal(err)
	}
	var threads int64
	var pio bool
	if err := db.SQL().QueryRow(`SELECT current_setting('threads'), current_setting('preserve_insertion_order')`).Scan(&threads, &pio); err != nil {
		t.Fatal(err)
	}
	if threads != 1 || pio {
		t.Fatalf("threads %d preserve_insertion_order %v; want 1, false", threads, pio)
	}
	db.Close()
	ro, err := OpenWith(ctx, path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.SQL().Exec(`INSERT INTO departments (org_code, dept_code) VALUES ('X', 'Y')`); err == nil {
		t.Fatal("write to a read-only store succeeded")
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	notDB := filepath.Join(dir, "not.duckdb")
	if err := os.WriteFile(notDB, []byte("this is a CSV file,not a database\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{notDB, filepath.Join(dir, "missing-dir", "x.duckdb")} {
		if db, err := Open(ctx, p); err == nil {
			db.Close()
			t.Errorf("Open(%s) succeeded", p)
		} else if !strings.Contains(err.Error(), p) {
			t.Errorf("Open error does not name the file: %v", err)
		}
	}
}
