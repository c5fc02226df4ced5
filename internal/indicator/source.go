package indicator

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/yardstick-health/yardstick/internal/hospital"
)

// Period is the time grain of a query.
type Period string

// Periods.
const (
	Month   Period = "month"
	Quarter Period = "quarter"
	Year    Period = "year"
)

// Dim is the breakdown dimension of a query.
type Dim string

// Dimensions. Department is the discharge department (B16C); doctor is the
// attending physician (B24 主治医师), because the national front page has no
// 主诊医师 field and B24 is the signature every record carries.
const (
	ByHospital   Dim = "hospital"
	ByCampus     Dim = "campus"
	ByDepartment Dim = "department"
	ByDoctor     Dim = "doctor"
	ByDRG        Dim = "drg"
	ByADRG       Dim = "adrg"
	ByMDC        Dim = "mdc"
)

// Dims lists the dimensions.
var Dims = []Dim{ByHospital, ByCampus, ByDepartment, ByDoctor, ByDRG, ByADRG, ByMDC}

// FactColumn is the stay_facts column holding the dimension key ("" for
// hospital: the organisation is always a grouping column).
func (d Dim) FactColumn() string {
	switch d {
	case ByCampus:
		return "campus"
	case ByDepartment:
		return "dept"
	case ByDoctor:
		return "doctor"
	case ByDRG:
		return "drg"
	case ByADRG:
		return "adrg"
	case ByMDC:
		return "mdc"
	}
	return ""
}

// Chinese names the dimension.
func (d Dim) Chinese() string {
	switch d {
	case ByCampus:
		return "院区"
	case ByDepartment:
		return "出院科室"
	case ByDoctor:
		return "主治医师"
	case ByDRG:
		return "DRG"
	case ByADRG:
		return "ADRG"
	case ByMDC:
		return "MDC"
	}
	return "医院"
}

// keyOf returns the dimension key of a fact.
func (d Dim) keyOf(f *Fact) string {
	switch d {
	case ByCampus:
		return f.Campus
	case ByDepartment:
		return f.Dept
	case ByDoctor:
		return f.Doctor
	case ByDRG:
		return f.DRG
	case ByADRG:
		return f.ADRG
	case ByMDC:
		return f.MDC
	}
	return ""
}

// Sub returns the sub-period number of a month: the month (1–12), the
// quarter (1–4) or 0 for a year.
func (p Period) Sub(month int) int {
	switch p {
	case Month:
		return month
	case Quarter:
		return (month-1)/3 + 1
	}
	return 0
}

// Label formats a period: 2021, 2021Q1, 2021-03.
func (p Period) Label(year, sub int) string {
	switch p {
	case Month:
		return fmt.Sprintf("%d-%02d", year, sub)
	case Quarter:
		return fmt.Sprintf("%dQ%d", year, sub)
	}
	return fmt.Sprint(year)
}

// Prev returns the previous period (环比): the previous month/quarter, the
// previous year for yearly queries.
func (p Period) Prev(year, sub int) (int, int) {
	switch p {
	case Month:
		if sub == 1 {
			return year - 1, 12
		}
		return year, sub - 1
	case Quarter:
		if sub == 1 {
			return year - 1, 4
		}
		return year, sub - 1
	}
	return year - 1, 0
}

