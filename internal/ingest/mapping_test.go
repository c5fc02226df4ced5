package ingest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

const sampleMapping = `# 某医院 HIS 导出映射
column 住院号 = A48
column 出院科室名称 = B16C
column "入院 日期" = B12
column 离院日期 = 出院时间          # the target may be any recognised header
value B16C 心内科 = 0302          # recode values of a column
value 性别 男 = 1
value A12C 女 = 2
value B16C "心 外 科" = 0303
default A01 = 12345678-9           # constant for a column the export lacks
default A49 = 1
date_format B12 = 2006/01/02 15:04 # optional explicit layout
date_format B15 = yyyy年MM月dd日
ignore 备注
`

func TestParseMapping(t *testing.T) {
	m, err := ParseMapping("h.map", strings.NewReader(sampleMapping))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ got, want string }{
		{m.Columns[normHeader("住院号")], "A48"},
		{m.Columns[normHeader("入院 日期")], "B12"},
		{m.Columns[normHeader("离院日期")], "B15"},
		{m.Values["B16C"]["心内科"], "0302"},
		{m.Values["B16C"]["心 外 科"], "0303"},
		{m.Values["A12C"]["男"], "1"},
		{m.Defaults["A01"], "12345678-9"},
		{m.DateFormats["B12"], "2006/01/02 15:04"},
		{m.DateFormats["B15"], "2006年01月02日"},
	}
	for i, c := range checks {
		if c.got != c.want {
			t.Errorf("check %d: got %q, want %q", i, c.got, c.want)
		}
	}
	if !m.Ignore[normHeader("备注")] {
		t.Error("备注 not ignored")
	}
}

func TestParseMappingErrors(t *testing.T) {
	tests := []struct {
		src  string
		line int
		want string
	}{
		{"column 住院号 = A48\ncolum x = A48\n", 2, "未知指令"},
		{"# c\n\ncolumn 住院号 A48\n", 3, "缺少 '='"},
		{"column 住院号 = NOPE\n", 1, "未知字段"},
		{"value B16C = 0302\n", 1, "缺少原值"},
		{"default A49 = abc\n", 1, "默认值无效"},
		{"date_format A11 = 2006\n", 1, "不是日期字段"},
		{"date_format B12 = 15:04\n", 1, "年份"},
		{"column \"abc = A48\n", 1, "引号"},
		{"encoding big5\n", 1, "不支持的编码"},
		{"column = A48\n", 1, "等号左边为空"},
		{"column QKDJ1 = A48\ncolumn x = QKDJ1\n", 2, "未知字段"},
	}
	for _, tt := range tests {
		_, err := ParseMapping("h.map", strings.NewReader(tt.src))
		if err == nil {
			t.Errorf("%q: no error", tt.src)
			continue
		}
		prefix := "h.map:" + itoa(tt.line) + ":"
		if !strings.HasPrefix(err.Error(), prefix) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %q, want prefix %q and %q", tt.src, err, prefix, tt.want)
		}
	}
}

