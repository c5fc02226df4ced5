// Package report renders the hospital's annual report (年度运行分析报告):
// a narrative summary generated from the numbers, key indicator tables with
// year-over-year comparison, department rankings, DRG case mix, front-page
// quality findings and charts.
//
// The package is split in two halves that meet at Data:
//
//   - the adapter (Build) fills Data from the indicator, DRG and quality
//     results of one year and the year before;
//   - the renderers turn Data into a self-contained HTML file (through an
//     editable html/template, charts as inline SVG), a PDF (headless
//     Chromium printing the HTML) and a .docx (Office Open XML written by
//     hand, because Chinese hospital offices edit reports in Word).
//
// Data is plain values so a hospital can rebuild the report from its own
// numbers, and so tests can render hand-made data.
package report

import (
	"math"
	"time"
)

// Value is an optional number: Valid is false when the input it depends on
// is missing (no outpatient volumes imported, DRG not grouped, no prior
// year), which the renderers and the narrative must show as missing rather
// than as zero.
type Value struct {
	V     float64
	Valid bool
}

// V returns a present value.
func V(x float64) Value {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return Value{}
	}
	return Value{V: x, Valid: true}
}

// Missing is the absent value.
var Missing = Value{}

// Kind tells how a figure is displayed and how its change is phrased.
type Kind uint8

const (
	// Count is a number of visits, stays or operations: shown as an integer,
	// or in 万 with 2 decimals from 10 000 up; change as a relative %.
	Count Kind = iota
	// Rate is a percentage stored as percent (39.12 means 39.12%); change in
	// 个百分点 (percentage points).
	Rate
	// Mean is an average in a unit (天, 元): shown with Decimals; change as
	// an absolute difference in the unit ("较上年下降 0.5 天").
	Mean
	// Money is an amount in 元 shown with 2 decimals; change as relative %.
	Money
	// Index is a unitless index (CMI, 消耗指数, ratios): change as an
	// absolute difference.
	Index
)

// Direction is the direction in which a figure is better (国考 "逐步提高" /
// "逐步降低" / "监测比较").
type Direction int8

const (
	Neutral    Direction = 0  // 监测比较: neither direction is better
	HigherGood Direction = 1  // 逐步提高
	LowerGood  Direction = -1 // 逐步降低
)

// Figure is one indicator value of the report year with its prior-year value
// and, when it is a ratio, its numerator and denominator.
type Figure struct {
	Key      string // stable identifier, e.g. "discharges"; see Keys
	Name     string // Chinese name, e.g. "出院人次"
	Unit     string // display unit: "人次", "例", "天", "元", "" (rates and indices carry none)
	Kind     Kind
	Decimals int // decimals for Mean and Index (Count, Rate and Money use the house rules)
	Better   Direction
	GK       string // 国考 indicator number ("4", "增1"), empty when not a 国考 item

	Value Value // report year
	Prior Value // same period of the previous year (同比 base)

	// Numerator and Denominator of a ratio (Rate, Mean, Index) in the report year, when known.
	Numerator, Denominator Value
	NumName, DenName       string // e.g. "手术患者人数", "出院人数"

	Note string // caveat shown under the table (definition, proxy used)
}

// Table is a titled list of figures (one key-indicator table of the report).
type Table struct {
	Title string
	Note  string
	Rows  []Figure
}

// DeptRow is one clinical department in the ranking tables.
type DeptRow struct {
	Code string
	Name string

	Discharges      Value
	PriorDischarges Value
	AvgLOS          Value // 天
	SurgeryRate     Value // % of discharges with an operation
	Grade4Rate      Value // % of surgical discharges with a 四级 operation
	CMI             Value
	AvgCost         Value // 元 per discharge
	Deaths          Value
}

// DRGRow is one DRG in the case-mix tables.
type DRGRow struct {
	Code    string
	Name    string
	Cases   int
	Weight  Value // relative weight RW
	AvgLOS  Value
	AvgCost Value
	Deaths  int
	Tier    string // 低风险 / 中低风险 / 中高风险 / 高风险, empty when unknown
}

