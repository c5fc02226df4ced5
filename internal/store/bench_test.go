package store

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkImportStays measures the store side of an import (append,
// replacement check, commit) with stays already in memory.
func BenchmarkImportStays(b *testing.B) {
	const n = 20000
	in := make([]struct{}, 0)
	_ = in
	stays := staysOf(b, "ORG1", 0, n)
	for i := range stays {
		stays[i].MRN = stays[i].MRN + "-" + string(rune('a'+i%26)) + itoa(i)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db, err := OpenWith(context.Background(), filepath.Join(b.TempDir(), "b.duckdb"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.ImportStays(context.Background(), ImportMeta{File: "b"}, producer(stays, 2000)); err != nil {
			b.Fatal(err)
		}
		db.Close()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "stays/s")
}

func itoa(i int) string { return sprintf("%d", i) }
