package report

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-health/yardstick/internal/hospital"
	"github.com/yardstick-health/yardstick/internal/indicator"
)

// memHospital builds an in-memory indicator source: per year and department
// n stays a month, every third surgical, every fifth of those level 4, one
// death per 50, grouped into two DRGs when grouped is true.
func memHospital(org string, years map[int]int, grouped, visits bool) *indicator.MemSource {
	src := &indicator.MemSource{}
	id := int64(0)
	depts := []string{"0301", "0401", "0501"}
	for y, n := range years {
		for m := 1; m <= 12; m++ {
			for di, dept := range depts {
				for i := 0; i < n*(di+1); i++ {
					id++
					f := indicator.Fact{StayID: id, OrgCode: org, Dept: dept, Year: y, Month: m,
						DisDate: time.Date(y, time.Month(m), 10, 0, 0, 0, 0, time.UTC),
						LOS:     6 + (i % 5) + (2021-y)*1, TotalCost: 10000 + float64(i%7)*1000, DrugCost: 3000}
					f.AdmDate = f.DisDate.AddDate(0, 0, -f.LOS)
					f.Surgical = i%3 == 0
					f.Level4 = f.Surgical && i%5 == 0
					f.Elective = f.Surgical
					f.Death = i%50 == 49
					if grouped {
						f.Grouped = true
						f.DRG, f.ADRG, f.MDC, f.Weight = "FM19", "FM1", "F", 1.6
						if i%2 == 0 {
							f.DRG, f.ADRG, f.MDC, f.Weight, f.LowRisk, f.Tier = "ES29", "ES2", "E", 0.8, true, 1
						}
						f.LOSRatio, f.CostRatio = 1, 1
					}
					src.Facts = append(src.Facts, f)
				}
			}
			if visits {
				src.Visits = append(src.Visits,
					hospital.VisitCount{OrgCode: org, Date: time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC), Monthly: true, Dept: "0301", Type: hospital.Outpatient, Visits: 20000 + (y-2020)*1000},
					hospital.VisitCount{OrgCode: org, Date: time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC), Monthly: true, Dept: "0301", Type: hospital.Emergency, Visits: 2000},
					hospital.VisitCount{OrgCode: org, Date: time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC), Monthly: true, Dept: "0301", Type: hospital.HealthCheck, Visits: 9999})
			}
		}
	}
	return src
}

