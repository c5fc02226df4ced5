package store

import (
	"context"
	"os"
	"testing"

	"github.com/yardstick-health/yardstick/internal/qc"
)

// BenchmarkRunCheck checks every stay of an existing store and writes the
// findings (the store is modified: its qc tables are replaced). Point it at
// a big store, e.g. one made with
//
//	yardstick synth --profile tertiary-general --years 2021 --scale 6.4 --defects 0.02 --out big
//	yardstick import frontpage --db big.duckdb big/frontpages_2021.csv
//	YARDSTICK_QC_BENCH_DB=$PWD/big.duckdb go test ./internal/store -run xxx -bench RunCheck -benchtime 1x
func BenchmarkRunCheck(b *testing.B) {
	path := os.Getenv("YARDSTICK_QC_BENCH_DB")
	if path == "" {
		b.Skip("set YARDSTICK_QC_BENCH_DB to a store file")
	}
	ctx := context.Background()
	db, err := Open(ctx, path)
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
	b.ResetTimer()
	stays := 0
	for i := 0; i < b.N; i++ {
		run, err := db.RunCheck(ctx, e, CheckOptions{})
		if err != nil {
			b.Fatal(err)
		}
		stays += run.Summary.Stays
	}
	b.ReportMetric(float64(stays)/b.Elapsed().Seconds(), "stays/s")
}

// BenchmarkEachStay reads every stay of the store (the input side of
// RunCheck).
func BenchmarkEachStay(b *testing.B) {
	path := os.Getenv("YARDSTICK_QC_BENCH_DB")
	if path == "" {
		b.Skip("set YARDSTICK_QC_BENCH_DB to a store file")
	}
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		if err := db.EachStay(ctx, Filter{}, func(int64, *S) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "stays/s")
}
