package indicator_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/yardstick-health/yardstick/internal/catalog"
	"github.com/yardstick-health/yardstick/internal/indicator"
	"github.com/yardstick-health/yardstick/internal/indicator/indicatortest"
)

func handSource(t *testing.T) *indicator.MemSource {
	t.Helper()
	lib := &catalog.Library{}
	var facts []indicator.Fact
	for _, c := range indicatortest.Cases() {
		facts = append(facts, indicator.Derive(c.ID, c.Stay, lib.For(c.Stay.DisTime.Year()), c.DRG))
	}
	indicator.Link(facts)
	indicator.ApplyReferences(facts)
	return &indicator.MemSource{Facts: facts, Visits: indicatortest.Visits(), InputValues: indicatortest.Inputs()}
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

// handExpect are the hand-worked figures of H1, 2021, whole year.
var handExpect = []struct {
	code     string
	num, den float64
	value    float64
}{
	// 7 discharges of H1 in 2021 (stays 1–7).
	{"discharges", 7, 0, 7},
	// visits Jan: 100 outpatient + 20 emergency; 50 health checks excluded.
	{"op_er_visits", 120, 0, 120},
	{"op_discharge_ratio", 120, 7, 120.0 / 7},
	// surgical persons: stays 1, 2, 3, 6, 7 (stay 5's CT has no level and code 88 ≥ 87).
	{"surgical_persons", 5, 0, 5},
	{"surgery_share", 5, 7, 500.0 / 7},
	// operations: stay 1 has two, the others one each.
	{"operations", 6, 0, 6},
	// level-4 fallback (手术级别 4): stays 1 and 6.
	{"level4_share", 2, 5, 40},
	// level-3 fallback (手术级别 3): stays 1 (second operation), 2, 7.
	{"level3_share", 3, 5, 60},
	// built-in keyword list: 腹腔镜 (1), 经皮 (6).
	{"min_invasive_share", 2, 5, 40},
	// elective: 1, 2, 3, 7 (6 is flagged emergency); day surgery: 3.
	{"elective_persons", 4, 0, 4},
	{"day_surgery_count", 1, 0, 1},
	{"day_surgery_share", 1, 4, 25},
	// #8: eligible 1, 2, 3 (7 is obstetric); complication T81.4 POA 4 on stay 1.
	{"complication_rate", 1, 3, 100.0 / 3},
	// #9 class-I operations: stay 1 ×2 (code 1), stay 2 (3 = infection), stay 7 (1).
	{"ssi_class1", 1, 4, 25},
	// low-risk tier 1: stays 1, 2, 3, 4, 7; stay 4 died.
	{"low_risk_mortality", 1, 5, 20},
	{"mortality", 1, 7, 100.0 / 7},
	{"surgical_mortality", 0, 5, 0},
	// LOS 5+3+1+7+4+5+4 = 29.
	{"alos", 29, 7, 29.0 / 7},
	{"bed_days", 29, 0, 29},
	// pre-op days: 1 (stay 1) + 1 (2) + 0 (3) + 1 (6) + 1 (7).
	{"preop_days", 4, 5, 0.8},
	// stay 5 (M5) re-admitted 15 days later as stay 6; 6 alive discharges.
	{"readmit31_rate", 1, 6, 100.0 / 6},
	// 29 bed-days ÷ (10 physicians × 365 days).
	{"bed_days_per_physician", 29, 3650, 29.0 / 3650},
	{"cost_per_stay", 92000, 7, 92000.0 / 7},
	{"drug_cost_per_stay", 17600, 7, 17600.0 / 7},
	{"drug_share", 17600, 92000, 1760000.0 / 92000},
	// consumables: only stay 6 (D33 15000).
	{"material_share", 15000, 92000, 1500000.0 / 92000},
	// 2020: (9000+10000)/2 = 9500, drug (2500+5000)/2 = 3750.
	{"cost_growth", 92000.0 / 7, 9500, (92000.0/7 - 9500) / 9500 * 100},
	{"drug_cost_growth", 17600.0 / 7, 3750, (17600.0/7 - 3750) / 3750 * 100},
	// grouped: all but stay 5.
	{"grouped_rate", 6, 7, 600.0 / 7},
	{"cmi", 1.5 + 1.5 + 0.8 + 2.0 + 3.0 + 0.9, 6, 9.7 / 6},
	{"drg_count", 5, 0, 5},
	// GB1 in 2021 over all data: LOS 5, 3, 8 (mean 16/3), cost 10000, 8000, 12000 (mean 10000);
	// every other DRG has one case (ratio 1).
	{"time_index", 5/(16.0/3) + 3/(16.0/3) + 4, 6, (5/(16.0/3) + 3/(16.0/3) + 4) / 6},
	{"cost_index", 1 + 0.8 + 4, 6, 5.8 / 6},
}

func TestComputeHandHospitalYear(t *testing.T) {
	src := handSource(t)
	res, err := indicator.Compute(context.Background(), src, indicator.Query{Year: 2021, Org: "H1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Cells) != 1 {
		t.Fatalf("cells = %d, want 1 (H1 2021)", len(res.Cells))
	}
	// The manual input entered for 2021 joins the default set.
	if v, ok := res.Find("H1", "", 0, "gk3_53"); !ok || v.Value != 91.5 {
		t.Errorf("input gk3_53 in the default set: %+v, %v", v, ok)
	}
	tests := handExpect
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			v, ok := res.Find("H1", "", 0, tc.code)
			if !ok {
				t.Fatal("not computed")
			}
			if !v.Valid {
				t.Fatalf("invalid: %s", v.Status)
			}
			if !near(v.Num, tc.num) || (v.HasDen && !near(v.Den, tc.den)) || !near(v.Value, tc.value) {
				t.Errorf("got %v/%v = %v, want %v/%v = %v", v.Num, v.Den, v.Value, tc.num, tc.den, tc.value)
			}
		})
	}
}

