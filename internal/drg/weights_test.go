package drg

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/testutil"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestReadRegionalWeights(t *testing.T) {
	f, err := os.Open(filepath.Join(testutil.CHSDRG11(t), "weights", "regional_rw_national_628.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tables, err := ReadWeightsCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(tables) != 4 {
		t.Fatalf("%d tables, want 4 (临沂 2022, 铜川 2022, 盐城 2022, 盐城 2023)", len(tables))
	}
	_, s := national(t)
	w, ok := s.WeightTable("临沂", 2022)
	if !ok {
		t.Fatal("pack weights lack 临沂 2022")
	}
	// Values read from the file: 临沂 2022 BR21 0.92, ES31 0.65; AA19 has no weight.
	if !near(w.RW["BR21"], 0.92) || !near(w.RW["ES31"], 0.65) {
		t.Errorf("BR21 %v ES31 %v", w.RW["BR21"], w.RW["ES31"])
	}
	if _, ok := w.RW["AA19"]; ok {
		t.Error("empty rw imported as a weight")
	}
	m := CMI([]string{"BR21", "ES31", "ES31", "0000", "AA19", "BQY"}, w)
	// 3 weighted stays: (0.92 + 0.65 + 0.65) / 3; AA19 grouped without weight.
	if m.Stays != 4 || m.NoWeight != 1 || m.DRGCount != 3 || !near(m.CMI, (0.92+0.65+0.65)/3) {
		t.Errorf("CMI %+v", m)
	}
}

func TestWeightsCSVErrors(t *testing.T) {
	for _, in := range []string{
		"region,year,drg\nx,2022,AA19\n",
		"region,year,drg,rw\nx,20x2,AA19,1\n",
		"region,year,drg,rw\nx,2022,AA19,-1\n",
		"region,year,drg,rw\nx,2022,AA19,NaN\n",
	} {
		if _, err := ReadWeightsCSV(strings.NewReader(in)); err == nil {
			t.Errorf("accepted %q", in)
		}
	}
}

func TestComputeInternalWeights(t *testing.T) {
	var cases []CaseCost
	// A: five stays of 100 and one of 10,000. Q1 = Q3 = 100, IQR = 0, so the
	// fence is [100, 100] and 10,000 is trimmed. B: five stays of 200.
	for range 5 {
		cases = append(cases, CaseCost{DRG: "AA19", Cost: 100}, CaseCost{DRG: "BB19", Cost: 200})
	}
	cases = append(cases, CaseCost{DRG: "AA19", Cost: 10000})
	// C: three stays (below MinCasesForTrim, kept whole): 100, 200, 900 → mean 400.
	cases = append(cases, CaseCost{DRG: "CC19", Cost: 100}, CaseCost{DRG: "CC19", Cost: 200}, CaseCost{DRG: "CC19", Cost: 900})
	// Ignored: not grouped, QY, zero cost.
	cases = append(cases, CaseCost{DRG: "0000", Cost: 5}, CaseCost{DRG: "BQY", Cost: 5}, CaseCost{DRG: "AA19", Cost: 0})
	w := ComputeInternalWeights(cases)
	// Kept: A 5×100, B 5×200, C 100+200+900 → total 2700 over 13 stays.
	overall := 2700.0 / 13
	want := map[string]float64{"AA19": 100 / overall, "BB19": 200 / overall, "CC19": 400 / overall}
	if len(w.RW) != 3 || !w.Internal {
		t.Fatalf("weights %+v", w)
	}
	for d, v := range want {
		if !near(w.RW[d], v) {
			t.Errorf("%s: %v, want %v", d, w.RW[d], v)
		}
	}
	if got := ComputeInternalWeights(nil); len(got.RW) != 0 {
		t.Errorf("empty input gave %v", got.RW)
	}
}

func TestTrimQuartiles(t *testing.T) {
	// 1..8 and 100: Q1 = 3, Q3 = 7 (type 7), IQR = 4, fence [−9, 19] → 100 dropped.
	got := trimmed([]float64{100, 1, 2, 3, 4, 5, 6, 7, 8})
	if len(got) != 8 || got[7] != 8 {
		t.Errorf("trimmed %v", got)
	}
}

func TestConsumptionIndices(t *testing.T) {
	ref := map[string]GroupMeans{"AA19": {Cost: 100, LOS: 10}, "BB19": {Cost: 1000, LOS: 5}}
	hosp := []CaseCost{
		{DRG: "AA19", Cost: 120, LOS: 8}, {DRG: "AA19", Cost: 120, LOS: 12}, // mean 120 / 10
		{DRG: "BB19", Cost: 500, LOS: 5}, // 500 / 5
		{DRG: "ZZ19", Cost: 1, LOS: 1},   // no reference: not counted
	}
	cost, tm, n := ConsumptionIndices(hosp, ref)
	// cost: (1.2×2 + 0.5×1)/3; time: (1.0×2 + 1.0×1)/3.
	if n != 3 || !near(cost, (1.2*2+0.5)/3) || !near(tm, 1) {
		t.Errorf("cost %v time %v n %d", cost, tm, n)
	}
	rm := ReferenceMeans(hosp)
	if g := rm["AA19"]; g.N != 2 || !near(g.Cost, 120) || !near(g.LOS, 10) {
		t.Errorf("reference means %+v", g)
	}
}

