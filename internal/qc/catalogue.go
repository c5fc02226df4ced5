package qc

// The built-in rule catalogue: NOTES.md §3.4 (A completeness C-xx, B validity
// V-xx, C dates D-xx, D logic L-xx, E costs F-xx) plus the principal-diagnosis
// selection rules of §3.3 that can be decided from codes, and the insurance
// (grey code) rules. docs/quality-rules.md is generated from this list
// (`yardstick check rules --format markdown`; a test keeps it current).

func f(codes ...string) []string { return codes }

func w(field, op, value string, values ...string) Cond {
	return Cond{Field: field, Op: op, Value: value, Values: values}
}

func num(v float64) *float64 { return &v }

type rb struct{ r *Rule }

func mk(id string, cat Category, sev Severity, check string, fields []string, cn, en, src string) rb {
	return rb{&Rule{ID: id, Category: cat, Severity: sev, Check: check, Fields: fields, MsgCN: cn, MsgEN: en, Source: src}}
}

func (b rb) scope(s string) rb     { b.r.Scope = s; return b }
func (b rb) when(c ...Cond) rb     { b.r.When = append(b.r.When, c...); return b }
func (b rb) params(p Params) rb    { b.r.Params = p; return b }
func (b rb) table(t string) rb     { b.r.Params.Table = t; return b }
func (b rb) ranges(r ...string) rb { b.r.Params.Ranges = r; return b }

const (
	msgMissingCN = "{name}（{field}）未填写"
	msgMissingEN = "{field} is empty"
	msgCodesetCN = "{name}（{field}）值 {value} 不在代码表中"
	msgCodesetEN = "{field} value {value} is not in the code table"
)

var (
	deliveryPx = []string{"72", "73.2-73.9", "74.0-74.2", "74.4", "74.99"}
	costTop    = f("D11", "D12", "D13", "D14", "D15", "D16", "D17", "D18", "D19", "D20", "D21", "D22", "D23",
		"D24", "D25", "D26", "D27", "D28", "D29", "D30", "D31", "D32", "D33", "D34")
	costAll = append(f("D01", "D09"), append(costTop, "D19x01", "D20x01", "D20x02", "D23x01")...)
)

