package ingest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const hdr = "A01,A48,A49,B12,B15,C03C,A11,A14,D01\n"

// good is a valid row for MRN m.
func good(m string) string {
	return "12345678-9," + m + ",1,2021-03-05 08:00,2021-03-10 09:00,I20.000,张三,61,1234.50\n"
}

type wantErr struct {
	line  int
	field string
	cn    string // substring of ReasonCN
}

func TestBadRows(t *testing.T) {
	tests := []struct {
		name     string
		body     string // after the header (line 1)
		wantMRNs []string
		errs     []wantErr
		read     int
	}{
		{"bad date", good("M1") + "12345678-9,M2,1,2021-13-45,2021-03-10,I20.000,张三,61,1\n" + good("M3"),
			[]string{"M1", "M3"}, []wantErr{{3, "B12", "日期"}}, 3},
		{"bad integer and amount in one row", good("M1") + "12345678-9,M2,1,2021-03-05,2021-03-10,I20.000,张三,abc,12x\n",
			[]string{"M1"}, []wantErr{{3, "A14", "整数"}, {3, "D01", "数值"}}, 2},
		{"missing MRN", "12345678-9,,1,2021-03-05,2021-03-10,I20.000,张三,61,1\n" + good("M2"),
			[]string{"M2"}, []wantErr{{2, "A48", "病案号"}}, 2},
		{"missing org and admission number", ",M1,,2021-03-05,2021-03-10,I20.000,张三,61,1\n" + good("M2"),
			[]string{"M2"}, []wantErr{{2, "A01", "组织机构代码"}, {2, "A49", "住院次数"}}, 2},
		{"zero admission number", "12345678-9,M1,0,2021-03-05,2021-03-10,I20.000,张三,61,1\n" + good("M2"),
			[]string{"M2"}, []wantErr{{2, "A49", "住院次数"}}, 2},
		{"discharge before admission", good("M1") + "12345678-9,M2,1,2021-03-05,2021-03-01,I20.000,张三,61,1\n" + good("M3"),
			[]string{"M1", "M3"}, []wantErr{{3, "B15", "出院时间早于入院时间"}}, 3},
		{"short row", good("M1") + "12345678-9,M2,1\n" + good("M3"),
			[]string{"M1", "M3"}, []wantErr{{3, "", "列数不符"}}, 3},
		{"truncated file with open quote", good("M1") + good("M2") + "12345678-9,M3,1,2021-03-05,2021-03-10,I20.000,\"张",
			[]string{"M1", "M2"}, []wantErr{{4, "", "引号未闭合"}}, 3},
		{"multi-line quoted field keeps physical lines", "12345678-9,M1,1,2021-03-05,2021-03-10,I20.000,\"张\n三\",61,1\n" +
			"12345678-9,M2,1,bad,2021-03-10,I20.000,张三,61,1\n",
			[]string{"M1"}, []wantErr{{4, "B12", "日期"}}, 2},
		{"blank lines are skipped", "\n" + good("M1") + ",,,,,,,,\n" + good("M2"),
			[]string{"M1", "M2"}, nil, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, "fp.csv", hdr+tt.body)
			got, rep, err := readAll(t, p, Options{BatchSize: 1})
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			var mrns []string
			for _, s := range got {
				mrns = append(mrns, s.MRN)
			}
			if strings.Join(mrns, ",") != strings.Join(tt.wantMRNs, ",") {
				t.Errorf("stays = %v, want %v", mrns, tt.wantMRNs)
			}
			if len(rep.Errors) != len(tt.errs) {
				t.Fatalf("errors = %v, want %d", rep.Errors, len(tt.errs))
			}
			for i, w := range tt.errs {
				e := rep.Errors[i]
				if e.Line != w.line || e.Field != w.field || !strings.Contains(e.ReasonCN, w.cn) || e.ReasonEN == "" || e.File != p {
					t.Errorf("error %d = %+v, want line %d field %q reason containing %q", i, e, w.line, w.field, w.cn)
				}
				if strings.Contains(e.String(), "张三") {
					t.Errorf("error echoes a patient name: %s", e)
				}
			}
			if rep.RowsRead != tt.read || rep.RowsGood != len(tt.wantMRNs) || rep.RowsBad != tt.read-len(tt.wantMRNs) {
				t.Errorf("read/good/bad = %d/%d/%d, want %d/%d/%d", rep.RowsRead, rep.RowsGood, rep.RowsBad, tt.read, len(tt.wantMRNs), tt.read-len(tt.wantMRNs))
			}
		})
	}
}

