package synth

import (
	"context"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

func TestAppendAmount(t *testing.T) {
	old := func(v float64) string {
		c := int64(math.Round(v * 100))
		b := strconv.AppendInt(nil, c/100, 10)
		return string(append(b, '.', byte('0'+c/10%10), byte('0'+c%10)))
	}
	r := rand.New(rand.NewPCG(3, 4))
	vals := []float64{0, 0.004, 0.005, 0.01, 0.1, 1, 9.99, 10, 99.995, 999999.99, 999999.995, 1000000, 1e9 + 0.01}
	for range 100000 {
		vals = append(vals, math.Round(r.Float64()*math.Pow(10, float64(r.IntN(10)))*100)/100, r.Float64()*1e5)
	}
	for _, v := range vals {
		if got, want := string(appendAmount(nil, v)), old(v); got != want {
			t.Fatalf("appendAmount(%v) = %s, want %s", v, got, want)
		}
	}
}

// BenchmarkAppendRow measures formatting alone (the rows of 2,000 stays).
func BenchmarkAppendRow(b *testing.B) {
	h := hospitalFor(b, "tertiary-general", 1, 0.02)
	var stays []*frontpage.Stay
	err := h.Stays(context.Background(), 2021, StreamOptions{}, func(s *frontpage.Stay, _ *Defect) error {
		if len(stays) < 2000 {
			stays = append(stays, CloneStay(s))
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	cols := columns(Columns(DefaultMaxDx, DefaultMaxPx))
	var row []byte
	for b.Loop() {
		for _, s := range stays {
			row = appendRow(row[:0], cols, s)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(stays)), "ns/row")
}

func TestNeedsQuote(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("a0-., \"\r\n\x00\x2c\x2d\xe4\xb8\x80\x7f\xff")
	for range 50000 {
		p := make([]byte, r.IntN(48))
		for i := range p {
			if r.IntN(6) == 0 {
				p[i] = alphabet[r.IntN(len(alphabet))]
			} else {
				p[i] = byte(r.IntN(256))
			}
		}
		want := strings.ContainsAny(string(p), ",\"\r\n")
		if got := needsQuote(string(p)); got != want {
			t.Fatalf("needsQuote(%q) = %v, want %v", p, got, want)
		}
	}
}