// Catalogue returns a fresh copy of the built-in rules, in documentation order.
func Catalogue() []*Rule {
	b := []rb{
		// A. Completeness (NOTES §3.4 A).
		mk("C-01a", Completeness, Error, CheckRequired,
			f("A01", "A02", "A48", "A49", "A46C", "A12C", "A13", "A14", "A15C", "A19C", "A20N", "A21C", "A38C", "A23C", "A33C",
				"B38", "B11C", "B12", "B13C", "B15", "B16C", "B20", "B34C", "B36C", "C01C", "C03C", "C04N", "C05C", "C24C", "C26C", "C27C", "D01", "D09"),
			"必填项 {name}（{field}）未填写", "required field {field} is empty", "§3.4 C-01"),
		mk("C-01b", Completeness, Warning, CheckRequired, f("A11", "A22", "A24", "A26", "B14", "B17"),
			"{name}（{field}）未填写", "{field} is empty", "§3.4 C-01 (text items that always have content)"),
		mk("C-01e", Completeness, Info, CheckRequired,
			f("A20", "A25C", "A27", "A28C", "A29", "A30", "A31C", "A32", "A34", "A35"),
			"{name}（{field}）为空或“-”，请确认确无可填内容", "{field} is empty or '-': confirm there is nothing to record", "§3.4 C-01 ('-' allowed for text items)"),
		mk("C-01c", Completeness, Error, CheckRequiredIf, f("C28", "C29", "C30", "C31", "C32", "C33"),
			"颅脑损伤患者昏迷时间 {name}（{field}）未填写", "coma duration {field} is empty for an intracranial injury", "§3.4 C-01, §2.3 C28–C33").
			when(w("ANY_DX", "in_ranges", "S06")),
		mk("C-02a", Completeness, Error, CheckRequiredIf, f("A16"),
			"年龄为0岁时须填写年龄不足1周岁的天数（A16）", "A16 (age in days) is required when A14 = 0", "§3.4 C-02").
			when(w("A14", "eq", "0")),
		mk("C-02b", Completeness, Error, CheckRequiredIf, f("A17"),
			"新生儿（≤28天）须填写新生儿入院体重（A17）", "A17 (newborn admission weight) is required for neonates (≤ 28 days)", "§3.4 C-02").
			when(w("A14", "eq", "0"), w("A16", "le", "28")),
		mk("C-03a", Completeness, Error, CheckRequiredIf, f("A18x01"),
			"新生儿（≤28天）须填写新生儿出生体重（A18x01）", "A18x01 (birth weight) is required for neonates (≤ 28 days)", "§3.4 C-03").
			when(w("A14", "eq", "0"), w("A16", "le", "28")),
		mk("C-03b", Completeness, Error, CheckRequiredIf, f("A18x01"),
			"分娩病例（主要诊断O80–O84）须填写新生儿出生体重（A18x01）", "A18x01 (birth weight) is required on delivery records (principal O80–O84)", "§3.4 C-03").
			when(w("C03C", "in_ranges", "", "O80-O84")),
		mk("C-03c", Completeness, Error, CheckRequiredIf, f("A18x01"),
			"有分娩手术操作（72–74）的病例须填写新生儿出生体重（A18x01）", "A18x01 (birth weight) is required when a delivery procedure (72–74) is recorded", "§3.4 C-03").
			when(w("ANY_PX", "in_ranges", "", deliveryPx...)),
		mk("C-03d", Completeness, Error, CheckRequiredIf, f("A18x01"),
			"有分娩结局编码（Z37）的产妇病例须填写新生儿出生体重（A18x01）", "A18x01 (birth weight) is required when an outcome of delivery (Z37) is coded", "§3.4 C-03, L-05").
			when(w("OTHER_DX", "in_ranges", "", "Z37")),
		mk("C-04a", Completeness, Error, CheckRequiredIf, f("C09C", "C10N"),
			"主要诊断为肿瘤（C00–D48）须填写病理诊断 {name}（{field}）", "{field} (pathology) is required when the principal diagnosis is a neoplasm (C00–D48)", "§3.4 C-04").
			when(w("C03C", "in_ranges", "", "C00-D48")),
		mk("C-04b", Completeness, Error, CheckRequiredIf, f("C11"),
			"填写了病理诊断编码须填写病理号（C11）", "C11 (pathology number) is required when C09C is filled", "§3.4 C-04").
			when(w("C09C", "present", "")),
		mk("C-05", Completeness, Error, CheckRequiredIf, f("C12C", "C13N"),
			"主要诊断为损伤中毒（S/T）须填写外部原因 {name}（{field}）", "{field} (external cause) is required when the principal diagnosis is an injury or poisoning (S/T)", "§3.4 C-05").
			when(w("C03C", "in_ranges", "", "S00-T98")),
		mk("C-06a", Completeness, Error, CheckRequiredIf, f("B35"),
			"离院方式为医嘱转院/转社区时须填写拟接收医疗机构名称（B35）", "B35 (receiving institution) is required when B34C is 2 or 3", "§3.4 C-06, L-07").
			when(w("B34C", "in", "", "2", "3")),
		mk("C-06b", Completeness, Error, CheckRequiredIf, f("B37"),
			"有出院31天内再住院计划时须填写目的（B37）", "B37 (readmission purpose) is required when B36C = 2", "§3.4 C-06").
			when(w("B36C", "eq", "2")),
		mk("C-07", Completeness, Error, CheckRequiredIf, f("C25"),
			"有药物过敏时须填写过敏药物（C25）", "C25 (allergen drugs) is required when C24C = 2", "§3.4 C-07").
			when(w("C24C", "eq", "2")),
		mk("C-08", Completeness, Warning, CheckRequiredIf, f("C34C"),
			"死亡患者须填写尸检（C34C）", "C34C (autopsy) should be filled for deaths", "§3.4 C-08, L-06").
			when(w("B34C", "eq", "5")),
		mk("C-09a", Completeness, Error, CheckRequired, f("C35xNNC", "C36xNNN", "C37xNN"),
			"手术操作 {name}（{field}）未填写：编码、名称、日期须同时填写", "procedure line: {field} is empty (code, name and date go together)", "§3.4 C-09, C-10").
			scope(ScopeProc),
		mk("C-09b", Completeness, Error, CheckRequired, f("C39xNN"),
			"手术操作术者（{field}）未填写", "procedure operator {field} is empty", "§3.4 C-09").
			scope(ScopeProc).when(w("C35xNNC", "present", "")),
		mk("C-09c", Completeness, Error, CheckRequiredIf, f("C44xNN"),
			"填写了麻醉方式须填写麻醉医师（{field}）", "anaesthetist {field} is required when an anaesthesia method is recorded", "§3.4 C-09").
			scope(ScopeProc).when(w("C43xNNC", "present", "")),
		mk("C-09d", Completeness, Warning, CheckRequiredIf, f("C42xNNC"),
			"有麻醉的手术须填写切口愈合等级（{field}）", "wound class/healing {field} should be filled for operations under anaesthesia", "§3.4 C-09").
			scope(ScopeProc).when(w("C43xNNC", "present", "")),
		mk("C-10a", Completeness, Error, CheckPair, f("C06xNNC", "C07xNNN"),
			"其他诊断编码与名称须成对填写，缺少 {field}", "other diagnosis code and name go together: {field} is missing", "§3.4 C-10").
			scope(ScopeOtherDx),
		mk("C-10b", Completeness, Error, CheckPair, f("C01C", "C02N"),
			"门（急）诊诊断编码与名称须成对填写，缺少 {field}", "OP/ED diagnosis code and name go together: {field} is missing", "§3.4 C-10"),
		mk("C-10c", Completeness, Error, CheckRequiredIf, f("C08xNNC"),
			"其他诊断须填写入院病情（{field}）", "POA indicator {field} is required for every other diagnosis", "§3.4 C-10, §2.3").
			scope(ScopeOtherDx).when(w("C06xNNC", "present", "")),
		mk("C-10d", Completeness, Error, CheckPair, f("C09C", "C10N"),
			"病理诊断编码与名称须成对填写，缺少 {field}", "pathology code and name go together: {field} is missing", "§3.4 C-10"),
		mk("C-10e", Completeness, Error, CheckPair, f("C12C", "C13N"),
			"外部原因编码与名称须成对填写，缺少 {field}", "external cause code and name go together: {field} is missing", "§3.4 C-10"),
		mk("C-11", Completeness, Error, CheckRequired, f("B22", "B23", "B24", "B25", "B26", "B29"),
			"签名 {name}（{field}）未填写（三级医师负责制）", "signature {field} is empty (three-level physician responsibility)", "§3.4 C-11"),
		mk("C-12", Completeness, Warning, CheckRequiredIf, f("F21"),
			"有血费时须填写输血反应（F21）", "F21 (transfusion reaction) should be filled when D26 (blood) > 0", "§3.4 C-12, F-05").
			when(w("D26", "gt", "0")),

		// B. Value validity.
		mk("V-01a", Validity, Error, CheckCodeset, f("A12C"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC001)").table("RC001"),
		mk("V-01b", Validity, Error, CheckCodeset, f("A21C"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC002)").table("RC002"),
		mk("V-01c", Validity, Error, CheckCodeset, f("A38C"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC003)").table("RC003"),
		mk("V-01d", Validity, Error, CheckCodeset, f("A19C"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC035)").table("RC035"),
		mk("V-01e", Validity, Error, CheckCodeset, f("A23C"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC036)").table("RC036"),
		mk("V-01f", Validity, Error, CheckCodeset, f("A33C"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC033)").table("RC033"),
		mk("V-01g", Validity, Error, CheckCodeset, f("A46C"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC032)").table("RC032"),
		mk("V-01h", Validity, Error, CheckCodeset, f("A20N"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC038)").table("RC038"),
		mk("V-01i", Validity, Error, CheckCodeset, f("B11C"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC026)").table("RC026"),
		mk("V-01j", Validity, Error, CheckCodeset, f("B13C", "B16C", "B21C"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC023)").table("RC023"),
		mk("V-01k", Validity, Error, CheckCodeset, f("C08xNNC"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC027)").table("RC027").scope(ScopeDx),
		mk("V-01l", Validity, Error, CheckCodeset, f("C38xNN"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC029)").table("RC029").scope(ScopeProc),
		mk("V-01m", Validity, Error, CheckCodeset, f("C42xNNC"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC014)").table("RC014").scope(ScopeProc),
		mk("V-01n", Validity, Error, CheckCodeset, f("C43xNNC"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC013)").table("RC013").scope(ScopeProc),
		mk("V-01o", Validity, Error, CheckCodeset, f("C24C"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC037)").table("RC037"),
		mk("V-01p", Validity, Error, CheckCodeset, f("C26C"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC030)").table("RC030"),
		mk("V-01q", Validity, Error, CheckCodeset, f("C27C"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC031)").table("RC031"),
		mk("V-01r", Validity, Error, CheckCodeset, f("C34C"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC016)").table("RC016"),
		mk("V-01s", Validity, Error, CheckCodeset, f("B34C"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC019)").table("RC019"),
		mk("V-01t", Validity, Error, CheckCodeset, f("B36C"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC028)").table("RC028"),
		mk("V-01u", Validity, Error, CheckCodeset, f("B38"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC039)").table("RC039"),
		mk("V-01v", Validity, Error, CheckCodeset, f("B30C"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC011)").table("RC011"),
		mk("V-01w", Validity, Error, CheckCodeset, f("C48xNNC"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC015)").table("RC015").scope(ScopeICU),
		mk("V-01x", Validity, Error, CheckCodeset, f("F21"), msgCodesetCN, msgCodesetEN, "§3.4 V-01 (RC018)").table("RC018"),
		mk("V-01y", Validity, Error, CheckCodeset, f("F01"), msgCodesetCN, msgCodesetEN, "§2.3 F01 (RC004)").table("RC004"),
		mk("V-01z", Validity, Error, CheckShape, f("A15C"),
			"国籍（A15C）{value} 不是GB/T 2659三位数字代码", "A15C {value} is not a 3-digit GB/T 2659 code", "§2.3 A15C (RC040)").params(Params{Pattern: "digits3"}),
		mk("V-02a", Coding, Error, CheckShape, f("C06xNNC"),
			"诊断编码（{field}）{value} 不符合ICD-10格式", "diagnosis code {field} {value} is not an ICD-10 code", "§3.4 V-02").
			scope(ScopeDx).params(Params{Pattern: "icd10"}),
		mk("V-02b", Coding, Error, CheckShape, f("C35xNNC"),
			"手术操作编码（{field}）{value} 不符合ICD-9-CM-3格式", "procedure code {field} {value} is not an ICD-9-CM-3 code", "§3.4 V-02").
			scope(ScopeProc).params(Params{Pattern: "icd9cm3"}),
		mk("V-02c", Coding, Error, CheckShape, f("C01C", "C12C"),
			"编码（{field}）{value} 不符合ICD-10格式", "code {field} {value} is not an ICD-10 code", "§3.4 V-02").params(Params{Pattern: "icd10"}),
		mk("V-02d", Coding, Error, CheckExists, f("C06xNNC"),
			"诊断编码（{field}）{value} 不在已导入的 {expect} 字典中", "diagnosis code {field} {value} is not in the imported {expect} dictionary", "§3.4 V-02").
			scope(ScopeDx).params(Params{System: "dx"}),
		mk("V-02e", Coding, Error, CheckExists, f("C35xNNC"),
			"手术操作编码（{field}）{value} 不在已导入的 {expect} 字典中", "procedure code {field} {value} is not in the imported {expect} dictionary", "§3.4 V-02").
			scope(ScopeProc).params(Params{System: "px"}),
		mk("V-02f", Coding, Warning, CheckExists, f("C01C", "C12C"),
			"编码（{field}）{value} 不在已导入的 {expect} 字典中", "code {field} {value} is not in the imported {expect} dictionary", "§3.4 V-02").
			params(Params{System: "dx"}),
		mk("V-03a", Coding, Error, CheckFunc, f("C03C"),
			"主要诊断 {value} 为星号（临床表现）编码，不能单独作为主要诊断", "principal diagnosis {value} is an asterisk (manifestation) code and cannot stand alone", "§3.4 V-03, §3.3"),
		mk("V-03b", Coding, Error, CheckCodeRange, f("C03C"),
			"主要诊断 {value} 为全身炎症反应综合征（R65），不能作为主要诊断", "principal diagnosis {value} (R65, SIRS) cannot be principal", "§3.4 V-03").
			params(Params{Mode: "forbid", Ranges: f("R65")}),
		mk("V-03c", Coding, Warning, CheckCodeRange, f("C03C"),
			"主要诊断 {value} 为U类编码（特殊目的编码），请核对", "principal diagnosis {value} is a U (special purpose) code: check", "§3.4 V-03 (one QC rule set)").
			params(Params{Mode: "forbid", Ranges: f("U00-U06", "U08-U99")}),
		mk("V-03d", Coding, Error, CheckCodeRange, f("C03C"),
			"主要诊断 {value} 为分娩结局编码（Z37），不能作为主要诊断", "principal diagnosis {value} is an outcome-of-delivery code (Z37) and cannot be principal", "§3.4 V-03, §3.3 rule 10").
			params(Params{Mode: "forbid", Ranges: f("Z37")}),
		mk("V-03e", Coding, Error, CheckCodeRange, f("C03C"),
			"主要诊断 {value} 为损伤中毒外部原因编码（V01–Y98），不能作为主要诊断", "principal diagnosis {value} is an external-cause code (V01–Y98) and cannot be principal", "§3.4 V-03, §3.3 rule 11–12").
			params(Params{Mode: "forbid", Ranges: f("V01-Y98")}),
		mk("V-03f", Coding, Warning, CheckCodeRange, f("C03C"),
			"主要诊断 {value} 为症状体征编码（R00–R99），出院时病因明确时应以病因为主要诊断", "principal diagnosis {value} is a symptom code (R00–R99): use the underlying cause when it was found", "§3.3 rules 2 and 5").
			params(Params{Mode: "forbid", Ranges: f("R00-R64", "R66-R99")}),
		mk("V-04", Validity, Error, CheckShape, f("C09C"),
			"病理诊断编码 {value} 不是形态学M编码（如 M8140/3）", "pathology code {value} is not a morphology M-code (e.g. M8140/3)", "§3.4 V-04").
			params(Params{Pattern: "morphology"}),
		mk("V-05", Validity, Warning, CheckFunc, f("A20"),
			"居民身份证号码长度、校验位或出生日期不符", "resident ID number: wrong length, check digit or birth date", "§3.4 V-05").
			when(w("A20N", "eq", "1")),
		mk("V-06a", Validity, Warning, CheckShape, f("A25C", "A28C", "A31C"),
			"邮政编码（{field}）{value} 不是6位数字", "postcode {field} {value} is not 6 digits", "§3.4 V-06").params(Params{Pattern: "postcode"}),
		mk("V-06b", Validity, Warning, CheckShape, f("A27", "A30", "A35"),
			"电话号码（{field}）格式不合理", "phone number {field} is implausible", "§3.4 V-06").params(Params{Pattern: "phone"}),
		mk("V-07a", Validity, Warning, CheckRange, f("A17", "A18x01", "A18x02", "A18x03", "A18x04", "A18x05"),
			"新生儿体重（{field}）{value} 克超出 100–9999 克", "newborn weight {field} {value} g outside 100–9999 g", "§3.4 V-07").
			params(Params{Min: num(100), Max: num(9999)}),
		mk("V-07b", Validity, Info, CheckRange, f("A17", "A18x01", "A18x02", "A18x03", "A18x04", "A18x05"),
			"新生儿体重（{field}）{value} 克未精确到10克", "newborn weight {field} {value} g is not recorded to 10 g", "§3.4 V-07, §2.5").
			params(Params{Step: 10}),
		mk("V-08a", Validity, Error, CheckRange, f("C28", "C31"),
			"昏迷天数（{field}）{value} 不能为负", "coma days {field} {value} must be ≥ 0", "§3.4 V-08").params(Params{Min: num(0)}),
		mk("V-08b", Validity, Error, CheckRange, f("C29", "C32"),
			"昏迷小时数（{field}）{value} 应为 0–23", "coma hours {field} {value} must be 0–23", "§3.4 V-08").params(Params{Min: num(0), Max: num(23)}),
		mk("V-08c", Validity, Error, CheckRange, f("C30", "C33"),
			"昏迷分钟数（{field}）{value} 应为 0–59", "coma minutes {field} {value} must be 0–59", "§3.4 V-08").params(Params{Min: num(0), Max: num(59)}),
		mk("V-09a", Validity, Error, CheckRange, f("A14"),
			"年龄（A14）{value} 岁超出 0–120", "age A14 {value} outside 0–120", "§3.4 V-09").params(Params{Min: num(0), Max: num(120)}),
		mk("V-09b", Validity, Error, CheckRange, f("A16"),
			"不足1周岁年龄（A16）{value} 天超出 0–365", "age in days A16 {value} outside 0–365", "§3.4 V-09, §2.3 A16").params(Params{Min: num(0), Max: num(365)}),
		mk("V-10", Validity, Warning, CheckShape, f("A11"),
			"姓名（A11）含数字、标点或空格，或长度不在2–40字", "patient name (A11) has digits, punctuation or spaces, or is not 2–40 characters", "§3.4 V-10").
			when(w("A15C", "eq", "156")).params(Params{Pattern: "person_name"}),
		mk("V-11", Validity, Warning, CheckShape, f("A11"),
			"姓名（A11）疑似编码错误（GBK 文件按西文编码读取产生的乱码）", "patient name (A11) looks garbled (a GBK file read as Latin-1/Windows-1252)", "§3.4 V-10; file encoding").
			when(w("A15C", "eq", "156")).params(Params{Pattern: "no_mojibake"}),

		// C. Dates and durations.
		mk("D-01", Validity, Warning, CheckFunc, f("B12", "B15"),
			"入院时间与出院时间均为00:00，未精确到分钟", "admission and discharge times are both 00:00: not recorded to the minute", "§3.4 D-01, §3.3 rule 17"),
		mk("D-02a", Logic, Error, CheckDateOrder, f("B12", "B15"),
			"入院时间 {value} 晚于出院时间 {expect}", "admission {value} is after discharge {expect}", "§3.4 D-02").params(Params{Granularity: "minute"}),
		mk("D-02b", Logic, Error, CheckDateOrder, f("A13", "B12"),
			"出生日期 {value} 晚于入院日期 {expect}", "birth date {value} is after admission {expect}", "§3.4 D-02"),
		mk("D-03", Logic, Error, CheckFunc, f("B20", "B12", "B15"),
			"实际住院天数 {value} 与出入院日期之差 {expect} 不符", "length of stay {value} does not match discharge − admission date = {expect}", "§3.4 D-03"),
		mk("D-04a", Logic, Error, CheckFunc, f("A14", "A13", "B12"),
			"年龄 {value} 岁与出生日期推算的 {expect} 岁不符", "age {value} does not match {expect} completed years from the birth date", "§3.4 D-04"),
		mk("D-04b", Logic, Error, CheckFunc, f("A16", "A13", "B12"),
			"年龄不足1周岁的天数 {value} 与出生日期推算的 {expect} 天不符", "age in days {value} does not match {expect} days from the birth date", "§3.4 D-04"),
		mk("D-05a", Logic, Warning, CheckDateOrder, f("C37xNN", "B15"),
			"手术操作日期（{field}）{value} 晚于出院日期 {expect}", "procedure date {field} {value} is after discharge {expect}", "§3.4 D-05").scope(ScopeProc),
		mk("D-05b", Logic, Warning, CheckDateOrder, f("B12", "C37xNN"),
			"手术操作日期（{field}）{value} 早于入院日期 {expect}", "procedure date {field} {value} is before admission {expect}", "§3.4 D-05").
			scope(ScopeProc).params(Params{ReportLast: true}),
		mk("D-06a", Logic, Error, CheckDateOrder, f("C49xNN", "C50xNN"),
			"重症监护进入时间（{field}）{value} 晚于退出时间 {expect}", "ICU entry {field} {value} is after exit {expect}", "§3.4 D-06").
			scope(ScopeICU).params(Params{Granularity: "minute"}),
		mk("D-06b", Logic, Error, CheckFunc, f("C49xNN", "C50xNN", "B12", "B15"),
			"重症监护时间（{field}）{value} 超出住院期间（{expect}）", "ICU time {field} {value} is outside the stay ({expect})", "§3.4 D-06"),
		mk("D-06c", Logic, Error, CheckSum, f("LOS_HOURS", "ICU_HOURS"),
			"重症监护总时长超过住院时长（{expect} 小时）", "total ICU time ({expect} h) exceeds the length of stay", "§3.4 D-06").
			params(Params{Op: "ge", Tolerance: 1}),
		mk("D-07", Logic, Warning, CheckDateOrder, f("B15", "B33"),
			"质控日期 {value} 早于出院日期 {expect}", "QC date {value} is before discharge {expect}", "§3.4 D-07").params(Params{ReportLast: true}),
		mk("D-08", Logic, Warning, CheckSum, f("LOS_HOURS", "C47"),
			"有创呼吸机使用时间（{expect} 小时）超过住院时长", "ventilation hours ({expect}) exceed the length of stay", "§3.4 D-08").
			params(Params{Op: "ge", Tolerance: 1}),

		// D. Clinical logic.
		mk("L-01", Logic, Warning, CheckSex, f("C06xNNC"),
			"诊断（{field}）{value} 仅适用于{expect}患者，与性别不符", "diagnosis {field} {value} applies to {expect} patients only", "§3.4 L-01 (sex_restricted_icd10.csv)").
			scope(ScopeDx),
		mk("L-02a", Logic, Warning, CheckSex, f("C35xNNC"),
			"手术操作（{field}）{value} 仅适用于{expect}患者", "procedure {field} {value} applies to {expect} patients only", "§3.4 L-02").
			scope(ScopeProc).params(Params{Sex: "2", System: "px", Ranges: f("65-75")}),
		mk("L-02b", Logic, Warning, CheckSex, f("C35xNNC"),
			"手术操作（{field}）{value} 仅适用于{expect}患者", "procedure {field} {value} applies to {expect} patients only", "§3.4 L-02").
			scope(ScopeProc).params(Params{Sex: "1", System: "px", Ranges: f("60-64")}),
		mk("L-03a", Logic, Warning, CheckAge, f("C06xNNC"),
			"围生期疾病编码（{field}）{value} 用于1岁以上患者", "perinatal code {field} {value} used for a patient over 1 year", "§3.4 L-03").
			scope(ScopeDx).params(Params{Ranges: f("P00-P96"), Max: num(0), Unit: "years"}),
		mk("L-03b", Logic, Warning, CheckAge, f("C06xNNC"),
			"妊娠分娩编码（{field}）{value} 与年龄不符（{expect}）", "pregnancy code {field} {value} outside the age range {expect}", "§3.4 L-03").
			scope(ScopeDx).params(Params{Ranges: f("O00-O99"), Min: num(10), Max: num(55), Unit: "years"}),
		mk("L-03c", Logic, Warning, CheckAge, f("C06xNNC"),
			"痴呆/老年性编码（{field}）{value} 用于未成年患者", "dementia/senility code {field} {value} used for a minor", "§3.4 L-03").
			scope(ScopeDx).params(Params{Ranges: f("F00-F03", "R54"), Min: num(18), Unit: "years"}),
		mk("L-03d", Logic, Warning, CheckAge, f("C06xNNC"),
			"成人肿瘤编码（{field}）{value} 用于12岁以下患者", "adult tumour code {field} {value} used for a child under 12", "§3.4 L-03").
			scope(ScopeDx).params(Params{Ranges: f("C50-C63", "D24-D29"), Min: num(12), Unit: "years"}),
		mk("L-04a", Logic, Error, CheckFunc, f("A17", "A14", "A16"),
			"填写了新生儿入院体重（A17）{value}，但患者不是新生儿（≤28天）", "A17 newborn admission weight {value} is filled but the patient is not a neonate (≤ 28 days)", "§3.4 L-04"),
		mk("L-04b", Logic, Error, CheckRange, f("AGE_DAYS"),
			"入院科别为新生儿专业（0701），但年龄 {value} 天超过28天", "admitted to neonatology (0701) at {value} days, over 28 days", "§3.4 L-04").
			when(w("B13C", "eq", "0701")).params(Params{Max: num(28)}),
		mk("L-05", Coding, Warning, CheckCodeRange, f("OTHER_DX"),
			"分娩病例（主要诊断O80–O84）其他诊断中缺少分娩结局编码（Z37）", "delivery record (principal O80–O84) without an outcome-of-delivery code (Z37) among the other diagnoses", "§3.4 L-05").
			when(w("C03C", "in_ranges", "", "O80-O84")).params(Params{Mode: "require", Ranges: f("Z37")}),
		mk("L-06", Logic, Warning, CheckWhen, f("B36C"),
			"死亡患者不应有出院31天内再住院计划", "a patient who died cannot have a planned readmission", "§3.4 L-06").
			when(w("B34C", "eq", "5"), w("B36C", "eq", "2")),
		mk("L-08", Logic, Warning, CheckFunc, f("B21C", "B16C"),
			"转科科别最后一项 {value} 与出院科别 {expect} 不一致", "last transfer department {value} differs from the discharge department {expect}", "§3.4 L-08"),
		mk("L-09", Coding, Error, CheckCodeRange, f("C12C"),
			"损伤中毒的外部原因编码 {value} 不在 V01–Y98", "external cause code {value} is not in V01–Y98", "§3.4 L-09").
			when(w("C03C", "in_ranges", "", "S00-T98")).params(Params{Mode: "require", Ranges: f("V01-Y98")}),
		mk("L-10", Coding, Warning, CheckFunc, f("C09C", "C03C"),
			"病理形态学编码 {value} 的动态编码与主要诊断不符（应为 {expect}）", "behaviour code of M-code {value} does not match the principal diagnosis (expected {expect})", "§3.4 L-10"),
		mk("L-11a", Coding, Warning, CheckCodeRange, f("ANY_PX"),
			"剖宫产分娩（O82）未见剖宫产手术（74.x）", "caesarean delivery (O82) without a caesarean procedure (74.x)", "§3.4 L-11").
			when(w("C03C", "in_ranges", "", "O82")).params(Params{Mode: "require", System: "px", Ranges: f("74.0-74.2", "74.4", "74.99")}),
		mk("L-11b", Coding, Warning, CheckFunc, f("C14x01C"),
			"缺血性心脏病行PCI（{expect}），主要手术 {value} 应为PCI", "ischaemic heart disease with PCI ({expect}): the principal procedure {value} should be the PCI", "§3.4 L-11, §3.3 rule 16"),
		mk("L-11c", Coding, Warning, CheckFunc, f("C06xNNC"),
			"肝衰竭 {value} 合并酒精性肝硬化，应使用合并编码 {expect}", "hepatic failure {value} with alcoholic cirrhosis should use the combination code {expect}", "§3.4 L-11"),
		mk("L-12", Coding, Warning, CheckFunc, f("C14x01C"),
			"主要手术操作 {value} 为诊断性操作，而其他手术中有手术 {expect}", "principal procedure {value} is diagnostic while operation {expect} is among the other procedures", "§3.4 L-12, §3.3 rule 16"),
		mk("L-13", Coding, Warning, CheckFunc, f("C08xNNC"),
			"术后并发症入院病情为“有”（{value}），但手术在本次住院期间", "post-procedural complication flagged present on admission ({value}) although the operation was during this stay", "§3.4 L-13"),
		mk("L-14", Logic, Info, CheckFunc, f("C42xNNC"),
			"肠道手术切口等级为Ⅰ类（{value}），请核对", "bowel operation with a class-I (clean) wound ({value}): check", "§3.4 L-14"),
		mk("L-15", Logic, Warning, CheckWhen, f("B20"),
			"日间手术住院天数 {value} 超过1天", "day surgery with length of stay {value} > 1 day", "§3.4 L-15").
			when(w("B38", "eq", "1"), w("B20", "gt", "1")),
		mk("L-16a", Coding, Error, CheckFunc, f("C06xNNC", "C35xNNC"),
			"其他诊断/手术条目数 {value} 超过 {expect}", "{value} other diagnoses/procedures exceed the limit {expect}", "§3.4 L-16"),
		mk("L-16b", Coding, Error, CheckFunc, f("C06xNNC"),
			"其他诊断编码 {value} 重复（{field}）", "other diagnosis code {value} is repeated ({field})", "§3.4 L-16"),
		mk("L-16c", Coding, Error, CheckFunc, f("C06xNNC"),
			"主要诊断编码 {value} 在其他诊断（{field}）中重复", "principal diagnosis {value} is repeated as other diagnosis {field}", "§3.4 L-16"),
		mk("L-17", Coding, Warning, CheckWhen, f("C03C"),
			"主要诊断为住院期间发生的医疗并发症（入院病情为“无”），原发疾病应为主要诊断", "principal diagnosis is a complication of care that arose during the stay (POA 4): the original disease should be principal", "§3.3 rule 8").
			when(w("C03C", "in_ranges", "", "T80-T88"), w("C05C", "eq", "4")),
		mk("L-18", Coding, Warning, CheckWhen, f("C03C"),
			"主要诊断为放疗/化疗（{value}），其他诊断中缺少肿瘤编码", "principal diagnosis is radio-/chemotherapy ({value}) but no neoplasm code is among the other diagnoses", "§3.3 rule 9").
			when(w("C03C", "in_ranges", "", "Z51.0-Z51.2"), w("OTHER_DX", "not_in_ranges", "", "C00-D48")),
		mk("L-19a", Coding, Error, CheckWhen, f("C03C"),
			"分娩病例（有分娩手术72–74）主要诊断 {value} 不是产科编码（O）", "delivery record (procedure 72–74) whose principal diagnosis {value} is not obstetric (O)", "§3.3 rule 10").
			when(w("ANY_PX", "in_ranges", "", deliveryPx...), w("C03C", "not_in_ranges", "", "O00-O99")),
		mk("L-19b", Coding, Error, CheckWhen, f("C03C"),
			"有分娩结局编码（Z37）的病例主要诊断 {value} 不是产科编码（O）", "record with an outcome of delivery (Z37) whose principal diagnosis {value} is not obstetric (O)", "§3.3 rule 10").
			when(w("OTHER_DX", "in_ranges", "", "Z37"), w("C03C", "not_in_ranges", "", "O00-O99")),

		// Insurance settlement.
		mk("I-01", Insurance, Warning, CheckGrey, f("C06xNNC"),
			"诊断编码（{field}）{value} 为医保灰码，不能用于结算", "diagnosis code {field} {value} is a 医保 grey code (not accepted for settlement)", "CHS-DRG 1.1 grey codes").
			scope(ScopeDx).params(Params{System: "dx"}),
		mk("I-02", Insurance, Warning, CheckGrey, f("C35xNNC"),
			"手术操作编码（{field}）{value} 为医保灰码，不能用于结算", "procedure code {field} {value} is a 医保 grey code (not accepted for settlement)", "CHS-DRG 1.1 grey codes").
			scope(ScopeProc).params(Params{System: "px"}),
		mk("I-03", Insurance, Warning, CheckFunc, f("C06xNNC", "C35xNNC"),
			"国临编码（{field}）{value} 在映射表中没有对应的医保版编码", "国临 code {field} {value} has no 医保 code in the imported crosswalk", "§2.2 crosswalk"),

		// E. Costs.
		mk("F-01", Cost, Error, CheckRange, f("D01"),
			"住院总费用（D01）{value} 必须大于0", "total cost D01 {value} must be > 0", "§3.4 F-01").params(Params{Min: num(0.01)}),
		mk("F-02a", Cost, Error, CheckSum, append(f("D01"), costTop...),
			"住院总费用 {value} 小于各分项费用之和 {expect}", "total cost {value} is less than the sum of the cost items {expect}", "§3.4 F-02").
			params(Params{Op: "ge", Tolerance: 0.01}),
		mk("F-02b", Cost, Warning, CheckSum, append(f("D01"), costTop...),
			"住院总费用 {value} 与各分项费用之和 {expect} 不相等", "total cost {value} differs from the sum of the cost items {expect}", "§3.4 F-02 (hospital policy: equality)").
			params(Params{Op: "eq", Tolerance: 0.01}),
		mk("F-03a", Cost, Error, CheckSum, f("D01", "D09"),
			"自付金额 {expect} 大于住院总费用 {value}", "self-paid amount {expect} exceeds the total {value}", "§3.4 F-03").params(Params{Op: "ge", Tolerance: 0.01}),
		mk("F-03b", Cost, Error, CheckSum, f("D19", "D19x01"),
			"临床物理治疗费 {expect} 大于非手术治疗项目费 {value}", "physical therapy {expect} exceeds non-surgical treatment {value}", "§3.4 F-03").params(Params{Op: "ge", Tolerance: 0.01}),
		mk("F-03c", Cost, Error, CheckSum, f("D20", "D20x01", "D20x02"),
			"麻醉费与手术费之和 {expect} 大于手术治疗费 {value}", "anaesthesia + operation fees {expect} exceed surgical treatment {value}", "§3.4 F-03").params(Params{Op: "ge", Tolerance: 0.01}),
		mk("F-03d", Cost, Error, CheckSum, f("D23", "D23x01"),
			"抗菌药物费 {expect} 大于西药费 {value}", "antibiotics {expect} exceed western drugs {value}", "§3.4 F-03").params(Params{Op: "ge", Tolerance: 0.01}),
		mk("F-04a", Cost, Warning, CheckFunc, f("D20", "C14x01C", "C22x01C"),
			"主要手术在全身/区域麻醉下进行，但手术治疗费（D20）为 {value}", "principal operation under general/regional anaesthesia but surgical treatment fee D20 is {value}", "§3.4 F-04"),
		mk("F-04b", Cost, Warning, CheckFunc, f("D20x01", "C22x01C"),
			"有全身/区域麻醉但麻醉费（D20x01）为 {value}", "general/regional anaesthesia recorded but anaesthesia fee D20x01 is {value}", "§3.4 F-04"),
		mk("F-05", Cost, Warning, CheckFunc, f("D26", "F21"),
			"有输血记录但血费（D26）为 {value}", "transfusion recorded but blood cost D26 is {value}", "§3.4 F-05"),
		mk("F-06a", Cost, Error, CheckRange, costAll,
			"费用（{field}）{value} 不能为负", "amount {field} {value} must not be negative", "§3.4 F-06").params(Params{Min: num(0)}),
		mk("F-06b", Cost, Warning, CheckFunc, f("D01"),
			"费用（{field}）{value} 超过两位小数", "amount {field} {value} has more than 2 decimals", "§3.4 F-06"),
	}
	out := make([]*Rule, len(b))
	for i, x := range b {
		out[i] = x.r
	}
	return out
}
