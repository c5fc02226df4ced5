package qc_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/yardstick-health/yardstick/internal/codes"
	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/qc"
	"github.com/yardstick-health/yardstick/internal/synth"
	"github.com/yardstick-health/yardstick/internal/testutil"
)

// benchStays generates a synthetic year (5% defects) to check.
func benchStays(b *testing.B) []*frontpage.Stay {
	b.Helper()
	p, err := synth.LoadProfile("tertiary-general")
	if err != nil {
		b.Fatal(err)
	}
	h, err := synth.NewHospital(p, 3, 0.1)
	if err != nil {
		b.Fatal(err)
	}
	var out []*frontpage.Stay
	err = h.Stays(context.Background(), 2021, synth.StreamOptions{DefectRate: 0.05}, func(s *frontpage.Stay, _ *synth.Defect) error {
		out = append(out, synth.CloneStay(s))
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return out
}

// BenchmarkCheck: all rules on one stay, one goroutine (ns/op = per stay).
//
//	go test ./internal/qc -run xxx -bench 'Check$|Run2' -benchmem
func BenchmarkCheck(b *testing.B) {
	benchCheck(b, referenceDicts(b))
}

// BenchmarkCheckWithDicts is BenchmarkCheck with the 医保 dictionaries as a
// hospital imports them, grey lists included (referenceDicts has the names
// only, so the grey-code rules find nothing to look at).
//
//	go test ./internal/qc -run xxx -bench 'CheckWithDicts' -benchmem
func BenchmarkCheckWithDicts(b *testing.B) {
	benchCheck(b, yibaoDicts(b))
}

// benchCheck checks and scores the stays of benchStays in turn, one per op.
func benchCheck(b *testing.B, dicts codes.Set) {
	stays := benchStays(b)
	e, err := qc.New(qc.Options{Dicts: dicts})
	if err != nil {
		b.Fatal(err)
	}
	k := e.NewChecker()
	b.ReportAllocs()
	b.ResetTimer()
	c0 := testutil.CPUTime()
	for i := 0; i < b.N; i++ {
		fs := k.Check(stays[i%len(stays)])
		k.Score(fs)
	}
	b.ReportMetric(float64((testutil.CPUTime()-c0).Nanoseconds())/float64(b.N), "cpu-ns/stay")
}

// yibaoDicts is referenceDicts plus the 医保 grey lists.
func yibaoDicts(b *testing.B) codes.Set {
	set := referenceDicts(b)
	dir := filepath.Join(testutil.CHSDRG11(b), "codes")
	for sys, name := range map[string]string{frontpage.DxYibao2: "icd10_yibao2_grey.csv", frontpage.PxYibao2: "icd9cm3_yibao2_grey.csv"} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		err = set[sys].ReadGrey(context.Background(), f)
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
	}
	return set
}

// BenchmarkRun2Workers: the parallel runner (2 workers, findings copied,
// summary and 2016 indicators accumulated) over 1,000,000 stays per op;
// reports stays/s.
func BenchmarkRun2Workers(b *testing.B) {
	stays := benchStays(b)
	e, err := qc.New(qc.Options{Dicts: referenceDicts(b)})
	if err != nil {
		b.Fatal(err)
	}
	const n = 1_000_000
	b.ResetTimer()
	c0 := testutil.CPUTime()
	for i := 0; i < b.N; i++ {
		findings := 0
		_, err := e.Run(context.Background(), 2, func(emit func(int64, *frontpage.Stay) error) error {
			for j := 0; j < n; j++ {
				if err := emit(int64(j), stays[j%len(stays)]); err != nil {
					return err
				}
			}
			return nil
		}, func(rs []qc.Result) error {
			for k := range rs {
				findings += len(rs[k].Findings)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		if findings == 0 {
			b.Fatal("no findings")
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "stays/s")
	// What 2 uncontended cores deliver: 2 CPU-seconds per second.
	b.ReportMetric(2*float64(n)*float64(b.N)/(testutil.CPUTime()-c0).Seconds(), "stays/s@2cpu")
}
