package indicator

import (
	"context"
	"fmt"
	"math"
	"sort"
)

// Query asks for a set of indicators.
type Query struct {
	Year       int
	Period     Period   // default Year
	By         Dim      // default ByHospital
	Indicators []string // codes; empty = every computed (non-input) indicator
	Org        string   // "" = every organisation
}

// Mark is the direction-aware judgement of a change.
type Mark string

// Marks.
const (
	Better Mark = "better" // 改善
	Worse  Mark = "worse"  // 变差
	Same   Mark = "same"   // 持平
	NoMark Mark = ""       // monitor-only indicator or no comparison
)

// Chinese returns the Chinese mark.
func (m Mark) Chinese() string {
	switch m {
	case Better:
		return "改善"
	case Worse:
		return "变差"
	case Same:
		return "持平"
	}
	return ""
}

// Status texts of values that cannot be computed.
const (
	StatusNotGrouped = "未分组 not grouped"
	StatusNoDen      = "分母为0 zero denominator"
	StatusNoInput    = "未填报 no input"
	StatusNA         = "不适用 not applicable for this breakdown"
	StatusAnnualOnly = "仅年度 annual input only"
	StatusNoBase     = "无上年数据 no previous year"
)

// Point is an indicator at one period.
type Point struct {
	Period string  `json:"period"`
	Num    float64 `json:"numerator"`
	Den    float64 `json:"denominator"`
	HasDen bool    `json:"has_denominator"`
	Value  float64 `json:"value"`
	Valid  bool    `json:"valid"`
	Status string  `json:"status,omitempty"`
}

// Compare is a comparison with an earlier period.
type Compare struct {
	Point
	Abs      float64 `json:"abs_change"`
	Rel      float64 `json:"rel_change_pct"` // (cur − prev) ÷ |prev| × 100
	RelValid bool    `json:"rel_valid"`
	Mark     Mark    `json:"mark"`
}

// Value is one indicator in one cell: the point, 同比 (same period last
// year) and 环比 (previous period).
type Value struct {
	Code string `json:"code"`
	Point
	YoY Compare `json:"yoy"`
	PoP Compare `json:"pop"`
}

// Cell is one breakdown cell: organisation, dimension key, period.
type Cell struct {
	Org    string  `json:"org"`
	Key    string  `json:"key"`
	Label  string  `json:"label,omitempty"` // name of the key (department, DRG) when the source knows it
	Period string  `json:"period"`
	Year   int     `json:"year"`
	Sub    int     `json:"sub"`
	Values []Value `json:"values"` // parallel to Result.Defs
}

// Result of Compute.
type Result struct {
	Query      Query      `json:"query"`
	Defs       []*Def     `json:"indicators"`
	Cells      []Cell     `json:"cells"`
	Provenance Provenance `json:"provenance"`
}

// Find returns the value of an indicator in a cell.
func (r *Result) Find(org, key string, sub int, code string) (Value, bool) {
	for _, c := range r.Cells {
		if c.Org == org && c.Key == key && c.Sub == sub {
			for _, v := range c.Values {
				if v.Code == code {
					return v, true
				}
			}
		}
	}
	return Value{}, false
}

func (q *Query) normalize() error {
	if q.Period == "" {
		q.Period = Year
	}
	if q.By == "" {
		q.By = ByHospital
	}
	switch q.Period {
	case Month, Quarter, Year:
	default:
		return fmt.Errorf("未知期间 unknown period %q (month|quarter|year)", q.Period)
	}
	ok := false
	for _, d := range Dims {
		ok = ok || d == q.By
	}
	if !ok {
		return fmt.Errorf("未知维度 unknown breakdown %q (hospital|campus|department|doctor|drg|adrg|mdc)", q.By)
	}
	if q.Year < 1900 || q.Year > 3000 {
		return fmt.Errorf("年份无效 invalid year %d", q.Year)
	}
	return nil
}

// Resolve returns the definitions of the codes (every ratio and growth
// indicator when codes is empty).
func Resolve(codes []string) ([]*Def, error) {
	all, err := Registry()
	if err != nil {
		return nil, err
	}
	if len(codes) == 0 {
		var out []*Def
		for _, d := range all {
			if d.Kind != KindInput {
				out = append(out, d)
			}
		}
		return out, nil
	}
	var out []*Def
	for _, c := range codes {
		d, ok := Lookup(c)
		if !ok {
			return nil, fmt.Errorf("未知指标 unknown indicator %q (yardstick indicators list)", c)
		}
		out = append(out, d)
	}
	return out, nil
}

