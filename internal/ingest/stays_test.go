package ingest

import (
	"fmt"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

func dt(y, m, d, h, mi int) time.Time { return time.Date(y, time.Month(m), d, h, mi, 0, 0, time.UTC) }

// testStays builds stays covering every field kind: text with Chinese,
// codes, integers, dates, date-times, lists, amounts with decimals, newborn
// weights, ICU stays, and one stay with 40 other diagnoses and 41
// procedures. They are already normalised, as ReadFrontPages returns them.
func testStays() []frontpage.Stay {
	base := func(i int) frontpage.Stay {
		s := frontpage.Stay{
			OrgCode: "12345678-9", OrgName: "示例市第一人民医院", MRN: fmt.Sprintf("BA%06d", i), AdmissionNo: 1 + i%3,
			HealthCard: "HC" + fmt.Sprint(i), Payment: "1", Name: "张三", Sex: "1", BirthDate: dt(1960, 5, 17, 0, 0),
			AgeYears: frontpage.Some(61), Nationality: "CHN", Ethnicity: "01", IDType: "1", IDNumber: "110101196005170011",
			Marital: "20", Occupation: "17", BirthPlace: "北京市东城区", NativeProvince: "11", RegAddress: "北京市东城区某街1号",
			RegPostcode: "100010", Address: "北京市朝阳区“某”小区, 3号楼", Phone: "13800000000", Postcode: "100020",
			Employer: "某公司", EmployerPhone: "010-1234", EmployerPostcode: "100030", ContactName: "李四", ContactRelation: "2",
			ContactAddress: "同上", ContactPhone: "13900000000", DaySurgery: "0", AdmRoute: "2",
			AdmTime: dt(2021, 3, 5, 8, 30), AdmDept: "0302", AdmWard: "心内一病区", DisTime: dt(2021, 3, 12, 10, 0),
			DisDept: "0302", DisWard: "心内一病区", LOS: frontpage.Some(7), DischargeWay: "1", ReadmitPlan: "1",
			DeptHead: "王主任", ChiefPhysician: "赵医师", Attending: "钱医师", Resident: "孙医师", Nurse: "周护士", Coder: "吴编码",
			RecordQuality: "1", QCPhysician: "郑医师", QCNurse: "冯护士", QCDate: dt(2021, 3, 13, 0, 0),
			OPDxCode: "I20.000", OPDxName: "不稳定型心绞痛", AdmCondition: "2",
			Diagnoses: []frontpage.Diagnosis{
				{Code: "I20.000", Name: "不稳定型心绞痛", POA: "1"},
				{Code: "I10.x00", Name: "高血压", POA: "1"},
				{Code: "E11.900", Name: "2型糖尿病", POA: "1"},
			},
			DrugAllergy: "1", ABO: "1", Rh: "2",
			DxCodeSystem: frontpage.DefaultDxS, PxCodeSystem: frontpage.DefaultPxS,
		}
		s.Costs[frontpage.CostTotal] = frontpage.Some(23456.78)
		s.Costs[frontpage.CostSelfPaid] = frontpage.Some(1234.5)
		s.Costs[frontpage.CostWesternDrugs] = frontpage.Some(5000.01)
		s.Costs[frontpage.CostAntibiotics] = frontpage.Some(0.0)
		return s
	}
	var out []frontpage.Stay

	s := base(1) // a surgical stay with ICU, ventilation, transfers and coma times
	s.TransferDepts = []string{"0303", "0401"}
	s.Procedures = []frontpage.Procedure{
		{Code: "36.0601", Name: "冠状动脉支架置入术", Date: dt(2021, 3, 6, 9, 0), Level: "3", Surgeon: "赵医师", Assistant1: "钱医师",
			Assistant2: "孙医师", Incision: "0", Anaesthesia: "02", Anaesthetist: "陈医师", Elective: "1"},
		{Code: "88.5501", Name: "冠状动脉造影", Date: dt(2021, 3, 6, 8, 0), Level: "2", Surgeon: "赵医师", Incision: "5", Anaesthesia: "02"},
	}
	s.VentHours = frontpage.Some(12)
	s.ICU = []frontpage.ICUStay{{Type: "01", In: dt(2021, 3, 6, 11, 0), Out: dt(2021, 3, 8, 9, 0)}, {Type: "07", In: dt(2021, 3, 9, 1, 0), Out: dt(2021, 3, 9, 20, 0)}}
	s.ComaBefore = [3]frontpage.Opt[int]{frontpage.Some(0), frontpage.Some(2), frontpage.Some(30)}
	s.ComaAfter = [3]frontpage.Opt[int]{frontpage.Some(1), frontpage.Some(0), frontpage.Some(0)}
	s.Costs[frontpage.CostSurgical] = frontpage.Some(8000.5)
	s.Costs[frontpage.CostOperation] = frontpage.Some(6000.0)
	s.PathologyCode, s.PathologyName, s.PathologyNo = "M8140/3", "腺癌", "P2021-001"
	s.Campus = "东院"
	out = append(out, s)

	s = base(2) // a newborn
	s.AgeYears = frontpage.Opt[int]{}
	s.AgeDays = frontpage.Some(105)
	s.BirthDate = dt(2020, 11, 20, 0, 0)
	s.NewbornAdmWeight = frontpage.Some(3150)
	s.BirthWeights[0] = frontpage.Some(3200)
	s.BirthWeights[1] = frontpage.Some(2980)
	s.DischargeWay = "5"
	s.Autopsy = "2"
	s.ExtCauseCode, s.ExtCauseName = "W19.x00", "跌倒"
	s.ReceivingOrg = ""
	s.TransfusionReaction = "2"
	s.DxCodeSystem, s.PxCodeSystem = frontpage.DxYibao2, frontpage.PxYibao2
	out = append(out, s)

	s = base(3) // the maximum: 40 other diagnoses and 41 procedures, 5 ICU stays
	s.Diagnoses = s.Diagnoses[:1]
	for i := 1; i <= frontpage.MaxOtherDiagnoses; i++ {
		s.Diagnoses = append(s.Diagnoses, frontpage.Diagnosis{Code: fmt.Sprintf("R%02d.%03d", i%100, i), Name: fmt.Sprintf("其他诊断%d", i), POA: fmt.Sprint(1 + i%4)})
	}
	incisions := []string{"0", "1", "2", "3", "10", "4", "5", "6", "20", "7", "8", "9", "30"}
	for i := 0; i <= frontpage.MaxOtherProcedures; i++ {
		s.Procedures = append(s.Procedures, frontpage.Procedure{Code: fmt.Sprintf("%02d.%02d", 10+i, i), Name: fmt.Sprintf("手术%d", i),
			Date: dt(2021, 3, 6, i%24, i), Level: fmt.Sprint(1 + i%4), Surgeon: "术者" + fmt.Sprint(i),
			Incision: incisions[i%len(incisions)], Anaesthesia: "0" + fmt.Sprint(1+i%9), Elective: fmt.Sprint(1 + i%2)})
	}
	for i := 0; i < frontpage.MaxICUStays; i++ {
		s.ICU = append(s.ICU, frontpage.ICUStay{Type: fmt.Sprintf("%02d", i+1), In: dt(2021, 3, 6+i, 1, 0), Out: dt(2021, 3, 6+i, 23, 0)})
	}
	for i := 0; i < frontpage.MaxBirthWeights; i++ {
		s.BirthWeights[i] = frontpage.Some(2000 + 100*i)
	}
	for c := frontpage.CostItem(0); c < frontpage.NumCostItems; c++ {
		s.Costs[c] = frontpage.Some(float64(int(c)*1000+17) / 100)
	}
	s.AdmTime, s.DisTime = dt(2021, 3, 5, 8, 30), dt(2021, 4, 30, 16, 45)
	s.ReadmitPlan, s.ReadmitPurpose = "2", "化疗"
	s.DrugAllergy, s.AllergyDrugs = "2", "青霉素"
	out = append(out, s)

	s = base(4) // a minimal stay: many fields blank
	s.OrgName, s.Name, s.IDNumber, s.Address = "", "", "", ""
	s.Diagnoses = []frontpage.Diagnosis{{Code: "J18.900"}}
	s.Costs = [frontpage.NumCostItems]frontpage.Opt[float64]{}
	s.Costs[frontpage.CostTotal] = frontpage.Some(0.01)
	out = append(out, s)
	return out
}
