package store

import (
	"fmt"
	"strings"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// colKind is how a scalar front-page field is stored.
type colKind int

const (
	colText  colKind = iota // VARCHAR, NULL when ""
	colInt                  // INTEGER, NULL when !Valid
	colFloat                // DOUBLE, NULL when !Valid
	colDate                 // DATE, NULL when zero
	colTime                 // TIMESTAMP, NULL when zero
	colList                 // VARCHAR, comma-joined list, NULL when empty
)

var sqlTypes = [...]string{colText: "VARCHAR", colInt: "BIGINT", colFloat: "DOUBLE", colDate: "DATE", colTime: "TIMESTAMP", colList: "VARCHAR"}

// stayCol maps one scalar field of the registry to one column of stays.
// Exactly one accessor matching kind is set. The accessors return pointers
// into the Stay so the same table serves writing (append) and reading
// (scan) without formatting values to text and parsing them back, which
// matters on the import hot path.
type stayCol struct {
	Name string // column name in stays
	Code string // national field code (frontpage.FieldByCode)
	Kind colKind
	// Packed text fields (colText, colList) are not a column of their own
	// but one field of the packed column (packedColumn); see packedKeep.
	Packed bool
	str    func(*frontpage.Stay) *string
	num    func(*frontpage.Stay) *frontpage.Opt[int]
	amt    func(*frontpage.Stay) *frontpage.Opt[float64]
	tm     func(*frontpage.Stay) *time.Time
	list   func(*frontpage.Stay) *[]string
}

type S = frontpage.Stay

func txt(name, code string, p func(*S) *string) stayCol {
	return stayCol{Name: name, Code: code, Kind: colText, str: p}
}
func num(name, code string, p func(*S) *frontpage.Opt[int]) stayCol {
	return stayCol{Name: name, Code: code, Kind: colInt, num: p}
}
func date(name, code string, p func(*S) *time.Time) stayCol {
	return stayCol{Name: name, Code: code, Kind: colDate, tm: p}
}
func ts(name, code string, p func(*S) *time.Time) stayCol {
	return stayCol{Name: name, Code: code, Kind: colTime, tm: p}
}

// stayCols is the single mapping between the field registry and the stays
// table, in column order after stay_id, import_id and admission_no (the key
// column A49 is a plain int in the model and handled separately). The
// migration 0001 must list the same columns; TestStayColumnsMatchSchema and
// TestStayColumnsCoverRegistry keep the three in step.
var stayCols = func() []stayCol {
	c := []stayCol{
		txt("org_code", "A01", func(s *S) *string { return &s.OrgCode }),
		txt("org_name", "A02", func(s *S) *string { return &s.OrgName }),
		txt("mrn", "A48", func(s *S) *string { return &s.MRN }),
		txt("health_card", "A47", func(s *S) *string { return &s.HealthCard }),
		txt("payment", "A46C", func(s *S) *string { return &s.Payment }),
		txt("campus", "YS01", func(s *S) *string { return &s.Campus }),
		txt("name", "A11", func(s *S) *string { return &s.Name }),
		txt("sex", "A12C", func(s *S) *string { return &s.Sex }),
		date("birth_date", "A13", func(s *S) *time.Time { return &s.BirthDate }),
		num("age_years", "A14", func(s *S) *frontpage.Opt[int] { return &s.AgeYears }),
		num("age_days", "A16", func(s *S) *frontpage.Opt[int] { return &s.AgeDays }),
		txt("nationality", "A15C", func(s *S) *string { return &s.Nationality }),
		txt("ethnicity", "A19C", func(s *S) *string { return &s.Ethnicity }),
		txt("id_type", "A20N", func(s *S) *string { return &s.IDType }),
		txt("id_number", "A20", func(s *S) *string { return &s.IDNumber }),
		txt("marital", "A21C", func(s *S) *string { return &s.Marital }),
		txt("occupation", "A38C", func(s *S) *string { return &s.Occupation }),
		txt("birth_place", "A22", func(s *S) *string { return &s.BirthPlace }),
		txt("native_province", "A23C", func(s *S) *string { return &s.NativeProvince }),
		txt("reg_address", "A24", func(s *S) *string { return &s.RegAddress }),
		txt("reg_postcode", "A25C", func(s *S) *string { return &s.RegPostcode }),
		txt("address", "A26", func(s *S) *string { return &s.Address }),
		txt("phone", "A27", func(s *S) *string { return &s.Phone }),
		txt("postcode", "A28C", func(s *S) *string { return &s.Postcode }),
		txt("employer", "A29", func(s *S) *string { return &s.Employer }),
		txt("employer_phone", "A30", func(s *S) *string { return &s.EmployerPhone }),
		txt("employer_postcode", "A31C", func(s *S) *string { return &s.EmployerPostcode }),
		txt("contact_name", "A32", func(s *S) *string { return &s.ContactName }),
		txt("contact_relation", "A33C", func(s *S) *string { return &s.ContactRelation }),
		txt("contact_address", "A34", func(s *S) *string { return &s.ContactAddress }),
		txt("contact_phone", "A35", func(s *S) *string { return &s.ContactPhone }),
		num("newborn_adm_weight", "A17", func(s *S) *frontpage.Opt[int] { return &s.NewbornAdmWeight }),
	}
	for i := 0; i < frontpage.MaxBirthWeights; i++ {
		i := i
		c = append(c, num(sprintf("birth_weight_%d", i+1), sprintf("A18x%02d", i+1), func(s *S) *frontpage.Opt[int] { return &s.BirthWeights[i] }))
	}
	c = append(c,
		txt("day_surgery", "B38", func(s *S) *string { return &s.DaySurgery }),
		txt("adm_route", "B11C", func(s *S) *string { return &s.AdmRoute }),
		ts("adm_time", "B12", func(s *S) *time.Time { return &s.AdmTime }),
		txt("adm_dept", "B13C", func(s *S) *string { return &s.AdmDept }),
		txt("adm_ward", "B14", func(s *S) *string { return &s.AdmWard }),
		stayCol{Name: "transfer_depts", Code: "B21C", Kind: colList, list: func(s *S) *[]string { return &s.TransferDepts }},
		ts("dis_time", "B15", func(s *S) *time.Time { return &s.DisTime }),
		txt("dis_dept", "B16C", func(s *S) *string { return &s.DisDept }),
		txt("dis_ward", "B17", func(s *S) *string { return &s.DisWard }),
		num("los", "B20", func(s *S) *frontpage.Opt[int] { return &s.LOS }),
		txt("discharge_way", "B34C", func(s *S) *string { return &s.DischargeWay }),
		txt("receiving_org", "B35", func(s *S) *string { return &s.ReceivingOrg }),
		txt("readmit_plan", "B36C", func(s *S) *string { return &s.ReadmitPlan }),
		txt("readmit_purpose", "B37", func(s *S) *string { return &s.ReadmitPurpose }),
		txt("dept_head", "B22", func(s *S) *string { return &s.DeptHead }),
		txt("chief_physician", "B23", func(s *S) *string { return &s.ChiefPhysician }),
		txt("attending", "B24", func(s *S) *string { return &s.Attending }),
		txt("resident", "B25", func(s *S) *string { return &s.Resident }),
		txt("nurse", "B26", func(s *S) *string { return &s.Nurse }),
		txt("visiting", "B27", func(s *S) *string { return &s.Visiting }),
		txt("intern", "B28", func(s *S) *string { return &s.Intern }),
		txt("coder", "B29", func(s *S) *string { return &s.Coder }),
		txt("record_quality", "B30C", func(s *S) *string { return &s.RecordQuality }),
		txt("qc_physician", "B31", func(s *S) *string { return &s.QCPhysician }),
		txt("qc_nurse", "B32", func(s *S) *string { return &s.QCNurse }),
		date("qc_date", "B33", func(s *S) *time.Time { return &s.QCDate }),
		txt("dx_code_system", "YS02", func(s *S) *string { return &s.DxCodeSystem }),
		txt("op_dx_code", "C01C", func(s *S) *string { return &s.OPDxCode }),
		txt("op_dx_name", "C02N", func(s *S) *string { return &s.OPDxName }),
		txt("adm_condition", "F01", func(s *S) *string { return &s.AdmCondition }),
		txt("pathology_code", "C09C", func(s *S) *string { return &s.PathologyCode }),
		txt("pathology_name", "C10N", func(s *S) *string { return &s.PathologyName }),
		txt("pathology_no", "C11", func(s *S) *string { return &s.PathologyNo }),
		txt("ext_cause_code", "C12C", func(s *S) *string { return &s.ExtCauseCode }),
		txt("ext_cause_name", "C13N", func(s *S) *string { return &s.ExtCauseName }),
		txt("drug_allergy", "C24C", func(s *S) *string { return &s.DrugAllergy }),
		txt("allergy_drugs", "C25", func(s *S) *string { return &s.AllergyDrugs }),
		txt("abo", "C26C", func(s *S) *string { return &s.ABO }),
		txt("rh", "C27C", func(s *S) *string { return &s.Rh }),
		txt("autopsy", "C34C", func(s *S) *string { return &s.Autopsy }),
	)
	for k, unit := range []string{"days", "hours", "minutes"} {
		k := k
		c = append(c, num("coma_before_"+unit, sprintf("C%d", 28+k), func(s *S) *frontpage.Opt[int] { return &s.ComaBefore[k] }))
	}
	for k, unit := range []string{"days", "hours", "minutes"} {
		k := k
		c = append(c, num("coma_after_"+unit, sprintf("C%d", 31+k), func(s *S) *frontpage.Opt[int] { return &s.ComaAfter[k] }))
	}
	c = append(c,
		txt("px_code_system", "YS03", func(s *S) *string { return &s.PxCodeSystem }),
		num("vent_hours", "C47", func(s *S) *frontpage.Opt[int] { return &s.VentHours }),
		txt("transfusion_reaction", "F21", func(s *S) *string { return &s.TransfusionReaction }),
	)
	for ci := frontpage.CostItem(0); ci < frontpage.NumCostItems; ci++ {
		ci := ci
		code := frontpage.CostCodes[ci]
		c = append(c, stayCol{Name: lower(code), Code: code, Kind: colFloat,
			amt: func(s *S) *frontpage.Opt[float64] { return &s.Costs[ci] }})
	}
	return c
}()

// Packed text fields. Every text field of stays that no SQL of Yardstick
// filters, groups, joins or selects on is stored as one field of a single
// VARCHAR column instead of a column of its own: DuckDB's per-column work
// when loading (compression analysis, string statistics, HyperLogLog per
// segment) was the largest part of the import's critical path with ~120
// columns (docs/storage.md, "Import speed"). Migration 0002 converts stores
// created before.
//
// Format: the fields in stayCols order joined by \x1f; inside a field ESC
// (\x1b) is written as ESC '0' and \x1f as ESC '1', so the separator never
// occurs in a value and SQL can unpack with string_split (unpackSQL). A
// field is "" when absent (NULL in the column view).
const (
	packedColumn = "text_fields"
	packSep      = '\x1f'
	packEsc      = '\x1b'
)

// packedKeep are the text columns that stay columns of their own because
// SQL in the repository uses them (filters, joins, the stay list, grouping
// inputs, report headers). Adding a name here needs a migration that
// unpacks the field back into a column.
var packedKeep = map[string]bool{
	"org_code": true, "org_name": true, "mrn": true, "campus": true, "name": true, "sex": true,
	"day_surgery": true, "dis_dept": true, "discharge_way": true, "coder": true,
	"dx_code_system": true, "px_code_system": true,
}

// packedIdx are the stayCols indexes of the packed fields, in field order.
var packedIdx = func() []int {
	var out []int
	for i := range stayCols {
		c := &stayCols[i]
		if (c.Kind == colText || c.Kind == colList) && !packedKeep[c.Name] {
			c.Packed = true
			out = append(out, i)
		}
	}
	return out
}()

// appendPacked appends value v of a packed field, escaped, to b.
func appendPacked(b []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case packEsc:
			b = append(b, packEsc, '0')
		case packSep:
			b = append(b, packEsc, '1')
		default:
			b = append(b, v[i])
		}
	}
	return b
}

