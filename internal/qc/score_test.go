package qc

import (
	"math"
	"strings"
	"testing"
)

func TestScoreTable(t *testing.T) {
	items := DefaultScoreItems()
	if len(items) < 80 {
		t.Fatalf("%d score items", len(items))
	}
	nominal := map[string]float64{}
	for _, it := range items {
		nominal[it.Section] = it.SectionPoints
		if it.Points <= 0 || len(it.Fields) == 0 {
			t.Errorf("item %s: points %v fields %v", it.Item, it.Points, it.Fields)
		}
	}
	sum := 0.0
	for _, p := range nominal {
		sum += p
	}
	if sum != 100 {
		t.Errorf("section points add up to %v", sum)
	}
}

func TestScore(t *testing.T) {
	e, err := New(Options{Dicts: testDicts()})
	if err != nil {
		t.Fatal(err)
	}
	k := e.NewChecker()
	tests := []struct {
		name string
		mut  m
		want float64
	}{
		{"clean", nil, 100},
		{"principal dx code wrong (A, 4)", m{"C03C": "1K3"}, 96},
		{"discharge mode missing (A, 4)", m{"B34C": ""}, 96},
		{"sex invalid (C, 1)", m{"A12C": "7"}, 99},
		{"info does not deduct", m{"A29": ""}, 100},
		{"D items capped at 4 in basic info", m{"A19C": "", "A21C": "", "A38C": "", "A23C": "", "A33C": "",
			"A22": "", "A24": "", "A26": "", "A11": ""}, 100 - 4},
		{"one other dx line: code and name 1 + 1", m{"C06x01C": "1I0", "C07x01N": ""}, 98},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := k.Check(build(t, tc.mut))
			got, flags := k.Score(fs)
			if math.Abs(got-tc.want) > 1e-9 {
				var ids []string
				for _, f := range fs {
					ids = append(ids, f.Rule.ID+":"+f.Field)
				}
				t.Errorf("score %v, want %v (findings %s)", got, tc.want, strings.Join(ids, " "))
			}
			if tc.want == 100 && flags&HasError != 0 {
				t.Errorf("clean stay flagged with errors")
			}
		})
	}
}

func TestScoreScaleMode(t *testing.T) {
	sc, err := NewScorer(&ScoreConfig{Mode: "scale"})
	if err != nil {
		t.Fatal(err)
	}
	r := &Rule{ID: "X", Severity: Error, Category: Completeness}
	// 离院方式 is a 4-point item of 住院过程信息 (nominal 26, listed 17).
	got := sc.Score([]Finding{{Rule: r, Field: "B34C"}})
	want := 100 - 4*26.0/17.0
	if math.Abs(got-want) > 1e-9 {
		t.Errorf("scale mode: %v, want %v", got, want)
	}
	if _, err := NewScorer(&ScoreConfig{Mode: "bogus"}); err == nil {
		t.Error("unknown mode accepted")
	}
	if _, err := NewScorer(&ScoreConfig{Points: map[string]float64{"no-such-item": 1}}); err == nil {
		t.Error("unknown item accepted")
	}
	sc, err = NewScorer(&ScoreConfig{Points: map[string]float64{"B34C": 10}})
	if err != nil {
		t.Fatal(err)
	}
	if got := sc.Score([]Finding{{Rule: r, Field: "B34C"}}); got != 90 {
		t.Errorf("override: %v, want 90", got)
	}
}

