// Package qc checks inpatient front pages (住院病案首页) against the national
// quality rules and scores them with the 2016 100-point standard.
//
// Rules are data (Rule): an id, a category, a severity, the fields read, an
// optional condition and a parameterised check type. A small number of rules
// that need code are Go functions registered by id (funcs.go). The built-in
// catalogue (catalogue.go) implements NOTES.md §3.4 and the decidable parts of
// the principal-diagnosis selection rules of §3.3; a hospital can switch rules
// off, change severities and add rules of the parameterised types in a JSON
// configuration file (config.go) without rebuilding.
//
// An Engine is the compiled rule set: field accessors are resolved, code
// tables become sets and code ranges sorted interval tables once, so checking
// a stay allocates nothing unless it produces findings.
package qc

import (
	"fmt"
	"strings"
)

// Severity of a finding.
type Severity uint8

// Severities, most severe first (the numeric order is the sort order).
const (
	Error   Severity = 1 // blocks upload
	Warning Severity = 2
	Info    Severity = 3
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "info"
	}
	return fmt.Sprintf("severity(%d)", uint8(s))
}

// CN is the Chinese label.
func (s Severity) CN() string {
	switch s {
	case Error:
		return "错误"
	case Warning:
		return "警告"
	case Info:
		return "提示"
	}
	return "?"
}

// ParseSeverity accepts error/warning/info, E/W/I and the Chinese labels.
func ParseSeverity(v string) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "error", "e", "错误":
		return Error, nil
	case "warning", "warn", "w", "警告":
		return Warning, nil
	case "info", "i", "提示":
		return Info, nil
	}
	return 0, fmt.Errorf("未知严重程度 unknown severity %q (use error, warning, info)", v)
}

// MarshalText writes the English name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads any form ParseSeverity accepts.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Category groups rules as in NOTES §3.4.
type Category string

// Categories.
const (
	Completeness Category = "completeness"
	Validity     Category = "validity"
	Logic        Category = "logic"
	Coding       Category = "coding"
	Cost         Category = "cost"
	Insurance    Category = "insurance"
)

// Categories lists every category in display order.
var Categories = []Category{Completeness, Validity, Logic, Coding, Cost, Insurance}

func validCategory(c Category) bool {
	for _, x := range Categories {
		if x == c {
			return true
		}
	}
	return false
}

// Check types. Each is documented in docs/quality-rules.md.
const (
	CheckRequired   = "required"    // every field present
	CheckRequiredIf = "required_if" // every field present when the condition holds
	CheckCodeset    = "codeset"     // value in an RC code table (params.table)
	CheckShape      = "shape"       // value has the form params.pattern
	CheckExists     = "code_exists" // code in the imported dictionary (params.system dx|px)
	CheckGrey       = "grey_code"   // code is a 医保 grey code (params.system dx|px)
	CheckDateOrder  = "date_order"  // fields[0] <= fields[1] (params.granularity day|minute, params.slack_days)
	CheckRange      = "range"       // numeric value in [params.min, params.max], multiple of params.step
	CheckSex        = "sex_code"    // diagnosis/procedure compatible with A12C
	CheckAge        = "age_code"    // code in params.ranges only for ages in [params.min, params.max] (params.unit days|years)
	CheckSum        = "sum"         // fields[0] (total) relates to the sum of fields[1:] by params.op eq|ge|le
	CheckPair       = "pair"        // fields[0] and fields[1] both present or both absent
	CheckCodeRange  = "code_range"  // code(s) forbidden in / required in params.ranges (params.mode forbid|require)
	CheckWhen       = "when"        // the condition itself is the finding (reported on fields[0])
	CheckFunc       = "func"        // Go function registered by rule id (params.func overrides)
)

// CheckTypes lists the parameterised check types a configuration may use.
var CheckTypes = []string{CheckRequired, CheckRequiredIf, CheckCodeset, CheckShape, CheckExists, CheckGrey,
	CheckDateOrder, CheckRange, CheckSex, CheckAge, CheckSum, CheckPair, CheckCodeRange, CheckWhen, CheckFunc}

// Scopes of repeated items. A scoped rule runs once per item and its fields
// use the national repeat patterns (C06xNNC, C35xNNC, C48xNNC, …).
const (
	ScopeStay    = ""    // the stay
	ScopeDx      = "dx"  // every diagnosis, principal first (index 0 reports as C03C/C04N/C05C)
	ScopeOtherDx = "odx" // other diagnoses only
	ScopeProc    = "px"  // every procedure, principal first (index 0 reports as C14x01C…)
	ScopeOtherPx = "opx" // other procedures only
	ScopeICU     = "icu" // ICU episodes
)

