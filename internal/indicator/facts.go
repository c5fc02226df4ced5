package indicator

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/yardstick-health/yardstick/internal/catalog"
	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// Fact is the case-level fact row of one stay (table stay_facts): everything
// an indicator counts, derived once from the front page, the catalogues and
// the DRG result. Indicators are ratios of sums of these columns.
type Fact struct {
	StayID  int64
	OrgCode string
	Campus  string
	Dept    string // B16C 出院科别
	Doctor  string // B24 主治医师 (the front page has no 主诊 field)
	Year    int    // of discharge (B15)
	Month   int    // 1–12
	AdmDate time.Time
	DisDate time.Time

	// Patient linkage for readmissions, never the raw identity: MRNKey is
	// org|病案号, IDKey a truncated SHA-256 of the ID number.
	MRNKey, IDKey  string
	ReadmitPlanned bool // B36C = 2

	Surgical     bool // ≥1 procedure of category 手术/介入治疗 (persons, #4)
	Level4       bool // surgical and ≥1 procedure on the level-4 list (#6)
	Level3       bool // surgical and ≥1 procedure on the level-3 list (二级 #3)
	MinInvasive  bool // surgical and ≥1 procedure on the minimally invasive list (#5)
	Elective     bool // surgical and elective (#3, #8 denominators)
	DaySurgery   bool // B38 = 1, surgical (and on the day-surgery list when imported)
	Operations   int  // number of surgical procedure lines (operations, not persons)
	ComplElig    bool // #8 denominator: elective surgical, no O/P chapter diagnosis, not a newborn
	Complication bool // #8 numerator: ComplElig and a listed complication not present on admission
	Class1Ops    int  // #9 denominator: operations with a class-I incision (RC014 1,2,3,10)
	Class1Inf    int  // #9 numerator: class-I operations healing 丙 (RC014 3)
	Death        bool // B34C = 5
	Readmit31    bool // the patient's next admission starts ≤31 days after this discharge and B36C ≠ 2
	LOS          int  // B20, else computed from B12/B15 (at least 1)
	PreopValid   bool // surgical with an operation date on or after admission
	PreopDays    int  // first surgical operation date − admission date
	TotalCost    float64
	DrugCost     float64 // D23+D24+D25
	MaterialCost float64 // D31+D32+D33
	ExamCost     float64 // D15+D16+D17+D18 (pathology, lab, imaging, clinical diagnosis)
	Antibiotic   float64 // D23x01

	// DRG (from the grouper; empty when not grouped).
	Grouped   bool
	DRG       string
	ADRG      string
	MDC       string
	Weight    float64 // relative weight RW used (grouper's, else internal: mean cost of the DRG ÷ mean cost)
	Tier      int     // low-risk tier used: 1 低 … 4 高风险, 0 unknown
	SrcWeight float64 // weight given by the grouper (0 = none)
	SrcTier   int     // tier given by the grouper (0 = none)
	LowRisk   bool
	LOSRatio  float64 // LOS ÷ reference mean LOS of the DRG (time consumption index)
	CostRatio float64 // cost ÷ reference mean cost of the DRG (cost consumption index)
}

// ColKind is the type of a fact column.
type ColKind int

// Column kinds.
const (
	ColBool ColKind = iota
	ColNum
	ColText
)

