package qc

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// RuleFunc is a rule that needs code. It reports through k.Report.
type RuleFunc func(k *Checker, s *frontpage.Stay)

// funcs are the Go rule functions by id. Configuration can reuse them under
// another rule id with params.func.
var funcs = map[string]RuleFunc{
	"D-01":  checkMinutePrecision,
	"D-03":  checkLOS,
	"D-04a": checkAgeYears,
	"D-04b": checkAgeDays,
	"D-06b": checkICUWithinStay,
	"V-03a": checkAsteriskPrincipal,
	"V-05":  checkIDNumber,
	"L-04a": checkNewbornWeightAge,
	"L-08":  checkTransferChain,
	"L-10":  checkMorphologyBehaviour,
	"L-11b": checkPCIPrincipal,
	"L-11c": checkLiverCombination,
	"L-12":  checkPrincipalProcedure,
	"L-13":  checkComplicationPOA,
	"L-14":  checkCleanWoundBowel,
	"L-16a": checkCounts,
	"L-16b": checkDuplicateDx,
	"L-16c": checkPrincipalRepeated,
	"I-03":  checkCrosswalk,
	"F-04a": checkSurgicalCost,
	"F-04b": checkAnaesthesiaCost,
	"F-05":  checkTransfusionCost,
	"F-06b": checkCentPrecision,
}

// FuncIDs lists the registered rule functions.
func FuncIDs() []string {
	out := make([]string, 0, len(funcs))
	for id := range funcs {
		out = append(out, id)
	}
	return out
}

func checkMinutePrecision(k *Checker, s *frontpage.Stay) {
	midnight := func(t time.Time) bool {
		if t.IsZero() {
			return false
		}
		h, m, sec := t.Clock() // one computation, not three (Hour, Minute, Second)
		return h == 0 && m == 0 && sec == 0
	}
	// Both times at exactly 00:00 is the signature of a date-only export; a
	// single midnight is a plausible real time.
	if midnight(s.AdmTime) && midnight(s.DisTime) {
		k.Report("B12", frontpage.FormatDateTime(s.AdmTime), "")
	}
}

// checkLOS: B20 = date(B15) − date(B12). A same-day stay may be recorded as
// 0 (84号文 arithmetic) or 1 (the upload interface requires > 0); both pass.
func checkLOS(k *Checker, s *frontpage.Stay) {
	if !s.LOS.Valid || s.AdmTime.IsZero() || s.DisTime.IsZero() || s.DisTime.Before(s.AdmTime) {
		return
	}
	d := daysBetween(s.AdmTime, s.DisTime)
	if s.LOS.V == d || (d == 0 && s.LOS.V == 1) {
		return
	}
	k.Report("B20", strconv.Itoa(s.LOS.V), strconv.Itoa(d))
}

func checkAgeYears(k *Checker, s *frontpage.Stay) {
	if !s.AgeYears.Valid || s.BirthDate.IsZero() || s.AdmTime.IsZero() || s.AdmTime.Before(s.BirthDate) {
		return
	}
	if y := completedYears(s.BirthDate, s.AdmTime); y != s.AgeYears.V {
		k.Report("A14", strconv.Itoa(s.AgeYears.V), strconv.Itoa(y))
	}
}

// checkAgeDays: A16 = date(B12) − A13 in days, for infants. One day of
// tolerance, because HIS systems differ on whether the birth day counts.
func checkAgeDays(k *Checker, s *frontpage.Stay) {
	if !s.AgeDays.Valid || s.BirthDate.IsZero() || s.AdmTime.IsZero() || s.AdmTime.Before(s.BirthDate) {
		return
	}
	if s.AgeYears.Valid && s.AgeYears.V > 0 {
		return
	}
	d := daysBetween(s.BirthDate, s.AdmTime)
	if diff := s.AgeDays.V - d; diff > 1 || diff < -1 {
		k.Report("A16", strconv.Itoa(s.AgeDays.V), strconv.Itoa(d))
	}
}

