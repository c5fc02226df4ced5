package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/testutil"
)

const groupInput = `id,sex,age,age_days,birth_weight_g,los_days,discharge_way,dept,diagnoses,procedures
c1,1,45,,,7,1,神经内科,I63.900|I10.x05,
c2,女,30,,,3,1,,K81.000,51.2300
c3,,30,,,3,1,,K81.000,51.2300
c4,1,60,,,9,1,,J18.900|J96.900x001,
c5,2,0,10,1800,20,1,,P07.200,
c6,1,50,,,5,1,,K35.800,
`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestGroupDemoDefault: from a fresh clone (no shared/, no installed
// scheme) `group --in --out` uses the embedded demo pack and says so.
// Expected groups worked out from the national tables (see internal/drg
// golden tests): BR25, HC29, invalid (no sex), ES31 (MCC J96.900x001),
// PS25 (premature 1800 g), 0000 (K35.800 unlisted).
func TestGroupDemoDefault(t *testing.T) {
	in := writeFile(t, "cases.csv", groupInput)
	out := filepath.Join(t.TempDir(), "out.csv")
	code, _, errs := runCLI(t, "group", "--in", in, "--out", out, "--schemes", t.TempDir())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "demo-chs-drg-1.1") {
		t.Errorf("stderr does not mention the demo default: %s", errs)
	}
	rows := readCSV(t, out)
	if strings.Join(rows[0], ",") != "id,status,mdc,adrg,drg,cc_code,cc_level,drg_name,tier,scheme,reason" {
		t.Errorf("header %v", rows[0])
	}
	want := map[string][2]string{
		"c1": {"grouped", "BR25"}, "c2": {"grouped", "HC29"}, "c3": {"invalid", "0000"},
		"c4": {"grouped", "ES31"}, "c5": {"grouped", "PS25"}, "c6": {"ungroupable", "0000"},
	}
	if len(rows) != 7 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows[1:] {
		w := want[r[0]]
		if r[1] != w[0] || r[4] != w[1] || r[9] != "demo-chs-drg-1.1" {
			t.Errorf("%s: got %v, want %v", r[0], r, w)
		}
		if r[0] == "c4" && (r[5] != "J96.900x001" || r[6] != "MCC") {
			t.Errorf("c4 deciding code %q %q", r[5], r[6])
		}
		if r[0] == "c3" && !strings.Contains(r[10], "sex") {
			t.Errorf("c3 reason %q", r[10])
		}
	}
}

func TestGroupErrors(t *testing.T) {
	bad := writeFile(t, "bad.csv", "id,sex,age,age_days,birth_weight_g,los_days,discharge_way,dept,diagnoses,procedures\nx,1,abc,,,1,1,,I63.900,\ny,1,50,,,1,1,,I63.900,\n")
	code, out, errs := runCLI(t, "group", "--in", bad)
	if code != 1 || !strings.Contains(errs, "abc") || !strings.Contains(out, "y,grouped") {
		t.Errorf("bad row: exit %d out %q err %q", code, out, errs)
	}
	missing := writeFile(t, "m.csv", "id,sex\n1,1\n")
	if code, _, errs := runCLI(t, "group", "--in", missing); code != 2 || !strings.Contains(errs, "age") {
		t.Errorf("missing column: exit %d %q", code, errs)
	}
	if code, _, _ := runCLI(t, "group"); code != 2 {
		t.Errorf("no --in: exit %d", code)
	}
	if code, _, _ := runCLI(t, "group", "--in", bad, "--scheme", "no-such-scheme", "--schemes", t.TempDir()); code != 2 {
		t.Errorf("unknown scheme: exit %d", code)
	}
}

func TestGroupExplain(t *testing.T) {
	in := writeFile(t, "cases.csv", groupInput)
	code, out, errs := runCLI(t, "group", "explain", "--in", in, "--id", "c4")
	if code != 0 {
		t.Fatalf("exit %d %s", code, errs)
	}
	for _, want := range []string{"ES31", "进入 MDCE", "entered MDCE", "J96.900x001", "principal diagnosis: J18.900"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain lacks %q:\n%s", want, out)
		}
	}
	code, out, _ = runCLI(t, "group", "explain", "--sex", "1", "--age", "45", "--dx", "I63.900", "--lang", "en")
	if code != 0 || !strings.Contains(out, "BR25") || strings.Contains(out, "进入") {
		t.Errorf("inline explain: exit %d\n%s", code, out)
	}
	if code, _, _ := runCLI(t, "group", "explain", "--in", in, "--id", "nope"); code != 1 {
		t.Errorf("unknown id: exit %d", code)
	}
}

