// Package indicatortest holds the hand-made front pages the indicator tests
// (in-memory and store) share; the expected figures are worked out by hand
// in internal/indicator/engine_test.go.
package indicatortest

import (
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/hospital"
	"github.com/yardstick-health/yardstick/internal/indicator"
)

// Case is one hand-made stay with its DRG result.
type Case struct {
	ID   int64
	Stay *frontpage.Stay
	DRG  indicator.DRGInfo
}

// Cases returns the hand-made data set (fresh copies).
func Cases() []Case {
	var out []Case
	for _, s := range handStays {
		fs, g := s.build()
		out = append(out, Case{ID: s.id, Stay: fs, DRG: g})
	}
	return out
}

// Visits returns the outpatient volumes of the data set.
func Visits() []hospital.VisitCount {
	return []hospital.VisitCount{
		{OrgCode: "H1", Date: day(2021, 1, 1), Monthly: true, Dept: "A", Type: hospital.Outpatient, Visits: 100},
		{OrgCode: "H1", Date: day(2021, 1, 1), Monthly: true, Dept: "A", Type: hospital.Emergency, Visits: 20},
		{OrgCode: "H1", Date: day(2021, 1, 1), Monthly: true, Dept: "A", Type: hospital.HealthCheck, Visits: 50},
		{OrgCode: "H1", Date: day(2020, 1, 1), Monthly: true, Dept: "A", Type: hospital.Outpatient, Visits: 80},
	}
}

// Inputs returns the manual inputs of the data set.
func Inputs() []indicator.Input {
	return []indicator.Input{{Org: "H1", Year: 2021, Code: "physicians", Value: 10}, {Org: "H1", Year: 2021, Code: "gk3_53", Value: 91.5}}
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 9, 0, 0, 0, time.UTC) }

type px struct {
	code, name, level, elective, incision string
	date                                  time.Time
}

type stay struct {
	id                    int64
	org, dept, mrn        string
	adm, dis              time.Time
	los                   int
	route, way, b38       string
	plan                  string
	dx                    []frontpage.Diagnosis
	px                    []px
	total, drug, material float64
	drg                   string
	weight                float64
	tier                  int
	idno                  string
	ageDays               int
}

func (s stay) build() (*frontpage.Stay, indicator.DRGInfo) {
	fs := &frontpage.Stay{OrgCode: s.org, MRN: s.mrn, AdmissionNo: int(s.id), AdmTime: s.adm, DisTime: s.dis, DisDept: s.dept,
		LOS: frontpage.Some(s.los), AdmRoute: s.route, DischargeWay: s.way, DaySurgery: s.b38, ReadmitPlan: s.plan,
		Diagnoses: s.dx, IDNumber: s.idno, Attending: "Dr" + s.dept}
	if s.ageDays > 0 {
		fs.AgeYears, fs.AgeDays = frontpage.Some(0), frontpage.Some(s.ageDays)
	}
	for _, p := range s.px {
		fs.Procedures = append(fs.Procedures, frontpage.Procedure{Code: p.code, Name: p.name, Level: p.level, Elective: p.elective, Incision: p.incision, Date: p.date})
	}
	fs.Costs[frontpage.CostTotal] = frontpage.Some(s.total)
	fs.Costs[frontpage.CostWesternDrugs] = frontpage.Some(s.drug)
	if s.material > 0 {
		fs.Costs[frontpage.CostSurgMaterial] = frontpage.Some(s.material)
	}
	g := indicator.DRGInfo{}
	if s.drg != "" {
		g = indicator.DRGInfo{Grouped: true, DRG: s.drg, ADRG: s.drg[:2], MDC: s.drg[:1], Weight: s.weight, Tier: s.tier}
	}
	return fs, g
}

func dx(codes ...string) []frontpage.Diagnosis {
	var out []frontpage.Diagnosis
	for i := 0; i < len(codes); i += 2 {
		out = append(out, frontpage.Diagnosis{Code: codes[i], POA: codes[i+1]})
	}
	return out
}

