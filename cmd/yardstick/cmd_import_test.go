package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/ingest"
	"github.com/yardstick-health/yardstick/internal/store"
)

// Sentinels placed in generated stays so a test can corrupt exactly one cell.
var (
	sentinelTime = time.Date(2022, 7, 7, 7, 7, 7, 0, time.UTC)
	sentinelCost = 98765.43
)

func impStays(n int) []frontpage.Stay {
	g := newBenchGen(7)
	out := make([]frontpage.Stay, n)
	for i := range out {
		g.stay(&out[i], i)
		out[i].MRN = fmt.Sprintf("T%05d", i) // unique keys
	}
	return out
}

// writeCSV writes stays as a code-header UTF-8 CSV and then applies
// line-level edits (line numbers as in the file, header = 1).
func impWriteCSV(t *testing.T, path string, stays []frontpage.Stay, opt ingest.WriteOptions, edit map[int]func(string) string) {
	t.Helper()
	var buf bytes.Buffer
	w, err := ingest.NewCSVWriter(&buf, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range stays {
		if err := w.Write(&stays[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	text := buf.String()
	if len(edit) > 0 {
		lines := strings.Split(text, "\n")
		for ln, f := range edit {
			before := lines[ln-1]
			lines[ln-1] = f(before)
			if lines[ln-1] == before {
				t.Fatalf("edit of line %d changed nothing", ln)
			}
		}
		text = strings.Join(lines, "\n")
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func impCount(t *testing.T, dbPath, q string) int64 {
	t.Helper()
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int64
	if err := db.SQL().QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportFrontPageCLI(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.csv")
	bad := filepath.Join(dir, "bad.csv")
	stays := impStays(6)
	impWriteCSV(t, good, stays, ingest.WriteOptions{}, nil)
	badStays := impStays(6)
	badStays[1].AdmTime = sentinelTime
	badStays[3].Costs[frontpage.CostTotal] = frontpage.Some(sentinelCost)
	impWriteCSV(t, bad, badStays, ingest.WriteOptions{}, map[int]func(string) string{
		3: func(l string) string { return strings.Replace(l, "2022-07-07 07:07:07", "2022-02-30 07:07:07", 1) },
		5: func(l string) string { return strings.Replace(l, "98765.43", "98x765", 1) },
	})

	t.Run("good file, json", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "s.duckdb")
		code, out, errs := runCLI(t, "import", "frontpage", "--db", db, "--json", good)
		if code != 0 {
			t.Fatalf("exit %d, stderr %s", code, errs)
		}
		var sum importSummary
		if err := json.Unmarshal([]byte(out), &sum); err != nil {
			t.Fatalf("stdout is not the JSON summary: %v\n%s", err, out)
		}
		if len(sum.Files) != 1 {
			t.Fatalf("files %d", len(sum.Files))
		}
		f := sum.Files[0]
		if f.Status != "ok" || f.Inserted != 6 || f.RowsRead != 6 || f.RowsBad != 0 || f.ImportID == 0 || f.Errors == nil {
			t.Fatalf("summary %+v", f)
		}
		// The raw JSON uses the documented snake_case keys.
		for _, key := range []string{`"rows_read"`, `"inserted"`, `"replaced"`, `"import_id"`, `"errors"`} {
			if !strings.Contains(out, key) {
				t.Errorf("JSON lacks %s", key)
			}
		}
		// Re-import replaces instead of duplicating.
		code, out, _ = runCLI(t, "import", "frontpage", "--db", db, "--json", good)
		if code != 0 {
			t.Fatalf("re-import exit %d", code)
		}
		json.Unmarshal([]byte(out), &sum)
		if sum.Files[0].Replaced != 6 || impCount(t, db, "SELECT count(*) FROM stays") != 6 {
			t.Fatalf("re-import: replaced %d, want 6; stays must stay 6", sum.Files[0].Replaced)
		}
	})

	t.Run("bad rows reported, good rows stored", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "s.duckdb")
		code, out, errs := runCLI(t, "import", "frontpage", "--db", db, bad)
		if code != 1 {
			t.Fatalf("exit %d, want 1; stderr %s", code, errs)
		}
		for _, want := range []string{bad + ":3: B12", bad + ":5: D01", "/"} {
			if !strings.Contains(errs, want) {
				t.Errorf("stderr lacks %q:\n%s", want, errs)
			}
		}
		if !strings.Contains(out, "imported 4") {
			t.Errorf("summary line: %s", out)
		}
		if n := impCount(t, db, "SELECT count(*) FROM stays"); n != 4 {
			t.Fatalf("%d stays stored, want the 4 good ones", n)
		}
		if n := impCount(t, db, "SELECT count(*) FROM import_errors WHERE line IN (3, 5)"); n != 2 {
			t.Fatalf("%d errors recorded, want 2", n)
		}
	})

	t.Run("strict stores nothing", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "s.duckdb")
		if code, _, errs := runCLI(t, "import", "frontpage", "--db", db, good); code != 0 {
			t.Fatalf("setup exit %d: %s", code, errs)
		}
		before := impCount(t, db, "SELECT count(*) FROM stays")
		code, out, errs := runCLI(t, "import", "frontpage", "--db", db, "--strict", "--json", bad)
		if code != 1 {
			t.Fatalf("exit %d, want 1; stderr %s", code, errs)
		}
		var sum importSummary
		if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Files[0].Status != "failed" || sum.Files[0].Error == "" {
			t.Fatalf("summary %s (%v)", out, err)
		}
		if after := impCount(t, db, "SELECT count(*) FROM stays"); after != before {
			t.Fatalf("strict failure changed the store: %d → %d stays", before, after)
		}
		if n := impCount(t, db, "SELECT count(*) FROM imports WHERE status = 'failed'"); n != 1 {
			t.Fatalf("failed run recorded %d times, want 1", n)
		}
	})

	t.Run("max-errors", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "s.duckdb")
		_, _, errs := runCLI(t, "import", "frontpage", "--db", db, "--max-errors", "1", bad)
		if n := strings.Count(errs, bad+":"); n != 1 {
			t.Fatalf("%d error lines printed, want 1:\n%s", n, errs)
		}
		if !strings.Contains(errs, "1 more") {
			t.Fatalf("no 'more errors' line:\n%s", errs)
		}
	})
}

