package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// Import kinds recorded in imports.kind.
const (
	KindFrontPage   = "frontpage"
	KindOutpatient  = "outpatient"
	KindDepartments = "departments"
)

// ImportMeta describes an import run for the imports table.
type ImportMeta struct {
	Kind string // KindFrontPage etc.; ImportStays fills it when empty
	File string // the file as the user named it
}

// RowError is one unusable input row as recorded in import_errors. It never
// holds patient identity values.
type RowError struct {
	File     string
	Line     int
	Column   string
	Field    string
	ReasonCN string
	ReasonEN string
}

// ImportOutcome is what the reader of a file reports back to the store.
type ImportOutcome struct {
	Format, Encoding, HeaderStyle string
	RowsRead, RowsGood, RowsBad   int
	Errors                        []RowError
}

// Producer reads a file and hands its good stays to emit in batches, in file
// order. emit takes ownership of the batch: the producer must not modify a
// batch (or the stays in it) after passing it, because the store appends it
// concurrently with the producer reading the next one. If emit returns an
// error the producer must stop and return it. The outcome may be non-nil
// together with an error (e.g. a strict read that met a bad row), so its row
// errors can still be recorded.
type Producer func(ctx context.Context, emit func([]frontpage.Stay) error) (*ImportOutcome, error)

// ImportResult summarises a finished (or failed) import run.
type ImportResult struct {
	ImportID int64  // 0 when the run could not be recorded
	Status   string // "ok" or "failed"
	Inserted int64  // stays stored by this run
	Replaced int64  // stays of earlier imports replaced by this run (same org + 病案号 + 住院次数)
	Outcome  *ImportOutcome
}

// ImportStays runs produce and stores the stays it emits in one
// transaction. A stay whose key (org_code, mrn, admission_no) is already in
// the store replaces the old one: the old stay_id's rows are deleted from
// every table with a stay_id column (derived results included), and within
// one run a later duplicate replaces an earlier one. If produce or the store
// fails, or ctx is cancelled, nothing is stored; a failed run (not a
// cancelled one) is then recorded in imports with status 'failed' together
// with its row errors.
func (db *DB) ImportStays(ctx context.Context, meta ImportMeta, produce Producer) (*ImportResult, error) {
	if meta.Kind == "" {
		meta.Kind = KindFrontPage
	}
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	started := time.Now()
	res := &ImportResult{Status: "failed"}
	err := db.Tx(ctx, func(conn *sql.Conn) error {
		var importID, maxStay int64
		if err := conn.QueryRowContext(ctx, `SELECT (SELECT coalesce(max(import_id), 0) + 1 FROM imports),
			(SELECT coalesce(max(stay_id), 0) FROM stays)`).Scan(&importID, &maxStay); err != nil {
			return fmt.Errorf("allocate ids: %w", err)
		}
		dir, err := os.MkdirTemp(filepath.Dir(db.path), filepath.Base(db.path)+".import-")
		if err != nil {
			return fmt.Errorf("创建临时目录 create staging directory: %w", err)
		}
		defer os.RemoveAll(dir)
		out, err := pipe(ctx, conn, dir, importID, maxStay+1, db.chunkStays, produce)
		res.Outcome = out
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		// Older stays with a key of this run: from earlier imports, or an
		// earlier row of this file (the last occurrence wins).
		if _, err := conn.ExecContext(ctx, `CREATE OR REPLACE TEMP TABLE replaced_stays AS
			SELECT s.stay_id, s.import_id FROM stays s
			JOIN (SELECT org_code, mrn, admission_no, max(stay_id) AS keep_id
			      FROM stays WHERE import_id = $1 GROUP BY ALL) k
			  ON s.org_code IS NOT DISTINCT FROM k.org_code AND s.mrn IS NOT DISTINCT FROM k.mrn
			 AND s.admission_no IS NOT DISTINCT FROM k.admission_no
			WHERE s.stay_id <> k.keep_id`, importID); err != nil {
			return fmt.Errorf("find replaced stays: %w", err)
		}
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM replaced_stays WHERE import_id <> $1`, importID).Scan(&res.Replaced); err != nil {
			return fmt.Errorf("count replaced stays: %w", err)
		}
		if _, err := deleteStays(ctx, conn, "replaced_stays"); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, `DROP TABLE replaced_stays`); err != nil {
			return fmt.Errorf("drop temp table: %w", err)
		}
		if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM stays WHERE import_id = $1`, importID).Scan(&res.Inserted); err != nil {
			return fmt.Errorf("count stored stays: %w", err)
		}
		res.ImportID, res.Status = importID, "ok"
		return recordImport(ctx, conn, importID, meta, started, res, "")
	})
	if err == nil {
		return res, nil
	}
	res.ImportID, res.Status, res.Inserted, res.Replaced = 0, "failed", 0, 0
	if ctx.Err() != nil {
		// Interrupted by the user: the store is left exactly as it was.
		return res, err
	}
	id, rerr := db.RecordFailedImport(ctx, meta, started, res.Outcome, err)
	if rerr != nil {
		return res, fmt.Errorf("%w (%v)", err, rerr)
	}
	res.ImportID = id
	return res, err
}

