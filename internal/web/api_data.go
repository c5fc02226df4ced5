package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
)

// yearOf returns the requested year or the latest year with discharges.
func (s *Server) yearOf(r *http.Request) (int, error) {
	if y := qInt(r, "year", 0); y > 1900 && y < 3000 {
		return y, nil
	}
	ys, err := s.years(r.Context())
	if err != nil {
		return 0, err
	}
	if len(ys) == 0 {
		return s.now().Year(), nil
	}
	return ys[len(ys)-1], nil
}

func (s *Server) years(ctx context.Context) ([]int, error) {
	if ys, ok := s.names.getYears(); ok {
		return ys, nil
	}
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT DISTINCT year(dis_time) FROM stays WHERE dis_time IS NOT NULL ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("list years: %w", err)
	}
	defer rows.Close()
	out := []int{}
	for rows.Next() {
		var y int
		if err := rows.Scan(&y); err != nil {
			return nil, fmt.Errorf("list years: %w", err)
		}
		out = append(out, y)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list years: %w", err)
	}
	s.names.putYears(out)
	return out, nil
}

type deptInfo struct {
	Code string `json:"code"`
	Name string `json:"name"`
	Kind string `json:"kind"`
	Beds int    `json:"beds"`
}

// deptNames returns the department dictionary (code → info). Departments that
// appear on front pages but not in the dictionary are named by their code.
func (s *Server) deptNames(ctx context.Context) (map[string]deptInfo, error) {
	if m, ok := s.names.getDepts(); ok {
		return m, nil
	}
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT dept_code, any_value(coalesce(dept_name, dept_code)), any_value(coalesce(kind, '')), max(coalesce(beds, 0)) FROM departments GROUP BY dept_code`)
	if err != nil {
		return nil, fmt.Errorf("read departments: %w", err)
	}
	defer rows.Close()
	out := map[string]deptInfo{}
	for rows.Next() {
		var d deptInfo
		if err := rows.Scan(&d.Code, &d.Name, &d.Kind, &d.Beds); err != nil {
			return nil, fmt.Errorf("read departments: %w", err)
		}
		out[d.Code] = d
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read departments: %w", err)
	}
	s.names.putDepts(out)
	return out, nil
}

func deptName(m map[string]deptInfo, code string) string {
	if d, ok := m[code]; ok && d.Name != "" {
		return d.Name
	}
	if code == "" {
		return "未填科别"
	}
	return code
}

// scopeSet turns the caller's scope into a filter for cube sums (nil = all).
func (c *reqCtx) scopeSet() map[string]bool {
	sc := c.scope()
	if sc == nil {
		return nil
	}
	m := map[string]bool{}
	for _, d := range sc {
		m[d] = true
	}
	return m
}

type metaResp struct {
	Years       []int      `json:"years"`
	Departments []deptInfo `json:"departments"` // only those the caller may see
	Grouped     bool       `json:"grouped"`     // DRG results exist
	Findings    bool       `json:"findings"`    // quality findings exist
}

func (s *Server) handleMeta(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	ctx := r.Context()
	ys, err := s.years(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	names, err := s.deptNames(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	codes := map[string]bool{}
	for k := range names {
		codes[k] = true
	}
	// Departments on front pages but missing from the dictionary still appear.
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT DISTINCT coalesce(dis_dept, '') FROM stays`)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err == nil {
			codes[d] = true
		}
	}
	rows.Close()
	out := metaResp{Years: ys, Departments: []deptInfo{}}
	for code := range codes {
		if !c.allowDept(code) {
			continue
		}
		d := names[code]
		d.Code, d.Name = code, deptName(names, code)
		out.Departments = append(out.Departments, d)
	}
	sort.Slice(out.Departments, func(i, j int) bool { return out.Departments[i].Code < out.Departments[j].Code })
	out.Grouped = s.drgInfo(ctx).ok
	out.Findings = s.qcInfo(ctx).ok
	writeJSON(w, http.StatusOK, out)
}

// kpi is one headline number with its comparisons.
type kpi struct {
	*indDef
	Value     *float64 `json:"value"`     // the year (nil: no data / not grouped)
	PrevYear  *float64 `json:"prev_year"` // same period of the previous year
	YoY       *float64 `json:"yoy"`       // 同比 relative change, %
	Month     int      `json:"month"`     // latest month with data
	MonthVal  *float64 `json:"month_value"`
	PrevMonth *float64 `json:"prev_month_value"`
	MoM       *float64 `json:"mom"` // 环比 relative change, %
}

func ptr(v float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	return &v
}

