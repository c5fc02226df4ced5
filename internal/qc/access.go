package qc

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

type vkind uint8

const (
	kText vkind = iota
	kNum
	kTime
	kList
)

// part is the member of a repeated item an item field reads.
type part uint8

const (
	partDxCode part = iota + 1
	partDxName
	partDxPOA
	partPxCode
	partPxName
	partPxDate
	partPxLevel
	partPxSurgeon
	partPxAssistant1
	partPxAssistant2
	partPxIncision
	partPxAnaesthesia
	partPxAnaesthetist
	partICUType
	partICUIn
	partICUOut
)

// list is the multi-valued field a list field reads.
type list uint8

const (
	listTransfer list = iota + 1 // B21C
	listAnyDx                    // every diagnosis code
	listOtherDx                  // other diagnosis codes
	listAnyPx                    // every procedure code
)

// acc describes how to read one field of a stay. Stay fields are read into
// the checker's value slot acc.slot when a stay's check starts (see
// Checker.load); item fields (acc.part) and list fields (acc.list) are read
// from the stay directly.
type acc struct {
	code     string // as written in the rule (pattern for item fields)
	kind     vkind
	scope    string // "" for stay fields, else the item scope family: dx, px, icu
	identity bool
	part     part // item fields
	list     list // list fields
	slot     int  // stay fields: value slot assigned by Compile; -1 for item and list fields

	// Stay fields: where the value comes from.
	src  src
	off  uintptr // srcString, srcOptInt, srcOptFloat, srcTime: offset in the Stay; srcDxLine, srcPxLine: in the line
	line int     // srcDxLine, srcPxLine: index in Diagnoses or Procedures
	get  func(s *frontpage.Stay) string
	num  func(s *frontpage.Stay) (float64, bool)
	tm   func(s *frontpage.Stay) time.Time

	// Set by Compile when a rule needs the slot's code key or calendar day,
	// so load computes them once.
	keyed, dayed bool
	// textSlot is slot+1 for stay text fields (set by Compile), 0 for the
	// others, so the zero value never reads a slot: Checker.text tests one
	// field and reads stayCache.texts1, which starts one before texts.
	textSlot int
}

// src is how a stay field is read.
type src uint8

const (
	srcString   src = iota + 1 // string at off, cleaned
	srcGet                     // registry getter, cleaned
	srcOptInt                  // frontpage.Opt[int] at off
	srcOptFloat                // frontpage.Opt[float64] at off
	srcTime                    // time.Time at off
	srcNum                     // num (derived values)
	srcLazyNum                 // num, on first use: parses the registry text form
	srcLazyTime                // tm, on first use: parses the registry text form
	srcDxLine                  // string at off in Diagnoses[line], cleaned ("" without that line)
	srcPxLine                  // string at off in Procedures[line], cleaned
)

// itemText reads a text member of item i ("" when there is no such item).
func itemText(s *frontpage.Stay, p part, i int) string {
	switch p {
	case partDxCode, partDxName, partDxPOA:
		if uint(i) >= uint(len(s.Diagnoses)) {
			return ""
		}
		d := &s.Diagnoses[i]
		switch p {
		case partDxCode:
			return d.Code
		case partDxName:
			return d.Name
		}
		return d.POA
	case partICUType:
		if uint(i) >= uint(len(s.ICU)) {
			return ""
		}
		return s.ICU[i].Type
	}
	if uint(i) >= uint(len(s.Procedures)) {
		return ""
	}
	x := &s.Procedures[i]
	switch p {
	case partPxCode:
		return x.Code
	case partPxName:
		return x.Name
	case partPxLevel:
		return x.Level
	case partPxSurgeon:
		return x.Surgeon
	case partPxAssistant1:
		return x.Assistant1
	case partPxAssistant2:
		return x.Assistant2
	case partPxIncision:
		return x.Incision
	case partPxAnaesthesia:
		return x.Anaesthesia
	case partPxAnaesthetist:
		return x.Anaesthetist
	}
	return ""
}

// itemTime reads a time member of item i (zero when there is no such item).
func itemTime(s *frontpage.Stay, p part, i int) time.Time {
	switch p {
	case partPxDate:
		if uint(i) < uint(len(s.Procedures)) {
			return s.Procedures[i].Date
		}
	case partICUIn:
		if uint(i) < uint(len(s.ICU)) {
			return s.ICU[i].In
		}
	case partICUOut:
		if uint(i) < uint(len(s.ICU)) {
			return s.ICU[i].Out
		}
	}
	return time.Time{}
}

// listLen is the number of elements of a list field.
func listLen(s *frontpage.Stay, l list) int {
	switch l {
	case listTransfer:
		return len(s.TransferDepts)
	case listAnyDx:
		return len(s.Diagnoses)
	case listOtherDx:
		if len(s.Diagnoses) == 0 {
			return 0
		}
		return len(s.Diagnoses) - 1
	case listAnyPx:
		return len(s.Procedures)
	}
	return 0
}

