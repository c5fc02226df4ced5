package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	bindings "github.com/duckdb/duckdb-go-bindings"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// fullStay builds a stay with every registry field set (through the
// registry, so a field added later is covered automatically), then trims it
// to nDx diagnoses and nPx procedures.
func fullStay(t testing.TB, org string, i, nDx, nPx int) frontpage.Stay {
	t.Helper()
	var s frontpage.Stay
	for _, f := range frontpage.Fields() {
		var v string
		switch f.Kind {
		case frontpage.KindText:
			v = fmt.Sprintf("%s-%d", f.Code, i)
		case frontpage.KindCode:
			v = fmt.Sprintf("%d", 1+(i+f.Index)%9)
		case frontpage.KindInt:
			v = fmt.Sprintf("%d", 1+(i*7+f.Index)%90)
		case frontpage.KindDecimal:
			v = fmt.Sprintf("%d.%02d", 100+i, (i*13)%100)
		case frontpage.KindDate:
			v = fmt.Sprintf("2021-%02d-%02d", 1+i%12, 1+i%28)
		case frontpage.KindDateTime:
			v = fmt.Sprintf("2021-%02d-%02d %02d:%02d:07", 1+i%12, 1+i%28, i%24, (i+f.Index)%60)
		case frontpage.KindList:
			v = "0301,0302"
		}
		if err := f.Set(&s, v); err != nil {
			t.Fatalf("set %s=%q: %v", f.Code, v, err)
		}
	}
	s.OrgCode = org
	s.MRN = fmt.Sprintf("M%06d", i)
	s.AdmissionNo = 1 + i%3
	s.DisDept = fmt.Sprintf("03%02d", i%5)
	s.Diagnoses = s.Diagnoses[:nDx]
	s.Procedures = s.Procedures[:nPx]
	if i%4 == 0 {
		s.ICU = nil
		s.Costs[frontpage.CostBlood] = frontpage.Opt[float64]{}
		s.AgeDays = frontpage.Opt[int]{}
		s.TransferDepts = nil
		s.QCDate = s.QCDate.AddDate(0, 0, 0)
	}
	if nPx > 0 {
		s.Procedures[0].Code = fmt.Sprintf("P%02d", i%7)
	}
	s.Normalize()
	// The store reads absent lists back as nil; build the canonical form.
	if len(s.Diagnoses) == 0 {
		s.Diagnoses = nil
	}
	if len(s.Procedures) == 0 {
		s.Procedures = nil
	}
	if len(s.ICU) == 0 {
		s.ICU = nil
	}
	return s
}

func staysOf(t testing.TB, org string, from, n int) []frontpage.Stay {
	out := make([]frontpage.Stay, 0, n)
	for i := from; i < from+n; i++ {
		out = append(out, fullStay(t, org, i, i%11, i%6))
	}
	return out
}

// producer emits stays in batches of size b.
func producer(stays []frontpage.Stay, b int) Producer {
	return func(ctx context.Context, emit func([]frontpage.Stay) error) (*ImportOutcome, error) {
		for i := 0; i < len(stays); i += b {
			j := min(i+b, len(stays))
			if err := emit(stays[i:j]); err != nil {
				return &ImportOutcome{RowsRead: j}, err
			}
		}
		return &ImportOutcome{Format: "csv", Encoding: "utf-8", RowsRead: len(stays), RowsGood: len(stays)}, nil
	}
}