// TestSchemeImportNational imports the full national tables, lists them and
// groups with them by id; a broken copy is rejected with the reason.
func TestSchemeImportNational(t *testing.T) {
	nat := testutil.CHSDRG11(t)
	schemes := t.TempDir()
	code, out, errs := runCLI(t, "scheme", "import", nat, "--schemes", schemes, "--id", "chs-drg-1.1", "--version", "1.1", "--from", "2022-01-01")
	if code != 0 || !strings.Contains(out, "628 DRG") {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = runCLI(t, "scheme", "list", "--schemes", schemes)
	if code != 0 || !strings.Contains(out, "chs-drg-1.1") || !strings.Contains(out, "demo-chs-drg-1.1") || !strings.Contains(out, "2022-01-01") {
		t.Errorf("list: %d\n%s", code, out)
	}
	in := writeFile(t, "cases.csv", groupInput+"c7,1,45,,,7,1,,D48.127,\nc8,1,45,,,7,1,,Z20.600,\n")
	outCSV := filepath.Join(t.TempDir(), "out.csv")
	if code, _, errs := runCLI(t, "group", "--scheme", "chs-drg-1.1", "--schemes", schemes, "--in", in, "--out", outCSV); code != 0 {
		t.Fatalf("group: %d %s", code, errs)
	}
	got := map[string]string{}
	for _, r := range readCSV(t, outCSV)[1:] {
		got[r[0]] = r[4]
	}
	// MDCM (male D48.127 → MZ19) and MDCY (Z20.600 → YR29) exist only in the full scheme.
	if got["c7"] != "MZ19" || got["c8"] != "YR29" || got["c1"] != "BR25" {
		t.Errorf("national grouping %v", got)
	}
	// Grouping directly from the folder gives the same.
	outCSV2 := filepath.Join(t.TempDir(), "out2.csv")
	if code, _, errs := runCLI(t, "group", "--scheme", nat, "--in", in, "--out", outCSV2); code != 0 {
		t.Fatalf("group from folder: %d %s", code, errs)
	}
	if a, b := readCSV(t, outCSV), readCSV(t, outCSV2); len(a) != len(b) || a[8][4] != b[8][4] {
		t.Errorf("folder and id differ")
	}

	// A broken pack: a DRG row whose ADRG does not exist.
	broken := t.TempDir()
	for _, f := range []string{"mdc.json", "adrg.json", "mdc_main_dx.csv", "adrg_codes.csv", "cc_mcc.csv", "cc_exclusion.csv", "or_procedures.csv", "drg.csv"} {
		b, err := os.ReadFile(filepath.Join(nat, f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "drg.csv" {
			b = append(b, []byte("ZZ99,ZZ9,Z,不存在,9,always,1\n")...)
		}
		if err := os.WriteFile(filepath.Join(broken, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, _, errs = runCLI(t, "scheme", "import", broken, "--schemes", schemes, "--id", "broken")
	if code != 1 || !strings.Contains(errs, "ZZ9") {
		t.Errorf("broken import: exit %d\n%s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(schemes, "broken")); err == nil {
		t.Error("broken pack was installed")
	}
	if code, _, errs := runCLI(t, "scheme", "validate", broken); code != 1 || !strings.Contains(errs, "ZZ9") {
		t.Errorf("validate broken: exit %d %s", code, errs)
	}
}

func TestSchemeWeightsCommand(t *testing.T) {
	nat := testutil.CHSDRG11(t)
	schemes := t.TempDir()
	if code, _, errs := runCLI(t, "scheme", "import", nat, "--schemes", schemes, "--id", "nat"); code != 0 {
		t.Fatalf("import: %d %s", code, errs)
	}
	w := writeFile(t, "city2025.csv", "region,year,drg,rw\n本市,2025,BR25,0.7\n")
	code, out, errs := runCLI(t, "scheme", "weights", "nat", w, "--schemes", schemes)
	if code != 0 || !strings.Contains(out, "本市 2025") {
		t.Errorf("weights: %d %s %s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Join(schemes, "nat", "weights", "city2025.csv")); err != nil {
		t.Error(err)
	}
	bad := writeFile(t, "bad.csv", "region,year,drg,rw\n本市,2025,XX99,1\n")
	if code, _, errs := runCLI(t, "scheme", "weights", "nat", bad, "--schemes", schemes); code != 1 || !strings.Contains(errs, "XX99") {
		t.Errorf("bad weights: %d %s", code, errs)
	}
}
