package ingest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/testutil"
)

// genStay makes a realistic wide stay number i: ~10 diagnoses, ~5
// procedures, costs, staff, Chinese text.
func genStay(i int) frontpage.Stay {
	s := benchBase
	s.MRN = fmt.Sprintf("BA%08d", i)
	s.AdmissionNo = 1 + i%5
	s.AdmTime = dt(2021, 1+i%12, 1+i%28, i%24, i%60)
	s.DisTime = s.AdmTime.Add(time.Duration(24*(1+i%20)) * time.Hour)
	s.LOS = frontpage.Some(1 + i%20)
	s.DisDept = fmt.Sprintf("03%02d", i%20)
	nd := 6 + i%9
	s.Diagnoses = s.Diagnoses[:0]
	for d := 0; d < nd; d++ {
		s.Diagnoses = append(s.Diagnoses, frontpage.Diagnosis{Code: fmt.Sprintf("I%02d.%03d", (i+d)%100, d), Name: "诊断名称" + fmt.Sprint(d), POA: "1"})
	}
	np := 3 + i%5
	s.Procedures = s.Procedures[:0]
	for p := 0; p < np; p++ {
		s.Procedures = append(s.Procedures, frontpage.Procedure{Code: fmt.Sprintf("%02d.%04d", 30+p, i%1000), Name: "手术名称" + fmt.Sprint(p),
			Date: s.AdmTime.Add(time.Hour), Level: "3", Surgeon: "赵医师", Assistant1: "钱医师", Incision: "1", Anaesthesia: "02", Anaesthetist: "陈医师"})
	}
	for c := frontpage.CostItem(0); c < frontpage.NumCostItems; c++ {
		s.Costs[c] = frontpage.Some(float64((i*7+int(c)*131)%100000) / 100)
	}
	return s
}

var benchLayout = WriteOptions{MaxDx: 15, MaxPx: 10}

func writeBenchCSV(b *testing.B, path string, n int, enc string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	opt := benchLayout
	opt.Encoding = enc
	w, err := NewCSVWriter(bw, opt)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		s := genStay(i)
		if err := w.Write(&s); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		b.Fatal(err)
	}
}

func benchRead(b *testing.B, path string, n int) {
	st, _ := os.Stat(path)
	b.SetBytes(st.Size())
	b.ResetTimer()
	start := time.Now()
	cpu0 := testutil.CPUTime()
	for it := 0; it < b.N; it++ {
		got := 0
		_, err := ReadFrontPages(context.Background(), path, Options{}, func(s []frontpage.Stay) error { got += len(s); return nil })
		if err != nil {
			b.Fatal(err)
		}
		if got != n {
			b.Fatalf("read %d stays, want %d", got, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/time.Since(start).Seconds(), "stays/s")
	// CPU time per stay (all goroutines, GC included) is robust to other
	// processes competing for the machine, unlike wall-clock stays/s.
	b.ReportMetric(float64(testutil.CPUTime()-cpu0)/float64(time.Microsecond)/float64(n*b.N), "cpu-µs/stay")
}

const benchRows = 100_000

func BenchmarkReadFrontPagesUTF8(b *testing.B) {
	path := filepath.Join(b.TempDir(), "utf8.csv")
	writeBenchCSV(b, path, benchRows, "utf-8")
	benchRead(b, path, benchRows)
}

func BenchmarkReadFrontPagesGBK(b *testing.B) {
	path := filepath.Join(b.TempDir(), "gbk.csv")
	writeBenchCSV(b, path, benchRows, "gbk")
	benchRead(b, path, benchRows)
}

func BenchmarkReadFrontPagesXLSX(b *testing.B) {
	const n = 20_000 // xlsx is slower to write and read; fewer rows keep the run short
	stays := make([]frontpage.Stay, n)
	for i := range stays {
		stays[i] = genStay(i)
	}
	path := filepath.Join(b.TempDir(), "stays.xlsx")
	if err := WriteXLSX(path, stays, benchLayout); err != nil {
		b.Fatal(err)
	}
	benchRead(b, path, n)
}

var benchBase = testStays()[0]
