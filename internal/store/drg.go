package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
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

// groupInputQuery reads the grouping inputs in one pass: the scalar
// columns plus each stay's diagnosis and procedure codes aggregated by
// DuckDB into one string per list. The aggregation is unordered (an ordered
// string_agg costs ~6 µs per stay; streaming the child rows through
// database/sql ~1 µs per row): every element carries its seq
// ("seq\x1ecode", elements joined by \x1f, control characters that cannot
// occur in a code) and Go restores the order.
const groupInputQuery = `SELECT s.stay_id, s.sex, s.age_years, s.age_days, s.birth_weight_1, s.newborn_adm_weight,
	s.los, s.discharge_way, s.dis_dept, s.dis_time, s.dx_code_system, s.px_code_system, s.d01, d.codes, p.codes
FROM stays s
LEFT JOIN (SELECT stay_id, string_agg(CAST(seq AS VARCHAR) || chr(30) || coalesce(code, ''), chr(31)) AS codes
	FROM stay_diagnoses %[1]s GROUP BY stay_id) d ON d.stay_id = s.stay_id
LEFT JOIN (SELECT stay_id, string_agg(CAST(seq AS VARCHAR) || chr(30) || coalesce(code, ''), chr(31)) AS codes
	FROM stay_procedures %[1]s GROUP BY stay_id) p ON p.stay_id = s.stay_id
%[2]s
ORDER BY s.stay_id`

// splitCodes turns "seq\x1ecode\x1f…" into the codes in seq order. With
// principal set, a list without seq 0 gets an empty principal so a missing
// principal line does not promote the first secondary code.
func splitCodes(agg string, principal bool) []string {
	n := strings.Count(agg, "\x1f") + 1
	type el struct {
		seq  int
		code string
	}
	var buf [48]el
	els := buf[:0]
	if n > len(buf) {
		els = make([]el, 0, n)
	}
	sorted := true
	for len(agg) > 0 {
		part := agg
		if i := strings.IndexByte(agg, 0x1f); i >= 0 {
			part, agg = agg[:i], agg[i+1:]
		} else {
			agg = ""
		}
		seqText, code, _ := strings.Cut(part, "\x1e")
		seq, _ := strconv.Atoi(seqText)
		if len(els) > 0 && seq < els[len(els)-1].seq {
			sorted = false
		}
		els = append(els, el{seq, code})
	}
	if !sorted {
		sort.Slice(els, func(i, j int) bool { return els[i].seq < els[j].seq })
	}
	out := make([]string, 0, len(els)+1)
	if principal && len(els) > 0 && els[0].seq != 0 {
		out = append(out, "")
	}
	for _, e := range els {
		out = append(out, e.code)
	}
	return out
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
	cond, args := f.where()
	childWhere, stayWhere := "", ""
	var qargs []any
	if cond != "" {
		childWhere = "WHERE stay_id IN (SELECT stay_id FROM stays WHERE " + cond + ")"
		stayWhere = "WHERE s.stay_id IN (SELECT stay_id FROM stays WHERE " + cond + ")"
		// Each of the three copies of the condition takes its own arguments.
		qargs = append(append(append(qargs, args...), args...), args...)
	}
	rows, err := db.db.QueryContext(ctx, fmt.Sprintf(groupInputQuery, childWhere, stayWhere), qargs...)
	if err != nil {
		return fmt.Errorf("读取分组数据 read grouping inputs: %w", err)
	}
	defer rows.Close()
	vals := make([]any, 15)
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
		if vals[13] != nil {
			c.Diagnoses = splitCodes(asStr(vals[13]), true)
		}
		if vals[14] != nil {
			c.Procedures = splitCodes(asStr(vals[14]), false)
		}
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

// drgResultColumns are the columns ReplaceDRGResults loads, with their
// types for read_csv.
var drgResultColumns = [][2]string{
	{"stay_id", "BIGINT"}, {"scheme_id", "VARCHAR"}, {"scheme_version", "VARCHAR"}, {"status", "VARCHAR"},
	{"mdc", "VARCHAR"}, {"adrg", "VARCHAR"}, {"drg", "VARCHAR"}, {"drg_name", "VARCHAR"},
	{"cc_code", "VARCHAR"}, {"cc_level", "VARCHAR"}, {"weight", "DOUBLE"}, {"weight_source", "VARCHAR"},
	{"tier", "VARCHAR"}, {"reason", "VARCHAR"}, {"untranslated", "VARCHAR"}, {"grouped_at", "TIMESTAMP"},
}

// ReplaceDRGResults replaces the DRG results of the stays selected by f
// (all stays for the zero Filter) with rows, in one transaction: a failed or
// cancelled regrouping leaves the previous results in place.
//
// Rows go through a staging CSV file beside the store and DuckDB's parallel
// read_csv, like the import: the Appender's one cgo call per value made
// writing 160,000 results (16 columns) take about a second.
func (db *DB) ReplaceDRGResults(ctx context.Context, f Filter, rows []DRGResultRow, groupedAt time.Time) error {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	tmp, err := os.CreateTemp(filepath.Dir(db.path), filepath.Base(db.path)+".drg-*.csv")
	if err != nil {
		return fmt.Errorf("创建临时文件 create staging file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := writeDRGCSV(ctx, tmp, rows, groupedAt); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("写临时文件 write staging file: %w", err)
	}
	return db.Tx(ctx, func(conn *sql.Conn) error {
		cond, args := f.where()
		q := `DELETE FROM drg_results`
		if cond != "" {
			q += ` WHERE stay_id IN (SELECT stay_id FROM stays WHERE ` + cond + `)`
		}
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("删除旧分组结果 delete previous DRG results: %w", err)
		}
		if len(rows) == 0 {
			return nil
		}
		names := make([]string, len(drgResultColumns))
		spec := make([]string, len(drgResultColumns))
		for i, c := range drgResultColumns {
			names[i] = c[0]
			spec[i] = fmt.Sprintf("'%s': '%s'", c[0], c[1])
		}
		q = fmt.Sprintf(`INSERT INTO drg_results (%s) SELECT * FROM read_csv('%s', header = false, delim = ',', quote = '"', escape = '"',
			columns = {%s}, new_line = '\n', auto_detect = false)`,
			strings.Join(names, ", "), strings.ReplaceAll(tmp.Name(), "'", "''"), strings.Join(spec, ", "))
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("写入分组结果 load DRG results: %w", err)
		}
		return nil
	})
}

func writeDRGCSV(ctx context.Context, w io.Writer, rows []DRGResultRow, groupedAt time.Time) error {
	var c csvBuf
	at := groupedAt.UTC()
	for i := range rows {
		if i&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		r := &rows[i]
		c.row()
		c.int(r.StayID)
		c.str(r.SchemeID)
		c.str(r.SchemeVersion)
		c.str(r.Status)
		c.str(r.MDC)
		c.str(r.ADRG)
		c.str(r.DRG)
		c.str(r.DRGName)
		c.str(r.CCCode)
		c.str(r.CCLevel)
		if r.HasWeight {
			c.float(r.Weight)
			c.str(r.WeightSource)
		} else {
			c.null()
			c.null()
		}
		c.str(r.Tier)
		c.str(r.Reason)
		c.str(r.Untranslated)
		c.ts(at)
		c.end()
		if len(c.b) >= 256<<10 {
			if _, err := w.Write(c.b); err != nil {
				return fmt.Errorf("写临时文件 write staging file: %w", err)
			}
			c.b = c.b[:0]
		}
	}
	if _, err := w.Write(c.b); err != nil {
		return fmt.Errorf("写临时文件 write staging file: %w", err)
	}
	return nil
}
