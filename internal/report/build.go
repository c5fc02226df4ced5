package report

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/yardstick-health/yardstick/internal/indicator"
)

// Options select what Build puts in the report.
type Options struct {
	Year     int
	Org      string // organisation code; "" = the only one in the data (Build fails when there are several)
	Hospital string // 医疗机构名称; "" = Org

	DeptNames map[string]string // 出院科别 code → name (from the department dictionary); missing codes show as the code
	DRGNames  map[string]string // DRG code → name (from the scheme pack)
	DRGTiers  map[string]string // DRG code → 低风险/中低风险/中高风险/高风险 (scheme pack or published list)
	Scheme    string            // DRG scheme shown in the report, e.g. "CHS-DRG 1.1"

	Quality   *Quality  // front-page quality section (see QualityTally); nil = not run
	Generated time.Time // zero = now

	TopDepartments int // rows of the department table (0 = all)
	TopDRGs        int // rows of the DRG table (0 = 20)
}

// fig describes how one registry indicator appears in the report.
type fig struct {
	code string // indicator code
	key  string // report key ("" = the code)
	name string // display name ("" = registry name)
	unit string // display unit override
}

// The indicator selections of the report's sections, in display order.
var (
	headlineFigs = []fig{
		{code: "op_er_visits", key: KeyOutpatient, name: "门急诊人次"},
		{code: "discharges", key: KeyDischarges, name: "出院人次"},
		{code: "surgical_persons", key: KeySurgery, name: "出院患者手术人数", unit: "例次"},
		{code: "level4_share", key: KeyGrade4Rate},
		{code: "day_surgery_count", key: KeyDaySurgery, name: "日间手术例次", unit: "例次"},
		{code: "alos", key: KeyAvgLOS},
		{code: "cost_per_stay", key: KeyAvgCost, name: "住院次均费用"},
		{code: "cmi", key: KeyCMI, name: "病例组合指数（CMI）"},
	}
	tableDefs = []struct {
		title, note string
		figs        []fig
	}{
		{"国家三级公立医院绩效考核指标（病案首页可计算部分）",
			"手术类指标按人计，同一住院期间多次手术计一次；四级、微创手术按国考目录判定；低风险组病例死亡率需完成 DRG 分组。",
			[]fig{
				{code: "op_discharge_ratio", key: KeyOPIPRatio},
				{code: "day_surgery_share", key: KeyDaySurgeryRate},
				{code: "surgery_share", key: KeySurgeryRate},
				{code: "min_invasive_share", key: KeyMIRate},
				{code: "level4_share", key: KeyGrade4Rate},
				{code: "complication_rate", key: KeyComplication},
				{code: "ssi_class1", key: KeySSI},
				{code: "low_risk_mortality", key: KeyLowRiskMort},
				{code: "bed_days_per_physician"},
				{code: "cost_growth"},
				{code: "drug_cost_growth"},
			}},
		{"医疗服务量与运行效率", "", []fig{
			{code: "op_er_visits", key: KeyOutpatient, name: "门急诊人次"},
			{code: "discharges", key: KeyDischarges, name: "出院人次"},
			{code: "surgical_persons", key: KeySurgery, name: "出院患者手术人数", unit: "例次"},
			{code: "operations"},
			{code: "day_surgery_count", key: KeyDaySurgery, name: "日间手术例次", unit: "例次"},
			{code: "alos", key: KeyAvgLOS},
			{code: "preop_days"},
			{code: "bed_days"},
			{code: "mortality", key: KeyMortality},
			{code: "surgical_mortality"},
			{code: "readmit31_rate"},
		}},
		{"住院费用", "次均费用以病案首页住院总费用（D01）计；药品费用为西药、中成药、中草药费之和（D23–D25），耗材为 D31–D33。", []fig{
			{code: "cost_per_stay", key: KeyAvgCost, name: "住院次均费用"},
			{code: "drug_cost_per_stay", key: KeyAvgDrugCost, name: "住院次均药品费用"},
			{code: "drug_share"},
			{code: "material_share"},
		}},
	}
	drgFigs = []fig{
		{code: "grouped_rate"},
		{code: "drg_count", key: KeyDRGCount, name: "DRG 组数"},
		{code: "cmi", key: KeyCMI, name: "病例组合指数（CMI）"},
		{code: "cost_index", key: KeyCostIndex},
		{code: "time_index", key: KeyTimeIndex},
		{code: "low_risk_mortality", key: KeyLowRiskMort},
	}
	deptCodes  = []string{"discharges", "alos", "surgery_share", "level4_share", "cmi", "cost_per_stay", "mortality"}
	monthCodes = []string{"op_er_visits", "discharges", "alos"}
)

