package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/yardstick-health/yardstick/internal/catalog"
	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/hospital"
	"github.com/yardstick-health/yardstick/internal/indicator"
	"github.com/yardstick-health/yardstick/internal/synth"
)

// BenchmarkIndicatorsHospitalYear: the full indicator set of one hospital
// year (tertiary-general at full scale: 159,500 stays in 2021, 2.6 million
// outpatient and emergency visits, plus 2020 for 同比) by department × month.
// Facts are derived from the synthetic front pages and appended directly, so
// the benchmark measures the indicator query, not the import.
//
//	go test -run '^$' -bench BenchmarkIndicators -benchtime 5x ./internal/store/
func BenchmarkIndicatorsHospitalYear(b *testing.B) {
	ctx := context.Background()
	db, err := OpenWith(ctx, filepath.Join(b.TempDir(), "h.duckdb"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	p, err := synth.LoadProfile("tertiary-general")
	if err != nil {
		b.Fatal(err)
	}
	h, err := synth.NewHospital(p, 1, 1)
	if err != nil {
		b.Fatal(err)
	}
	lib := &catalog.Library{}
	var id int64
	var visits []hospital.VisitCount
	err = db.Tx(ctx, func(conn *sql.Conn) error {
		a, err := newAppender(conn, "stay_facts")
		if err != nil {
			return err
		}
		for _, y := range []int{2020, 2021} {
			set := lib.For(y)
			err := h.Stays(ctx, y, synth.StreamOptions{}, func(s *frontpage.Stay, _ *synth.Defect) error {
				id++
				f := indicator.Derive(id, s, set, indicator.DRGInfo{Grouped: s.PrincipalDx() != "", DRG: "D" + s.DisDept, ADRG: "A" + s.DisDept, MDC: "M", Weight: 1})
				return appendFact(a, &f)
			})
			if err != nil {
				a.Close()
				return err
			}
			visits = append(visits, h.Visits(y)...)
		}
		return a.Close()
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := db.ImportVisits(ctx, ImportMeta{File: "visits"}, visits, &ImportOutcome{}); err != nil {
		b.Fatal(err)
	}
	if _, err := db.SQL().ExecContext(ctx, readmitSQL); err != nil {
		b.Fatal(err)
	}
	if err := db.applyReferences(ctx); err != nil {
		b.Fatal(err)
	}
	q := indicator.Query{Year: 2021, Org: p.OrgCode, By: indicator.ByDepartment, Period: indicator.Month}
	b.ResetTimer()
	var res *indicator.Result
	for b.Loop() {
		res, err = indicator.Compute(ctx, db.IndicatorSource(), q)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	total := 0.0
	for _, c := range res.Cells {
		for _, v := range c.Values {
			if v.Code == "discharges" {
				total += v.Value
			}
		}
	}
	b.ReportMetric(float64(len(res.Cells)), "cells")
	b.ReportMetric(float64(len(res.Defs)), "indicators")
	if total != float64(p.Summary.Discharges) {
		b.Fatalf("discharges over all cells = %v, want %d", total, p.Summary.Discharges)
	}
}

// BenchmarkIndicatorsProvince: a province — YARDSTICK_BENCH_STAYS stays per
// year (default 10,000,000) in 2020 and in 2021, 100 hospitals × 40
// departments, ~15 DRGs per department, facts generated in SQL and stored
// as imports store them (hospital by hospital, in discharge order) — full
// indicator set by department × month with 同比/环比 (48,000 cells).
//
//	go test -run '^$' -bench BenchmarkIndicatorsProvince -benchtime 3x -timeout 60m ./internal/store/
func BenchmarkIndicatorsProvince(b *testing.B) {
	ctx := context.Background()
	n := 10_000_000
	if s := os.Getenv("YARDSTICK_BENCH_STAYS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		n = v
	}
	db, err := OpenWith(ctx, filepath.Join(b.TempDir(), "p.duckdb"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	// Deterministic pseudo-random facts: hash(i * 100 + salt) gives each
	// column an independent draw.
	ins := fmt.Sprintf(`INSERT INTO stay_facts (stay_id, org_code, campus, dept, doctor, year, month, adm_date, dis_date, mrn_key, id_key,
		readmit_planned, discharged, surgical, level4, min_invasive, elective, day_surgery, operations, compl_eligible, complication,
		class1_ops, class1_infections, death, readmit31, los, preop_valid, preop_days, total_cost, drug_cost, material_cost, exam_cost,
		antibiotic_cost, grouped, drg, adrg, mdc, src_weight, src_tier, weight, tier, low_risk, los_ratio, cost_ratio)
	SELECT i, 'H' || ((i %% %[1]d) // (%[1]d // 100)), '', 'D' || (hash(i * 100 + 1) %% 40), 'Dr' || (hash(i * 100 + 2) %% 4000), y, m, NULL, NULL, '', '', FALSE, TRUE,
		s, s AND hash(i * 100 + 3) %% 10 < 4, s AND hash(i * 100 + 4) %% 10 < 3, s AND hash(i * 100 + 5) %% 10 < 8, s AND hash(i * 100 + 6) %% 50 = 0, CASE WHEN s THEN 1 ELSE 0 END,
		s AND hash(i * 100 + 5) %% 10 < 8, s AND hash(i * 100 + 7) %% 200 = 0, CASE WHEN s THEN 1 ELSE 0 END, CASE WHEN hash(i * 100 + 8) %% 500 = 0 THEN 1 ELSE 0 END,
		hash(i * 100 + 9) %% 100 = 0, hash(i * 100 + 10) %% 40 = 0, 1 + hash(i * 100 + 11) %% 15, s, hash(i * 100 + 12) %% 4, 5000 + hash(i * 100 + 13) %% 30000,
		1000 + hash(i * 100 + 14) %% 5000, hash(i * 100 + 15) %% 3000, hash(i * 100 + 16) %% 2000, hash(i * 100 + 17) %% 500, TRUE,
		'G' || (hash(i * 100 + 1) %% 40) || '-' || (hash(i * 100 + 18) %% 15), 'A' || (hash(i * 100 + 1) %% 40) || '-' || (hash(i * 100 + 18) %% 8),
		'M' || (hash(i * 100 + 1) %% 26), 1, 0, 0.5 + (hash(i * 100 + 19) %% 300) / 100.0,
		1 + hash(i * 100 + 18) %% 4, hash(i * 100 + 18) %% 4 = 0, 0.5 + (hash(i * 100 + 20) %% 100) / 100.0, 0.5 + (hash(i * 100 + 21) %% 100) / 100.0
	FROM (SELECT i, CASE WHEN i < %[1]d THEN 2020 ELSE 2021 END AS y, 1 + ((i %% (%[1]d // 100)) * 12) // (%[1]d // 100) AS m, hash(i * 100 + 22) %% 10 < 6 AS s FROM range(%[2]d) t(i))`, n, 2*n)
	if _, err := db.SQL().ExecContext(ctx, ins); err != nil {
		b.Fatal(err)
	}
	q := indicator.Query{Year: 2021, By: indicator.ByDepartment, Period: indicator.Month}
	b.ResetTimer()
	var res *indicator.Result
	for b.Loop() {
		res, err = indicator.Compute(ctx, db.IndicatorSource(), q)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(len(res.Cells)), "cells")
	if len(res.Cells) == 0 {
		b.Fatal("no cells")
	}
}