func readAll(t *testing.T, db *DB, f Filter) ([]int64, []frontpage.Stay) {
	t.Helper()
	var ids []int64
	var out []frontpage.Stay
	if err := db.EachStay(context.Background(), f, func(id int64, s *frontpage.Stay) error {
		ids = append(ids, id)
		out = append(out, *s)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return ids, out
}

func TestStayColumnsCoverRegistry(t *testing.T) {
	byCode := map[string]int{}
	for i, c := range stayCols {
		if _, ok := frontpage.FieldByCode(c.Code); !ok {
			t.Errorf("column %s: code %s not in the registry", c.Name, c.Code)
		}
		if _, dup := byCode[c.Code]; dup {
			t.Errorf("code %s mapped twice", c.Code)
		}
		byCode[c.Code] = i
	}
	for _, f := range frontpage.Fields() {
		_, scalar := byCode[f.Code]
		child := isChildField(f)
		if f.Code == "A49" {
			scalar = true // admission_no, a lead column
		}
		if scalar == child {
			t.Errorf("field %s: scalar column %v, child table %v; want exactly one", f.Code, scalar, child)
		}
	}
	// The accessor of each column reads the same Stay field the registry writes.
	s := fullStay(t, "O", 5, 1, 1)
	for _, c := range stayCols {
		f, _ := frontpage.FieldByCode(c.Code)
		var empty frontpage.Stay
		if err := f.Set(&empty, f.Get(&s)); err != nil {
			t.Fatal(err)
		}
		var v any
		switch c.Kind {
		case colText:
			v = *c.str(&empty)
		case colInt:
			v = *c.num(&empty)
		case colFloat:
			v = *c.amt(&empty)
		case colDate, colTime:
			v = *c.tm(&empty)
		case colList:
			v = *c.list(&empty)
		}
		if reflect.ValueOf(v).IsZero() {
			t.Errorf("column %s: accessor does not see field %s", c.Name, c.Code)
		}
	}
}

func TestStayColumnsMatchSchema(t *testing.T) {
	db := openTest(t)
	rows, err := db.SQL().Query(`SELECT column_name, data_type FROM information_schema.columns
		WHERE table_name = 'stays' ORDER BY ordinal_position`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var n, ty string
		if err := rows.Scan(&n, &ty); err != nil {
			t.Fatal(err)
		}
		got = append(got, n+" "+ty)
	}
	var want []string
	for _, c := range stayTableCols() {
		want = append(want, c[0]+" "+c[1])
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("stays columns\n got %v\nwant %v", got, want)
	}
}

func TestImportRoundTrip(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	in := staysOf(t, "ORG1", 0, 300)
	res, err := db.ImportStays(ctx, ImportMeta{File: "a.csv"}, producer(in, 64))
	if err != nil {
		t.Fatal(err)
	}
	if res.Inserted != 300 || res.Replaced != 0 || res.Status != "ok" {
		t.Fatalf("result %+v", res)
	}
	ids, out := readAll(t, db, Filter{})
	if len(out) != len(in) {
		t.Fatalf("read %d stays, want %d", len(out), len(in))
	}
	for i := range in {
		if !reflect.DeepEqual(in[i], out[i]) {
			t.Fatalf("stay %d differs after round trip:\n in %+v\nout %+v", i, in[i], out[i])
		}
		if i > 0 && ids[i] <= ids[i-1] {
			t.Fatalf("ids not ascending: %v", ids[:i+1])
		}
	}
	one, err := db.Stay(ctx, ids[7])
	if err != nil || !reflect.DeepEqual(*one, in[7]) {
		t.Fatalf("Stay(%d) = %+v, %v", ids[7], one, err)
	}
	if _, err := db.Stay(ctx, 999999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Stay(unknown) error %v", err)
	}
	id, err := db.StayIDByKey(ctx, in[9].Key())
	if err != nil || id != ids[9] {
		t.Fatalf("StayIDByKey = %d, %v; want %d", id, err, ids[9])
	}
}

func TestEachStayFilter(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	a, b := staysOf(t, "ORGA", 0, 40), staysOf(t, "ORGB", 0, 30)
	for _, in := range [][]frontpage.Stay{a, b} {
		if _, err := db.ImportStays(ctx, ImportMeta{File: "x.csv"}, producer(in, 7)); err != nil {
			t.Fatal(err)
		}
	}
	// Same keys apart from the org code: several hospitals coexist.
	if n := count(t, db, "stays"); n != 70 {
		t.Fatalf("%d stays, want 70", n)
	}
	want := func(pred func(s *frontpage.Stay) bool) []frontpage.Stay {
		var out []frontpage.Stay
		for _, in := range [][]frontpage.Stay{a, b} {
			for i := range in {
				if pred(&in[i]) {
					out = append(out, in[i])
				}
			}
		}
		return out
	}
	from := a[3].DisTime
	to := from.AddDate(0, 2, 0)
	tests := []struct {
		name string
		f    Filter
		want []frontpage.Stay
	}{
		{"org", Filter{OrgCodes: []string{"ORGB"}}, b},
		{"dept", Filter{DisDepts: []string{"0301", "0303"}}, want(func(s *frontpage.Stay) bool { return s.DisDept == "0301" || s.DisDept == "0303" })},
		{"dates", Filter{OrgCodes: []string{"ORGA"}, DischargedFrom: from, DischargedTo: to},
			want(func(s *frontpage.Stay) bool {
				return s.OrgCode == "ORGA" && !s.DisTime.Before(from) && s.DisTime.Before(to)
			})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := readAll(t, db, tt.f)
			if len(tt.want) == 0 || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %d stays, want %d (or they differ)", len(got), len(tt.want))
			}
		})
	}
	ids, _ := readAll(t, db, Filter{})
	_, got := readAll(t, db, Filter{StayIDs: []int64{ids[2], ids[45]}})
	if len(got) != 2 || !reflect.DeepEqual(got[0], a[2]) || !reflect.DeepEqual(got[1], b[5]) {
		t.Fatalf("by ids: got %d stays", len(got))
	}
}

