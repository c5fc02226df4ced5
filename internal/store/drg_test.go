package store

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

func TestSplitCodes(t *testing.T) {
	tests := []struct {
		name      string
		agg       string
		principal bool
		want      []string
	}{
		{"ordered", "0\x1eA\x1f1\x1eB\x1f2\x1eC", true, []string{"A", "B", "C"}},
		{"unordered", "2\x1eC\x1f0\x1eA\x1f10\x1eK\x1f1\x1eB", true, []string{"A", "B", "C", "K"}},
		{"missing principal", "1\x1eB\x1f2\x1eC", true, []string{"", "B", "C"}},
		{"procedures keep order only", "2\x1eC\x1f1\x1eB", false, []string{"B", "C"}},
		{"empty code kept in place", "0\x1e\x1f1\x1eB", true, []string{"", "B"}},
		{"one", "0\x1eA", true, []string{"A"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := splitCodes(tc.agg, tc.principal); !slices.Equal(got, tc.want) {
				t.Errorf("splitCodes(%q) = %q, want %q", tc.agg, got, tc.want)
			}
		})
	}
}

// TestGroupInputs: the lean read returns, per stay, what the full front
// page says (mapping documented on EachGroupInput).
func TestGroupInputs(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	stays := staysOf(t, "ORG1", 0, 30)
	if _, err := db.ImportStays(ctx, ImportMeta{File: "t"}, producer(stays, 7)); err != nil {
		t.Fatal(err)
	}
	byID := map[int64]*frontpage.Stay{}
	if err := db.EachStay(ctx, Filter{}, func(id int64, s *frontpage.Stay) error { byID[id] = s; return nil }); err != nil {
		t.Fatal(err)
	}
	var got []GroupInput
	if err := db.EachGroupInput(ctx, Filter{}, 4, func(b []GroupInput) error {
		if len(b) > 4 {
			t.Errorf("batch of %d > 4", len(b))
		}
		got = append(got, b...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(byID) {
		t.Fatalf("%d inputs for %d stays", len(got), len(byID))
	}
	for i, in := range got {
		if i > 0 && in.StayID <= got[i-1].StayID {
			t.Fatalf("inputs not in stay_id order: %d after %d", in.StayID, got[i-1].StayID)
		}
		s := byID[in.StayID]
		c := in.Case
		wantDays := -1
		if s.AgeDays.Valid {
			wantDays = s.AgeDays.V
		}
		var dx, px []string
		for _, d := range s.Diagnoses {
			dx = append(dx, d.Code)
		}
		for _, p := range s.Procedures {
			px = append(px, p.Code)
		}
		y, m, d := s.DisTime.Date()
		if c.Sex != s.Sex || c.AgeYears != s.AgeYears.V || c.AgeDays != wantDays || c.LOS != s.LOS.V ||
			c.DischargeWay != s.DischargeWay || c.Dept != s.DisDept || !c.Discharge.Equal(time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) ||
			!slices.Equal(c.Diagnoses, dx) || !slices.Equal(c.Procedures, px) ||
			in.DxSystem != s.DxCodeSystem || in.PxSystem != s.PxCodeSystem || in.Cost != s.Costs[frontpage.CostTotal].V {
			t.Errorf("stay %d: input %+v\nstay sex %s age %v/%v los %v way %s dept %s dis %v dx %v px %v cost %v",
				in.StayID, in, s.Sex, s.AgeYears, s.AgeDays, s.LOS, s.DischargeWay, s.DisDept, s.DisTime, dx, px, s.Costs[frontpage.CostTotal])
		}
		// Birth weight only counts under one year of age.
		if (s.AgeYears.V > 0) != (c.BirthWeight == 0) && s.BirthWeights[0].V > 0 {
			t.Errorf("stay %d: age %d, birth weight %d (A18x01 %v)", in.StayID, s.AgeYears.V, c.BirthWeight, s.BirthWeights[0])
		}
	}
}

// TestReplaceDRGResults: a filtered replacement touches only the selected
// stays; NULL weights stay NULL.
func TestReplaceDRGResults(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if _, err := db.ImportStays(ctx, ImportMeta{File: "t"}, producer(staysOf(t, "ORG1", 0, 10), 10)); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	rows, err := db.SQL().QueryContext(ctx, `SELECT stay_id FROM stays ORDER BY stay_id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	mk := func(ids []int64, drg string, w bool) []DRGResultRow {
		var out []DRGResultRow
		for _, id := range ids {
			out = append(out, DRGResultRow{StayID: id, SchemeID: "s", SchemeVersion: "1", Status: "grouped", DRG: drg,
				DRGName: `名称, "quoted"`, Weight: 1.25, HasWeight: w, WeightSource: WeightSourcePack("盐城", 2023)})
		}
		return out
	}
	at := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	if err := db.ReplaceDRGResults(ctx, Filter{}, mk(ids, "AA11", true), at); err != nil {
		t.Fatal(err)
	}
	if err := db.ReplaceDRGResults(ctx, Filter{StayIDs: ids[:3]}, mk(ids[:3], "BB13", false), at); err != nil {
		t.Fatal(err)
	}
	type res struct {
		drg, name string
		w         sql.NullFloat64
		src       sql.NullString
		at        time.Time
	}
	got := map[int64]res{}
	rs, err := db.SQL().QueryContext(ctx, `SELECT stay_id, drg, drg_name, weight, weight_source, grouped_at FROM drg_results`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	for rs.Next() {
		var id int64
		var r res
		if err := rs.Scan(&id, &r.drg, &r.name, &r.w, &r.src, &r.at); err != nil {
			t.Fatal(err)
		}
		got[id] = r
	}
	if len(got) != len(ids) {
		t.Fatalf("%d rows, want %d", len(got), len(ids))
	}
	for i, id := range ids {
		r := got[id]
		wantDRG, wantW := "AA11", true
		if i < 3 {
			wantDRG, wantW = "BB13", false
		}
		if r.drg != wantDRG || r.w.Valid != wantW || r.src.Valid != wantW || r.name != `名称, "quoted"` || !r.at.Equal(at) ||
			(wantW && (r.w.Float64 != 1.25 || r.src.String != "pack:盐城:2023")) {
			t.Errorf("stay %d: %+v, want drg %s weight %v", id, r, wantDRG, wantW)
		}
	}
}
