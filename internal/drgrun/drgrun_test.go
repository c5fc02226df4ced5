package drgrun

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/yardstick-health/yardstick/internal/drg"
	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/store"
	"github.com/yardstick-health/yardstick/internal/synth"
)

// synthStays generates one year of the tertiary-general hospital.
func synthStays(t testing.TB, scale float64) []frontpage.Stay {
	t.Helper()
	p, err := synth.LoadProfile("tertiary-general")
	if err != nil {
		t.Fatal(err)
	}
	h, err := synth.NewHospital(p, 7, scale)
	if err != nil {
		t.Fatal(err)
	}
	var out []frontpage.Stay
	err = h.Stays(context.Background(), p.RefYear, synth.StreamOptions{}, func(s *frontpage.Stay, d *synth.Defect) error {
		out = append(out, *synth.CloneStay(s))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func producer(stays []frontpage.Stay) store.Producer {
	return func(ctx context.Context, emit func([]frontpage.Stay) error) (*store.ImportOutcome, error) {
		for i := 0; i < len(stays); i += 1000 {
			if err := emit(stays[i:min(i+1000, len(stays))]); err != nil {
				return nil, err
			}
		}
		return &store.ImportOutcome{RowsRead: len(stays), RowsGood: len(stays)}, nil
	}
}

// newStore imports stays into a fresh store and returns it with the stay ids
// by key.
func newStore(t testing.TB, dir string, stays []frontpage.Stay) (*store.DB, map[frontpage.Key]int64) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "y.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportStays(ctx, store.ImportMeta{File: "synth"}, producer(stays)); err != nil {
		db.Close()
		t.Fatal(err)
	}
	ids := map[frontpage.Key]int64{}
	rows, err := db.SQL().QueryContext(ctx, `SELECT stay_id, org_code, mrn, admission_no FROM stays`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var k frontpage.Key
		var org, mrn sql.NullString
		var adm sql.NullInt64
		if err := rows.Scan(&id, &org, &mrn, &adm); err != nil {
			t.Fatal(err)
		}
		k.OrgCode, k.MRN, k.AdmissionNo = org.String, mrn.String, int(adm.Int64)
		ids[k] = id
	}
	return db, ids
}

type resultRow struct {
	scheme, version, status, mdc, adrg, drg, name, cc, level, tier, reason, untr, wsrc string
	weight                                                                             sql.NullFloat64
}

func readResults(t *testing.T, db *store.DB) map[int64]resultRow {
	t.Helper()
	rows, err := db.SQL().QueryContext(context.Background(), `SELECT stay_id, scheme_id, scheme_version, status, mdc, adrg, drg,
		coalesce(drg_name, ''), coalesce(cc_code, ''), coalesce(cc_level, ''), coalesce(tier, ''), coalesce(reason, ''),
		coalesce(untranslated, ''), coalesce(weight_source, ''), weight FROM drg_results`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]resultRow{}
	for rows.Next() {
		var id int64
		var r resultRow
		if err := rows.Scan(&id, &r.scheme, &r.version, &r.status, &r.mdc, &r.adrg, &r.drg, &r.name, &r.cc, &r.level,
			&r.tier, &r.reason, &r.untr, &r.wsrc, &r.weight); err != nil {
			t.Fatal(err)
		}
		if _, dup := out[id]; dup {
			t.Fatalf("stay %d has two drg_results rows", id)
		}
		out[id] = r
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func rowOf(r drg.Result) resultRow {
	return resultRow{scheme: r.SchemeID, version: r.SchemeVersion, status: r.Status.String(), mdc: r.MDC, adrg: r.ADRG,
		drg: r.DRG, name: r.DRGName, cc: r.CCCode, level: r.CCLevel.String(), tier: r.Tier.String(), reason: r.Reason,
		untr: strings.Join(r.Untranslated, "|")}
}

func demo(t testing.TB) *drg.Scheme {
	t.Helper()
	s, err := drg.DemoScheme()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// packFrom compiles the demo pack with files added or (nil content) removed.
func packFrom(t testing.TB, edit map[string][]byte) *drg.Scheme {
	t.Helper()
	p, err := drg.DemoPack()
	if err != nil {
		t.Fatal(err)
	}
	files, err := p.Files()
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{}
	for name, b := range files {
		fsys[name] = &fstest.MapFile{Data: b}
	}
	for name, b := range edit {
		if b == nil {
			delete(fsys, name)
			continue
		}
		fsys[name] = &fstest.MapFile{Data: b}
	}
	p, err = drg.ReadPack(fsys)
	if err != nil {
		t.Fatal(err)
	}
	s, issues, err := drg.Compile(p)
	if err != nil {
		t.Fatalf("compile: %v %v", err, issues)
	}
	return s
}

// TestGroupStoreMatchesEngine: every drg_results row equals grouping the
// stay directly with the engine, the lean store read equals the mapping of
// the full front page, and the summary adds up.
func TestGroupStoreMatchesEngine(t *testing.T) {
	stays := synthStays(t, 0.01)
	db, ids := newStore(t, t.TempDir(), stays)
	defer db.Close()
	ctx := context.Background()
	sc := demo(t)

	inputs := map[int64]store.GroupInput{}
	err := db.EachGroupInput(ctx, store.Filter{}, 100, func(b []store.GroupInput) error {
		for _, in := range b {
			inputs[in.StayID] = in
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sum, err := GroupStore(ctx, db, GroupStoreOptions{Scheme: sc, Weights: WeightsNone})
	if err != nil {
		t.Fatal(err)
	}
	got := readResults(t, db)
	if len(got) != len(stays) || sum.Stays != len(stays) {
		t.Fatalf("%d results, summary %d, for %d stays", len(got), sum.Stays, len(stays))
	}
	counts := map[string]int{}
	for i := range stays {
		s := &stays[i]
		id := ids[s.Key()]
		want := InputFromStay(id, s)
		in := inputs[id]
		if fmt.Sprint(in) != fmt.Sprint(want) {
			t.Fatalf("stay %d: store input\n%+v\nfull-stay mapping\n%+v", id, in, want)
		}
		r := rowOf(sc.Group(want.Case))
		if g := got[id]; g.weight.Valid || g.wsrc != "" {
			t.Errorf("stay %d: weight %v %q with Weights none", id, g.weight, g.wsrc)
		} else if g != r {
			t.Errorf("stay %d: stored %+v, engine %+v", id, g, r)
		}
		counts[r.status]++
	}
	if sum.Grouped != counts["grouped"] || sum.Ungroupable != counts["ungroupable"] || sum.Invalid != counts["invalid"] || sum.Ambiguous != counts["ambiguous"] {
		t.Errorf("summary %+v, engine counts %v", sum, counts)
	}
	if sum.Grouped == 0 || sum.DRGCount == 0 {
		t.Errorf("nothing grouped: %+v", sum)
	}
	n := 0
	for _, c := range sum.TopUngroupable {
		n += c.Count
	}
	if sum.Ungroupable > 0 && (n == 0 || n > sum.Ungroupable) {
		t.Errorf("top 0000 principal diagnoses %v do not fit %d ungroupable", sum.TopUngroupable, sum.Ungroupable)
	}
}

// TestRegroupAndReimport: regrouping replaces every row (one per stay, new
// scheme recorded); re-importing a stay drops its stale result.
func TestRegroupAndReimport(t *testing.T) {
	stays := synthStays(t, 0.005)
	db, ids := newStore(t, t.TempDir(), stays)
	defer db.Close()
	ctx := context.Background()
	if _, err := GroupStore(ctx, db, GroupStoreOptions{Scheme: demo(t)}); err != nil {
		t.Fatal(err)
	}
	other := packFrom(t, map[string][]byte{"pack.json": []byte(`{"id":"demo-v2","version":"2"}`)})
	if _, err := GroupStore(ctx, db, GroupStoreOptions{Scheme: other}); err != nil {
		t.Fatal(err)
	}
	got := readResults(t, db)
	if len(got) != len(stays) {
		t.Fatalf("after regrouping %d rows for %d stays", len(got), len(stays))
	}
	for id, r := range got {
		if r.scheme != "demo-v2" || r.version != "2" {
			t.Fatalf("stay %d still has scheme %s %s", id, r.scheme, r.version)
		}
	}
	// Re-import the first stay (same key): its result must go.
	if _, err := db.ImportStays(ctx, store.ImportMeta{File: "again"}, producer(stays[:1])); err != nil {
		t.Fatal(err)
	}
	got = readResults(t, db)
	if _, ok := got[ids[stays[0].Key()]]; ok || len(got) != len(stays)-1 {
		t.Errorf("after re-import: %d rows (want %d), old stay present %v", len(got), len(stays)-1, ok)
	}
}

// TestTranslation: 国家临床版 stays are translated through the pack's
// crosswalks (diagnoses and procedures each by their own code system),
// untranslatable codes make the stay invalid and are counted, 医保版 stays
// are used as is, and a pack without crosswalks groups 国临 codes as they are.
func TestTranslation(t *testing.T) {
	stays := synthStays(t, 0.003)[:200]
	// The crosswalk maps "GL:"+code to code for every code in use, except
	// one diagnosis code chosen as untranslatable.
	var dxw, pxw strings.Builder
	dxw.WriteString("guolin_code,yibao_code\n")
	pxw.WriteString("guolin_code,yibao_code\n")
	seen := map[string]bool{}
	missing := stays[3].Diagnoses[0].Code
	for i := range stays {
		for _, d := range stays[i].Diagnoses {
			if !seen["d"+d.Code] && d.Code != missing {
				seen["d"+d.Code] = true
				fmt.Fprintf(&dxw, "GL:%s,%s\n", d.Code, d.Code)
			}
		}
		for _, p := range stays[i].Procedures {
			if !seen["p"+p.Code] {
				seen["p"+p.Code] = true
				fmt.Fprintf(&pxw, "GL:%s,%s\n", p.Code, p.Code)
			}
		}
	}
	xw := packFrom(t, map[string][]byte{
		"codes/icd10_guolin2_to_yibao2.csv":   []byte(dxw.String()),
		"codes/icd9cm3_guolin3_to_yibao2.csv": []byte(pxw.String()),
	})
	if !xw.HasCrosswalks() {
		t.Fatal("pack has no crosswalks")
	}
	// Even stays: both lists in 国临; stays ≡ 1 mod 4: only diagnoses in 国临.
	orig := make([]frontpage.Stay, len(stays))
	for i := range stays {
		orig[i] = *synth.CloneStay(&stays[i])
		s := &stays[i]
		if i%2 == 1 && i%4 != 1 {
			continue
		}
		s.DxCodeSystem = frontpage.DxGuolin2
		for k := range s.Diagnoses {
			s.Diagnoses[k].Code = "GL:" + s.Diagnoses[k].Code
		}
		if i%2 == 0 {
			s.PxCodeSystem = frontpage.PxGuolin3
			for k := range s.Procedures {
				s.Procedures[k].Code = "GL:" + s.Procedures[k].Code
			}
		}
	}
	db, ids := newStore(t, t.TempDir(), stays)
	defer db.Close()
	ctx := context.Background()
	sum, err := GroupStore(ctx, db, GroupStoreOptions{Scheme: xw})
	if err != nil {
		t.Fatal(err)
	}
	got := readResults(t, db)
	wantUntr := 0
	for i := range stays {
		id := ids[stays[i].Key()]
		g := got[id]
		want := rowOf(xw.Group(InputFromStay(id, &orig[i]).Case))
		if i%2 == 0 {
			// Both lists in 国临: the engine's own translation is the oracle.
			c := InputFromStay(id, &stays[i]).Case
			want = rowOf(xw.GroupWith(&c, drg.Options{Translate: true}))
		}
		hasMissing := false
		for _, d := range orig[i].Diagnoses {
			hasMissing = hasMissing || (d.Code == missing && stays[i].DxCodeSystem == frontpage.DxGuolin2)
		}
		if hasMissing && want.status != "invalid" {
			want = resultRow{scheme: want.scheme, version: want.version, status: "invalid", mdc: "0000", adrg: "00", drg: "0000",
				reason: drg.ReasonUntranslated, untr: "GL:" + missing}
		}
		if hasMissing && want.status == "invalid" && want.reason == drg.ReasonUntranslated {
			wantUntr++
		}
		g.weight, g.wsrc = sql.NullFloat64{}, ""
		if g != want {
			t.Errorf("stay %d (#%d): stored %+v, want %+v", id, i, g, want)
		}
	}
	if wantUntr == 0 || sum.UntranslatedStays != wantUntr || sum.UntranslatedCodes < wantUntr {
		t.Errorf("untranslated: summary %d stays %d codes, want %d stays", sum.UntranslatedStays, sum.UntranslatedCodes, wantUntr)
	}
	if len(sum.TopUntranslated) == 0 || sum.TopUntranslated[0].Key != "GL:"+missing {
		t.Errorf("top untranslated %v, want GL:%s", sum.TopUntranslated, missing)
	}
	if sum.Translated != 150 {
		t.Errorf("%d stays translated, want 150", sum.Translated)
	}

	// The demo pack has no crosswalk: 国临 codes are grouped as they are.
	sum, err = GroupStore(ctx, db, GroupStoreOptions{Scheme: demo(t)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.NotTranslated != 150 || sum.Translated != 0 {
		t.Errorf("demo pack: %d not translated, %d translated; want 150, 0", sum.NotTranslated, sum.Translated)
	}
}

// TestWeights covers the weight sources: a pack table chosen by region,
// none when the pack has tables but no region is chosen, internal weights
// when asked or when the pack has none, and an unknown region.
func TestWeights(t *testing.T) {
	stays := synthStays(t, 0.005)
	db, _ := newStore(t, t.TempDir(), stays)
	defer db.Close()
	ctx := context.Background()
	sc := demo(t)
	noWeights := packFrom(t, map[string][]byte{"weights/regional_rw_national_628.csv": nil})
	if len(noWeights.Weights) != 0 {
		t.Fatalf("pack still has %d weight tables", len(noWeights.Weights))
	}
	yc, ok := sc.WeightTable("盐城", 2023)
	if !ok {
		t.Fatal("demo pack has no 盐城 2023 table")
	}
	tests := []struct {
		name    string
		opt     GroupStoreOptions
		source  string // "" = no weights stored
		regions bool   // summary lists the pack's regions
	}{
		{"pack region latest year", GroupStoreOptions{Scheme: sc, Region: "盐城"}, "pack:盐城:2023", false},
		{"pack region and year", GroupStoreOptions{Scheme: sc, Region: "盐城", Year: 2022}, "pack:盐城:2022", false},
		{"pack tables, no region", GroupStoreOptions{Scheme: sc}, "", true},
		{"forced internal", GroupStoreOptions{Scheme: sc, Weights: WeightsInternal}, "internal", false},
		{"pack without weights", GroupStoreOptions{Scheme: noWeights}, "internal", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sum, err := GroupStore(ctx, db, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			got := readResults(t, db)
			if (len(sum.Schemes[0].Regions) > 0) != tc.regions || sum.Schemes[0].WeightSource != tc.source {
				t.Errorf("scheme use %+v", sum.Schemes[0])
			}
			var costs []drg.CaseCost
			if tc.source == "internal" {
				cost := map[int64]float64{}
				rows, err := db.SQL().QueryContext(ctx, `SELECT r.stay_id, coalesce(s.d01, 0) FROM drg_results r JOIN stays s USING (stay_id)`)
				if err != nil {
					t.Fatal(err)
				}
				for rows.Next() {
					var id int64
					var c float64
					if err := rows.Scan(&id, &c); err != nil {
						t.Fatal(err)
					}
					cost[id] = c
				}
				rows.Close()
				for id, r := range got {
					if r.status == "grouped" {
						costs = append(costs, drg.CaseCost{DRG: r.drg, Cost: cost[id]})
					}
				}
			}
			var want drg.WeightTable
			switch {
			case tc.source == "internal":
				want = drg.ComputeInternalWeights(costs)
			case tc.opt.Year == 2022:
				want, _ = sc.WeightTable("盐城", 2022)
			case tc.source != "":
				want = yc
			}
			weighted, total := 0, 0.0
			for id, r := range got {
				rw, has := want.RW[r.drg]
				has = has && r.status == "grouped"
				if r.weight.Valid != has || (has && math.Abs(r.weight.Float64-rw) > 1e-9) || (has && r.wsrc != tc.source) || (!has && r.wsrc != "") {
					t.Fatalf("stay %d %s %s: weight %v %q, want %v (%v) %q", id, r.status, r.drg, r.weight, r.wsrc, rw, has, tc.source)
				}
				if has {
					weighted++
					total += rw
				}
			}
			if weighted != sum.WeightedStays || (weighted > 0 && math.Abs(sum.CMI-total/float64(weighted)) > 1e-9) {
				t.Errorf("CMI %v over %d stays, want %v over %d", sum.CMI, sum.WeightedStays, total/float64(max(weighted, 1)), weighted)
			}
			if tc.source != "" && weighted == 0 {
				t.Error("no stay got a weight")
			}
		})
	}
	if _, err := GroupStore(ctx, db, GroupStoreOptions{Scheme: sc, Region: "火星"}); !errors.Is(err, ErrNoRegion) {
		t.Errorf("unknown region: err %v, want ErrNoRegion", err)
	}
}

// TestSchemeByDate: with candidate schemes, each stay is grouped by the one
// in force on its discharge date; stays outside every range fall back.
func TestSchemeByDate(t *testing.T) {
	stays := synthStays(t, 0.003)
	db, ids := newStore(t, t.TempDir(), stays)
	defer db.Close()
	year := stays[0].DisTime.Year()
	h1 := packFrom(t, map[string][]byte{"pack.json": []byte(fmt.Sprintf(`{"id":"h1","version":"1","effective_from":"%d-01-01","effective_to":"%d-06-30"}`, year, year))})
	sum, err := GroupStore(context.Background(), db, GroupStoreOptions{Schemes: []*drg.Scheme{h1}, Fallback: demo(t)})
	if err != nil {
		t.Fatal(err)
	}
	got := readResults(t, db)
	first := 0
	for i := range stays {
		want := drg.DemoID
		if stays[i].DisTime.Month() <= 6 {
			want = "h1"
			first++
		}
		if r := got[ids[stays[i].Key()]]; r.scheme != want {
			t.Fatalf("stay discharged %s grouped by %s, want %s", stays[i].DisTime.Format("2006-01-02"), r.scheme, want)
		}
	}
	if first == 0 || first == len(stays) {
		t.Fatalf("test data does not straddle the range: %d of %d", first, len(stays))
	}
	if len(sum.Schemes) != 2 || sum.Schemes[0].Stays != first || !sum.Schemes[1].Fallback || sum.Schemes[1].Stays != len(stays)-first {
		t.Errorf("scheme uses %+v, want h1 %d and fallback %d", sum.Schemes, first, len(stays)-first)
	}
}
