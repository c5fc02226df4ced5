package drg

import (
	"strings"
	"time"
)

// Case is the grouper input for one inpatient stay.
type Case struct {
	ID           string
	Sex          string   // "1" male / "2" female (男/女 accepted)
	AgeYears     int      // whole years
	AgeDays      int      // age in days; negative = unknown
	BirthWeight  int      // grams; 0 or negative = unknown
	Diagnoses    []string // first = principal diagnosis (主要诊断)
	Procedures   []string // first = principal procedure (主要手术/操作)
	LOS          int      // length of stay in days
	DischargeWay string   // 离院方式 code, e.g. "1" 医嘱离院, "5" 死亡
	Dept         string
	Discharge    time.Time // discharge date; selects the scheme in force (zero = any)
}

// Status of a grouping.
type Status uint8

const (
	StatusInvalid     Status = iota // 信息校验不通过: input failed validation
	StatusGrouped                   // 分组成功
	StatusUngroupable               // 无法入组 (0000)
	StatusAmbiguous                 // 歧义病案 (xQY)
)

var statusNames = [...]string{"invalid", "grouped", "ungroupable", "ambiguous"}
var statusZh = [...]string{"信息校验不通过", "分组成功", "无法入组", "歧义病案"}

func (s Status) String() string {
	if int(s) < len(statusNames) {
		return statusNames[s]
	}
	return "unknown"
}

// Chinese returns the Chinese name of the status.
func (s Status) Chinese() string {
	if int(s) < len(statusZh) {
		return statusZh[s]
	}
	return "未知"
}

// CCLevel of a secondary diagnosis.
type CCLevel uint8

const (
	LevelNone CCLevel = iota
	LevelCC
	LevelMCC
)

func (l CCLevel) String() string {
	switch l {
	case LevelCC:
		return "CC"
	case LevelMCC:
		return "MCC"
	}
	return ""
}

// Result of grouping one case. Strings point into the scheme or the input,
// so a Result costs no allocation when tracing is off.
type Result struct {
	Status        Status
	MDC           string // "MDCB"; "0000" when not grouped
	ADRG          string // "BR2"; "00" when not grouped, "QY" when ambiguous
	DRG           string // "BR21"; "0000" when not grouped, "BQY" when ambiguous
	DRGName       string
	CCCode        string   // the secondary diagnosis that decided the suffix (first in case order)
	CCLevel       CCLevel  // its level
	Tier          Tier     // low-risk tier of the DRG, when the pack has tiers.csv
	Reason        string   // why the case is invalid (Chinese + English)
	Untranslated  []string // codes without a crosswalk entry (translation only)
	SchemeID      string
	SchemeVersion string
	Trace         *Trace // nil unless Options.Trace
}

// Options of a grouping call.
type Options struct {
	Trace     bool // record every step (allocates)
	Translate bool // map 国家临床版 codes to 医保版 through the pack's crosswalks first
}

// Validation reasons (also the values of Result.Reason).
const (
	ReasonSex          = "性别缺失或无效 sex missing or invalid (need 1/2 or 男/女)"
	ReasonNoDiagnosis  = "缺少主要诊断 no principal diagnosis"
	ReasonAge          = "年龄无效 age invalid (negative)"
	ReasonBirthWeight  = "新生儿(0岁且≤28天)缺少出生体重 neonate (age 0, ≤28 days) without birth weight"
	ReasonUntranslated = "诊断/手术操作不能转换为分组器支持的编码 codes cannot be translated to the scheme's code set"
	ReasonNoCrosswalk  = "方案没有编码转换表 the scheme has no crosswalk for translation"
)

// maxCodes bounds the number of codes looked at per list; the national
// front page has at most 41 diagnoses and 41 procedures, so nothing real is
// cut, and the bound keeps per-case scratch space on the stack.
const maxCodes = 64

// caseCtx is the interned view of a case used by the evaluator.
type caseCtx struct {
	c      *Case
	sex    string
	dx     []int32 // ids; -1 = code unknown to the scheme
	px     []int32
	dxStr  []string // the (translated) code strings, parallel to dx
	pxStr  []string
	mainOR bool
	anyOR  bool
}

func normSex(s string) string {
	switch strings.TrimSpace(s) {
	case "1", "男", "M", "m":
		return "1"
	case "2", "女", "F", "f":
		return "2"
	}
	return ""
}

// Group groups one case with tracing and translation off. It is safe for
// concurrent use and does not allocate.
func (s *Scheme) Group(c Case) Result {
	return s.GroupWith(&c, Options{})
}