func checkICUWithinStay(k *Checker, s *frontpage.Stay) {
	if s.AdmTime.IsZero() || s.DisTime.IsZero() {
		return
	}
	for i, u := range s.ICU {
		if !u.In.IsZero() && u.In.Before(s.AdmTime) {
			k.Report("C49x"+nn(i+1), frontpage.FormatDateTime(u.In), frontpage.FormatDateTime(s.AdmTime))
		}
		if !u.Out.IsZero() && u.Out.After(s.DisTime) {
			k.Report("C50x"+nn(i+1), frontpage.FormatDateTime(u.Out), frontpage.FormatDateTime(s.DisTime))
		}
	}
}

// checkAsteriskPrincipal: a manifestation (asterisk) code alone cannot be the
// principal diagnosis; a dagger+asterisk pair is fine.
func checkAsteriskPrincipal(k *Checker, s *frontpage.Stay) {
	c := s.PrincipalDx()
	if c != "" && strings.HasSuffix(c, "*") && !strings.Contains(c, "+") {
		k.Report("C03C", c, "")
	}
}

// checkIDNumber validates a resident ID number (A20N = 1): length 15 or 18,
// the ISO 7064 check digit and the embedded birth date. The number itself is
// never reported.
func checkIDNumber(k *Checker, s *frontpage.Stay) {
	if badIDNumber(s.IDNumber, s.BirthDate) {
		k.Report("A20", "", "")
	}
}

// badIDNumber is the test of checkIDNumber.
func badIDNumber(v string, birthDate time.Time) bool {
	id := strings.TrimSpace(v)
	if id == "" {
		return false
	}
	if !isASCII(id) {
		// Upper-casing may change the length of non-ASCII text; for ASCII
		// only the check character can matter, the others must be digits
		// in either case (and strings.ToUpper would allocate for an "x").
		id = strings.ToUpper(id)
	}
	var birth string
	switch len(id) {
	case 18:
		weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
		sum := 0
		for i := 0; i < 17; i++ {
			c := id[i]
			if c < '0' || c > '9' {
				return true
			}
			sum += int(c-'0') * weights[i]
		}
		check := id[17]
		if check >= 'a' && check <= 'z' {
			check -= 'a' - 'A'
		}
		if check != "10X98765432"[sum%11] {
			return true
		}
		birth = id[6:14]
	case 15:
		for i := 0; i < 15; i++ {
			if id[i] < '0' || id[i] > '9' {
				return true
			}
		}
		birth = "19" + id[6:12]
	default:
		return true
	}
	return !birthDate.IsZero() && !sameYMD(birth, birthDate)
}

func isASCII(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			return false
		}
	}
	return true
}

// sameYMD compares a yyyymmdd string with a date without formatting (the
// check runs on every stay).
func sameYMD(ymd string, t time.Time) bool {
	if len(ymd) != 8 {
		return false
	}
	y, m, d := t.Date() // one calendar computation for the three
	return atoiN(ymd[0:4]) == y && atoiN(ymd[4:6]) == int(m) && atoiN(ymd[6:8]) == d
}