func TestTiers(t *testing.T) {
	// Corrected rates (d+0.5)/(n+1): A–D ≈ e^-1…e^-4 (ln −1…−4; the
	// correction is negligible at a million stays), E = 0.5/51 (ln −4.625).
	// Mean −2.925, population SD 1.3124: z = 1.467, 0.705, −0.057, −0.819,
	// −1.295.
	e := math.E
	stats := []MortalityStat{
		{DRG: "A", Stays: 1_000_000, Deaths: int(math.Round(1_000_000 / e))},
		{DRG: "B", Stays: 1_000_000, Deaths: int(math.Round(1_000_000 / (e * e)))},
		{DRG: "C", Stays: 1_000_000, Deaths: int(math.Round(1_000_000 / (e * e * e)))},
		{DRG: "D", Stays: 1_000_000, Deaths: int(math.Round(1_000_000 / (e * e * e * e)))},
		{DRG: "E", Stays: 50, Deaths: 0}, // no death in 50 stays: corrected rate ≈ 1 %
		{DRG: "F", Stays: 0, Deaths: 0},  // no stays: no tier
	}
	got := Tiers(stats)
	want := map[string]Tier{"A": TierHigh, "B": TierMidHigh, "C": TierMidLow, "D": TierMidLow, "E": TierLow}
	if len(got) != len(want) {
		t.Errorf("tiers %v", got)
	}
	for d, w := range want {
		if got[d] != w {
			t.Errorf("%s: %v, want %v", d, got[d], w)
		}
	}
	for _, tc := range []struct {
		z    float64
		want Tier
	}{{-1.0001, TierLow}, {-1, TierMidLow}, {-0.0001, TierMidLow}, {0, TierMidHigh}, {0.9999, TierMidHigh}, {1, TierHigh}} {
		if g := TierForZ(tc.z); g != tc.want {
			t.Errorf("z %v: %v, want %v", tc.z, g, tc.want)
		}
	}
	tl, err := ReadTiersCSV(strings.NewReader("drg,tier\nBR25,低风险\nES31,4\n"))
	if err != nil || tl["BR25"] != TierLow || tl["ES31"] != TierHigh {
		t.Errorf("tier list %v %v", tl, err)
	}
	if _, err := ReadTiersCSV(strings.NewReader("drg,tier\nBR25,medium\n")); err == nil {
		t.Error("bad tier accepted")
	}
}

func TestWithTiers(t *testing.T) {
	s, err := DemoScheme()
	if err != nil {
		t.Fatal(err)
	}
	ts := s.WithTiers(map[string]Tier{"BR25": TierMidLow})
	c := adult("1", dx("I63.900"))
	if r := ts.Group(c); r.DRG != "BR25" || r.Tier != TierMidLow {
		t.Errorf("with tiers: %s %v", r.DRG, r.Tier)
	}
	if r := s.Group(c); r.Tier != TierUnknown {
		t.Errorf("original scheme changed: %v", r.Tier)
	}
}

func TestAddWeights(t *testing.T) {
	ctx := t.Context()
	reg := NewDirRegistry(t.TempDir())
	demo, err := DemoPack()
	if err != nil {
		t.Fatal(err)
	}
	cp := *demo
	cp.Manifest.ID = "local"
	if _, err := reg.Install(ctx, &cp); err != nil {
		t.Fatal(err)
	}
	tables, err := reg.AddWeights(ctx, "local", "mycity", []byte("region,year,drg,rw\n本市,2025,BR25,0.7\n本市,2025,ES31,\n"))
	if err != nil || len(tables) != 1 || tables[0].RW["BR25"] != 0.7 {
		t.Fatalf("add: %v %v", tables, err)
	}
	s, err := reg.Scheme(ctx, "local")
	if err != nil {
		t.Fatal(err)
	}
	if w, ok := s.WeightTable("本市", 2025); !ok || w.RW["BR25"] != 0.7 {
		t.Errorf("stored weights not loaded: %v %v", w, ok)
	}
	if _, err := reg.AddWeights(ctx, "local", "bad", []byte("region,year,drg,rw\n本市,2025,XX99,1\n")); err == nil || !strings.Contains(err.Error(), "XX99") {
		t.Errorf("unknown DRG accepted: %v", err)
	}
	if _, err := reg.AddWeights(ctx, DemoID, "x", []byte("region,year,drg,rw\n")); err == nil {
		t.Error("demo pack changed")
	}
}