// GroupWith groups one case with options.
func (s *Scheme) GroupWith(c *Case, opt Options) Result {
	var tr *Trace
	if opt.Trace {
		tr = &Trace{SchemeID: s.Manifest.ID, SchemeVersion: s.Manifest.Version}
	}
	r := Result{SchemeID: s.Manifest.ID, SchemeVersion: s.Manifest.Version, Trace: tr}
	invalid := func(reason string) Result {
		r.Status, r.MDC, r.ADRG, r.DRG, r.Reason = StatusInvalid, "0000", "00", "0000", reason
		tr.add(TraceStep{Kind: StepValidate, Note: reason})
		return r
	}
	sex := normSex(c.Sex)
	switch {
	case sex == "":
		return invalid(ReasonSex)
	case len(c.Diagnoses) == 0 || strings.TrimSpace(c.Diagnoses[0]) == "":
		return invalid(ReasonNoDiagnosis)
	case c.AgeYears < 0:
		return invalid(ReasonAge)
	case c.AgeYears == 0 && c.AgeDays >= 0 && c.AgeDays <= 28 && c.BirthWeight <= 0:
		return invalid(ReasonBirthWeight)
	}
	var dxBuf, pxBuf [maxCodes]int32
	var dxS, pxS [maxCodes]string
	cx := caseCtx{c: c, sex: sex, dx: dxBuf[:0], px: pxBuf[:0], dxStr: dxS[:0], pxStr: pxS[:0]}
	if opt.Translate && (s.dxXwalk == nil || s.pxXwalk == nil) {
		return invalid(ReasonNoCrosswalk)
	}
	cx.dx, cx.dxStr = internCodes(c.Diagnoses, cx.dx, cx.dxStr, s.dxID, s.dxXwalk, s.dxCode, opt.Translate, &r, tr)
	cx.px, cx.pxStr = internCodes(c.Procedures, cx.px, cx.pxStr, s.pxID, s.pxXwalk, s.pxCode, opt.Translate, &r, tr)
	if len(r.Untranslated) > 0 {
		u := r.Untranslated
		r = invalid(ReasonUntranslated)
		r.Untranslated = u
		return r
	}
	for i, id := range cx.px {
		if s.pxOR.has(id) {
			cx.anyOR = true
			if i == 0 {
				cx.mainOR = true
			}
		}
	}
	if tr != nil {
		tr.Principal = cx.dxStr[0]
		if len(cx.pxStr) > 0 {
			tr.PrincipalProc = cx.pxStr[0]
		}
	}

	for mi := range s.mdcs {
		m := &s.mdcs[mi]
		if !s.evalAll(m.entry, &cx, mi, tr, StepMDC, m.code, "") {
			continue
		}
		tr.add(TraceStep{Kind: StepMDCEntered, MDC: m.code, Passed: true})
		n := len(m.adrgs)
		for i := 0; i <= n; i++ {
			if i == m.qyAt && m.qyOn {
				tr.add(TraceStep{Kind: StepQY, MDC: m.code, DRG: m.qyDRG, Passed: cx.anyOR, Codes: s.orCodes(&cx, tr)})
				if cx.anyOR {
					r.Status, r.MDC, r.ADRG, r.DRG = StatusAmbiguous, m.code, "QY", m.qyDRG
					return r
				}
			}
			if i == n {
				break
			}
			a := &s.adrgs[m.adrgs[i]]
			if !s.evalAll(a.conds, &cx, mi, tr, StepADRG, m.code, a.code) {
				continue
			}
			tr.add(TraceStep{Kind: StepADRGChosen, MDC: m.code, ADRG: a.code, Passed: true, Note: a.name})
			return s.chooseDRG(r, a, &cx, mi, tr)
		}
		tr.add(TraceStep{Kind: StepMDCFallThrough, MDC: m.code})
	}
	r.Status, r.MDC, r.ADRG, r.DRG = StatusUngroupable, "0000", "00", "0000"
	tr.add(TraceStep{Kind: StepUngroupable})
	return r
}

func (s *Scheme) orCodes(cx *caseCtx, tr *Trace) []string {
	if tr == nil {
		return nil
	}
	var out []string
	for i, id := range cx.px {
		if s.pxOR.has(id) {
			out = append(out, cx.pxStr[i])
		}
	}
	return out
}

