package catalog

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestProcedureMatching(t *testing.T) {
	c := New(Level4, "2024", "t.csv", []Entry{{Code: NormCode("51.22")}, {Code: NormCode("36.0601x001")}, {Code: NormCode("81.5100")}})
	tests := []struct {
		code string
		want bool
	}{
		{"51.2200", true},     // trailing zeros of the main code
		{"51.2200x001", true}, // entry without extension covers extensions
		{"51.22", true},
		{"51.2300", false},
		{"36.0601x001", true},
		{"36.0601X001", true},
		{"36.0601x002", false}, // entry with extension covers only itself
		{"36.0601", false},
		{"81.51", true},
		{"", false},
	}
	for _, tc := range tests {
		if got := c.Contains(tc.code, ""); got != tc.want {
			t.Errorf("Contains(%q) = %v, want %v", tc.code, got, tc.want)
		}
	}
}

func TestComplicationMatching(t *testing.T) {
	c := BuiltinComplications()
	tests := []struct {
		code string
		want bool
	}{
		{"I26.900", true},     // prefix I26
		{"T81.400x001", true}, // prefix T81.4
		{"T84.5", true},       // inside T82.0–T87.6
		{"T87.6", true},       // upper bound inclusive
		{"T87.7", false},      // above the range
		{"T81.8", true},       // T81.7–T81.9
		{"I97.100", true},     // I97.x
		{"J18.9", true},
		{"J44.1", false},
		{"K35.8", false},
	}
	for _, tc := range tests {
		if got := c.MatchDx(tc.code); got != tc.want {
			t.Errorf("MatchDx(%q) = %v, want %v", tc.code, got, tc.want)
		}
	}
	if !strings.Contains(c.Label(), "verify") {
		t.Errorf("built-in complication label must say verify: %s", c.Label())
	}
}

func TestMinInvasiveKeywords(t *testing.T) {
	c := BuiltinMinInvasive()
	if !c.Contains("47.0100", "腹腔镜阑尾切除术") || !c.Contains("36.0600", "经皮冠状动脉支架置入术") || c.Contains("47.0900", "阑尾切除术") {
		t.Error("keyword heuristic mismatch")
	}
}

func TestParse(t *testing.T) {
	merged := [][]string{
		{"院内临床手术编码", "国家临床版3.0手术编码", "国家临床版3.0手术名称", "手术类别", "绩效考核四级手术标识", "绩效考核微创手术标识"},
		{"H1", "51.2300", "腹腔镜胆囊切除术", "手术", "否", "是"},
		{"H2", "36.0600", "经皮冠状动脉支架置入术", "介入治疗", "是", "是"},
		{"H3", "88.3800", "CT", "诊断性操作", "否", "否"},
		{"H4", "99.9999", "坏类别", "其他", "否", "否"},
	}
	tests := []struct {
		kind     Kind
		codes    []string
		problems int
	}{
		{Level4, []string{"36.0600"}, 0},
		{MinInvasive, []string{"51.2300", "36.0600"}, 0},
		{Category, []string{"51.2300", "36.0600", "88.3800"}, 1},
	}
	for _, tc := range tests {
		es, probs, err := Parse(tc.kind, merged)
		if err != nil {
			t.Fatalf("%s: %v", tc.kind, err)
		}
		var got []string
		for _, e := range es {
			got = append(got, e.Code)
		}
		if strings.Join(got, ",") != strings.Join(tc.codes, ",") || len(probs) != tc.problems {
			t.Errorf("%s: codes %v problems %v, want %v and %d problems", tc.kind, got, probs, tc.codes, tc.problems)
		}
	}
	es, _, err := Parse(Category, merged)
	if err != nil || es[1].Value != CatIntervention {
		t.Errorf("category value = %+v", es)
	}
	comp, _, err := Parse(Complication, [][]string{{"编码", "名称"}, {"T82.0-T87.6", "器械并发症"}, {"I26", "肺栓塞"}})
	if err != nil || len(comp) != 2 || comp[0].CodeTo != "T87.6" {
		t.Errorf("complication range: %+v %v", comp, err)
	}
	if _, _, err := Parse(Level4, [][]string{{"名称"}, {"x"}}); err == nil {
		t.Error("missing code column: want error")
	}
}

func TestParseCSVGBK(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String("编码,名称\n51.2300,腹腔镜胆囊切除术\n")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ParseCSV([]byte(gbk))
	if err != nil || len(rows) != 2 || rows[1][1] != "腹腔镜胆囊切除术" {
		t.Errorf("GBK CSV: %v %v", rows, err)
	}
}

func TestLibraryFor(t *testing.T) {
	lib := &Library{Catalogues: []*Catalogue{
		New(Level4, "2020", "a.csv", []Entry{{Code: "1"}}),
		New(Level4, "2022", "b.csv", []Entry{{Code: "2"}}),
	}}
	tests := []struct {
		year    int
		version string
	}{{2019, "2020"}, {2020, "2020"}, {2021, "2020"}, {2022, "2022"}, {2025, "2022"}}
	for _, tc := range tests {
		s := lib.For(tc.year)
		if got := s.Get(Level4); got == nil || got.Version != tc.version {
			t.Errorf("year %d: level4 version %v, want %s", tc.year, got, tc.version)
		}
		if s.Get(Category) != nil || !s.FallbackFor[Category] {
			t.Errorf("year %d: category should fall back", tc.year)
		}
		if !strings.Contains(strings.Join(s.Notes, "\n"), "fallback") || !strings.Contains(strings.Join(s.Notes, "\n"), "built-in") {
			t.Errorf("year %d: notes must state fallbacks and built-in defaults: %v", tc.year, s.Notes)
		}
	}
}
