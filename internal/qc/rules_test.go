package qc

import (
	"sort"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/codes"
	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// base is a valid adult surgical front page (national field code → raw
// value). Every rule must pass on it; mutations add ("code": "value") or
// clear ("code": "") fields.
var base = map[string]string{
	"A01": "12345678-9", "A02": "示例医院", "A48": "MRN001", "A49": "1", "A46C": "1.1",
	"A11": "张三", "A12C": "1", "A13": "1980-05-20", "A14": "40", "A15C": "156", "A19C": "1",
	"A20N": "1", "A20": "11010519800520001X", "A21C": "2", "A38C": "17", "A22": "北京市", "A23C": "1",
	"A24": "北京市朝阳区", "A25C": "100020", "A26": "北京市朝阳区", "A27": "13812345678", "A28C": "100020",
	"A29": "某公司", "A30": "010-65432198", "A31C": "100020", "A32": "李四", "A33C": "1", "A34": "北京市朝阳区",
	"A35": "13987654321",
	"B38": "0", "B11C": "2", "B12": "2021-03-05 09:30", "B13C": "0401", "B14": "外一病房",
	"B15": "2021-03-10 10:00", "B16C": "0401", "B17": "外一病房", "B20": "5", "B34C": "1", "B36C": "1",
	"B22": "甲主任", "B23": "乙医师", "B24": "丙医师", "B25": "丁医师", "B26": "戊护士", "B29": "己编码员",
	"B33":  "2021-03-12",
	"C01C": "K35.800", "C02N": "急性阑尾炎", "C03C": "K35.800", "C04N": "急性阑尾炎", "C05C": "1",
	"C06x01C": "I10.x05", "C07x01N": "高血压", "C08x01C": "1",
	"C14x01C": "47.0901", "C15x01N": "腹腔镜阑尾切除术", "C16x01": "2021-03-05 14:00", "C17x01": "2",
	"C18x01": "王医生", "C19x01": "赵医生", "C21x01C": "1", "C22x01C": "01", "C23x01": "钱麻醉",
	"C24C": "1", "C26C": "1", "C27C": "2",
	"C28": "0", "C29": "0", "C30": "0", "C31": "0", "C32": "0", "C33": "0",
	"D01": "4500", "D09": "500", "D11": "100", "D12": "200", "D13": "100", "D16": "500", "D17": "300",
	"D20": "2000", "D20x01": "500", "D20x02": "1200", "D23": "800", "D23x01": "300", "D31": "100", "D33": "400",
}

type m = map[string]string

func build(t testing.TB, muts ...m) *frontpage.Stay {
	t.Helper()
	vals := map[string]string{}
	for k, v := range base {
		vals[k] = v
	}
	for _, mu := range muts {
		for k, v := range mu {
			if v == "" {
				delete(vals, k)
			} else {
				vals[k] = v
			}
		}
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var s frontpage.Stay
	for _, k := range keys {
		f, ok := frontpage.FieldByCode(k)
		if !ok {
			t.Fatalf("no field %s", k)
		}
		if err := f.Set(&s, vals[k]); err != nil {
			t.Fatalf("set %s=%q: %v", k, vals[k], err)
		}
	}
	s.Normalize()
	return &s
}

// testDicts: the codes of the base stay plus a grey code and a crosswalk.
func testDicts() codes.Set {
	dx := &codes.Dict{System: frontpage.DxGuolin2, Names: map[string]string{}, Grey: map[string]bool{"R69.x00": true},
		Crosswalk: map[string]string{}}
	for _, c := range []string{"K35.800", "I10.x05", "R69.x00", "S72.000", "W19.x00", "C18.900", "O80.000", "Z37.000"} {
		dx.Names[c] = ""
		dx.Crosswalk[c] = c
	}
	dx.Names["K35.801"] = "" // no 医保 counterpart
	px := &codes.Dict{System: frontpage.PxGuolin3, Names: map[string]string{}, Grey: map[string]bool{"00.9900": true}}
	for _, c := range []string{"47.0901", "74.1000", "00.9900", "88.5500", "36.0600"} {
		px.Names[c] = ""
	}
	return codes.Set{dx.System: dx, px.System: px}
}

var (
	neonate   = m{"A13": "2021-03-01", "A14": "0", "A16": "4", "A17": "3000", "A18x01": "3000"}
	cesarean  = m{"C35x01C": "74.1000", "C36x01N": "剖宫产", "C37x01": "2021-03-06 10:00", "C39x01": "王医生"}
	icu       = m{"C48x01C": "03", "C49x01": "2021-03-06 10:00", "C50x01": "2021-03-07 10:00"}
	z37       = m{"C06x02C": "Z37.000", "C07x02N": "单胎活产", "C08x02C": "1"}
	delivered = m{"C03C": "O80.000", "A12C": "2", "A18x01": "3200"}
)

func join(ms ...m) m {
	out := m{}
	for _, x := range ms {
		for k, v := range x {
			out[k] = v
		}
	}
	return out
}

// ruleCases: for every rule a mutation that passes (nil: the base) and one
// that must produce a finding of that rule.
var ruleCases = map[string]struct {
	pass, fail m
	failFn     func(*frontpage.Stay)
}{
	"C-01a": {fail: m{"A48": ""}},
	"C-01b": {fail: m{"B14": ""}},
	"C-01e": {fail: m{"A29": ""}},
	"C-01c": {pass: m{"C06x02C": "S06.000", "C07x02N": "脑震荡", "C08x02C": "1"}, fail: m{"C06x02C": "S06.000", "C07x02N": "脑震荡", "C08x02C": "1", "C28": ""}},
	"C-02a": {pass: m{"A14": "0", "A16": "100"}, fail: m{"A14": "0"}},
	"C-02b": {pass: join(neonate), fail: join(neonate, m{"A17": ""})},
	"C-03a": {pass: join(neonate), fail: join(neonate, m{"A18x01": ""})},
	"C-03b": {pass: delivered, fail: join(delivered, m{"A18x01": ""})},
	"C-03c": {pass: join(cesarean, m{"A18x01": "3200"}), fail: cesarean},
	"C-04a": {pass: m{"C03C": "C18.900", "C09C": "M8140/3", "C10N": "腺癌", "C11": "P1"}, fail: m{"C03C": "C18.900"}},
	"C-04b": {pass: m{"C09C": "M8140/3", "C10N": "腺癌", "C11": "P1"}, fail: m{"C09C": "M8140/3", "C10N": "腺癌"}},
	"C-05":  {pass: m{"C03C": "S72.000", "C12C": "W19.x00", "C13N": "跌倒"}, fail: m{"C03C": "S72.000"}},
	"C-06a": {pass: m{"B34C": "2", "B35": "某医院"}, fail: m{"B34C": "2"}},
	"C-06b": {pass: m{"B36C": "2", "B37": "化疗"}, fail: m{"B36C": "2"}},
	"C-07":  {pass: m{"C24C": "2", "C25": "青霉素"}, fail: m{"C24C": "2"}},
	"C-08":  {pass: m{"B34C": "5", "C34C": "2"}, fail: m{"B34C": "5"}},
	"C-09a": {fail: m{"C16x01": ""}},
	"C-09b": {fail: m{"C18x01": ""}},
	"C-09c": {fail: m{"C23x01": ""}},
	"C-09d": {fail: m{"C21x01C": ""}},
	"C-10a": {fail: m{"C07x01N": ""}},
	"C-10b": {fail: m{"C02N": ""}},
	"C-10c": {fail: m{"C08x01C": ""}},
	"C-10d": {pass: m{"C09C": "M8140/3", "C10N": "腺癌", "C11": "P1"}, fail: m{"C09C": "M8140/3", "C11": "P1"}},
	"C-10e": {pass: m{"C12C": "W19.x00", "C13N": "跌倒"}, fail: m{"C12C": "W19.x00"}},
	"C-11":  {fail: m{"B29": ""}},
	"C-12":  {pass: m{"D26": "100", "F21": "2"}, fail: m{"D26": "100"}},
	"V-01j": {pass: m{"B21C": "0301,0401"}, fail: m{"B21C": "0301,99"}},
	"V-01k": {fail: m{"C08x01C": "7"}},
	"V-01w": {pass: icu, fail: join(icu, m{"C48x01C": "ZZ"})},
	"V-01z": {fail: m{"A15C": "CHN"}},
	"V-02a": {fail: m{"C06x01C": "1I0.x05"}},
	"V-02b": {fail: m{"C14x01C": "47-09"}},
	"V-02c": {fail: m{"C01C": "K358"}},
	"V-02d": {fail: m{"C06x01C": "I10.x99"}},
	"V-02e": {fail: m{"C14x01C": "47.0999"}},
	"V-02f": {fail: m{"C01C": "K35.999"}},
	"V-03a": {pass: m{"C03C": "A17.000+G01*"}, fail: m{"C03C": "G01*"}},
	"V-03b": {fail: m{"C03C": "R65.100"}},
	"V-03c": {pass: m{"C03C": "U07.100"}, fail: m{"C03C": "U88.000"}},
	"V-03d": {fail: m{"C03C": "Z37.000"}},
	"V-03e": {fail: m{"C03C": "W19.x00"}},
	"V-03f": {fail: m{"C03C": "R10.400"}},
	"V-04":  {pass: m{"C09C": "M8140/3", "C10N": "x", "C11": "1"}, fail: m{"C09C": "8140/3", "C10N": "x", "C11": "1"}},
	"V-05":  {fail: m{"A20": "110105198005200011"}},
	"V-06a": {fail: m{"A25C": "10002"}},
	"V-06b": {fail: m{"A27": "11111111111"}},
	"V-07a": {pass: m{"A18x01": "3200"}, fail: m{"A18x01": "50"}},
	"V-07b": {pass: m{"A18x01": "3200"}, fail: m{"A18x01": "3205"}},
	"V-08a": {fail: m{"C28": "-1"}},
	"V-08b": {fail: m{"C29": "24"}},
	"V-08c": {fail: m{"C30": "60"}},
	"V-09a": {fail: m{"A14": "130"}},
	"V-09b": {pass: m{"A14": "0", "A16": "200"}, fail: m{"A14": "0", "A16": "400"}},
	"V-10":  {fail: m{"A11": "张3"}},
	"V-11":  {pass: m{"A11": "阿卜杜·热合曼"}, fail: m{"A11": "ÕÅÈý"}},
	"C-03d": {pass: join(z37, m{"A18x01": "3200"}), fail: z37},
	"D-01":  {fail: m{"B12": "2021-03-05", "B15": "2021-03-10"}},
	"D-02a": {fail: m{"B12": "2021-03-11 09:00"}},
	"D-02b": {fail: m{"A13": "2021-04-01"}},
	"D-03":  {pass: m{"B15": "2021-03-05 18:00", "B20": "1", "C16x01": "2021-03-05 14:00"}, fail: m{"B20": "7"}},
	"D-04a": {fail: m{"A14": "41"}},
	"D-04b": {pass: m{"A13": "2021-02-01", "A14": "0", "A16": "32"}, fail: m{"A13": "2021-02-01", "A14": "0", "A16": "40"}},
	"D-05a": {fail: m{"C16x01": "2021-03-12 10:00"}},
	"D-05b": {fail: m{"C16x01": "2021-03-01 10:00"}},
	"D-06a": {pass: icu, fail: join(icu, m{"C50x01": "2021-03-06 09:00"})},
	"D-06b": {pass: icu, fail: join(icu, m{"C49x01": "2021-03-04 10:00"})},
	"D-06c": {pass: icu, fail: m{"C48x01C": "03", "C49x01": "2021-03-05 10:00", "C50x01": "2021-03-10 09:00",
		"C48x02C": "03", "C49x02": "2021-03-05 10:00", "C50x02": "2021-03-10 09:00"}},
	"D-07":  {fail: m{"B33": "2021-03-09"}},
	"D-08":  {pass: m{"C47": "10"}, fail: m{"C47": "200"}},
	"L-01":  {fail: m{"C06x01C": "N80.000"}},
	"L-02a": {fail: m{"C14x01C": "68.4100"}},
	"L-02b": {pass: m{"C14x01C": "60.2100"}, fail: m{"A12C": "2", "C14x01C": "60.2100"}},
	"L-03a": {pass: join(neonate, m{"C06x01C": "P07.300"}), fail: m{"C06x01C": "P07.300"}},
	"L-03b": {pass: m{"A12C": "2", "C06x01C": "O99.000"}, fail: m{"A12C": "2", "A13": "1960-01-01", "A14": "61", "C06x01C": "O99.000"}},
	"L-03c": {pass: m{"C06x01C": "F03.x00"}, fail: m{"A13": "2011-01-01", "A14": "10", "C06x01C": "F03.x00"}},
	"L-03d": {pass: m{"C06x01C": "C61.x00"}, fail: m{"A13": "2011-01-01", "A14": "10", "C06x01C": "C61.x00"}},
	"L-04a": {pass: neonate, fail: m{"A17": "3000"}},
	"L-04b": {pass: join(neonate, m{"B13C": "0701"}), fail: m{"B13C": "0701"}},
	"L-05":  {pass: join(delivered, z37), fail: delivered},
	"L-06":  {fail: m{"B34C": "5", "B36C": "2", "B37": "x"}},
	"L-08":  {pass: m{"B21C": "0301,0401"}, fail: m{"B21C": "0401,0301"}},
	"L-09":  {pass: m{"C03C": "S72.000", "C12C": "W19.x00", "C13N": "跌倒"}, fail: m{"C03C": "S72.000", "C12C": "S72.000", "C13N": "x"}},
	"L-10":  {pass: m{"C03C": "C18.900", "C09C": "M8140/3", "C10N": "x", "C11": "1"}, fail: m{"C03C": "C18.900", "C09C": "M8140/0", "C10N": "x", "C11": "1"}},
	"L-11a": {pass: join(delivered, m{"C03C": "O82.000"}, cesarean), fail: join(delivered, m{"C03C": "O82.000"})},
	"L-11b": {pass: m{"C03C": "I21.000", "C14x01C": "36.0600", "C35x01C": "88.5500", "C36x01N": "造影", "C37x01": "2021-03-05 15:00", "C39x01": "王医生"},
		fail: m{"C03C": "I21.000", "C14x01C": "88.5500", "C35x01C": "36.0600", "C36x01N": "PCI", "C37x01": "2021-03-05 15:00", "C39x01": "王医生"}},
	"L-11c": {pass: m{"C03C": "K70.300"}, fail: m{"C03C": "K70.300", "C06x01C": "K72.900"}},
	"L-12": {pass: m{"C35x01C": "88.5500", "C36x01N": "造影", "C37x01": "2021-03-05 15:00", "C39x01": "王医生"},
		fail: m{"C14x01C": "88.5500", "C35x01C": "47.0901", "C36x01N": "阑尾切除", "C37x01": "2021-03-05 15:00", "C38x01": "2", "C39x01": "王医生"}},
	"L-13": {pass: m{"C06x01C": "T81.400", "C08x01C": "4"}, fail: m{"C06x01C": "T81.400", "C08x01C": "1"}},
	"L-14": {pass: m{"C14x01C": "45.7300", "C21x01C": "4"}, fail: m{"C14x01C": "45.7300", "C21x01C": "1"}},
	"L-15": {pass: m{"B38": "1", "B15": "2021-03-06 10:00", "B20": "1"}, fail: m{"B38": "1"}},
	"L-16a": {failFn: func(s *frontpage.Stay) {
		for i := 0; i < 41; i++ {
			s.Diagnoses = append(s.Diagnoses, frontpage.Diagnosis{Code: "I10.x05", Name: "x", POA: "1"})
		}
	}},
	"L-16b": {fail: m{"C06x02C": "I10.x05", "C07x02N": "高血压", "C08x02C": "1"}},
	"L-16c": {fail: m{"C06x01C": "K35.800"}},
	"L-17":  {pass: m{"C03C": "T81.400", "C05C": "1"}, fail: m{"C03C": "T81.400", "C05C": "4"}},
	"L-18":  {pass: m{"C03C": "Z51.100", "C06x01C": "C18.900"}, fail: m{"C03C": "Z51.100"}},
	"L-19a": {pass: join(delivered, cesarean), fail: cesarean},
	"L-19b": {pass: join(delivered, z37), fail: z37},
	"I-01":  {fail: m{"C06x01C": "R69.x00"}},
	"I-02":  {fail: m{"C14x01C": "00.9900"}},
	"I-03":  {fail: m{"C06x01C": "K35.801"}},
	"F-01":  {fail: m{"D01": "0"}},
	"F-02a": {fail: m{"D01": "4000"}},
	"F-02b": {fail: m{"D01": "4600"}},
	"F-03a": {fail: m{"D09": "5000"}},
	"F-03b": {pass: m{"D19": "200", "D19x01": "100", "D01": "4700"}, fail: m{"D19": "100", "D19x01": "200", "D01": "4600"}},
	"F-03c": {fail: m{"D20x02": "1600"}},
	"F-03d": {fail: m{"D23x01": "900"}},
	"F-04a": {pass: m{"D20": "", "D20x01": "", "D20x02": "", "C22x01C": "0302", "D01": "2500"}, fail: m{"D20": ""}},
	"F-04b": {fail: m{"D20x01": ""}},
	"F-05":  {pass: m{"F21": "0"}, fail: m{"F21": "2"}},
	"F-06a": {fail: m{"D34": "-5"}},
	"F-06b": {fail: m{"D34": "1.234"}},
}

// concreteOf gives the first concrete field code of a rule field pattern.
func concreteOf(code string) string {
	if p, ok := principalPx[code]; ok {
		return p
	}
	switch code {
	case "C08xNNC":
		return "C08x01C"
	}
	return strings.Replace(code, "NN", "01", 1)
}

func findingsOf(fs []Finding, id string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Rule.ID == id {
			out = append(out, f)
		}
	}
	return out
}

func TestBaseStayIsClean(t *testing.T) {
	e, err := New(Options{Dicts: testDicts()})
	if err != nil {
		t.Fatal(err)
	}
	fs := e.NewChecker().Check(build(t))
	for _, f := range fs {
		t.Errorf("base stay: %s %s %s", f.Rule.ID, f.Field, f.Message())
	}
}

func TestEveryRulePassAndFail(t *testing.T) {
	e, err := New(Options{Dicts: testDicts()})
	if err != nil {
		t.Fatal(err)
	}
	k := e.NewChecker()
	for _, r := range e.Rules() {
		r := r
		t.Run(r.ID, func(t *testing.T) {
			tc, ok := ruleCases[r.ID]
			if !ok && r.Check == CheckCodeset {
				tc.fail = m{concreteOf(r.Fields[0]): "ZZ"}
				ok = true
			}
			if !ok {
				t.Fatalf("no test case for rule %s", r.ID)
			}
			pass := build(t, tc.pass)
			if got := findingsOf(k.Check(pass), r.ID); len(got) != 0 {
				t.Errorf("pass case: %d findings, first %s: %s", len(got), got[0].Field, got[0].Message())
			}
			fail := build(t, tc.fail)
			if tc.failFn != nil {
				tc.failFn(fail)
			}
			got := findingsOf(k.Check(fail), r.ID)
			if len(got) == 0 {
				t.Fatalf("fail case: no finding")
			}
			for _, f := range got {
				if f.Field == "" || f.MessageCN() == "" || f.MessageEN() == "" || strings.Contains(f.MessageCN()+f.MessageEN(), "{") {
					t.Errorf("finding not rendered: field %q cn %q en %q", f.Field, f.MessageCN(), f.MessageEN())
				}
			}
		})
	}
}

func TestCatalogueSize(t *testing.T) {
	rules := Catalogue()
	if len(rules) < 60 {
		t.Fatalf("%d rules, want ≥ 60", len(rules))
	}
	seen := map[Category]int{}
	for _, r := range rules {
		seen[r.Category]++
		if r.Source == "" || r.MsgCN == "" || r.MsgEN == "" {
			t.Errorf("%s: missing source or message", r.ID)
		}
	}
	for _, c := range Categories {
		if seen[c] == 0 {
			t.Errorf("no rule of category %s", c)
		}
	}
}

func TestIdentityNeverInMessages(t *testing.T) {
	e, err := New(Options{Dicts: testDicts()})
	if err != nil {
		t.Fatal(err)
	}
	s := build(t, m{"A11": "张3", "A20": "110105198005200011", "A27": "11111111111", "A35": "", "A32": ""})
	fs := e.NewChecker().Check(s)
	if len(fs) < 3 {
		t.Fatalf("expected identity findings, got %d", len(fs))
	}
	for _, f := range fs {
		msg := f.Message() + f.Value
		for _, v := range []string{"张3", "110105198005200011", "11111111111", "北京市朝阳区"} {
			if strings.Contains(msg, v) {
				t.Errorf("%s leaks identity %q: %s", f.Rule.ID, v, msg)
			}
		}
	}
}

func TestNoDictionarySkips(t *testing.T) {
	e, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	k := e.NewChecker()
	fs := k.Check(build(t, m{"C06x01C": "I10.x99"}))
	if len(findingsOf(fs, "V-02d")) != 0 {
		t.Error("existence rule ran without a dictionary")
	}
	if k.Skipped()["V-02d"] != 1 || k.Skipped()["V-02e"] != 1 {
		t.Errorf("skips = %v, want one per rule and stay", k.Skipped())
	}
	if len(findingsOf(k.Check(build(t, m{"C06x01C": "1I0.x05"})), "V-02a")) == 0 {
		t.Error("shape check did not run without a dictionary")
	}
}

func TestCheckDoesNotAllocateOnCleanStay(t *testing.T) {
	e, err := New(Options{Dicts: testDicts()})
	if err != nil {
		t.Fatal(err)
	}
	k := e.NewChecker()
	s := build(t)
	k.Check(s)
	allocs := testing.AllocsPerRun(100, func() {
		fs := k.Check(s)
		k.Score(fs)
	})
	if allocs != 0 {
		t.Errorf("%.1f allocations per clean stay, want 0", allocs)
	}
}
