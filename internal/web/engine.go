package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/yardstick-health/yardstick/internal/indicator"
)

// The indicator registry pages run the indicator engine (internal/indicator)
// over the store's stay_facts: the same definitions, catalogue fallbacks and
// drill-downs as `yardstick indicators` and the annual report. Results are
// cached per (year, breakdown, period) until the next import.

type resultCache struct {
	mu  sync.Mutex
	gen int64
	m   map[string]*indicator.Result
	ids map[string][]int64 // drill-down stay ids
}

func (rc *resultCache) invalidate() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.gen++
	rc.m, rc.ids = nil, nil
}

func (s *Server) compute(ctx context.Context, year int, by indicator.Dim, period indicator.Period) (*indicator.Result, error) {
	key := fmt.Sprintf("%d|%s|%s", year, by, period)
	s.results.mu.Lock()
	if r, ok := s.results.m[key]; ok {
		s.results.mu.Unlock()
		return r, nil
	}
	gen := s.results.gen
	s.results.mu.Unlock()
	r, err := indicator.Compute(ctx, s.db.IndicatorSource(), indicator.Query{Year: year, By: by, Period: period})
	if err != nil {
		return nil, fmt.Errorf("计算指标 compute indicators %d by %s per %s: %w", year, by, period, err)
	}
	s.results.mu.Lock()
	defer s.results.mu.Unlock()
	if s.results.gen == gen {
		if s.results.m == nil {
			s.results.m = map[string]*indicator.Result{}
		}
		s.results.m[key] = r
	}
	return r, nil
}

// invalidate drops every cached aggregate and answer (after an import).
func (s *Server) invalidate() {
	s.cubes.invalidate()
	s.results.invalidate()
	s.resps.invalidate()
	s.names.invalidate()
	s.stays.invalidate()
	s.tables.mu.Lock()
	s.tables.m = nil
	s.tables.mu.Unlock()
}

// refreshFacts derives the case-level facts of stays that have none (after an
// import) and drops every cached aggregate.
func (s *Server) refreshFacts(ctx context.Context) error {
	lib, err := s.db.Catalogs(ctx)
	if err != nil {
		return fmt.Errorf("读取目录 read catalogues: %w", err)
	}
	st, err := s.db.RefreshFacts(ctx, lib)
	s.invalidate()
	if err != nil {
		return fmt.Errorf("计算病例事实 derive stay facts: %w", err)
	}
	s.log.Info("stay facts up to date", "derived", st.Derived, "total", st.Total)
	return nil
}

// defOut is a registry entry as the API shows it.
type defOut struct {
	Code        string   `json:"code"`
	GKTertiary  string   `json:"gk_tertiary"`
	GKSecondary string   `json:"gk_secondary"`
	NameCN      string   `json:"name_cn"`
	NameEN      string   `json:"name_en"`
	Numerator   string   `json:"numerator"`
	Denominator string   `json:"denominator"`
	Unit        string   `json:"unit"`
	Direction   string   `json:"direction"` // up, down, monitor
	Source      string   `json:"source"`
	Counting    string   `json:"counting"`
	Version     int      `json:"version"`
	Kind        string   `json:"kind"`
	Needs       []string `json:"needs"`
	Note        string   `json:"note"`
}

func defOf(d *indicator.Def) defOut {
	n := d.Needs
	if n == nil {
		n = []string{}
	}
	return defOut{Code: d.Code, GKTertiary: d.GKTertiary, GKSecondary: d.GKSecondary, NameCN: d.NameCN, NameEN: d.NameEN,
		Numerator: d.Numerator, Denominator: d.Denominator, Unit: d.Unit, Direction: string(d.Direction), Source: d.Source,
		Counting: d.Counting, Version: d.Version, Kind: d.Kind, Needs: n, Note: d.Note}
}

// valueOut is one value with its comparisons; nil numbers when not valid.
type valueOut struct {
	Value    *float64 `json:"value"`
	Num      float64  `json:"numerator"`
	Den      float64  `json:"denominator"`
	Status   string   `json:"status"`
	YoY      *float64 `json:"yoy"` // relative change %, 同比
	YoYMark  string   `json:"yoy_mark"`
	PoP      *float64 `json:"pop"` // relative change %, 环比
	PoPMark  string   `json:"pop_mark"`
	PrevYear *float64 `json:"prev_year"`
}