// RecordFailedImport records a run that stored nothing (status 'failed')
// with its row errors, so users can see why a file was refused. The data
// tables are not touched. It returns the import_id of the record.
func (db *DB) RecordFailedImport(ctx context.Context, meta ImportMeta, started time.Time, out *ImportOutcome, cause error) (int64, error) {
	res := &ImportResult{Status: "failed", Outcome: out}
	msg := "failed"
	if cause != nil {
		msg = cause.Error()
	}
	err := db.Tx(ctx, func(conn *sql.Conn) error {
		if err := conn.QueryRowContext(ctx, `SELECT coalesce(max(import_id), 0) + 1 FROM imports`).Scan(&res.ImportID); err != nil {
			return err
		}
		return recordImport(ctx, conn, res.ImportID, meta, started, res, msg)
	})
	if err != nil {
		return 0, fmt.Errorf("记录失败的导入 record failed import: %w", err)
	}
	return res.ImportID, nil
}

// pipe runs produce and stores what it emits. Three stages run at once so
// both cores stay busy: the producer parses the file; a formatter goroutine
// writes the stays as CSV into staging files, switching to a new set every
// chunk stays; a loader goroutine inserts each finished set with DuckDB's
// parallel CSV reader on conn (inside the caller's transaction) and deletes
// it. Staging disk use is bounded to about two chunks.
func pipe(ctx context.Context, conn *sql.Conn, dir string, importID, firstID int64, chunk int, produce Producer) (*ImportOutcome, error) {
	if chunk <= 0 {
		chunk = defaultChunkStays
	}
	var (
		mu      sync.Mutex
		failure error
	)
	setFail := func(err error) {
		mu.Lock()
		if failure == nil {
			failure = err
		}
		mu.Unlock()
	}
	getFail := func() error {
		mu.Lock()
		defer mu.Unlock()
		return failure
	}

	loads := make(chan *stager) // unbuffered: the formatter waits for a slow loader
	loaderDone := make(chan struct{})
	go func() {
		defer close(loaderDone)
		for st := range loads {
			if getFail() == nil {
				if err := st.load(ctx, conn); err != nil {
					setFail(err)
				}
			}
			st.remove()
		}
	}()

	batches := make(chan []frontpage.Stay, 2)
	formatterDone := make(chan struct{})
	go func() {
		defer close(formatterDone)
		defer close(loads)
		var cur *stager
		seq, nextID := 0, firstID
		for b := range batches {
			if getFail() != nil {
				continue // drain so the producer never blocks on a dead consumer
			}
			for i := range b {
				if cur == nil {
					var err error
					if cur, err = newStager(dir, seq, importID, nextID); err != nil {
						setFail(err)
						break
					}
					seq++
				}
				if err := cur.append(&b[i]); err != nil {
					setFail(err)
					break
				}
				if cur.n >= int64(chunk) {
					nextID = cur.nextID
					loads <- cur
					cur = nil
				}
			}
			if err := ctx.Err(); err != nil {
				setFail(err)
			}
		}
		if cur != nil {
			if getFail() == nil {
				loads <- cur
			} else {
				cur.remove()
			}
		}
	}()

	emit := func(b []frontpage.Stay) error {
		if err := getFail(); err != nil {
			return err
		}
		select {
		case batches <- b:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	out, perr := produce(ctx, emit)
	close(batches)
	<-formatterDone
	<-loaderDone
	if perr != nil {
		return out, perr
	}
	return out, getFail()
}

// recordImport writes the imports row and the row errors of a run.
func recordImport(ctx context.Context, conn *sql.Conn, id int64, meta ImportMeta, started time.Time, res *ImportResult, message string) error {
	out := res.Outcome
	if out == nil {
		out = &ImportOutcome{}
	}
	var msg any
	if message != "" {
		msg = message
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO imports (import_id, kind, file, format, encoding, header_style,
		started_at, finished_at, rows_read, rows_good, rows_bad, rows_inserted, rows_replaced, status, message)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		id, meta.Kind, meta.File, out.Format, out.Encoding, out.HeaderStyle, started.UTC(), time.Now().UTC(),
		out.RowsRead, out.RowsGood, out.RowsBad, res.Inserted, res.Replaced, res.Status, msg); err != nil {
		return fmt.Errorf("record import: %w", err)
	}
	if len(out.Errors) == 0 {
		return nil
	}
	a, err := newAppender(conn, "import_errors")
	if err != nil {
		return err
	}
	for _, e := range out.Errors {
		if err := a.AppendRow(id, vStr(e.File), int64(e.Line), vStr(e.Column), vStr(e.Field), vStr(e.ReasonCN), vStr(e.ReasonEN)); err != nil {
			a.Close()
			return fmt.Errorf("record import errors: %w", err)
		}
	}
	if err := a.Close(); err != nil {
		return fmt.Errorf("record import errors: %w", err)
	}
	return nil
}

// ErrNotFound is returned (wrapped) for an unknown stay.
var ErrNotFound = errors.New("未找到 not found")