// plan collects the measures a set of definitions needs.
type plan struct {
	facts, visits []*Measure
	bySrc         map[string]int   // table:Src → index in facts or visits (dedup)
	idx           map[*Measure]int // every added measure → its index
	groupedIdx    int
}

func (p *plan) add(m *Measure) {
	if m == nil || m.Table == "inputs" {
		return
	}
	key := m.Table + ":" + m.Src
	if i, ok := p.bySrc[key]; ok {
		p.idx[m] = i
		return
	}
	if m.Table == "visits" {
		p.bySrc[key] = len(p.visits)
		p.idx[m] = len(p.visits)
		p.visits = append(p.visits, m)
		return
	}
	p.bySrc[key] = len(p.facts)
	p.idx[m] = len(p.facts)
	p.facts = append(p.facts, m)
}

type table struct {
	facts  map[cellKey][]float64
	visits map[cellKey][]float64
	inputs map[inputKey]float64
	labels map[[2]int]string // (year, sub) → period label
}

type inputKey struct {
	org  string
	year int
	code string
	dept string
}

func (t *table) label(p Period, year, sub int) string {
	k := [2]int{year, sub}
	l, ok := t.labels[k]
	if !ok {
		l = p.Label(year, sub)
		t.labels[k] = l
	}
	return l
}

