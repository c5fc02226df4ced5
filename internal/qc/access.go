package qc

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

type vkind uint8

const (
	kText vkind = iota
	kNum
	kTime
	kList
)

// acc reads one field of a stay without allocating. Item fields take the
// item index i; stay fields ignore it. List fields (B21C and the pseudo
// fields ANY_DX, OTHER_DX, ANY_PX) expose n/at.
type acc struct {
	code     string // as written in the rule (pattern for item fields)
	kind     vkind
	scope    string // "" for stay fields, else the item scope family: dx, px, icu
	identity bool
	text     func(s *frontpage.Stay, i int) string
	num      func(s *frontpage.Stay, i int) (float64, bool)
	tm       func(s *frontpage.Stay, i int) time.Time
	n        func(s *frontpage.Stay) int
	at       func(s *frontpage.Stay, i int) string
	px       bool // holds procedure codes (ICD-9-CM-3 range keys)
}

func (a *acc) present(s *frontpage.Stay, i int) bool {
	switch a.kind {
	case kNum:
		_, ok := a.num(s, i)
		return ok
	case kTime:
		return !a.tm(s, i).IsZero()
	case kList:
		return a.n(s) > 0
	}
	return a.text(s, i) != ""
}

// show renders the value for a message; identity fields are never shown.
func (a *acc) show(s *frontpage.Stay, i int) string {
	if a.identity {
		return "***"
	}
	switch a.kind {
	case kNum:
		v, ok := a.num(s, i)
		if !ok {
			return ""
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case kTime:
		t := a.tm(s, i)
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			return frontpage.FormatDate(t)
		}
		return frontpage.FormatDateTime(t)
	case kList:
		parts := make([]string, a.n(s))
		for k := range parts {
			parts[k] = a.at(s, k)
		}
		return strings.Join(parts, ",")
	}
	return a.text(s, i)
}

// concrete is the field code reported for item i.
func (a *acc) concrete(i int) string {
	switch a.scope {
	case "dx":
		if i == 0 {
			switch a.code {
			case "C06xNNC":
				return "C03C"
			case "C07xNNN":
				return "C04N"
			case "C08xNNC":
				return "C05C"
			}
		}
		return strings.Replace(a.code, "NN", nn(i), 1)
	case "px":
		if i == 0 {
			return principalPx[a.code]
		}
		return strings.Replace(a.code, "NN", nn(i), 1)
	case "icu":
		return strings.Replace(a.code, "NN", nn(i+1), 1)
	}
	return a.code
}

func nn(i int) string {
	if i < 10 {
		return "0" + strconv.Itoa(i)
	}
	return strconv.Itoa(i)
}

var principalPx = map[string]string{
	"C35xNNC": "C14x01C", "C36xNNN": "C15x01N", "C37xNN": "C16x01", "C38xNN": "C17x01", "C39xNN": "C18x01",
	"C40xNN": "C19x01", "C41xNN": "C20x01", "C42xNNC": "C21x01C", "C43xNNC": "C22x01C", "C44xNN": "C23x01",
}

func fieldName(code string, cn bool) string {
	if f, ok := frontpage.FieldByCode(code); ok {
		if cn {
			return f.NameCN
		}
		return f.NameEN
	}
	if p, ok := pseudoNames[code]; ok {
		if cn {
			return p[0]
		}
		return p[1]
	}
	return code
}

var pseudoNames = map[string][2]string{
	"ANY_DX":    {"全部诊断编码", "all diagnosis codes"},
	"OTHER_DX":  {"其他诊断编码", "other diagnosis codes"},
	"ANY_PX":    {"全部手术操作编码", "all procedure codes"},
	"AGE_DAYS":  {"年龄（天）", "age in days"},
	"AGE_YEARS": {"年龄（岁）", "age in years"},
	"LOS_HOURS": {"住院时长（小时）", "stay length in hours"},
	"ICU_HOURS": {"重症监护总时长（小时）", "total ICU hours"},
}

