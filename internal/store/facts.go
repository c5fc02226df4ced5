package store

import (
	"context"
	"database/sql"

	"fmt"
	duckdb "github.com/duckdb/duckdb-go/v2"
	"sort"
	"strings"

	"github.com/yardstick-health/yardstick/internal/catalog"
	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/indicator"
)

// FactStats reports a RefreshFacts run.
type FactStats struct {
	Derived   int   // stays whose facts were computed in this run
	Total     int64 // stays with facts after the run
	DRGSynced int64 // facts whose DRG fields changed from drg_results
}

// factChunk bounds the stay ids per EachStay call when only some stays need
// facts (the id list becomes an IN list).
const factChunk = 5000

// RefreshFacts derives the case-level facts (stay_facts) of every stay that
// has none, with the catalogues chosen per discharge year from lib, then
// brings the cross-stay columns up to date: DRG fields from drg_results (when
// the grouper has written it), 31-day readmissions and the DRG reference
// values (time/cost ratios, internal weights, estimated low-risk tiers).
// Those cross-stay steps run only when something changed, so a repeated
// indicator run on an unchanged store costs two counts.
func (db *DB) RefreshFacts(ctx context.Context, lib *catalog.Library) (FactStats, error) {
	db.writeMu.Lock()
	defer db.writeMu.Unlock()
	var st FactStats
	var missing []int64
	rows, err := db.db.QueryContext(ctx, `SELECT stay_id FROM stays s WHERE NOT EXISTS (SELECT 1 FROM stay_facts f WHERE f.stay_id = s.stay_id) ORDER BY stay_id`)
	if err != nil {
		return st, fmt.Errorf("查找缺少事实的病例 find stays without facts: %w", err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return st, fmt.Errorf("查找缺少事实的病例 find stays without facts: %w", err)
		}
		missing = append(missing, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("查找缺少事实的病例 find stays without facts: %w", err)
	}
	var total int64
	if err := db.db.QueryRowContext(ctx, "SELECT count(*) FROM stays").Scan(&total); err != nil {
		return st, fmt.Errorf("统计病例 count stays: %w", err)
	}

	changed := false
	if len(missing) > 0 {
		changed = true
		sets := map[int]*catalog.Set{}
		years := map[int]bool{}
		err := db.Tx(ctx, func(conn *sql.Conn) error {
			a, err := newAppender(conn, "stay_facts")
			if err != nil {
				return err
			}
			emit := func(id int64, s *frontpage.Stay) error {
				y := s.DisTime.Year()
				set := sets[y]
				if set == nil {
					set = lib.For(y)
					sets[y] = set
				}
				years[y] = true
				f := indicator.Derive(id, s, set, indicator.DRGInfo{})
				st.Derived++
				return appendFact(a, &f)
			}
			if int64(len(missing)) == total {
				err = db.EachStay(ctx, Filter{}, emit)
			} else {
				for i := 0; i < len(missing) && err == nil; i += factChunk {
					err = db.EachStay(ctx, Filter{StayIDs: missing[i:min(i+factChunk, len(missing))]}, emit)
				}
			}
			if err != nil {
				a.Close()
				return fmt.Errorf("计算病例事实 derive facts: %w", err)
			}
			if err := a.Close(); err != nil {
				return fmt.Errorf("写入病例事实 write facts: %w", err)
			}
			ys := make([]int, 0, len(years))
			for y := range years {
				ys = append(ys, y)
			}
			sort.Ints(ys)
			for _, y := range ys {
				if _, err := conn.ExecContext(ctx, "DELETE FROM stay_facts_meta WHERE year = ?", y); err != nil {
					return fmt.Errorf("写入目录说明 write catalogue notes: %w", err)
				}
				for i, n := range sets[y].Notes {
					if _, err := conn.ExecContext(ctx, "INSERT INTO stay_facts_meta (year, seq, note) VALUES (?, ?, ?)", y, i, n); err != nil {
						return fmt.Errorf("写入目录说明 write catalogue notes: %w", err)
					}
				}
			}
			return nil
		})
		if err != nil {
			return st, err
		}
	}
	n, err := db.syncDRG(ctx)
	if err != nil {
		return st, err
	}
	st.DRGSynced = n
	if changed || n > 0 {
		if _, err := db.db.ExecContext(ctx, readmitSQL); err != nil {
			return st, fmt.Errorf("更新31天再住院 update readmissions: %w", err)
		}
		if err := db.applyReferences(ctx); err != nil {
			return st, err
		}
	}
	if err := db.db.QueryRowContext(ctx, "SELECT count(*) FROM stay_facts").Scan(&st.Total); err != nil {
		return st, fmt.Errorf("统计病例事实 count facts: %w", err)
	}
	return st, nil
}

func appendFact(a *duckdb.Appender, f *indicator.Fact) error {
	return a.AppendRow(f.StayID, f.OrgCode, f.Campus, f.Dept, f.Doctor, int32(f.Year), int32(f.Month),
		vTime(f.AdmDate), vTime(f.DisDate), f.MRNKey, f.IDKey, f.ReadmitPlanned,
		true, f.Surgical, f.Level4, f.MinInvasive, f.Elective, f.DaySurgery, int32(f.Operations),
		f.ComplElig, f.Complication, int32(f.Class1Ops), int32(f.Class1Inf), f.Death, f.Readmit31,
		int32(f.LOS), f.PreopValid, int32(f.PreopDays), f.TotalCost, f.DrugCost, f.MaterialCost, f.ExamCost, f.Antibiotic,
		f.Grouped, f.DRG, f.ADRG, f.MDC, f.SrcWeight, int32(f.SrcTier), f.Weight, int32(f.Tier), f.LowRisk, f.LOSRatio, f.CostRatio,
		f.Level3) // added by migration 0301
}

// tableColumns returns the lower-case column names of a table, or nil when
// the table does not exist.
func (db *DB) tableColumns(ctx context.Context, table string) (map[string]bool, error) {
	rows, err := db.db.QueryContext(ctx, "SELECT lower(column_name) FROM information_schema.columns WHERE table_name = ?", table)
	if err != nil {
		return nil, fmt.Errorf("读取表结构 read columns of %s: %w", table, err)
	}
	defer rows.Close()
	var cols map[string]bool
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, fmt.Errorf("读取表结构 read columns of %s: %w", table, err)
		}
		if cols == nil {
			cols = map[string]bool{}
		}
		cols[c] = true
	}
	return cols, rows.Err()
}