// Column describes one named fact column usable in indicator expressions.
// The names are the stay_facts column names, so the store renders SQL from
// the same expressions the in-memory engine evaluates.
type Column struct {
	Name  string
	Kind  ColKind
	Table string // "facts" or "visits"
	Doc   string
	num   func(*Fact) float64
	text  func(*Fact) string
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Columns is the fact-column registry.
var Columns = []Column{
	{Name: "discharged", Kind: ColBool, Doc: "出院患者（每条首页）discharge", num: func(*Fact) float64 { return 1 }},
	{Name: "surgical", Kind: ColBool, Doc: "手术患者 surgical person", num: func(f *Fact) float64 { return b2f(f.Surgical) }},
	{Name: "level4", Kind: ColBool, Doc: "四级手术患者 level-4 person", num: func(f *Fact) float64 { return b2f(f.Level4) }},
	{Name: "level3", Kind: ColBool, Doc: "三级手术患者 level-3 person", num: func(f *Fact) float64 { return b2f(f.Level3) }},
	{Name: "min_invasive", Kind: ColBool, Doc: "微创手术患者", num: func(f *Fact) float64 { return b2f(f.MinInvasive) }},
	{Name: "elective", Kind: ColBool, Doc: "择期手术患者", num: func(f *Fact) float64 { return b2f(f.Elective) }},
	{Name: "day_surgery", Kind: ColBool, Doc: "日间手术患者", num: func(f *Fact) float64 { return b2f(f.DaySurgery) }},
	{Name: "operations", Kind: ColNum, Doc: "手术台次（操作数）operations", num: func(f *Fact) float64 { return float64(f.Operations) }},
	{Name: "compl_eligible", Kind: ColBool, Doc: "并发症分母 #8 denominator", num: func(f *Fact) float64 { return b2f(f.ComplElig) }},
	{Name: "complication", Kind: ColBool, Doc: "手术并发症 #8 numerator", num: func(f *Fact) float64 { return b2f(f.Complication) }},
	{Name: "class1_ops", Kind: ColNum, Doc: "I类切口手术台次", num: func(f *Fact) float64 { return float64(f.Class1Ops) }},
	{Name: "class1_infections", Kind: ColNum, Doc: "I类切口感染台次", num: func(f *Fact) float64 { return float64(f.Class1Inf) }},
	{Name: "death", Kind: ColBool, Doc: "死亡 B34C=5", num: func(f *Fact) float64 { return b2f(f.Death) }},
	{Name: "readmit31", Kind: ColBool, Doc: "31天内非计划再住院", num: func(f *Fact) float64 { return b2f(f.Readmit31) }},
	{Name: "los", Kind: ColNum, Doc: "住院天数 B20", num: func(f *Fact) float64 { return float64(f.LOS) }},
	{Name: "preop_valid", Kind: ColBool, Doc: "有术前天数", num: func(f *Fact) float64 { return b2f(f.PreopValid) }},
	{Name: "preop_days", Kind: ColNum, Doc: "术前住院天数", num: func(f *Fact) float64 { return float64(f.PreopDays) }},
	{Name: "total_cost", Kind: ColNum, Doc: "住院总费用 D01", num: func(f *Fact) float64 { return f.TotalCost }},
	{Name: "drug_cost", Kind: ColNum, Doc: "药品费 D23+D24+D25", num: func(f *Fact) float64 { return f.DrugCost }},
	{Name: "material_cost", Kind: ColNum, Doc: "耗材费 D31+D32+D33", num: func(f *Fact) float64 { return f.MaterialCost }},
	{Name: "exam_cost", Kind: ColNum, Doc: "检查检验费 D15–D18", num: func(f *Fact) float64 { return f.ExamCost }},
	{Name: "antibiotic_cost", Kind: ColNum, Doc: "抗菌药物费 D23x01", num: func(f *Fact) float64 { return f.Antibiotic }},
	{Name: "grouped", Kind: ColBool, Doc: "已入组 DRG grouped", num: func(f *Fact) float64 { return b2f(f.Grouped) }},
	{Name: "weight", Kind: ColNum, Doc: "DRG 权重 RW", num: func(f *Fact) float64 { return f.Weight }},
	{Name: "low_risk", Kind: ColBool, Doc: "低风险组", num: func(f *Fact) float64 { return b2f(f.LowRisk) }},
	{Name: "los_ratio", Kind: ColNum, Doc: "住院日/组均住院日", num: func(f *Fact) float64 { return f.LOSRatio }},
	{Name: "cost_ratio", Kind: ColNum, Doc: "费用/组均费用", num: func(f *Fact) float64 { return f.CostRatio }},
	{Name: "drg", Kind: ColText, Doc: "DRG 组", text: func(f *Fact) string { return f.DRG }},
	{Name: "adrg", Kind: ColText, Doc: "ADRG", text: func(f *Fact) string { return f.ADRG }},
	{Name: "mdc", Kind: ColText, Doc: "MDC", text: func(f *Fact) string { return f.MDC }},
	{Name: "dept", Kind: ColText, Doc: "出院科别 B16C", text: func(f *Fact) string { return f.Dept }},
	// Visit columns (table visits): summed over the visits of the cell.
	{Name: "op_visits", Kind: ColNum, Table: "visits", Doc: "门诊人次"},
	{Name: "er_visits", Kind: ColNum, Table: "visits", Doc: "急诊人次"},
	{Name: "hc_visits", Kind: ColNum, Table: "visits", Doc: "健康体检人次（不计入门急诊）"},
}

var colIndex = func() map[string]*Column {
	m := map[string]*Column{}
	for i := range Columns {
		m[Columns[i].Name] = &Columns[i]
	}
	return m
}()

// LookupColumn returns the fact column of a name.
func LookupColumn(name string) (*Column, bool) {
	c, ok := colIndex[name]
	return c, ok
}

// DRGInfo is the grouper's result for a stay, as far as the indicators need it.
type DRGInfo struct {
	Grouped bool
	DRG     string
	ADRG    string
	MDC     string
	Weight  float64 // 0 = unknown: an internal weight is derived from costs
	Tier    int     // 0 = unknown: tiers are estimated from the data
}

// Derive computes the facts of one stay. It is pure: readmissions and the
// DRG reference values depend on other stays and are filled by Link and
// ApplyReferences.
func Derive(id int64, s *frontpage.Stay, cats *catalog.Set, g DRGInfo) Fact {
	f := Fact{
		StayID:  id,
		OrgCode: s.OrgCode,
		Campus:  s.Campus,
		Dept:    s.DisDept,
		Doctor:  s.Attending,
		Year:    s.DisTime.Year(),
		Month:   int(s.DisTime.Month()),
		AdmDate: dateOf(s.AdmTime),
		DisDate: dateOf(s.DisTime),
		Death:   s.Died(),
	}
	if s.MRN != "" {
		f.MRNKey = s.OrgCode + "|" + s.MRN
	}
	if id := strings.TrimSpace(s.IDNumber); len(id) >= 6 && strings.Trim(id, "0-") != "" {
		h := sha256.Sum256([]byte(strings.ToUpper(id)))
		f.IDKey = hex.EncodeToString(h[:12])
	}
	f.ReadmitPlanned = strings.TrimSpace(s.ReadmitPlan) == "2"

	// LOS: B20 as recorded; when absent, discharge date − admission date with
	// a same-day stay counting one day (national rule).
	switch {
	case s.LOS.Valid && s.LOS.V >= 0:
		f.LOS = s.LOS.V
	case !f.AdmDate.IsZero() && !f.DisDate.IsZero():
		f.LOS = int(f.DisDate.Sub(f.AdmDate).Hours() / 24)
	}
	if f.LOS == 0 && !f.DisDate.IsZero() {
		f.LOS = 1
	}

	cat := cats.Get(catalog.Category)
	l4 := cats.Get(catalog.Level4)
	l3 := cats.Get(catalog.Level3)
	mis := cats.Get(catalog.MinInvasive)
	day := cats.Get(catalog.DaySurgery)
	electiveKnown, electiveAny := false, false
	onDayList := false
	var firstOp time.Time
	for _, p := range s.Procedures {
		if p.Incision != "" {
			switch strings.TrimSpace(p.Incision) {
			case "1", "2", "10":
				f.Class1Ops++
			case "3":
				f.Class1Ops++
				f.Class1Inf++
			}
		}
		if !isSurgical(p, cat) {
			continue
		}
		f.Surgical = true
		f.Operations++
		if l4 != nil {
			if l4.Contains(p.Code, p.Name) {
				f.Level4 = true
			}
		} else if strings.TrimSpace(p.Level) == "4" {
			f.Level4 = true
		}
		if l3 != nil {
			if l3.Contains(p.Code, p.Name) {
				f.Level3 = true
			}
		} else if strings.TrimSpace(p.Level) == "3" {
			f.Level3 = true
		}
		if mis.Contains(p.Code, p.Name) {
			f.MinInvasive = true
		}
		if day == nil || day.Contains(p.Code, p.Name) {
			onDayList = true
		}
		switch p.Elective {
		case "1":
			electiveKnown, electiveAny = true, true
		case "2":
			electiveKnown = true
		}
		if !p.Date.IsZero() && (firstOp.IsZero() || p.Date.Before(firstOp)) {
			firstOp = p.Date
		}
	}
	if f.Surgical {
		// Elective: a surgical procedure flagged 择期; when no procedure says,
		// the admission route decides (not admitted through the emergency
		// department, B11C ≠ 1).
		// Day surgery is planned by definition, so it always counts as
		// elective (#3 numerator ⊆ denominator).
		f.DaySurgery = strings.TrimSpace(s.DaySurgery) == "1" && onDayList
		if electiveKnown {
			f.Elective = electiveAny || f.DaySurgery
		} else {
			f.Elective = strings.TrimSpace(s.AdmRoute) != "1" || f.DaySurgery
		}
		if d := dateOf(firstOp); !d.IsZero() && !f.AdmDate.IsZero() && !d.Before(f.AdmDate) {
			f.PreopValid = true
			f.PreopDays = int(d.Sub(f.AdmDate).Hours() / 24)
		}
	}
	if f.Elective && !obstetricOrNewborn(s) {
		f.ComplElig = true
		comp := cats.Get(catalog.Complication)
		for i, d := range s.Diagnoses {
			if i == 0 {
				continue // the principal diagnosis is why the patient came
			}
			if strings.TrimSpace(d.POA) == "4" && comp.MatchDx(d.Code) {
				f.Complication = true
				break
			}
		}
	}

	c := &s.Costs
	f.TotalCost = c[frontpage.CostTotal].V
	f.DrugCost = s.DrugCost()
	f.MaterialCost = c[frontpage.CostExamMaterial].V + c[frontpage.CostTreatMaterial].V + c[frontpage.CostSurgMaterial].V
	f.ExamCost = c[frontpage.CostPathology].V + c[frontpage.CostLab].V + c[frontpage.CostImaging].V + c[frontpage.CostClinicalDx].V
	f.Antibiotic = c[frontpage.CostAntibiotics].V

	f.Grouped, f.DRG, f.ADRG, f.MDC = g.Grouped, g.DRG, g.ADRG, g.MDC
	f.SrcWeight, f.SrcTier, f.Weight, f.Tier = g.Weight, g.Tier, g.Weight, g.Tier
	f.LowRisk = g.Grouped && g.Tier == 1
	return f
}

func dateOf(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// isSurgical applies the category catalogue, or the 手术级别 fallback: a
// graded procedure (RC029 1–4) with an operating-room code (ICD-9-CM-3
// chapters 00–86; 87–99 are diagnostic and therapeutic non-operative
// procedures).
func isSurgical(p frontpage.Procedure, cat *catalog.Catalogue) bool {
	if cat != nil {
		switch cat.Value(p.Code) {
		case catalog.CatSurgery, catalog.CatIntervention:
			return true
		}
		return false
	}
	switch strings.TrimSpace(p.Level) {
	case "1", "2", "3", "4":
	default:
		return false
	}
	return orCode(p.Code)
}

func orCode(code string) bool {
	code = strings.TrimSpace(code)
	i := 0
	for i < len(code) && code[i] >= '0' && code[i] <= '9' {
		i++
	}
	if i == 0 {
		return false
	}
	n, err := strconv.Atoi(code[:i])
	return err == nil && n <= 86
}

// obstetricOrNewborn is the #8 exclusion: any diagnosis in O00–O99 or
// P00–P96, or a newborn (age under one year and ≤ 28 days).
func obstetricOrNewborn(s *frontpage.Stay) bool {
	for _, d := range s.Diagnoses {
		c := catalog.NormCode(d.Code)
		if strings.HasPrefix(c, "O") {
			return true
		}
		if strings.HasPrefix(c, "P") && len(c) >= 3 && c[1:3] <= "96" {
			return true
		}
	}
	if s.AgeDays.Valid && s.AgeDays.V <= 28 && (!s.AgeYears.Valid || s.AgeYears.V == 0) {
		return true
	}
	return false
}

// ReadmitWindow is the readmission window in days.
const ReadmitWindow = 31

// Link sets Readmit31 on every fact: the same patient (same org + 病案号, or
// the same ID number) is admitted again 0–31 days (calendar dates) after this
// discharge, and this discharge's B36C is not 2 (planned). The store does
// the same in SQL; both are tested against the same hand-made cases.
func Link(facts []Fact) {
	for i := range facts {
		facts[i].Readmit31 = false
	}
	for _, key := range []func(*Fact) string{
		func(f *Fact) string { return f.MRNKey },
		func(f *Fact) string { return f.IDKey },
	} {
		groups := map[string][]int{}
		for i := range facts {
			if k := key(&facts[i]); k != "" && !facts[i].AdmDate.IsZero() {
				groups[k] = append(groups[k], i)
			}
		}
		for _, g := range groups {
			sort.Slice(g, func(a, b int) bool {
				fa, fb := &facts[g[a]], &facts[g[b]]
				if !fa.AdmDate.Equal(fb.AdmDate) {
					return fa.AdmDate.Before(fb.AdmDate)
				}
				return fa.StayID < fb.StayID
			})
			for j := 0; j+1 < len(g); j++ {
				f, next := &facts[g[j]], &facts[g[j+1]]
				if f.ReadmitPlanned || f.DisDate.IsZero() {
					continue
				}
				d := next.AdmDate.Sub(f.DisDate).Hours() / 24
				if d >= 0 && d <= ReadmitWindow {
					f.Readmit31 = true
				}
			}
		}
	}
}

// ApplyReferences fills the DRG reference values from the facts themselves
// (the whole data set is the benchmark region): per (year, DRG) the mean LOS
// and mean cost of grouped stays give LOSRatio and CostRatio of each stay;
// where the grouper gave no weight, an internal weight (InternalWeights over
// the year's grouped stays); where it gave no tier, an estimated tier
// (EstimateTiers over the year's DRGs). The store does the same with SQL
// means and the same Go functions for weights and tiers.
func ApplyReferences(facts []Fact) {
	type acc struct{ n, los, cost, deaths float64 }
	type yd struct {
		year int
		drg  string
	}
	byDRG := map[yd]*acc{}
	costs := map[int]map[string][]float64{}
	for i := range facts {
		f := &facts[i]
		if !f.Grouped || f.DRG == "" {
			continue
		}
		k := yd{f.Year, f.DRG}
		a := byDRG[k]
		if a == nil {
			a = &acc{}
			byDRG[k] = a
		}
		a.n++
		a.los += float64(f.LOS)
		a.cost += f.TotalCost
		a.deaths += b2f(f.Death)
		if costs[f.Year] == nil {
			costs[f.Year] = map[string][]float64{}
		}
		costs[f.Year][f.DRG] = append(costs[f.Year][f.DRG], f.TotalCost)
	}
	tiers := map[yd]int{}
	weights := map[yd]float64{}
	for y, byCost := range costs {
		rates := map[string][2]float64{}
		for d := range byCost {
			a := byDRG[yd{y, d}]
			rates[d] = [2]float64{a.deaths, a.n}
		}
		for d, t := range EstimateTiers(rates) {
			tiers[yd{y, d}] = t
		}
		for d, w := range InternalWeights(byCost) {
			weights[yd{y, d}] = w
		}
	}
	for i := range facts {
		f := &facts[i]
		f.LOSRatio, f.CostRatio, f.Weight, f.Tier = 0, 0, f.SrcWeight, f.SrcTier
		f.LowRisk = false
		if !f.Grouped || f.DRG == "" {
			continue
		}
		k := yd{f.Year, f.DRG}
		a := byDRG[k]
		if m := a.los / a.n; m > 0 {
			f.LOSRatio = float64(f.LOS) / m
		}
		if m := a.cost / a.n; m > 0 {
			f.CostRatio = f.TotalCost / m
		}
		if f.Weight == 0 {
			f.Weight = weights[k]
		}
		if f.Tier == 0 {
			f.Tier = tiers[k]
		}
		f.LowRisk = f.Tier == 1
	}
}