func TestOutcomeAndAggregate(t *testing.T) {
	e, err := New(Options{Dicts: testDicts()})
	if err != nil {
		t.Fatal(err)
	}
	k := e.NewChecker()
	agg := NewAggregate()
	for _, tc := range []struct {
		mut  m
		flag uint16
	}{
		{nil, 0},
		{m{"B29": ""}, FailComplete | HasError},
		{m{"C03C": "Z37.000"}, FailPdxSelect | FailPdxCode | HasError},
		{m{"D01": "4000"}, FailCost | HasError},
	} {
		s := build(t, tc.mut)
		fs := k.Check(s)
		score, flags := k.Score(fs)
		if flags&tc.flag != tc.flag || (tc.flag == 0 && flags != 0) {
			t.Errorf("%v: flags %b, want %b", tc.mut, flags, tc.flag)
		}
		agg.Add(StayOutcome{Dept: s.DisDept, Coder: s.Coder, Score: score, Flags: flags})
	}
	g := agg.ByDept["0401"]
	if g == nil || g.Stays != 4 || g.WithError != 3 {
		t.Fatalf("dept group %+v", g)
	}
	if r, ok := g.Rate(1); !ok || r != 0.75 {
		t.Errorf("indicator 1 = %v %v, want 0.75", r, ok)
	}
	if _, ok := g.Rate(10); ok {
		t.Error("indicator 10 reported computable")
	}
	if len(Sorted(agg.ByCoder)) != 2 { // the stay without coder counts under ""
		t.Errorf("coders: %v", agg.ByCoder)
	}
}

func TestConfigApply(t *testing.T) {
	cfg, err := ParseConfig([]byte(`{"disable": ["C-11"], "severity": {"L-01": "error"},
		"rules": [{"id": "H-01", "category": "cost", "check": "range", "fields": ["D01"], "params": {"max": 1000}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Options{Config: cfg, Dicts: testDicts()})
	if err != nil {
		t.Fatal(err)
	}
	if !e.Rule("C-11").Disabled || e.Rule("L-01").Severity != Error || e.Rule("H-01").Severity != Warning {
		t.Error("configuration not applied")
	}
	if Catalogue()[0].Disabled {
		t.Error("configuration modified the catalogue")
	}
	fs := e.NewChecker().Check(build(t, m{"B29": ""}))
	if len(findingsOf(fs, "C-11")) != 0 || len(findingsOf(fs, "H-01")) != 1 {
		t.Errorf("findings %v", fs)
	}
	if f := findingsOf(fs, "H-01"); len(f) == 1 && !strings.Contains(f[0].MessageEN(), "4500") {
		t.Errorf("default message without value: %s", f[0].MessageEN())
	}
	for _, bad := range []string{
		`{"disable": ["X-99"]}`,
		`{"severity": {"C-11": "fatal"}}`,
		`{"rules": [{"id": "C-11", "category": "cost", "check": "range", "fields": ["D01"], "params": {"max": 1}}]}`,
		`{"rules": [{"id": "H", "category": "cost", "check": "range", "fields": ["NOPE"], "params": {"max": 1}}]}`,
		`{"rules": [{"id": "H", "category": "cost", "check": "magic", "fields": ["D01"]}]}`,
		`{"rules": [{"id": "H", "category": "cost", "check": "codeset", "fields": ["A12C"], "params": {"table": "RC999"}}]}`,
		`{"rules": [{"id": "H", "category": "cost", "check": "required_if", "fields": ["A12C"]}]}`,
		`{"unknown": 1}`,
	} {
		c, err := ParseConfig([]byte(bad))
		if err == nil {
			_, err = New(Options{Config: c})
		}
		if err == nil {
			t.Errorf("accepted bad configuration %s", bad)
		}
	}
}

func TestRanges(t *testing.T) {
	r := mustRanges("C00-D48", "Z37", "D07.4-D07.6", "68.3-68.9")
	for code, want := range map[string]bool{
		"C50.900x011": true, "D48.9": true, "D49.0": false, "Z37.000": true, "Z38": false,
		"D07.5": true, "D07.7": true, "E00": false, "68.4100": true, "68.2": false, "B99": false, "A18.005+M49.0*": false,
	} {
		if got := r.has(code); got != want {
			t.Errorf("has(%q) = %v, want %v", code, got, want)
		}
	}
	if _, err := compileRanges([]string{"D48-C00"}); err == nil {
		t.Error("reversed range accepted")
	}
}

func TestRangesPrefixBounds(t *testing.T) {
	r := mustRanges("D07.4-D07.6")
	for code, want := range map[string]bool{"D07.4": true, "D07.600": true, "D07.7": false, "D07.3": false, "D07": false} {
		if got := r.has(code); got != want {
			t.Errorf("has(%q) = %v, want %v", code, got, want)
		}
	}
}
