package store

import (
	"context"
	"os"
	"runtime/debug"
	"strconv"
	"testing"
	"time"

	"github.com/yardstick-health/yardstick/internal/qc"
	"github.com/yardstick-health/yardstick/internal/testutil"
)

// BenchmarkRunCheck checks every stay of an existing store and writes the
// findings (the store is modified: its qc tables are replaced). Point it at
// a big store, e.g. one made with
//
//	yardstick synth --profile tertiary-general --years 2021 --scale 6.4 --defects 0.02 --out big
//	yardstick import frontpage --db big.duckdb big/frontpages_2021.csv
//	yardstick codes import --db big.duckdb --system ICD10-YB2.0 --grey icd10_yibao2_grey.csv icd10_yibao2_names.csv
//	yardstick codes import --db big.duckdb --system ICD9CM3-YB2.0 --grey icd9cm3_yibao2_grey.csv icd9cm3_yibao2_names.csv
//	YARDSTICK_QC_BENCH_DB=$PWD/big.duckdb go test ./internal/store -run xxx -bench RunCheck -benchtime 1x
//
// (the dictionaries are in ../shared/reference/chs-drg-1.1/codes/; without
// them the dictionary rules are skipped).
func BenchmarkRunCheck(b *testing.B) {
	path := os.Getenv("YARDSTICK_QC_BENCH_DB")
	if path == "" {
		b.Skip("set YARDSTICK_QC_BENCH_DB to a store file")
	}
	ctx := context.Background()
	db, err := OpenWith(ctx, path, Options{Threads: benchThreads()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	dicts, err := db.CodeDicts(ctx)
	if err != nil {
		b.Fatal(err)
	}
	e, err := qc.New(qc.Options{Dicts: dicts})
	if err != nil {
		b.Fatal(err)
	}
	// As yardstick check does (cmd/yardstick/cmd_check.go).
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(200))
	}
	b.ResetTimer()
	c0 := testutil.CPUTime()
	stays := 0
	for i := 0; i < b.N; i++ {
		run, err := db.RunCheck(ctx, e, CheckOptions{})
		if err != nil {
			b.Fatal(err)
		}
		stays += run.Summary.Stays
	}
	reportStayRate(b, stays, c0)
}

// BenchmarkEachStay reads every stay of the store (the input side of
// RunCheck).
func BenchmarkEachStay(b *testing.B) {
	path := os.Getenv("YARDSTICK_QC_BENCH_DB")
	if path == "" {
		b.Skip("set YARDSTICK_QC_BENCH_DB to a store file")
	}
	ctx := context.Background()
	db, err := OpenWith(ctx, path, Options{Threads: benchThreads()})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ResetTimer()
	c0 := testutil.CPUTime()
	n := 0
	for i := 0; i < b.N; i++ {
		if err := db.EachStay(ctx, Filter{}, func(int64, *S) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	reportStayRate(b, n, c0)
}

func reportStayRate(b *testing.B, stays int, c0 time.Duration) {
	cpu := (testutil.CPUTime() - c0).Seconds()
	b.ReportMetric(float64(stays)/b.Elapsed().Seconds(), "stays/s")
	b.ReportMetric(cpu*1e6/float64(stays), "cpu-µs/stay")
	b.ReportMetric(2*float64(stays)/cpu, "stays/s@2cpu")
}

// benchThreads is YARDSTICK_BENCH_THREADS (DuckDB threads), default 1 as
// yardstick check opens the store.
func benchThreads() int {
	if n, err := strconv.Atoi(os.Getenv("YARDSTICK_BENCH_THREADS")); err == nil {
		return n
	}
	return 1
}
