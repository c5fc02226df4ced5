// Package frontpage is the case model of Yardstick: one inpatient stay is one
// 住院病案首页 (inpatient front page), following the national performance
// assessment upload interface (field codes A01…, B…, C…, D…, F…).
//
// Codes (diagnoses, procedures, code-table values) are kept exactly as the
// source file gives them; the diagnosis and procedure code systems are
// recorded with the stay so later steps (quality checks, DRG crosswalks) know
// what they are reading.
package frontpage

import "time"

// Opt is an optional value: Valid is false when the source left the field
// empty (or "-"), which is different from a recorded zero.
type Opt[T any] struct {
	V     T
	Valid bool
}

// Some returns a present optional value.
func Some[T any](v T) Opt[T] { return Opt[T]{V: v, Valid: true} }

// Code systems for diagnoses and procedures.
const (
	DxYibao2   = "ICD10-YB2.0" // ICD-10 医保版 2.0
	DxGuolin2  = "ICD10-GL2.0" // ICD-10 国家临床版 2.0
	PxYibao2   = "ICD9CM3-YB2.0"
	PxGuolin3  = "ICD9CM3-GL3.0"
	DefaultDxS = DxGuolin2 // the front page is coded in the clinical versions (NOTES §2.2)
	DefaultPxS = PxGuolin3
)

// Limits of the national interface.
const (
	MaxOtherDiagnoses  = 40
	MaxOtherProcedures = 40
	MaxICUStays        = 5
	MaxBirthWeights    = 5
)

// DischargeDeath is 离院方式 (B34C, RC019) code 5: died in hospital.
const DischargeDeath = "5"

