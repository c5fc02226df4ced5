// Package store is Yardstick's embedded DuckDB store: one database file holds
// the front pages of one or several hospitals (organisation codes), their
// reference data and everything features derive from them.
//
// The schema is created by versioned, embedded SQL migrations (migrations/
// NNNN_name.sql, recorded in schema_migrations). Everything keyed by a stay
// uses stay_id BIGINT; see docs/storage.md for the tables.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	// The DuckDB driver registers itself as "duckdb" with database/sql.
	_ "github.com/duckdb/duckdb-go/v2"
)

// DefaultPath is the store file used when --db is not given.
const DefaultPath = "yardstick.duckdb"

// Options tune how the store is opened. The zero value is what Open uses.
type Options struct {
	// Threads caps DuckDB's worker threads (0 = DuckDB's default, the number
	// of cores).
	Threads int
	// MemoryLimit is DuckDB's memory_limit setting, e.g. "1GB" ("" = DuckDB's
	// default, 80% of RAM). DuckDB spills to a temp directory beyond it.
	MemoryLimit string
	// ReadOnly opens the file read-only; several read-only processes may share it.
	ReadOnly bool
	// BulkLoad tunes the process's DuckDB instance for large imports: it
	// turns off preserve_insertion_order, which lets the parallel CSV loader
	// insert without reordering (measured ~10–20% less CPU per import).
	// Results of queries without ORDER BY may then come in any order, which
	// SQL allows anyway; the import command sets it, the web server does not.
	BulkLoad bool
}

// DB is an open store. It is safe for concurrent use; writes that must not
// interleave (imports) are serialised inside the process, and DuckDB allows
// only one writing process per file.
type DB struct {
	db   *sql.DB
	path string

	// writeMu serialises bulk writers inside this process: two concurrent
	// imports would both allocate stay_ids from the same max+1.
	writeMu sync.Mutex

	// chunkStays overrides defaultChunkStays (tests use small chunks to
	// exercise the pipeline).
	chunkStays int
	// readPartIDs overrides the stay ids per part of EachStay (tests use
	// small parts so both readers and part boundaries are exercised).
	readPartIDs int64
}

// ErrLocked is returned (wrapped) by Open when another process holds the file.
var ErrLocked = errors.New("数据库文件正被另一个进程使用 store file is locked by another process")

// Open opens (creating if missing) the store file at path and applies any
// pending migrations.
func Open(ctx context.Context, path string) (*DB, error) {
	return OpenWith(ctx, path, Options{})
}

// OpenWith is Open with explicit options.
func OpenWith(ctx context.Context, path string, opt Options) (*DB, error) {
	if path == "" {
		path = DefaultPath
	}
	if dir := filepath.Dir(path); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("打开数据库 open store %s: 目录不存在 directory does not exist: %s", path, dir)
		}
	}
	q := url.Values{}
	// Write the newest storage format of the bundled DuckDB: ≈ 12% less
	// CPU when bulk loading than the default (v1.0.0-compatible) format.
	// Cost: a store created this way opens only with a DuckDB at least as
	// new as the one Yardstick is built with (docs/storage.md).
	q.Set("storage_compatibility_version", "latest")
	if opt.Threads > 0 {
		q.Set("threads", fmt.Sprint(opt.Threads))
	}
	if opt.MemoryLimit != "" {
		q.Set("memory_limit", opt.MemoryLimit)
	}
	if opt.ReadOnly {
		q.Set("access_mode", "read_only")
	}
	if opt.BulkLoad {
		q.Set("preserve_insertion_order", "false")
	}
	dsn := path
	if len(q) > 0 {
		dsn += "?" + q.Encode()
	}
	sdb, err := sql.Open("duckdb", dsn)
	if err != nil {
		return nil, openError(path, err)
	}
	// Opening is lazy in database/sql: ping so a lock conflict or a file that
	// is not a DuckDB database is reported here, not on the first query.
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, openError(path, err)
	}
	db := &DB{db: sdb, path: path}
	if !opt.ReadOnly {
		if err := db.migrate(ctx); err != nil {
			sdb.Close()
			return nil, fmt.Errorf("数据库迁移失败 migrate store %s: %w", path, err)
		}
	}
	return db, nil
}

func openError(path string, err error) error {
	msg := err.Error()
	if strings.Contains(msg, "Could not set lock") || strings.Contains(msg, "Conflicting lock") {
		// DuckDB names the holding PID in its message; keep it for the user.
		return fmt.Errorf("打开数据库 open store %s: %w (%s)", path, ErrLocked, firstLine(msg))
	}
	return fmt.Errorf("打开数据库 open store %s: %w", path, err)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// Close closes the store, checkpointing the write-ahead log into the file.
func (db *DB) Close() error {
	if db == nil || db.db == nil {
		return nil
	}
	err := db.db.Close()
	db.db = nil
	if err != nil {
		return fmt.Errorf("关闭数据库 close store %s: %w", db.path, err)
	}
	return nil
}

// SQL returns the underlying database handle for queries by other packages.
func (db *DB) SQL() *sql.DB { return db.db }

// Path returns the store file name.
func (db *DB) Path() string { return db.path }

// Tx runs fn inside one transaction on a dedicated connection and commits if
// fn returns nil; otherwise (error, panic or cancelled ctx) it rolls back so
// the store is as before. fn gets a *sql.Conn rather than a *sql.Tx because
// DuckDB's Appender needs the raw connection; statements run on conn are
// part of the transaction.
func (db *DB) Tx(ctx context.Context, fn func(conn *sql.Conn) error) (err error) {
	conn, err := db.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("获取数据库连接 get connection: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		return fmt.Errorf("开始事务 begin transaction: %w", err)
	}
	done := false
	defer func() {
		if done {
			return
		}
		// Roll back even when ctx is cancelled: that is exactly the case
		// (Ctrl-C) where the store must return to its previous state.
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK"); rerr != nil && err != nil {
			err = fmt.Errorf("%w (回滚失败 rollback failed: %v)", err, rerr)
		}
		if p := recover(); p != nil {
			panic(p)
		}
	}()
	if err = fn(conn); err != nil {
		return err
	}
	if err = ctx.Err(); err != nil {
		return err
	}
	if _, err = conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("提交事务 commit: %w", err)
	}
	done = true
	return nil
}