// unpackField reverses appendPacked for one field.
func unpackField(f string) string {
	if strings.IndexByte(f, packEsc) < 0 {
		return f
	}
	b := make([]byte, 0, len(f))
	for i := 0; i < len(f); i++ {
		if f[i] == packEsc && i+1 < len(f) {
			i++
			if f[i] == '1' {
				b = append(b, packSep)
			} else {
				b = append(b, packEsc)
			}
			continue
		}
		b = append(b, f[i])
	}
	return string(b)
}

// unpackSQL is the SQL expression of packed field k (0-based) of the list
// list (string_split of the packed column): the value, NULL when absent.
func unpackSQL(list string, k int) string {
	return fmt.Sprintf("nullif(replace(replace(%s[%d], chr(27) || '1', chr(31)), chr(27) || '0', chr(27)), '')", list, k+1)
}

// stayTableCols are the columns of stays in table order with their SQL
// types: the lead columns, the unpacked stayCols, then the packed column.
func stayTableCols() [][2]string {
	out := [][2]string{{"stay_id", "BIGINT"}, {"import_id", "BIGINT"}, {"admission_no", "BIGINT"}}
	for _, c := range stayCols {
		if !c.Packed {
			out = append(out, [2]string{c.Name, sqlTypes[c.Kind]})
		}
	}
	return append(out, [2]string{packedColumn, "VARCHAR"})
}