// syncDRG copies the grouper's results into the facts. drg_results is
// written by the DRG feature; its columns are read by name so the facts work
// with whatever subset it has (drg, adrg, mdc, status, weight|rw, tier).
// A stay is grouped when it has a DRG that is not 0000/…QY and, if there is a
// status column, the status says grouped.
func (db *DB) syncDRG(ctx context.Context) (int64, error) {
	cols, err := db.tableColumns(ctx, "drg_results")
	if err != nil || cols == nil || !cols["stay_id"] || !cols["drg"] {
		return 0, err
	}
	str := func(c string) string {
		if cols[c] {
			return "COALESCE(CAST(" + c + " AS VARCHAR), '')"
		}
		return "''"
	}
	grouped := "(" + str("drg") + " NOT IN ('', '0000') AND " + str("drg") + " NOT LIKE '%QY')"
	if cols["status"] {
		grouped += " AND lower(" + str("status") + ") IN ('grouped', '1', '分组成功')"
	}
	weight := "0"
	for _, c := range []string{"weight", "rw"} {
		if cols[c] {
			weight = "COALESCE(TRY_CAST(" + c + " AS DOUBLE), 0)"
			break
		}
	}
	tier := "0"
	if cols["tier"] {
		tier = "CASE lower(" + str("tier") + ") WHEN '1' THEN 1 WHEN 'low' THEN 1 WHEN '低风险' THEN 1 WHEN '2' THEN 2 WHEN 'mid-low' THEN 2 WHEN '中低风险' THEN 2 WHEN '3' THEN 3 WHEN 'mid-high' THEN 3 WHEN '中高风险' THEN 3 WHEN '4' THEN 4 WHEN 'high' THEN 4 WHEN '高风险' THEN 4 ELSE 0 END"
	}
	g := `SELECT stay_id, ` + grouped + ` AS grouped, ` + str("drg") + ` AS drg, ` + str("adrg") + ` AS adrg, ` + str("mdc") + ` AS mdc,
		` + weight + ` AS w, ` + tier + ` AS t FROM drg_results QUALIFY row_number() OVER (PARTITION BY stay_id ORDER BY ` + str("drg") + `) = 1`
	q := `UPDATE stay_facts SET grouped = g.grouped, drg = CASE WHEN g.grouped THEN g.drg ELSE '' END,
		adrg = CASE WHEN g.grouped THEN g.adrg ELSE '' END, mdc = CASE WHEN g.grouped THEN g.mdc ELSE '' END,
		src_weight = g.w, src_tier = g.t
		FROM (` + g + `) g
		WHERE stay_facts.stay_id = g.stay_id AND (stay_facts.grouped IS DISTINCT FROM g.grouped
			OR stay_facts.drg IS DISTINCT FROM (CASE WHEN g.grouped THEN g.drg ELSE '' END)
			OR stay_facts.adrg IS DISTINCT FROM (CASE WHEN g.grouped THEN g.adrg ELSE '' END)
			OR stay_facts.src_weight IS DISTINCT FROM g.w OR stay_facts.src_tier IS DISTINCT FROM g.t)`
	res, err := db.db.ExecContext(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("同步DRG结果 sync drg_results: %w", err)
	}
	n, _ := res.RowsAffected()
	// Stays whose grouping was removed.
	res, err = db.db.ExecContext(ctx, `UPDATE stay_facts SET grouped = FALSE, drg = '', adrg = '', mdc = '', src_weight = 0, src_tier = 0
		WHERE grouped AND NOT EXISTS (SELECT 1 FROM drg_results r WHERE r.stay_id = stay_facts.stay_id)`)
	if err != nil {
		return 0, fmt.Errorf("同步DRG结果 sync drg_results: %w", err)
	}
	m, _ := res.RowsAffected()
	return n + m, nil
}