func TestComputeDepartmentMonthComparisons(t *testing.T) {
	src := handSource(t)
	res, err := indicator.Compute(context.Background(), src, indicator.Query{Year: 2021, Org: "H1", By: indicator.ByDepartment, Period: indicator.Month,
		Indicators: []string{"level4_share", "alos", "op_discharge_ratio", "discharges", "cmi"}})
	if err != nil {
		t.Fatal(err)
	}
	// Dept A, Jan 2021: stays 1, 2; level4 1/2; LOS (5+3)/2 = 4.
	// Same month 2020: stay 11; level4 1/1; LOS 6. Dec 2020: nothing.
	l4, _ := res.Find("H1", "A", 1, "level4_share")
	if !near(l4.Value, 50) || !near(l4.YoY.Value, 100) || !near(l4.YoY.Abs, -50) || !near(l4.YoY.Rel, -50) || l4.YoY.Mark != indicator.Worse {
		t.Errorf("level4 A Jan: %+v", l4)
	}
	if l4.PoP.Valid || l4.PoP.Mark != indicator.NoMark {
		t.Errorf("level4 A Jan 环比 should be empty (no Dec 2020 data): %+v", l4.PoP)
	}
	alos, _ := res.Find("H1", "A", 1, "alos")
	if !near(alos.Value, 4) || !near(alos.YoY.Abs, -2) || !near(alos.YoY.Rel, -100.0/3) || alos.YoY.Mark != indicator.Better {
		t.Errorf("alos A Jan: %+v", alos)
	}
	// 120 visits ÷ 2 discharges; 2020: 80 ÷ 1; monitor-only → no mark.
	r, _ := res.Find("H1", "A", 1, "op_discharge_ratio")
	if !near(r.Value, 60) || !near(r.YoY.Value, 80) || r.YoY.Mark != indicator.NoMark {
		t.Errorf("op_discharge_ratio A Jan: %+v", r)
	}
	// Dept A Feb: stay 3 (1 discharge); 环比 = Jan (2 discharges).
	d, _ := res.Find("H1", "A", 2, "discharges")
	if !near(d.Value, 1) || !near(d.PoP.Value, 2) || !near(d.PoP.Abs, -1) || !near(d.PoP.Rel, -50) {
		t.Errorf("discharges A Feb: %+v", d)
	}
	// Dept B Mar: stay 5 is not grouped but stay 6 is → CMI = 3.0.
	c, _ := res.Find("H1", "B", 3, "cmi")
	if !near(c.Value, 3) {
		t.Errorf("cmi B Mar: %+v", c)
	}
}