// evalAll evaluates conditions (logical AND), short-circuiting unless tracing.
func (s *Scheme) evalAll(conds []cond, cx *caseCtx, mi int, tr *Trace, kind StepKind, mdc, adrg string) bool {
	for k := range conds {
		cd := &conds[k]
		if tr == nil {
			if !s.eval(cd, cx, mi, nil) {
				return false
			}
			continue
		}
		var codes []string
		ok := s.eval(cd, cx, mi, &codes)
		tr.add(TraceStep{Kind: kind, MDC: mdc, ADRG: adrg, Op: cd.name, Param: cd.desc, List: cd.listName, Passed: ok, Codes: codes})
		if !ok {
			return false
		}
	}
	return true
}

// eval evaluates one condition. When got is non-nil the matched codes are
// appended to it (tracing); the fast path passes nil and never allocates.
func (s *Scheme) eval(cd *cond, cx *caseCtx, mi int, got *[]string) bool {
	c := cx.c
	switch cd.op {
	case opAlways:
		return true
	case opMainDxInMDCList:
		ok := s.dxInMDC(cx.dx[0], mi)
		if ok && got != nil {
			*got = append(*got, cx.dxStr[0])
		}
		return ok
	case opMainProcIsOR:
		if cx.mainOR && got != nil {
			*got = append(*got, cx.pxStr[0])
		}
		return cx.mainOR
	case opNoORProc:
		return !cx.anyOR
	case opAnyORProc:
		return cx.anyOR
	case opAgeYearsEquals:
		return c.AgeYears == cd.n
	case opAgeYearsMin:
		return c.AgeYears >= cd.n
	case opAgeYearsMax:
		return c.AgeYears <= cd.n
	case opAgeDaysMax:
		return c.AgeDays >= 0 && c.AgeDays <= cd.n
	case opAgeDaysMin:
		return c.AgeDays >= 0 && c.AgeDays >= cd.n
	case opSexIs:
		return cx.sex == cd.s
	case opTraumaRegionsMin:
		reg := s.mdcs[mi].regions
		if reg == nil {
			return false
		}
		var seen uint64
		for i, id := range cx.dx {
			if id >= 0 && s.dx[id].mdcMask&(1<<uint(mi)) != 0 && reg[id] != 0 {
				seen |= 1 << reg[id]
				if got != nil {
					*got = append(*got, cx.dxStr[i]+"("+s.mdcs[mi].regionNames[reg[id]-1]+")")
				}
			}
		}
		return popcount(seen) >= cd.n
	case opMainDxIn:
		ok := s.lists[cd.list].has(cx.dx[0])
		if ok && got != nil {
			*got = append(*got, cx.dxStr[0])
		}
		return ok
	case opAnyDxIn, opSecondaryDxIn:
		start := 0
		if cd.op == opSecondaryDxIn {
			start = 1
		}
		l := s.lists[cd.list]
		found := false
		for i := start; i < len(cx.dx); i++ {
			if l.has(cx.dx[i]) {
				if got == nil {
					return true
				}
				found = true
				*got = append(*got, cx.dxStr[i])
			}
		}
		return found
	case opMainProcIn:
		ok := len(cx.px) > 0 && s.lists[cd.list].has(cx.px[0])
		if ok && got != nil {
			*got = append(*got, cx.pxStr[0])
		}
		return ok
	case opAnyProcIn:
		l := s.lists[cd.list]
		found := false
		for i, id := range cx.px {
			if l.has(id) {
				if got == nil {
					return true
				}
				found = true
				*got = append(*got, cx.pxStr[i])
			}
		}
		return found
	case opBirthWeight:
		w := c.BirthWeight
		return w > 0 && w >= cd.lo && (cd.hi <= 0 || w < cd.hi)
	case opProcTagCombination:
		tl := &s.tagLists[cd.list]
		var have uint32
		for i, id := range cx.px {
			if t, ok := tl.tags[id]; ok {
				have |= t
				if got != nil {
					*got = append(*got, cx.pxStr[i]+"#"+tagNames(tl, t))
				}
			}
		}
		for _, want := range cd.combos {
			if have&want == want {
				return true
			}
		}
		return false
	case opLOSMin:
		return c.LOS >= cd.n
	case opLOSMax:
		return c.LOS <= cd.n
	case opDischargeWayIn:
		return inValues(strings.TrimSpace(c.DischargeWay), cd.values)
	case opDeptIn:
		return inValues(strings.TrimSpace(c.Dept), cd.values)
	}
	return false
}

func (s *Scheme) dxInMDC(id int32, mi int) bool {
	return id >= 0 && s.dx[id].mdcMask&(1<<uint(mi)) != 0
}

func inValues(v string, values []string) bool {
	for _, x := range values {
		if x == v {
			return true
		}
	}
	return false
}