func TestStaysWithAnyProcedure(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	in := staysOf(t, "ORG1", 0, 120)
	// Put a distinctive code on a non-principal line of a few stays.
	special := map[int]bool{}
	for i := range in {
		if len(in[i].Procedures) >= 3 && i%5 == 0 {
			in[i].Procedures[2].Code = "99.99"
			special[i] = true
		}
	}
	if _, err := db.ImportStays(ctx, ImportMeta{File: "p.csv"}, producer(in, 50)); err != nil {
		t.Fatal(err)
	}
	ids, _ := readAll(t, db, Filter{})
	tests := []struct {
		codes  []string
		prefix bool
		match  func(s *frontpage.Stay) bool
	}{
		{[]string{"P01", "P03"}, false, func(s *frontpage.Stay) bool { return hasPx(s, "P01", "P03") }},
		{[]string{"99.99"}, false, func(s *frontpage.Stay) bool { return hasPx(s, "99.99") }},
		{[]string{"99."}, true, func(s *frontpage.Stay) bool { return hasPx(s, "99.99") }},
		{[]string{"NONE"}, false, func(s *frontpage.Stay) bool { return false }},
	}
	for _, tt := range tests {
		var want []int64
		for i := range in {
			if tt.match(&in[i]) {
				want = append(want, ids[i])
			}
		}
		got, err := db.StaysWithAnyProcedure(ctx, tt.codes, tt.prefix)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%v prefix=%v: got %v, want %v", tt.codes, tt.prefix, got, want)
		}
	}
	if len(special) == 0 {
		t.Fatal("test data has no special procedure")
	}
}

func hasPx(s *frontpage.Stay, codes ...string) bool {
	for _, p := range s.Procedures {
		for _, c := range codes {
			if p.Code == c {
				return true
			}
		}
	}
	return false
}