func TestBuild(t *testing.T) {
	ctx := context.Background()
	src := memHospital("H1", map[int]int{2020: 100, 2021: 110}, true, true)
	d, err := Build(ctx, src, Options{Year: 2021, Hospital: "测试医院", Scheme: "演示方案",
		DeptNames: map[string]string{"0301": "心血管内科", "0401": "骨科"}, DRGNames: map[string]string{"FM19": "冠脉介入"},
		Generated: time.Date(2022, 1, 5, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	// 110 stays × (1+2+3) departments × 12 months; 2020: 100 × 6 × 12.
	dis := d.Fig(KeyDischarges)
	if dis.Value != V(7920) || dis.Prior != V(7200) {
		t.Errorf("discharges %+v %+v, want 7920 / 7200", dis.Value, dis.Prior)
	}
	// (21000+2000) × 12 in 2021, health checks excluded.
	if op := d.Fig(KeyOutpatient); op.Value != V(276000) || op.Text() != "27.60 万人次" {
		t.Errorf("outpatient %+v %q", op.Value, op.Text())
	}
	if los := d.Fig(KeyAvgLOS); !los.Value.Valid || !los.Prior.Valid || los.Change().Sign != -1 || los.Change().Class != "good" {
		t.Errorf("LOS %+v change %+v, want a good decrease", los, los.Change())
	}
	if d.CaseMix == nil {
		t.Fatal("grouped data but no case-mix section")
	}
	if cmi := d.Fig(KeyCMI); !cmi.Value.Valid || cmi.Value.V < 0.8 || cmi.Value.V > 1.6 {
		t.Errorf("CMI %+v", cmi.Value)
	}
	if len(d.CaseMix.TopDRGs) != 2 || d.CaseMix.TopDRGs[0].Name == "" && d.CaseMix.TopDRGs[1].Name == "" {
		t.Errorf("top DRGs %+v", d.CaseMix.TopDRGs)
	}
	if len(d.CaseMix.Tiers) != 2 || d.CaseMix.Tiers[0].Tier != "低风险" || d.CaseMix.Tiers[0].Cases+d.CaseMix.Tiers[1].Cases != 7920 {
		t.Errorf("tiers %+v", d.CaseMix.Tiers)
	}
	if len(d.Departments) != 3 || d.Departments[0].Code != "0501" || d.Departments[0].Name != "0501" || d.Departments[2].Name != "心血管内科" {
		t.Errorf("department ranking %+v", d.Departments)
	}
	for _, id := range []string{"monthly_volume", "monthly_discharges", "monthly_los", "dept_discharges"} {
		ch := d.Chart(id)
		if ch == nil {
			t.Errorf("chart %s missing", id)
			continue
		}
		if id != "dept_discharges" && (len(ch.Series) != 2 || !ch.Series[1].Values[0].Valid) {
			t.Errorf("chart %s lacks the prior-year series: %+v", id, ch.Series)
		}
	}
	nar := strings.Join(d.Narrative(), "\n")
	for _, want := range []string{
		"全年共完成门急诊量 27.60 万人次，同比增长 4.55%；出院 7920 人次，同比增长 10.00%；",
		"按 演示方案 分组，全年入组病例 7920 例，覆盖 DRG 2 组",
		"出院人次居前三位的科室为0501（3960 人次）、骨科（2640 人次）、心血管内科（1320 人次）。",
		"本年度病案首页质控结果暂缺。",
	} {
		if !strings.Contains(nar, want) {
			t.Errorf("narrative lacks %q:\n%s", want, nar)
		}
	}
	var html bytes.Buffer
	if err := RenderHTML(&html, d, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "测试医院") || !strings.Contains(html.String(), "<svg") || !strings.Contains(html.String(), "<th>CMI</th>") {
		t.Error("HTML lacks the hospital name, the charts or the department CMI column")
	}
}

func TestBuildMissingInputs(t *testing.T) {
	ctx := context.Background()
	src := memHospital("H1", map[int]int{2021: 10}, false, false)
	d, err := Build(ctx, src, Options{Year: 2021})
	if err != nil {
		t.Fatal(err)
	}
	if d.CaseMix != nil {
		t.Error("ungrouped data has a case-mix section")
	}
	if d.Has(KeyOutpatient) || d.Has(KeyCMI) || d.Has(KeyLowRiskMort) {
		t.Error("missing inputs reported as values")
	}
	if d.Fig(KeyDischarges).Prior.Valid {
		t.Error("prior year present without data")
	}
	if d.Chart("monthly_volume") != nil {
		t.Error("outpatient chart without visits")
	}
	nar := strings.Join(d.Narrative(), "\n")
	for _, want := range []string{"全年出院 720 人次；", "本年度未导入门急诊量数据，相关指标从略。", "本年度病例尚未进行 DRG 分组"} {
		if !strings.Contains(nar, want) {
			t.Errorf("narrative lacks %q:\n%s", want, nar)
		}
	}
	for _, bad := range []string{"同比", "0.00 万", "门急诊量 0"} {
		if strings.Contains(nar, bad) {
			t.Errorf("narrative claims %q without data:\n%s", bad, nar)
		}
	}
	notes := strings.Join(d.Notes, "\n")
	if !strings.Contains(notes, "低风险组病例死亡率") || !strings.Contains(notes, "未导入门急诊量") {
		t.Errorf("notes do not name the missing indicators:\n%s", notes)
	}
	var html bytes.Buffer
	if err := RenderHTML(&html, d, nil); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html.String(), "NaN") || strings.Contains(html.String(), "Inf") {
		t.Error("HTML shows NaN/Inf")
	}
	if strings.Contains(html.String(), "<th>CMI</th>") {
		t.Error("department CMI column shown without DRG results")
	}
	// The CMI card gives way to mortality.
	if last := d.Headline[len(d.Headline)-1]; last.Key != KeyMortality || len(d.Headline) != len(headlineFigs) {
		t.Errorf("headline without CMI: %d cards, last %q", len(d.Headline), last.Key)
	}
}

func TestBuildErrors(t *testing.T) {
	ctx := context.Background()
	two := memHospital("H1", map[int]int{2021: 1}, false, false)
	two.Facts = append(two.Facts, memHospital("H2", map[int]int{2021: 1}, false, false).Facts...)
	tests := []struct {
		name string
		src  indicator.Source
		opt  Options
		want string
	}{
		{"several orgs", two, Options{Year: 2021}, "--org"},
		{"empty year", two, Options{Year: 2019}, "no discharges"},
		{"bad year", two, Options{Year: 0}, "invalid year"},
	}
	for _, tt := range tests {
		_, err := Build(ctx, tt.src, tt.opt)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := Build(ctx, two, Options{Year: 2021, Org: "H2"}); err != nil {
		t.Errorf("with --org: %v", err)
	}
}

func TestQualityTally(t *testing.T) {
	var cur, prev QualityTally
	for i := 0; i < 100; i++ {
		var fs []RuleRow
		if i%4 == 0 {
			fs = append(fs, RuleRow{Code: "R1", Name: "主要诊断缺失", Severity: "错误"}, RuleRow{Code: "R1", Name: "主要诊断缺失", Severity: "错误"})
		}
		if i%10 == 0 {
			fs = append(fs, RuleRow{Code: "R2", Name: "入院病情缺失", Severity: "警告"})
		}
		score := 100.0
		if len(fs) > 0 {
			score = 80
		}
		cur.Add(score, fs)
		prev.Add(70, nil)
	}
	q := cur.Result(&prev, 0)
	if q.Checked != 100 || len(q.TopRules) != 2 || q.TopRules[0] != (RuleRow{Code: "R1", Name: "主要诊断缺失", Severity: "错误", Count: 50, Stays: 25}) {
		t.Fatalf("tally %+v", q)
	}
	d := &Data{Quality: q}
	// 30 stays with findings (i%4==0 or i%10==0: 25 + 10 − 5).
	if f := d.Fig(KeyQCStaysFinding); f.Text() != "30.00%" || f.Change().Phrase() != "较上年提高 30.00 个百分点" {
		t.Errorf("stays with findings %q %q", f.Text(), f.Change().Phrase())
	}
	if f := d.Fig(KeyQCScore); f.Text() != "94.00 分" || f.Change().Class != "good" {
		t.Errorf("score %q %+v", f.Text(), f.Change())
	}
	want := "病案首页质控共检查 100 份；平均得分 94.00 分，较上年增加 24.00 分；甲级病案率 70.00%，较上年提高 70.00 个百分点；问题较多的是主要诊断缺失（50 条）、入院病情缺失（10 条）。"
	if got := d.frontPageParagraph(); got != want {
		t.Errorf("quality paragraph\n got %s\nwant %s", got, want)
	}
	var empty *QualityTally
	if empty.Result(nil, 0) != nil {
		t.Error("empty tally gives a section")
	}
	_ = fmt.Sprint
}