func tagNames(tl *tagList, mask uint32) string {
	var parts []string
	for i, n := range tl.names {
		if mask&(1<<uint(i)) != 0 {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, ",")
}

func popcount(x uint64) int {
	n := 0
	for x != 0 {
		x &= x - 1
		n++
	}
	return n
}

// chooseDRG applies the DRG rules of the chosen ADRG.
func (s *Scheme) chooseDRG(r Result, a *adrgNode, cx *caseCtx, mi int, tr *Trace) Result {
	// CC analysis once: first non-excluded MCC and first non-excluded CC
	// among the secondary diagnoses, in case order.
	mccAt, ccAt := -1, -1
	var excl int32
	if id := cx.dx[0]; id >= 0 {
		excl = s.dx[id].exclTable
	}
	for i := 1; i < len(cx.dx); i++ {
		id := cx.dx[i]
		if id < 0 {
			continue
		}
		d := s.dx[id]
		if d.ccLevel == LevelNone {
			continue
		}
		excluded := excl != 0 && d.ccTable != 999 && d.ccTable == excl
		if tr != nil {
			tr.add(TraceStep{Kind: StepCC, Codes: []string{cx.dxStr[i]}, Level: d.ccLevel, ExclusionTable: int(d.ccTable), PrincipalTable: int(excl), Passed: !excluded})
		}
		if excluded {
			continue
		}
		if d.ccLevel == LevelMCC && mccAt < 0 {
			mccAt = i
		}
		if ccAt < 0 && d.ccLevel == LevelCC {
			ccAt = i
		}
	}
	if tr != nil && len(cx.dx) > 1 && excl == 0 {
		tr.add(TraceStep{Kind: StepCCNoTable, Codes: []string{cx.dxStr[0]}})
	}
	for _, di := range a.drgs {
		d := &s.drgs[di]
		ok := true
		decider := -1
		for k := range d.conds {
			cd := &d.conds[k]
			switch cd.op {
			case opMCC:
				ok = mccAt >= 0
				decider = mccAt
			case opMCCOrCC:
				ok = mccAt >= 0 || ccAt >= 0
				decider = mccAt
				if decider < 0 {
					decider = ccAt
				}
			default:
				var codes []string
				var gp *[]string
				if tr != nil {
					gp = &codes
				}
				ok = s.eval(cd, cx, mi, gp)
			}
			if !ok {
				break
			}
		}
		if tr != nil {
			st := TraceStep{Kind: StepDRG, ADRG: a.code, DRG: d.code, Op: d.rule, Passed: ok}
			if ok && decider >= 0 {
				st.Codes = []string{cx.dxStr[decider]}
				st.Level = s.dx[cx.dx[decider]].ccLevel
			}
			tr.add(st)
		}
		if !ok {
			continue
		}
		r.Status, r.MDC, r.ADRG, r.DRG, r.DRGName, r.Tier = StatusGrouped, s.mdcs[mi].code, a.code, d.code, d.name, d.tier
		if decider >= 0 {
			r.CCCode, r.CCLevel = cx.dxStr[decider], s.dx[cx.dx[decider]].ccLevel
		}
		return r
	}
	// Compile guarantees the last DRG of every ADRG is unconditional; this is
	// only reachable with a hand-built Scheme.
	r.Status, r.MDC, r.ADRG, r.DRG = StatusUngroupable, "0000", "00", "0000"
	return r
}

// splitList splits a "|"-separated code list (the CLI and OpenDRG record
// format), dropping empty items.
func splitList(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	parts := strings.Split(s, "|")
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// internCodes appends the scheme ids and code strings of the first maxCodes
// non-blank input codes to ids and strs (id −1 = unknown to the scheme).
// When translating, codes go through the crosswalk and those without an
// entry are collected in r.Untranslated instead.
func internCodes(in []string, ids []int32, strs []string, idOf, xwalk map[string]int32, code []string, translate bool, r *Result, tr *Trace) ([]int32, []string) {
	for i, c := range in {
		if i == maxCodes {
			break
		}
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		if translate {
			id, ok := xwalk[c]
			if !ok {
				r.Untranslated = append(r.Untranslated, c)
				continue
			}
			tr.add(TraceStep{Kind: StepTranslate, Codes: []string{c, code[id]}})
			ids, strs = append(ids, id), append(strs, code[id])
			continue
		}
		id, ok := idOf[c]
		if !ok {
			id = -1
		}
		ids, strs = append(ids, id), append(strs, c)
	}
	return ids, strs
}
