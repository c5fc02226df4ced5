package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/qc"
)

// checkCSV is a two-stay front-page file: stay M1 is clean apart from
// dictionary-dependent codes, stay M2 has no coder (C-11 error) and a
// diagnosis code missing from the dictionary (V-02d error).
const checkCSV = `A01,A02,A48,A49,A46C,A11,A12C,A13,A14,A15C,A19C,A20N,A21C,A38C,A23C,A33C,B38,B11C,B12,B13C,B15,B16C,B20,B34C,B36C,B22,B23,B24,B25,B26,B29,C01C,C02N,C03C,C04N,C05C,C06x01C,C07x01N,C08x01C,C24C,C26C,C27C,D01,D09,D11
ORG,医院,M1,1,1.1,张三,1,1980-05-20,40,156,1,9,2,17,1,1,0,2,2021-03-05 09:30,0401,2021-03-10 10:00,0401,5,1,1,a,b,c,d,e,coder1,K35.800,阑尾炎,K35.800,阑尾炎,1,I10.x05,高血压,1,1,1,2,100,10,100
ORG,医院,M2,1,1.1,李四,1,1980-05-20,40,156,1,9,2,17,1,1,0,2,2021-03-05 09:30,0401,2021-03-10 10:00,0401,5,1,1,a,b,c,d,e,,K35.800,阑尾炎,K35.800,阑尾炎,1,I10.x99,高血压,1,1,1,2,100,10,100
`

func qcWriteFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCheckFileAndStore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.duckdb")
	file := qcWriteFile(t, dir, "fp.csv", checkCSV)
	dict := qcWriteFile(t, dir, "dx.csv", "dx_code,name\nK35.800,阑尾炎\nI10.x05,高血压\n")

	// Without a dictionary: the existence rule is skipped, reported once.
	code, _, errs := runCLI(t, "check", "--db", db, "--file", file)
	if code != 1 || !strings.Contains(errs, "V-02d") || !strings.Contains(errs, "skipped") {
		t.Fatalf("check --file without dictionary: exit %d, stderr %s", code, errs)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("check --file created the store")
	}

	if code, out, errs := runCLI(t, "codes", "import", "--db", db, "--system", "ICD10-GL2.0", dict); code != 0 || !strings.Contains(out, "2 编码") {
		t.Fatalf("codes import: exit %d %s %s", code, out, errs)
	}
	if code, _, errs := runCLI(t, "codes", "import", "--db", db, "--system", "ICD11", dict); code != 2 {
		t.Fatalf("bad system: exit %d %s", code, errs)
	}

	// --file with the dictionary: V-02d on M2, worklist as CSV without names.
	out := filepath.Join(dir, "wl.csv")
	code, _, errs = runCLI(t, "check", "--db", db, "--file", file, "--format", "csv", "--out", out, "--sort", "rule")
	if code != 1 {
		t.Fatalf("check --file: exit %d %s", code, errs)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]bool{}
	for _, r := range recs[1:] {
		if r[5] == "C-11" || r[5] == "V-02d" {
			rules[r[5]] = true
			if r[0] != "M2" {
				t.Errorf("error finding on %s: %v", r[0], r)
			}
		}
		for _, cell := range r {
			if strings.Contains(cell, "张三") || strings.Contains(cell, "李四") {
				t.Errorf("worklist shows a patient name: %v", r)
			}
		}
	}
	if !rules["C-11"] || !rules["V-02d"] {
		t.Errorf("worklist rules %v, want C-11 and V-02d", rules)
	}

	// Store mode: import, check, JSON worklist of errors.
	if code, _, errs := runCLI(t, "import", "frontpage", "--db", db, "--quiet", file); code != 0 {
		t.Fatalf("import: exit %d %s", code, errs)
	}
	code, stdout, errs := runCLI(t, "check", "--db", db, "--format", "json", "--severity", "error")
	if code != 1 {
		t.Fatalf("check store: exit %d %s", code, errs)
	}
	var items []map[string]any
	if err := json.Unmarshal([]byte(stdout), &items); err != nil {
		t.Fatalf("json worklist: %v\n%s", err, stdout)
	}
	if len(items) == 0 {
		t.Fatal("empty worklist")
	}
	for _, it := range items {
		if it["severity"] != "error" || it["mrn"] != "M2" {
			t.Errorf("unexpected worklist item %v", it)
		}
	}
	if !strings.Contains(errs, "check run 1") {
		t.Errorf("summary: %s", errs)
	}
	// xlsx needs --out.
	if code, _, _ := runCLI(t, "check", "--db", db, "--format", "xlsx"); code != 2 {
		t.Errorf("xlsx without --out: exit %d", code)
	}
	xlsx := filepath.Join(dir, "wl.xlsx")
	if code, _, errs := runCLI(t, "check", "--db", db, "--format", "xlsx", "--out", xlsx); code != 1 {
		t.Errorf("xlsx: exit %d %s", code, errs)
	}
	if st, err := os.Stat(xlsx); err != nil || st.Size() == 0 {
		t.Errorf("xlsx not written: %v", err)
	}
}

func TestCheckRulesMarkdownMatchesCatalogue(t *testing.T) {
	code, out, _ := runCLI(t, "check", "rules", "--format", "markdown")
	if code != 0 || out != qc.RulesMarkdown(qc.Catalogue()) {
		t.Fatalf("exit %d; markdown differs from the catalogue", code)
	}
}

func TestCheckConfig(t *testing.T) {
	dir := t.TempDir()
	file := qcWriteFile(t, dir, "fp.csv", checkCSV)
	cfg := qcWriteFile(t, dir, "rules.json", `{"disable": ["C-11"], "severity": {"V-02d": "info"},
		"rules": [{"id": "H-01", "category": "logic", "severity": "warning", "check": "when", "fields": ["B20"],
		"when": [{"field": "B20", "op": "gt", "value": "3"}]}]}`)
	code, _, errs := runCLI(t, "check", "--db", filepath.Join(dir, "none.duckdb"), "--file", file, "--config", cfg)
	if code != 0 {
		t.Fatalf("with C-11 disabled the file has no errors: exit %d %s", code, errs)
	}
	if !strings.Contains(errs, "H-01") {
		t.Errorf("hospital rule H-01 did not report: %s", errs)
	}
	bad := qcWriteFile(t, dir, "bad.json", `{"disable": ["NO-SUCH"]}`)
	if code, _, _ := runCLI(t, "check", "--file", file, "--config", bad); code != 2 {
		t.Errorf("unknown rule id in config: exit %d, want 2", code)
	}
}