// Stay is one inpatient episode (one front page). Field comments give the
// national interface code.
type Stay struct {
	// Identification of the episode: (OrgCode, MRN, AdmissionNo) is the key.
	OrgCode     string // A01 组织机构代码
	OrgName     string // A02 医疗机构名称
	MRN         string // A48 病案号
	AdmissionNo int    // A49 住院次数 (0 = missing)
	HealthCard  string // A47 健康卡号
	Payment     string // A46C 医疗付费方式 RC032
	Campus      string // YS01 院区 (Yardstick extension; empty for single-campus hospitals)

	// Patient.
	Name             string    // A11 姓名 (identity: never log)
	Sex              string    // A12C 性别 RC001
	BirthDate        time.Time // A13 出生日期
	AgeYears         Opt[int]  // A14 年龄（岁）
	AgeDays          Opt[int]  // A16 年龄不足1周岁的年龄（天）
	Nationality      string    // A15C 国籍
	Ethnicity        string    // A19C 民族 RC035
	IDType           string    // A20N 证件类别 RC038
	IDNumber         string    // A20 证件号码 (identity: never log)
	Marital          string    // A21C 婚姻 RC002
	Occupation       string    // A38C 职业 RC003
	BirthPlace       string    // A22 出生地址
	NativeProvince   string    // A23C 籍贯省 RC036
	RegAddress       string    // A24 户口地址
	RegPostcode      string    // A25C 户口地址邮编
	Address          string    // A26 现住址
	Phone            string    // A27 现住址电话
	Postcode         string    // A28C 现住址邮编
	Employer         string    // A29 工作单位及地址
	EmployerPhone    string    // A30 工作单位电话
	EmployerPostcode string    // A31C 工作单位邮编
	ContactName      string    // A32 联系人姓名
	ContactRelation  string    // A33C 联系人关系 RC033
	ContactAddress   string    // A34 联系人地址
	ContactPhone     string    // A35 联系人电话

	NewbornAdmWeight Opt[int]                  // A17 新生儿入院体重（克）
	BirthWeights     [MaxBirthWeights]Opt[int] // A18x01..A18x05 新生儿出生体重（克）

	// Admission and discharge.
	DaySurgery     string    // B38 是否为日间手术 RC039 (0/1)
	AdmRoute       string    // B11C 入院途径 RC026
	AdmTime        time.Time // B12 入院时间
	AdmDept        string    // B13C 入院科别
	AdmWard        string    // B14 入院病房
	TransferDepts  []string  // B21C 转科科别, in order
	DisTime        time.Time // B15 出院时间
	DisDept        string    // B16C 出院科别
	DisWard        string    // B17 出院病房
	LOS            Opt[int]  // B20 实际住院（天）
	DischargeWay   string    // B34C 离院方式 RC019
	ReceivingOrg   string    // B35 拟接收医疗机构名称
	ReadmitPlan    string    // B36C 出院31天内再住院计划 RC028 (1 无, 2 有)
	ReadmitPurpose string    // B37 再住院目的

	// Staff signatures.
	DeptHead       string    // B22 科主任
	ChiefPhysician string    // B23 主（副主）任医师
	Attending      string    // B24 主治医师
	Resident       string    // B25 住院医师
	Nurse          string    // B26 责任护士
	Visiting       string    // B27 进修医师
	Intern         string    // B28 实习医师
	Coder          string    // B29 编码员
	RecordQuality  string    // B30C 病案质量 RC011
	QCPhysician    string    // B31 质控医师
	QCNurse        string    // B32 质控护师
	QCDate         time.Time // B33 质控日期

	// Diagnoses.
	DxCodeSystem  string // YS02 诊断编码体系 (DxGuolin2 / DxYibao2)
	OPDxCode      string // C01C 门（急）诊诊断编码
	OPDxName      string // C02N 门（急）诊诊断名称
	AdmCondition  string // F01 入院时情况 RC004
	Diagnoses     []Diagnosis
	PathologyCode string      // C09C 病理诊断编码 (M-code)
	PathologyName string      // C10N 病理诊断名称
	PathologyNo   string      // C11 病理号
	ExtCauseCode  string      // C12C 损伤、中毒外部原因编码
	ExtCauseName  string      // C13N 损伤、中毒外部原因名称
	DrugAllergy   string      // C24C 有无药物过敏 RC037 (1 无, 2 有)
	AllergyDrugs  string      // C25 过敏药物
	ABO           string      // C26C ABO血型 RC030
	Rh            string      // C27C Rh血型 RC031
	Autopsy       string      // C34C 死亡患者尸检 RC016
	ComaBefore    [3]Opt[int] // C28 days, C29 hours, C30 minutes before admission
	ComaAfter     [3]Opt[int] // C31 days, C32 hours, C33 minutes after admission

	// Procedures: Procedures[0] is the principal procedure (C14x01C…C23x01),
	// the rest are other procedures (C35xNNC…C44xNN).
	PxCodeSystem string // YS03 手术操作编码体系 (PxGuolin3 / PxYibao2)
	Procedures   []Procedure

	// Intensive care and ventilation.
	VentHours Opt[int]  // C47 有创呼吸机使用时间（小时）
	ICU       []ICUStay // C48xNNC/C49xNN/C50xNN, up to 5

	// Transfusion.
	TransfusionReaction string // F21 输血反应 RC018

	// Costs in yuan, indexed by CostItem (D01 total, D09 self-paid, D11…D34).
	Costs [NumCostItems]Opt[float64]
}

// Diagnosis is one discharge diagnosis. Diagnoses[0] of a Stay is the
// principal diagnosis (C03C/C04N/C05C); the rest are other diagnoses
// (C06xNNC/C07xNNN/C08xNNC).
type Diagnosis struct {
	Code string
	Name string
	POA  string // 入院病情 RC027: 1 有, 2 临床未确定, 3 情况不明, 4 无
}

// Procedure is one operation or procedure line.
type Procedure struct {
	Code         string    // C14x01C / C35xNNC
	Name         string    // C15x01N / C36xNNN
	Date         time.Time // C16x01 / C37xNN
	Level        string    // C17x01 / C38xNN 手术级别 RC029 (hospital grading)
	Surgeon      string    // C18x01 / C39xNN 术者
	Assistant1   string    // C19x01 / C40xNN Ⅰ助
	Assistant2   string    // C20x01 / C41xNN Ⅱ助
	Incision     string    // C21x01C / C42xNNC 切口愈合等级 RC014
	Anaesthesia  string    // C22x01C / C43xNNC 麻醉方式 RC013
	Anaesthetist string    // C23x01 / C44xNN 麻醉医师
	Elective     string    // YS10xNN 择期/急诊 (Yardstick extension): 1 择期 elective, 2 急诊 emergency, "" unknown
}