// Rule is one quality rule as data.
type Rule struct {
	ID       string   `json:"id"`
	Category Category `json:"category"`
	Severity Severity `json:"severity"`
	Check    string   `json:"check"`
	Scope    string   `json:"scope,omitempty"`
	Fields   []string `json:"fields"`
	When     []Cond   `json:"when,omitempty"`
	Params   Params   `json:"params,omitempty"`
	// Messages may use {field} (the field code), {name} / {name_en} (its
	// name), {value} (the offending value; identity fields are never shown)
	// and {expect} (what the rule expected, e.g. the computed LOS).
	MsgCN    string `json:"message_cn"`
	MsgEN    string `json:"message_en"`
	Source   string `json:"source,omitempty"` // NOTES section and rule id, or "hospital"
	Disabled bool   `json:"disabled,omitempty"`
}

// Params are the check-type parameters.
type Params struct {
	Table       string   `json:"table,omitempty"`       // codeset: RC table id
	Pattern     string   `json:"pattern,omitempty"`     // shape: icd10, icd9cm3, morphology, digits3, postcode, phone, person_name
	System      string   `json:"system,omitempty"`      // code_exists, grey_code, code_range, sex_code, age_code: dx or px
	Ranges      []string `json:"ranges,omitempty"`      // code ranges "C00-D48", "Z37", "68.3-68.9"
	Mode        string   `json:"mode,omitempty"`        // code_range: forbid | require
	Sex         string   `json:"sex,omitempty"`         // sex_code with ranges: the only sex allowed (1 male, 2 female)
	Min         *float64 `json:"min,omitempty"`         // range, age_code
	Max         *float64 `json:"max,omitempty"`         // range, age_code
	Step        float64  `json:"step,omitempty"`        // range: value must be a multiple
	Unit        string   `json:"unit,omitempty"`        // age_code: days | years
	Op          string   `json:"op,omitempty"`          // sum: eq | ge | le
	Tolerance   float64  `json:"tolerance,omitempty"`   // sum
	Granularity string   `json:"granularity,omitempty"` // date_order: day | minute
	SlackDays   int      `json:"slack_days,omitempty"`  // date_order: fields[0] may be this many days after fields[1]
	ReportLast  bool     `json:"report_last,omitempty"` // date_order: report the finding on fields[1]
	Func        string   `json:"func,omitempty"`        // func: registered function id (default: the rule id)
}

// Cond is one condition of a rule's When list (all must hold).
type Cond struct {
	Field  string   `json:"field"`
	Op     string   `json:"op"` // present, absent, eq, ne, in, not_in, in_ranges, not_in_ranges, gt, ge, lt, le
	Value  string   `json:"value,omitempty"`
	Values []string `json:"values,omitempty"`
}

// Title is the English message with the placeholders blanked, for lists of
// rules (no stay at hand).
func (r *Rule) Title(cn bool) string {
	tpl := r.MsgEN
	if cn {
		tpl = r.MsgCN
	}
	f := &Finding{Rule: r, Field: strings.Join(r.Fields, "/"), Value: "…", Expect: "…"}
	if len(r.Fields) > 3 {
		f.Field = strings.Join(r.Fields[:3], "/") + "/…"
	}
	return render(tpl, f, cn)
}

// Finding is one rule violation on one stay.
type Finding struct {
	Rule   *Rule  // the effective rule (after configuration)
	Field  string // concrete field code, e.g. C06x03C
	Value  string // offending value ("" when missing or masked)
	Expect string // expected value when the rule computes one
}

// Severity of the finding.
func (f *Finding) Severity() Severity { return f.Rule.Severity }

// MessageCN renders the Chinese message.
func (f *Finding) MessageCN() string { return render(f.Rule.MsgCN, f, true) }

// MessageEN renders the English message.
func (f *Finding) MessageEN() string { return render(f.Rule.MsgEN, f, false) }

// Message is the bilingual message "中文 English".
func (f *Finding) Message() string { return f.MessageCN() + " " + f.MessageEN() }

func render(tpl string, f *Finding, cn bool) string {
	if strings.IndexByte(tpl, '{') < 0 {
		return tpl
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(tpl, '{')
		if i < 0 {
			b.WriteString(tpl)
			break
		}
		j := strings.IndexByte(tpl[i:], '}')
		if j < 0 {
			b.WriteString(tpl)
			break
		}
		b.WriteString(tpl[:i])
		switch tpl[i+1 : i+j] {
		case "field":
			b.WriteString(f.Field)
		case "name":
			b.WriteString(fieldName(f.Field, true))
		case "name_en":
			b.WriteString(fieldName(f.Field, false))
		case "value":
			b.WriteString(f.Value)
		case "expect":
			b.WriteString(f.Expect)
		default:
			b.WriteString(tpl[i : i+j+1])
		}
		tpl = tpl[i+j+1:]
	}
	return b.String()
}
