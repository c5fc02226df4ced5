package drg

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// mapRegistry is a SchemeRegistry over packs held in memory (tests only).
type mapRegistry map[string]*Pack

func (m mapRegistry) List(context.Context) ([]Manifest, error) {
	var out []Manifest
	for _, p := range m {
		out = append(out, p.Manifest)
	}
	return out, nil
}

func (m mapRegistry) Pack(_ context.Context, id string) (*Pack, error) {
	p, ok := m[id]
	if !ok {
		return nil, errors.New("no pack " + id)
	}
	return p, nil
}

func (m mapRegistry) Install(_ context.Context, p *Pack) ([]Issue, error) {
	m[p.Manifest.ID] = p
	return nil, nil
}

// TestRegionalOverlay proves a regional variant needs no code: the overlay in
// testdata removes a code from a list (FU2 loses I48.900x003, as in the Java
// tables), adds a code to a list and an MDC (K35.800 → GZ1), adds DRG splits
// with new rule types (discharge way + LOS, MCC + LOS), ships a tier list and
// switches QY on.
func TestRegionalOverlay(t *testing.T) {
	nat, natS := national(t)
	reg := mapRegistry{"chs-drg-1.1": nat}
	p, err := LoadDir(context.Background(), filepath.Join("testdata", "regional-overlay"), reg)
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	if s.ID() != "test-region-2024" || s.Version() != "2024.1" {
		t.Errorf("manifest %s %s", s.ID(), s.Version())
	}
	if got := s.Stats().DRGs; got != 630 {
		t.Errorf("DRGs %d, want 628+2", got)
	}
	died := adult("1", dx("I63.900"), nil)
	died.DischargeWay, died.LOS = "5", 3
	long := adult("1", dx("J18.900", "J96.900x001"), nil)
	long.LOS = 40
	tests := []struct {
		name   string
		c      Case
		status Status
		drg    string
		nat    string // national result for the same case
		tier   Tier
	}{
		// Removed from FU2: a medical atrial flutter with exactly this code
		// has no medical ADRG left in MDCF → 0000 (README caveat).
		{"list remove", adult("1", dx("I48.900x003"), nil), StatusUngroupable, "0000", "FU25", 0},
		// Added to GZ1 and the MDCG list → GZ15; nationally 0000.
		{"list add", adult("1", dx("K35.800"), nil), StatusGrouped, "GZ15", "0000", 0},
		// Died (5) within 5 days → the new split BR2A, tried first.
		{"discharge-way split", died, StatusGrouped, "BR2A", "BR25", 0},
		// Same but LOS 10 → the ordinary BR25 (tier from tiers.csv).
		{"split not met", func() Case { c := died; c.LOS = 10; return c }(), StatusGrouped, "BR25", "BR25", TierLow},
		// MCC and LOS ≥ 30 → ES3L; LOS 7 → ES31.
		{"mcc+los split", long, StatusGrouped, "ES3L", "ES31", TierHigh},
		{"mcc without los", func() Case { c := long; c.LOS = 7; return c }(), StatusGrouped, "ES31", "ES31", 0},
		// QY switched on by the overlay.
		{"qy on", adult("1", dx("I63.900"), dx("99.0400", "51.2300")), StatusAmbiguous, "BQY", "BR25", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.Group(tt.c)
			if r.Status != tt.status || r.DRG != tt.drg || r.Tier != tt.tier {
				t.Errorf("overlay: got %s %s tier %v, want %s %s tier %v\n%s", r.Status, r.DRG, r.Tier, tt.status, tt.drg, tt.tier, s.GroupWith(&tt.c, Options{Trace: true}).Trace.Render("en"))
			}
			if r.SchemeID != "test-region-2024" {
				t.Errorf("scheme id %q", r.SchemeID)
			}
			if n := natS.Group(tt.c); n.DRG != tt.nat {
				t.Errorf("national (parent must be unchanged): got %s, want %s", n.DRG, tt.nat)
			}
		})
	}

	// Effective dates: the overlay applies in 2024 only; the national pack
	// (given a range here) before.
	natDated := *nat
	natDated.Manifest.EffectiveFrom, natDated.Manifest.EffectiveTo = "2022-01-01", "2023-12-31"
	ns, _, err := Compile(&natDated)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := NewSelector(ns, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		date string
		want string
		ok   bool
	}{{"2023-06-30", "chs-drg-1.1", true}, {"2024-01-01", "test-region-2024", true}, {"2021-12-31", "", false}, {"2025-01-01", "", false}} {
		d, _ := time.Parse(dateLayout, tc.date)
		got, ok := sel.For(d)
		if ok != tc.ok || (ok && got.ID() != tc.want) {
			t.Errorf("%s: got %v %v, want %s", tc.date, got, ok, tc.want)
		}
		c := adult("1", dx("K35.800"), nil)
		c.Discharge = d
		r := sel.Group(&c, Options{})
		if !tc.ok && (r.Status != StatusInvalid || r.Reason != ReasonNoScheme) {
			t.Errorf("%s: out of range case got %s %q", tc.date, r.Status, r.Reason)
		}
		if tc.ok && r.SchemeID != tc.want {
			t.Errorf("%s: grouped by %s, want %s", tc.date, r.SchemeID, tc.want)
		}
	}
}