func dxText(part func(*frontpage.Diagnosis) string) func(*frontpage.Stay, int) string {
	return func(s *frontpage.Stay, i int) string {
		if i < 0 || i >= len(s.Diagnoses) {
			return ""
		}
		return part(&s.Diagnoses[i])
	}
}

func pxText(part func(*frontpage.Procedure) string) func(*frontpage.Stay, int) string {
	return func(s *frontpage.Stay, i int) string {
		if i < 0 || i >= len(s.Procedures) {
			return ""
		}
		return part(&s.Procedures[i])
	}
}

// itemFields are the fields of repeated items, by national pattern.
var itemFields = map[string]*acc{
	"C06xNNC": {kind: kText, scope: "dx", text: dxText(func(d *frontpage.Diagnosis) string { return d.Code })},
	"C07xNNN": {kind: kText, scope: "dx", text: dxText(func(d *frontpage.Diagnosis) string { return d.Name })},
	"C08xNNC": {kind: kText, scope: "dx", text: dxText(func(d *frontpage.Diagnosis) string { return d.POA })},
	"C35xNNC": {kind: kText, scope: "px", px: true, text: pxText(func(p *frontpage.Procedure) string { return p.Code })},
	"C36xNNN": {kind: kText, scope: "px", text: pxText(func(p *frontpage.Procedure) string { return p.Name })},
	"C37xNN": {kind: kTime, scope: "px", tm: func(s *frontpage.Stay, i int) time.Time {
		if i < 0 || i >= len(s.Procedures) {
			return time.Time{}
		}
		return s.Procedures[i].Date
	}},
	"C38xNN":  {kind: kText, scope: "px", text: pxText(func(p *frontpage.Procedure) string { return p.Level })},
	"C39xNN":  {kind: kText, scope: "px", text: pxText(func(p *frontpage.Procedure) string { return p.Surgeon })},
	"C40xNN":  {kind: kText, scope: "px", text: pxText(func(p *frontpage.Procedure) string { return p.Assistant1 })},
	"C41xNN":  {kind: kText, scope: "px", text: pxText(func(p *frontpage.Procedure) string { return p.Assistant2 })},
	"C42xNNC": {kind: kText, scope: "px", text: pxText(func(p *frontpage.Procedure) string { return p.Incision })},
	"C43xNNC": {kind: kText, scope: "px", text: pxText(func(p *frontpage.Procedure) string { return p.Anaesthesia })},
	"C44xNN":  {kind: kText, scope: "px", text: pxText(func(p *frontpage.Procedure) string { return p.Anaesthetist })},
	"C48xNNC": {kind: kText, scope: "icu", text: func(s *frontpage.Stay, i int) string {
		if i < 0 || i >= len(s.ICU) {
			return ""
		}
		return s.ICU[i].Type
	}},
	"C49xNN": {kind: kTime, scope: "icu", tm: func(s *frontpage.Stay, i int) time.Time {
		if i < 0 || i >= len(s.ICU) {
			return time.Time{}
		}
		return s.ICU[i].In
	}},
	"C50xNN": {kind: kTime, scope: "icu", tm: func(s *frontpage.Stay, i int) time.Time {
		if i < 0 || i >= len(s.ICU) {
			return time.Time{}
		}
		return s.ICU[i].Out
	}},
}

func optInt(o frontpage.Opt[int]) (float64, bool) { return float64(o.V), o.Valid }

