package store

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/catalog"
	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/hospital"
	"github.com/yardstick-health/yardstick/internal/indicator"
	"github.com/yardstick-health/yardstick/internal/indicator/indicatortest"
)

// writeDRGResults writes the hand cases' DRG results into drg_results,
// creating a minimal table when the DRG feature's migration is not present,
// and using only the columns the real table has.
func writeDRGResults(t *testing.T, db *DB, cases []indicatortest.Case) {
	t.Helper()
	ctx := context.Background()
	cols, err := db.tableColumns(ctx, "drg_results")
	if err != nil {
		t.Fatal(err)
	}
	if cols == nil {
		if _, err := db.SQL().ExecContext(ctx, `CREATE TABLE drg_results (stay_id BIGINT, drg VARCHAR, adrg VARCHAR, mdc VARCHAR, weight DOUBLE, tier VARCHAR)`); err != nil {
			t.Fatal(err)
		}
		cols = map[string]bool{"stay_id": true, "drg": true, "adrg": true, "mdc": true, "weight": true, "tier": true}
	}
	for _, c := range cases {
		if !c.DRG.Grouped {
			continue
		}
		id, err := db.StayIDByKey(ctx, c.Stay.Key())
		if err != nil {
			t.Fatal(err)
		}
		names := []string{"stay_id", "drg"}
		vals := []any{id, c.DRG.DRG}
		for _, kv := range []struct {
			col string
			v   any
		}{{"adrg", c.DRG.ADRG}, {"mdc", c.DRG.MDC}, {"weight", c.DRG.Weight}, {"tier", fmt.Sprint(c.DRG.Tier)}, {"status", "grouped"}} {
			if cols[kv.col] {
				names = append(names, kv.col)
				vals = append(vals, kv.v)
			}
		}
		q := "INSERT INTO drg_results (" + strings.Join(names, ", ") + ") VALUES (?" + strings.Repeat(", ?", len(vals)-1) + ")"
		if _, err := db.SQL().ExecContext(ctx, q, vals...); err != nil {
			t.Fatalf("insert drg_results: %v", err)
		}
	}
}

func handStore(t *testing.T) (*DB, []indicatortest.Case) {
	return handStoreWith(t, nil)
}