func atoiN(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func checkNewbornWeightAge(k *Checker, s *frontpage.Stay) {
	if !s.NewbornAdmWeight.Valid {
		return
	}
	neonate := s.AgeYears.Valid && s.AgeYears.V == 0 && s.AgeDays.Valid && s.AgeDays.V <= 28
	if !neonate {
		k.Report("A17", strconv.Itoa(s.NewbornAdmWeight.V), "")
	}
}

// checkTransferChain: with transfers recorded, the last transfer department
// should be the discharge department.
func checkTransferChain(k *Checker, s *frontpage.Stay) {
	n := len(s.TransferDepts)
	if n == 0 || s.DisDept == "" {
		return
	}
	if s.TransferDepts[n-1] != s.DisDept {
		k.Report("B21C", s.TransferDepts[n-1], s.DisDept)
	}
}

var (
	rSecondary = mustRanges("C77-C79")
	rMalignant = mustRanges("C00-C76", "C80-C97")
	rInSitu    = mustRanges("D00-D09")
	rBenign    = mustRanges("D10-D36")
	rUncertain = mustRanges("D37-D48")
	rMDS       = mustRanges("D45-D47")
)

// checkMorphologyBehaviour: the behaviour digit of the M-code (/0 benign, /1
// uncertain, /2 in situ, /3 malignant primary, /6 metastatic) must agree with
// the principal tumour code.
func checkMorphologyBehaviour(k *Checker, s *frontpage.Stay) {
	m, dx := s.PathologyCode, s.PrincipalDx()
	i := strings.LastIndexByte(m, '/')
	if dx == "" || i < 0 || i+1 >= len(m) {
		return
	}
	b := m[i+1]
	var want string
	switch {
	case k.dxIn(rSecondary, s, 0):
		want = "6"
	case k.dxIn(rMalignant, s, 0):
		want = "3"
	case k.dxIn(rInSitu, s, 0):
		want = "2"
	case k.dxIn(rBenign, s, 0):
		want = "0"
	case k.dxIn(rMDS, s, 0) && b == '3':
		// ICD-O-3 codes myeloproliferative/myelodysplastic neoplasms
		// (ICD-10 D45–D47) as malignant (/3).
		return
	case k.dxIn(rUncertain, s, 0):
		want = "1"
	default:
		return
	}
	// Primary malignant tumours may be coded /3 or, for the C80 family, /9
	// (uncertain whether primary or metastatic); accept /9 with any malignant.
	if string(b) == want || (b == '9' && (want == "3" || want == "6")) || (want == "3" && b == '6' && k.dxIn(rSecondary, s, 0)) {
		return
	}
	k.Report("C09C", m, "/"+want)
}

var (
	rIHD = mustRanges("I20-I25")
	rPCI = mustRanges("00.66", "36.06-36.07")
)

// checkPCIPrincipal: ischaemic heart disease principal with a PCI among the
// procedures → the PCI should be the principal procedure (EHR_QC).
func checkPCIPrincipal(k *Checker, s *frontpage.Stay) {
	if len(s.Procedures) < 2 || !k.dxIn(rIHD, s, 0) || k.pxIn(rPCI, s, 0) {
		return
	}
	for i := 1; i < len(s.Procedures); i++ {
		if k.pxIn(rPCI, s, i) {
			k.Report("C14x01C", s.Procedures[0].Code, s.Procedures[i].Code)
			return
		}
	}
}

var (
	rK72  = mustRanges("K72")
	rK703 = mustRanges("K70.3")
)

// checkLiverCombination: hepatic failure K72 together with alcoholic
// cirrhosis K70.3 should be the combination code K70.4 (EHR_QC).
func checkLiverCombination(k *Checker, s *frontpage.Stay) {
	hasK72, hasK703 := -1, -1
	for i := range s.Diagnoses {
		if k.dxIn(rK72, s, i) {
			hasK72 = i
		}
		if k.dxIn(rK703, s, i) {
			hasK703 = i
		}
	}
	if hasK72 >= 0 && hasK703 >= 0 {
		k.Report(dxField(hasK72), s.Diagnoses[hasK72].Code, "K70.4")
	}
}

func dxField(i int) string {
	if i == 0 {
		return "C03C"
	}
	return "C06x" + nn(i) + "C"
}

var (
	rOperation  = mustRanges("01-86")
	rDiagnostic = mustRanges("87-99")
)

// checkPrincipalProcedure: the principal procedure should be the operation,
// not a diagnostic/miscellaneous procedure (ICD-9-CM-3 chapters 87–99), when
// an operation (chapters 01–86) is among the other procedures.
func checkPrincipalProcedure(k *Checker, s *frontpage.Stay) {
	if len(s.Procedures) < 2 || !k.pxIn(rDiagnostic, s, 0) {
		return
	}
	for i := 1; i < len(s.Procedures); i++ {
		if p := &s.Procedures[i]; p.Level != "" && k.pxIn(rOperation, s, i) {
			k.Report("C14x01C", s.Procedures[0].Code, p.Code)
			return
		}
	}
}

var rPostOp = mustRanges("T81", "T88.8-T88.9")

// checkComplicationPOA: a post-procedural complication flagged "present on
// admission" while the stay's operation was done during the stay.
func checkComplicationPOA(k *Checker, s *frontpage.Stay) {
	if len(s.Procedures) == 0 || s.Procedures[0].Date.IsZero() || s.AdmTime.IsZero() || s.Procedures[0].Date.Before(s.AdmTime) {
		return
	}
	for i := 1; i < len(s.Diagnoses); i++ {
		if d := &s.Diagnoses[i]; d.POA == "1" && k.dxIn(rPostOp, s, i) {
			k.Report("C08x"+nn(i)+"C", d.POA, "4")
		}
	}
}

var rBowel = mustRanges("45.0-46.99", "48-49")

func checkCleanWoundBowel(k *Checker, s *frontpage.Stay) {
	for i := range s.Procedures {
		if p := &s.Procedures[i]; k.pxIn(rBowel, s, i) {
			switch p.Incision {
			case "1", "2", "3", "10":
				f := "C42x" + nn(i) + "C"
				if i == 0 {
					f = "C21x01C"
				}
				k.Report(f, p.Incision, "")
			}
		}
	}
}

func checkCounts(k *Checker, s *frontpage.Stay) {
	if n := len(s.Diagnoses) - 1; n > frontpage.MaxOtherDiagnoses {
		k.Report("C06x40C", strconv.Itoa(n), strconv.Itoa(frontpage.MaxOtherDiagnoses))
	}
	if n := len(s.Procedures) - 1; n > frontpage.MaxOtherProcedures {
		k.Report("C35x40C", strconv.Itoa(n), strconv.Itoa(frontpage.MaxOtherProcedures))
	}
}

// checkDuplicateDx: the same code twice among the other diagnoses. Lists
// are short, so the quadratic scan is cheaper than a map.
func checkDuplicateDx(k *Checker, s *frontpage.Stay) {
	for i := 1; i < len(s.Diagnoses); i++ {
		c := s.Diagnoses[i].Code
		if c == "" {
			continue
		}
		for j := 1; j < i; j++ {
			if s.Diagnoses[j].Code == c {
				k.Report("C06x"+nn(i)+"C", c, "")
				break
			}
		}
	}
}

func checkPrincipalRepeated(k *Checker, s *frontpage.Stay) {
	p := s.PrincipalDx()
	if p == "" {
		return
	}
	for i := 1; i < len(s.Diagnoses); i++ {
		if s.Diagnoses[i].Code == p {
			k.Report("C06x"+nn(i)+"C", p, "")
		}
	}
}

// checkCrosswalk: a 国临 code with no 医保 code in the imported crosswalk
// cannot be settled (the DRG grouper needs the 医保 code).
func checkCrosswalk(k *Checker, s *frontpage.Stay) {
	if d := k.e.dicts.For(s.DxCodeSystem); d != nil && len(d.Crosswalk) > 0 {
		for i, x := range s.Diagnoses {
			if x.Code != "" && d.Has(x.Code) && d.Crosswalk[x.Code] == "" {
				k.Report(dxField(i), x.Code, "")
			}
		}
	}
	if d := k.e.dicts.For(s.PxCodeSystem); d != nil && len(d.Crosswalk) > 0 {
		for i, p := range s.Procedures {
			if p.Code != "" && d.Has(p.Code) && d.Crosswalk[p.Code] == "" {
				f := "C35x" + nn(i) + "C"
				if i == 0 {
					f = "C14x01C"
				}
				k.Report(f, p.Code, "")
			}
		}
	}
}

func positive(o frontpage.Opt[float64]) bool { return o.Valid && o.V > 0 }

// anaesthetised: general (01…) or regional (02…) anaesthesia. Bedside
// procedures under local infiltration are billed as treatment items, not as
// operations, so they are not evidence of a missing surgical fee.
func anaesthetised(code string) bool {
	return len(code) >= 2 && code[0] == '0' && (code[1] == '1' || code[1] == '2')
}

// checkSurgicalCost: a principal operation under general/regional
// anaesthesia but no surgical treatment fee D20.
func checkSurgicalCost(k *Checker, s *frontpage.Stay) {
	if len(s.Procedures) == 0 || !anaesthetised(s.Procedures[0].Anaesthesia) || !k.pxIn(rOperation, s, 0) {
		return
	}
	if !positive(s.Costs[frontpage.CostSurgical]) {
		k.Report("D20", frontpage.FormatAmount(s.Costs[frontpage.CostSurgical]), "> 0")
	}
}

func checkAnaesthesiaCost(k *Checker, s *frontpage.Stay) {
	for _, p := range s.Procedures {
		if anaesthetised(p.Anaesthesia) {
			if !positive(s.Costs[frontpage.CostAnaesthesia]) {
				k.Report("D20x01", frontpage.FormatAmount(s.Costs[frontpage.CostAnaesthesia]), "> 0")
			}
			return
		}
	}
}

func checkTransfusionCost(k *Checker, s *frontpage.Stay) {
	if (s.TransfusionReaction == "1" || s.TransfusionReaction == "2") && !positive(s.Costs[frontpage.CostBlood]) {
		k.Report("D26", frontpage.FormatAmount(s.Costs[frontpage.CostBlood]), "> 0")
	}
}

func checkCentPrecision(k *Checker, s *frontpage.Stay) {
	for c := frontpage.CostItem(0); c < frontpage.NumCostItems; c++ {
		o := s.Costs[c]
		if !o.Valid {
			continue
		}
		cents := o.V * 100
		if math.Abs(cents-math.Round(cents)) > 1e-6 {
			k.Report(frontpage.CostCodes[c], strconv.FormatFloat(o.V, 'f', -1, 64), "0.01")
		}
	}
}

// shapes are the value-form checks of the shape rule type.
var shapes = map[string]func(string) bool{
	"icd10":       isICD10,
	"icd9cm3":     isICD9CM3,
	"morphology":  isMorphology,
	"digits3":     func(v string) bool { return len(v) == 3 && allDigits(v) },
	"postcode":    func(v string) bool { return len(v) == 6 && allDigits(v) },
	"phone":       isPhone,
	"person_name": isPersonName,
	"no_mojibake": noMojibake,
}

// noMojibake rejects text with Latin-1/Latin Extended letters or U+FFFD,
// the signature of a GBK file read as Windows-1252/Latin-1 ("张三" →
// "ÕÅÈý"). The middle dot of transliterated names (U+00B7) is allowed.
func noMojibake(v string) bool {
	for _, r := range v {
		if (r >= 0x80 && r <= 0x2FF && r != 0xB7) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

func allDigits(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return v != ""
}

// isICD10 accepts 国临/医保 ICD-10 forms: A01, A01.0, A01.000, I10.x05,
// A01.000x003, dagger/asterisk pairs A18.005+M49.0* or a lone M49.0*, and
// the combined forms of the 国临 crosswalk (B37.600I39.8, C22.101M81600/3).
func isICD10(v string) bool {
	if n := icd10Prefix(v); n > 0 && n == len(v) {
		// one plain code, the common case: what the loop below concludes
		// after splitting and trimming nothing
		return true
	}
	for {
		part, rest, more := strings.Cut(v, "+")
		if !isICD10Part(part) {
			return false
		}
		if !more {
			return true
		}
		v = rest
	}
}

// isICD10Part checks one "+"-separated part of an ICD-10 form.
func isICD10Part(part string) bool {
	part = strings.TrimSuffix(strings.TrimSuffix(part, "*"), "†")
	if part == "" {
		return false
	}
	first := true
	for part != "" {
		if !first && part[0] == 'M' && strings.IndexByte(part, '/') > 0 {
			return isMorphology(part)
		}
		n := icd10Prefix(part)
		if n == 0 {
			return false
		}
		part = strings.TrimPrefix(part[n:], "*")
		first = false
	}
	return true
}

// icd10Prefix returns the length of the ICD-10 code at the start of p (0
// when there is none).
func icd10Prefix(p string) int {
	if len(p) < 3 || p[0] < 'A' || p[0] > 'Z' || !allDigits(p[1:3]) {
		return 0
	}
	i := 3
	if i == len(p) || p[i] != '.' {
		return i
	}
	j := i + 1
	for j < len(p) && j-i-1 < 3 && (p[j] >= '0' && p[j] <= '9' || p[j] == 'x' || p[j] == 'X') {
		j++
	}
	if j == i+1 {
		return 0
	}
	if j+4 <= len(p) && (p[j] == 'x' || p[j] == 'X') && allDigits(p[j+1:j+4]) {
		j += 4
	}
	return j
}

// isICD9CM3 accepts dd and dd.d… with digits and x subdivisions/extensions:
// 51.23, 51.2300, 00.5500x008, 74.1x01, 03.1x00x001, 17.91100.
func isICD9CM3(v string) bool {
	if len(v) < 2 || !allDigits(v[:2]) {
		return false
	}
	rest := v[2:]
	if rest == "" {
		return true
	}
	if rest[0] != '.' {
		return false
	}
	rest = rest[1:]
	if rest == "" || rest[0] < '0' || rest[0] > '9' {
		return false
	}
	if len(rest) > 10 {
		return false
	}
	// The 医保/国临 dictionaries use 1–5 decimals, x subdivisions and xNNN(N)
	// extensions in many combinations; the dictionary is the real test.
	for i := 1; i < len(rest); i++ {
		c := rest[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return true
}

// isMorphology accepts M8140/3, M81400/3, M9823x/3 forms.
func isMorphology(v string) bool {
	i := strings.IndexByte(v, '/')
	if len(v) < 7 || v[0] != 'M' || i < 5 || i != len(v)-2 || v[i+1] < '0' || v[i+1] > '9' {
		return false
	}
	if !allDigits(v[1:5]) {
		return false
	}
	for _, c := range v[5:i] {
		if (c < '0' || c > '9') && c != 'x' && c != 'X' {
			return false
		}
	}
	return i <= 8
}

// isPhone: 7–20 digits (separators - space + ( ) allowed), not a single
// repeated digit nor an ascending run like 1234567.
func isPhone(v string) bool {
	var d []byte
	var buf [24]byte
	d = buf[:0]
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c >= '0' && c <= '9':
			if len(d) == cap(d) {
				return false
			}
			d = append(d, c)
		case c == '-' || c == ' ' || c == '+' || c == '(' || c == ')':
		default:
			return false
		}
	}
	if len(d) < 7 || len(d) > 20 {
		return false
	}
	same, asc := true, true
	for i := 1; i < len(d); i++ {
		same = same && d[i] == d[0]
		asc = asc && d[i] == d[i-1]+1
	}
	if same || asc {
		return false
	}
	if len(d) == 11 && d[0] == '1' {
		return d[1] >= '3' && d[1] <= '9'
	}
	return true
}

// isPersonName: 2–40 characters, no digits, punctuation or spaces; the
// middle dot of transliterated names (·) is allowed.
func isPersonName(v string) bool {
	n := utf8.RuneCountInString(v)
	if n < 2 || n > 40 {
		return false
	}
	for _, r := range v {
		// CJK unified ideographs and ASCII letters are letters (category
		// L): skip the four table lookups below for them.
		if (r >= 0x4E00 && r <= 0x9FFF) || (r|0x20 >= 'a' && r|0x20 <= 'z') || r == '·' || r == '•' {
			continue
		}
		if unicode.IsDigit(r) || unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return false
		}
	}
	return true
}
