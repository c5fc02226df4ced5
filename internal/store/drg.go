package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
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

// codeSep joins codes inside one aggregated string. A control character
// cannot occur in a diagnosis or procedure code, unlike '|' or ','.
const codeSep = "\x1f"

// groupInputQuery reads the grouping inputs of every stay (optionally
// filtered): the scalar columns plus the diagnosis and procedure codes
// aggregated in seq order by DuckDB (parallel, columnar) into one string each,
// split in Go. first_dx is the lowest diagnosis seq, so a stay whose
// principal diagnosis line is missing keeps an empty principal instead of
// promoting its first secondary diagnosis.
const groupInputQuery = `SELECT s.stay_id, s.sex, s.age_years, s.age_days, s.birth_weight_1, s.newborn_adm_weight,
	s.los, s.discharge_way, s.dis_dept, s.dis_time, s.dx_code_system, s.px_code_system, s.d01,
	d.first_seq, d.codes, p.codes
FROM stays s
LEFT JOIN (SELECT stay_id, min(seq) AS first_seq, string_agg(coalesce(code, ''), chr(31) ORDER BY seq) AS codes
	FROM stay_diagnoses %[1]s GROUP BY stay_id) d ON d.stay_id = s.stay_id
LEFT JOIN (SELECT stay_id, string_agg(coalesce(code, ''), chr(31) ORDER BY seq) AS codes
	FROM stay_procedures %[1]s GROUP BY stay_id) p ON p.stay_id = s.stay_id
%[2]s
ORDER BY s.stay_id`

// EachGroupInput streams the grouping inputs of the stays selected by f in
// stay_id order, in batches of up to batchSize (default 2048). Each batch is
// a fresh slice the callback may keep (e.g. hand to a worker).
//
// Case mapping (docs/drg.md, "Grouping the store"): sex A12C, age A14, age in
// days A16 (-1 when absent), birth weight A18x01 — the newborn's own birth
// weight — falling back to A17 (newborn admission weight) when A18x01 is empty,
// and only for patients under one year: on a mother's front page A18 records
// her baby's weight, which must not make her case look like a neonate's. LOS
// B20, discharge way B34C, department B16C, discharge date B15.
func (db *DB) EachGroupInput(ctx context.Context, f Filter, batchSize int, fn func([]GroupInput) error) error {
	if batchSize <= 0 {
		batchSize = 2048
	}
	cond, args := f.where()
	childWhere, stayWhere := "", ""
	var qargs []any
	if cond != "" {
		childWhere = "WHERE stay_id IN (SELECT stay_id FROM stays WHERE " + cond + ")"
		// Every placeholder in the query text takes its own argument.
		stayWhere = "WHERE s.stay_id IN (SELECT stay_id FROM stays WHERE " + cond + ")"
		qargs = append(append(append(qargs, args...), args...), args...)
	}
	q := fmt.Sprintf(groupInputQuery, childWhere, stayWhere)
	rows, err := db.db.QueryContext(ctx, q, qargs...)
	if err != nil {
		return fmt.Errorf("读取分组数据 read grouping inputs: %w", err)
	}
	defer rows.Close()
	vals := make([]any, 16)
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
		if vals[14] != nil {
			c.Diagnoses = strings.Split(asStr(vals[14]), codeSep)
			if asInt64(vals[13]) != 0 {
				c.Diagnoses = append([]string{""}, c.Diagnoses...)
			}
		}
		if vals[15] != nil {
			c.Procedures = strings.Split(asStr(vals[15]), codeSep)
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