// numFields and timeFields are the typed stay fields, read directly instead
// of through the registry's text form (which would allocate).
var numFields = map[string]func(*frontpage.Stay) (float64, bool){
	"A14": func(s *frontpage.Stay) (float64, bool) { return optInt(s.AgeYears) },
	"A16": func(s *frontpage.Stay) (float64, bool) { return optInt(s.AgeDays) },
	"A17": func(s *frontpage.Stay) (float64, bool) { return optInt(s.NewbornAdmWeight) },
	"A49": func(s *frontpage.Stay) (float64, bool) { return float64(s.AdmissionNo), s.AdmissionNo != 0 },
	"B20": func(s *frontpage.Stay) (float64, bool) { return optInt(s.LOS) },
	"C47": func(s *frontpage.Stay) (float64, bool) { return optInt(s.VentHours) },
	"AGE_DAYS": func(s *frontpage.Stay) (float64, bool) {
		d, ok := ageDays(s)
		return float64(d), ok
	},
	"AGE_YEARS": ageYears,
	"LOS_HOURS": func(s *frontpage.Stay) (float64, bool) {
		if s.AdmTime.IsZero() || s.DisTime.IsZero() {
			return 0, false
		}
		return s.DisTime.Sub(s.AdmTime).Hours(), true
	},
	"ICU_HOURS": func(s *frontpage.Stay) (float64, bool) {
		var h float64
		ok := false
		for _, u := range s.ICU {
			if !u.In.IsZero() && !u.Out.IsZero() && !u.Out.Before(u.In) {
				h += u.Out.Sub(u.In).Hours()
				ok = true
			}
		}
		return h, ok
	},
}

var timeFields = map[string]func(*frontpage.Stay) time.Time{
	"A13": func(s *frontpage.Stay) time.Time { return s.BirthDate },
	"B12": func(s *frontpage.Stay) time.Time { return s.AdmTime },
	"B15": func(s *frontpage.Stay) time.Time { return s.DisTime },
	"B33": func(s *frontpage.Stay) time.Time { return s.QCDate },
}

func init() {
	for i := 0; i < frontpage.MaxBirthWeights; i++ {
		i := i
		numFields["A18x"+nn(i+1)] = func(s *frontpage.Stay) (float64, bool) { return optInt(s.BirthWeights[i]) }
	}
	for k := 0; k < 3; k++ {
		k := k
		numFields[fmt.Sprintf("C%d", 28+k)] = func(s *frontpage.Stay) (float64, bool) { return optInt(s.ComaBefore[k]) }
		numFields[fmt.Sprintf("C%d", 31+k)] = func(s *frontpage.Stay) (float64, bool) { return optInt(s.ComaAfter[k]) }
	}
	for c := frontpage.CostItem(0); c < frontpage.NumCostItems; c++ {
		c := c
		numFields[frontpage.CostCodes[c]] = func(s *frontpage.Stay) (float64, bool) { return s.Costs[c].V, s.Costs[c].Valid }
	}
}

// listFields are the multi-valued fields.
var listFields = map[string]*acc{
	"B21C": {n: func(s *frontpage.Stay) int { return len(s.TransferDepts) }, at: func(s *frontpage.Stay, i int) string { return s.TransferDepts[i] }},
	"ANY_DX": {n: func(s *frontpage.Stay) int { return len(s.Diagnoses) },
		at: func(s *frontpage.Stay, i int) string { return s.Diagnoses[i].Code }},
	"OTHER_DX": {n: func(s *frontpage.Stay) int {
		if len(s.Diagnoses) == 0 {
			return 0
		}
		return len(s.Diagnoses) - 1
	}, at: func(s *frontpage.Stay, i int) string { return s.Diagnoses[i+1].Code }},
	"ANY_PX": {px: true, n: func(s *frontpage.Stay) int { return len(s.Procedures) },
		at: func(s *frontpage.Stay, i int) string { return s.Procedures[i].Code }},
}