// stayKeyCols are the leading columns of stays that are not in stayCols.
var stayLeadCols = []string{"stay_id", "import_id", "admission_no"}

// childFieldCodes reports whether a registry field is stored in a child
// table (diagnoses, procedures, ICU) rather than as a stays column.
func isChildField(f *frontpage.Field) bool {
	switch f.Group {
	case "procedure":
		return true
	case "diagnosis":
		return f.Index > 0 || f.Code == "C03C" || f.Code == "C04N" || f.Code == "C05C"
	case "icu":
		return f.Index > 0
	case "extension":
		return f.Index > 0 // YS10x01/YS11xNN: procedure elective flag
	}
	return false
}

// Packed procedure fields. The text columns of stay_procedures that no SQL
// of Yardstick reads (only code is filtered and aggregated; the other
// fields reach Go through EachStay) are stored in one column, packedColumn,
// with the same format as the packed text fields of stays (appendPacked,
// unpackField, unpackSQL), in pxPacked order. Migration 0003 converts
// stores created before. stay_procedures keeps stay_id, seq, code and
// op_date as columns of their own.
type pxField struct {
	Name string // column name in the unpacked layout (migration 0001)
	str  func(*frontpage.Procedure) *string
}

var pxPacked = []pxField{
	{"name", func(p *frontpage.Procedure) *string { return &p.Name }},
	{"level", func(p *frontpage.Procedure) *string { return &p.Level }},
	{"surgeon", func(p *frontpage.Procedure) *string { return &p.Surgeon }},
	{"assistant1", func(p *frontpage.Procedure) *string { return &p.Assistant1 }},
	{"assistant2", func(p *frontpage.Procedure) *string { return &p.Assistant2 }},
	{"incision", func(p *frontpage.Procedure) *string { return &p.Incision }},
	{"anaesthesia", func(p *frontpage.Procedure) *string { return &p.Anaesthesia }},
	{"anaesthetist", func(p *frontpage.Procedure) *string { return &p.Anaesthetist }},
	{"elective", func(p *frontpage.Procedure) *string { return &p.Elective }},
}

