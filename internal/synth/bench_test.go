package synth

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/yardstick-health/yardstick/internal/testutil"
)

// writeYear generates one year and writes it as CSV to w.
func writeYear(b *testing.B, h *Hospital, year int, w io.Writer) int {
	var st YearStats
	err := h.WriteCSV(context.Background(), year, StreamOptions{Stats: &st}, Columns(DefaultMaxDx, DefaultMaxPx), w, nil)
	if err != nil {
		b.Fatal(err)
	}
	return st.Discharges
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// BenchmarkFrontPagesCSV measures front pages generated and written as CSV
// per second (tertiary-general, scale 0.1: about 16,000 stays a year).
func BenchmarkFrontPagesCSV(b *testing.B) {
	h := hospitalFor(b, "tertiary-general", 1, 0.1)
	pages := 0
	var cw countWriter
	cpu0 := testutil.CPUTime().Seconds()
	for b.Loop() {
		pages += writeYear(b, h, 2021, &cw)
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
	// CPU time is reported too because the shared machine's wall clock
	// depends on what else runs.
	b.ReportMetric(float64(pages)/(testutil.CPUTime().Seconds()-cpu0), "pages/cpu-s")
	b.ReportMetric(float64(cw.n)/float64(pages), "bytes/page")
}

// BenchmarkFullYearTertiary measures a full-scale year of tertiary-general:
// 159,500 front pages written as CSV and 2.6 million visits.
func BenchmarkFullYearTertiary(b *testing.B) {
	h := hospitalFor(b, "tertiary-general", 1, 1)
	for b.Loop() {
		start, cpu0 := time.Now(), testutil.CPUTime().Seconds()
		writeYear(b, h, 2021, io.Discard)
		if err := WriteVisits(io.Discard, h.Visits(2021)); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/year")
		b.ReportMetric(testutil.CPUTime().Seconds()-cpu0, "cpu-s/year")
	}
}