func TestReimportReplaces(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	in := staysOf(t, "ORG1", 0, 50)
	if _, err := db.ImportStays(ctx, ImportMeta{File: "v1.csv"}, producer(in, 16)); err != nil {
		t.Fatal(err)
	}
	oldID, err := db.StayIDByKey(ctx, in[40].Key())
	if err != nil {
		t.Fatal(err)
	}
	// A feature's derived table, unknown to the store, keyed by stay_id.
	if _, err := db.SQL().Exec(`CREATE TABLE test_findings (stay_id BIGINT, rule VARCHAR);
		INSERT INTO test_findings SELECT stay_id, 'R1' FROM stays`); err != nil {
		t.Fatal(err)
	}
	// Second file: stays 40..49 corrected, plus 5 new ones; stay 42 appears
	// twice and the later row wins.
	v2 := staysOf(t, "ORG1", 40, 15)
	for i := range v2 {
		v2[i].Costs[frontpage.CostTotal] = frontpage.Some(12345.5)
	}
	dup := v2[2]
	dup.Coder = "second"
	v2 = append(v2, dup)
	res, err := db.ImportStays(ctx, ImportMeta{File: "v2.csv"}, producer(v2, 4))
	if err != nil {
		t.Fatal(err)
	}
	if res.Replaced != 10 || res.Inserted != 15 {
		t.Fatalf("replaced %d inserted %d, want 10 and 15", res.Replaced, res.Inserted)
	}
	if n := count(t, db, "stays"); n != 55 {
		t.Fatalf("%d stays after re-import, want 55", n)
	}
	newID, err := db.StayIDByKey(ctx, in[40].Key())
	if err != nil || newID == oldID {
		t.Fatalf("stay id after replacement %d (old %d), %v", newID, oldID, err)
	}
	s, err := db.Stay(ctx, newID)
	if err != nil || s.Costs[frontpage.CostTotal].V != 12345.5 {
		t.Fatalf("replaced stay not updated: %v", err)
	}
	id12, _ := db.StayIDByKey(ctx, v2[2].Key())
	if s12, err := db.Stay(ctx, id12); err != nil || s12.Coder != "second" {
		t.Fatalf("duplicate in one file: later row should win, got %v", err)
	}
	for _, table := range []string{"stay_diagnoses", "stay_procedures", "stay_icu", "test_findings"} {
		var orphans int64
		if err := db.SQL().QueryRow(`SELECT count(*) FROM ` + table + ` WHERE stay_id NOT IN (SELECT stay_id FROM stays)`).Scan(&orphans); err != nil {
			t.Fatal(err)
		}
		if orphans != 0 {
			t.Errorf("%s: %d rows of replaced stays left", table, orphans)
		}
	}
	var findings int64
	db.SQL().QueryRow(`SELECT count(*) FROM test_findings`).Scan(&findings)
	if findings != 40 {
		t.Errorf("test_findings: %d rows, want 40 (50 minus 10 replaced)", findings)
	}
}

// storeChecksum summarises every data table so "unchanged" can be asserted.
func storeChecksum(t *testing.T, db *DB) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"stays", "stay_diagnoses", "stay_procedures", "stay_icu", "departments", "visits"} {
		var n int64
		var h sql.NullString
		if err := db.SQL().QueryRow(`SELECT count(*), CAST(sum(hash(t)) AS VARCHAR) FROM `+table+` t`).Scan(&n, &h); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s:%d:%s ", table, n, h.String)
	}
	return b.String()
}

func TestFailedImportLeavesStoreUnchanged(t *testing.T) {
	ctx := context.Background()
	boom := errors.New("producer broke")
	base := staysOf(t, "ORG1", 0, 40)
	next := staysOf(t, "ORG1", 20, 60) // overlaps: would replace 20 stays
	tests := []struct {
		name    string
		produce func(cancel context.CancelFunc) Producer
		status  string // recorded imports.status of the run, "" = not recorded
	}{
		{"emit error midway", func(context.CancelFunc) Producer {
			return func(ctx context.Context, emit func([]frontpage.Stay) error) (*ImportOutcome, error) {
				if err := emit(next[:30]); err != nil {
					return nil, err
				}
				return &ImportOutcome{RowsRead: 31, RowsBad: 1}, boom
			}
		}, "failed"},
		{"strict with one bad row", func(context.CancelFunc) Producer {
			return func(ctx context.Context, emit func([]frontpage.Stay) error) (*ImportOutcome, error) {
				if err := emit(next[:50]); err != nil {
					return nil, err
				}
				out := &ImportOutcome{RowsRead: 51, RowsBad: 1, Errors: []RowError{{File: "n.csv", Line: 52, Field: "B12", ReasonCN: "日期不存在", ReasonEN: "no such date"}}}
				return out, fmt.Errorf("strict: %w", boom)
			}
		}, "failed"},
		{"context cancelled midway", func(cancel context.CancelFunc) Producer {
			return func(ctx context.Context, emit func([]frontpage.Stay) error) (*ImportOutcome, error) {
				for i := 0; i < len(next); i += 10 {
					if i == 30 {
						cancel()
					}
					if err := emit(next[i : i+10]); err != nil {
						return nil, err
					}
				}
				return &ImportOutcome{}, ctx.Err()
			}
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openTest(t)
			empty := storeChecksum(t, db)
			if _, err := db.ImportStays(ctx, ImportMeta{File: "base.csv"}, producer(base, 16)); err != nil {
				t.Fatal(err)
			}
			before := storeChecksum(t, db)
			if before == empty {
				t.Fatal("checksum does not see an import")
			}
			cctx, cancel := context.WithCancel(ctx)
			defer cancel()
			res, err := db.ImportStays(cctx, ImportMeta{File: "n.csv"}, tt.produce(cancel))
			if err == nil {
				t.Fatal("import succeeded")
			}
			if after := storeChecksum(t, db); after != before {
				t.Fatalf("store changed:\nbefore %s\nafter  %s", before, after)
			}
			var runs, failed, errs int64
			db.SQL().QueryRow(`SELECT count(*), count(*) FILTER (status = 'failed') FROM imports`).Scan(&runs, &failed)
			db.SQL().QueryRow(`SELECT count(*) FROM import_errors`).Scan(&errs)
			wantRuns, wantFailed := int64(1), int64(0)
			if tt.status != "" {
				wantRuns, wantFailed = 2, 1
			}
			if runs != wantRuns || failed != wantFailed {
				t.Fatalf("imports: %d runs, %d failed; want %d, %d", runs, failed, wantRuns, wantFailed)
			}
			if tt.status != "" && (res.ImportID == 0 || res.Status != "failed") {
				t.Fatalf("failed run not reported: %+v", res)
			}
			if tt.name == "strict with one bad row" && errs != 1 {
				t.Fatalf("import_errors: %d rows, want the 1 error of the failed run", errs)
			}
		})
	}
}