func TestNotGroupedAndInputs(t *testing.T) {
	src := handSource(t)
	for i := range src.Facts {
		src.Facts[i].Grouped = false
	}
	res, err := indicator.Compute(context.Background(), src, indicator.Query{Year: 2021, Org: "H1", Indicators: []string{"cmi", "low_risk_mortality", "gk3_53", "bed_days_per_physician"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"cmi", "low_risk_mortality"} {
		v, _ := res.Find("H1", "", 0, code)
		if v.Valid || v.Status != indicator.StatusNotGrouped {
			t.Errorf("%s: want %q, got %+v", code, indicator.StatusNotGrouped, v)
		}
	}
	in, _ := res.Find("H1", "", 0, "gk3_53")
	if !in.Valid || in.Value != 91.5 {
		t.Errorf("manual input gk3_53: %+v", in)
	}
	// Monthly: inputs are annual; the per-day denominator scales (Feb 2021: 28 days).
	res, err = indicator.Compute(context.Background(), src, indicator.Query{Year: 2021, Org: "H1", Period: indicator.Month, Indicators: []string{"gk3_53", "bed_days_per_physician"}})
	if err != nil {
		t.Fatal(err)
	}
	in, _ = res.Find("H1", "", 2, "gk3_53")
	if in.Valid || in.Status != indicator.StatusAnnualOnly {
		t.Errorf("monthly input: %+v", in)
	}
	// Feb 2021 discharges: stays 3 (1 day) and 4 (7 days) = 8 bed-days ÷ (10 × 28).
	bp, _ := res.Find("H1", "", 2, "bed_days_per_physician")
	if !near(bp.Value, 8.0/280) {
		t.Errorf("bed-days per physician Feb: %+v", bp)
	}
	// No input for 2020 → the 同比 says so.
	if bp.YoY.Valid || bp.YoY.Status != indicator.StatusNoInput {
		t.Errorf("2020 has no physician input: %+v", bp.YoY)
	}
}

// TestDrillDownAddsUp checks, for every computed indicator and several
// cells, that the stay lists add up to the numbers shown.
func TestDrillDownAddsUp(t *testing.T) {
	src := handSource(t)
	ctx := context.Background()
	for _, q := range []indicator.Query{
		{Year: 2021},
		{Year: 2021, By: indicator.ByDepartment, Period: indicator.Month},
		{Year: 2021, By: indicator.ByDRG, Period: indicator.Quarter},
		{Year: 2021, By: indicator.ByDoctor},
	} {
		res, err := indicator.Compute(ctx, src, q)
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, c := range res.Cells {
			for i, d := range res.Defs {
				v := c.Values[i]
				if !v.Valid && v.Status != indicator.StatusNoDen {
					continue
				}
				if d.Kind == indicator.KindGrowth {
					continue // drills into its base indicator, which is in the set
				}
				for _, part := range []indicator.Part{indicator.Numerator, indicator.Denominator} {
					m := d.Num
					want := v.Num
					if part == indicator.Denominator {
						m, want = d.Den, v.Den
					}
					if m == nil || m.Table != "facts" {
						continue
					}
					refs, err := indicator.DrillDown(ctx, src, res.Query, d.Code, c, part)
					if err != nil {
						t.Fatalf("%s %s: %v", d.Code, part, err)
					}
					got := 0.0
					groups := map[string]bool{}
					for _, r := range refs {
						got += r.Value
						groups[r.Group] = true
					}
					if m.Kind == indicator.MDistinct {
						got = float64(len(groups))
						if len(refs) == 0 {
							got = 0
						}
					}
					if !near(got, want) {
						t.Errorf("%v %s cell %s/%s/%s %s: list adds to %v, shown %v", q.By, d.Code, c.Org, c.Key, c.Period, part, got, want)
					}
					checked++
				}
			}
		}
		if checked < 20 {
			t.Errorf("%v: only %d drill-downs checked", q.By, checked)
		}
	}
}

func TestNotGroupedLabel(t *testing.T) {
	src := handSource(t)
	res, err := indicator.Compute(context.Background(), src, indicator.Query{Year: 2021, Org: "H1", By: indicator.ByDRG, Indicators: []string{"discharges"}})
	if err != nil {
		t.Fatal(err)
	}
	// Stay 5 is the only ungrouped H1 stay of 2021.
	v, ok := res.Find("H1", "", 0, "discharges")
	if !ok || v.Value != 1 || res.Cells[0].Key != "" || res.Cells[0].Label != indicator.StatusNotGrouped {
		t.Errorf("ungrouped cell: %+v %+v", res.Cells[0], v)
	}
}

func TestDrillDownErrors(t *testing.T) {
	src := handSource(t)
	ctx := context.Background()
	q := indicator.Query{Year: 2021}
	cell := indicator.Cell{Org: "H1", Year: 2021}
	if _, err := indicator.DrillDown(ctx, src, q, "op_er_visits", cell, indicator.Numerator); err == nil {
		t.Error("visits have no stay list: want error")
	}
	if _, err := indicator.DrillDown(ctx, src, q, "discharges", cell, indicator.Denominator); err == nil {
		t.Error("count without denominator: want error")
	}
	if _, err := indicator.DrillDown(ctx, src, q, "nope", cell, indicator.Numerator); err == nil {
		t.Error("unknown code: want error")
	}
	refs, err := indicator.DrillDown(ctx, src, q, "level4_share", cell, indicator.Numerator)
	if err != nil || len(refs) != 2 || refs[0].StayID != 1 || refs[1].StayID != 6 {
		t.Errorf("level4 numerator = %+v, %v; want stays 1 and 6", refs, err)
	}
}

func TestQueryValidation(t *testing.T) {
	src := handSource(t)
	for _, q := range []indicator.Query{
		{Year: 2021, Period: "week"},
		{Year: 2021, By: "ward"},
		{Year: 0},
		{Year: 2021, Indicators: []string{"no_such"}},
	} {
		if _, err := indicator.Compute(context.Background(), src, q); err == nil {
			t.Errorf("%+v: want error", q)
		}
	}
}

// TestEveryIndicatorHasHandCase makes sure no computed indicator escapes the
// hand-made check.
func TestEveryIndicatorHasHandCase(t *testing.T) {
	defs, err := indicator.Registry()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, e := range handExpect {
		have[e.code] = true
	}
	for _, d := range defs {
		if d.Kind != indicator.KindInput && !have[d.Code] {
			t.Errorf("indicator %s has no hand-worked case", d.Code)
		}
	}
}

func TestLinkReadmissions(t *testing.T) {
	d := func(m, dd int) time.Time { return time.Date(2021, time.Month(m), dd, 0, 0, 0, 0, time.UTC) }
	facts := []indicator.Fact{
		// same MRN, next admission exactly 31 days after discharge → readmitted
		{StayID: 1, MRNKey: "H|1", AdmDate: d(1, 1), DisDate: d(1, 5)},
		{StayID: 2, MRNKey: "H|1", AdmDate: d(2, 5), DisDate: d(2, 8)},
		// 32 days later → not
		{StayID: 3, MRNKey: "H|1", AdmDate: d(3, 12), DisDate: d(3, 15)},
		// planned (B36C = 2) → not, even 3 days later
		{StayID: 4, MRNKey: "H|2", AdmDate: d(1, 1), DisDate: d(1, 2), ReadmitPlanned: true},
		{StayID: 5, MRNKey: "H|2", AdmDate: d(1, 5), DisDate: d(1, 6)},
		// different MRN (another hospital) but same ID number → readmitted
		{StayID: 6, MRNKey: "H|3", IDKey: "x", AdmDate: d(4, 1), DisDate: d(4, 3)},
		{StayID: 7, MRNKey: "G|9", IDKey: "x", AdmDate: d(4, 10), DisDate: d(4, 12)},
	}
	indicator.Link(facts)
	want := map[int64]bool{1: true, 6: true}
	for _, f := range facts {
		if f.Readmit31 != want[f.StayID] {
			t.Errorf("stay %d: readmit31 = %v, want %v", f.StayID, f.Readmit31, want[f.StayID])
		}
	}
}

func TestEstimateTiers(t *testing.T) {
	// Corrected rates (d+0.5)/(n+1): A 1.5/1001, B 1.5/101, C 10.5/101,
	// D 1.5/11, E 0.5/51 → logs −6.5033, −4.2097, −2.2637, −1.9924, −4.6250;
	// mean −3.9188, population SD 1.6561; z = −1.561 → 1, −0.176 → 2,
	// 0.999 → 3, 1.163 → 4, −0.426 → 2 (no death in 50 stays is not
	// evidence of low risk).
	got := indicator.EstimateTiers(map[string][2]float64{"A": {1, 1000}, "B": {1, 100}, "C": {10, 100}, "D": {1, 10}, "E": {0, 50}})
	want := map[string]int{"A": 1, "B": 2, "C": 3, "D": 4, "E": 2}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("tier %s = %d, want %d", k, got[k], v)
		}
	}
}