func valueOf(v indicator.Value) valueOut {
	o := valueOut{Num: v.Num, Den: v.Den, Status: v.Status, YoYMark: string(v.YoY.Mark), PoPMark: string(v.PoP.Mark)}
	if v.Valid {
		x := v.Value
		o.Value = &x
	}
	if v.YoY.RelValid {
		x := v.YoY.Rel
		o.YoY = &x
	}
	if v.YoY.Valid {
		x := v.YoY.Value
		o.PrevYear = &x
	}
	if v.PoP.RelValid {
		x := v.PoP.Rel
		o.PoP = &x
	}
	return o
}

// cellsOf collects, per dimension key, the cells of a result (one per
// organisation and sub-period).
func find(r *indicator.Result, key string, sub int, idx int) (indicator.Value, bool) {
	for _, c := range r.Cells {
		if c.Key == key && c.Sub == sub && idx < len(c.Values) {
			return c.Values[idx], true
		}
	}
	return indicator.Value{}, false
}

func defIndex(r *indicator.Result, code string) int {
	for i, d := range r.Defs {
		if d.Code == code {
			return i
		}
	}
	return -1
}

type registryRow struct {
	defOut
	Hospital *valueOut           `json:"hospital"` // nil for department heads
	Depts    map[string]valueOut `json:"depts"`    // only for department heads: their departments
}

type registryResp struct {
	Year       int           `json:"year"`
	Scope      []string      `json:"scope"`
	Indicators []registryRow `json:"indicators"`
	Catalogs   []string      `json:"catalogs"` // catalogue versions and fallbacks the facts were derived with
	DataSource string        `json:"data_source"`
}

func (s *Server) handleRegistry(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	ctx := r.Context()
	year, err := s.yearOf(r)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	scope := c.scope()
	by := indicator.ByHospital
	if scope != nil {
		by = indicator.ByDepartment
	}
	res, err := s.compute(ctx, year, by, indicator.Year)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	out := registryResp{Year: year, Scope: scope, Indicators: []registryRow{}, Catalogs: res.Provenance.Catalogs, DataSource: res.Provenance.DataSource}
	if out.Catalogs == nil {
		out.Catalogs = []string{}
	}
	for i, d := range res.Defs {
		row := registryRow{defOut: defOf(d), Depts: map[string]valueOut{}}
		if scope == nil {
			if v, ok := find(res, "", 0, i); ok {
				vo := valueOf(v)
				row.Hospital = &vo
			}
		} else {
			for _, dept := range scope {
				if v, ok := find(res, dept, 0, i); ok {
					row.Depts[dept] = valueOf(v)
				}
			}
		}
		out.Indicators = append(out.Indicators, row)
	}
	writeJSON(w, http.StatusOK, out)
}

type seriesOut struct {
	Key    string       `json:"key"` // department code, "" for the hospital
	Name   string       `json:"name"`
	Values [12]*float64 `json:"values"`
	Prev   [12]*float64 `json:"prev"` // the same months of the previous year
}

type deptValueOut struct {
	Code string `json:"code"`
	Name string `json:"name"`
	valueOut
	Rank int `json:"rank"` // among all departments with a value, 1 = best by direction (0 for monitored indicators)
}

type indicatorDetail struct {
	Year        int            `json:"year"`
	Month       int            `json:"month"` // 0 = whole year
	Def         defOut         `json:"indicator"`
	Hospital    *valueOut      `json:"hospital"` // nil for department heads
	Series      []seriesOut    `json:"series"`
	Departments []deptValueOut `json:"departments"`
	Drill       bool           `json:"drill"` // the number can be drilled to stays
}