func TestImportRecordsErrors(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	in := staysOf(t, "ORG1", 0, 10)
	prod := func(ctx context.Context, emit func([]frontpage.Stay) error) (*ImportOutcome, error) {
		if err := emit(in); err != nil {
			return nil, err
		}
		return &ImportOutcome{RowsRead: 12, RowsGood: 10, RowsBad: 2, Errors: []RowError{
			{File: "e.csv", Line: 3, Column: "入院时间", Field: "B12", ReasonCN: "日期不存在", ReasonEN: "no such date"},
			{File: "e.csv", Line: 9, Column: "D01", Field: "D01", ReasonCN: "不是数值", ReasonEN: "not a number"},
		}}, nil
	}
	res, err := db.ImportStays(ctx, ImportMeta{File: "e.csv"}, prod)
	if err != nil {
		t.Fatal(err)
	}
	var line int64
	var field, status string
	var bad int64
	if err := db.SQL().QueryRow(`SELECT e.line, e.field, i.status, i.rows_bad FROM import_errors e JOIN imports i USING (import_id)
		WHERE i.import_id = ? ORDER BY e.line DESC LIMIT 1`, res.ImportID).Scan(&line, &field, &status, &bad); err != nil {
		t.Fatal(err)
	}
	if line != 9 || field != "D01" || status != "ok" || bad != 2 {
		t.Fatalf("recorded error line %d field %s status %s rows_bad %d", line, field, status, bad)
	}
	if n := count(t, db, "stays"); n != 10 {
		t.Fatalf("good rows not stored: %d", n)
	}
}

func TestAppenderJoinsTransaction(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	err := db.Tx(ctx, func(conn *sql.Conn) error {
		a, err := newAppender(conn, "departments")
		if err != nil {
			return err
		}
		if err := a.AppendRow("O", "D", nil, nil, nil, nil, nil, nil); err != nil {
			return err
		}
		if err := a.Close(); err != nil {
			return err
		}
		return errors.New("roll back")
	})
	if err == nil {
		t.Fatal("Tx returned nil")
	}
	if n := count(t, db, "departments"); n != 0 {
		t.Fatalf("appended rows survived rollback: %d", n)
	}
}

