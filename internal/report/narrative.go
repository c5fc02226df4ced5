package report

import "strings"

// The narrative is generated from Data with fixed phrasing rules so that it
// never states a figure the data does not hold: a clause is written only
// when its value is present, a 同比 phrase only when the prior year is
// present too, and a missing input is named instead of being read as zero.

// Narrative returns the paragraphs of the summary section (一、总体情况).
func (d *Data) Narrative() []string {
	var out []string
	for _, p := range []string{
		d.volumeParagraph(),
		d.costParagraph(),
		d.qualityParagraph(),
		d.caseMixParagraph(),
		d.frontPageParagraph(),
		d.departmentParagraph(),
	} {
		if p != "" {
			out = append(out, p)
		}
	}
	return out
}

// sentence joins clauses with "；" and ends with "。"; empty without clauses.
func sentence(clauses []string) string {
	if len(clauses) == 0 {
		return ""
	}
	return strings.Join(clauses, "；") + "。"
}

// clause is "<label> <value>[，<同比 phrase>]", or "" when the value is missing.
func (d *Data) clause(label, key string) string {
	f, ok := d.lookup(key)
	if !ok || !f.Value.Valid {
		return ""
	}
	sep := " "
	if strings.HasSuffix(label, "）") {
		sep = "" // no space after a full-width bracket: 病例组合指数（CMI）1.05
	}
	s := label + sep + f.Text()
	if p := f.Change().Phrase(); p != "" {
		s += "，" + p
	}
	return s
}

func appendNonEmpty(list []string, s ...string) []string {
	for _, x := range s {
		if x != "" {
			list = append(list, x)
		}
	}
	return list
}

func (d *Data) volumeParagraph() string {
	var cl []string
	var missing []string
	if c := d.clause("门急诊量", KeyOutpatient); c != "" {
		cl = append(cl, "全年共完成"+c)
	} else {
		missing = append(missing, "门急诊量")
	}
	if c := d.clause("出院", KeyDischarges); c != "" {
		if len(cl) == 0 {
			c = "全年" + c
		}
		cl = append(cl, c)
	} else {
		missing = append(missing, "出院")
	}
	// Surgery: volume, then the case-mix shares of the operated patients.
	surg := d.clause("手术", KeySurgery)
	var shares []string
	if d.Has(KeyGrade4Rate) {
		shares = append(shares, "四级手术占比 "+d.Fig(KeyGrade4Rate).Text())
	}
	if d.Has(KeyMIRate) {
		shares = append(shares, "微创手术占比 "+d.Fig(KeyMIRate).Text())
	}
	switch {
	case surg != "" && len(shares) > 0:
		surg += "，其中" + strings.Join(shares, "，")
	case surg == "" && len(shares) > 0:
		surg = "出院患者" + strings.Join(shares, "，")
	}
	cl = appendNonEmpty(cl, surg, d.clause("日间手术", KeyDaySurgery), d.clause("平均住院日", KeyAvgLOS))
	s := sentence(cl)
	if len(missing) > 0 {
		s += "本年度未导入" + strings.Join(missing, "、") + "数据，相关指标从略。"
	}
	return s
}

func (d *Data) costParagraph() string {
	return sentence(appendNonEmpty(nil,
		d.clause("住院次均费用", KeyAvgCost),
		d.clause("次均药品费用", KeyAvgDrugCost),
	))
}

func (d *Data) qualityParagraph() string {
	s := sentence(appendNonEmpty(nil,
		d.clause("住院患者死亡率", KeyMortality),
		d.clause("手术患者并发症发生率", KeyComplication),
		d.clause("I类切口手术部位感染率", KeySSI),
	))
	if s == "" {
		return ""
	}
	return "医疗质量方面，" + s
}

func (d *Data) caseMixParagraph() string {
	cm := d.CaseMix
	if cm == nil {
		return "本年度病例尚未进行 DRG 分组，病例组合指数（CMI）等指标暂缺。"
	}
	var cl []string
	head := ""
	if cm.Scheme != "" {
		head = "按 " + cm.Scheme + " 分组，"
	}
	head += "全年入组病例 " + Figure{Kind: Count, Unit: "例"}.text(V(float64(cm.Grouped)))
	if cm.Ungrouped > 0 {
		head += "（未入组 " + Figure{Kind: Count, Unit: "例"}.text(V(float64(cm.Ungrouped))) + "）"
	}
	if d.Has(KeyDRGCount) {
		head += "，覆盖 DRG " + d.Fig(KeyDRGCount).Text()
	}
	cl = append(cl, head)
	cl = appendNonEmpty(cl, d.clause("病例组合指数（CMI）", KeyCMI))
	var idx []string
	if d.Has(KeyCostIndex) {
		idx = append(idx, "费用消耗指数 "+d.Fig(KeyCostIndex).Text())
	}
	if d.Has(KeyTimeIndex) {
		idx = append(idx, "时间消耗指数 "+d.Fig(KeyTimeIndex).Text())
	}
	if len(idx) > 0 {
		cl = append(cl, strings.Join(idx, "，"))
	}
	cl = appendNonEmpty(cl, d.clause("低风险组病例死亡率", KeyLowRiskMort))
	return sentence(cl)
}

func (d *Data) frontPageParagraph() string {
	q := d.Quality
	if q == nil {
		return "本年度病案首页质控结果暂缺。"
	}
	cl := []string{"病案首页质控共检查 " + Figure{Kind: Count, Unit: "份"}.text(V(float64(q.Checked)))}
	cl = appendNonEmpty(cl, d.clause("平均得分", KeyQCScore), d.clause("甲级病案率", KeyQCGradeA))
	var s string
	if len(q.TopRules) > 0 {
		total := 0
		for _, r := range q.TopRules {
			total += r.Count
		}
		n := min(3, len(q.TopRules))
		names := make([]string, n)
		for i, r := range q.TopRules[:n] {
			names[i] = r.Name + "（" + itoa(r.Count) + " 条）"
		}
		s = "问题较多的是" + strings.Join(names, "、")
	}
	cl = appendNonEmpty(cl, s)
	return sentence(cl)
}

func (d *Data) departmentParagraph() string {
	var names []string
	for _, r := range d.Departments {
		if len(names) == 3 {
			break
		}
		if !r.Discharges.Valid {
			continue
		}
		names = append(names, r.Name+"（"+Figure{Kind: Count, Unit: "人次"}.text(r.Discharges)+"）")
	}
	if len(names) == 0 {
		return ""
	}
	n := chineseNumeral(len(names))
	if len(names) == 2 {
		n = "两" // 前两位, not 前二位
	}
	return "出院人次居前" + n + "位的科室为" + strings.Join(names, "、") + "。"
}