func (s *Server) handleIndicatorDetail(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	ctx := r.Context()
	code := r.PathValue("id")
	def, ok := indicator.Lookup(code)
	if !ok {
		notFound(w)
		return
	}
	year, err := s.yearOf(r)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	month := qInt(r, "month", 0)
	if month < 0 || month > 12 {
		month = 0
	}
	scope := c.scope()
	names, err := s.deptNames(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	out := indicatorDetail{Year: year, Month: month, Def: defOf(def), Series: []seriesOut{}, Departments: []deptValueOut{}, Drill: def.Kind != indicator.KindInput}
	// Monthly series: the hospital, or each of a department head's departments.
	seriesBy := indicator.ByHospital
	keys := []string{""}
	if scope != nil {
		seriesBy, keys = indicator.ByDepartment, scope
	}
	cur, err := s.compute(ctx, year, seriesBy, indicator.Month)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	prev, err := s.compute(ctx, year-1, seriesBy, indicator.Month)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	ci, pi := defIndex(cur, code), defIndex(prev, code)
	for _, k := range keys {
		so := seriesOut{Key: k, Name: deptName(names, k)}
		if k == "" {
			so.Name = "全院"
		}
		for m := 1; m <= 12; m++ {
			if v, ok := find(cur, k, m, ci); ok && v.Valid && ci >= 0 {
				x := v.Value
				so.Values[m-1] = &x
			}
			if v, ok := find(prev, k, m, pi); ok && v.Valid && pi >= 0 {
				x := v.Value
				so.Prev[m-1] = &x
			}
		}
		out.Series = append(out.Series, so)
	}
	if scope == nil {
		hy, err := s.compute(ctx, year, indicator.ByHospital, indicator.Year)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		if v, ok := find(hy, "", 0, defIndex(hy, code)); ok {
			vo := valueOf(v)
			out.Hospital = &vo
		}
	}
	// Departments: the year, or one month; ranked over all departments.
	period, sub := indicator.Year, 0
	if month > 0 {
		period, sub = indicator.Month, month
	}
	dr, err := s.compute(ctx, year, indicator.ByDepartment, period)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	di := defIndex(dr, code)
	type kv struct {
		key string
		v   indicator.Value
	}
	var all []kv
	for _, cl := range dr.Cells {
		if cl.Sub == sub && di >= 0 && di < len(cl.Values) {
			all = append(all, kv{cl.Key, cl.Values[di]})
		}
	}
	var ranked []kv
	for _, x := range all {
		if x.v.Valid {
			ranked = append(ranked, x)
		}
	}
	sort.SliceStable(ranked, func(i, j int) bool {
		if def.Direction == indicator.Down {
			return ranked[i].v.Value < ranked[j].v.Value
		}
		return ranked[i].v.Value > ranked[j].v.Value
	})
	rank := map[string]int{}
	if def.Direction != indicator.Monitor {
		for i, x := range ranked {
			rank[x.key] = i + 1
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].key < all[j].key })
	for _, x := range all {
		if !c.allowDept(x.key) {
			continue
		}
		out.Departments = append(out.Departments, deptValueOut{Code: x.key, Name: deptName(names, x.key), valueOut: valueOf(x.v), Rank: rank[x.key]})
	}
	writeJSON(w, http.StatusOK, out)
}

// drillIDs returns the stays behind an indicator's numerator (or
// denominator) for the year/month and department (or the caller's scope).
func (s *Server) drillIDs(ctx context.Context, code string, year, month int, depts []string, part indicator.Part) ([]int64, error) {
	// Stay ids carry no identity; they are cached with the results they
	// were drilled from, until the next import.
	key := fmt.Sprintf("drill|%s|%d|%d|%q|%s", code, year, month, depts, part)
	s.results.mu.Lock()
	if ids, ok := s.results.ids[key]; ok {
		s.results.mu.Unlock()
		return ids, nil
	}
	gen := s.results.gen
	s.results.mu.Unlock()
	ids, err := s.drill(ctx, code, year, month, depts, part)
	if err != nil {
		return nil, err
	}
	s.results.mu.Lock()
	defer s.results.mu.Unlock()
	if s.results.gen == gen {
		if s.results.ids == nil || len(s.results.ids) > 1000 {
			s.results.ids = map[string][]int64{}
		}
		s.results.ids[key] = ids
	}
	return ids, nil
}

func (s *Server) drill(ctx context.Context, code string, year, month int, depts []string, part indicator.Part) ([]int64, error) {
	by := indicator.ByHospital
	keys := []string{""}
	if depts != nil {
		by, keys = indicator.ByDepartment, depts
	}
	period := indicator.Year
	if month > 0 {
		period = indicator.Month
	}
	res, err := s.compute(ctx, year, by, period)
	if err != nil {
		return nil, err
	}
	q := indicator.Query{Year: year, By: by, Period: period}
	var ids []int64
	for _, k := range keys {
		for _, cl := range res.Cells {
			if cl.Key != k || cl.Sub != month {
				continue
			}
			refs, err := indicator.DrillDown(ctx, s.db.IndicatorSource(), q, code, cl, part)
			if err != nil {
				return nil, fmt.Errorf("指标明细 drill down %s: %w", code, err)
			}
			for _, ref := range refs {
				ids = append(ids, ref.StayID)
			}
		}
	}
	return ids, nil
}

func idList(ids []int64) string {
	if len(ids) == 0 {
		return "false"
	}
	var b strings.Builder
	b.WriteString("stay_id IN (")
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprint(&b, id)
	}
	b.WriteByte(')')
	return b.String()
}