func TestRoundTripAwkwardValues(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	s := fullStay(t, "ORG,1", 1, 3, 2)
	s.MRN = `M"01"`
	s.Name = "张三,\"李四\"\n第二行"
	s.Address = "  leading and trailing spaces  "
	s.Employer = "NULL"
	s.Phone = `back\slash`
	s.OrgName = "\r\n"
	s.Diagnoses[1].Name = "a,b"
	s.Procedures[1].Surgeon = `"`
	s.Costs[frontpage.CostTotal] = frontpage.Some(0.1 + 0.2)
	s.Costs[frontpage.CostSelfPaid] = frontpage.Some(math.Inf(1))
	s.Costs[frontpage.CostOther] = frontpage.Some(-1e-300)
	s.Costs[frontpage.CostBlood] = frontpage.Some(0.0)
	s.TransferDepts = []string{"0301"}
	in := []frontpage.Stay{s}
	if _, err := db.ImportStays(ctx, ImportMeta{File: "odd.csv"}, producer(in, 1)); err != nil {
		t.Fatal(err)
	}
	_, out := readAll(t, db, Filter{})
	if len(out) != 1 || !reflect.DeepEqual(out[0], s) {
		t.Fatalf("round trip of awkward values:\n in %+v\nout %+v", s, out)
	}
}

// TestRoundTripSeparatorValues stores values holding the separator and the
// escape byte of the packed columns (columns.go) and control bytes: those
// stays must come back exactly, and their neighbours must not be disturbed.
func TestRoundTripSeparatorValues(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	var in []frontpage.Stay
	for i := 1; i <= 4; i++ {
		in = append(in, fullStay(t, "ORG1", i, 3, 2))
	}
	in[1].Name = "a\x1fb"
	in[1].Diagnoses[2].Name = "x\x1e0\x1fA\x1fB\x1fC"
	in[2].Procedures[0].Surgeon = "\x1f"
	in[2].ICU = []frontpage.ICUStay{{Type: "\x1e"}}
	in[3].TransferDepts = []string{"01\x1f", "02"}
	// Packed fields (columns.go) with the escape byte and escape sequences.
	in[3].Address = "x\x1b1\x1b\x1fy\x1b"
	in[0].Employer = "\x1b0\x1b"
	in[0].Phone = "\x1f"
	if _, err := db.ImportStays(ctx, ImportMeta{File: "sep.csv"}, producer(in, 2)); err != nil {
		t.Fatal(err)
	}
	_, out := readAll(t, db, Filter{})
	if !reflect.DeepEqual(out, in) {
		t.Fatalf("round trip of values with separators:\n in %+v\nout %+v", in, out)
	}
}

func TestCSVDateFormat(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC),
		time.Date(999, 12, 31, 23, 59, 59, 0, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2021, 3, 4, 5, 6, 7, 8000, time.UTC),
		time.Date(2021, 3, 4, 23, 6, 7, 0, time.FixedZone("CST", 8*3600)),
	} {
		var c csvBuf
		c.row()
		c.date(tm)
		if want := tm.Format("2006-01-02"); string(c.b) != want {
			t.Errorf("date %v: got %q, want %q", tm, c.b, want)
		}
		c = csvBuf{}
		c.row()
		c.ts(tm)
		want := tm.UTC().Format("2006-01-02 15:04:05")
		if tm.Nanosecond() != 0 {
			want = tm.UTC().Format("2006-01-02 15:04:05.999999")
		}
		if string(c.b) != want {
			t.Errorf("ts %v: got %q, want %q", tm, c.b, want)
		}
	}
	for s, want := range map[string]bool{"": false, "abc": false, "张三": false, "a,b": true, `"`: true, "\r": true, "x\n": true, "01234567,": true, "0123456789abcdef": false, "012345678\"9abcdef": true, "北京市朝阳区建国路88号": false} {
		if needsQuote(s) != want {
			t.Errorf("needsQuote(%q) = %v", s, !want)
		}
	}
}

// TestRawDuckConn guards the columnar read path against a driver upgrade
// that moves duckdb-go's C connection (duckchunk.go).
func TestRawDuckConn(t *testing.T) {
	db := openTest(t)
	var got int64
	err := db.withDuckConn(context.Background(), func(conn bindings.Connection) error {
		return duckQuery(conn, "SELECT ?::BIGINT + 1", []any{int64(41)}, []duckType{dtBigint}, func(c *duckChunk) error {
			got = c.int64(0, 0)
			return nil
		})
	})
	if err != nil || got != 42 {
		t.Fatalf("chunk query through the raw connection: %d, %v", got, err)
	}
	if _, err := rawDuckConn(struct{}{}); err == nil {
		t.Fatal("rawDuckConn accepted a value that is not a driver connection")
	}
	err = db.withDuckConn(context.Background(), func(conn bindings.Connection) error {
		return duckQuery(conn, "SELECT 'x'", nil, []duckType{dtBigint}, func(*duckChunk) error { return nil })
	})
	if err == nil || !strings.Contains(err.Error(), "type") {
		t.Fatalf("a column of another type must be an error, got %v", err)
	}
}

