package main

import (
	"archive/zip"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/qc"
	"github.com/yardstick-health/yardstick/internal/report"
	"github.com/yardstick-health/yardstick/internal/store"
	"github.com/yardstick-health/yardstick/internal/synth"
)

func TestReportUsage(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		out  string // substring of stdout+stderr
	}{
		{"template export", []string{"report", "template"}, 0, "年度运行分析报告"},
		{"template extra arg", []string{"report", "template", "x"}, 2, "takes no arguments"},
		{"bad format", []string{"report", "--sample", "--format", "rtf"}, 2, "unknown --format"},
		{"old doc", []string{"report", "--sample", "--out", filepath.Join(dir, "a.doc")}, 2, ".docx"},
		{"no store", []string{"report", "--db", filepath.Join(dir, "none.duckdb"), "--year", "2021"}, 2, "not found"},
		{"bad template file", []string{"report", "--sample", "--template", filepath.Join(dir, "none.tmpl")}, 2, "read template"},
		{"stray argument", []string{"report", "--sample", "extra"}, 2, "unexpected argument"},
	}
	for _, tt := range tests {
		code, out, errs := runCLI(t, tt.args...)
		if code != tt.code || !strings.Contains(out+errs, tt.out) {
			t.Errorf("%s: exit %d (want %d), output %.200q, want %q", tt.name, code, tt.code, out+errs, tt.out)
		}
	}
	if _, out, _ := runCLI(t, "report", "template"); out != report.DefaultTemplate() {
		t.Error("report template does not print the built-in template")
	}
}

func TestReportSampleFormats(t *testing.T) {
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "my.tmpl")
	if err := os.WriteFile(tmpl, []byte(`<h1>{{.Hospital}} {{.Year}}</h1>{{range .Narrative}}<p>{{.}}</p>{{end}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		file string
		want string
	}{
		{[]string{"--out", filepath.Join(dir, "r.html")}, "r.html", "全年共完成门急诊量 260.72 万人次"},
		{[]string{"--out", filepath.Join(dir, "r.docx")}, "r.docx", "PK"},
		{[]string{"--template", tmpl, "--hospital", "乙医院", "--out", filepath.Join(dir, "t.html")}, "t.html", "<h1>乙医院 2021</h1>"},
	}
	for _, tt := range tests {
		args := append([]string{"report", "--sample", "--year", "2021"}, tt.args...)
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
		b, err := os.ReadFile(filepath.Join(dir, tt.file))
		if err != nil || !strings.Contains(string(b), tt.want) {
			t.Errorf("%s lacks %q (err %v)", tt.file, tt.want, err)
		}
	}
}

// -report-out keeps the end-to-end report (r.html, r.docx) in a directory
// for a visual check; -report-scale sets the synthetic volume.
var (
	reportOut   = flag.String("report-out", "", "keep the end-to-end report files in this directory")
	reportScale = flag.Float64("report-scale", 0.01, "synthetic hospital scale of the end-to-end report test")
)

// TestReportFromStore is the end-to-end CLI test: a synthetic hospital is
// imported, quality-checked, and reported from the store.
func TestReportFromStore(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: generates, imports and checks two years of stays")
	}
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "y.duckdb")
	if *reportOut != "" {
		dir = *reportOut
	}
	p, err := synth.LoadProfile(synth.Profiles()[0])
	if err != nil {
		t.Fatal(err)
	}
	h, err := synth.NewHospital(p, 3, *reportScale)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, y := range []int{2020, 2021} {
		var stays []frontpage.Stay
		if err := h.Stays(ctx, y, synth.StreamOptions{DefectRate: 0.05}, func(s *frontpage.Stay, _ *synth.Defect) error {
			stays = append(stays, *synth.CloneStay(s))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ImportStays(ctx, store.ImportMeta{File: "synth"}, func(ctx context.Context, emit func([]frontpage.Stay) error) (*store.ImportOutcome, error) {
			return &store.ImportOutcome{RowsRead: len(stays), RowsGood: len(stays)}, emit(stays)
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ImportVisits(ctx, store.ImportMeta{File: "visits"}, h.Visits(y), &store.ImportOutcome{}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ImportDepartments(ctx, store.ImportMeta{File: "depts"}, p.DepartmentList(), &store.ImportOutcome{}); err != nil {
		t.Fatal(err)
	}
	eng, err := qc.New(qc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RunCheck(ctx, eng, store.CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	html, docx := filepath.Join(dir, "r.html"), filepath.Join(dir, "r.docx")
	for _, out := range []string{html, docx} {
		if code, _, errs := runCLI(t, "report", "--db", dbPath, "--year", "2021", "--out", out); code != 0 {
			t.Fatalf("report --out %s: exit %d: %s", out, code, errs)
		}
	}
	b, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{
		p.OrgName,                 // hospital name from the front pages (A02)
		"全年共完成门急诊量 ",              // visits imported
		"病案首页质控共检查 ",              // qc results read from the store
		"五、病案首页质量", "主要问题（按发现次数）", // quality tables
	} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// Department names come from the dictionary: the busiest department
	// appears by name in the ranking.
	named := false
	for _, dp := range p.DepartmentList() {
		named = named || strings.Contains(page, `<td class="name">`+dp.Name+`</td>`)
	}
	if !named {
		t.Error("department ranking shows no dictionary name")
	}
	for _, bad := range []string{"NaN", "%!", "{name}", "{field}"} {
		if strings.Contains(page, bad) {
			t.Errorf("report contains %q", bad)
		}
	}
	zr, err := zip.OpenReader(docx)
	if err != nil {
		t.Fatalf("docx: %v", err)
	}
	zr.Close()
}

func TestRuleName(t *testing.T) {
	tests := []struct{ tpl, field, want string }{
		{"{name}（{field}）{value} 不是6位数字", "A31C", "（A31C）不是6位数字"},
		{"入院时间 {value} 晚于出院时间 {expect}", "B12", "入院时间晚于出院时间"},
		{"必填项 {name}（{field}）未填写", "NOPE", "必填项NOPE（NOPE）未填写"},
		{"code {value} is not ICD-10", "C03C", "code is not ICD-10"},
	}
	for _, tt := range tests {
		got := ruleName(tt.tpl, tt.field)
		if !strings.HasSuffix(got, tt.want) || strings.Contains(got, "{") {
			t.Errorf("ruleName(%q, %q) = %q, want suffix %q", tt.tpl, tt.field, got, tt.want)
		}
	}
}
