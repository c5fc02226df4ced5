package ingest

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// BenchmarkSplit measures the CSV splitter alone on the benchmark layout,
// for rows with quoted fields (the address holds a comma) and without.
func BenchmarkSplit(b *testing.B) {
	for _, quoted := range []bool{true, false} {
		name := "quoted"
		if !quoted {
			name = "plain"
		}
		b.Run(name, func(b *testing.B) {
			var buf bytes.Buffer
			w, _ := NewCSVWriter(&buf, benchLayout)
			const n = 20000
			for i := 0; i < n; i++ {
				s := genStay(i)
				if !quoted {
					s.Address = strings.ReplaceAll(s.Address, ",", "，")
					s.TransferDepts = s.TransferDepts[:1]
				}
				_ = w.Write(&s)
			}
			_ = w.Flush()
			data := buf.Bytes()
			b.SetBytes(int64(len(data)))
			b.ResetTimer()
			for it := 0; it < b.N; it++ {
				c := newFastCSV(bytes.NewReader(data), ',', true)
				rows := 0
				for {
					_, _, _, err := c.next()
					if err == io.EOF {
						break
					}
					rows++
				}
				if rows != n+1 {
					b.Fatalf("rows %d", rows)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
		})
	}
}