// TierRow is one low-risk tier of the DRG mortality table.
type TierRow struct {
	Tier   string // Chinese tier name
	Groups int
	Cases  int
	Deaths int
}

// Mortality returns deaths ÷ cases in percent.
func (t TierRow) Mortality() Value {
	if t.Cases == 0 {
		return Missing
	}
	return V(100 * float64(t.Deaths) / float64(t.Cases))
}

// CaseMix is the DRG section. A nil *CaseMix in Data means the stays were
// not grouped: the section and its sentences are left out.
type CaseMix struct {
	Scheme     string   // scheme pack id or name, e.g. "CHS-DRG 1.1"
	WeightsRef string   // which weight table was used, e.g. "北京 2021"
	Grouped    int      // stays grouped into a DRG
	Ungrouped  int      // 无法入组 + 歧义 + 校验不通过
	Figures    []Figure // CMI, DRG组数, 费用/时间消耗指数, 低风险组死亡率 (keys as in Keys)
	Tiers      []TierRow
	TopDRGs    []DRGRow // by cases, descending
}

// RuleRow is one front-page quality rule with its findings.
type RuleRow struct {
	Code     string
	Name     string
	Severity string // e.g. "错误", "警告"
	Count    int    // findings
	Stays    int    // stays with at least one finding of this rule
}

// Quality is the front-page quality section. A nil *Quality means quality
// checks were not run.
type Quality struct {
	Checked  int      // front pages checked
	Scored   int      // of which scored on the 100-point standard (the base of Grades)
	Figures  []Figure // average score, 甲级率, stays with findings…
	Grades   []GradeRow
	TopRules []RuleRow // by count, descending
}

// GradeRow counts front pages per score band.
type GradeRow struct {
	Grade string // e.g. "甲级（≥90分）"
	Stays int
}

// Series is one line or bar series of a chart.
type Series struct {
	Name   string
	Values []Value // one per Chart.Labels entry
}

// ChartKind selects the SVG drawing.
type ChartKind string

// Chart kinds.
const (
	Bars  ChartKind = "bar"  // vertical grouped bars, one group per label
	HBars ChartKind = "hbar" // horizontal bars (rankings), first series only
	Lines ChartKind = "line" // lines over the labels (months)
)

// Chart is a chart drawn as inline SVG in HTML (and as a table in .docx).
type Chart struct {
	ID     string // stable identifier for templates, e.g. "monthly_discharges"
	Title  string
	Kind   ChartKind
	Unit   string
	Labels []string
	Series []Series
}

// Data is everything the report shows. Templates receive *Data; the fields
// and methods are documented in docs/report.md.
type Data struct {
	Hospital  string    // 医疗机构名称
	OrgCode   string    // 组织机构代码
	Year      int       // report year
	Generated time.Time // when the report was built
	Title     string    // defaults to "<Hospital><Year>年度运行分析报告"

	Headline    []Figure  // key figures of the summary cards and narrative, see Keys
	Tables      []Table   // key indicator tables
	Departments []DeptRow // clinical departments, ranked by discharges descending
	CaseMix     *CaseMix  // nil: DRG not grouped
	Quality     *Quality  // nil: quality checks not run
	Charts      []Chart

	// Notes are data caveats printed in the closing section ("本年度未导入门急诊量数据" …).
	Notes []string
}