// handStays is the hand-made data set; the expected figures in
// TestComputeHand are worked out from it by hand in the comments.
var handStays = []stay{
	// 2021, H1
	{id: 1, org: "H1", dept: "A", mrn: "M1", adm: day(2021, 1, 5), dis: day(2021, 1, 10), los: 5, route: "2", way: "1",
		dx:    dx("K35.800", "1", "T81.400", "4"),
		px:    []px{{"47.0100", "腹腔镜阑尾切除术", "4", "1", "1", day(2021, 1, 6)}, {"54.5100", "腹腔镜腹膜粘连松解术", "3", "1", "1", day(2021, 1, 6)}},
		total: 10000, drug: 2000, drg: "GB1", weight: 1.5, tier: 1},
	{id: 2, org: "H1", dept: "A", mrn: "M2", adm: day(2021, 1, 20), dis: day(2021, 1, 23), los: 3, route: "2", way: "1",
		dx:    dx("K80.100", "1", "J18.900", "1"),
		px:    []px{{"51.2200", "胆囊切除术", "3", "1", "3", day(2021, 1, 21)}},
		total: 8000, drug: 1000, drg: "GB1", weight: 1.5, tier: 1},
	{id: 3, org: "H1", dept: "A", mrn: "M3", adm: day(2021, 2, 1), dis: day(2021, 2, 2), los: 1, route: "2", way: "1", b38: "1",
		dx:    dx("H25.900", "1"),
		px:    []px{{"13.1900", "白内障摘除术", "2", "1", "0", day(2021, 2, 1)}},
		total: 5000, drug: 500, drg: "CB3", weight: 0.8, tier: 1},
	{id: 4, org: "H1", dept: "B", mrn: "M4", adm: day(2021, 2, 3), dis: day(2021, 2, 10), los: 7, route: "1", way: "5",
		dx: dx("I21.000", "1"), total: 20000, drug: 8000, drg: "ES1", weight: 2.0, tier: 1},
	{id: 5, org: "H1", dept: "B", mrn: "M5", adm: day(2021, 3, 1), dis: day(2021, 3, 5), los: 4, route: "2", way: "1", plan: "1",
		dx: dx("I10.x00", "1"), px: []px{{"88.3800", "CT检查", "", "", "", day(2021, 3, 2)}},
		total: 3000, drug: 1500},
	{id: 6, org: "H1", dept: "B", mrn: "M5", adm: day(2021, 3, 20), dis: day(2021, 3, 25), los: 5, route: "1", way: "1",
		dx: dx("I21.000", "1"), px: []px{{"36.0600", "经皮冠状动脉支架置入术", "4", "2", "", day(2021, 3, 21)}},
		total: 40000, drug: 4000, material: 15000, drg: "FM1", weight: 3.0, tier: 2},
	{id: 7, org: "H1", dept: "A", mrn: "M7", adm: day(2021, 3, 10), dis: day(2021, 3, 14), los: 4, route: "2", way: "1",
		dx:    dx("O82.000", "1", "T81.000", "4"),
		px:    []px{{"74.1x00", "子宫下段剖宫产术", "3", "1", "1", day(2021, 3, 11)}},
		total: 6000, drug: 600, drg: "OB1", weight: 0.9, tier: 1},
	// 2021, H2: only shifts the DRG reference values (GB1).
	{id: 8, org: "H2", dept: "A", mrn: "N1", adm: day(2021, 1, 2), dis: day(2021, 1, 10), los: 8, route: "2", way: "1",
		dx: dx("K80.100", "1"), px: []px{{"51.2200", "胆囊切除术", "3", "1", "", day(2021, 1, 3)}},
		total: 12000, drug: 1000, drg: "GB1", weight: 1.5, tier: 1},
	// 2020, H1
	{id: 11, org: "H1", dept: "A", mrn: "P1", adm: day(2020, 1, 5), dis: day(2020, 1, 11), los: 6, route: "2", way: "1",
		dx: dx("K35.800", "1"), px: []px{{"47.0100", "阑尾切除术", "4", "1", "1", day(2020, 1, 6)}},
		total: 9000, drug: 2500, drg: "GB1", weight: 1.5, tier: 1},
	{id: 12, org: "H1", dept: "B", mrn: "P2", adm: day(2020, 2, 1), dis: day(2020, 2, 11), los: 10, route: "2", way: "1",
		dx: dx("J18.900", "1"), total: 10000, drug: 5000},
}