// Compute computes the indicators of a query with 同比 and 环比.
func Compute(ctx context.Context, src Source, q Query) (*Result, error) {
	if err := q.normalize(); err != nil {
		return nil, err
	}
	defs, err := Resolve(q.Indicators)
	if err != nil {
		return nil, err
	}
	p := &plan{bySrc: map[string]int{}, idx: map[*Measure]int{}}
	growth := false
	for _, d := range defs {
		if d.Kind == KindGrowth {
			growth = true
			b, _ := Lookup(d.Base)
			p.add(b.Num)
			p.add(b.Den)
			continue
		}
		p.add(d.Num)
		p.add(d.Den)
	}
	grouped, _ := ParseMeasure("grouped")
	p.add(grouped)
	p.groupedIdx = p.idx[grouped]

	years := []int{q.Year - 1, q.Year}
	if growth {
		years = []int{q.Year - 2, q.Year - 1, q.Year}
	}
	t := &table{facts: map[cellKey][]float64{}, visits: map[cellKey][]float64{}, inputs: map[inputKey]float64{}, labels: map[[2]int]string{}}
	cells := map[cellKey]bool{}
	rows, err := src.Aggregate(ctx, AggSpec{Years: years, Org: q.Org, Period: q.Period, By: q.By, Measures: p.facts})
	if err != nil {
		return nil, fmt.Errorf("汇总病例事实 aggregate stay facts: %w", err)
	}
	for _, r := range rows {
		k := cellKey{r.Org, r.Key, r.Year, r.Sub}
		t.facts[k] = r.Values
		if r.Year == q.Year {
			cells[cellKey{r.Org, r.Key, 0, r.Sub}] = true
		}
	}
	visitsOK := q.By == ByHospital || q.By == ByDepartment
	if len(p.visits) > 0 && visitsOK {
		rows, err := src.AggregateVisits(ctx, AggSpec{Years: years, Org: q.Org, Period: q.Period, By: q.By, Measures: p.visits})
		if err != nil {
			return nil, fmt.Errorf("汇总门急诊人次 aggregate visits: %w", err)
		}
		for _, r := range rows {
			k := cellKey{r.Org, r.Key, r.Year, r.Sub}
			t.visits[k] = r.Values
			if r.Year == q.Year {
				cells[cellKey{r.Org, r.Key, 0, r.Sub}] = true
			}
		}
	}
	ins, err := src.Inputs(ctx, years, q.Org)
	if err != nil {
		return nil, fmt.Errorf("读取填报值 read inputs: %w", err)
	}
	for _, in := range ins {
		t.inputs[inputKey{in.Org, in.Year, in.Code, in.Dept}] = in.Value
		if in.Year == q.Year && q.Period == Year && (q.By == ByHospital && in.Dept == "" || q.By == ByDepartment && in.Dept != "") {
			key := ""
			if q.By == ByDepartment {
				key = in.Dept
			}
			cells[cellKey{in.Org, key, 0, 0}] = true
		}
	}
	// With no explicit list, manual-input indicators that have a value for
	// the year join the computed ones, so a report shows what was entered.
	if len(q.Indicators) == 0 {
		have := map[string]bool{}
		for _, in := range ins {
			if in.Year == q.Year {
				have[in.Code] = true
			}
		}
		all, _ := Registry()
		for _, d := range all {
			if d.Kind == KindInput && have[d.Code] {
				defs = append(defs, d)
			}
		}
	}
	var labels map[string]string
	if l, ok := src.(Labeler); ok && q.By != ByHospital {
		if labels, err = l.Labels(ctx, q.By, q.Org); err != nil {
			return nil, fmt.Errorf("读取名称 read labels: %w", err)
		}
	}
	prov, err := src.Provenance(ctx, years, q.Org)
	if err != nil {
		return nil, fmt.Errorf("读取数据来源 read provenance: %w", err)
	}

	res := &Result{Query: q, Defs: defs, Provenance: prov}
	keys := make([]cellKey, 0, len(cells))
	for k := range cells {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if a.Org != b.Org {
			return a.Org < b.Org
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		return a.Sub < b.Sub
	})
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c := Cell{Org: k.Org, Key: k.Key, Period: t.label(q.Period, q.Year, k.Sub), Year: q.Year, Sub: k.Sub, Values: make([]Value, len(defs))}
		switch l, ok := labels[k.Org+"|"+k.Key]; {
		case ok:
			c.Label = l
		case k.Key == "" && (q.By == ByDRG || q.By == ByADRG || q.By == ByMDC):
			c.Label = StatusNotGrouped
		default:
			c.Label = labels["|"+k.Key]
		}
		py, ps := q.Period.Prev(q.Year, k.Sub)
		// The three periods' rows are looked up once per cell, not once per
		// indicator and measure: province queries have ~10⁶ values.
		cur, yoy, pop := t.slot(q, k.Org, k.Key, q.Year, k.Sub), t.slot(q, k.Org, k.Key, q.Year-1, k.Sub), t.slot(q, k.Org, k.Key, py, ps)
		for i, d := range defs {
			v := &c.Values[i]
			v.Code = d.Code
			v.Point = t.point(p, q, d, k.Org, k.Key, cur)
			v.YoY = compare(d, v.Point, t.point(p, q, d, k.Org, k.Key, yoy))
			v.PoP = compare(d, v.Point, t.point(p, q, d, k.Org, k.Key, pop))
		}
		res.Cells = append(res.Cells, c)
	}
	return res, nil
}

// slot is the aggregated data of one cell in one period.
type slot struct {
	facts, visits []float64 // nil when the period has no rows
	year, sub     int
	label         string
}

func (t *table) slot(q Query, org, key string, year, sub int) slot {
	ck := cellKey{org, key, year, sub}
	return slot{facts: t.facts[ck], visits: t.visits[ck], year: year, sub: sub, label: t.label(q.Period, year, sub)}
}

// measureValue returns a measure's sum in a cell, or a status when it
// cannot be had.
func (t *table) measureValue(p *plan, q Query, m *Measure, org, key string, s slot) (float64, string) {
	switch m.Table {
	case "visits":
		if q.By != ByHospital && q.By != ByDepartment {
			return 0, StatusNA
		}
		if s.visits == nil {
			return 0, ""
		}
		return s.visits[p.idx[m]], ""
	case "inputs":
		// Inputs are annual. A per-day input (an average stock such as
		// physicians) scales to any period by its days; other inputs only
		// make sense for the whole year.
		if !m.PerDay && q.Period != Year {
			return 0, StatusAnnualOnly
		}
		dept := ""
		if q.By == ByDepartment {
			dept = key
		} else if q.By != ByHospital {
			return 0, StatusNA
		}
		v, ok := t.inputs[inputKey{org, s.year, m.Input, dept}]
		if !ok {
			return 0, StatusNoInput
		}
		if m.PerDay {
			v *= float64(q.Period.Days(s.year, s.sub))
		}
		return v, ""
	}
	if s.facts == nil {
		return 0, ""
	}
	return s.facts[p.idx[m]], ""
}

