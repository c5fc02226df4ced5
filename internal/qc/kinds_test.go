package qc

import (
	"strings"
	"testing"
)

// TestFieldKindsChecked: a rule whose check cannot read its fields is
// rejected when compiled, naming the field; the same check on fields of
// the right kind compiles.
func TestFieldKindsChecked(t *testing.T) {
	// The fields the cases rely on, by kind.
	for code, want := range map[string]vkind{"A11": kText, "A12C": kText, "D01": kNum, "D09": kNum, "B12": kTime, "B15": kTime, "B21C": kList} {
		a, err := resolve(code)
		if err != nil || a.kind != want {
			t.Fatalf("field %s: kind %v (%v), the cases below assume %s", code, a.kind, err, kindNames[want])
		}
	}
	rule := func(check string, p Params, fields ...string) *Rule {
		return &Rule{ID: "T", Category: Validity, Severity: Warning, Check: check, Fields: fields, Params: p}
	}
	minMax := Params{Min: num(0), Max: num(1)}
	for _, tc := range []struct {
		r   *Rule
		bad string // field named in the error; "" = must compile
	}{
		{rule(CheckRange, minMax, "A11"), "A11"},
		{rule(CheckRange, minMax, "D01", "B12"), "B12"},
		{rule(CheckRange, minMax, "D01"), ""},
		{rule(CheckSum, Params{Op: "eq"}, "D01", "A12C"), "A12C"},
		{rule(CheckSum, Params{Op: "eq"}, "D01", "D09"), ""},
		{rule(CheckDateOrder, Params{}, "B12", "D01"), "D01"},
		{rule(CheckDateOrder, Params{}, "B12", "B15"), ""},
		{rule(CheckShape, Params{Pattern: "icd10"}, "D01"), "D01"},
		{rule(CheckShape, Params{Pattern: "icd10"}, "A12C"), ""},
		{rule(CheckCodeset, Params{Table: "RC001"}, "B12"), "B12"},
		{rule(CheckCodeset, Params{Table: "RC001"}, "A12C"), ""},
		{rule(CheckExists, Params{System: "dx"}, "B15"), "B15"},
		{rule(CheckGrey, Params{System: "dx"}, "B21C"), "B21C"},
		{rule(CheckCodeRange, Params{Ranges: []string{"Z37"}, Mode: "forbid"}, "D09"), "D09"},
		{rule(CheckCodeRange, Params{Ranges: []string{"Z37"}, Mode: "forbid"}, "B21C"), ""},
		{rule(CheckSex, Params{}, "D01"), "D01"},
		{rule(CheckAge, Params{Ranges: []string{"Z37"}, Min: num(0), Unit: "years"}, "B12"), "B12"},
		{rule(CheckAge, Params{Ranges: []string{"Z37"}, Min: num(0), Unit: "months"}, "A12C"), "months"},
		{rule(CheckAge, Params{Ranges: []string{"Z37"}, Min: num(0), Unit: "days"}, "A12C"), ""},
		{rule(CheckRequired, Params{}, "A11", "D01", "B12", "B21C"), ""},
	} {
		_, err := Compile([]*Rule{tc.r}, nil)
		switch {
		case tc.bad == "" && err != nil:
			t.Errorf("%s on %v: %v", tc.r.Check, tc.r.Fields, err)
		case tc.bad != "" && err == nil:
			t.Errorf("%s on %v compiled; want an error naming %s", tc.r.Check, tc.r.Fields, tc.bad)
		case tc.bad != "" && !strings.Contains(err.Error(), tc.bad):
			t.Errorf("%s on %v: error %q does not name %s", tc.r.Check, tc.r.Fields, err, tc.bad)
		}
	}
}