func TestParseMeasure(t *testing.T) {
	tests := []struct {
		src, canon, sql string
		bad             bool
	}{
		{src: "surgical AND level4", canon: "(surgical AND level4)", sql: "COALESCE(SUM(CAST((surgical AND level4) AS INTEGER)), 0)"},
		{src: "los IF NOT death", canon: "los IF NOT death", sql: "COALESCE(SUM((los) * CAST((NOT death) AS INTEGER)), 0)"},
		{src: "op_visits + er_visits", canon: "op_visits + er_visits"},
		{src: "DISTINCT drg IF grouped", canon: "DISTINCT drg IF grouped"},
		{src: "INPUT(physicians) * DAYS", canon: "INPUT(physicians) * DAYS"},
		{src: "los > 30 OR (death AND surgical)", canon: "(los > 30 OR (death AND surgical))"},
		{src: "nosuch", bad: true},
		{src: "surgical AND", bad: true},
		{src: "los + op_visits", bad: true},
		{src: "surgical; DROP TABLE stays", bad: true},
		{src: "DISTINCT los", bad: true},
		{src: "", bad: true},
	}
	for _, tc := range tests {
		m, err := indicator.ParseMeasure(tc.src)
		if tc.bad {
			if err == nil {
				t.Errorf("%q: want error", tc.src)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		if m.Src != tc.canon {
			t.Errorf("%q: canonical %q, want %q", tc.src, m.Src, tc.canon)
		}
		if tc.sql != "" && m.SQL() != tc.sql {
			t.Errorf("%q: SQL %q, want %q", tc.src, m.SQL(), tc.sql)
		}
	}
}

// TestInternalWeightsAndTiers: without grouper weights and tiers, CMI uses
// internal weights and low-risk mortality estimated tiers. Hand figures:
// DRG A costs 100 (H1) and 300 (H2), B costs 600 (H1, died); overall mean
// 1000/3, so RW_A = 200 ÷ 333.33 = 0.6 and RW_B = 1.8 (groups under five
// cases are not trimmed); H1 CMI = (0.6 + 1.8) ÷ 2 = 1.2, H2 CMI = 0.6.
// Tiers: corrected rates A 0.5/3, B 1.5/2; with two DRGs z = −1 and +1
// exactly, so A is mid-low and B high: no low-risk DRG, and H1's low-risk
// mortality has a zero denominator.
func TestInternalWeightsAndTiers(t *testing.T) {
	d := time.Date(2021, 5, 1, 0, 0, 0, 0, time.UTC)
	facts := []indicator.Fact{
		{StayID: 1, OrgCode: "H1", Year: 2021, Month: 5, DisDate: d, Grouped: true, DRG: "A", TotalCost: 100, LOS: 2},
		{StayID: 2, OrgCode: "H2", Year: 2021, Month: 5, DisDate: d, Grouped: true, DRG: "A", TotalCost: 300, LOS: 4},
		{StayID: 3, OrgCode: "H1", Year: 2021, Month: 5, DisDate: d, Grouped: true, DRG: "B", TotalCost: 600, LOS: 9, Death: true},
	}
	indicator.ApplyReferences(facts)
	res, err := indicator.Compute(context.Background(), &indicator.MemSource{Facts: facts}, indicator.Query{Year: 2021, Indicators: []string{"cmi", "low_risk_mortality", "time_index"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		org, code string
		num, den  float64
	}{
		{"H1", "cmi", 2.4, 2},
		{"H2", "cmi", 0.6, 1},
		// A mean LOS 3: H1 2/3 + B 9/9 = 5/3 over 2 stays.
		{"H1", "time_index", 5.0 / 3, 2},
	} {
		v, _ := res.Find(tc.org, "", 0, tc.code)
		if !v.Valid || !near(v.Num, tc.num) || !near(v.Den, tc.den) {
			t.Errorf("%s %s = %v/%v (%s), want %v/%v", tc.org, tc.code, v.Num, v.Den, v.Status, tc.num, tc.den)
		}
	}
	if v, _ := res.Find("H1", "", 0, "low_risk_mortality"); v.Valid || v.Den != 0 {
		t.Errorf("H1 low_risk_mortality = %v/%v (%s), want a zero denominator", v.Num, v.Den, v.Status)
	}
}