// Keys of the figures the narrative knows. The adapter fills what it can;
// a key that is absent or has an invalid Value is treated as missing.
const (
	KeyOutpatient     = "outpatient_visits"     // 门急诊人次 (门诊+急诊, excluding health checks)
	KeyEmergency      = "emergency_visits"      // 急诊人次
	KeyDischarges     = "discharges"            // 出院人次
	KeySurgery        = "surgery_patients"      // 出院患者手术人数 (国考 #4 numerator)
	KeySurgeryRate    = "surgery_rate"          // 出院患者手术占比 (国考 #4)
	KeyMIRate         = "minimally_invasive"    // 出院患者微创手术占比 (国考 #5)
	KeyGrade4Rate     = "grade4_rate"           // 出院患者四级手术比例 (国考 #6)
	KeyDaySurgery     = "day_surgery"           // 日间手术例次
	KeyDaySurgeryRate = "day_surgery_rate"      // 日间手术占择期手术比例 (国考 #3)
	KeyAvgLOS         = "avg_los"               // 平均住院日
	KeyAvgCost        = "avg_cost"              // 住院次均费用
	KeyAvgDrugCost    = "avg_drug_cost"         // 住院次均药品费用
	KeyMortality      = "mortality"             // 住院患者死亡率
	KeyOPIPRatio      = "op_ip_ratio"           // 门诊人次数与出院人次数比 (国考 #1)
	KeyComplication   = "complication_rate"     // 手术患者并发症发生率 (国考 #8)
	KeySSI            = "ssi_rate"              // I类切口手术部位感染率 (国考 #9)
	KeyCMI            = "cmi"                   // 病例组合指数
	KeyDRGCount       = "drg_count"             // DRG 组数
	KeyCostIndex      = "cost_index"            // 费用消耗指数
	KeyTimeIndex      = "time_index"            // 时间消耗指数
	KeyLowRiskMort    = "low_risk_mortality"    // 低风险组病例死亡率 (国考 #14)
	KeyQCScore        = "qc_avg_score"          // 病案首页平均得分
	KeyQCGradeA       = "qc_grade_a_rate"       // 甲级病案率
	KeyQCStaysFinding = "qc_stays_with_finding" // 存在问题的病案占比
)

// Fig returns the headline figure with the key, searching Headline, then the
// case-mix and quality figures, then the tables. The zero Figure (invalid
// values) is returned when the key is absent, so templates can write
// {{with .Fig "avg_los"}} and the narrative treats it as missing.
func (d *Data) Fig(key string) Figure {
	if f, ok := d.lookup(key); ok {
		return f
	}
	return Figure{Key: key}
}

// Has reports whether the figure with the key has a report-year value.
func (d *Data) Has(key string) bool {
	f, ok := d.lookup(key)
	return ok && f.Value.Valid
}

func (d *Data) lookup(key string) (Figure, bool) {
	for _, f := range d.Headline {
		if f.Key == key {
			return f, true
		}
	}
	if d.CaseMix != nil {
		for _, f := range d.CaseMix.Figures {
			if f.Key == key {
				return f, true
			}
		}
	}
	if d.Quality != nil {
		for _, f := range d.Quality.Figures {
			if f.Key == key {
				return f, true
			}
		}
	}
	for _, t := range d.Tables {
		for _, f := range t.Rows {
			if f.Key == key {
				return f, true
			}
		}
	}
	return Figure{}, false
}

// Chart returns the chart with the id, or nil.
func (d *Data) Chart(id string) *Chart {
	for i := range d.Charts {
		if d.Charts[i].ID == id {
			return &d.Charts[i]
		}
	}
	return nil
}

// DocTitle returns Title or the default "<医院><年>年度运行分析报告".
func (d *Data) DocTitle() string {
	if d.Title != "" {
		return d.Title
	}
	return d.Hospital + itoa(d.Year) + "年度运行分析报告"
}

// DeptChange is the 同比 change of a department's discharges.
func (d *Data) DeptChange(r DeptRow) Change {
	return Figure{Kind: Count, Better: Neutral, Value: r.Discharges, Prior: r.PriorDischarges}.Change()
}

// DeptHas reports whether any department has a value in the column ("cmi",
// "grade4", "surgery", "cost", "los"), so templates can drop a column that
// would be all dashes (CMI before DRG grouping).
func (d *Data) DeptHas(col string) bool {
	for _, r := range d.Departments {
		var v Value
		switch col {
		case "cmi":
			v = r.CMI
		case "grade4":
			v = r.Grade4Rate
		case "surgery":
			v = r.SurgeryRate
		case "cost":
			v = r.AvgCost
		case "los":
			v = r.AvgLOS
		}
		if v.Valid {
			return true
		}
	}
	return false
}