// pxUnpackedCols is the column order of stay_procedures before packing
// (migration 0001), which the Parquet export keeps.
var pxUnpackedCols = []string{"stay_id", "seq", "code", "name", "op_date", "level", "surgeon", "assistant1",
	"assistant2", "incision", "anaesthesia", "anaesthetist", "elective"}

// appendPackedProcedure appends the packed fields of p to b.
func appendPackedProcedure(b []byte, p *frontpage.Procedure) []byte {
	for k := range pxPacked {
		if k > 0 {
			b = append(b, packSep)
		}
		b = appendPacked(b, *pxPacked[k].str(p))
	}
	return b
}

// pxPackedSQL is the packed column of stay_procedures with NULL read as all
// fields absent.
var pxPackedSQL = "coalesce(" + packedColumn + ", repeat(chr(31), " + fmt.Sprint(len(pxPacked)-1) + "))"

// proceduresExportSQL selects stay_procedures in its unpacked layout.
func proceduresExportSQL() string {
	sel := make([]string, 0, len(pxUnpackedCols))
	for _, c := range pxUnpackedCols {
		expr := c
		for k, f := range pxPacked {
			if f.Name == c {
				expr = unpackSQL("_f", k) + " AS " + c
			}
		}
		sel = append(sel, expr)
	}
	return "SELECT " + strings.Join(sel, ", ") + " FROM (SELECT *, string_split(" + pxPackedSQL + ", chr(31)) AS _f FROM stay_procedures)"
}
