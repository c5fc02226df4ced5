package synth_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/yardstick-health/yardstick/internal/catalog"
	"github.com/yardstick-health/yardstick/internal/synth"
)

// TestProcedureCategoriesFile checks that the catalogue the demo imports
// reads back through `yardstick catalog import`'s parser without problems
// and gives every procedure code the category the generator counts with.
func TestProcedureCategoriesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), synth.CategoryFile)
	if err := synth.WriteProcedureCategories(path); err != nil {
		t.Fatal(err)
	}
	rows, err := catalog.ReadFile(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	entries, problems, err := catalog.Parse(catalog.Category, rows)
	if err != nil || len(problems) > 0 {
		t.Fatalf("parse: %v, problems %v", err, problems)
	}
	want := map[string]string{synth.KindSurgery: catalog.CatSurgery, synth.KindInterventional: catalog.CatIntervention,
		synth.KindTherapeutic: catalog.CatTherapeutic, synth.KindDiagnostic: catalog.CatDiagnostic}
	seen := map[string]int{}
	byCode := map[string]string{}
	for _, e := range entries {
		seen[e.Value]++
		byCode[e.Code] = e.Value
	}
	codes, err := synth.Codes()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range codes {
		k := synth.ProcedureKind(c.Code)
		if c.System != "px" || k == "" {
			continue
		}
		n++
		if got := byCode[catalog.NormCode(c.Code)]; got != want[k] {
			t.Errorf("%s: category %q, want %q", c.Code, got, want[k])
		}
	}
	if len(entries) != n {
		t.Errorf("%d entries, want one per procedure code with a kind (%d)", len(entries), n)
	}
	for kind, cat := range want {
		if seen[cat] == 0 {
			t.Errorf("no %s (%s) codes in the catalogue", cat, kind)
		}
	}
}
