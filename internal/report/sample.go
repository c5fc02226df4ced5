package report

import (
	"fmt"
	"time"
)

// Sample returns a full-size report of invented figures for a large
// teaching hospital: the preview data of `yardstick report --sample` (so a
// hospital can edit its template without a database) and the fixture of the
// renderer tests and BenchmarkRender. Its title and notes say it is sample
// data so a preview is never mistaken for a real report.
func Sample(year int) *Data {
	d := &Data{
		Hospital:  "示例市第一人民医院",
		OrgCode:   "SAMPLE0001",
		Year:      year,
		Generated: time.Date(year+1, 1, 15, 0, 0, 0, 0, time.Local),
		Notes:     []string{"本报告为示例数据，仅用于预览模板版式，数字不代表任何医院。"},
	}
	fig := func(key, name, unit string, k Kind, better Direction, gk string, v, p float64) Figure {
		f := Figure{Key: key, Name: name, Unit: unit, Kind: k, Better: better, GK: gk, Value: V(v), Prior: V(p)}
		if k == Mean {
			f.Decimals = 1
		}
		return f
	}
	ratio := func(f Figure, num, den float64, nn, dn string) Figure {
		f.Numerator, f.Denominator, f.NumName, f.DenName = V(num), V(den), nn, dn
		return f
	}
	d.Headline = []Figure{
		fig(KeyOutpatient, "门急诊人次", "人次", Count, Neutral, "", 2607200, 2498300),
		fig(KeyDischarges, "出院人次", "人次", Count, Neutral, "", 159500, 152100),
		fig(KeySurgery, "出院患者手术人数", "例次", Count, Neutral, "", 95700, 90100),
		ratio(fig(KeyGrade4Rate, "出院患者四级手术比例", "", Rate, HigherGood, "6", 39.12, 37.80), 37438, 95700, "四级手术患者人数", "手术患者人数"),
		fig(KeyDaySurgery, "日间手术例次", "例次", Count, HigherGood, "", 3407, 2811),
		fig(KeyAvgLOS, "平均住院日", "天", Mean, LowerGood, "", 7.8, 8.3),
		fig(KeyAvgCost, "住院次均费用", "元", Money, LowerGood, "40", 15234.56, 14893.10),
		fig(KeyCMI, "病例组合指数（CMI）", "", Index, HigherGood, "", 1.05, 1.02),
	}
	d.Tables = []Table{
		{Title: "国家三级公立医院绩效考核指标（病案首页部分）", Note: "手术类指标按人计；四级、微创手术按国考目录判定。", Rows: []Figure{
			ratio(fig(KeyOPIPRatio, "门诊人次数与出院人次数比", "", Index, Neutral, "1", 16.35, 16.43), 2607200, 159500, "门急诊人次", "出院人次"),
			ratio(fig(KeyDaySurgeryRate, "日间手术占择期手术比例", "", Rate, Neutral, "3", 4.87, 4.21), 3407, 69960, "日间手术例次", "择期手术人数"),
			ratio(fig(KeySurgeryRate, "出院患者手术占比", "", Rate, HigherGood, "4", 60.00, 59.24), 95700, 159500, "手术患者人数", "出院人数"),
			ratio(fig(KeyMIRate, "出院患者微创手术占比", "", Rate, HigherGood, "5", 21.35, 19.90), 20432, 95700, "微创手术人数", "手术患者人数"),
			ratio(fig(KeyGrade4Rate, "出院患者四级手术比例", "", Rate, HigherGood, "6", 39.12, 37.80), 37438, 95700, "四级手术人数", "手术患者人数"),
			ratio(fig(KeyComplication, "手术患者并发症发生率", "", Rate, LowerGood, "8", 0.52, 0.61), 364, 69960, "并发症人数", "择期手术人数"),
			ratio(fig(KeySSI, "I类切口手术部位感染率", "", Rate, LowerGood, "9", 0.21, 0.21), 52, 24761, "感染例数", "I类切口手术例数"),
			ratio(fig(KeyLowRiskMort, "低风险组病例死亡率", "", Rate, LowerGood, "14", 0.02, 0.03), 4, 20110, "死亡人数", "低风险组病例数"),
		}},
		{Title: "医疗服务与运行效率", Rows: []Figure{
			fig(KeyOutpatient, "门急诊人次", "人次", Count, Neutral, "", 2607200, 2498300),
			fig(KeyEmergency, "其中：急诊人次", "人次", Count, Neutral, "", 301200, 288700),
			fig(KeyDischarges, "出院人次", "人次", Count, Neutral, "", 159500, 152100),
			fig(KeySurgery, "出院患者手术人数", "例次", Count, Neutral, "", 95700, 90100),
			fig(KeyDaySurgery, "日间手术例次", "例次", Count, HigherGood, "", 3407, 2811),
			ratio(fig(KeyAvgLOS, "平均住院日", "天", Mean, LowerGood, "", 7.8, 8.3), 1244100, 159500, "出院者占用总床日", "出院人次"),
			ratio(fig(KeyMortality, "住院患者死亡率", "", Rate, LowerGood, "", 0.45, 0.47), 718, 159500, "死亡人数", "出院人次"),
		}},
		{Title: "费用控制", Note: "次均费用以病案首页住院总费用（D01）计，药品费用为西药、中成药、中草药费之和（D23–D25）。", Rows: []Figure{
			fig(KeyAvgCost, "住院次均费用", "元", Money, LowerGood, "40", 15234.56, 14893.10),
			fig(KeyAvgDrugCost, "住院次均药品费用", "元", Money, LowerGood, "41", 3981.20, 4102.75),
		}},
	}
	depts := []string{"心血管内科", "骨科", "普通外科", "神经内科", "呼吸与危重症医学科", "妇产科", "儿科", "消化内科",
		"泌尿外科", "肿瘤科", "神经外科", "眼科", "耳鼻咽喉头颈外科", "肾内科", "内分泌科", "心胸外科",
		"血液科", "风湿免疫科", "感染性疾病科", "口腔科", "皮肤科", "康复医学科", "中医科", "老年医学科",
		"急诊医学科", "重症医学科", "乳腺外科", "甲状腺外科", "血管外科", "烧伤整形科"}
	var labels []string
	var vals []Value
	for i, name := range depts {
		n := float64(14500 - i*460)
		r := DeptRow{
			Code: fmt.Sprintf("D%02d", i+1), Name: name,
			Discharges: V(n), PriorDischarges: V(n * (0.93 + float64(i%7)*0.02)),
			AvgLOS: V(6.1 + float64(i%9)*0.4), SurgeryRate: V(35 + float64((i*13)%60)),
			Grade4Rate: V(18 + float64((i*7)%40)), CMI: V(0.72 + float64((i*11)%90)/100),
			AvgCost: V(9800 + float64((i*37)%120)*130), Deaths: V(float64((i * 5) % 40)),
		}
		if i%5 == 4 { // non-surgical departments have no operated patients
			r.Grade4Rate = Missing
		}
		d.Departments = append(d.Departments, r)
		if i < 15 {
			labels = append(labels, name)
			vals = append(vals, V(n))
		}
	}
	d.Charts = append(d.Charts, Chart{ID: "dept_discharges", Title: "出院人次居前 15 位的科室", Kind: HBars, Unit: "人次",
		Labels: labels, Series: []Series{{Name: "出院人次", Values: vals}}})
	months := make([]string, 12)
	var cur, prev, op, los []Value
	season := []float64{0.86, 0.78, 1.02, 1.01, 1.03, 1.04, 1.08, 1.07, 1.01, 0.97, 1.04, 1.09}
	for m := range 12 {
		months[m] = fmt.Sprintf("%d月", m+1)
		cur = append(cur, V(159500/12*season[m]))
		prev = append(prev, V(152100/12*season[(m+1)%12]))
		op = append(op, V(2607200/12*season[m]))
		los = append(los, V(7.8+0.4*(season[m]-1)*-3))
	}
	d.Charts = append(d.Charts,
		Chart{ID: "monthly_volume", Title: fmt.Sprintf("%d年各月门急诊人次", year), Kind: Bars, Unit: "人次", Labels: months,
			Series: []Series{{Name: "门急诊人次", Values: op}}},
		Chart{ID: "monthly_discharges", Title: "各月出院人次（同比）", Kind: Lines, Unit: "人次", Labels: months,
			Series: []Series{{Name: fmt.Sprintf("%d年", year), Values: cur}, {Name: fmt.Sprintf("%d年", year-1), Values: prev}}},
	)
	d.CaseMix = &CaseMix{
		Scheme: "CHS-DRG 1.1", WeightsRef: "本地区 " + fmt.Sprint(year-1) + " 年权重", Grouped: 158012, Ungrouped: 1488,
		Figures: []Figure{
			fig(KeyDRGCount, "DRG 组数", "组", Count, HigherGood, "", 612, 598),
			fig(KeyCMI, "病例组合指数（CMI）", "", Index, HigherGood, "", 1.05, 1.02),
			fig(KeyCostIndex, "费用消耗指数", "", Index, LowerGood, "", 0.98, 1.01),
			fig(KeyTimeIndex, "时间消耗指数", "", Index, LowerGood, "", 1.02, 1.04),
			ratio(fig(KeyLowRiskMort, "低风险组病例死亡率", "", Rate, LowerGood, "14", 0.02, 0.03), 4, 20110, "死亡人数", "低风险组病例数"),
		},
		Tiers: []TierRow{{"低风险", 188, 20110, 4}, {"中低风险", 176, 61020, 61}, {"中高风险", 152, 52340, 288}, {"高风险", 96, 24542, 365}},
	}
	drgNames := []string{"阴道分娩，不伴并发症与合并症", "剖宫产术，不伴并发症与合并症", "恶性增生性疾患的化学治疗和/或其他治疗", "晶体手术",
		"经皮心导管检查操作，不伴并发症与合并症", "冠状动脉介入治疗，伴一般并发症与合并症", "脑梗死，伴一般并发症与合并症", "慢性阻塞性肺病",
		"腹腔镜下胆囊切除术", "膝关节置换术", "呼吸系统感染/炎症", "心力衰竭、休克", "消化道恶性肿瘤", "新生儿黄疸", "腰椎间盘突出",
		"肺恶性肿瘤", "乳房恶性肿瘤手术", "甲状腺大手术", "肾及输尿管结石", "高血压"}
	for i, n := range drgNames {
		d.CaseMix.TopDRGs = append(d.CaseMix.TopDRGs, DRGRow{
			Code: fmt.Sprintf("%c%c%d%d", 'A'+byte(i%20), 'B'+byte((i*3)%20), 1+i%9, 1+i%5), Name: n, Cases: 4200 - i*150,
			Weight: V(0.4 + float64((i*29)%200)/100), AvgLOS: V(3 + float64(i%8)), AvgCost: V(6000 + float64(i*977%30000)), Deaths: i % 4,
			Tier: []string{"低风险", "中低风险", "中高风险", "高风险"}[i%4],
		})
	}
	d.Quality = &Quality{
		Checked: 159500, Scored: 159500,
		Figures: []Figure{
			fig(KeyQCScore, "病案首页平均得分", "分", Mean, HigherGood, "", 96.52, 95.87),
			ratio(fig(KeyQCGradeA, "甲级病案率", "", Rate, HigherGood, "", 92.31, 90.05), 147234, 159500, "甲级病案", "检查份数"),
			ratio(fig(KeyQCStaysFinding, "存在问题的病案占比", "", Rate, LowerGood, "", 18.40, 21.70), 29348, 159500, "存在问题的病案", "检查份数"),
		},
		Grades: []GradeRow{{"甲级（≥90 分）", 147234}, {"乙级（75–89 分）", 11020}, {"丙级（<75 分）", 1246}},
	}
	rules := []string{"主要诊断选择不符合原则", "手术级别与国考目录不符", "其他诊断漏填", "入院病情填写缺失", "离院方式与转归矛盾",
		"切口愈合等级缺失", "麻醉方式缺失", "费用分项之和与总费用不符", "新生儿体重缺失", "损伤中毒外部原因缺失",
		"病理诊断缺失", "主要手术选择错误", "出生日期与年龄不符", "重症监护时间有误", "联系人关系缺失"}
	for i, r := range rules {
		sev := "错误"
		if i%3 == 2 {
			sev = "警告"
		}
		d.Quality.TopRules = append(d.Quality.TopRules, RuleRow{Code: fmt.Sprintf("QC%03d", i+1), Name: r, Severity: sev, Count: 6100 - i*380, Stays: 5800 - i*370})
	}
	return d
}