// TestValidationReportsInconsistencies breaks a valid pack in several ways
// and checks each is reported as an error naming the culprit.
func TestValidationReportsInconsistencies(t *testing.T) {
	demo, err := DemoPack()
	if err != nil {
		t.Fatal(err)
	}
	addRows := func(name string, rows ...string) func(*Pack) {
		return func(p *Pack) {
			old := p.Tables[name]
			nt := &table{Header: old.Header, Rows: append([][]string(nil), old.Rows...), Lines: append([]int(nil), old.Lines...)}
			for _, r := range rows {
				nt.Rows = append(nt.Rows, strings.Split(r, ","))
				nt.Lines = append(nt.Lines, 0)
			}
			p.Tables[name] = nt
		}
	}
	tests := []struct {
		name   string
		change func(*Pack)
		want   string
	}{
		{"DRG whose ADRG does not exist", addRows(fileDRG, "ZZ99,ZZ9,Z,无,9,always,1"), "ZZ9"},
		{"unknown rule", addRows(fileDRG, "BR2X,BR2,B,x,X,sometimes,9"), "sometimes"},
		{"bad CC level", addRows(fileCCMCC, "A00.000,XCC,1"), "XCC"},
		{"main list names unknown MDC", addRows(fileMainDx, "Q9,A00.000,"), "Q9"},
		{"codes for unknown ADRG", addRows(fileADRGCodes, "QQ1,dx,A00.000,"), "QQ1"},
		{"adrg_order names missing ADRG", func(p *Pack) {
			p.MDCs = append([]MDCDef(nil), p.MDCs...)
			p.MDCs[1].ADRGOrder = append(append([]string(nil), p.MDCs[1].ADRGOrder...), "PX9")
		}, "PX9"},
		{"unknown operator", func(p *Pack) {
			p.ADRGs = append([]ADRGDef(nil), p.ADRGs...)
			p.ADRGs[0].Conditions = []CondDef{{Op: "main_dx_starts_with"}}
		}, "main_dx_starts_with"},
		{"missing id", func(p *Pack) { p.Manifest.ID = "" }, "id"},
		{"bad date", func(p *Pack) { p.Manifest.EffectiveFrom = "2024-13-01" }, "effective_from"},
		{"missing file", func(p *Pack) { delete(p.Tables, fileCCMCC) }, fileCCMCC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := *demo
			p.Tables = map[string]*table{}
			for k, v := range demo.Tables {
				p.Tables[k] = v
			}
			tt.change(&p)
			_, issues, err := Compile(&p)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("want ValidationError, got %v", err)
			}
			found := false
			for _, is := range issues {
				if is.Error && strings.Contains(is.File+": "+is.Msg, tt.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("no error mentioning %q in %v", tt.want, issues)
			}
		})
	}
	// The untouched demo pack compiles.
	if _, _, err := Compile(demo); err != nil {
		t.Fatalf("demo pack: %v", err)
	}
}

// TestNationalValidates: the national tables compile with no error, and the
// known caveat (252 main-dx codes outside their MDC list) shows as warnings.
func TestNationalValidates(t *testing.T) {
	nat, _ := national(t)
	_, issues, err := Compile(nat)
	if err != nil {
		t.Fatal(err)
	}
	warned := 0
	for _, is := range issues {
		if strings.Contains(is.Msg, "main-dx codes not in the MDC list") {
			warned++
		}
	}
	if warned == 0 {
		t.Errorf("expected warnings for main-dx codes outside their MDC list; issues: %v", issues)
	}
}