func relChange(cur, prev *float64) *float64 {
	if cur == nil || prev == nil || *prev == 0 {
		return nil
	}
	v := (*cur - *prev) / *prev * 100
	return &v
}

// sumThrough sums months 1..upto (the same period of a year).
func (cb *cube) sumThrough(upto int, depts map[string]bool) cell {
	var out cell
	for i := range cb.Cells {
		c := &cb.Cells[i]
		if c.Month > upto || (depts != nil && !depts[c.Dept]) {
			continue
		}
		out.add(c)
	}
	return out
}

// kpis computes every indicator for the scope: the year to date against the
// same months of the previous year (同比), and the latest month against the
// month before (环比, across the year boundary for January).
func (s *Server) kpis(ctx context.Context, year int, scope map[string]bool) ([]kpi, *cube, *cube, error) {
	cur, err := s.loadCube(ctx, year)
	if err != nil {
		return nil, nil, nil, err
	}
	prev, err := s.loadCube(ctx, year-1)
	if err != nil {
		return nil, nil, nil, err
	}
	lm := cur.lastMonth()
	upto := lm
	if upto == 0 {
		upto = 12
	}
	yc := cur.sumThrough(upto, scope)
	pc := prev.sumThrough(upto, scope)
	mc := cur.sum(lm, scope)
	var pm cell
	if lm > 1 {
		pm = cur.sum(lm-1, scope)
	} else if lm == 1 {
		pm = prev.sum(12, scope)
	}
	out := make([]kpi, 0, len(indicatorDefs))
	for _, d := range indicatorDefs {
		k := kpi{indDef: d, Month: lm}
		k.Value = ptr(d.value(yc))
		k.PrevYear = ptr(d.value(pc))
		k.YoY = relChange(k.Value, k.PrevYear)
		if lm > 0 {
			k.MonthVal = ptr(d.value(mc))
			k.PrevMonth = ptr(d.value(pm))
			k.MoM = relChange(k.MonthVal, k.PrevMonth)
		}
		out = append(out, k)
	}
	return out, cur, prev, nil
}

// series is a 12-month series (nil entries: no data).
type series [12]*float64

func monthly(d *indDef, cb *cube, scope map[string]bool) series {
	var s series
	for m := 1; m <= 12; m++ {
		s[m-1] = ptr(d.value(cb.sum(m, scope)))
	}
	return s
}

type visitsResp struct {
	Total       float64     `json:"total"`     // 门急诊人次 of the year (health checks excluded)
	PrevYear    float64     `json:"prev_year"` // same months of the previous year
	YoY         *float64    `json:"yoy"`       // 同比 %
	Monthly     [12]float64 `json:"monthly"`
	PrevMonthly [12]float64 `json:"prev_monthly"`
	Available   bool        `json:"available"` // outpatient volumes imported for this year
}

