package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// tableInfo says whether a derived table written by another feature exists
// and which of its columns the pages use. The DRG and quality features add
// their tables through their own migrations; until then (or on a store where
// nothing was grouped) the pages say so instead of showing numbers.
type tableInfo struct {
	ok      bool // has the needed columns and at least one row
	hasCols bool // has the needed columns
	cols    map[string]bool
	at      time.Time
}

type tableCache struct {
	mu sync.Mutex
	m  map[string]tableInfo
}

func (s *Server) tableInfo(ctx context.Context, table string, need ...string) tableInfo {
	s.tables.mu.Lock()
	ti, ok := s.tables.m[table]
	s.tables.mu.Unlock()
	if ok && time.Since(ti.at) < 30*time.Second {
		return ti
	}
	ti = tableInfo{cols: map[string]bool{}, at: time.Now()}
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT column_name FROM information_schema.columns WHERE table_name = ?`, table)
	if err == nil {
		for rows.Next() {
			var c string
			if rows.Scan(&c) == nil {
				ti.cols[strings.ToLower(c)] = true
			}
		}
		rows.Close()
	}
	ti.hasCols = len(ti.cols) > 0
	for _, n := range need {
		if !ti.cols[n] {
			ti.hasCols = false
		}
	}
	ti.ok = ti.hasCols
	if ti.ok {
		// A table that exists but holds no rows is "not grouped yet" too.
		var n int
		if err := s.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM `+table+` LIMIT 1)`).Scan(&n); err != nil || n == 0 {
			ti.ok = false
		}
	}
	s.tables.mu.Lock()
	if s.tables.m == nil {
		s.tables.m = map[string]tableInfo{}
	}
	s.tables.m[table] = ti
	s.tables.mu.Unlock()
	return ti
}