// handStoreWith lets a test change the hand cases (e.g. drop the grouper's
// weights) before they are stored.
func handStoreWith(t *testing.T, change func([]indicatortest.Case)) (*DB, []indicatortest.Case) {
	t.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "ind.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	cases := indicatortest.Cases()
	if change != nil {
		change(cases)
	}
	var stays []frontpage.Stay
	for _, c := range cases {
		stays = append(stays, *c.Stay)
	}
	if _, err := db.ImportStays(ctx, ImportMeta{File: "hand.csv"}, producer(stays, 3)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportVisits(ctx, ImportMeta{File: "v.csv"}, indicatortest.Visits(), &ImportOutcome{}); err != nil {
		t.Fatal(err)
	}
	if err := db.ImportInputs(ctx, indicatortest.Inputs()); err != nil {
		t.Fatal(err)
	}
	writeDRGResults(t, db, cases)
	st, err := db.RefreshFacts(ctx, &catalog.Library{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Derived != len(cases) || st.Total != int64(len(cases)) {
		t.Fatalf("RefreshFacts = %+v, want %d derived", st, len(cases))
	}
	return db, cases
}

func memSource(cases []indicatortest.Case) *indicator.MemSource {
	lib := &catalog.Library{}
	var facts []indicator.Fact
	for _, c := range cases {
		facts = append(facts, indicator.Derive(c.ID, c.Stay, lib.For(c.Stay.DisTime.Year()), c.DRG))
	}
	indicator.Link(facts)
	indicator.ApplyReferences(facts)
	return &indicator.MemSource{Facts: facts, Visits: indicatortest.Visits(), InputValues: indicatortest.Inputs()}
}

func same(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)) }

// TestStoreMatchesMemory checks the SQL path (facts table, readmission and
// reference SQL, rendered measures) against the in-memory engine, whose
// figures TestComputeHand* check by hand, for every indicator and cell; and
// that the store's drill-down lists add up to the numbers.
func TestStoreMatchesMemory(t *testing.T) {
	for _, v := range []struct {
		name   string
		change func([]indicatortest.Case)
	}{
		{"grouper weights and tiers", nil},
		// Without them both paths fall back to internal weights and
		// estimated tiers (the DRG engine's functions).
		{"no weights or tiers", func(cs []indicatortest.Case) {
			for i := range cs {
				cs[i].DRG.Weight, cs[i].DRG.Tier = 0, 0
			}
		}},
	} {
		t.Run(v.name, func(t *testing.T) { storeMatchesMemory(t, v.change) })
	}
}

func storeMatchesMemory(t *testing.T, change func([]indicatortest.Case)) {
	db, cases := handStoreWith(t, change)
	ctx := context.Background()
	mem := memSource(cases)
	for _, q := range []indicator.Query{
		{Year: 2021},
		{Year: 2021, Org: "H1", By: indicator.ByDepartment, Period: indicator.Month},
		{Year: 2021, By: indicator.ByDRG, Period: indicator.Quarter},
		{Year: 2021, By: indicator.ByDoctor},
		{Year: 2021, By: indicator.ByMDC},
	} {
		want, err := indicator.Compute(ctx, mem, q)
		if err != nil {
			t.Fatal(err)
		}
		got, err := indicator.Compute(ctx, db.IndicatorSource(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Cells) != len(want.Cells) {
			t.Fatalf("%+v: %d cells, want %d", q, len(got.Cells), len(want.Cells))
		}
		drills := 0
		for i, wc := range want.Cells {
			gc := got.Cells[i]
			if gc.Org != wc.Org || gc.Key != wc.Key || gc.Sub != wc.Sub {
				t.Fatalf("cell %d: %s/%s/%d, want %s/%s/%d", i, gc.Org, gc.Key, gc.Sub, wc.Org, wc.Key, wc.Sub)
			}
			for j, wv := range wc.Values {
				gv := gc.Values[j]
				if gv.Valid != wv.Valid || gv.Status != wv.Status || !same(gv.Num, wv.Num) || !same(gv.Den, wv.Den) || !same(gv.Value, wv.Value) ||
					!same(gv.YoY.Value, wv.YoY.Value) || !same(gv.PoP.Value, wv.PoP.Value) || gv.YoY.Mark != wv.YoY.Mark {
					t.Errorf("%v %s %s/%s/%s: store %+v, memory %+v", q.By, wv.Code, wc.Org, wc.Key, wc.Period, gv, wv)
				}
				d := got.Defs[j]
				if d.Kind != indicator.KindRatio || !gv.Valid {
					continue
				}
				for _, part := range []indicator.Part{indicator.Numerator, indicator.Denominator} {
					m, shown := d.Num, gv.Num
					if part == indicator.Denominator {
						m, shown = d.Den, gv.Den
					}
					if m == nil || m.Table != "facts" {
						continue
					}
					refs, err := indicator.DrillDown(ctx, db.IndicatorSource(), got.Query, d.Code, gc, part)
					if err != nil {
						t.Fatal(err)
					}
					sum, groups := 0.0, map[string]bool{}
					for _, r := range refs {
						sum += r.Value
						groups[r.Group] = true
						if r.MRN == "" || r.AdmissionNo == 0 {
							t.Errorf("drill-down row without 病案号/住院次数: %+v", r)
						}
					}
					if m.Kind == indicator.MDistinct {
						sum = float64(len(groups))
					}
					if !same(sum, shown) {
						t.Errorf("%v %s %s %s/%s: list adds to %v, shown %v", q.By, d.Code, part, gc.Key, gc.Period, sum, shown)
					}
					drills++
				}
			}
		}
		if drills < 10 {
			t.Errorf("%v: only %d drill-downs", q.By, drills)
		}
	}
}

func TestRefreshFactsIncremental(t *testing.T) {
	db, cases := handStore(t)
	ctx := context.Background()
	st, err := db.RefreshFacts(ctx, &catalog.Library{})
	if err != nil || st.Derived != 0 {
		t.Fatalf("second refresh = %+v, %v; want nothing derived", st, err)
	}
	// Re-import stay 2 as a non-surgical stay: its facts are dropped with the
	// old stay and recomputed.
	s := *cases[1].Stay
	s.Procedures = nil
	if _, err := db.ImportStays(ctx, ImportMeta{File: "fix.csv"}, producer([]frontpage.Stay{s}, 1)); err != nil {
		t.Fatal(err)
	}
	st, err = db.RefreshFacts(ctx, &catalog.Library{})
	if err != nil || st.Derived != 1 || st.Total != int64(len(cases)) {
		t.Fatalf("refresh after re-import = %+v, %v; want 1 derived", st, err)
	}
	res, err := indicator.Compute(ctx, db.IndicatorSource(), indicator.Query{Year: 2021, Org: "H1", Indicators: []string{"surgical_persons"}})
	if err != nil {
		t.Fatal(err)
	}
	// Hand count: stays 1, 3, 6, 7 (stay 2 no longer has a procedure).
	if v, _ := res.Find("H1", "", 0, "surgical_persons"); v.Value != 4 {
		t.Errorf("surgical persons after re-import = %v, want 4", v.Value)
	}
	if len(res.Provenance.Catalogs) == 0 || !strings.Contains(strings.Join(res.Provenance.Catalogs, "\n"), "fallback") {
		t.Errorf("provenance should state the 手术级别 fallback: %v", res.Provenance.Catalogs)
	}
}

func TestCatalogImportDropsFacts(t *testing.T) {
	db, _ := handStore(t)
	ctx := context.Background()
	// A level-4 list with only the cholecystectomy: level-4 persons become
	// stay 2 (H1) and stay 8 (H2) instead of the 手术级别 fallback (1 and 6).
	c := catalog.New(catalog.Level4, "2021", "l4.csv", []catalog.Entry{{Code: "51.22"}})
	if err := db.ImportCatalog(ctx, c); err != nil {
		t.Fatal(err)
	}
	lib, err := db.Catalogs(ctx)
	if err != nil || len(lib.Catalogues) != 1 || len(lib.Catalogues[0].Entries) != 1 {
		t.Fatalf("Catalogs = %+v, %v", lib, err)
	}
	st, err := db.RefreshFacts(ctx, lib)
	if err != nil || st.Derived != 10 {
		t.Fatalf("refresh after catalogue import = %+v, %v; want all 10 recomputed", st, err)
	}
	res, err := indicator.Compute(ctx, db.IndicatorSource(), indicator.Query{Year: 2021, Org: "H1", Indicators: []string{"level4_share"}})
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := res.Find("H1", "", 0, "level4_share"); v.Num != 1 || v.Den != 5 {
		t.Errorf("level4 with catalogue = %v/%v, want 1/5 (stay 2 only)", v.Num, v.Den)
	}
	if !strings.Contains(strings.Join(res.Provenance.Catalogs, "\n"), "l4.csv") {
		t.Errorf("provenance should name the catalogue: %v", res.Provenance.Catalogs)
	}
}

func TestLabels(t *testing.T) {
	db, _ := handStore(t)
	ctx := context.Background()
	depts := []hospital.Department{{OrgCode: "H1", Code: "A", Name: "普通外科", Kind: hospital.Clinical}, {OrgCode: "H1", Code: "B", Name: "心血管内科", Kind: hospital.Clinical}}
	if _, err := db.ImportDepartments(ctx, ImportMeta{File: "d.csv"}, depts, &ImportOutcome{}); err != nil {
		t.Fatal(err)
	}
	res, err := indicator.Compute(ctx, db.IndicatorSource(), indicator.Query{Year: 2021, Org: "H1", By: indicator.ByDepartment, Indicators: []string{"discharges"}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"A": "普通外科", "B": "心血管内科"}
	for _, c := range res.Cells {
		if c.Label != want[c.Key] {
			t.Errorf("dept %s label %q, want %q", c.Key, c.Label, want[c.Key])
		}
	}
	if len(res.Cells) != 2 {
		t.Errorf("cells %d, want 2", len(res.Cells))
	}
}