// flagBased are the indicators that count a catalogue membership or a
// front-page flag hospitals often leave empty: an exact 0 means "not
// available" far more often than "none performed".
var flagBased = map[string]bool{"min_invasive_share": true, "level4_share": true, "day_surgery_count": true, "day_surgery_share": true}

// visitBased reports whether an indicator is computed from outpatient
// volumes. The engine reads "no visit rows" as 0 visits; a hospital with no
// outpatients in a year is not a real case, so the report treats 0 as "not
// imported" rather than printing 0 人次 or a ratio of 0.
func visitBased(d *indicator.Def) bool { return strings.Contains(d.Source, "visits") }

// Build computes the report data for one year from an indicator source
// (the DuckDB store in production, indicator.MemSource in tests).
func Build(ctx context.Context, src indicator.Source, opt Options) (*Data, error) {
	if opt.Year < 1900 || opt.Year > 3000 {
		return nil, fmt.Errorf("年份无效 invalid year %d", opt.Year)
	}
	all := map[string]bool{}
	for _, f := range headlineFigs {
		all[f.code] = true
	}
	for _, t := range tableDefs {
		for _, f := range t.figs {
			all[f.code] = true
		}
	}
	for _, f := range drgFigs {
		all[f.code] = true
	}
	codes := make([]string, 0, len(all))
	for c := range all {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	res, err := indicator.Compute(ctx, src, indicator.Query{Year: opt.Year, By: indicator.ByHospital, Indicators: codes, Org: opt.Org})
	if err != nil {
		return nil, fmt.Errorf("计算指标 compute indicators: %w", err)
	}
	org := opt.Org
	if org == "" {
		orgs := map[string]bool{}
		for _, c := range res.Cells {
			orgs[c.Org] = true
		}
		if len(orgs) > 1 {
			list := make([]string, 0, len(orgs))
			for o := range orgs {
				list = append(list, o)
			}
			sort.Strings(list)
			return nil, fmt.Errorf("数据包含多个机构，请用 --org 指定 the data holds several organisations (%s): choose one with --org", strings.Join(list, ", "))
		}
		for o := range orgs {
			org = o
		}
	}
	d := &Data{Hospital: opt.Hospital, OrgCode: org, Year: opt.Year, Generated: opt.Generated, Quality: opt.Quality}
	if d.Hospital == "" {
		d.Hospital = org
	}
	if d.Generated.IsZero() {
		d.Generated = time.Now()
	}
	vals := map[string]indicator.Value{}
	for _, c := range res.Cells {
		if c.Org != org || c.Key != "" {
			continue
		}
		for _, v := range c.Values {
			vals[v.Code] = v
		}
	}
	if len(vals) == 0 {
		return nil, fmt.Errorf("%d 年没有出院病例或门急诊数据 no discharges or visits in %d for %q: import data first (yardstick import)", opt.Year, opt.Year, org)
	}
	// The engine counts a year without stays as 0 discharges; such a year is
	// "no data", so none of its stay-based values may serve as the 同比 base.
	priorStays := vals["discharges"].YoY.Valid && vals["discharges"].YoY.Value > 0
	var zeroFlags []string
	mk := func(f fig) (Figure, bool) {
		def, ok := indicator.Lookup(f.code)
		if !ok {
			return Figure{}, false
		}
		x := toFigure(def, f, vals[f.code])
		if !priorStays && !visitBased(def) {
			x.Prior = Missing
		}
		if flagBased[def.Code] && x.Value.Valid && x.Value.V == 0 {
			// Zero from an absent catalogue or an unfilled B38 flag, not a
			// measurement: left out and explained in the notes.
			x.Value, x.Numerator, x.Denominator = Missing, Missing, Missing
			zeroFlags = append(zeroFlags, x.Name)
		}
		return x, true
	}
	for _, f := range headlineFigs {
		if x, ok := mk(f); ok && (f.code != "cmi" || x.Value.Valid) {
			d.Headline = append(d.Headline, x)
		}
	}
	if len(d.Headline) < len(headlineFigs) {
		// Without DRG results the CMI card gives way to mortality, so the
		// summary keeps a full row of cards.
		if x, ok := mk(fig{code: "mortality", key: KeyMortality}); ok && x.Value.Valid {
			d.Headline = append(d.Headline, x)
		}
	}
	var omitted []string
	for _, t := range tableDefs {
		tb := Table{Title: t.title, Note: t.note}
		for _, f := range t.figs {
			x, ok := mk(f)
			if !ok {
				continue
			}
			if !x.Value.Valid && !x.Prior.Valid {
				omitted = append(omitted, x.Name)
				continue
			}
			tb.Rows = append(tb.Rows, x)
		}
		if len(tb.Rows) > 0 {
			d.Tables = append(d.Tables, tb)
		}
	}
	if len(omitted) > 0 {
		d.Notes = append(d.Notes, "以下指标因缺少数据（未导入门急诊量、未分组或未填报）未列出："+strings.Join(uniq(omitted), "、")+"。")
	}
	if len(zeroFlags) > 0 {
		d.Notes = append(d.Notes, strings.Join(uniq(zeroFlags), "、")+"为 0，多为未导入国考手术目录或未填写日间手术标志（B38）所致，未作为结果列出。")
	}
	if v := vals["op_er_visits"]; !v.Valid || v.Value == 0 {
		d.Notes = append(d.Notes, fmt.Sprintf("%d 年未导入门急诊量数据（yardstick import outpatient），门急诊相关指标从略。", opt.Year))
	}

	if g := vals["grouped_rate"]; g.Valid && g.Num > 0 {
		cm := &CaseMix{Scheme: opt.Scheme, Grouped: int(g.Num), Ungrouped: int(g.Den - g.Num)}
		for _, f := range drgFigs {
			if f.code == "grouped_rate" {
				continue
			}
			if x, ok := mk(f); ok {
				cm.Figures = append(cm.Figures, x)
			}
		}
		if err := caseMixDetail(ctx, src, opt, org, cm); err != nil {
			return nil, err
		}
		d.CaseMix = cm
	}
	if err := departments(ctx, src, opt, org, d); err != nil {
		return nil, err
	}
	if err := monthly(ctx, src, opt, org, d); err != nil {
		return nil, err
	}
	// Catalogue caveats of the report year only (the engine also lists the
	// comparison years); the data-source line names the store file, which
	// means nothing to a reader of the published report.
	prefix := fmt.Sprintf("%d:", opt.Year)
	for _, c := range res.Provenance.Catalogs {
		if rest, ok := strings.CutPrefix(c, prefix); ok {
			d.Notes = append(d.Notes, "计算口径："+strings.TrimSpace(rest))
		}
	}
	d.Notes = append(d.Notes, res.Provenance.Notes...)
	d.Notes = uniq(d.Notes)
	return d, nil
}

func uniq(s []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// toFigure converts an engine value to a report figure.
func toFigure(def *indicator.Def, f fig, v indicator.Value) Figure {
	x := Figure{Key: f.key, Name: f.name, Unit: def.Unit}
	if x.Key == "" {
		x.Key = def.Code
	}
	if x.Name == "" {
		x.Name = def.NameCN
	}
	if f.unit != "" {
		x.Unit = f.unit
	}
	x.GK = def.GKTertiary
	switch def.Direction {
	case indicator.Up:
		x.Better = HigherGood
	case indicator.Down:
		x.Better = LowerGood
	}
	switch {
	case def.Unit == "%":
		x.Kind, x.Unit = Rate, ""
	case def.Unit == "元":
		x.Kind = Money
	case def.Denominator == "":
		x.Kind = Count
		if x.Unit == "人" {
			x.Unit = "人次" // every discharge is one 人次 (persons per stay)
		}
	case def.Unit == "天" || def.Unit == "床日":
		x.Kind, x.Decimals = Mean, 1
		if def.Code == "bed_days_per_physician" {
			x.Decimals = 2
		}
	default:
		x.Kind, x.Decimals = Index, 2
	}
	if def.Code == "cmi" || def.Code == "cost_index" || def.Code == "time_index" {
		x.Decimals = 2
	}
	cur, prev := v.Point, v.YoY.Point
	if visitBased(def) {
		// see visitBased: 0 from a missing visits table is not a measurement.
		if cur.Valid && cur.Value == 0 {
			cur.Valid = false
		}
		if prev.Valid && prev.Value == 0 {
			prev.Valid = false
		}
	}
	if cur.Valid {
		x.Value = V(cur.Value)
	}
	if prev.Valid {
		x.Prior = V(prev.Value)
	}
	if def.Denominator != "" && def.Kind != indicator.KindGrowth && cur.Valid && cur.HasDen {
		x.Numerator, x.Denominator = V(cur.Num), V(cur.Den)
	}
	if def.Kind == indicator.KindGrowth && x.Kind == Rate {
		x.Better = Neutral // a growth rate's own change is not judged (the growth itself is, against 0)
	}
	return x
}

func measures(src ...string) ([]*indicator.Measure, error) {
	out := make([]*indicator.Measure, len(src))
	for i, s := range src {
		m, err := indicator.ParseMeasure(s)
		if err != nil {
			return nil, fmt.Errorf("report measure: %w", err)
		}
		out[i] = m
	}
	return out, nil
}

// caseMixDetail fills the tier table and the top DRGs from one by-DRG
// aggregation over the stay facts. Tiers come from opt.DRGTiers (the scheme
// pack or a published list); without it only the low-risk flag of the facts
// is known, and the table splits 低风险 from the rest.
func caseMixDetail(ctx context.Context, src indicator.Source, opt Options, org string, cm *CaseMix) error {
	mm, err := measures("grouped", "los IF grouped", "total_cost IF grouped", "death AND grouped", "weight IF grouped", "low_risk AND grouped")
	if err != nil {
		return err
	}
	rows, err := src.Aggregate(ctx, indicator.AggSpec{Years: []int{opt.Year}, Org: org, Period: indicator.Year, By: indicator.ByDRG, Measures: mm})
	if err != nil {
		return fmt.Errorf("DRG 汇总 aggregate by DRG: %w", err)
	}
	var out []DRGRow
	tiers := map[string]*TierRow{}
	for _, r := range rows {
		n := r.Values[0]
		if r.Org != org || r.Year != opt.Year || r.Key == "" || n == 0 {
			continue
		}
		g := DRGRow{Code: r.Key, Name: opt.DRGNames[r.Key], Cases: int(n),
			AvgLOS: V(r.Values[1] / n), AvgCost: V(r.Values[2] / n), Deaths: int(r.Values[3])}
		if w := r.Values[4] / n; w > 0 {
			g.Weight = V(w)
		}
		switch t := opt.DRGTiers[r.Key]; {
		case t != "":
			g.Tier = t
		case r.Values[5] > 0:
			g.Tier = "低风险"
		case len(opt.DRGTiers) == 0:
			g.Tier = "其他"
		}
		if g.Tier != "" {
			tr := tiers[g.Tier]
			if tr == nil {
				tr = &TierRow{Tier: g.Tier}
				tiers[g.Tier] = tr
			}
			tr.Groups++
			tr.Cases += g.Cases
			tr.Deaths += g.Deaths
		}
		if g.Tier == "其他" {
			g.Tier = ""
		}
		out = append(out, g)
	}
	for _, name := range []string{"低风险", "中低风险", "中高风险", "高风险", "其他"} {
		if t := tiers[name]; t != nil {
			if name == "其他" {
				t.Tier = "其他（非低风险组）"
			}
			cm.Tiers = append(cm.Tiers, *t)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Cases != out[j].Cases {
			return out[i].Cases > out[j].Cases
		}
		return out[i].Code < out[j].Code
	})
	top := opt.TopDRGs
	if top <= 0 {
		top = 20
	}
	cm.TopDRGs = out[:min(top, len(out))]
	return nil
}

// departments fills the ranking table and chart from a by-department query.
func departments(ctx context.Context, src indicator.Source, opt Options, org string, d *Data) error {
	res, err := indicator.Compute(ctx, src, indicator.Query{Year: opt.Year, By: indicator.ByDepartment, Indicators: deptCodes, Org: org})
	if err != nil {
		return fmt.Errorf("科室指标 department indicators: %w", err)
	}
	for _, c := range res.Cells {
		if c.Org != org || c.Key == "" {
			continue
		}
		get := func(code string) (Value, Value) {
			for _, v := range c.Values {
				if v.Code == code {
					cur, prev := Missing, Missing
					if v.Valid {
						cur = V(v.Value)
					}
					if v.YoY.Valid {
						prev = V(v.YoY.Value)
					}
					return cur, prev
				}
			}
			return Missing, Missing
		}
		r := DeptRow{Code: c.Key, Name: opt.DeptNames[c.Key]}
		if r.Name == "" {
			r.Name = c.Key
		}
		r.Discharges, r.PriorDischarges = get("discharges")
		if !r.Discharges.Valid || r.Discharges.V == 0 {
			continue // a department with outpatients only has no inpatient ranking
		}
		r.AvgLOS, _ = get("alos")
		r.SurgeryRate, _ = get("surgery_share")
		r.Grade4Rate, _ = get("level4_share")
		r.CMI, _ = get("cmi")
		r.AvgCost, _ = get("cost_per_stay")
		mort, _ := get("mortality")
		if mort.Valid {
			r.Deaths = V(mort.V * r.Discharges.V / 100)
		}
		d.Departments = append(d.Departments, r)
	}
	sort.SliceStable(d.Departments, func(i, j int) bool {
		a, b := d.Departments[i], d.Departments[j]
		if a.Discharges.V != b.Discharges.V {
			return a.Discharges.V > b.Discharges.V
		}
		return a.Code < b.Code
	})
	if opt.TopDepartments > 0 && len(d.Departments) > opt.TopDepartments {
		d.Departments = d.Departments[:opt.TopDepartments]
	}
	if len(d.Departments) > 0 {
		ch := Chart{ID: "dept_discharges", Title: "出院人次居前 15 位的科室", Kind: HBars, Unit: "人次"}
		var vals []Value
		for _, r := range d.Departments[:min(15, len(d.Departments))] {
			ch.Labels = append(ch.Labels, r.Name)
			vals = append(vals, r.Discharges)
		}
		if len(ch.Labels) < 15 {
			ch.Title = "各科室出院人次"
		}
		ch.Series = []Series{{Name: "出院人次", Values: vals}}
		d.Charts = append(d.Charts, ch)
	}
	return nil
}

// monthly fills the month-by-month charts (this year against last year).
func monthly(ctx context.Context, src indicator.Source, opt Options, org string, d *Data) error {
	res, err := indicator.Compute(ctx, src, indicator.Query{Year: opt.Year, Period: indicator.Month, By: indicator.ByHospital, Indicators: monthCodes, Org: org})
	if err != nil {
		return fmt.Errorf("月度指标 monthly indicators: %w", err)
	}
	cur := map[string][]Value{}
	prev := map[string][]Value{}
	for _, code := range monthCodes {
		cur[code], prev[code] = make([]Value, 12), make([]Value, 12)
	}
	for _, c := range res.Cells {
		if c.Org != org || c.Sub < 1 || c.Sub > 12 {
			continue
		}
		for _, v := range c.Values {
			if _, ok := cur[v.Code]; !ok {
				continue
			}
			if v.Valid && !(v.Code == "op_er_visits" && v.Value == 0) {
				cur[v.Code][c.Sub-1] = V(v.Value)
			}
			if v.YoY.Valid && !(v.Code == "op_er_visits" && v.YoY.Value == 0) {
				prev[v.Code][c.Sub-1] = V(v.YoY.Value)
			}
		}
	}
	months := make([]string, 12)
	for i := range months {
		months[i] = fmt.Sprintf("%d月", i+1)
	}
	y, py := fmt.Sprintf("%d年", opt.Year), fmt.Sprintf("%d年", opt.Year-1)
	add := func(id, title, unit, code string, kind ChartKind) {
		if !anyValid(cur[code]) {
			return
		}
		ch := Chart{ID: id, Title: title, Kind: kind, Unit: unit, Labels: months, Series: []Series{{Name: y, Values: cur[code]}}}
		if anyValid(prev[code]) {
			ch.Series = append(ch.Series, Series{Name: py, Values: prev[code]})
		}
		d.Charts = append(d.Charts, ch)
	}
	add("monthly_volume", "各月门急诊人次", "人次", "op_er_visits", Bars)
	add("monthly_discharges", "各月出院人次", "人次", "discharges", Lines)
	add("monthly_los", "各月平均住院日", "天", "alos", Lines)
	return nil
}

func anyValid(vs []Value) bool {
	for _, v := range vs {
		if v.Valid {
			return true
		}
	}
	return false
}

// QualityStats are the front-page quality counts of one year, as the store
// aggregates them (qc_scores, qc_findings) or QualityTally accumulates them.
type QualityStats struct {
	Checked      int       // front pages checked
	Scored       int       // of which scored (100-point standard)
	ScoreSum     float64   // sum of the scores
	Bands        [3]int    // scored pages ≥ 90 (甲), 75–89.99 (乙), < 75 (丙)
	WithFindings int       // pages with at least one finding
	Rules        []RuleRow // findings per rule (Count) and pages concerned (Stays)
}

// QualityTally accumulates front-page quality results stay by stay (the
// caller runs the qc engine and scorer). Only rule identifiers, names and
// counts are kept: never a patient field.
type QualityTally struct {
	st    QualityStats
	rules map[string]*RuleRow
	order []string
}

// Add records one checked front page: its 100-point score (negative = not
// scored) and the rules it failed (one entry per finding; a rule repeated
// counts as several findings of one stay).
func (q *QualityTally) Add(score float64, findings []RuleRow) {
	if q.rules == nil {
		q.rules = map[string]*RuleRow{}
	}
	q.st.Checked++
	if score >= 0 {
		q.st.Scored++
		q.st.ScoreSum += score
		switch {
		case score >= 90:
			q.st.Bands[0]++
		case score >= 75:
			q.st.Bands[1]++
		default:
			q.st.Bands[2]++
		}
	}
	if len(findings) > 0 {
		q.st.WithFindings++
	}
	seen := map[string]bool{}
	for _, f := range findings {
		r := q.rules[f.Code]
		if r == nil {
			r = &RuleRow{Code: f.Code, Name: f.Name, Severity: f.Severity}
			q.rules[f.Code] = r
			q.order = append(q.order, f.Code)
		}
		r.Count++
		if !seen[f.Code] {
			seen[f.Code] = true
			r.Stays++
		}
	}
}

// Stats returns the accumulated counts.
func (q *QualityTally) Stats() *QualityStats {
	if q == nil {
		return nil
	}
	st := q.st
	st.Rules = nil
	for _, c := range q.order {
		st.Rules = append(st.Rules, *q.rules[c])
	}
	return &st
}

// Result returns the quality section; see QualityResult.
func (q *QualityTally) Result(prior *QualityTally, top int) *Quality {
	return QualityResult(q.Stats(), prior.Stats(), top)
}

// QualityResult builds the quality section from this year's counts and,
// when known, last year's (for 同比). top limits the rule table (0 = 15).
// It returns nil when nothing was checked, so the report says the checks
// were not run instead of showing zeros.
func QualityResult(cur, prior *QualityStats, top int) *Quality {
	if cur == nil || cur.Checked == 0 {
		return nil
	}
	out := &Quality{Checked: cur.Checked, Scored: cur.Scored}
	score := Figure{Key: KeyQCScore, Name: "病案首页平均得分", Unit: "分", Kind: Mean, Decimals: 2, Better: HigherGood}
	gradeA := Figure{Key: KeyQCGradeA, Name: "甲级病案率（≥90 分）", Kind: Rate, Better: HigherGood, NumName: "甲级病案", DenName: "评分份数"}
	withAny := Figure{Key: KeyQCStaysFinding, Name: "存在问题的病案占比", Kind: Rate, Better: LowerGood, NumName: "存在问题的病案", DenName: "检查份数"}
	fill := func(t *QualityStats, cur bool) {
		if t == nil || t.Checked == 0 {
			return
		}
		set := func(f *Figure, v Value) {
			if cur {
				f.Value = v
			} else {
				f.Prior = v
			}
		}
		if t.Scored > 0 {
			set(&score, V(t.ScoreSum/float64(t.Scored)))
			set(&gradeA, V(100*float64(t.Bands[0])/float64(t.Scored)))
		}
		set(&withAny, V(100*float64(t.WithFindings)/float64(t.Checked)))
	}
	fill(cur, true)
	fill(prior, false)
	if cur.Scored > 0 {
		gradeA.Numerator, gradeA.Denominator = V(float64(cur.Bands[0])), V(float64(cur.Scored))
		out.Figures = append(out.Figures, score, gradeA)
		out.Grades = []GradeRow{{"甲级（≥90 分）", cur.Bands[0]}, {"乙级（75–89 分）", cur.Bands[1]}, {"丙级（<75 分）", cur.Bands[2]}}
	}
	withAny.Numerator, withAny.Denominator = V(float64(cur.WithFindings)), V(float64(cur.Checked))
	out.Figures = append(out.Figures, withAny)
	out.TopRules = append(out.TopRules, cur.Rules...)
	sort.SliceStable(out.TopRules, func(i, j int) bool {
		a, b := out.TopRules[i], out.TopRules[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Code < b.Code
	})
	if top <= 0 {
		top = 15
	}
	out.TopRules = out.TopRules[:min(top, len(out.TopRules))]
	return out
}