func (s *Server) visits(ctx context.Context, year, upto int, c *reqCtx) (visitsResp, error) {
	var v visitsResp
	rows, err := s.db.SQL().QueryContext(ctx, `SELECT year(visit_date), month(visit_date), coalesce(dept_code, ''), sum(visits)
		FROM visits WHERE visit_type IN ('outpatient', 'emergency') AND year(visit_date) IN (?, ?) GROUP BY ALL`, year, year-1)
	if err != nil {
		return v, fmt.Errorf("read visits: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var y, m int
		var d string
		var n float64
		if err := rows.Scan(&y, &m, &d, &n); err != nil {
			return v, fmt.Errorf("read visits: %w", err)
		}
		if !c.allowDept(d) || m < 1 || m > 12 {
			continue
		}
		if y == year {
			v.Monthly[m-1] += n
			v.Available = true
			if m <= upto {
				v.Total += n
			}
		} else {
			v.PrevMonthly[m-1] += n
			if m <= upto {
				v.PrevYear += n
			}
		}
	}
	if v.Available {
		t, p := v.Total, v.PrevYear
		v.YoY = relChange(&t, &p)
	}
	return v, rows.Err()
}

type overviewResp struct {
	Year      int               `json:"year"`
	Month     int               `json:"month"` // latest month with data (0: none)
	Scope     []string          `json:"scope"` // department codes when restricted, else null
	KPIs      []kpi             `json:"kpis"`
	Trend     map[string]series `json:"trend"`      // indicator id → this year's months
	TrendPrev map[string]series `json:"trend_prev"` // indicator id → previous year's months
	Visits    visitsResp        `json:"visits"`
	Grouped   bool              `json:"grouped"`
}

func (s *Server) handleOverview(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	ctx := r.Context()
	year, err := s.yearOf(r)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	scope := c.scopeSet()
	ks, cur, prev, err := s.kpis(ctx, year, scope)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	out := overviewResp{Year: year, Month: cur.lastMonth(), Scope: c.scope(), KPIs: ks,
		Trend: map[string]series{}, TrendPrev: map[string]series{}, Grouped: s.drgInfo(ctx).ok}
	for _, d := range indicatorDefs {
		out.Trend[d.ID] = monthly(d, cur, scope)
		out.TrendPrev[d.ID] = monthly(d, prev, scope)
	}
	upto := out.Month
	if upto == 0 {
		upto = 12
	}
	if out.Visits, err = s.visits(ctx, year, upto, c); err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

type deptRow struct {
	Code   string              `json:"code"`
	Name   string              `json:"name"`
	Values map[string]*float64 `json:"values"` // indicator id → value for the year
	Ranks  map[string]int      `json:"ranks"`
}

type departmentsResp struct {
	Year        int       `json:"year"`
	Count       int       `json:"count"` // departments ranked (all of the hospital)
	Departments []deptRow `json:"departments"`
}

func (s *Server) deptRows(ctx context.Context, year int, c *reqCtx, only string) (departmentsResp, *cube, error) {
	out := departmentsResp{Year: year, Departments: []deptRow{}}
	cur, err := s.loadCube(ctx, year)
	if err != nil {
		return out, nil, err
	}
	names, err := s.deptNames(ctx)
	if err != nil {
		return out, nil, err
	}
	ranks := map[string]map[string]int{}
	for _, d := range indicatorDefs {
		ranks[d.ID] = rankDepts(d, cur, 0)
	}
	all := cur.depts()
	out.Count = len(all)
	for _, code := range all {
		if !c.allowDept(code) || (only != "" && code != only) {
			continue
		}
		row := deptRow{Code: code, Name: deptName(names, code), Values: map[string]*float64{}, Ranks: map[string]int{}}
		cl := cur.sum(0, map[string]bool{code: true})
		for _, d := range indicatorDefs {
			row.Values[d.ID] = ptr(d.value(cl))
			row.Ranks[d.ID] = ranks[d.ID][code]
		}
		out.Departments = append(out.Departments, row)
	}
	return out, cur, nil
}

func (s *Server) handleDepartments(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	year, err := s.yearOf(r)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	out, _, err := s.deptRows(r.Context(), year, c, "")
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

type departmentResp struct {
	Year       int               `json:"year"`
	Department deptRow           `json:"department"`
	Count      int               `json:"count"`
	KPIs       []kpi             `json:"kpis"`
	Trend      map[string]series `json:"trend"`
	DRG        *drgSummary       `json:"drg"`
	Quality    *qcSummary        `json:"quality"`
}

func (s *Server) handleDepartment(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	ctx := r.Context()
	code := r.PathValue("code")
	if !c.allowDept(code) {
		forbidden(w)
		return
	}
	year, err := s.yearOf(r)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	rows, cur, err := s.deptRows(ctx, year, c, code)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if len(rows.Departments) == 0 {
		notFound(w)
		return
	}
	scope := map[string]bool{code: true}
	ks, _, _, err := s.kpis(ctx, year, scope)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	out := departmentResp{Year: year, Department: rows.Departments[0], Count: rows.Count, KPIs: ks, Trend: map[string]series{}}
	for _, d := range indicatorDefs {
		out.Trend[d.ID] = monthly(d, cur, scope)
	}
	if out.DRG, err = s.drgSummary(ctx, year, []string{code}); err != nil {
		s.internalError(w, r, err)
		return
	}
	if out.Quality, err = s.qcSummary(ctx, year, []string{code}); err != nil {
		s.internalError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// rankDepts ranks every department (not only the caller's) so a department
// head sees where they stand without seeing the others' numbers. Monitored
// indicators (no preferred direction) are not ranked.
func rankDepts(d *indDef, cb *cube, month int) map[string]int {
	out := map[string]int{}
	if d.Direction == "none" {
		return out
	}
	type dv struct {
		code string
		v    float64
	}
	var vals []dv
	for _, code := range cb.depts() {
		if v, ok := d.value(cb.sum(month, map[string]bool{code: true})); ok {
			vals = append(vals, dv{code, v})
		}
	}
	sort.SliceStable(vals, func(i, j int) bool {
		if d.Direction == "down" {
			return vals[i].v < vals[j].v
		}
		return vals[i].v > vals[j].v
	})
	for i, x := range vals {
		out[x.code] = i + 1
	}
	return out
}