func TestReadWithMapping(t *testing.T) {
	mp := writeFile(t, "h.map", sampleMapping)
	csv := "住院号,入院 日期,离院日期,出院科室名称,性别,主要诊断编码,备注,院内字段\n" +
		"M1,2021/03/05 08:30,2021年03月10日,心内科,男,I20.000,x,y\n" +
		"M2,2021/03/05 08:30,2021年03月10日,神经科,女,I63.900,,\n" +
		"M3,2021-03-05,2021年03月10日,心 外 科,男,I20.000,,\n"
	p := writeFile(t, "his.csv", csv)
	got, rep, err := readAll(t, p, Options{MappingFile: mp})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(rep.Errors) != 1 || rep.Errors[0].Line != 4 || rep.Errors[0].Field != "B12" || rep.Errors[0].Column != "入院 日期" {
		t.Fatalf("got %d stays, errors %v", len(got), rep.Errors)
	}
	s := got[0]
	if s.OrgCode != "12345678-9" || s.MRN != "M1" || s.AdmissionNo != 1 || s.DisDept != "0302" || s.Sex != "1" ||
		!s.AdmTime.Equal(time.Date(2021, 3, 5, 8, 30, 0, 0, time.UTC)) || !s.DisTime.Equal(time.Date(2021, 3, 10, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("stay 1 = %+v", s)
	}
	if got[1].DisDept != "神经科" || got[1].Sex != "2" { // unmapped values are kept for the quality rules
		t.Errorf("stay 2 dept %q sex %q", got[1].DisDept, got[1].Sex)
	}
	if rep.HeaderStyle != "mapping" || strings.Join(rep.IgnoredColumns, ",") != "院内字段" {
		t.Errorf("style %q ignored %v", rep.HeaderStyle, rep.IgnoredColumns)
	}
}

func TestMappingEncodingOverride(t *testing.T) {
	m, err := ParseMapping("m", strings.NewReader("encoding gbk\n"))
	if err != nil {
		t.Fatal(err)
	}
	// Pure ASCII would sniff as UTF-8; the mapping forces GB18030 decoding.
	p := writeFile(t, "a.csv", hdr+good("M1")[:0]+"12345678-9,M1,1,2021-03-05,2021-03-10,I20.000,,61,1\n")
	_, rep, err := readAll(t, p, Options{Mapping: m})
	if err != nil || rep.Encoding != "gb18030" {
		t.Fatalf("encoding %q err %v", rep.Encoding, err)
	}
}

func TestIncisionCombination(t *testing.T) {
	tests := []struct{ cls, heal, want string }{
		{"0", "", "0"}, {"0", "甲", "0"},
		{"Ⅰ", "甲", "1"}, {"Ⅰ", "乙", "2"}, {"Ⅰ", "丙", "3"}, {"Ⅰ", "其他", "10"},
		{"Ⅱ", "甲", "4"}, {"Ⅱ", "乙", "5"}, {"Ⅱ", "丙", "6"}, {"Ⅱ", "其他", "20"},
		{"Ⅲ", "甲", "7"}, {"Ⅲ", "乙", "8"}, {"Ⅲ", "丙", "9"}, {"Ⅲ", "其他", "30"},
		{"I", "甲", "1"}, {"II", "丙", "6"}, {"III", "其他", "30"},
		{"1", "乙", "2"}, {"2", "甲", "4"}, {"3", "丙", "9"},
		{"ⅰ", "甲", "1"}, {"Ⅱ类", "乙", "5"},
		{"Ⅳ", "甲", "Ⅳ/甲"}, {"Ⅰ", "", "Ⅰ/"}, {"", "", ""},
	}
	for _, tt := range tests {
		if got := combineIncision(tt.cls, tt.heal); got != tt.want {
			t.Errorf("combineIncision(%q, %q) = %q, want %q", tt.cls, tt.heal, got, tt.want)
		}
	}
}

func TestMonthsToDays(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"3", 90, true}, {"3 15/30", 105, true}, {"15/30", 15, true}, {"0", 0, true}, {"2.5", 75, true},
		{"", -1, true}, {"-", -1, true}, {"abc", 0, false}, {"3 15/31", 0, false}, {"1 2 3", 0, false}, {"15/30 3", 0, false}, {"30", 0, false},
	}
	for _, tt := range tests {
		got, err := monthsToDays(tt.in)
		if (err == nil) != tt.ok || (tt.ok && got != tt.want) {
			t.Errorf("monthsToDays(%q) = %d, %v; want %d ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestPinyinSpecifics(t *testing.T) {
	csv := "USERNAME,BAH,ZYCS,RYSJ,CYSJ,JBDM,JBDM1,QTZD1,RYBQ1,JBDM12,SSJCZBM1,QKDJ1,QKYHLB1,SSJCZBM2,QKDJ2,QKYHLB2,SSJCZMC3,BZYZSNL,ZFY,A01\n" +
		"某医院,M1,2,20210305,20210310,I20.000,I10.x00,高血压,1,E11.900,36.0601,Ⅱ,乙,88.5501,0,,造影,3 15/30,1.5,12345678-9\n"
	p := writeFile(t, "py.csv", csv)
	got, rep, err := readAll(t, p, Options{})
	if err != nil || len(got) != 1 {
		t.Fatalf("got %d err %v errors %v", len(got), err, rep.Errors)
	}
	s := got[0]
	if rep.HeaderStyle != "pinyin" {
		t.Errorf("style %q", rep.HeaderStyle)
	}
	if s.OrgName != "某医院" || s.AdmissionNo != 2 || s.AgeDays != frontpage.Some(105) || s.Costs[frontpage.CostTotal] != frontpage.Some(1.5) {
		t.Errorf("stay %+v", s)
	}
	// JBDM12 is other diagnosis 12; empty lines 2..11 are dropped by Normalize.
	if len(s.Diagnoses) != 3 || s.Diagnoses[1] != (frontpage.Diagnosis{Code: "I10.x00", Name: "高血压", POA: "1"}) || s.Diagnoses[2].Code != "E11.900" {
		t.Errorf("diagnoses %+v", s.Diagnoses)
	}
	// Line 1 is the principal procedure, line n ≥ 2 other procedure n−1.
	if len(s.Procedures) != 3 || s.Procedures[0].Code != "36.0601" || s.Procedures[0].Incision != "5" ||
		s.Procedures[1].Code != "88.5501" || s.Procedures[1].Incision != "0" || s.Procedures[2].Name != "造影" {
		t.Errorf("procedures %+v", s.Procedures)
	}
}

func TestHeaderSpellings(t *testing.T) {
	tests := []struct{ header, code string }{
		{"a01", "A01"}, {" C06X01C ", "C06x01C"}, {"\ufeffA48", "A48"}, {"Ａ４８", "A48"},
		{"病案号", "A48"}, {"出院主要诊断编码", "C03C"}, {"主要诊断编码", "C03C"}, {"主要诊断代码", "C03C"},
		{"出院其他诊断编码1", "C06x01C"}, {"其他诊断编码1", "C06x01C"}, {"其他诊断编码01", "C06x01C"}, {"其他诊断名称12", "C07x12N"},
		{"其他诊断入院病情40", "C08x40C"},
		{"主要手术操作编码", "C14x01C"}, {"主要手术编码", "C14x01C"}, {"主要手术操作日期", "C16x01"},
		{"其他手术操作编码1", "C35x01C"}, {"其他手术操作1编码", "C35x01C"}, {"其他手术编码12", "C35x12C"}, {"其他手术操作名称01", "C36x01N"},
		{"其他手术操作Ⅰ助3", "C40x03"}, {"其他手术操作I助3", "C40x03"},
		{"新生儿入院体重（克）", "A17"}, {"新生儿入院体重(克)", "A17"}, {"新生儿入院体重", "A17"},
		{"年龄（岁）", "A14"}, {"年龄", "A14"}, {"实际住院(天)", "B20"}, {"实际住院天数", "B20"},
		{"门（急）诊诊断编码", "C01C"}, {"门急诊诊断编码", "C01C"}, {"门诊诊断编码", "C01C"},
		{"主（副主）任医师", "B23"}, {"其中：麻醉费", "D20x01"}, {"麻醉费", "D20x01"}, {"自付金额", "D09"},
		{"重症监护室名称1", "C48x01C"}, {"重症监护室进入时间02", "C49x02"},
		{"入院日期", "B12"}, {"出院科室", "B16C"},
		{"JBDM", "C03C"}, {"jbdm3", "C06x03C"}, {"QTZD40", "C07x40N"}, {"SSJCZBM1", "C14x01C"}, {"SSJCZBM41", "C35x40C"},
		{"MZFS2", "C43x01C"}, {"QKDJ1", "C21x01C"}, {"QKYHLB3", "C42x02C"}, {"BZYZSNL", "A16"},
		{"YZZY_YLJG", "B35"}, {"WSY_YLJG", "B35"},
	}
	for _, tt := range tests {
		got, ok := ResolveHeader(tt.header)
		if !ok || got != tt.code {
			t.Errorf("ResolveHeader(%q) = %q, %v; want %q", tt.header, got, ok, tt.code)
		}
	}
	for _, h := range []string{"颅脑损伤患者入院前昏迷时间", "备注", "", "C06x41C"} { // ambiguous or unknown
		if code, ok := ResolveHeader(h); ok {
			t.Errorf("ResolveHeader(%q) = %q, want no match", h, code)
		}
	}
}

// Every registry name must resolve to its own field: otherwise the Chinese
// writer would produce files the reader cannot read back.
func TestRegistryNamesResolve(t *testing.T) {
	for _, f := range frontpage.Fields() {
		for _, h := range []string{f.Code, f.NameCN} {
			if got, ok := ResolveHeader(h); !ok || got != f.Code {
				t.Errorf("ResolveHeader(%q) = %q, %v; want %s", h, got, ok, f.Code)
			}
		}
	}
}

func TestReadFrontPagesFromReader(t *testing.T) {
	r := strings.NewReader(hdr + good("M1") + good("M2"))
	n := 0
	rep, err := ReadFrontPagesFrom(context.Background(), r, "stdin", Options{}, func(s []frontpage.Stay) error { n += len(s); return nil })
	if err != nil || n != 2 || rep.File != "stdin" {
		t.Fatalf("n=%d err=%v rep=%+v", n, err, rep)
	}
}
