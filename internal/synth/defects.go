package synth

import (
	"fmt"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// Defect kinds injected on request (--defects). The quality-check rules map
// onto these; kinds ending in "_unusable" make the row unusable at import
// (it is rejected there, not reported by a quality rule).
const (
	DefectMissingField             = "missing_required_field"              // a required field left empty
	DefectInvalidCode              = "invalid_code"                        // a diagnosis/procedure code not in the dictionary
	DefectSexDiagnosis             = "sex_incompatible_diagnosis"          // female-only code for a man, or male-only for a woman
	DefectAgeDiagnosis             = "age_incompatible_diagnosis"          // perinatal (P) code for a patient aged ≥ 1 year
	DefectDischargeBeforeAdmission = "discharge_before_admission_unusable" // B15 earlier than B12
	DefectCostSum                  = "cost_items_do_not_sum"               // D11…D34 no longer add up to D01
	DefectNewbornNoWeight          = "newborn_without_weight"              // neonate or delivery record without birth weight
	DefectDeathNoCause             = "death_without_cause"                 // death (B34C = 5) without a principal diagnosis
	DefectDuplicateStay            = "duplicate_stay_unusable"             // the same stay (org + 病案号 + 住院次数) twice
	DefectMojibakeName             = "gbk_mojibake_name"                   // the name's GBK bytes decoded as Windows-1252
)

// DefectKinds lists every defect kind, in a stable order.
func DefectKinds() []string {
	return []string{DefectMissingField, DefectInvalidCode, DefectSexDiagnosis, DefectAgeDiagnosis,
		DefectDischargeBeforeAdmission, DefectCostSum, DefectNewbornNoWeight, DefectDeathNoCause,
		DefectDuplicateStay, DefectMojibakeName}
}

// Defect is one injected defect: the stay, the field (national code) and
// the kind. Line is the line of the stay in the written CSV file (1 is the
// header); 0 when the stay was not written to a file.
type Defect struct {
	Year        int
	OrgCode     string
	MRN         string
	AdmissionNo int
	Line        int
	Field       string
	Kind        string
}

type injector struct {
	h    *Hospital
	year int
	rate float64
}

// missingFields are required fields a defect may blank out.
var missingFields = []string{"A12C", "A13", "A46C", "B11C", "B13C", "B16C", "B22", "B25", "A19C", "C05C", "B36C", "A21C"}

// apply decides from the stay's own seed whether it gets a defect (so the
// result does not depend on which worker fills it), injects it into s and
// describes it in d.
func (in *injector) apply(s *frontpage.Stay, sk *skel, r *rng, d *Defect) bool {
	if in.rate <= 0 {
		return false
	}
	r.seed(sk.seed, 0xdefec7)
	if !r.chance(in.rate) {
		return false
	}
	var kinds []string
	kinds = append(kinds, DefectMissingField, DefectInvalidCode, DefectDischargeBeforeAdmission,
		DefectCostSum, DefectDuplicateStay, DefectMojibakeName)
	if s.Sex == "1" || s.Sex == "2" {
		kinds = append(kinds, DefectSexDiagnosis)
	}
	if s.AgeYears.V >= 1 {
		kinds = append(kinds, DefectAgeDiagnosis)
	}
	neonate := s.AgeYears.V == 0 && s.AgeDays.Valid && s.AgeDays.V <= 28
	kind := kinds[r.intn(len(kinds))]
	// Stays of rare kinds get their own defects half of the time, so small
	// files still contain every kind.
	switch {
	case s.Died() && r.chance(0.5):
		kind = DefectDeathNoCause
	case (neonate || s.BirthWeights[0].Valid) && r.chance(0.5):
		kind = DefectNewbornNoWeight
	}
	*d = Defect{Year: in.year, OrgCode: s.OrgCode, MRN: s.MRN, AdmissionNo: s.AdmissionNo, Kind: kind}
	switch kind {
	case DefectMissingField:
		d.Field = missingFields[r.intn(len(missingFields))]
		clearField(s, d.Field)
	case DefectInvalidCode:
		if len(s.Procedures) > 0 && r.chance(0.4) {
			d.Field = "C14x01C"
			s.Procedures[0].Code = "99.9999x999"
		} else {
			d.Field = "C03C"
			s.Diagnoses[0].Code = fmt.Sprintf("X%02d.9%02d", 10+r.intn(80), r.intn(100)) // X-codes have no such subdivisions
		}
	case DefectSexDiagnosis:
		code, name := "N40.x00", "前列腺增生"
		if s.Sex == "1" {
			code, name = "N83.201", "卵巢囊肿"
		}
		s.Diagnoses = append(s.Diagnoses, frontpage.Diagnosis{Code: code, Name: name, POA: "1"})
		d.Field = fmt.Sprintf("C06x%02dC", len(s.Diagnoses)-1)
	case DefectAgeDiagnosis:
		s.Diagnoses = append(s.Diagnoses, frontpage.Diagnosis{Code: "P59.901", Name: "新生儿高胆红素血症", POA: "1"})
		d.Field = fmt.Sprintf("C06x%02dC", len(s.Diagnoses)-1)
	case DefectDischargeBeforeAdmission:
		s.DisTime = s.AdmTime.Add(-time.Duration(1+r.intn(72)) * time.Hour)
		d.Field = "B15"
	case DefectCostSum:
		s.Costs[frontpage.CostLab].V += float64(1+r.intn(99999)) / 100
		d.Field = "D01"
	case DefectNewbornNoWeight:
		s.NewbornAdmWeight = frontpage.Opt[int]{}
		s.BirthWeights = [frontpage.MaxBirthWeights]frontpage.Opt[int]{}
		d.Field = "A18x01"
	case DefectDeathNoCause:
		s.Diagnoses[0].Code, s.Diagnoses[0].Name = "", ""
		d.Field = "C03C"
	case DefectDuplicateStay:
		d.Field = "A48"
	case DefectMojibakeName:
		s.Name = mojibake(s.Name)
		d.Field = "A11"
	}
	return true
}

// mojibake reproduces what happens when a GBK export is read as a Western
// single-byte encoding.
func mojibake(v string) string {
	b, err := simplifiedchinese.GBK.NewEncoder().String(v)
	if err != nil {
		return v + "ï¿½"
	}
	out, err := charmap.Windows1252.NewDecoder().String(b)
	if err != nil {
		return v + "ï¿½"
	}
	return out
}

func clearField(s *frontpage.Stay, code string) {
	switch code {
	case "A12C":
		s.Sex = ""
	case "A13":
		s.BirthDate = time.Time{}
	case "A46C":
		s.Payment = ""
	case "B11C":
		s.AdmRoute = ""
	case "B13C":
		s.AdmDept = ""
	case "B16C":
		s.DisDept = ""
	case "B22":
		s.DeptHead = ""
	case "B25":
		s.Resident = ""
	case "A19C":
		s.Ethnicity = ""
	case "C05C":
		s.Diagnoses[0].POA = ""
	case "B36C":
		s.ReadmitPlan = ""
	case "A21C":
		s.Marital = ""
	}
}