// TestDemoPackMatchesNational regenerates the demo pack from the national
// tables and compares it byte for byte with the embedded copy, so the demo
// can never drift from the official lists (run `go generate ./internal/drg`
// after changing DemoADRGs or BuildDemoPack).
func TestDemoPackMatchesNational(t *testing.T) {
	nat, natS := national(t)
	built, err := BuildDemoPack(nat)
	if err != nil {
		t.Fatal(err)
	}
	files, err := built.Files()
	if err != nil {
		t.Fatal(err)
	}
	embedded := map[string]bool{}
	err = fs.WalkDir(demoFS, "demo", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		embedded[strings.TrimPrefix(path, "demo/")] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := demoFS.ReadFile("demo/" + name)
		if err != nil {
			t.Errorf("embedded demo lacks %s (run go generate ./internal/drg)", name)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("embedded %s differs from a fresh build (run go generate ./internal/drg)", name)
		}
		delete(embedded, name)
	}
	for name := range embedded {
		t.Errorf("embedded demo has stale file %s", name)
	}
	// Whenever the national result falls in the demo subset, the demo gives
	// the same DRG (the subset keeps order, lists and entry rules).
	demo, err := DemoScheme()
	if err != nil {
		t.Fatal(err)
	}
	inDemo := map[string]bool{}
	for _, a := range DemoADRGs {
		inDemo[a] = true
	}
	compared := 0
	var cases []Case
	for _, g := range goldenCases {
		cases = append(cases, g.c)
	}
	for _, sc := range readSamples(t) {
		cases = append(cases, sc.c)
	}
	cases = append(cases, randomCases(natS, 2000, 7)...)
	for _, c := range cases {
		n := natS.Group(c)
		if n.Status != StatusGrouped || !inDemo[n.ADRG] {
			continue
		}
		compared++
		if d := demo.Group(c); d.DRG != n.DRG {
			t.Errorf("%v: demo %s, national %s", c, d.DRG, n.DRG)
		}
	}
	if compared < 50 {
		t.Errorf("only %d cases compared", compared)
	}
	t.Logf("demo agrees with national on %d cases in the subset", compared)
}

// TestDemoWithoutShared runs with the embedded pack only: cases worked out by
// hand from the national tables whose groups are in the demo subset.
func TestDemoWithoutShared(t *testing.T) {
	s, err := DemoScheme()
	if err != nil {
		t.Fatal(err)
	}
	if !s.Manifest.Demo || s.ID() != DemoID {
		t.Errorf("demo manifest %+v", s.Manifest)
	}
	for _, tc := range []struct {
		c    Case
		want string
	}{
		{adult("1", dx("I63.900")), "BR25"},                               // cerebral infarction
		{adult("1", dx("J18.900", "J96.900x001")), "ES31"},                // pneumonia with MCC
		{adult("2", dx("K81.000"), dx("51.2300")), "HC29"},                // cholecystectomy
		{infant(10, 1800, dx("P07.200"), nil), "PS25"},                    // premature 1500–1999 g
		{adult("1", dx("J96.900x001", "I21.000"), dx("96.7201")), "AH11"}, // ventilation ≥96 h
		{adult("1", dx("K35.800")), "0000"},
	} {
		if r := s.Group(tc.c); r.DRG != tc.want {
			t.Errorf("%v: got %s, want %s", tc.c.Diagnoses, r.DRG, tc.want)
		}
	}
	if len(s.Weights) != 4 {
		t.Errorf("demo weight tables %d, want 4", len(s.Weights))
	}
}

func TestDirRegistryInstallListOpen(t *testing.T) {
	ctx := context.Background()
	nat, _ := national(t)
	dir := t.TempDir()
	reg := NewDirRegistry(dir)
	natCopy := *nat
	natCopy.Manifest.ID = "chs-drg-1.1"
	if _, err := reg.Install(ctx, &natCopy); err != nil {
		t.Fatal(err)
	}
	ov, err := ReadPack(os.DirFS(filepath.Join("testdata", "regional-overlay")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := reg.Install(ctx, ov); err != nil {
		t.Fatal(err)
	}
	list, err := reg.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range list {
		ids = append(ids, m.ID)
	}
	if strings.Join(ids, ",") != "chs-drg-1.1,demo-chs-drg-1.1,test-region-2024" {
		t.Errorf("list %v", ids)
	}
	// The overlay is stored as an overlay (small) and resolves through the registry.
	if _, err := os.Stat(filepath.Join(dir, "test-region-2024", fileCCMCC)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("overlay stored flattened: %v", err)
	}
	s, err := reg.Scheme(ctx, "test-region-2024")
	if err != nil {
		t.Fatal(err)
	}
	if r := s.Group(adult("1", dx("K35.800"))); r.DRG != "GZ15" {
		t.Errorf("installed overlay groups K35.800 as %s", r.DRG)
	}
	if _, err := reg.Scheme(ctx, DemoID); err != nil {
		t.Errorf("demo via registry: %v", err)
	}
	if _, err := reg.Install(ctx, &Pack{Manifest: Manifest{ID: "../evil"}}); err == nil {
		t.Error("path-like id accepted")
	}
	if _, err := reg.Scheme(ctx, "nope"); err == nil {
		t.Error("unknown id accepted")
	}
}
