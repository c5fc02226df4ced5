package frontpage

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Kind is the value type of a front-page field.
type Kind int

// Field kinds.
const (
	KindText     Kind = iota // free text
	KindCode                 // value from a code table (kept as given)
	KindInt                  // integer
	KindDecimal              // amount in yuan
	KindDate                 // yyyy-MM-dd
	KindDateTime             // yyyy-MM-dd HH:mm:ss
	KindList                 // comma-separated list of codes
)

// Requirement tells whether the national interface requires a field.
type Requirement byte

// Requirement levels as in frontpage_gk_fields.csv.
const (
	Optional    Requirement = 'O'
	Required    Requirement = 'R'
	Conditional Requirement = 'C'
)

// Field describes one column of the national upload interface and knows how
// to read and write it on a Stay. The registry of fields is the single place
// where the mapping between file columns and the model lives: import, export,
// the synthetic generator and the quality rules all go through it.
type Field struct {
	Code     string // national interface code, e.g. "C06x03C"
	NameCN   string // Chinese name as on the form
	NameEN   string
	Kind     Kind
	Codeset  string // code table id (RC001…), or "ICD10", "ICD9CM3"
	Required Requirement
	Group    string // id, demographics, newborn, admission, discharge, staff, diagnosis, procedure, icu, transfusion, cost, extension
	Identity bool   // holds personal identity (name, ID number, address, phone): masked in exports, never logged
	Index    int    // for repeated fields: the NN (1-based), else 0

	get func(*Stay) string
	set func(*Stay, string) error
}

// Get returns the field's value in its canonical text form ("" when absent).
func (f *Field) Get(s *Stay) string { return f.get(s) }

// Set parses raw (already decoded text) into the stay. A blank value ("",
// "-") clears nothing and is not an error: absence is what the quality rules
// check, not the parser.
func (f *Field) Set(s *Stay, raw string) error {
	raw = strings.TrimSpace(raw)
	if IsBlank(raw) {
		return nil
	}
	return f.set(s, raw)
}

var (
	fields     []*Field
	fieldIndex = map[string]*Field{}
)

// Fields returns every field of the registry in canonical column order.
func Fields() []*Field { return fields }

// FieldByCode returns the field with the given national code (case-insensitive).
func FieldByCode(code string) (*Field, bool) {
	f, ok := fieldIndex[strings.ToUpper(code)]
	return f, ok
}

func add(f *Field) {
	key := strings.ToUpper(f.Code)
	if _, dup := fieldIndex[key]; dup {
		panic("frontpage: duplicate field " + f.Code)
	}
	fields = append(fields, f)
	fieldIndex[key] = f
}

// Helpers building getters and setters for the common kinds.

func text(code, cn, en, group string, req Requirement, p func(*Stay) *string) *Field {
	return &Field{Code: code, NameCN: cn, NameEN: en, Kind: KindText, Required: req, Group: group,
		get: func(s *Stay) string { return *p(s) },
		set: func(s *Stay, v string) error { *p(s) = v; return nil }}
}

func code(code, cn, en, group, codeset string, req Requirement, p func(*Stay) *string) *Field {
	f := text(code, cn, en, group, req, p)
	f.Kind, f.Codeset = KindCode, codeset
	return f
}

func ident(f *Field) *Field { f.Identity = true; return f }

func intField(code, cn, en, group string, req Requirement, p func(*Stay) *Opt[int]) *Field {
	return &Field{Code: code, NameCN: cn, NameEN: en, Kind: KindInt, Required: req, Group: group,
		get: func(s *Stay) string { return fmtInt(*p(s)) },
		set: func(s *Stay, v string) error {
			n, err := ParseInt(v)
			if err != nil {
				return err
			}
			*p(s) = Some(n)
			return nil
		}}
}

func dateField(code, cn, en, group string, req Requirement, withTime bool, p func(*Stay) *time.Time) *Field {
	k := KindDate
	format := FormatDate
	if withTime {
		k, format = KindDateTime, FormatDateTime
	}
	return &Field{Code: code, NameCN: cn, NameEN: en, Kind: k, Required: req, Group: group,
		get: func(s *Stay) string { return format(*p(s)) },
		set: func(s *Stay, v string) error {
			t, err := ParseDateTime(v)
			if err != nil {
				return err
			}
			*p(s) = t
			return nil
		}}
}

