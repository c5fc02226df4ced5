package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/codes"
	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/qc"
)

// qcStay is a plausible stay; bad adds a missing 病案号-independent defect
// (no coder signature) so the stay gets an error finding.
func qcStay(t *testing.T, mrn string, bad bool) frontpage.Stay {
	t.Helper()
	vals := map[string]string{
		"A01": "ORG", "A02": "医院", "A48": mrn, "A49": "1", "A46C": "1.1", "A11": "张三", "A12C": "1", "A13": "1980-05-20", "A14": "40",
		"A15C": "156", "A19C": "1", "A20N": "9", "A21C": "2", "A38C": "17", "A23C": "1", "A33C": "1", "B38": "0", "B11C": "2",
		"B12": "2021-03-05 09:30", "B13C": "0401", "B15": "2021-03-10 10:00", "B16C": "0401", "B20": "5", "B34C": "1", "B36C": "1",
		"B22": "a", "B23": "b", "B24": "c", "B25": "d", "B26": "e", "B29": "coder1",
		"C01C": "K35.800", "C02N": "阑尾炎", "C03C": "K35.800", "C04N": "阑尾炎", "C05C": "1", "C24C": "1", "C26C": "1", "C27C": "2",
		"D01": "100", "D09": "10", "D11": "100",
	}
	if bad {
		delete(vals, "B29")
		vals["C06x01C"] = "I10.x99"
		vals["C07x01N"] = "x"
		vals["C08x01C"] = "1"
	}
	var s frontpage.Stay
	for k, v := range vals {
		f, _ := frontpage.FieldByCode(k)
		if err := f.Set(&s, v); err != nil {
			t.Fatal(err)
		}
	}
	s.Normalize()
	return s
}