// ICUStay is one intensive-care episode.
type ICUStay struct {
	Type string    // C48xNNC 重症监护室名称 RC015
	In   time.Time // C49xNN
	Out  time.Time // C50xNN
}

// Key identifies an episode: organisation + 病案号 + 住院次数.
type Key struct {
	OrgCode     string
	MRN         string
	AdmissionNo int
}

// Key returns the episode key of the stay.
func (s *Stay) Key() Key { return Key{s.OrgCode, s.MRN, s.AdmissionNo} }

// PrincipalDx returns the principal diagnosis code, or "".
func (s *Stay) PrincipalDx() string {
	if len(s.Diagnoses) == 0 {
		return ""
	}
	return s.Diagnoses[0].Code
}

// PrincipalPx returns the principal procedure code, or "".
func (s *Stay) PrincipalPx() string {
	if len(s.Procedures) == 0 {
		return ""
	}
	return s.Procedures[0].Code
}

// Died reports whether the patient died in hospital (B34C = 5).
func (s *Stay) Died() bool { return s.DischargeWay == DischargeDeath }

// CostItem indexes Stay.Costs.
type CostItem int

// Cost items of the front page (D01…D34). The "其中" sub-items are included.
const (
	CostTotal         CostItem = iota // D01 住院总费用
	CostSelfPaid                      // D09 其中自付金额
	CostGeneralSvc                    // D11 一般医疗服务费
	CostGeneralTreat                  // D12 一般治疗操作费
	CostNursing                       // D13 护理费
	CostOtherSvc                      // D14 综合医疗服务类其他费用
	CostPathology                     // D15 病理诊断费
	CostLab                           // D16 实验室诊断费
	CostImaging                       // D17 影像学诊断费
	CostClinicalDx                    // D18 临床诊断项目费
	CostNonSurgical                   // D19 非手术治疗项目费
	CostPhysio                        // D19x01 其中：临床物理治疗费
	CostSurgical                      // D20 手术治疗费
	CostAnaesthesia                   // D20x01 其中：麻醉费
	CostOperation                     // D20x02 其中：手术费
	CostRehab                         // D21 康复费
	CostTCMTreat                      // D22 中医治疗费
	CostWesternDrugs                  // D23 西药费
	CostAntibiotics                   // D23x01 其中：抗菌药物费
	CostPatentTCM                     // D24 中成药费
	CostHerbal                        // D25 中草药费
	CostBlood                         // D26 血费
	CostAlbumin                       // D27 白蛋白类制品费
	CostGlobulin                      // D28 球蛋白类制品费
	CostCoagulation                   // D29 凝血因子类制品费
	CostCytokine                      // D30 细胞因子类制品费
	CostExamMaterial                  // D31 检查用一次性医用材料费
	CostTreatMaterial                 // D32 治疗用一次性医用材料费
	CostSurgMaterial                  // D33 手术用一次性医用材料费
	CostOther                         // D34 其他费
	NumCostItems
)

// CostCodes gives the national field code of each cost item.
var CostCodes = [NumCostItems]string{
	"D01", "D09", "D11", "D12", "D13", "D14", "D15", "D16", "D17", "D18",
	"D19", "D19x01", "D20", "D20x01", "D20x02", "D21", "D22", "D23", "D23x01",
	"D24", "D25", "D26", "D27", "D28", "D29", "D30", "D31", "D32", "D33", "D34",
}

// IsSubItem reports whether the cost item is a "其中" part of another item
// (or the self-paid part of the total), so it must not be added to the sum of
// top-level items.
func (c CostItem) IsSubItem() bool {
	switch c {
	case CostTotal, CostSelfPaid, CostPhysio, CostAnaesthesia, CostOperation, CostAntibiotics:
		return true
	}
	return false
}

// DrugCost is the drug cost of the stay (D23 西药 + D24 中成药 + D25 中草药),
// the case-level proxy for 国考 #41.
func (s *Stay) DrugCost() float64 {
	return s.Costs[CostWesternDrugs].V + s.Costs[CostPatentTCM].V + s.Costs[CostHerbal].V
}