// readmitSQL is indicator.Link in SQL: per patient key (org|病案号, then ID
// hash) the next admission by admission date; an index discharge whose B36C
// is not 2 is readmitted when that admission is 0–31 days after it.
var readmitSQL = strings.ReplaceAll(`UPDATE stay_facts SET readmit31 = COALESCE(r.flag, FALSE)
FROM (SELECT f.stay_id, bool_or(COALESCE(x.flag, FALSE)) AS flag FROM stay_facts f LEFT JOIN (
	SELECT stay_id, NOT COALESCE(readmit_planned, FALSE) AND dis_date IS NOT NULL AND nxt IS NOT NULL
		AND date_diff('day', dis_date, nxt) BETWEEN 0 AND WINDOW AS flag
	FROM (SELECT stay_id, readmit_planned, dis_date, lead(adm_date) OVER (PARTITION BY mrn_key ORDER BY adm_date, stay_id) AS nxt
		FROM stay_facts WHERE mrn_key <> '' AND adm_date IS NOT NULL)
	UNION ALL
	SELECT stay_id, NOT COALESCE(readmit_planned, FALSE) AND dis_date IS NOT NULL AND nxt IS NOT NULL
		AND date_diff('day', dis_date, nxt) BETWEEN 0 AND WINDOW AS flag
	FROM (SELECT stay_id, readmit_planned, dis_date, lead(adm_date) OVER (PARTITION BY id_key ORDER BY adm_date, stay_id) AS nxt
		FROM stay_facts WHERE id_key <> '' AND adm_date IS NOT NULL)
) x ON x.stay_id = f.stay_id GROUP BY f.stay_id) r
WHERE stay_facts.stay_id = r.stay_id AND stay_facts.readmit31 IS DISTINCT FROM r.flag`, "WINDOW", fmt.Sprint(indicator.ReadmitWindow))

const resetRefsSQL = `UPDATE stay_facts SET los_ratio = 0, cost_ratio = 0, weight = src_weight, tier = src_tier, low_risk = FALSE
WHERE NOT grouped OR drg = ''`

// refsSQL is indicator.ApplyReferences in SQL: reference means per (year,
// DRG) in SQL, internal weights and estimated tiers from the temporary table
// ref_drg that applyReferences fills with the DRG engine's functions.
const refsSQL = `UPDATE stay_facts SET
	los_ratio = CASE WHEN t.mlos > 0 THEN stay_facts.los / t.mlos ELSE 0 END,
	cost_ratio = CASE WHEN t.mcost > 0 THEN stay_facts.total_cost / t.mcost ELSE 0 END,
	weight = CASE WHEN stay_facts.src_weight <> 0 THEN stay_facts.src_weight ELSE t.w END,
	tier = CASE WHEN stay_facts.src_tier <> 0 THEN stay_facts.src_tier ELSE t.tier END,
	low_risk = (CASE WHEN stay_facts.src_tier <> 0 THEN stay_facts.src_tier ELSE t.tier END) = 1
FROM (SELECT r.year, r.drg, r.mlos, r.mcost, COALESCE(x.w, 0) AS w, COALESCE(x.tier, 0) AS tier
	FROM (SELECT year, drg, avg(los) AS mlos, avg(total_cost) AS mcost FROM stay_facts WHERE grouped AND drg <> '' GROUP BY year, drg) r
	LEFT JOIN ref_drg x ON x.year = r.year AND x.drg = r.drg) t
WHERE stay_facts.year = t.year AND stay_facts.drg = t.drg AND stay_facts.grouped`