// drgInfo reports whether DRG results are available. The pages read them
// from stay_facts (indicator feature), which normalises whatever the grouper
// wrote (drg, mdc, weight, tier) and adds per-stay cost and time ratios
// against the hospital's own average of the same DRG and year.
func (s *Server) drgInfo(ctx context.Context) tableInfo {
	ti := s.tableInfo(ctx, "stay_facts", "stay_id", "grouped", "drg", "weight", "low_risk", "cost_ratio", "los_ratio")
	if ti.ok {
		var n int
		if err := s.db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM stay_facts WHERE grouped LIMIT 1)`).Scan(&n); err != nil || n == 0 {
			ti.ok = false
		}
	}
	return ti
}

// qcInfo reports whether quality checks have run (qc_scores has rows) and
// which qc_findings columns exist.
func (s *Server) qcInfo(ctx context.Context) tableInfo {
	f := s.tableInfo(ctx, "qc_findings", "stay_id", "rule_id", "severity")
	sc := s.tableInfo(ctx, "qc_scores", "stay_id", "score")
	f.ok = f.hasCols && sc.ok
	return f
}

type drgGroup struct {
	DRG       string   `json:"drg"`
	Name      string   `json:"name"`
	N         int      `json:"n"`
	Weight    float64  `json:"weight"`
	AvgCost   *float64 `json:"avg_cost"`
	AvgLOS    *float64 `json:"avg_los"`
	CostIndex *float64 `json:"cost_index"` // vs the hospital's average of the same DRG
	TimeIndex *float64 `json:"time_index"`
	Deaths    int      `json:"deaths"`
}

type drgSummary struct {
	Grouped     bool       `json:"grouped"`
	Scheme      string     `json:"scheme"`
	Stays       int        `json:"stays"`
	GroupedN    int        `json:"grouped_n"`
	Ungrouped   int        `json:"ungrouped"`
	Groups      int        `json:"groups"` // distinct DRGs
	CMI         *float64   `json:"cmi"`
	TotalWeight float64    `json:"total_weight"`
	CostIndex   *float64   `json:"cost_index"`
	TimeIndex   *float64   `json:"time_index"`
	LowRiskN    int        `json:"low_risk_n"`
	LowRiskD    int        `json:"low_risk_deaths"`
	Top         []drgGroup `json:"top"` // by volume
	MDC         []drgGroup `json:"mdc"` // case mix by MDC (DRG field holds the MDC)
}

func inList(col string, n int) string {
	if n == 0 {
		return "false"
	}
	return col + " IN (" + strings.TrimSuffix(strings.Repeat("?,", n), ",") + ")"
}

func (s *Server) drgSummary(ctx context.Context, year int, depts []string) (*drgSummary, error) {
	ti := s.drgInfo(ctx)
	out := &drgSummary{Top: []drgGroup{}, MDC: []drgGroup{}}
	if !ti.ok {
		return out, nil
	}
	out.Grouped = true
	args := []any{year}
	deptWhere := "true"
	if depts != nil {
		deptWhere = inList("b.dis_dept", len(depts))
		for _, d := range depts {
			args = append(args, d)
		}
	}
	// Cost and time indices average the per-stay ratios of stay_facts: each
	// stay's cost (LOS) over the hospital-wide average of its DRG that year,
	// so the whole hospital is 1.00 and a department shows where it stands.
	q := `WITH base AS (
			SELECT s.stay_id, s.dis_dept, s.d01, s.los, s.discharge_way = '5' AS died,
				g.drg, '' AS drg_name, g.mdc, '' AS scheme, g.weight, g.low_risk AS lowrisk, g.grouped AS ok,
				g.cost_ratio, g.los_ratio
			FROM stays s JOIN stay_facts g ON g.stay_id = s.stay_id
			WHERE year(s.dis_time) = ?),
		sc AS (SELECT b.* FROM base b WHERE ` + deptWhere + `)
		SELECT CASE WHEN ok THEN drg ELSE '' END AS d, any_value(drg_name), any_value(mdc), any_value(scheme), count(*), coalesce(avg(weight), 0),
			avg(d01), avg(los), avg(cost_ratio) FILTER (WHERE cost_ratio > 0), avg(los_ratio) FILTER (WHERE los_ratio > 0),
			count(*) FILTER (WHERE died), count(*) FILTER (WHERE lowrisk), count(*) FILTER (WHERE lowrisk AND died), bool_or(coalesce(ok, false))
		FROM sc GROUP BY 1 ORDER BY count(*) DESC, 1`
	// The year is bound once (base) and the departments after it (sc).
	rows, err := s.db.SQL().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("DRG汇总 DRG summary: %w", err)
	}
	defer rows.Close()
	mdc := map[string]*drgGroup{}
	var costW, timeW, idxN float64
	for rows.Next() {
		var g drgGroup
		var code, name, m, scheme *string
		var ci, ti2, ac, al *float64
		var lowN, lowD int
		var ok bool
		if err := rows.Scan(&code, &name, &m, &scheme, &g.N, &g.Weight, &ac, &al, &ci, &ti2, &g.Deaths, &lowN, &lowD, &ok); err != nil {
			return nil, fmt.Errorf("DRG汇总 DRG summary: %w", err)
		}
		out.Stays += g.N
		if !ok {
			out.Ungrouped += g.N
			continue
		}
		if code != nil {
			g.DRG = *code
		}
		if name != nil {
			g.Name = *name
		}
		if scheme != nil && out.Scheme == "" {
			out.Scheme = *scheme
		}
		g.AvgCost, g.AvgLOS, g.CostIndex, g.TimeIndex = ac, al, ci, ti2
		out.GroupedN += g.N
		out.Groups++
		out.TotalWeight += g.Weight * float64(g.N)
		out.LowRiskN += lowN
		out.LowRiskD += lowD
		if ci != nil && ti2 != nil {
			costW += *ci * float64(g.N)
			timeW += *ti2 * float64(g.N)
			idxN += float64(g.N)
		}
		if len(out.Top) < 30 {
			out.Top = append(out.Top, g)
		}
		key := ""
		if m != nil {
			key = *m
		}
		if mdc[key] == nil {
			mdc[key] = &drgGroup{DRG: key}
		}
		mdc[key].N += g.N
		mdc[key].Weight += g.Weight * float64(g.N)
		mdc[key].Deaths += g.Deaths
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("DRG汇总 DRG summary: %w", err)
	}
	if out.GroupedN > 0 {
		v := out.TotalWeight / float64(out.GroupedN)
		out.CMI = &v
	}
	if idxN > 0 {
		a, b := costW/idxN, timeW/idxN
		out.CostIndex, out.TimeIndex = &a, &b
	}
	for _, g := range mdc {
		out.MDC = append(out.MDC, *g)
	}
	sortGroups(out.MDC)
	return out, nil
}

func (s *Server) handleDRGSummary(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	year, err := s.yearOf(r)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	depts, ok := c.deptFilter(w, r)
	if !ok {
		return
	}
	out, err := s.drgSummary(r.Context(), year, depts)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Year int `json:"year"`
		*drgSummary
	}{year, out})
}
