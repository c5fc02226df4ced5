package drg

import (
	"context"
	"runtime"
	"testing"

	"github.com/yardstick-health/yardstick/internal/testutil"
)

// BenchmarkLoadNational measures reading + compiling the full CHS-DRG 1.1
// pack from disk (target < 300 ms) and reports the heap it keeps.
func BenchmarkLoadNational(b *testing.B) {
	dir := testutil.CHSDRG11(b)
	for b.Loop() {
		p, err := LoadDir(context.Background(), dir, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := Compile(p); err != nil {
			b.Fatal(err)
		}
	}
}

// TestNationalPackMemory logs the heap retained by one compiled national
// scheme (target < 100 MB) and fails far above it.
func TestNationalPackMemory(t *testing.T) {
	dir := testutil.CHSDRG11(t)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	p, err := LoadDir(context.Background(), dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, _, err := Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	p = nil
	runtime.GC()
	runtime.ReadMemStats(&after)
	mb := float64(after.HeapAlloc-before.HeapAlloc) / (1 << 20)
	t.Logf("compiled national scheme retains %.1f MB of heap (%+v)", mb, s.Stats())
	if mb > 100 {
		t.Errorf("scheme retains %.1f MB, budget 100 MB", mb)
	}
	runtime.KeepAlive(s)
}

func benchCases(b testing.TB) []Case {
	var cs []Case
	for _, sc := range readSamples(b) {
		cs = append(cs, sc.c)
	}
	for _, g := range goldenCases {
		cs = append(cs, g.c)
	}
	return cs
}

// BenchmarkGroup: one op = one stay, traces off, from in-memory cases (the
// 30 OpenDRG samples plus the golden cases, cycled).
func BenchmarkGroup(b *testing.B) {
	_, s := national(b)
	cs := benchCases(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := s.GroupWith(&cs[i], Options{})
		if r.DRG == "" {
			b.Fatal("empty DRG")
		}
		if i++; i == len(cs) {
			i = 0
		}
	}
}

// BenchmarkGroupParallel runs the same across GOMAXPROCS goroutines.
func BenchmarkGroupParallel(b *testing.B) {
	_, s := national(b)
	cs := benchCases(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			r := s.GroupWith(&cs[i], Options{})
			if r.DRG == "" {
				b.Fatal("empty DRG")
			}
			if i++; i == len(cs) {
				i = 0
			}
		}
	})
}

func BenchmarkGroupTrace(b *testing.B) {
	_, s := national(b)
	cs := benchCases(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		_ = s.GroupWith(&cs[i], Options{Trace: true})
		if i++; i == len(cs) {
			i = 0
		}
	}
}
