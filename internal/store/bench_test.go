package store

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkImportStays measures the store side of an import (staging,
// loading, replacement check, commit) with stays already in memory; the
// end-to-end figure including parsing is "yardstick bench import".
func BenchmarkImportStays(b *testing.B) {
	const n = 20000
	stays := staysOf(b, "ORG1", 0, n)
	for i := range stays {
		stays[i].MRN = sprintf("%s-%d", stays[i].MRN, i) // unique keys: nothing is replaced
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		db, err := OpenWith(context.Background(), filepath.Join(b.TempDir(), "b.duckdb"), Options{Threads: 1, BulkLoad: true, MemoryLimit: "256MB"})
		if err != nil {
			b.Fatal(err)
		}
		res, err := db.ImportStays(context.Background(), ImportMeta{File: "b"}, producer(stays, 2000))
		if err != nil || res.Inserted != n {
			b.Fatalf("import: %v, %+v", err, res)
		}
		db.Close()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "stays/s")
}
