package store

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/yardstick-health/yardstick/internal/hospital"
)

func TestImportDepartmentsReplacesByKey(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	v1 := []hospital.Department{
		{OrgCode: "A", Code: "01", Name: "内科", Kind: hospital.Clinical, NationalCode: "03", Beds: 40},
		{OrgCode: "A", Code: "02", Name: "外科", Kind: hospital.Clinical, NationalCode: "04"},
		{OrgCode: "B", Code: "01", Name: "内科", Kind: hospital.Clinical},
	}
	if _, err := db.ImportDepartments(ctx, ImportMeta{File: "d1.csv"}, v1, nil); err != nil {
		t.Fatal(err)
	}
	v2 := []hospital.Department{{OrgCode: "A", Code: "02", Name: "普通外科", Kind: hospital.Clinical, ParentCode: "00"}}
	res, err := db.ImportDepartments(ctx, ImportMeta{File: "d2.csv"}, v2, &ImportOutcome{RowsRead: 2, RowsBad: 1,
		Errors: []RowError{{File: "d2.csv", Line: 3, Field: "dept_code", ReasonCN: "缺少", ReasonEN: "missing"}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 1 || res.Replaced != 1 {
		t.Fatalf("result %+v", res)
	}
	got, err := db.Departments(ctx, "A")
	if err != nil {
		t.Fatal(err)
	}
	want := []hospital.Department{v1[0], v2[0]}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("departments of A\n got %+v\nwant %+v", got, want)
	}
	if all, _ := db.Departments(ctx, ""); len(all) != 3 {
		t.Fatalf("%d departments in all orgs, want 3", len(all))
	}
	if n := count(t, db, "import_errors"); n != 1 {
		t.Fatalf("import_errors %d, want 1", n)
	}
}

func TestImportVisitsReplacesByKey(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	d := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	v := []hospital.VisitCount{
		{OrgCode: "A", Date: d, Monthly: true, Dept: "01", Type: hospital.Outpatient, Visits: 100},
		{OrgCode: "A", Date: d, Monthly: true, Dept: "01", Type: hospital.Emergency, Visits: 10},
	}
	for i := 0; i < 2; i++ {
		if _, err := db.ImportVisits(ctx, ImportMeta{File: "v.csv"}, v, nil); err != nil {
			t.Fatal(err)
		}
	}
	var n, sum int64
	if err := db.SQL().QueryRow(`SELECT count(*), sum(visits) FROM visits`).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if n != 2 || sum != 110 {
		t.Fatalf("after importing twice: %d rows, %d visits; want 2, 110", n, sum)
	}
}
