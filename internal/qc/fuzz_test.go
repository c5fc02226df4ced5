package qc

import (
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// FuzzCheck builds a front page from arbitrary (field, value) pairs through
// the registry and runs every rule and the score: the engine must never
// panic, whatever the values. Input: lines "CODE=value".
//
//	go test ./internal/qc -run xxx -fuzz FuzzCheck -fuzztime 60s
func FuzzCheck(f *testing.F) {
	var b strings.Builder
	for k, v := range base {
		b.WriteString(k + "=" + v + "\n")
	}
	f.Add(b.String())
	f.Add("A14=0\nA16=10\nA17=3\nC03C=O80.000\nC06x01C=Z37.000\nC35x01C=74.1000\nB21C=0401,,,\n")
	f.Add("C03C=G01*\nC09C=M/\nA20N=1\nA20=123\nB12=2021-01-01\nB15=2020-01-01\nC49x01=2021-01-01\nC50x01=2019-01-01\n")
	f.Add("D01=-1\nD09=1e308\nD20x01=NaN\nC47=999999\nA13=2200-01-01\nA14=-5\nC06x40C=\x00\nC35x40C=9\n")
	e, err := New(Options{Dicts: testDicts()})
	if err != nil {
		f.Fatal(err)
	}
	k := e.NewChecker()
	f.Fuzz(func(t *testing.T, in string) {
		var s frontpage.Stay
		for _, line := range strings.Split(in, "\n") {
			code, val, ok := strings.Cut(line, "=")
			if !ok {
				continue
			}
			fd, ok := frontpage.FieldByCode(code)
			if !ok {
				continue
			}
			_ = fd.Set(&s, val) // parse errors are the importer's business
		}
		if len(in)%2 == 0 {
			s.Normalize()
		}
		fs := k.Check(&s)
		score, _ := k.Score(fs)
		if score < 0 || score > 100 {
			t.Fatalf("score %v out of range", score)
		}
		for i := range fs {
			_ = fs[i].Message()
		}
	})
}