func TestImportUsageErrors(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.duckdb")
	tests := []struct {
		name string
		args []string
	}{
		{"no kind", []string{"import"}},
		{"unknown kind", []string{"import", "patients", "x.csv"}},
		{"no file", []string{"import", "frontpage", "--db", db}},
		{"missing file", []string{"import", "frontpage", "--db", db, filepath.Join(dir, "nope.csv")}},
		{"unknown flag", []string{"import", "frontpage", "--bogus", "x.csv"}},
		{"two files for departments", []string{"import", "departments", "a.csv", "b.csv"}},
		{"export without out", []string{"export", "parquet", "--db", db}},
		{"export unknown format", []string{"export", "orc"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := runCLI(t, tt.args...)
			if code != 2 || errs == "" {
				t.Fatalf("exit %d stderr %q, want 2 and a message", code, errs)
			}
		})
	}
}

func TestImportUnreadableFileLeavesStore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.duckdb")
	good := filepath.Join(dir, "good.csv")
	impWriteCSV(t, good, impStays(3), ingest.WriteOptions{}, nil)
	if code, _, errs := runCLI(t, "import", "frontpage", "--db", db, good); code != 0 {
		t.Fatalf("setup: %s", errs)
	}
	noKey := filepath.Join(dir, "nokey.csv")
	os.WriteFile(noKey, []byte("A02,B12\nx,2021-01-01\n"), 0o644)
	fakeXLSX := filepath.Join(dir, "really-csv.xlsx")
	os.WriteFile(fakeXLSX, []byte("garbage\x00\x01 not a zip"), 0o644)
	for _, f := range []string{noKey, fakeXLSX} {
		code, _, errs := runCLI(t, "import", "frontpage", "--db", db, f)
		if code != 1 || !strings.Contains(errs, filepath.Base(f)) {
			t.Errorf("%s: exit %d, stderr %q; want 1 naming the file", f, code, errs)
		}
	}
	if n := impCount(t, db, "SELECT count(*) FROM stays"); n != 3 {
		t.Fatalf("stays %d after refused files, want 3", n)
	}
}

func TestImportDepartmentsAndOutpatientCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.duckdb")
	depts := filepath.Join(dir, "depts.csv")
	os.WriteFile(depts, []byte("机构代码,科室代码,科室名称,科室类型,床位数\nA,01,内科,临床,40\nA,02,外科,临床,30\n"), 0o644)
	visits := filepath.Join(dir, "visits.csv")
	os.WriteFile(visits, []byte("机构代码,日期,科室代码,就诊类型,人次\nA,2021-03,01,门诊,100\nA,2021-03,01,急诊,12\n"), 0o644)
	for _, c := range []struct{ kind, file, table string }{{"departments", depts, "departments"}, {"outpatient", visits, "visits"}} {
		code, out, errs := runCLI(t, "import", c.kind, "--db", db, "--json", c.file)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.kind, code, errs)
		}
		var sum importSummary
		if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Files[0].Inserted != 2 {
			t.Fatalf("%s summary %s (%v)", c.kind, out, err)
		}
		if n := impCount(t, db, "SELECT count(*) FROM "+c.table); n != 2 {
			t.Fatalf("%s: %d rows", c.table, n)
		}
	}
}

func TestExportParquetCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "s.duckdb")
	good := filepath.Join(dir, "good.csv")
	impWriteCSV(t, good, impStays(4), ingest.WriteOptions{}, nil)
	if code, _, errs := runCLI(t, "import", "frontpage", "--db", db, good); code != 0 {
		t.Fatalf("setup: %s", errs)
	}
	out := filepath.Join(dir, "pq")
	code, stdout, errs := runCLI(t, "export", "parquet", "--db", db, "--out", out, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res struct {
		Tables []store.ExportedTable `json:"tables"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, tb := range res.Tables {
		if tb.Table == "stays" {
			found = tb.Rows == 4
		}
		if _, err := os.Stat(tb.File); err != nil {
			t.Errorf("%s: %v", tb.File, err)
		}
	}
	if !found {
		t.Fatalf("stays.parquet with 4 rows not reported: %s", stdout)
	}
}

// TestImportFormatsGiveIdenticalStores imports the same stays written as
// UTF-8 CSV with code headers, GBK CSV with Chinese headers and XLSX with
// pinyin headers into separate stores and compares the stored rows.
func TestImportFormatsGiveIdenticalStores(t *testing.T) {
	dir := t.TempDir()
	stays := impStays(25)
	files := map[string]string{
		"utf8-code":      filepath.Join(dir, "a.csv"),
		"gbk-chinese":    filepath.Join(dir, "b.csv"),
		"xlsx-pinyin":    filepath.Join(dir, "c.xlsx"),
		"utf8bom-pinyin": filepath.Join(dir, "d.csv"),
	}
	impWriteCSV(t, files["utf8-code"], stays, ingest.WriteOptions{}, nil)
	impWriteCSV(t, files["gbk-chinese"], stays, ingest.WriteOptions{Encoding: "gbk", Headers: "chinese"}, nil)
	impWriteCSV(t, files["utf8bom-pinyin"], stays, ingest.WriteOptions{Encoding: "utf-8-bom", Headers: "pinyin"}, nil)
	if err := ingest.WriteXLSX(files["xlsx-pinyin"], stays, ingest.WriteOptions{Headers: "pinyin"}); err != nil {
		t.Fatal(err)
	}
	sums := map[string]string{}
	for name, f := range files {
		db := filepath.Join(dir, name+".duckdb")
		if code, _, errs := runCLI(t, "import", "frontpage", "--db", db, f); code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, errs)
		}
		sums[name] = impDigest(t, db)
	}
	ref := sums["utf8-code"]
	if !strings.Contains(ref, "stays:25:") {
		t.Fatalf("reference store incomplete: %s", ref)
	}
	for name, s := range sums {
		if s != ref {
			t.Errorf("%s store differs from utf8-code:\n%s\n%s", name, s, ref)
		}
	}
}

// tablesDigest hashes the ordered rows of the stay tables.
func impDigest(t *testing.T, dbPath string) string {
	t.Helper()
	db, err := store.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b strings.Builder
	for _, tb := range []struct{ name, order string }{
		{"stays", "stay_id"}, {"stay_diagnoses", "stay_id, seq"}, {"stay_procedures", "stay_id, seq"}, {"stay_icu", "stay_id, seq"},
	} {
		var n int64
		var h string
		q := fmt.Sprintf(`SELECT count(*), coalesce(md5(string_agg(CAST(t AS VARCHAR), '|' ORDER BY %s)), '') FROM %s t`, tb.order, tb.name)
		if err := db.SQL().QueryRow(q).Scan(&n, &h); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s:%d:%s ", tb.name, n, h)
	}
	return b.String()
}

func TestBenchImportSmall(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCLI(t, "bench", "import", "--stays", "300", "--dir", dir, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res benchResult
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if res.Stays != 300 || res.StaysPerSec <= 0 || res.FileBytes == 0 || res.StoreBytes == 0 {
		t.Fatalf("bench result %+v", res)
	}
}
