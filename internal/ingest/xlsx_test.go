package ingest

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// writeTableXLSX writes rows of text to a new xlsx file.
func writeTableXLSX(path string, rows [][]string) error {
	f := excelize.NewFile()
	defer f.Close()
	for r, row := range rows {
		for c, v := range row {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				return err
			}
			if err := f.SetCellStr("Sheet1", cell, v); err != nil {
				return err
			}
		}
	}
	return f.SaveAs(path)
}

func TestXLSXCellsAndLines(t *testing.T) {
	p := filepath.Join(t.TempDir(), "h.xlsx")
	f := excelize.NewFile()
	idx, _ := f.NewSheet("首页")
	f.SetActiveSheet(idx)
	set := func(cell string, v any) {
		if err := f.SetCellValue("首页", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range []string{"A01", "A48", "A49", "B12", "B15", "C03C", "C04N", "D01", "B20"} {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		set(cell, h)
	}
	adm := time.Date(2021, 3, 5, 8, 30, 0, 0, time.UTC)
	// Row 2: typed cells — numbers, a date-time cell, entities in text.
	set("A2", "12345678-9")
	set("B2", "M1")
	set("C2", 2)
	set("D2", adm)
	set("E2", time.Date(2021, 3, 10, 0, 0, 0, 0, time.UTC))
	set("F2", "I20.000")
	set("G2", `心绞痛 <不稳定> & "x"`)
	set("H2", 1234.5)
	// Row 3 left empty; row 5 has a bad date and a gap in columns.
	set("A5", "12345678-9")
	set("B5", "M2")
	set("C5", "1")
	set("D5", "2021-02-30")
	set("E5", "2021-03-10")
	set("F5", "I20.000")
	set("I5", 7)
	// A sheet named first that must be skipped when asked for 首页.
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got, rep, err := readAll(t, p, Options{Sheet: "首页"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(rep.Errors) != 1 || rep.Errors[0].Line != 5 || rep.Errors[0].Field != "B12" {
		t.Fatalf("got %d stays, errors %v", len(got), rep.Errors)
	}
	s := got[0]
	if s.AdmissionNo != 2 || !s.AdmTime.Equal(adm) || s.DisTime.Day() != 10 || s.Diagnoses[0].Name != `心绞痛 <不稳定> & "x"` ||
		s.Costs[0].V != 1234.5 {
		t.Errorf("stay %+v", s)
	}
	// The default sheet is the first one (Sheet1, empty): a clear error.
	if _, _, err := readAll(t, p, Options{}); err == nil || !strings.Contains(err.Error(), "文件为空") {
		t.Errorf("first sheet: err = %v", err)
	}
	if _, _, err := readAll(t, p, Options{Sheet: "nope"}); err == nil {
		t.Error("missing sheet: no error")
	}
}

// The fast sheet reader must agree with excelize on the cells it returns.
func TestXLSXMatchesExcelize(t *testing.T) {
	stays := testStays()
	for _, hdr := range []string{"code", "chinese"} {
		p := filepath.Join(t.TempDir(), hdr+".xlsx")
		if err := WriteXLSX(p, stays, WriteOptions{Headers: hdr}); err != nil {
			t.Fatal(err)
		}
		ef, err := excelize.OpenFile(p)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ef.GetRows("Sheet1")
		ef.Close()
		if err != nil {
			t.Fatal(err)
		}
		fh, _ := os.Open(p)
		st, _ := fh.Stat()
		x, err := openXLSX(fh, st.Size(), fh, "", &Report{})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			text, offs, line, err := x.next()
			if err == io.EOF {
				if i != len(want) {
					t.Errorf("read %d rows, excelize %d", i, len(want))
				}
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			got := fields(text, offs)
			w := want[i]
			for len(got) > len(w) && got[len(got)-1] == "" {
				got = got[:len(got)-1]
			}
			if line != i+1 || !reflect.DeepEqual(got, w) {
				t.Fatalf("row %d (line %d): got %q\nwant %q", i+1, line, got, w)
			}
		}
		x.close()
	}
}
