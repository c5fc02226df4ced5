package drgrun

import (
	"context"
	"os"
	"sync"
	"testing"

	"github.com/yardstick-health/yardstick/internal/store"
	"github.com/yardstick-health/yardstick/internal/testutil"
)

// BenchmarkGroupStore groups a full-scale tertiary-general year (~160,000
// stays, synth scale 1) in a temporary store: read the grouping inputs,
// group in two workers, replace drg_results. Building the store is not timed.
//
//	go test -run '^$' -bench GroupStore -benchtime 5x ./internal/drgrun/
func BenchmarkGroupStore(b *testing.B) {
	db := benchStore(b)
	sc := demo(b)
	ctx := context.Background()
	b.ResetTimer()
	cpu0 := testutil.CPUTime()
	var n int
	for i := 0; i < b.N; i++ {
		sum, err := GroupStore(ctx, db, GroupStoreOptions{Scheme: sc, Region: "盐城"})
		if err != nil {
			b.Fatal(err)
		}
		n = sum.Stays
	}
	b.ReportMetric(float64(n), "stays")
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "stays/s")
	// CPU seconds of the whole process (Go and DuckDB threads) per grouping:
	// on the shared machine wall time mostly measures the other builds.
	b.ReportMetric((testutil.CPUTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
}

var (
	benchOnce sync.Once
	benchDB   interface {
		Close() error
	}
	benchDir string
)

func benchStore(b *testing.B) *store.DB {
	b.Helper()
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "yardstick-bench-group-")
		if err != nil {
			b.Fatal(err)
		}
		benchDir = dir
		scale := 1.0
		if testing.Short() {
			scale = 0.1
		}
		db, _ := newStore(b, dir, synthStays(b, scale))
		benchDB = db
	})
	if benchDB == nil {
		b.Fatal("bench store not built")
	}
	return benchDB.(*store.DB)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if benchDB != nil {
		benchDB.Close()
		os.RemoveAll(benchDir)
	}
	os.Exit(code)
}