func fmtInt(o Opt[int]) string {
	if !o.Valid {
		return ""
	}
	return strconv.Itoa(o.V)
}

// FormatAmount writes an amount with two decimals ("" when absent).
func FormatAmount(o Opt[float64]) string {
	if !o.Valid {
		return ""
	}
	return strconv.FormatFloat(o.V, 'f', 2, 64)
}

// dx returns diagnosis i of the stay, growing the list as needed.
func dx(s *Stay, i int) *Diagnosis {
	for len(s.Diagnoses) <= i {
		s.Diagnoses = append(s.Diagnoses, Diagnosis{})
	}
	return &s.Diagnoses[i]
}

func px(s *Stay, i int) *Procedure {
	for len(s.Procedures) <= i {
		s.Procedures = append(s.Procedures, Procedure{})
	}
	return &s.Procedures[i]
}

func icu(s *Stay, i int) *ICUStay {
	for len(s.ICU) <= i {
		s.ICU = append(s.ICU, ICUStay{})
	}
	return &s.ICU[i]
}

func dxGet(i int, part func(*Diagnosis) *string) func(*Stay) string {
	return func(s *Stay) string {
		if i >= len(s.Diagnoses) {
			return ""
		}
		return *part(&s.Diagnoses[i])
	}
}

func dxSet(i int, part func(*Diagnosis) *string) func(*Stay, string) error {
	return func(s *Stay, v string) error { *part(dx(s, i)) = v; return nil }
}

func pxGet(i int, part func(*Procedure) *string) func(*Stay) string {
	return func(s *Stay) string {
		if i >= len(s.Procedures) {
			return ""
		}
		return *part(&s.Procedures[i])
	}
}

func pxSet(i int, part func(*Procedure) *string) func(*Stay, string) error {
	return func(s *Stay, v string) error { *part(px(s, i)) = v; return nil }
}

func nn(i int) string { return fmt.Sprintf("%02d", i) }

