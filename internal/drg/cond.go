package drg

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// opcode identifies a condition operator. Conditions are data: mdc.json,
// adrg.json and the rule column of drg.csv name operators from this small
// registry, and the engine evaluates them with one switch. No ADRG has code
// of its own.
type opcode uint8

const (
	opAlways opcode = iota + 1
	opMainDxInMDCList
	opMainProcIsOR
	opNoORProc
	opAnyORProc
	opAgeYearsEquals
	opAgeYearsMin
	opAgeYearsMax
	opAgeDaysMax
	opAgeDaysMin
	opSexIs
	opTraumaRegionsMin
	opMainDxIn
	opAnyDxIn
	opSecondaryDxIn
	opMainProcIn
	opAnyProcIn
	opBirthWeight
	opProcTagCombination
	opLOSMin
	opLOSMax
	opDischargeWayIn
	opDeptIn
	opMCC
	opMCCOrCC
)

// opSpec describes an operator for parsing, validation and documentation.
type opSpec struct {
	code    opcode
	list    byte // 'd' diagnosis list, 'p' procedure list, 't' tagged procedure list, 0 none
	param   byte // 'i' integer value, 's' code, 'v' values list, 'w' weight band, 'c' combinations, 0 none
	drgOnly bool // needs the CC/MCC analysis of a chosen ADRG (DRG rules only)
	zh, en  string
}

// ops is the operator registry. The README of the national tables defines
// the first block; the rest are for regional variants (length of stay,
// discharge way, age and department splits).
var ops = map[string]opSpec{
	"always":                    {code: opAlways, zh: "无条件", en: "always"},
	"main_dx_in_mdc_list":       {code: opMainDxInMDCList, zh: "主要诊断在本MDC主诊表中", en: "principal diagnosis in this MDC's list"},
	"main_proc_is_or_procedure": {code: opMainProcIsOR, zh: "主要手术为手术室手术", en: "principal procedure is an OR procedure"},
	"no_or_procedure":           {code: opNoORProc, zh: "无手术室手术", en: "no OR procedure"},
	"any_or_procedure":          {code: opAnyORProc, zh: "有手术室手术", en: "any OR procedure"},
	"age_years_equals":          {code: opAgeYearsEquals, param: 'i', zh: "年龄(岁)等于", en: "age in years equals"},
	"age_years_min":             {code: opAgeYearsMin, param: 'i', zh: "年龄(岁)不小于", en: "age in years at least"},
	"age_years_max":             {code: opAgeYearsMax, param: 'i', zh: "年龄(岁)不大于", en: "age in years at most"},
	"age_days_max":              {code: opAgeDaysMax, param: 'i', zh: "年龄(天)已知且不大于", en: "age in days known and at most"},
	"age_days_min":              {code: opAgeDaysMin, param: 'i', zh: "年龄(天)已知且不小于", en: "age in days known and at least"},
	"sex_is":                    {code: opSexIs, param: 's', zh: "性别为", en: "sex is"},
	"trauma_regions_min":        {code: opTraumaRegionsMin, param: 'i', zh: "创伤部位数不少于", en: "distinct trauma regions at least"},
	"main_dx_in":                {code: opMainDxIn, list: 'd', zh: "主要诊断在列表", en: "principal diagnosis in list"},
	"any_dx_in":                 {code: opAnyDxIn, list: 'd', zh: "任一诊断在列表", en: "any diagnosis in list"},
	"secondary_dx_in":           {code: opSecondaryDxIn, list: 'd', zh: "任一其他诊断在列表", en: "any secondary diagnosis in list"},
	"main_proc_in":              {code: opMainProcIn, list: 'p', zh: "主要手术在列表", en: "principal procedure in list"},
	"any_proc_in":               {code: opAnyProcIn, list: 'p', zh: "任一手术操作在列表", en: "any procedure in list"},
	"birth_weight_grams":        {code: opBirthWeight, param: 'w', zh: "出生体重(克)在区间", en: "birth weight (g) in band"},
	"proc_tag_combination":      {code: opProcTagCombination, list: 't', param: 'c', zh: "手术标签组合", en: "tagged procedure combination"},
	"los_min":                   {code: opLOSMin, param: 'i', zh: "住院天数不少于", en: "length of stay at least"},
	"los_max":                   {code: opLOSMax, param: 'i', zh: "住院天数不大于", en: "length of stay at most"},
	"discharge_way_in":          {code: opDischargeWayIn, param: 'v', zh: "离院方式为", en: "discharge way in"},
	"dept_in":                   {code: opDeptIn, param: 'v', zh: "科室为", en: "department in"},
	"mcc":                       {code: opMCC, drgOnly: true, zh: "伴严重并发症或合并症(MCC)", en: "with MCC"},
	"mcc_or_cc":                 {code: opMCCOrCC, drgOnly: true, zh: "伴并发症或合并症(MCC或CC)", en: "with MCC or CC"},
}

