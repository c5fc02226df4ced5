package ingest

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/yardstick-health/yardstick/internal/hospital"
)

func TestReadDepartments(t *testing.T) {
	zh := "机构代码,科室代码,科室名称,上级科室代码,科室类型,国家科别代码,床位数,备注\n" +
		"12345678-9,0302,心内科,03,临床,03.02,50,x\n" +
		"12345678-9,7001,检验科,,医技,30,,\n" +
		"12345678-9,9001,院办,,行政,,,\n" +
		"12345678-9,0303,心外科,03,手术,03.03,abc,\n" + // bad kind and beds: line 5
		"12345678-9,,无代码,,临床,,,\n" + // missing code: line 6
		"12345678-9,0302,心血管内科,03,临床,03.02,60,\n" // duplicate of line 2: last wins
	en := "org_code,dept_code,dept_name,parent_code,kind,national_code,beds\n" +
		"12345678-9,0302,心内科,03,clinical,03.02,50\n" +
		"12345678-9,7001,检验科,,medtech,30,\n" +
		"12345678-9,9001,院办,,admin,,\n" +
		"12345678-9,0303,心外科,03,surgery,03.03,abc\n" +
		"12345678-9,,无代码,,clinical,,\n" +
		"12345678-9,0302,心血管内科,03,clinical,03.02,60\n"
	want := []hospital.Department{
		{OrgCode: "12345678-9", Code: "0302", Name: "心血管内科", ParentCode: "03", Kind: hospital.Clinical, NationalCode: "03.02", Beds: 60},
		{OrgCode: "12345678-9", Code: "7001", Name: "检验科", Kind: hospital.MedTech, NationalCode: "30"},
		{OrgCode: "12345678-9", Code: "9001", Name: "院办", Kind: hospital.Admin},
	}
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(zh)
	for name, content := range map[string]string{"chinese": zh, "english": en, "gbk": gbk} {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, "dept.csv", content)
			got, rep, err := ReadDepartments(context.Background(), p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
			var lines []int
			var cols []string
			for _, e := range rep.Errors {
				lines = append(lines, e.Line)
				cols = append(cols, e.Column)
			}
			if !reflect.DeepEqual(lines, []int{5, 5, 6, 7}) || !reflect.DeepEqual(cols, []string{"kind", "beds", "dept_code", "dept_code"}) {
				t.Errorf("errors %v", rep.Errors)
			}
			if rep.RowsRead != 6 || rep.RowsGood != 3 || rep.RowsBad != 3 {
				t.Errorf("read/good/bad %d/%d/%d", rep.RowsRead, rep.RowsGood, rep.RowsBad)
			}
		})
	}
	// Missing required column.
	p := writeFile(t, "dept.csv", "科室代码,床位数\n1,2\n")
	if _, _, err := ReadDepartments(context.Background(), p, Options{}); err == nil || !strings.Contains(err.Error(), "科室名称") {
		t.Errorf("err = %v", err)
	}
	// Strict.
	p = writeFile(t, "dept.csv", zh)
	if _, _, err := ReadDepartments(context.Background(), p, Options{Strict: true}); err == nil {
		t.Error("strict: no error")
	}
}

func TestReadVisits(t *testing.T) {
	d := func(y, m, day int) time.Time { return time.Date(y, time.Month(m), day, 0, 0, 0, 0, time.UTC) }
	zh := "机构代码,日期,科室代码,就诊类型,人次\n" +
		"12345678-9,2021-03-05,0302,门诊,120\n" +
		"12345678-9,2021-03,0302,急诊,3100\n" +
		"12345678-9,2021年4月,,健康体检,80\n" +
		"12345678-9,2021-13,0302,门诊,1\n" + // bad month: line 5
		"12345678-9,2021-03-06,0302,住院,1\n" + // bad type: line 6
		"12345678-9,2021-03-06,0302,门诊,-3\n" // negative: line 7
	en := strings.NewReplacer("机构代码,日期,科室代码,就诊类型,人次", "org_code,date,dept_code,visit_type,visits",
		"门诊", "outpatient", "急诊", "emergency", "健康体检", "health_check").Replace(zh)
	want := []hospital.VisitCount{
		{OrgCode: "12345678-9", Date: d(2021, 3, 5), Dept: "0302", Type: hospital.Outpatient, Visits: 120},
		{OrgCode: "12345678-9", Date: d(2021, 3, 1), Monthly: true, Dept: "0302", Type: hospital.Emergency, Visits: 3100},
		{OrgCode: "12345678-9", Date: d(2021, 4, 1), Monthly: true, Type: hospital.HealthCheck, Visits: 80},
	}
	for name, content := range map[string]string{"chinese": zh, "english": en} {
		t.Run(name, func(t *testing.T) {
			p := writeFile(t, "visits.csv", content)
			got, rep, err := ReadVisits(context.Background(), p, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
			var lines []int
			for _, e := range rep.Errors {
				lines = append(lines, e.Line)
			}
			if !reflect.DeepEqual(lines, []int{5, 6, 7}) {
				t.Errorf("errors %v", rep.Errors)
			}
			if rep.HeaderStyle != name {
				t.Errorf("style %q", rep.HeaderStyle)
			}
		})
	}
}

func TestReadVisitsXLSXWithDefaultOrg(t *testing.T) {
	// Visits in xlsx without an org column; the mapping supplies it.
	p := filepath.Join(t.TempDir(), "v.xlsx")
	if err := writeTableXLSX(p, [][]string{{"日期", "科室代码", "就诊类型", "人次"}, {"2021-03-05", "0302", "门诊", "7"}}); err != nil {
		t.Fatal(err)
	}
	mp := writeFile(t, "m.map", "default A01 = 12345678-9\n")
	got, _, err := ReadVisits(context.Background(), p, Options{MappingFile: mp})
	if err != nil || len(got) != 1 || got[0].OrgCode != "12345678-9" || got[0].Visits != 7 {
		t.Fatalf("got %+v err %v", got, err)
	}
}