// resolve returns the accessor of a field code (a registry code, an item
// pattern or a pseudo field).
func resolve(code string) (*acc, error) {
	if a, ok := itemFields[code]; ok {
		c := *a
		c.code = code
		return &c, nil
	}
	if a, ok := listFields[code]; ok {
		c := *a
		c.code, c.kind = code, kList
		return &c, nil
	}
	if f, ok := numFields[code]; ok {
		return &acc{code: code, kind: kNum, num: func(s *frontpage.Stay, _ int) (float64, bool) { return f(s) }}, nil
	}
	if f, ok := timeFields[code]; ok {
		return &acc{code: code, kind: kTime, tm: func(s *frontpage.Stay, _ int) time.Time { return f(s) }}, nil
	}
	f, ok := frontpage.FieldByCode(code)
	if !ok {
		return nil, fmt.Errorf("未知字段 unknown field %q", code)
	}
	a := &acc{code: f.Code, identity: f.Identity, px: f.Codeset == "ICD9CM3"}
	switch f.Kind {
	case frontpage.KindInt, frontpage.KindDecimal:
		// Fields not in numFields (rare in rules) go through the text form.
		a.kind = kNum
		a.num = func(s *frontpage.Stay, _ int) (float64, bool) {
			v := f.Get(s)
			if v == "" {
				return 0, false
			}
			x, err := strconv.ParseFloat(v, 64)
			return x, err == nil
		}
	case frontpage.KindDate, frontpage.KindDateTime:
		a.kind = kTime
		a.tm = func(s *frontpage.Stay, _ int) time.Time {
			t, _ := frontpage.ParseDateTime(f.Get(s))
			return t
		}
	default:
		a.kind = kText
		// "-" is the prescribed filler for "nothing to record" (84号文); a
		// value that bypassed the parser (generated or API stays) may still
		// hold it, so it reads as absent here too.
		a.text = func(s *frontpage.Stay, _ int) string { return clean(f.Get(s)) }
	}
	return a, nil
}

// clean trims a text value and reads the "-" filler as absent. The common
// case (no surrounding space, longer than a filler) costs a few byte tests,
// also for Chinese text: only values that may start or end with a space go
// through strings.TrimSpace.
func clean(v string) string {
	if v == "" {
		return v
	}
	if mayTrim(v) {
		v = strings.TrimSpace(v)
	}
	// v is trimmed here, so frontpage.IsBlank reduces to the filler test.
	if len(v) <= 3 && (v == "-" || v == "—" || v == "－") {
		return ""
	}
	return v
}

// mayTrim reports whether strings.TrimSpace could change v (v != ""): its
// first or last rune may be white space. Besides ASCII space and controls,
// unicode.IsSpace holds for U+0085 and U+00A0 (encoded C2 xx) and for
// U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F and U+3000 (encoded
// E1/E2/E3 xx xx); any other lead byte, CJK text included, cannot start a
// space.
func mayTrim(v string) bool {
	b, e := v[0], v[len(v)-1]
	if b <= ' ' || e <= ' ' || b == 0xC2 || b == 0xE1 || b == 0xE2 || b == 0xE3 {
		return true
	}
	if e < 0x80 {
		return false
	}
	n := len(v)
	if n >= 2 && v[n-2] == 0xC2 {
		return true
	}
	if n >= 3 {
		l := v[n-3]
		return l == 0xE1 || l == 0xE2 || l == 0xE3
	}
	return false
}

// ageDays is the age at admission in days: A14 × 365 from one year on,
// else A16, else computed from the dates.
func ageDays(s *frontpage.Stay) (int, bool) {
	if s.AgeYears.Valid && s.AgeYears.V > 0 {
		return s.AgeYears.V * 365, true
	}
	if s.AgeDays.Valid {
		return s.AgeDays.V, true
	}
	if !s.BirthDate.IsZero() && !s.AdmTime.IsZero() {
		return daysBetween(s.BirthDate, s.AdmTime), true
	}
	return 0, false
}

// ageYears is A14, else computed from the dates.
func ageYears(s *frontpage.Stay) (float64, bool) {
	if s.AgeYears.Valid {
		return float64(s.AgeYears.V), true
	}
	if !s.BirthDate.IsZero() && !s.AdmTime.IsZero() {
		return float64(completedYears(s.BirthDate, s.AdmTime)), true
	}
	return 0, false
}

// daysBetween counts calendar days from a to b (dates only).
func daysBetween(a, b time.Time) int {
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// completedYears is the age in completed years at t.
func completedYears(birth, t time.Time) int {
	y := t.Year() - birth.Year()
	if t.Month() < birth.Month() || (t.Month() == birth.Month() && t.Day() < birth.Day()) {
		y--
	}
	return y
}
