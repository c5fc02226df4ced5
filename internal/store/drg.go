package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"time"

	"github.com/yardstick-health/yardstick/internal/drg"
)

// GroupInput is what the DRG grouper needs of one stay, read without
// reconstructing the whole front page (EachStay builds ~150 fields and every
// child line per stay, far too slow to group a year in under two seconds).
type GroupInput struct {
	StayID   int64
	Case     drg.Case // Case.ID is empty: the stay is identified by StayID only
	DxSystem string   // YS02 (frontpage.DxGuolin2 / DxYibao2; empty = not recorded)
	PxSystem string   // YS03
	Cost     float64  // D01 total cost; 0 when missing
}

// groupStaySelect reads the scalar grouping inputs; the codes come from
// two more ordered streams merged by stay_id in Go (an ordered string_agg
// in DuckDB costs ~6 µs per stay, the plain ordered scans well under 1 µs).
const groupStaySelect = `SELECT stay_id, sex, age_years, age_days, birth_weight_1, newborn_adm_weight,
	los, discharge_way, dis_dept, dis_time, dx_code_system, px_code_system, d01 FROM stays`

// codeChunk is a run of (stay_id, seq, code) rows of one child table.
type codeChunk struct {
	ids   []int64
	seqs  []int64
	codes []string
	err   error
}

// streamCodes scans an ordered child query in its own goroutine (so the
// three scans use both cores) and sends chunks of rows; the channel closes
// at the end, after a chunk carrying the error if the scan failed.
func (db *DB) streamCodes(ctx context.Context, q string, args []any) <-chan codeChunk {
	ch := make(chan codeChunk, 4)
	go func() {
		defer close(ch)
		send := func(c codeChunk) bool {
			select {
			case ch <- c:
				return true
			case <-ctx.Done():
				return false
			}
		}
		rows, err := db.db.QueryContext(ctx, q, args...)
		if err != nil {
			send(codeChunk{err: err})
			return
		}
		defer rows.Close()
		const n = 4096
		c := codeChunk{ids: make([]int64, 0, n), seqs: make([]int64, 0, n), codes: make([]string, 0, n)}
		var id, seq int64
		var code sql.NullString
		for rows.Next() {
			if err := rows.Scan(&id, &seq, &code); err != nil {
				send(codeChunk{err: err})
				return
			}
			c.ids, c.seqs, c.codes = append(c.ids, id), append(c.seqs, seq), append(c.codes, code.String)
			if len(c.ids) == n {
				if !send(c) {
					return
				}
				c = codeChunk{ids: make([]int64, 0, n), seqs: make([]int64, 0, n), codes: make([]string, 0, n)}
			}
		}
		if err := rows.Err(); err != nil {
			send(codeChunk{err: err})
			return
		}
		if len(c.ids) > 0 {
			send(c)
		}
	}()
	return ch
}

// codeCursor walks a codeChunk stream.
type codeCursor struct {
	ch  <-chan codeChunk
	cur codeChunk
	i   int
	eof bool
	err error
}

// peek returns the stay id under the cursor (ok false at the end).
func (c *codeCursor) peek() (int64, bool) {
	for !c.eof && c.i >= len(c.cur.ids) {
		ch, ok := <-c.ch
		if !ok {
			c.eof = true
			break
		}
		if ch.err != nil {
			c.err, c.eof = ch.err, true
			break
		}
		c.cur, c.i = ch, 0
	}
	if c.eof {
		return 0, false
	}
	return c.cur.ids[c.i], true
}

// take returns the codes of stay id in seq order, skipping rows of stays
// with a smaller id (none in a consistent store). An empty principal is
// inserted when the stay has codes but no seq 0, so a missing principal line
// does not promote the first secondary code.
func (c *codeCursor) take(id int64, principal bool) []string {
	var out []string
	for {
		cid, ok := c.peek()
		if !ok || cid > id {
			return out
		}
		if cid == id {
			if out == nil && principal && c.cur.seqs[c.i] != 0 {
				out = append(out, "")
			}
			out = append(out, c.cur.codes[c.i])
		}
		c.i++
	}
}