func init() {
	// Identification and demographics.
	add(text("A01", "组织机构代码", "Organisation code", "id", Required, func(s *Stay) *string { return &s.OrgCode }))
	add(text("A02", "医疗机构名称", "Hospital name", "id", Required, func(s *Stay) *string { return &s.OrgName }))
	add(text("A48", "病案号", "Medical record number", "id", Required, func(s *Stay) *string { return &s.MRN }))
	add(&Field{Code: "A49", NameCN: "住院次数", NameEN: "Admission sequence number", Kind: KindInt, Required: Required, Group: "id",
		get: func(s *Stay) string {
			if s.AdmissionNo == 0 {
				return ""
			}
			return strconv.Itoa(s.AdmissionNo)
		},
		set: func(s *Stay, v string) error {
			n, err := ParseInt(v)
			if err != nil {
				return err
			}
			if n <= 0 {
				return fmt.Errorf("住院次数必须大于0 must be > 0: %q", v)
			}
			s.AdmissionNo = n
			return nil
		}})
	// The health card number is the ID number in many regions, and the
	// employer field (A29) carries an address: both identify a patient.
	add(ident(text("A47", "健康卡号", "Health card number", "id", Optional, func(s *Stay) *string { return &s.HealthCard })))
	add(code("A46C", "医疗付费方式", "Payment method", "demographics", "RC032", Required, func(s *Stay) *string { return &s.Payment }))
	add(ident(text("A11", "姓名", "Patient name", "demographics", Required, func(s *Stay) *string { return &s.Name })))
	add(code("A12C", "性别", "Sex", "demographics", "RC001", Required, func(s *Stay) *string { return &s.Sex }))
	add(dateField("A13", "出生日期", "Date of birth", "demographics", Required, false, func(s *Stay) *time.Time { return &s.BirthDate }))
	add(intField("A14", "年龄（岁）", "Age in years", "demographics", Required, func(s *Stay) *Opt[int] { return &s.AgeYears }))
	add(intField("A16", "年龄不足1周岁的年龄（天）", "Age in days when under 1 year", "demographics", Conditional, func(s *Stay) *Opt[int] { return &s.AgeDays }))
	add(code("A15C", "国籍", "Nationality", "demographics", "RC040", Required, func(s *Stay) *string { return &s.Nationality }))
	add(code("A19C", "民族", "Ethnicity", "demographics", "RC035", Required, func(s *Stay) *string { return &s.Ethnicity }))
	add(code("A20N", "证件类别", "ID document type", "demographics", "RC038", Required, func(s *Stay) *string { return &s.IDType }))
	add(ident(text("A20", "证件号码", "ID number", "demographics", Required, func(s *Stay) *string { return &s.IDNumber })))
	add(code("A21C", "婚姻", "Marital status", "demographics", "RC002", Required, func(s *Stay) *string { return &s.Marital }))
	add(code("A38C", "职业", "Occupation", "demographics", "RC003", Required, func(s *Stay) *string { return &s.Occupation }))
	add(text("A22", "出生地址", "Birthplace", "demographics", Required, func(s *Stay) *string { return &s.BirthPlace }))
	add(code("A23C", "籍贯省（自治区、直辖市）", "Native province", "demographics", "RC036", Required, func(s *Stay) *string { return &s.NativeProvince }))
	add(ident(text("A24", "户口地址", "Registered address", "demographics", Required, func(s *Stay) *string { return &s.RegAddress })))
	add(text("A25C", "户口地址邮政编码", "Registered address postcode", "demographics", Required, func(s *Stay) *string { return &s.RegPostcode }))
	add(ident(text("A26", "现住址", "Current address", "demographics", Required, func(s *Stay) *string { return &s.Address })))
	add(ident(text("A27", "现住址电话", "Phone", "demographics", Required, func(s *Stay) *string { return &s.Phone })))
	add(text("A28C", "现住址邮政编码", "Current address postcode", "demographics", Required, func(s *Stay) *string { return &s.Postcode }))
	add(ident(text("A29", "工作单位及地址", "Employer and address", "demographics", Required, func(s *Stay) *string { return &s.Employer })))
	add(ident(text("A30", "工作单位电话", "Employer phone", "demographics", Required, func(s *Stay) *string { return &s.EmployerPhone })))
	add(text("A31C", "工作单位邮政编码", "Employer postcode", "demographics", Required, func(s *Stay) *string { return &s.EmployerPostcode }))
	add(ident(text("A32", "联系人姓名", "Contact name", "demographics", Required, func(s *Stay) *string { return &s.ContactName })))
	add(code("A33C", "联系人关系", "Contact relationship", "demographics", "RC033", Required, func(s *Stay) *string { return &s.ContactRelation }))
	add(ident(text("A34", "联系人地址", "Contact address", "demographics", Required, func(s *Stay) *string { return &s.ContactAddress })))
	add(ident(text("A35", "联系人电话", "Contact phone", "demographics", Required, func(s *Stay) *string { return &s.ContactPhone })))
	add(intField("A17", "新生儿入院体重（克）", "Newborn admission weight (g)", "newborn", Conditional, func(s *Stay) *Opt[int] { return &s.NewbornAdmWeight }))
	for i := 0; i < MaxBirthWeights; i++ {
		i := i
		f := intField("A18x"+nn(i+1), fmt.Sprintf("新生儿出生体重（克）%d", i+1), fmt.Sprintf("Newborn birth weight %d (g)", i+1), "newborn", Conditional,
			func(s *Stay) *Opt[int] { return &s.BirthWeights[i] })
		f.Index = i + 1
		add(f)
	}

	// Admission and discharge.
	add(code("B38", "是否为日间手术", "Day-surgery flag", "admission", "RC039", Required, func(s *Stay) *string { return &s.DaySurgery }))
	add(code("B11C", "入院途径", "Admission route", "admission", "RC026", Required, func(s *Stay) *string { return &s.AdmRoute }))
	add(dateField("B12", "入院时间", "Admission date-time", "admission", Required, true, func(s *Stay) *time.Time { return &s.AdmTime }))
	add(code("B13C", "入院科别", "Admission department", "admission", "RC023", Required, func(s *Stay) *string { return &s.AdmDept }))
	add(text("B14", "入院病房", "Admission ward", "admission", Required, func(s *Stay) *string { return &s.AdmWard }))
	add(&Field{Code: "B21C", NameCN: "转科科别", NameEN: "Transfer departments", Kind: KindList, Codeset: "RC023", Required: Optional, Group: "admission",
		get: func(s *Stay) string { return strings.Join(s.TransferDepts, ",") },
		set: func(s *Stay, v string) error {
			s.TransferDepts = s.TransferDepts[:0]
			for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '，' || r == ';' || r == '、' || r == '|' }) {
				if p = strings.TrimSpace(p); p != "" {
					s.TransferDepts = append(s.TransferDepts, p)
				}
			}
			return nil
		}})
	add(dateField("B15", "出院时间", "Discharge date-time", "discharge", Required, true, func(s *Stay) *time.Time { return &s.DisTime }))
	add(code("B16C", "出院科别", "Discharge department", "discharge", "RC023", Required, func(s *Stay) *string { return &s.DisDept }))
	add(text("B17", "出院病房", "Discharge ward", "discharge", Required, func(s *Stay) *string { return &s.DisWard }))
	add(intField("B20", "实际住院（天）", "Length of stay (days)", "discharge", Required, func(s *Stay) *Opt[int] { return &s.LOS }))
	add(code("B34C", "离院方式", "Discharge mode", "discharge", "RC019", Required, func(s *Stay) *string { return &s.DischargeWay }))
	add(text("B35", "医嘱转院、转社区卫生服务机构/乡镇卫生院名称", "Receiving institution", "discharge", Conditional, func(s *Stay) *string { return &s.ReceivingOrg }))
	add(code("B36C", "是否有出院31日内再住院计划", "Planned readmission within 31 days", "discharge", "RC028", Required, func(s *Stay) *string { return &s.ReadmitPlan }))
	add(text("B37", "出院31天再住院计划目的", "Purpose of planned readmission", "discharge", Conditional, func(s *Stay) *string { return &s.ReadmitPurpose }))

	// Staff.
	add(text("B22", "科主任", "Department head", "staff", Required, func(s *Stay) *string { return &s.DeptHead }))
	add(text("B23", "主（副主）任医师", "Chief/associate chief physician", "staff", Required, func(s *Stay) *string { return &s.ChiefPhysician }))
	add(text("B24", "主治医师", "Attending physician", "staff", Required, func(s *Stay) *string { return &s.Attending }))
	add(text("B25", "住院医师", "Resident physician", "staff", Required, func(s *Stay) *string { return &s.Resident }))
	add(text("B26", "责任护士", "Primary nurse", "staff", Required, func(s *Stay) *string { return &s.Nurse }))
	add(text("B27", "进修医师", "Visiting physician", "staff", Optional, func(s *Stay) *string { return &s.Visiting }))
	add(text("B28", "实习医师", "Intern", "staff", Optional, func(s *Stay) *string { return &s.Intern }))
	add(text("B29", "编码员", "Coder", "staff", Required, func(s *Stay) *string { return &s.Coder }))
	add(code("B30C", "病案质量", "Record quality grade", "staff", "RC011", Optional, func(s *Stay) *string { return &s.RecordQuality }))
	add(text("B31", "质控医师", "QC physician", "staff", Optional, func(s *Stay) *string { return &s.QCPhysician }))
	add(text("B32", "质控护师", "QC nurse", "staff", Optional, func(s *Stay) *string { return &s.QCNurse }))
	add(dateField("B33", "质控日期", "QC date", "staff", Optional, false, func(s *Stay) *time.Time { return &s.QCDate }))

	// Diagnoses.
	add(code("C01C", "门（急）诊诊断编码", "OP/ED diagnosis code", "diagnosis", "ICD10", Required, func(s *Stay) *string { return &s.OPDxCode }))
	add(text("C02N", "门（急）诊诊断名称", "OP/ED diagnosis name", "diagnosis", Required, func(s *Stay) *string { return &s.OPDxName }))
	add(code("F01", "入院时情况", "Condition at admission", "diagnosis", "RC004", Optional, func(s *Stay) *string { return &s.AdmCondition }))
	dxCode := func(d *Diagnosis) *string { return &d.Code }
	dxName := func(d *Diagnosis) *string { return &d.Name }
	dxPOA := func(d *Diagnosis) *string { return &d.POA }
	add(&Field{Code: "C03C", NameCN: "出院主要诊断编码", NameEN: "Principal diagnosis code", Kind: KindCode, Codeset: "ICD10", Required: Required, Group: "diagnosis", get: dxGet(0, dxCode), set: dxSet(0, dxCode)})
	add(&Field{Code: "C04N", NameCN: "出院主要诊断名称", NameEN: "Principal diagnosis name", Kind: KindText, Required: Required, Group: "diagnosis", get: dxGet(0, dxName), set: dxSet(0, dxName)})
	add(&Field{Code: "C05C", NameCN: "出院主要诊断入院病情", NameEN: "POA of principal diagnosis", Kind: KindCode, Codeset: "RC027", Required: Required, Group: "diagnosis", get: dxGet(0, dxPOA), set: dxSet(0, dxPOA)})
	for i := 1; i <= MaxOtherDiagnoses; i++ {
		add(&Field{Code: "C06x" + nn(i) + "C", NameCN: fmt.Sprintf("出院其他诊断编码%d", i), NameEN: fmt.Sprintf("Other diagnosis code %d", i), Kind: KindCode, Codeset: "ICD10", Required: Conditional, Group: "diagnosis", Index: i, get: dxGet(i, dxCode), set: dxSet(i, dxCode)})
		add(&Field{Code: "C07x" + nn(i) + "N", NameCN: fmt.Sprintf("出院其他诊断名称%d", i), NameEN: fmt.Sprintf("Other diagnosis name %d", i), Kind: KindText, Required: Conditional, Group: "diagnosis", Index: i, get: dxGet(i, dxName), set: dxSet(i, dxName)})
		add(&Field{Code: "C08x" + nn(i) + "C", NameCN: fmt.Sprintf("出院其他诊断入院病情%d", i), NameEN: fmt.Sprintf("POA of other diagnosis %d", i), Kind: KindCode, Codeset: "RC027", Required: Conditional, Group: "diagnosis", Index: i, get: dxGet(i, dxPOA), set: dxSet(i, dxPOA)})
	}
	add(code("C09C", "病理诊断编码", "Pathology code", "diagnosis", "M", Conditional, func(s *Stay) *string { return &s.PathologyCode }))
	add(text("C10N", "病理诊断名称", "Pathology diagnosis name", "diagnosis", Conditional, func(s *Stay) *string { return &s.PathologyName }))
	add(text("C11", "病理号", "Pathology number", "diagnosis", Conditional, func(s *Stay) *string { return &s.PathologyNo }))
	add(code("C12C", "损伤、中毒外部原因编码", "External cause code", "diagnosis", "ICD10", Conditional, func(s *Stay) *string { return &s.ExtCauseCode }))
	add(text("C13N", "损伤、中毒外部原因名称", "External cause name", "diagnosis", Conditional, func(s *Stay) *string { return &s.ExtCauseName }))
	add(code("C24C", "有无药物过敏", "Drug allergy", "diagnosis", "RC037", Required, func(s *Stay) *string { return &s.DrugAllergy }))
	add(text("C25", "过敏药物名称", "Allergen drugs", "diagnosis", Conditional, func(s *Stay) *string { return &s.AllergyDrugs }))
	add(code("C26C", "ABO血型", "ABO blood group", "diagnosis", "RC030", Required, func(s *Stay) *string { return &s.ABO }))
	add(code("C27C", "Rh血型", "Rh", "diagnosis", "RC031", Required, func(s *Stay) *string { return &s.Rh }))
	add(code("C34C", "死亡患者尸检", "Autopsy", "diagnosis", "RC016", Conditional, func(s *Stay) *string { return &s.Autopsy }))
	comaNames := []string{"天", "小时", "分钟"}
	comaEN := []string{"days", "hours", "minutes"}
	for k := 0; k < 3; k++ {
		k := k
		add(intField(fmt.Sprintf("C%d", 28+k), "颅脑损伤患者入院前昏迷时间（"+comaNames[k]+"）", "Pre-admission coma "+comaEN[k], "diagnosis", Required, func(s *Stay) *Opt[int] { return &s.ComaBefore[k] }))
	}
	for k := 0; k < 3; k++ {
		k := k
		add(intField(fmt.Sprintf("C%d", 31+k), "颅脑损伤患者入院后昏迷时间（"+comaNames[k]+"）", "Post-admission coma "+comaEN[k], "diagnosis", Required, func(s *Stay) *Opt[int] { return &s.ComaAfter[k] }))
	}

	// Procedures: principal block C14x01C…C23x01, other procedures C35xNNC…C44xNN.
	addProcedure := func(i int, codes [11]string, cnPrefix string, enPrefix string, idx int) {
		parts := []struct {
			code, cn, en string
			kind         Kind
			codeset      string
			part         func(*Procedure) *string
		}{
			{codes[0], "编码", "code", KindCode, "ICD9CM3", func(p *Procedure) *string { return &p.Code }},
			{codes[1], "名称", "name", KindText, "", func(p *Procedure) *string { return &p.Name }},
			{codes[3], "级别", "level", KindCode, "RC029", func(p *Procedure) *string { return &p.Level }},
			{codes[4], "术者", "surgeon", KindText, "", func(p *Procedure) *string { return &p.Surgeon }},
			{codes[5], "Ⅰ助", "first assistant", KindText, "", func(p *Procedure) *string { return &p.Assistant1 }},
			{codes[6], "Ⅱ助", "second assistant", KindText, "", func(p *Procedure) *string { return &p.Assistant2 }},
			{codes[7], "切口愈合等级", "wound class/healing", KindCode, "RC014", func(p *Procedure) *string { return &p.Incision }},
			{codes[8], "麻醉方式", "anaesthesia", KindCode, "RC013", func(p *Procedure) *string { return &p.Anaesthesia }},
			{codes[9], "麻醉医师", "anaesthetist", KindText, "", func(p *Procedure) *string { return &p.Anaesthetist }},
			{codes[10], "择期手术", "elective (1) or emergency (2)", KindCode, "YS_ELECTIVE", func(p *Procedure) *string { return &p.Elective }},
		}
		for j, pt := range parts {
			f := &Field{Code: pt.code, NameCN: cnPrefix + pt.cn, NameEN: enPrefix + " " + pt.en, Kind: pt.kind, Codeset: pt.codeset,
				Required: Conditional, Group: "procedure", Index: idx, get: pxGet(i, pt.part), set: pxSet(i, pt.part)}
			if pt.code == codes[10] {
				f.Group = "extension"
				f.Required = Optional
			}
			add(f)
			if j == 1 { // the date comes third in the national order
				add(&Field{Code: codes[2], NameCN: cnPrefix + "日期", NameEN: enPrefix + " date", Kind: KindDateTime, Required: Conditional, Group: "procedure", Index: idx,
					get: func(s *Stay) string {
						if i >= len(s.Procedures) {
							return ""
						}
						return FormatDateTime(s.Procedures[i].Date)
					},
					set: func(s *Stay, v string) error {
						t, err := ParseDateTime(v)
						if err != nil {
							return err
						}
						px(s, i).Date = t
						return nil
					}})
			}
		}
	}
	addProcedure(0, [11]string{"C14x01C", "C15x01N", "C16x01", "C17x01", "C18x01", "C19x01", "C20x01", "C21x01C", "C22x01C", "C23x01", "YS10x01"}, "主要手术操作", "Principal procedure", 1)
	for i := 1; i <= MaxOtherProcedures; i++ {
		n := nn(i)
		addProcedure(i, [11]string{"C35x" + n + "C", "C36x" + n + "N", "C37x" + n, "C38x" + n, "C39x" + n, "C40x" + n, "C41x" + n, "C42x" + n + "C", "C43x" + n + "C", "C44x" + n, "YS11x" + n},
			fmt.Sprintf("其他手术操作%d", i), fmt.Sprintf("Other procedure %d", i), i)
	}

	// Intensive care, ventilation, transfusion.
	add(intField("C47", "有创呼吸机使用时间（小时）", "Invasive ventilation hours", "icu", Optional, func(s *Stay) *Opt[int] { return &s.VentHours }))
	for i := 0; i < MaxICUStays; i++ {
		i := i
		n := nn(i + 1)
		add(&Field{Code: "C48x" + n + "C", NameCN: "重症监护室名称" + strconv.Itoa(i+1), NameEN: "ICU type " + strconv.Itoa(i+1), Kind: KindCode, Codeset: "RC015", Required: Optional, Group: "icu", Index: i + 1,
			get: func(s *Stay) string {
				if i >= len(s.ICU) {
					return ""
				}
				return s.ICU[i].Type
			},
			set: func(s *Stay, v string) error { icu(s, i).Type = v; return nil }})
		for k, nm := range []string{"进入时间", "退出时间"} {
			k := k
			add(&Field{Code: fmt.Sprintf("C%dx%s", 49+k, n), NameCN: "重症监护室" + nm + strconv.Itoa(i+1), NameEN: []string{"ICU entry time ", "ICU exit time "}[k] + strconv.Itoa(i+1), Kind: KindDateTime, Required: Optional, Group: "icu", Index: i + 1,
				get: func(s *Stay) string {
					if i >= len(s.ICU) {
						return ""
					}
					if k == 0 {
						return FormatDateTime(s.ICU[i].In)
					}
					return FormatDateTime(s.ICU[i].Out)
				},
				set: func(s *Stay, v string) error {
					t, err := ParseDateTime(v)
					if err != nil {
						return err
					}
					if k == 0 {
						icu(s, i).In = t
					} else {
						icu(s, i).Out = t
					}
					return nil
				}})
		}
	}
	add(code("F21", "输血反应", "Transfusion reaction", "transfusion", "RC018", Conditional, func(s *Stay) *string { return &s.TransfusionReaction }))

	// Costs.
	costNames := [NumCostItems][2]string{
		{"住院总费用", "Total inpatient cost"}, {"住院总费用其中自付金额", "Self-paid part"},
		{"一般医疗服务费", "General medical service fee"}, {"一般治疗操作费", "General treatment procedure fee"},
		{"护理费", "Nursing fee"}, {"综合医疗服务类其他费用", "Other general service fees"},
		{"病理诊断费", "Pathology diagnosis fee"}, {"实验室诊断费", "Laboratory fee"},
		{"影像学诊断费", "Imaging fee"}, {"临床诊断项目费", "Clinical diagnostic items fee"},
		{"非手术治疗项目费", "Non-surgical treatment fee"}, {"临床物理治疗费", "of which clinical physical therapy"},
		{"手术治疗费", "Surgical treatment fee"}, {"麻醉费", "of which anaesthesia"}, {"手术费", "of which operation"},
		{"康复费", "Rehabilitation fee"}, {"中医治疗费", "TCM treatment fee"},
		{"西药费", "Western drugs"}, {"抗菌药物费", "of which antibiotics"},
		{"中成药费", "Chinese patent medicines"}, {"中草药费", "Chinese herbal medicines"},
		{"血费", "Blood"}, {"白蛋白类制品费", "Albumin products"}, {"球蛋白类制品费", "Globulin products"},
		{"凝血因子类制品费", "Coagulation factor products"}, {"细胞因子类制品费", "Cytokine products"},
		{"检查用一次性医用材料费", "Disposable materials for examinations"},
		{"治疗用一次性医用材料费", "Disposable materials for treatment"},
		{"手术用一次性医用材料费", "Disposable materials for surgery"}, {"其他费", "Other fees"},
	}
	for c := CostItem(0); c < NumCostItems; c++ {
		c := c
		req := Optional
		if c == CostTotal || c == CostSelfPaid {
			req = Required
		}
		add(&Field{Code: CostCodes[c], NameCN: costNames[c][0], NameEN: costNames[c][1], Kind: KindDecimal, Required: req, Group: "cost",
			get: func(s *Stay) string { return FormatAmount(s.Costs[c]) },
			set: func(s *Stay, v string) error {
				f, err := ParseDecimal(v)
				if err != nil {
					return err
				}
				s.Costs[c] = Some(f)
				return nil
			}})
	}

	// Yardstick extensions (not in the national interface).
	add(text("YS01", "院区", "Campus", "extension", Optional, func(s *Stay) *string { return &s.Campus }))
	add(code("YS02", "诊断编码体系", "Diagnosis code system", "extension", "YS_DXSYS", Optional, func(s *Stay) *string { return &s.DxCodeSystem }))
	add(code("YS03", "手术操作编码体系", "Procedure code system", "extension", "YS_PXSYS", Optional, func(s *Stay) *string { return &s.PxCodeSystem }))
}