// listAt is element j of a list field (j < listLen).
func listAt(s *frontpage.Stay, l list, j int) string {
	switch l {
	case listTransfer:
		return s.TransferDepts[j]
	case listAnyDx:
		return s.Diagnoses[j].Code
	case listOtherDx:
		return s.Diagnoses[j+1].Code
	case listAnyPx:
		return s.Procedures[j].Code
	}
	return ""
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

// itemFields are the fields of repeated items, by national pattern.
var itemFields = map[string]acc{
	"C06xNNC": {kind: kText, scope: "dx", part: partDxCode},
	"C07xNNN": {kind: kText, scope: "dx", part: partDxName},
	"C08xNNC": {kind: kText, scope: "dx", part: partDxPOA},
	"C35xNNC": {kind: kText, scope: "px", part: partPxCode},
	"C36xNNN": {kind: kText, scope: "px", part: partPxName},
	"C37xNN":  {kind: kTime, scope: "px", part: partPxDate},
	"C38xNN":  {kind: kText, scope: "px", part: partPxLevel},
	"C39xNN":  {kind: kText, scope: "px", part: partPxSurgeon},
	"C40xNN":  {kind: kText, scope: "px", part: partPxAssistant1},
	"C41xNN":  {kind: kText, scope: "px", part: partPxAssistant2},
	"C42xNNC": {kind: kText, scope: "px", part: partPxIncision},
	"C43xNNC": {kind: kText, scope: "px", part: partPxAnaesthesia},
	"C44xNN":  {kind: kText, scope: "px", part: partPxAnaesthetist},
	"C48xNNC": {kind: kText, scope: "icu", part: partICUType},
	"C49xNN":  {kind: kTime, scope: "icu", part: partICUIn},
	"C50xNN":  {kind: kTime, scope: "icu", part: partICUOut},
}

var stay0 frontpage.Stay

func optIntAt(off uintptr) acc   { return acc{kind: kNum, src: srcOptInt, off: off} }
func optFloatAt(off uintptr) acc { return acc{kind: kNum, src: srcOptFloat, off: off} }
func numBy(f func(*frontpage.Stay) (float64, bool)) acc {
	return acc{kind: kNum, src: srcNum, num: f}
}

// numFields and timeFields are the typed stay fields, read directly instead
// of through the registry's text form (which would allocate).
var numFields = map[string]acc{
	"A14": optIntAt(unsafe.Offsetof(stay0.AgeYears)),
	"A16": optIntAt(unsafe.Offsetof(stay0.AgeDays)),
	"A17": optIntAt(unsafe.Offsetof(stay0.NewbornAdmWeight)),
	"A49": numBy(func(s *frontpage.Stay) (float64, bool) { return float64(s.AdmissionNo), s.AdmissionNo != 0 }),
	"B20": optIntAt(unsafe.Offsetof(stay0.LOS)),
	"C47": optIntAt(unsafe.Offsetof(stay0.VentHours)),
	"AGE_DAYS": numBy(func(s *frontpage.Stay) (float64, bool) {
		d, ok := ageDays(s)
		return float64(d), ok
	}),
	"AGE_YEARS": numBy(ageYears),
	"LOS_HOURS": numBy(func(s *frontpage.Stay) (float64, bool) {
		if s.AdmTime.IsZero() || s.DisTime.IsZero() {
			return 0, false
		}
		return s.DisTime.Sub(s.AdmTime).Hours(), true
	}),
	"ICU_HOURS": numBy(func(s *frontpage.Stay) (float64, bool) {
		var h float64
		ok := false
		for _, u := range s.ICU {
			if !u.In.IsZero() && !u.Out.IsZero() && !u.Out.Before(u.In) {
				h += u.Out.Sub(u.In).Hours()
				ok = true
			}
		}
		return h, ok
	}),
}

var timeFields = map[string]acc{
	"A13": {kind: kTime, src: srcTime, off: unsafe.Offsetof(stay0.BirthDate)},
	"B12": {kind: kTime, src: srcTime, off: unsafe.Offsetof(stay0.AdmTime)},
	"B15": {kind: kTime, src: srcTime, off: unsafe.Offsetof(stay0.DisTime)},
	"B33": {kind: kTime, src: srcTime, off: unsafe.Offsetof(stay0.QCDate)},
}

func init() {
	optInt := unsafe.Sizeof(stay0.BirthWeights[0])
	for i := 0; i < frontpage.MaxBirthWeights; i++ {
		numFields["A18x"+nn(i+1)] = optIntAt(unsafe.Offsetof(stay0.BirthWeights) + uintptr(i)*optInt)
	}
	for k := 0; k < 3; k++ {
		numFields[fmt.Sprintf("C%d", 28+k)] = optIntAt(unsafe.Offsetof(stay0.ComaBefore) + uintptr(k)*optInt)
		numFields[fmt.Sprintf("C%d", 31+k)] = optIntAt(unsafe.Offsetof(stay0.ComaAfter) + uintptr(k)*optInt)
	}
	for c := frontpage.CostItem(0); c < frontpage.NumCostItems; c++ {
		numFields[frontpage.CostCodes[c]] = optFloatAt(unsafe.Offsetof(stay0.Costs) + uintptr(c)*unsafe.Sizeof(stay0.Costs[0]))
	}
}

// textOffsets finds, for the registry's text and code fields that read a
// string of the Stay as is, the offset of that string, so the checker loads
// it without going through the getter closures. Each candidate is checked
// on probe stays (all strings set to distinct markers, only this one set,
// all but this one set), so a getter that derives its value from other
// fields is never taken for a plain one; those keep using Field.Get.
// (internal/synth reads the same strings the same way.)
var textOffsets = sync.OnceValue(func() map[*frontpage.Field]uintptr {
	var locs []uintptr
	var walk func(t reflect.Type, base uintptr)
	walk = func(t reflect.Type, base uintptr) {
		switch t.Kind() {
		case reflect.String:
			locs = append(locs, base)
		case reflect.Struct:
			for i := 0; i < t.NumField(); i++ {
				walk(t.Field(i).Type, base+t.Field(i).Offset)
			}
		case reflect.Array:
			for i := 0; i < t.Len(); i++ {
				walk(t.Elem(), base+uintptr(i)*t.Elem().Size())
			}
		}
	}
	walk(reflect.TypeFor[frontpage.Stay](), 0)
	marker := func(k int) string { return "\x00probe" + strconv.Itoa(k) }
	set := func(s *frontpage.Stay, off uintptr, v string) { *(*string)(unsafe.Add(unsafe.Pointer(s), off)) = v }
	var all frontpage.Stay
	byMarker := map[string]int{}
	for k, off := range locs {
		set(&all, off, marker(k))
		byMarker[marker(k)] = k
	}
	out := map[*frontpage.Field]uintptr{}
	for _, f := range frontpage.Fields() {
		if f.Kind != frontpage.KindText && f.Kind != frontpage.KindCode {
			continue
		}
		k, ok := byMarker[f.Get(&all)]
		if !ok {
			continue
		}
		var only, but frontpage.Stay
		set(&only, locs[k], marker(k))
		for k2, off := range locs {
			if k2 != k {
				set(&but, off, marker(k2))
			}
		}
		if f.Get(&only) == marker(k) && f.Get(&but) == "" {
			out[f] = locs[k]
		}
	}
	return out
})

// lineRef is where a numbered diagnosis or procedure field lies.
type lineRef struct {
	src  src // srcDxLine or srcPxLine
	line int
	off  uintptr
}

// lineOffsets does for the fields of the diagnosis and procedure lines
// (C03C, C06x01C, C14x01C…) what textOffsets does for the stay's own
// strings: the checker then loads them without two getter closures per
// field and stay. Probed the same way: every string of every line set to
// a distinct marker, then only the found one, then all but it, then all
// with the line cut off. The probes toggle one string in place, so the
// search costs one pass over the fields, not one stay per field.
var lineOffsets = sync.OnceValue(func() map[*frontpage.Field]lineRef {
	const lines = 64 // more than the front page numbers
	var all []lineRef
	for i := 0; i < lines; i++ {
		for _, off := range stringOffsets(reflect.TypeFor[frontpage.Diagnosis]()) {
			all = append(all, lineRef{srcDxLine, i, off})
		}
		for _, off := range stringOffsets(reflect.TypeFor[frontpage.Procedure]()) {
			all = append(all, lineRef{srcPxLine, i, off})
		}
	}
	newStay := func() *frontpage.Stay {
		return &frontpage.Stay{Diagnoses: make([]frontpage.Diagnosis, lines), Procedures: make([]frontpage.Procedure, lines)}
	}
	at := func(s *frontpage.Stay, l lineRef) *string {
		return (*string)(unsafe.Add(linePtr(s, l.src, l.line), l.off))
	}
	markers := make([]string, len(all))
	byMarker := make(map[string]int, len(all))
	full, but := newStay(), newStay()
	for k, l := range all {
		markers[k] = "\x00line" + strconv.Itoa(k)
		byMarker[markers[k]] = k
		*at(full, l), *at(but, l) = markers[k], markers[k]
	}
	only := newStay()
	out := map[*frontpage.Field]lineRef{}
	for _, f := range frontpage.Fields() {
		if f.Kind != frontpage.KindText && f.Kind != frontpage.KindCode {
			continue
		}
		k, ok := byMarker[f.Get(full)]
		if !ok {
			continue
		}
		l := all[k]
		short := *full
		if l.src == srcDxLine {
			short.Diagnoses = short.Diagnoses[:l.line]
		} else {
			short.Procedures = short.Procedures[:l.line]
		}
		*at(only, l), *at(but, l) = markers[k], ""
		if f.Get(only) == markers[k] && f.Get(but) == "" && f.Get(&short) == "" {
			out[f] = l
		}
		*at(only, l), *at(but, l) = "", markers[k]
	}
	return out
})

// linePtr points to line i of the diagnoses (srcDxLine) or procedures
// (srcPxLine) of s; nil when s has no such line.
func linePtr(s *frontpage.Stay, src src, i int) unsafe.Pointer {
	if src == srcDxLine {
		if i < len(s.Diagnoses) {
			return unsafe.Pointer(&s.Diagnoses[i])
		}
	} else if i < len(s.Procedures) {
		return unsafe.Pointer(&s.Procedures[i])
	}
	return nil
}

// stringOffsets lists the offsets of the string fields of struct type t.
func stringOffsets(t reflect.Type) []uintptr {
	var out []uintptr
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Type.Kind() == reflect.String {
			out = append(out, t.Field(i).Offset)
		}
	}
	return out
}