// TestEachStayHolesAndOrder reads a store whose ids have holes (replaced
// stays) across many parts, with child rows stored out of seq order.
func TestEachStayHolesAndOrder(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	in := staysOf(t, "ORG1", 0, 200)
	if _, err := db.ImportStays(ctx, ImportMeta{File: "a.csv"}, producer(in, 64)); err != nil {
		t.Fatal(err)
	}
	// Replace every third stay: the old ids become holes, the new rows get
	// ids after all the others.
	var again []frontpage.Stay
	for i := 0; i < len(in); i += 3 {
		in[i].Attending = "替换 replaced"
		again = append(again, in[i])
	}
	if _, err := db.ImportStays(ctx, ImportMeta{File: "b.csv"}, producer(again, 10)); err != nil {
		t.Fatal(err)
	}
	// Reverse the physical order of one stay's diagnoses.
	if _, err := db.db.ExecContext(ctx, `CREATE TEMP TABLE d AS SELECT * FROM stay_diagnoses WHERE stay_id = (SELECT max(stay_id) FROM stay_diagnoses);
		DELETE FROM stay_diagnoses WHERE stay_id = (SELECT max(stay_id) FROM d);
		INSERT INTO stay_diagnoses SELECT * FROM d ORDER BY seq DESC`); err != nil {
		t.Fatal(err)
	}
	want := map[string]frontpage.Stay{}
	for _, s := range in {
		want[s.MRN] = s
	}
	ids, out := readAll(t, db, Filter{})
	if len(out) != len(in) {
		t.Fatalf("read %d stays, want %d", len(out), len(in))
	}
	for i, s := range out {
		if i > 0 && ids[i] <= ids[i-1] {
			t.Fatalf("ids not ascending at %d: %d after %d", i, ids[i], ids[i-1])
		}
		if !reflect.DeepEqual(s, want[s.MRN]) {
			t.Fatalf("stay %d (%s) differs:\n in %+v\nout %+v", ids[i], s.MRN, want[s.MRN], s)
		}
	}
	// The same through RunCheck's path: Stays and their line slices
	// recycled in batches, and import ids recorded by stay id.
	pool, imports := &stayPool{}, &importIndex{}
	var (
		batch    []*frontpage.Stay
		batchIDs []int64
	)
	n := 0
	err := db.eachStay(ctx, Filter{}, pool, imports, func(id int64, s *frontpage.Stay) error {
		if !reflect.DeepEqual(*s, want[s.MRN]) {
			t.Fatalf("recycled stay %d (%s) differs:\n in %+v\nout %+v", id, s.MRN, want[s.MRN], *s)
		}
		wantImport := int64(1)
		if s.Attending == "替换 replaced" {
			wantImport = 2
		}
		if got := imports.of(id); got != wantImport {
			t.Fatalf("stay %d (%s): import %d, want %d", id, s.MRN, got, wantImport)
		}
		n++
		batchIDs = append(batchIDs, id)
		if batch = append(batch, s); len(batch) == 5 {
			pool.put(batchIDs, batch)
			batch, batchIDs = batch[:0], batchIDs[:0]
		}
		return nil
	})
	if err != nil || n != len(in) {
		t.Fatalf("recycled read: %d stays, err %v", n, err)
	}
}

