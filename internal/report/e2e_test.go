package report_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/report"
	"github.com/yardstick-health/yardstick/internal/store"
	"github.com/yardstick-health/yardstick/internal/synth"
)

// -e2e-out writes the end-to-end report (report.html, report.docx) into a
// directory for a visual check; -e2e-scale sets the synthetic volume.
var (
	e2eOut   = flag.String("e2e-out", "", "write the end-to-end report files into this directory")
	e2eScale = flag.Float64("e2e-scale", 0.01, "synthetic hospital scale of the end-to-end test")
)

// TestEndToEnd runs the whole pipeline on a small synthetic hospital:
// synth → store import (front pages, visits, departments) → case facts →
// indicator engine → report.Build → HTML and .docx.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: generates and imports two years of stays")
	}
	ctx := context.Background()
	names := synth.Profiles()
	if len(names) == 0 {
		t.Fatal("no synth profiles")
	}
	p, err := synth.LoadProfile(names[0])
	if err != nil {
		t.Fatal(err)
	}
	h, err := synth.NewHospital(p, 7, *e2eScale)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "e2e.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	const year = 2021
	discharges := map[int]int{}
	for _, y := range []int{year - 1, year} {
		var stays []frontpage.Stay
		if err := h.Stays(ctx, y, synth.StreamOptions{}, func(s *frontpage.Stay, _ *synth.Defect) error {
			stays = append(stays, *synth.CloneStay(s))
			if s.DisTime.Year() == year {
				discharges[year]++
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		_, err := db.ImportStays(ctx, store.ImportMeta{File: "synth"}, func(ctx context.Context, emit func([]frontpage.Stay) error) (*store.ImportOutcome, error) {
			return &store.ImportOutcome{RowsRead: len(stays), RowsGood: len(stays)}, emit(stays)
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ImportVisits(ctx, store.ImportMeta{File: "visits"}, h.Visits(y), &store.ImportOutcome{}); err != nil {
			t.Fatal(err)
		}
	}
	depts := p.DepartmentList()
	if _, err := db.ImportDepartments(ctx, store.ImportMeta{File: "depts"}, depts, &store.ImportOutcome{}); err != nil {
		t.Fatal(err)
	}
	lib, err := db.Catalogs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RefreshFacts(ctx, lib); err != nil {
		t.Fatal(err)
	}
	deptNames := map[string]string{}
	for _, d := range depts {
		deptNames[d.Code] = d.Name
	}
	d, err := report.Build(ctx, db.IndicatorSource(), report.Options{Year: year, Hospital: p.OrgName, DeptNames: deptNames})
	if err != nil {
		t.Fatal(err)
	}

	if got := d.Fig(report.KeyDischarges).Value; !got.Valid || int(got.V) != discharges[year] {
		t.Errorf("discharges %+v, want %d (stays generated with a %d discharge)", got, discharges[year], year)
	}
	for _, k := range []string{report.KeyOutpatient, report.KeyAvgLOS, report.KeyAvgCost} {
		f := d.Fig(k)
		if !f.Value.Valid || !f.Prior.Valid {
			t.Errorf("%s: value %+v prior %+v, want both years", k, f.Value, f.Prior)
		}
	}
	if len(d.Departments) == 0 || d.Departments[0].Name == d.Departments[0].Code {
		t.Errorf("departments not named from the dictionary: %+v", d.Departments[:min(2, len(d.Departments))])
	}
	nar := strings.Join(d.Narrative(), "\n")
	for _, want := range []string{"全年共完成门急诊量 ", "；出院 ", "平均住院日 ", "出院人次居前三位的科室为"} {
		if !strings.Contains(nar, want) {
			t.Errorf("narrative lacks %q:\n%s", want, nar)
		}
	}
	var html, docx bytes.Buffer
	if err := report.RenderHTML(&html, d, nil); err != nil {
		t.Fatal(err)
	}
	if err := report.RenderDOCX(&docx, d); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"NaN", "Inf", "%!"} {
		if strings.Contains(html.String(), bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	if !strings.Contains(html.String(), p.OrgName) || docx.Len() == 0 {
		t.Error("report lacks the hospital name or the docx is empty")
	}
	if *e2eOut != "" {
		for name, b := range map[string][]byte{"report.html": html.Bytes(), "report.docx": docx.Bytes()} {
			if err := os.WriteFile(filepath.Join(*e2eOut, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