// applyReferences recomputes the DRG reference columns of all facts. Tiers
// and internal weights come from the DRG engine's pure functions (through
// indicator.EstimateTiers and indicator.InternalWeights) over per-(year,
// DRG) statistics read from the facts; the costs of every grouped stay are
// read only when some stay lacks a grouper weight.
func (db *DB) applyReferences(ctx context.Context) error {
	type yd struct {
		year int
		drg  string
	}
	rates := map[int]map[string][2]float64{}
	rows, err := db.db.QueryContext(ctx, `SELECT year, drg, count(*), count(*) FILTER (WHERE death) FROM stay_facts WHERE grouped AND drg <> '' GROUP BY ALL`)
	if err != nil {
		return fmt.Errorf("DRG死亡率 DRG mortality: %w", err)
	}
	for rows.Next() {
		var y, n, d int64
		var g string
		if err := rows.Scan(&y, &g, &n, &d); err != nil {
			rows.Close()
			return fmt.Errorf("DRG死亡率 DRG mortality: %w", err)
		}
		if rates[int(y)] == nil {
			rates[int(y)] = map[string][2]float64{}
		}
		rates[int(y)][g] = [2]float64{float64(d), float64(n)}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("DRG死亡率 DRG mortality: %w", err)
	}
	refs := map[yd][2]float64{} // weight, tier
	for y, r := range rates {
		for g, t := range indicator.EstimateTiers(r) {
			refs[yd{y, g}] = [2]float64{0, float64(t)}
		}
	}
	var lacking int64
	if err := db.db.QueryRowContext(ctx, "SELECT count(*) FROM stay_facts WHERE grouped AND drg <> '' AND src_weight = 0").Scan(&lacking); err != nil {
		return fmt.Errorf("DRG权重 DRG weights: %w", err)
	}
	if lacking > 0 {
		costs := map[int]map[string][]float64{}
		rows, err := db.db.QueryContext(ctx, "SELECT year, drg, total_cost FROM stay_facts WHERE grouped AND drg <> ''")
		if err != nil {
			return fmt.Errorf("DRG权重 DRG weights: %w", err)
		}
		for rows.Next() {
			var y int64
			var g string
			var c sql.NullFloat64
			if err := rows.Scan(&y, &g, &c); err != nil {
				rows.Close()
				return fmt.Errorf("DRG权重 DRG weights: %w", err)
			}
			if costs[int(y)] == nil {
				costs[int(y)] = map[string][]float64{}
			}
			costs[int(y)][g] = append(costs[int(y)][g], c.Float64)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("DRG权重 DRG weights: %w", err)
		}
		for y, byDRG := range costs {
			for g, w := range indicator.InternalWeights(byDRG) {
				r := refs[yd{y, g}]
				r[0] = w
				refs[yd{y, g}] = r
			}
		}
	}
	return db.Tx(ctx, func(conn *sql.Conn) error {
		if _, err := conn.ExecContext(ctx, "CREATE OR REPLACE TEMP TABLE ref_drg (year INTEGER, drg VARCHAR, w DOUBLE, tier INTEGER)"); err != nil {
			return fmt.Errorf("DRG参照值 DRG references: %w", err)
		}
		a, err := newAppender(conn, "ref_drg")
		if err != nil {
			return err
		}
		for k, r := range refs {
			if err := a.AppendRow(int32(k.year), k.drg, r[0], int32(r[1])); err != nil {
				a.Close()
				return fmt.Errorf("DRG参照值 DRG references: %w", err)
			}
		}
		if err := a.Close(); err != nil {
			return fmt.Errorf("DRG参照值 DRG references: %w", err)
		}
		for _, q := range []string{resetRefsSQL, refsSQL, "DROP TABLE ref_drg"} {
			if _, err := conn.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("DRG参照值 DRG references: %w", err)
			}
		}
		return nil
	})
}
