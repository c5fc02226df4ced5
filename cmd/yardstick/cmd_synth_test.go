package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/synth"
)

func TestSynthCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "synth", "--profile", "county-general", "--years", "2020,2021", "--seed", "3",
		"--scale", "0.01", "--defects", "0.05", "--out", dir, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var res synth.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("json output: %v\n%s", err, out)
	}
	if len(res.Years) != 2 || res.Years[1].Stats.Discharges != 270 {
		t.Errorf("years %+v, want 2 years and 270 discharges in 2021", res.Years)
	}
	for _, f := range []string{"departments.csv", "frontpages_2020.csv", "frontpages_2021.csv", "visits_2020.csv", "visits_2021.csv", synth.TruthFile, synth.ManifestFile} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}
	code, out, _ = runCLI(t, "synth", "--list")
	if code != 0 || !strings.Contains(out, "tertiary-general") || !strings.Contains(out, "maternal-child") {
		t.Errorf("--list: exit %d, %q", code, out)
	}
}

func TestSynthCommandXLSXAndGBK(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "synth", "--profile", "maternal-child", "--years", "2021", "--scale", "0.002",
		"--format", "xlsx", "--encoding", "gbk", "--out", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out, "出院 discharges") {
		t.Errorf("no summary printed: %q", out)
	}
	b, err := os.ReadFile(filepath.Join(dir, "frontpages_2021.xlsx"))
	if err != nil || len(b) < 4 || string(b[:2]) != "PK" {
		t.Fatalf("xlsx file missing or not a zip: %v", err)
	}
	deps, err := os.ReadFile(filepath.Join(dir, "departments.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(deps), "机构代码") {
		t.Error("departments.csv is UTF-8, want GBK")
	}
}

func TestSynthCommandErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
	}{
		{"no profile", []string{"synth", "--out", dir}},
		{"unknown profile", []string{"synth", "--profile", "nope", "--out", dir}},
		{"no out", []string{"synth", "--profile", "county-general"}},
		{"bad year", []string{"synth", "--profile", "county-general", "--out", dir, "--years", "20x1"}},
		{"bad scale", []string{"synth", "--profile", "county-general", "--out", dir, "--scale", "-1"}},
		{"bad defects", []string{"synth", "--profile", "county-general", "--out", dir, "--defects", "2"}},
		{"bad format", []string{"synth", "--profile", "county-general", "--out", dir, "--format", "pdf", "--scale", "0.001"}},
	}
	for _, tc := range tests {
		if code, _, _ := runCLI(t, tc.args...); code != 2 {
			t.Errorf("%s: exit %d, want 2", tc.name, code)
		}
	}
}

func TestDemoCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := runCLI(t, "demo", "--dir", dir, "--scale", "0.005", "--no-serve")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"出院 discharges", "手术 operations", "平均住院日 mean LOS", "门急诊 OP+ED visits", "798"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "frontpages_2021.csv: 798 行 rows") {
		t.Errorf("import progress lacks the 2021 front pages:\n%s", errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "yardstick.duckdb")); err != nil {
		t.Errorf("no store: %v", err)
	}
	// A second run starts from a fresh store.
	if code, _, errOut := runCLI(t, "demo", "--dir", dir, "--scale", "0.005", "--no-serve"); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, errOut)
	}
}
