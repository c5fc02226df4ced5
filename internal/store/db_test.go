package store

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"reflect"
	"testing"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := OpenWith(context.Background(), filepath.Join(t.TempDir(), "t.duckdb"), Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.chunkStays = 50 // several staging chunks per test import
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