// listFields are the multi-valued fields.
var listFields = map[string]list{
	"B21C":     listTransfer,
	"ANY_DX":   listAnyDx,
	"OTHER_DX": listOtherDx,
	"ANY_PX":   listAnyPx,
}

// resolve returns the accessor of a field code (a registry code, an item
// pattern or a pseudo field).
func resolve(code string) (*acc, error) {
	if a, ok := itemFields[code]; ok {
		a.code, a.slot = code, -1
		return &a, nil
	}
	if l, ok := listFields[code]; ok {
		return &acc{code: code, kind: kList, list: l, slot: -1}, nil
	}
	if a, ok := numFields[code]; ok {
		a.code = code
		return &a, nil
	}
	if a, ok := timeFields[code]; ok {
		a.code = code
		return &a, nil
	}
	f, ok := frontpage.FieldByCode(code)
	if !ok {
		return nil, fmt.Errorf("未知字段 unknown field %q", code)
	}
	a := &acc{code: f.Code, identity: f.Identity}
	switch f.Kind {
	case frontpage.KindInt, frontpage.KindDecimal:
		// Fields not in numFields (rare in rules) go through the text form.
		a.kind, a.src = kNum, srcLazyNum
		a.num = func(s *frontpage.Stay) (float64, bool) {
			v := f.Get(s)
			if v == "" {
				return 0, false
			}
			x, err := strconv.ParseFloat(v, 64)
			return x, err == nil
		}
	case frontpage.KindDate, frontpage.KindDateTime:
		a.kind, a.src = kTime, srcLazyTime
		a.tm = func(s *frontpage.Stay) time.Time {
			t, _ := frontpage.ParseDateTime(f.Get(s))
			return t
		}
	default:
		// "-" is the prescribed filler for "nothing to record" (84号文); a
		// value that bypassed the parser (generated or API stays) may still
		// hold it, so it reads as absent here too (load cleans it).
		a.kind, a.src, a.get = kText, srcGet, f.Get
		if off, ok := textOffsets()[f]; ok {
			a.src, a.off = srcString, off
		} else if l, ok := lineOffsets()[f]; ok {
			a.src, a.off, a.line = l.src, l.off, l.line
		}
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
	if a.Location() == time.UTC && b.Location() == time.UTC {
		// UTC days are the Unix seconds floored to 86400 (what midnight
		// gives, see there), counted without building two times. Beyond
		// the ±292 years time.Duration holds, Sub saturates: left to it.
		if d := unixDay(b) - unixDay(a); d >= -maxDurationDays && d <= maxDurationDays {
			return int(d)
		}
	}
	return daysBetweenRef(a, b)
}

// maxDurationDays is the largest whole number of days a time.Duration holds.
const maxDurationDays = int64(math.MaxInt64 / (24 * time.Hour))

// unixDay is the day of a UTC time, counted from 1970-01-01.
func unixDay(t time.Time) int64 {
	u := t.Unix()
	d := u / 86400
	if u%86400 < 0 {
		d--
	}
	return d
}

// daysBetweenRef is the definition of daysBetween.
func daysBetweenRef(a, b time.Time) int {
	return int(midnight(b).Sub(midnight(a)).Hours() / 24)
}

// completedYears is the age in completed years at t.
func completedYears(birth, t time.Time) int {
	// One Date call per time: Year, Month and Day each redo the calendar
	// computation.
	by, bm, bd := birth.Date()
	ty, tm, td := t.Date()
	y := ty - by
	if tm < bm || (tm == bm && td < bd) {
		y--
	}
	return y
}
