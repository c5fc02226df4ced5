// Package indicator is the indicator registry and engine of Yardstick: the
// 国考 (national public-hospital performance assessment) indicators and the
// related DRG and efficiency measures, defined as declarative data
// (registry.json) whose numerators and denominators are expressions over
// case-level facts (stay_facts, see Fact and Columns).
//
// Every indicator is a ratio of sums over stays ("persons, not operations"
// unless the measure sums operations), never a mean of ratios, so one
// grouped query computes the whole set; comparisons (同比/环比) are computed
// in Go from the grouped rows. The package never touches a database: a
// Source (implemented by internal/store, and by MemSource for tests)
// aggregates.
package indicator

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
)

// Direction tells which way is better.
type Direction string

// Directions.
const (
	Up      Direction = "up"      // 逐步提高 higher is better
	Down    Direction = "down"    // 逐步降低 lower is better
	Monitor Direction = "monitor" // 监测比较 no preferred direction
)

// Chinese returns the 国考 wording of the direction.
func (d Direction) Chinese() string {
	switch d {
	case Up:
		return "逐步提高"
	case Down:
		return "逐步降低"
	}
	return "监测比较"
}

// Def is one indicator definition (one entry of registry.json).
type Def struct {
	Code        string    `json:"code"`
	GKTertiary  string    `json:"gk_tertiary,omitempty"`  // number in the 三级公立医院绩效考核 list
	GKSecondary string    `json:"gk_secondary,omitempty"` // number in the 二级 list
	NameCN      string    `json:"name_cn"`
	NameEN      string    `json:"name_en"`
	Numerator   string    `json:"numerator,omitempty"`
	Denominator string    `json:"denominator,omitempty"` // empty: the value is the numerator (a count or sum)
	Unit        string    `json:"unit"`
	Scale       float64   `json:"scale"` // value = numerator ÷ denominator × scale (100 for %)
	Direction   Direction `json:"direction"`
	Source      string    `json:"source"`   // FP 首页, visits 门急诊, DRG, HOSP/FIN/PLAT 填报
	Counting    string    `json:"counting"` // counting rule (persons/operations/…)
	Version     int       `json:"version"`  // manual year the definition follows
	Kind        string    `json:"kind"`     // ratio | growth | input
	Base        string    `json:"base,omitempty"`
	Needs       []string  `json:"needs,omitempty"` // catalogue kinds, "drg"
	Note        string    `json:"note,omitempty"`

	Num *Measure `json:"-"`
	Den *Measure `json:"-"` // nil when Denominator is empty

	needsDRG bool
}

// Kinds of definitions.
const (
	KindRatio  = "ratio"
	KindGrowth = "growth"
	KindInput  = "input"
)

// GK returns the 国考 numbers as text ("三级4 二级1"), or "".
func (d *Def) GK() string {
	s := ""
	if d.GKTertiary != "" {
		s = "三级" + d.GKTertiary
	}
	if d.GKSecondary != "" {
		if s != "" {
			s += " "
		}
		s += "二级" + d.GKSecondary
	}
	return s
}

// NeedsDRG reports whether the indicator depends on DRG grouping.
func (d *Def) NeedsDRG() bool {
	for _, n := range d.Needs {
		if n == "drg" {
			return true
		}
	}
	return false
}

//go:embed registry.json
var registryJSON []byte

var (
	regOnce  sync.Once
	regDefs  []*Def
	regByKey map[string]*Def
	regErr   error
)

// Registry returns the built-in indicator definitions in display order. The
// definitions are parsed and validated once; a broken registry.json is a
// programming error caught by the tests, reported here as an error.
func Registry() ([]*Def, error) {
	regOnce.Do(func() {
		regDefs, regErr = ParseRegistry(registryJSON)
		regByKey = make(map[string]*Def, len(regDefs))
		for _, d := range regDefs {
			regByKey[d.Code] = d
		}
	})
	return regDefs, regErr
}

// Lookup finds a definition by code.
func Lookup(code string) (*Def, bool) {
	if _, err := Registry(); err != nil {
		return nil, false
	}
	d, ok := regByKey[code]
	return d, ok
}

// ParseRegistry parses and validates registry JSON.
func ParseRegistry(b []byte) ([]*Def, error) {
	var defs []*Def
	if err := json.Unmarshal(b, &defs); err != nil {
		return nil, fmt.Errorf("registry: %w", err)
	}
	seen := map[string]*Def{}
	for _, d := range defs {
		if d.Code == "" || d.NameCN == "" {
			return nil, fmt.Errorf("registry: entry without code or name")
		}
		if seen[d.Code] != nil {
			return nil, fmt.Errorf("registry: duplicate code %s", d.Code)
		}
		seen[d.Code] = d
		if d.Scale == 0 {
			d.Scale = 1
		}
		d.needsDRG = d.NeedsDRG()
		switch d.Direction {
		case Up, Down, Monitor:
		default:
			return nil, fmt.Errorf("registry %s: bad direction %q", d.Code, d.Direction)
		}
		switch d.Kind {
		case "", KindRatio, KindInput:
			if d.Kind == "" {
				d.Kind = KindRatio
			}
			m, err := ParseMeasure(d.Numerator)
			if err != nil {
				return nil, fmt.Errorf("registry %s numerator: %w", d.Code, err)
			}
			d.Num = m
			if d.Denominator != "" {
				m, err := ParseMeasure(d.Denominator)
				if err != nil {
					return nil, fmt.Errorf("registry %s denominator: %w", d.Code, err)
				}
				d.Den = m
			}
		case KindGrowth:
			if d.Base == "" {
				return nil, fmt.Errorf("registry %s: growth without base", d.Code)
			}
		default:
			return nil, fmt.Errorf("registry %s: bad kind %q", d.Code, d.Kind)
		}
	}
	for _, d := range defs {
		if d.Kind == KindGrowth {
			b := seen[d.Base]
			if b == nil || b.Kind != KindRatio {
				return nil, fmt.Errorf("registry %s: base %q is not a ratio indicator", d.Code, d.Base)
			}
		}
	}
	return defs, nil
}

// Codes returns the registry codes, sorted.
func Codes() []string {
	defs, _ := Registry()
	out := make([]string, 0, len(defs))
	for _, d := range defs {
		out = append(out, d.Code)
	}
	sort.Strings(out)
	return out
}