func TestDuplicateKeepsLastContent(t *testing.T) {
	p := writeFile(t, "fp.csv", hdr+good("M1")+good("M2")+strings.Replace(good("M1"), "I20.000", "I21.000", 1))
	got, rep, err := readAll(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].PrincipalDx() != "I21.000" || got[1].MRN != "M2" {
		t.Fatalf("got %+v, want the later M1 row (I21.000) in the first slot, then M2", got)
	}
	if len(rep.Errors) != 1 || rep.Errors[0].Line != 4 || rep.Errors[0].Field != "A48" || !strings.Contains(rep.Errors[0].ReasonCN, "第 2 行") {
		t.Errorf("errors = %v, want line 4 naming line 2", rep.Errors)
	}
	if rep.RowsRead != 3 || rep.RowsGood != 2 || rep.RowsBad != 1 {
		t.Errorf("read/good/bad = %d/%d/%d", rep.RowsRead, rep.RowsGood, rep.RowsBad)
	}
	p = writeFile(t, "fp.csv", hdr+good("M1")+strings.Replace(good("M1"), "I20.000", "I21.000", 1))
	// Across batches the earlier stay was already emitted: the later one
	// follows as a replacement.
	got, rep, err = readAll(t, p, Options{BatchSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[1].PrincipalDx() != "I21.000" || rep.RowsGood != 1 || rep.RowsBad != 1 {
		t.Fatalf("got %d stays (last %q), good/bad %d/%d", len(got), got[len(got)-1].PrincipalDx(), rep.RowsGood, rep.RowsBad)
	}
}

func TestErrorNeverEchoesIdentity(t *testing.T) {
	// Invalid UTF-8 inside the name column of a UTF-8 file (after the
	// sniffed window): the row is reported without the bytes.
	var b strings.Builder
	n := 0
	for b.Len() < sniffSize+100 {
		n++
		b.WriteString(good("M" + itoa(n)))
	}
	body := b.String() + "12345678-9,X,1,2021-03-05,2021-03-10,I20.000,张\xff三,61,1\n"
	p := writeFile(t, "fp.csv", hdr+body)
	got, rep, err := readAll(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n || len(rep.Errors) != 1 || rep.Errors[0].Line != n+2 {
		t.Fatalf("got %d stays, errors %v", len(got), rep.Errors)
	}
	if s := rep.Errors[0].String(); strings.Contains(s, "张") || strings.Contains(s, "三") {
		t.Errorf("error echoes identity: %s", s)
	}
}

func TestStrict(t *testing.T) {
	p := writeFile(t, "fp.csv", hdr+good("M1")+"12345678-9,M2,1,bad,2021-03-10,I20.000,张三,61,1\n"+good("M3")+"12345678-9,M4,x,2021-03-05,2021-03-10,I20.000,张三,61,1\n")
	var emitted int
	rep, err := ReadFrontPages(context.Background(), p, Options{Strict: true, BatchSize: 1}, func(s []frontpage.Stay) error {
		emitted += len(s)
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "strict") {
		t.Fatalf("err = %v, want strict failure", err)
	}
	if emitted != 1 {
		t.Errorf("emitted %d stays, want only the one before the first bad row", emitted)
	}
	if rep.RowsBad != 2 || len(rep.Errors) != 2 || rep.Errors[1].Line != 5 {
		t.Errorf("strict mode should still list every bad row: %v", rep.Errors)
	}
}

func TestEmitErrorStops(t *testing.T) {
	var b strings.Builder
	b.WriteString(hdr)
	for i := 0; i < 5000; i++ {
		b.WriteString(good("M" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + itoa(i)))
	}
	p := writeFile(t, "fp.csv", b.String())
	stop := errors.New("disk full")
	calls := 0
	_, err := ReadFrontPages(context.Background(), p, Options{BatchSize: 100}, func(s []frontpage.Stay) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 2 {
		t.Fatalf("err = %v after %d calls, want the emit error after 2", err, calls)
	}
}

func TestContextCancel(t *testing.T) {
	var b strings.Builder
	b.WriteString(hdr)
	for i := 0; i < 20000; i++ {
		b.WriteString(good("M" + itoa(i)))
	}
	p := writeFile(t, "fp.csv", b.String())
	ctx, cancel := context.WithCancel(context.Background())
	_, err := ReadFrontPages(ctx, p, Options{BatchSize: 100}, func(s []frontpage.Stay) error {
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func itoa(i int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + fmtInt(i)) }

func fmtInt(i int) string {
	if i == 0 {
		return "0"
	}
	var d []byte
	for ; i > 0; i /= 10 {
		d = append([]byte{byte('0' + i%10)}, d...)
	}
	return string(d)
}

func TestFileLevelErrors(t *testing.T) {
	tests := []struct {
		name, file, content string
		want                []string // substrings of the error
	}{
		{"missing required columns", "a.csv", "A01,A48,C03C\n1,2,3\n", []string{"缺少必填列", "A49 住院次数", "B12 入院时间", "B15 出院时间"}},
		{"empty file", "a.csv", "", []string{"文件为空"}},
		{"only a BOM and spaces", "a.csv", "\ufeff \n", []string{"文件为空"}},
		{"old excel", "a.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + strings.Repeat("\x00", 100), []string{"请另存为 .xlsx 或 .csv"}},
		{"undecodable", "a.csv", "A01,A48\n\x80\x80\xff\xff\n", []string{"无法识别的文件编码"}},
		{"utf-16", "a.csv", "\xff\xfeA\x00", []string{"UTF-16"}},
		{"broken zip", "a.xlsx", "PK\x03\x04garbage", []string{"xlsx"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := writeFile(t, tt.file, tt.content)
			emitted := 0
			_, err := ReadFrontPages(context.Background(), p, Options{}, func(s []frontpage.Stay) error { emitted += len(s); return nil })
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if emitted != 0 {
				t.Errorf("emitted %d stays on a file-level error", emitted)
			}
		})
	}
}

func TestXLSXNamedCSVAndCSVNamedXLSX(t *testing.T) {
	// A .xlsx holding CSV text is read as CSV with a note.
	p := writeFile(t, "export.xlsx", hdr+good("M1"))
	got, rep, err := readAll(t, p, Options{})
	if err != nil || len(got) != 1 || rep.Format != "csv" || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "CSV") {
		t.Fatalf("got %d stays, format %q, notes %v, err %v", len(got), rep.Format, rep.Notes, err)
	}
	// A real xlsx named .csv is read as xlsx.
	stays := testStays()[:2]
	x := filepath.Join(t.TempDir(), "real.xlsx")
	if err := WriteXLSX(x, stays, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(x)
	p2 := writeFile(t, "export.csv", string(data))
	got, rep, err = readAll(t, p2, Options{})
	if err != nil || len(got) != 2 || rep.Format != "xlsx" || len(rep.Notes) != 1 {
		t.Fatalf("got %d stays, format %q, notes %v, err %v", len(got), rep.Format, rep.Notes, err)
	}
}

func TestIgnoredColumnsAndDelimiters(t *testing.T) {
	content := "A01\tA48\tA49\tB12\tB15\tC03C\t备注\t备注\tFOO\n" +
		"12345678-9\tM1\t1\t2021-03-05\t2021-03-10\tI20.000\tx\ty\tz\n"
	p := writeFile(t, "tab.txt", content)
	got, rep, err := readAll(t, p, Options{})
	if err != nil || len(got) != 1 {
		t.Fatalf("got %d, err %v", len(got), err)
	}
	if rep.Delimiter != "\t" || strings.Join(rep.IgnoredColumns, "|") != "备注|FOO" {
		t.Errorf("delimiter %q, ignored %v", rep.Delimiter, rep.IgnoredColumns)
	}
	if got[0].MRN != "M1" || got[0].DisTime.Day() != 10 {
		t.Errorf("stay %+v", got[0])
	}
}

func TestBlankPlaceholders(t *testing.T) {
	p := writeFile(t, "fp.csv", hdr+"12345678-9,M1,1,2021-03-05,2021-03-10,I20.000, - ,—,－\n")
	got, rep, err := readAll(t, p, Options{})
	if err != nil || len(got) != 1 || len(rep.Errors) != 0 {
		t.Fatalf("got %d stays, errors %v, err %v", len(got), rep.Errors, err)
	}
	if s := got[0]; s.Name != "" || s.AgeYears.Valid || s.Costs[0].Valid {
		t.Errorf("placeholders were stored: %q %+v %+v", s.Name, s.AgeYears, s.Costs[0])
	}
}