func (t *table) point(p *plan, q Query, d *Def, org, key string, s slot) Point {
	pt := Point{Period: s.label}
	if d.Kind == KindGrowth {
		b, _ := Lookup(d.Base)
		cur := t.point(p, q, b, org, key, s)
		prev := t.point(p, q, b, org, key, t.slot(q, org, key, s.year-1, s.sub))
		pt.Num, pt.Den, pt.HasDen = cur.Value, prev.Value, true
		switch {
		case cur.Status != "":
			pt.Status = cur.Status
		case !cur.Valid:
			pt.Status = StatusNoDen
		case !prev.Valid || prev.Value == 0:
			pt.Status = StatusNoBase
		default:
			pt.Value, pt.Valid = (cur.Value-prev.Value)/prev.Value*100, true
		}
		return pt
	}
	if d.needsDRG {
		if s.facts == nil || s.facts[p.groupedIdx] == 0 {
			pt.Status = StatusNotGrouped
			return pt
		}
	}
	num, st := t.measureValue(p, q, d.Num, org, key, s)
	if st != "" {
		pt.Status = st
		return pt
	}
	pt.Num = num
	if d.Den == nil {
		pt.Value, pt.Valid = num*d.Scale, true
		return pt
	}
	den, st := t.measureValue(p, q, d.Den, org, key, s)
	pt.Den, pt.HasDen = den, true
	if st != "" {
		pt.Status = st
		return pt
	}
	if den == 0 {
		pt.Status = StatusNoDen
		return pt
	}
	pt.Value, pt.Valid = num/den*d.Scale, true
	return pt
}

func compare(d *Def, cur, prev Point) Compare {
	c := Compare{Point: prev}
	if !cur.Valid || !prev.Valid {
		return c
	}
	c.Abs = cur.Value - prev.Value
	if prev.Value != 0 {
		c.Rel, c.RelValid = c.Abs/math.Abs(prev.Value)*100, true
	}
	switch {
	case math.Abs(c.Abs) < 1e-9*math.Max(1, math.Abs(prev.Value)):
		c.Mark = Same
	case d.Direction == Monitor:
		c.Mark = NoMark
	case (c.Abs > 0) == (d.Direction == Up):
		c.Mark = Better
	default:
		c.Mark = Worse
	}
	return c
}

// Part selects the numerator or the denominator for a drill-down.
type Part string

// Parts.
const (
	Numerator   Part = "numerator"
	Denominator Part = "denominator"
)

// DrillDown lists the stays behind the numerator or denominator of an
// indicator in one cell of a query result (for growth indicators: of the
// base indicator in the current period). The Values of the list add up to
// the number shown (for distinct counts, the number of distinct Groups).
func DrillDown(ctx context.Context, src Source, q Query, code string, cell Cell, part Part) ([]StayRef, error) {
	if err := q.normalize(); err != nil {
		return nil, err
	}
	d, ok := Lookup(code)
	if !ok {
		return nil, fmt.Errorf("未知指标 unknown indicator %q", code)
	}
	if d.Kind == KindGrowth {
		d, _ = Lookup(d.Base)
	}
	m := d.Num
	if part == Denominator {
		m = d.Den
	} else if part != Numerator {
		return nil, fmt.Errorf("part 只能是 must be numerator|denominator, got %q", part)
	}
	if m == nil {
		return nil, fmt.Errorf("指标 %s 没有分母 has no denominator", code)
	}
	if m.Table != "facts" {
		return nil, fmt.Errorf("指标 %s 的%s来自门急诊或填报数据，没有病例明细 comes from visits or inputs: no stay list", code, part)
	}
	year := cell.Year
	if year == 0 {
		year = q.Year
	}
	refs, err := src.Stays(ctx, StaySpec{Org: cell.Org, By: q.By, Key: cell.Key, Year: year, Period: q.Period, Sub: cell.Sub, Measure: m})
	if err != nil {
		return nil, fmt.Errorf("明细 drill-down %s: %w", code, err)
	}
	return refs, nil
}