// Days is the number of calendar days of the period (for per-day measures).
func (p Period) Days(year, sub int) int {
	var from, to time.Time
	switch p {
	case Month:
		from = time.Date(year, time.Month(sub), 1, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(0, 1, 0)
	case Quarter:
		from = time.Date(year, time.Month(3*(sub-1)+1), 1, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(0, 3, 0)
	default:
		from = time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)
		to = from.AddDate(1, 0, 0)
	}
	return int(to.Sub(from).Hours() / 24)
}

// AggSpec asks a Source for grouped sums: one row per (org, key, year, sub)
// with one value per measure, over the stays (or visits) discharged in the
// given years.
type AggSpec struct {
	Years    []int
	Org      string // "" = every organisation
	Period   Period
	By       Dim
	Measures []*Measure
}

// AggRow is one group of an aggregation.
type AggRow struct {
	Org    string
	Key    string
	Year   int
	Sub    int
	Values []float64 // parallel to AggSpec.Measures
}

// Input is one manual input value (yardstick indicators input).
type Input struct {
	Org   string
	Year  int
	Code  string
	Value float64
	Dept  string // "" = whole hospital
}

// StaySpec selects the stays behind one number: the cell (org, key, year,
// sub) and the measure's condition.
type StaySpec struct {
	Org     string
	By      Dim
	Key     string
	Year    int
	Period  Period
	Sub     int
	Measure *Measure
}

// StayRef is one stay of a drill-down list and its contribution to the
// number (1 for counts, the summed value for sums; Group is the distinct key
// for distinct counts).
type StayRef struct {
	StayID      int64
	Org         string
	MRN         string
	AdmissionNo int
	Dept        string
	Discharge   time.Time
	Value       float64
	Group       string
}

// Provenance states what the numbers were computed from.
type Provenance struct {
	DataSource string   // e.g. "yardstick.duckdb: 160000 住院病案首页 stays, 2.6M 门急诊人次"
	Catalogs   []string // per year, the catalogue versions and fallbacks used by the facts
	Notes      []string
}

// Source is what the engine reads: implemented by internal/store (DuckDB)
// and by MemSource.
type Source interface {
	// Aggregate groups stay facts (Measure.Table "facts").
	Aggregate(ctx context.Context, spec AggSpec) ([]AggRow, error)
	// AggregateVisits groups outpatient volumes (Measure.Table "visits");
	// only ByHospital and ByDepartment are meaningful.
	AggregateVisits(ctx context.Context, spec AggSpec) ([]AggRow, error)
	// Inputs returns the manual input values of the years.
	Inputs(ctx context.Context, years []int, org string) ([]Input, error)
	// Stays lists the stays behind a number.
	Stays(ctx context.Context, spec StaySpec) ([]StayRef, error)
	// Provenance describes the data and catalogues.
	Provenance(ctx context.Context, years []int, org string) (Provenance, error)
}

// Labeler is implemented by sources that can name dimension keys
// (department names, DRG names). Keys of the map are "org|key", or "|key"
// for names that hold for every organisation.
type Labeler interface {
	Labels(ctx context.Context, by Dim, org string) (map[string]string, error)
}

// MemSource is an in-memory Source over derived facts, used by the tests and
// usable for small data sets.
type MemSource struct {
	Facts       []Fact
	Visits      []hospital.VisitCount
	InputValues []Input
	Prov        Provenance
	MRNs        map[int64]string // optional stay id → 病案号 for drill-down output
	AdmNos      map[int64]int
}

func yearSet(ys []int) map[int]bool {
	m := map[int]bool{}
	for _, y := range ys {
		m[y] = true
	}
	return m
}

type cellKey struct {
	Org, Key  string
	Year, Sub int
}

// Aggregate implements Source.
func (m *MemSource) Aggregate(ctx context.Context, spec AggSpec) ([]AggRow, error) {
	ys := yearSet(spec.Years)
	acc := map[cellKey][]float64{}
	distinct := map[cellKey][]map[string]bool{}
	for i := range m.Facts {
		if i%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		f := &m.Facts[i]
		if !ys[f.Year] || (spec.Org != "" && f.OrgCode != spec.Org) {
			continue
		}
		k := cellKey{f.OrgCode, spec.By.keyOf(f), f.Year, spec.Period.Sub(f.Month)}
		v := acc[k]
		if v == nil {
			v = make([]float64, len(spec.Measures))
			acc[k] = v
			distinct[k] = make([]map[string]bool, len(spec.Measures))
		}
		for j, ms := range spec.Measures {
			switch ms.Kind {
			case MDistinct:
				if ms.Test(f) {
					if key := ms.Key(f); key != "" {
						if distinct[k][j] == nil {
							distinct[k][j] = map[string]bool{}
						}
						distinct[k][j][key] = true
					}
				}
			default:
				v[j] += ms.Value(f)
			}
		}
	}
	out := make([]AggRow, 0, len(acc))
	for k, v := range acc {
		for j := range spec.Measures {
			if d := distinct[k][j]; d != nil {
				v[j] = float64(len(d))
			}
		}
		out = append(out, AggRow{Org: k.Org, Key: k.Key, Year: k.Year, Sub: k.Sub, Values: v})
	}
	sortRows(out)
	return out, nil
}

func sortRows(rs []AggRow) {
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Org != b.Org {
			return a.Org < b.Org
		}
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		if a.Year != b.Year {
			return a.Year < b.Year
		}
		return a.Sub < b.Sub
	})
}