func importStays(t *testing.T, db *DB, stays ...frontpage.Stay) {
	t.Helper()
	_, err := db.ImportStays(context.Background(), ImportMeta{File: "t.csv"}, func(ctx context.Context, emit func([]frontpage.Stay) error) (*ImportOutcome, error) {
		return &ImportOutcome{RowsRead: len(stays), RowsGood: len(stays)}, emit(stays)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestRunCheckStoresFindingsAndReplacement(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	importStays(t, db, qcStay(t, "M1", false), qcStay(t, "M2", true), qcStay(t, "M3", false))
	d, err := codes.Read(ctx, frontpage.DxGuolin2, "test", strings.NewReader("K35.800,阑尾炎\nI10.x05,高血压\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.ImportCodes(ctx, d, "dx.csv", ""); err != nil {
		t.Fatal(err)
	}
	dicts, err := db.CodeDicts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !dicts.For(frontpage.DxGuolin2).Has("I10.x05") {
		t.Fatal("dictionary not loaded back")
	}
	e, err := qc.New(qc.Options{Dicts: dicts})
	if err != nil {
		t.Fatal(err)
	}
	run, err := db.RunCheck(ctx, e, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if run.Summary.Stays != 3 {
		t.Fatalf("checked %d stays", run.Summary.Stays)
	}
	rows, err := db.Findings(ctx, FindingFilter{MaxSeverity: qc.Error})
	if err != nil {
		t.Fatal(err)
	}
	rules := map[string]bool{}
	for _, r := range rows {
		rules[r.RuleID] = true
		if r.MRN != "M2" || r.AdmissionNo != 1 || r.ImportID == 0 || r.CheckRunID != run.ID {
			t.Errorf("error finding on unexpected stay or without ids: %+v", r)
		}
		if strings.Contains(r.MessageCN+r.MessageEN+r.Value, "张三") {
			t.Errorf("identity in finding: %+v", r)
		}
	}
	if !rules["C-11"] || !rules["V-02d"] {
		t.Errorf("error rules found: %v, want C-11 and V-02d", rules)
	}
	counts, err := db.FindingCounts(ctx, "rule", FindingFilter{})
	if err != nil || len(counts) == 0 {
		t.Fatalf("counts %v err %v", counts, err)
	}
	agg, err := db.QCAggregate(ctx, FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if agg.Total.Stays != 3 || agg.Total.WithError != 1 || agg.ByDept["0401"] == nil {
		t.Errorf("aggregate: %+v", agg.Total)
	}
	// Re-importing the fixed stay deletes its findings and score.
	importStays(t, db, qcStay(t, "M2", false))
	rows, err = db.Findings(ctx, FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.MRN == "M2" {
			t.Errorf("stale finding after re-import: %+v", r)
		}
	}
	// A second check replaces, not duplicates, the results.
	if _, err := db.RunCheck(ctx, e, CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	agg, err = db.QCAggregate(ctx, FindingFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if agg.Total.Stays != 3 || agg.Total.WithError != 0 {
		t.Errorf("after fix and re-check: %d stays, %d with errors", agg.Total.Stays, agg.Total.WithError)
	}
	// Scores and findings carry the import of their stay (two imports now:
	// M2 came back in the second).
	for _, tbl := range []string{"qc_scores", "qc_findings"} {
		var n, wrong, imports int
		if err := db.SQL().QueryRow(`SELECT count(*), count(*) FILTER (WHERE q.import_id IS DISTINCT FROM s.import_id),
			count(DISTINCT q.import_id) FROM `+tbl+` q JOIN stays s USING (stay_id)`).Scan(&n, &wrong, &imports); err != nil {
			t.Fatal(err)
		}
		if n == 0 || wrong != 0 || (tbl == "qc_scores" && imports != 2) {
			t.Errorf("%s: %d rows, %d with another import than their stay, %d imports", tbl, n, wrong, imports)
		}
	}
}

func TestStayQualityUnchecked(t *testing.T) {
	db := openTest(t)
	q, err := db.StayQuality(context.Background(), 42)
	if err != nil || q.Checked {
		t.Fatalf("unchecked stay: %+v %v", q, err)
	}
}

// TestRunCheckMatchesFreshRead: RunCheck recycles stays, their lines and
// their string memory from part to part; what it stores must equal a check
// of freshly read stays. Many small parts (openTest), per-stay distinct
// strings (fullStay), so a block reused too early shows as a wrong value.
func TestRunCheckMatchesFreshRead(t *testing.T) {
	ctx := context.Background()
	db := openTest(t)
	if _, err := db.ImportStays(ctx, ImportMeta{File: "a.csv"}, producer(staysOf(t, "ORG1", 0, 400), 64)); err != nil {
		t.Fatal(err)
	}
	e, err := qc.New(qc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	_, err = e.Run(ctx, 2, func(emit func(int64, *frontpage.Stay) error) error {
		return db.EachStay(ctx, Filter{}, emit)
	}, func(rs []qc.Result) error {
		for _, r := range rs {
			for i := range r.Findings {
				if f := &r.Findings[i]; f.Rule.Severity != qc.Info {
					want[fmt.Sprintf("F %d|%s|%s|%s|%s|%s|%s|%s", r.ID, f.Rule.ID, f.Field, f.Value, f.Expect, f.MessageCN(), r.Stay.DisDept, r.Stay.Coder)]++
				}
			}
			want[fmt.Sprintf("S %d|%.3f|%d|%s|%s", r.ID, r.Score, r.Flags, r.Stay.DisDept, r.Stay.Coder)]++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	run, err := db.RunCheck(ctx, e, CheckOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, q := range []string{
		`SELECT 'F ' || stay_id || '|' || rule_id || '|' || field || '|' || coalesce(value, '') || '|' || coalesce(expect, '') || '|' || message_cn || '|' || coalesce(dept, '') || '|' || coalesce(coder, '') FROM qc_findings`,
		`SELECT 'S ' || stay_id || '|' || printf('%.3f', score) || '|' || flags || '|' || coalesce(dept, '') || '|' || coalesce(coder, '') FROM qc_scores`,
	} {
		rows, err := db.SQL().QueryContext(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				t.Fatal(err)
			}
			got[k]++
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if len(want) < 600 || run.Summary.Stays != 400 {
		t.Fatalf("%d distinct results, %d stays: the test needs findings on many stays", len(want), run.Summary.Stays)
	}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("fresh read has %d × %q, RunCheck stored %d", n, k, got[k])
		}
	}
	for k, n := range got {
		if want[k] != n {
			t.Errorf("RunCheck stored %d × %q, fresh read %d", n, k, want[k])
		}
	}
}