// ruleAliases are the short names accepted in drg.csv rule terms.
var ruleAliases = map[string]string{"age_min": "age_years_min", "age_max": "age_years_max"}

// OperatorNames lists the registered operators (for docs and error messages).
func OperatorNames() []string {
	n := make([]string, 0, len(ops))
	for k := range ops {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// cond is a compiled condition.
type cond struct {
	op       opcode
	name     string // operator name, for traces
	list     int32  // index into Scheme.lists / Scheme.tagLists
	listName string
	n        int    // integer parameter
	lo, hi   int    // birth-weight band [lo, hi); hi<=0 = unbounded
	s        string // sex code
	values   []string
	combos   []uint32 // proc_tag_combination: each entry a bitmask of tag indexes
	desc     string   // parameter text for traces
}

// listRef resolves a list name of an ADRG to a list index; kind is 'd', 'p' or 't'.
type listRef func(kind byte, name string) (int32, error)

func parseIntValue(raw json.RawMessage) (int, error) {
	if len(raw) == 0 {
		return 0, fmt.Errorf("缺少 value missing value")
	}
	var f float64
	if err := json.Unmarshal(raw, &f); err == nil {
		return int(f), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return strconv.Atoi(s)
	}
	return 0, fmt.Errorf("value %s 不是整数 not an integer", raw)
}

// compileCond turns a CondDef into a cond. ctx tells where it appears
// ("mdc", "adrg" or "drg") because DRG-only operators need a chosen ADRG.
func compileCond(d CondDef, ctx string, lists listRef, tagIndex func(list int32, tag string) (int, error)) (cond, error) {
	spec, ok := ops[d.Op]
	if !ok {
		return cond{}, fmt.Errorf("未知运算符 unknown operator %q (known: %s)", d.Op, strings.Join(OperatorNames(), ", "))
	}
	if spec.drgOnly && ctx != "drg" {
		return cond{}, fmt.Errorf("运算符 %q 只能用于 DRG 规则 operator only valid in drg.csv rules", d.Op)
	}
	c := cond{op: spec.code, name: d.Op}
	if spec.list != 0 {
		if d.List == "" {
			return c, fmt.Errorf("%s: 缺少 list missing list", d.Op)
		}
		if lists == nil {
			return c, fmt.Errorf("%s: 此处不能引用代码列表 lists not available here", d.Op)
		}
		id, err := lists(spec.list, d.List)
		if err != nil {
			return c, fmt.Errorf("%s: %w", d.Op, err)
		}
		c.list, c.listName = id, d.List
	}
	switch spec.param {
	case 'i':
		n, err := parseIntValue(d.Value)
		if err != nil {
			return c, fmt.Errorf("%s: %w", d.Op, err)
		}
		c.n, c.desc = n, strconv.Itoa(n)
	case 's':
		c.s = d.Code
		if c.s == "" {
			// Accept value "male"/"female" or a bare code in value.
			var v string
			_ = json.Unmarshal(d.Value, &v)
			switch v {
			case "male", "1", "男":
				c.s = "1"
			case "female", "2", "女":
				c.s = "2"
			}
		}
		if c.s != "1" && c.s != "2" {
			return c, fmt.Errorf("%s: code 须为 must be \"1\" or \"2\"", d.Op)
		}
		c.desc = c.s
	case 'v':
		c.values = d.Values
		if len(c.values) == 0 {
			var s string
			if json.Unmarshal(d.Value, &s) == nil && s != "" {
				c.values = strings.Split(s, "|")
			}
		}
		if len(c.values) == 0 {
			return c, fmt.Errorf("%s: 缺少 values missing values", d.Op)
		}
		c.desc = strings.Join(c.values, "|")
	case 'w':
		if d.Min != nil {
			c.lo = *d.Min
		}
		if d.MaxExclusive != nil {
			c.hi = *d.MaxExclusive
		}
		if d.Min == nil && d.MaxExclusive == nil {
			return c, fmt.Errorf("%s: 需要 min 或 max_exclusive needs min or max_exclusive", d.Op)
		}
		hi := "∞"
		if c.hi > 0 {
			hi = strconv.Itoa(c.hi)
		}
		c.desc = fmt.Sprintf("[%d,%s)", c.lo, hi)
	case 'c':
		if len(d.AnyOf) == 0 {
			return c, fmt.Errorf("%s: 缺少 any_of missing any_of", d.Op)
		}
		var parts []string
		for _, combo := range d.AnyOf {
			var mask uint32
			for _, tag := range combo {
				bit, err := tagIndex(c.list, tag)
				if err != nil {
					return c, fmt.Errorf("%s: %w", d.Op, err)
				}
				mask |= 1 << uint(bit)
			}
			c.combos = append(c.combos, mask)
			parts = append(parts, "{"+strings.Join(combo, "+")+"}")
		}
		c.desc = strings.Join(parts, " 或 or ")
	}
	return c, nil
}

// parseRule parses the rule column of drg.csv: terms joined by ";", each
// "op" or "op:value" (value lists separated by "|"), all of which must hold.
// Examples: "mcc", "mcc_or_cc;los_min:30", "discharge_way_in:4|5;los_max:5".
func parseRule(rule string) ([]CondDef, error) {
	rule = strings.TrimSpace(rule)
	if rule == "" {
		return nil, fmt.Errorf("规则为空 empty rule")
	}
	var out []CondDef
	for _, term := range strings.Split(rule, ";") {
		term = strings.TrimSpace(term)
		if term == "" {
			continue
		}
		name, arg, hasArg := strings.Cut(term, ":")
		name = strings.TrimSpace(name)
		if a, ok := ruleAliases[name]; ok {
			name = a
		}
		spec, ok := ops[name]
		if !ok {
			return nil, fmt.Errorf("规则 rule %q: 未知项 unknown term %q", rule, name)
		}
		d := CondDef{Op: name}
		switch spec.param {
		case 0:
			if hasArg {
				return nil, fmt.Errorf("规则 rule %q: %s 不带参数 takes no value", rule, name)
			}
		case 'i':
			if _, err := strconv.Atoi(strings.TrimSpace(arg)); err != nil {
				return nil, fmt.Errorf("规则 rule %q: %s 需要整数 needs an integer", rule, name)
			}
			d.Value = json.RawMessage(strings.TrimSpace(arg))
		case 's':
			d.Code = strings.TrimSpace(arg)
		case 'v':
			for _, v := range strings.Split(arg, "|") {
				if v = strings.TrimSpace(v); v != "" {
					d.Values = append(d.Values, v)
				}
			}
		default:
			return nil, fmt.Errorf("规则 rule %q: %s 不能用于 drg.csv not usable in drg.csv", rule, name)
		}
		if spec.list != 0 {
			return nil, fmt.Errorf("规则 rule %q: %s 需要代码列表, 不能用于 drg.csv needs a code list", rule, name)
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("规则为空 empty rule")
	}
	return out, nil
}