// EachGroupInput streams the grouping inputs of the stays selected by f in
// stay_id order, in batches of up to batchSize (default 2048). Each batch is
// a fresh slice the callback may keep (e.g. hand to a worker).
//
// Case mapping (docs/drg.md, "Grouping the store"): sex A12C, age A14, age in
// days A16 (-1 when absent), birth weight A18x01 — the newborn's own birth
// weight — falling back to A17 (newborn admission weight) when A18x01 is empty,
// and only for patients under one year: on a mother's front page A18 records
// her baby's weight, which must not make her case look like a neonate's. LOS
// B20, discharge way B34C, department B16C, discharge date B15, diagnoses and
// procedures in seq order (principal first).
func (db *DB) EachGroupInput(ctx context.Context, f Filter, batchSize int, fn func([]GroupInput) error) error {
	if batchSize <= 0 {
		batchSize = 2048
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cond, args := f.where()
	stayQ, childWhere := groupStaySelect, ""
	if cond != "" {
		stayQ += " WHERE " + cond
		childWhere = " WHERE stay_id IN (SELECT stay_id FROM stays WHERE " + cond + ")"
	}
	dx := &codeCursor{ch: db.streamCodes(ctx, "SELECT stay_id, seq, code FROM stay_diagnoses"+childWhere+" ORDER BY stay_id, seq", args)}
	px := &codeCursor{ch: db.streamCodes(ctx, "SELECT stay_id, seq, code FROM stay_procedures"+childWhere+" ORDER BY stay_id, seq", args)}
	// Drain the code streams on every return path so their goroutines end.
	defer func() {
		cancel()
		for range dx.ch {
		}
		for range px.ch {
		}
	}()
	rows, err := db.db.QueryContext(ctx, stayQ+" ORDER BY stay_id", args...)
	if err != nil {
		return fmt.Errorf("读取分组数据 read grouping inputs: %w", err)
	}
	defer rows.Close()
	vals := make([]any, 13)
	dest := make([]any, len(vals))
	for i := range dest {
		dest[i] = &vals[i]
	}
	batch := make([]GroupInput, 0, batchSize)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("读取分组数据 read grouping inputs: %w", err)
		}
		batch = append(batch, GroupInput{})
		in := &batch[len(batch)-1]
		in.StayID = asInt64(vals[0])
		c := &in.Case
		c.Sex = asStr(vals[1])
		c.AgeYears = int(asInt64(vals[2]))
		c.AgeDays = -1
		if vals[3] != nil {
			c.AgeDays = int(asInt64(vals[3]))
		}
		if young := vals[2] == nil || c.AgeYears == 0; young {
			if w := asInt64(vals[4]); w > 0 {
				c.BirthWeight = int(w)
			} else if w := asInt64(vals[5]); w > 0 {
				c.BirthWeight = int(w)
			}
		}
		c.LOS = int(asInt64(vals[6]))
		c.DischargeWay = asStr(vals[7])
		c.Dept = asStr(vals[8])
		if t := asTime(vals[9]); !t.IsZero() {
			c.Discharge = time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
		}
		in.DxSystem = asStr(vals[10])
		in.PxSystem = asStr(vals[11])
		in.Cost = asFloat(vals[12])
		c.Diagnoses = dx.take(in.StayID, true)
		c.Procedures = px.take(in.StayID, false)
		if len(batch) == batchSize {
			if err := fn(batch); err != nil {
				return err
			}
			batch = make([]GroupInput, 0, batchSize)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("读取分组数据 read grouping inputs: %w", err)
	}
	for _, c := range []*codeCursor{dx, px} {
		if c.err != nil {
			return fmt.Errorf("读取诊断/手术编码 read diagnosis/procedure codes: %w", c.err)
		}
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}

// DRGResultRow is one row of drg_results.
type DRGResultRow struct {
	StayID        int64
	SchemeID      string
	SchemeVersion string
	Status        string
	MDC, ADRG     string
	DRG, DRGName  string
	CCCode        string
	CCLevel       string
	Weight        float64
	HasWeight     bool   // false = NULL weight
	WeightSource  string // "pack:<region>:<year>" or "internal"; ignored without a weight
	Tier          string // "" = NULL
	Reason        string
	Untranslated  string // | separated
}

// WeightSourceInternal marks weights computed from the store's own costs.
const WeightSourceInternal = "internal"

// WeightSourcePack is the weight_source of a pack's published table.
func WeightSourcePack(region string, year int) string {
	return fmt.Sprintf("pack:%s:%d", region, year)
}

// ReplaceDRGResults replaces the DRG results of the stays selected by f
// (all stays for the zero Filter) with rows, in one transaction: a failed or
// cancelled regrouping leaves the previous results in place. Rows are
// appended with the DuckDB appender.
func (db *DB) ReplaceDRGResults(ctx context.Context, f Filter, rows []DRGResultRow, groupedAt time.Time) error {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	return db.Tx(ctx, func(conn *sql.Conn) error {
		cond, args := f.where()
		q := `DELETE FROM drg_results`
		if cond != "" {
			q += ` WHERE stay_id IN (SELECT stay_id FROM stays WHERE ` + cond + `)`
		}
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("删除旧分组结果 delete previous DRG results: %w", err)
		}
		a, err := newAppender(conn, "drg_results")
		if err != nil {
			return err
		}
		row := make([]driver.Value, 16)
		at := groupedAt.UTC()
		for i := range rows {
			if i&4095 == 0 {
				if err := ctx.Err(); err != nil {
					a.Close()
					return err
				}
			}
			r := &rows[i]
			row[0], row[1], row[2], row[3] = r.StayID, r.SchemeID, r.SchemeVersion, r.Status
			row[4], row[5], row[6], row[7] = r.MDC, r.ADRG, r.DRG, r.DRGName
			row[8], row[9] = r.CCCode, r.CCLevel
			row[10], row[11] = nil, nil
			if r.HasWeight {
				row[10], row[11] = r.Weight, r.WeightSource
			}
			row[12] = vStr(r.Tier)
			row[13], row[14] = vStr(r.Reason), vStr(r.Untranslated)
			row[15] = at
			if err := a.AppendRow(row...); err != nil {
				a.Close()
				return fmt.Errorf("写入分组结果 append DRG result: %w", err)
			}
		}
		if err := a.Close(); err != nil {
			return fmt.Errorf("写入分组结果 flush DRG results: %w", err)
		}
		return nil
	})
}
