package indicator_test

import (
	"context"
	"math"
	"os"
	"strconv"
	"testing"

	"github.com/yardstick-health/yardstick/internal/catalog"
	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/indicator"
	"github.com/yardstick-health/yardstick/internal/synth"
)

// synthCategories is the procedure-category catalogue the generator's own
// calibration counts operations with (synth.ProcedureKind: S 手术, I 介入治疗,
// T 治疗性操作, D 诊断性操作), so the indicator engine and the generator use the
// same definition of "operation".
func synthCategories(t testing.TB) *catalog.Catalogue {
	t.Helper()
	codes, err := synth.Codes()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{synth.KindSurgery: catalog.CatSurgery, synth.KindInterventional: catalog.CatIntervention,
		synth.KindTherapeutic: catalog.CatTherapeutic, synth.KindDiagnostic: catalog.CatDiagnostic}
	var es []catalog.Entry
	for _, c := range codes {
		if c.System != "px" {
			continue
		}
		if v := kinds[synth.ProcedureKind(c.Code)]; v != "" {
			es = append(es, catalog.Entry{Code: catalog.NormCode(c.Code), Value: v})
		}
	}
	if len(es) == 0 {
		t.Fatal("synth has no procedure kinds")
	}
	return catalog.New(catalog.Category, "2021", "synth ProcedureKind", es)
}

// synthFacts generates years of a profile and derives the facts.
func synthFacts(t testing.TB, profile string, scale float64, years []int) ([]indicator.Fact, *synth.Profile) {
	t.Helper()
	p, err := synth.LoadProfile(profile)
	if err != nil {
		t.Fatal(err)
	}
	h, err := synth.NewHospital(p, 1, scale)
	if err != nil {
		t.Fatal(err)
	}
	lib := &catalog.Library{Catalogues: []*catalog.Catalogue{synthCategories(t)}}
	var facts []indicator.Fact
	var id int64
	for _, y := range years {
		set := lib.For(y)
		err := h.Stays(context.Background(), y, synth.StreamOptions{}, func(s *frontpage.Stay, _ *synth.Defect) error {
			id++
			facts = append(facts, indicator.Derive(id, s, set, indicator.DRGInfo{}))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	indicator.Link(facts)
	indicator.ApplyReferences(facts)
	return facts, p
}

// TestCalibrationTertiaryGeneral reproduces the tertiary-general profile's
// published figures through the indicator engine: discharges, operations,
// level-4 share, day surgeries, mean LOS and its change on the year before,
// within 2%, at full scale (159,500 stays a year, ~7 s; set
// YARDSTICK_CALIBRATION_SCALE to change it).
func TestCalibrationTertiaryGeneral(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a large synthetic year")
	}
	scale := 1.0
	if s := os.Getenv("YARDSTICK_CALIBRATION_SCALE"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			t.Fatal(err)
		}
		scale = v
	}
	facts, p := synthFacts(t, "tertiary-general", scale, []int{2020, 2021})
	src := &indicator.MemSource{Facts: facts}
	res, err := indicator.Compute(context.Background(), src, indicator.Query{Year: p.RefYear,
		Indicators: []string{"discharges", "surgical_persons", "level4_share", "day_surgery_count", "alos"}})
	if err != nil {
		t.Fatal(err)
	}
	get := func(code string) indicator.Value {
		v, ok := res.Find(p.OrgCode, "", 0, code)
		if !ok || !v.Valid {
			t.Fatalf("%s not computed: %+v", code, v)
		}
		return v
	}
	sum := p.Summary
	alos := get("alos")
	tests := []struct {
		name      string
		got, want float64
	}{
		{"出院人次 discharges", get("discharges").Value, float64(sum.Discharges) * scale},
		{"手术人次 operations", get("surgical_persons").Value, float64(sum.Operations) * scale},
		{"四级手术占比 level-4 share", get("level4_share").Value / 100, sum.Level4Share},
		{"日间手术 day surgeries", get("day_surgery_count").Value, float64(sum.DaySurgeries) * scale},
		{"平均住院日 mean LOS", alos.Value, sum.MeanLOS},
		{"上年平均住院日 mean LOS last year", alos.YoY.Value, sum.MeanLOSPrev},
		{"平均住院日同比变化 LOS YoY change", alos.YoY.Abs, sum.MeanLOS - sum.MeanLOSPrev},
	}
	for _, tc := range tests {
		rel := math.Abs(tc.got-tc.want) / math.Abs(tc.want)
		t.Logf("%s: engine %.4f, published %.4f (%.2f%%)", tc.name, tc.got, tc.want, rel*100)
		if rel > 0.02 {
			t.Errorf("%s: engine %.4f, published %.4f: off by %.2f%% > 2%%", tc.name, tc.got, tc.want, rel*100)
		}
	}
}
