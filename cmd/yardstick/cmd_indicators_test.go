package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/indicator/indicatortest"
	"github.com/yardstick-health/yardstick/internal/store"
)

// indicatorDB writes the hand-made indicator data set into a fresh store.
func indicatorDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "i.duckdb")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var stays []frontpage.Stay
	for _, c := range indicatortest.Cases() {
		stays = append(stays, *c.Stay)
	}
	_, err = db.ImportStays(ctx, store.ImportMeta{File: "hand.csv"}, func(ctx context.Context, emit func([]frontpage.Stay) error) (*store.ImportOutcome, error) {
		return &store.ImportOutcome{RowsRead: len(stays), RowsGood: len(stays)}, emit(stays)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportVisits(ctx, store.ImportMeta{File: "v.csv"}, indicatortest.Visits(), &store.ImportOutcome{}); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestIndicatorsCLI(t *testing.T) {
	db := indicatorDB(t)
	dir := t.TempDir()

	// Manual inputs: one good row, one unknown code → exit 1, good row kept.
	in := filepath.Join(dir, "in.csv")
	os.WriteFile(in, []byte("机构代码,年份,指标代码,值\nH1,2021,physicians,10\nH1,2021,nosuch,1\n"), 0o644)
	code, out, errs := runCLI(t, "indicators", "input", in, "--db", db)
	if code != 1 || !strings.Contains(out, "imported 1") || !strings.Contains(errs, "nosuch") {
		t.Errorf("input: exit %d, out %q, err %q", code, out, errs)
	}

	// CSV: level-4 share of H1 in 2021 is 2/5 = 40% (stays 1 and 6, 手术级别 fallback).
	code, out, errs = runCLI(t, "indicators", "--db", db, "--year", "2021", "--org", "H1", "--format", "csv", "--codes", "level4_share,bed_days_per_physician")
	if code != 0 {
		t.Fatalf("csv: exit %d: %s", code, errs)
	}
	if !strings.Contains(out, "fallback") || !strings.Contains(out, "数据来源 data source") {
		t.Errorf("csv output must state data source and fallbacks:\n%s", out)
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff")))
	cr.FieldsPerRecord = -1 // "# …" header lines have one field
	recs, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, r := range recs {
		if len(r) > 9 && r[4] == "level4_share" {
			found++
			if r[7] != "2" || r[8] != "5" || r[9] != "40.00" {
				t.Errorf("level4 row %v, want 2/5 = 40.00", r)
			}
		}
		if len(r) > 9 && r[4] == "bed_days_per_physician" {
			found++
			// 29 bed-days ÷ (10 × 365)
			if r[7] != "29" || r[8] != "3650" {
				t.Errorf("bed-days per physician row %v, want 29/3650", r)
			}
		}
	}
	if found != 2 {
		t.Errorf("rows found %d, want 2:\n%s", found, out)
	}

	// JSON and table.
	code, out, _ = runCLI(t, "indicators", "--db", db, "--year", "2021", "--by", "department", "--period", "month", "--format", "json")
	var js struct {
		Header []string
		Cells  []json.RawMessage
	}
	if code != 0 || json.Unmarshal([]byte(out), &js) != nil || len(js.Cells) == 0 || len(js.Header) < 3 {
		t.Errorf("json: exit %d, %d cells", code, len(js.Cells))
	}
	code, out, _ = runCLI(t, "indicators", "--db", db, "--year", "2021", "--format", "table")
	if code != 0 || !strings.Contains(out, "出院患者四级手术比例") {
		t.Errorf("table: exit %d\n%s", code, out)
	}

	// XLSX.
	x := filepath.Join(dir, "i.xlsx")
	if code, _, errs := runCLI(t, "indicators", "--db", db, "--year", "2021", "--format", "xlsx", "--out", x); code != 0 {
		t.Fatalf("xlsx: exit %d %s", code, errs)
	}
	f, err := excelize.OpenFile(x)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("指标 indicators")
	notes, _ := f.GetRows("说明 notes")
	f.Close()
	if len(rows) < 10 || len(notes) < 3 {
		t.Errorf("xlsx: %d rows, %d note rows", len(rows), len(notes))
	}

	// Drill-down: the level-4 numerator of H1 2021 is stays M1 (1) and M5 (6).
	code, out, errs = runCLI(t, "indicators", "drill", "--db", db, "--year", "2021", "--org", "H1", "--code", "level4_share", "--part", "numerator")
	if code != 0 {
		t.Fatalf("drill: exit %d %s", code, errs)
	}
	recs, _ = csv.NewReader(strings.NewReader(out)).ReadAll()
	if len(recs) != 3 || recs[1][2] != "M1" || recs[2][2] != "M5" {
		t.Errorf("drill rows %v, want M1 and M5", recs)
	}

	// Usage errors exit 2.
	for _, args := range [][]string{
		{"indicators", "--db", db},
		{"indicators", "--db", db, "--year", "2021", "--by", "ward"},
		{"indicators", "--db", db, "--year", "2021", "--codes", "nope"},
		{"indicators", "--db", db, "--year", "2021", "--format", "xlsx"},
		{"catalog", "import", "level4", "x.csv"},
		{"catalog", "import", "nokind", "x.csv", "--version", "2021"},
	} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

func TestCatalogCLI(t *testing.T) {
	db := indicatorDB(t)
	l4 := filepath.Join(t.TempDir(), "l4.csv")
	os.WriteFile(l4, []byte("编码,名称\n51.2200,胆囊切除术\n"), 0o644)
	code, out, errs := runCLI(t, "catalog", "import", "level4", l4, "--version", "2021", "--db", db)
	if code != 0 || !strings.Contains(out, "imported 1") {
		t.Fatalf("catalog import: exit %d %q %q", code, out, errs)
	}
	code, out, _ = runCLI(t, "catalog", "list", "--db", db)
	if code != 0 || !strings.Contains(out, "l4.csv") {
		t.Errorf("catalog list: %d %q", code, out)
	}
	// With the list, H1's level-4 persons are stay 2 only: 1/5 = 20%.
	code, out, _ = runCLI(t, "indicators", "--db", db, "--year", "2021", "--org", "H1", "--format", "csv", "--codes", "level4_share")
	if code != 0 || !strings.Contains(out, ",1,5,20.00,") || !strings.Contains(out, "l4.csv") {
		t.Errorf("level4 with catalogue:\n%s", out)
	}
}