// VisitColumn maps a visit column to the visit type it sums.
func VisitColumn(col string) (hospital.VisitType, bool) {
	switch col {
	case "op_visits":
		return hospital.Outpatient, true
	case "er_visits":
		return hospital.Emergency, true
	case "hc_visits":
		return hospital.HealthCheck, true
	}
	return "", false
}

// AggregateVisits implements Source.
func (m *MemSource) AggregateVisits(ctx context.Context, spec AggSpec) ([]AggRow, error) {
	ys := yearSet(spec.Years)
	acc := map[cellKey][]float64{}
	for _, v := range m.Visits {
		if !ys[v.Date.Year()] || (spec.Org != "" && v.OrgCode != spec.Org) {
			continue
		}
		key := ""
		if spec.By == ByDepartment {
			key = v.Dept
		}
		k := cellKey{v.OrgCode, key, v.Date.Year(), spec.Period.Sub(int(v.Date.Month()))}
		vals := acc[k]
		if vals == nil {
			vals = make([]float64, len(spec.Measures))
			acc[k] = vals
		}
		for j, ms := range spec.Measures {
			for _, c := range ms.Sum {
				if t, _ := VisitColumn(c); t == v.Type {
					vals[j] += float64(v.Visits)
				}
			}
		}
	}
	out := make([]AggRow, 0, len(acc))
	for k, v := range acc {
		out = append(out, AggRow{Org: k.Org, Key: k.Key, Year: k.Year, Sub: k.Sub, Values: v})
	}
	sortRows(out)
	return out, nil
}

// Inputs implements Source.
func (m *MemSource) Inputs(_ context.Context, years []int, org string) ([]Input, error) {
	ys := yearSet(years)
	var out []Input
	for _, in := range m.InputValues {
		if ys[in.Year] && (org == "" || in.Org == org) {
			out = append(out, in)
		}
	}
	return out, nil
}

// Stays implements Source.
func (m *MemSource) Stays(ctx context.Context, spec StaySpec) ([]StayRef, error) {
	if spec.Measure == nil || spec.Measure.Table != "facts" {
		return nil, fmt.Errorf("该数值没有病例明细 this number has no stay list")
	}
	var out []StayRef
	for i := range m.Facts {
		f := &m.Facts[i]
		if f.Year != spec.Year || f.OrgCode != spec.Org || spec.By.keyOf(f) != spec.Key || spec.Period.Sub(f.Month) != spec.Sub {
			continue
		}
		if !spec.Measure.Test(f) {
			continue
		}
		if spec.Measure.Kind == MDistinct && spec.Measure.Key(f) == "" {
			continue
		}
		r := StayRef{StayID: f.StayID, Org: f.OrgCode, Dept: f.Dept, Discharge: f.DisDate, Value: spec.Measure.Value(f), Group: spec.Measure.Key(f)}
		r.MRN = m.MRNs[f.StayID]
		if r.MRN == "" {
			_, r.MRN, _ = strings.Cut(f.MRNKey, "|")
		}
		r.AdmissionNo = m.AdmNos[f.StayID]
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].StayID < out[j].StayID })
	return out, ctx.Err()
}

// Provenance implements Source.
func (m *MemSource) Provenance(context.Context, []int, string) (Provenance, error) {
	p := m.Prov
	if p.DataSource == "" {
		p.DataSource = fmt.Sprintf("内存 in-memory: %d 条病例事实 stay facts, %d 条门急诊记录 visit rows", len(m.Facts), len(m.Visits))
	}
	return p, nil
}