func TestLinesAssign(t *testing.T) {
	var l lines[string]
	for _, r := range []struct {
		slot int
		seq  int32
		v    string
	}{{2, 1, "c1"}, {0, 0, "a0"}, {2, 0, "c0"}, {0, 1, "a1"}, {3, 0, "d0"}, {2, 2, "c2"}} {
		l.add(r.slot, r.seq, r.v)
	}
	// Slot 0 has a recycled slice big enough, slot 2 one too small.
	roomy := make([]string, 0, 5)
	spare := [][]string{roomy, nil, make([]string, 0, 1), nil}
	got := make([][]string, 4)
	calls := 0
	l.assign(4, func(i int) []string { return spare[i] }, func(i int, v []string) { got[i] = v; calls++ })
	want := [][]string{{"a0", "a1"}, nil, {"c0", "c1", "c2"}, {"d0"}}
	if !reflect.DeepEqual(got, want) || calls != 3 {
		t.Fatalf("assign = %q in %d calls, want %q in 3", got, calls, want)
	}
	if &got[0][:1][0] != &roomy[:1][0] {
		t.Error("slot 0 did not reuse its spare slice")
	}
	// Lines in the shared array are capped: appending to one stay's lines
	// must not overwrite the next stay's.
	_ = append(got[2], "x")
	if got[3][0] != "d0" {
		t.Fatal("append to one stay's lines overwrote another's")
	}
	l.reset()
	calls = 0
	l.assign(2, func(int) []string { return nil }, func(int, []string) { calls++ })
	if calls != 0 {
		t.Fatalf("after reset: %d slots set", calls)
	}
}

// TestDuckAppender writes rows across several chunks with strings on both
// sides of the 12-byte inline limit, NULLs and every column type, then reads
// them back through SQL; a rolled-back transaction keeps none.
func TestDuckAppender(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE app_t (i BIGINT, j INTEGER, k TINYINT, d DOUBLE, s VARCHAR)`); err != nil {
		t.Fatal(err)
	}
	strs := []string{"", "a", "0301", "123456789012", "1234567890123", "张三", "心血管内科一病区", strings.Repeat("长", 40)}
	const n = 5000 // > 2 chunks
	write := func(commit bool) {
		err := db.Tx(ctx, func(conn *sql.Conn) error {
			var a *duckAppender
			if err := conn.Raw(func(dc any) error {
				c, err := rawDuckConn(dc)
				if err != nil {
					return err
				}
				a, err = newDuckAppender(c, "app_t", []duckType{dtBigint, dtInteger, dtTinyint, dtDouble, dtVarchar})
				return err
			}); err != nil {
				return err
			}
			for i := 0; i < n; i++ {
				r, err := a.next()
				if err != nil {
					return err
				}
				a.int64(0, r, int64(i)*1e9)
				if i%7 == 0 {
					a.null(1, r)
				} else {
					a.int32(1, r, int32(-i))
				}
				a.int8(2, r, int8(i%100))
				a.float64(3, r, float64(i)/3)
				a.str(4, r, strs[i%len(strs)])
			}
			if err := a.close(true); err != nil {
				return err
			}
			if !commit {
				return errors.New("roll back")
			}
			return nil
		})
		if commit && err != nil {
			t.Fatal(err)
		}
	}
	write(false)
	if c := count(t, db, "app_t"); c != 0 {
		t.Fatalf("rolled back appender left %d rows", c)
	}
	write(true)
	rows, err := db.db.QueryContext(ctx, `SELECT i, j, k, d, s FROM app_t ORDER BY i`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next(); i++ {
		var (
			a    int64
			j    sql.NullInt32
			k    int8
			d    float64
			s    sql.NullString
			want = strs[i%len(strs)]
		)
		if err := rows.Scan(&a, &j, &k, &d, &s); err != nil {
			t.Fatal(err)
		}
		if a != int64(i)*1e9 || j.Valid != (i%7 != 0) || (j.Valid && j.Int32 != int32(-i)) || k != int8(i%100) ||
			d != float64(i)/3 || s.Valid != (want != "") || s.String != want {
			t.Fatalf("row %d: %d %v %d %v %q", i, a, j, k, d, s.String)
		}
	}
	if i != n {
		t.Fatalf("%d rows, want %d", i, n)
	}
	// Inline strings must compare equal to the same strings stored by SQL.
	var eq int
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM app_t WHERE s = '0301'`).Scan(&eq); err != nil || eq != n/len(strs) {
		t.Fatalf("s = '0301' matches %d rows (%v), want %d", eq, err, n/len(strs))
	}
}
