package report

import (
	"strings"
	"testing"
)

func count(key, unit string, v, p Value) Figure {
	return Figure{Key: key, Unit: unit, Kind: Count, Value: v, Prior: p}
}

func TestNarrativeVolume(t *testing.T) {
	los := func(v, p Value) Figure {
		return Figure{Key: KeyAvgLOS, Unit: "天", Kind: Mean, Decimals: 1, Better: LowerGood, Value: v, Prior: p}
	}
	g4 := Figure{Key: KeyGrade4Rate, Kind: Rate, Value: V(39.12), Prior: V(37.8)}
	tests := []struct {
		name string
		figs []Figure
		want string
	}{
		{"growth (the issue's example)", []Figure{
			count(KeyOutpatient, "人次", V(2607200), V(2498300)),
			count(KeyDischarges, "人次", V(159500), V(152100)),
			count(KeySurgery, "例次", V(95700), Missing),
			g4,
			count(KeyDaySurgery, "例次", V(3407), Missing),
			los(V(7.8), V(8.3)),
		}, "全年共完成门急诊量 260.72 万人次，同比增长 4.36%；出院 15.95 万人次，同比增长 4.87%；手术 9.57 万例次，其中四级手术占比 39.12%；日间手术 3407 例次；平均住院日 7.8 天，较上年下降 0.5 天。"},
		{"decline and flat", []Figure{
			count(KeyOutpatient, "人次", V(2400000), V(2500000)),
			count(KeyDischarges, "人次", V(100000), V(100000)),
			count(KeySurgery, "例次", V(60000), V(50000)),
			los(V(8.3), V(7.8)),
		}, "全年共完成门急诊量 240.00 万人次，同比下降 4.00%；出院 10.00 万人次，与上年持平；手术 6.00 万例次，同比增长 20.00%；平均住院日 8.3 天，较上年增加 0.5 天。"},
		{"no outpatient volumes imported", []Figure{
			count(KeyOutpatient, "人次", Missing, Missing),
			count(KeyDischarges, "人次", V(8123), V(7999)),
			los(V(7.8), Missing),
		}, "全年出院 8123 人次，同比增长 1.55%；平均住院日 7.8 天。本年度未导入门急诊量数据，相关指标从略。"},
		{"grade-4 share without surgery count", []Figure{
			count(KeyOutpatient, "人次", V(5000), Missing),
			count(KeyDischarges, "人次", V(800), Missing),
			g4,
		}, "全年共完成门急诊量 5000 人次；出院 800 人次；出院患者四级手术占比 39.12%。"},
		{"nothing", nil, "本年度未导入门急诊量、出院数据，相关指标从略。"},
	}
	for _, tt := range tests {
		d := &Data{Headline: tt.figs}
		if got := d.volumeParagraph(); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
}

func TestNarrativeSections(t *testing.T) {
	full := Sample(2021)
	tests := []struct {
		name string
		d    *Data
		want []string // paragraphs that must appear exactly
		not  []string // substrings that must not appear
	}{
		{"no DRG, no QC", &Data{Headline: []Figure{count(KeyDischarges, "人次", V(800), Missing)}},
			[]string{
				"全年出院 800 人次。本年度未导入门急诊量数据，相关指标从略。",
				"本年度病例尚未进行 DRG 分组，病例组合指数（CMI）等指标暂缺。",
				"本年度病案首页质控结果暂缺。",
			}, []string{"CMI）1", "平均得分", "居前"}},
		{"full sample", full, []string{
			"住院次均费用 15234.56 元，同比增长 2.29%；次均药品费用 3981.20 元，同比下降 2.96%。",
			"医疗质量方面，住院患者死亡率 0.45%，较上年下降 0.02 个百分点；手术患者并发症发生率 0.52%，较上年下降 0.09 个百分点；I类切口手术部位感染率 0.21%，与上年持平。",
			"按 CHS-DRG 1.1 分组，全年入组病例 15.80 万例（未入组 1488 例），覆盖 DRG 612 组；病例组合指数（CMI）1.05，较上年提高 0.03；费用消耗指数 0.98，时间消耗指数 1.02；低风险组病例死亡率 0.02%，较上年下降 0.01 个百分点。",
			"病案首页质控共检查 15.95 万份；平均得分 96.5 分，较上年增加 0.6 分；甲级病案率 92.31%，较上年提高 2.26 个百分点；问题较多的是主要诊断选择不符合原则（6100 条）、手术级别与国考目录不符（5720 条）、其他诊断漏填（5340 条）。",
			"出院人次居前三位的科室为心血管内科（1.45 万人次）、骨科（1.40 万人次）、普通外科（1.36 万人次）。",
		}, []string{"暂缺", "从略"}},
		{"two departments, one without discharges", &Data{Departments: []DeptRow{{Name: "甲科", Discharges: V(900)}, {Name: "乙科"}, {Name: "丙科", Discharges: V(300)}}},
			[]string{"出院人次居前两位的科室为甲科（900 人次）、丙科（300 人次）。"}, nil},
	}
	for _, tt := range tests {
		paras := tt.d.Narrative()
		all := strings.Join(paras, "\n")
		for _, w := range tt.want {
			found := false
			for _, p := range paras {
				if p == w {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: paragraph missing:\n want %s\n have\n%s", tt.name, w, all)
			}
		}
		for _, n := range tt.not {
			if strings.Contains(all, n) {
				t.Errorf("%s: narrative contains %q:\n%s", tt.name, n, all)
			}
		}
	}
}

func TestNarrativeNeverPrintsMissingValue(t *testing.T) {
	// Every figure present but invalid: no sentence may show a dash or a zero
	// standing in for the missing number.
	var figs []Figure
	for _, k := range []string{KeyOutpatient, KeyDischarges, KeySurgery, KeyGrade4Rate, KeyMIRate, KeyDaySurgery,
		KeyAvgLOS, KeyAvgCost, KeyAvgDrugCost, KeyMortality, KeyComplication, KeySSI} {
		figs = append(figs, Figure{Key: k, Kind: Count})
	}
	d := &Data{Headline: figs, CaseMix: &CaseMix{Grouped: 10, Figures: []Figure{{Key: KeyCMI, Kind: Index}}}}
	all := strings.Join(d.Narrative(), "")
	for _, bad := range []string{Dash, " 0 ", "0.00", "CMI"} {
		if strings.Contains(all, bad) {
			t.Errorf("narrative contains %q: %s", bad, all)
		}
	}
}
