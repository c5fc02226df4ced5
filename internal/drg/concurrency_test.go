package drg

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"
)

// TestGroupZeroAlloc: with tracing off, grouping allocates nothing (the
// speed target depends on it).
func TestGroupZeroAlloc(t *testing.T) {
	_, s := national(t)
	cs := benchCases(t)
	for _, c := range cs {
		if n := testing.AllocsPerRun(20, func() { _ = s.Group(c) }); n != 0 {
			t.Errorf("%v: %.0f allocs per case", c.Diagnoses, n)
		}
	}
}

// TestConcurrentGrouping: many goroutines on one scheme give the serial
// results (run with -race in CI).
func TestConcurrentGrouping(t *testing.T) {
	_, s := national(t)
	cs := randomCases(s, 2000, 99)
	want := make([]Result, len(cs))
	for i, c := range cs {
		want[i] = s.Group(c)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < len(cs); i += 3 {
				if r := s.Group(cs[i]); !sameGroup(r, want[i]) {
					errs <- r.DRG + " vs " + want[i].DRG
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestGroupAllStream: a caller streams cases through a selector and gets
// each result with the scheme id and version; errors from the callback stop
// the stream.
func TestGroupAllStream(t *testing.T) {
	nat, _ := national(t)
	old := *nat
	old.Manifest.ID, old.Manifest.Version, old.Manifest.EffectiveTo = "old", "1", "2022-12-31"
	cur := *nat
	cur.Manifest.ID, cur.Manifest.Version, cur.Manifest.EffectiveFrom = "cur", "2", "2023-01-01"
	so, _, err := Compile(&old)
	if err != nil {
		t.Fatal(err)
	}
	sc, _, err := Compile(&cur)
	if err != nil {
		t.Fatal(err)
	}
	sel, err := NewSelector(so, sc)
	if err != nil {
		t.Fatal(err)
	}
	d := func(s string) time.Time { v, _ := time.Parse(dateLayout, s); return v }
	cases := []Case{adult("1", dx("I63.900")), adult("1", dx("I63.900")), adult("1", dx("J18.900"))}
	cases[0].Discharge, cases[1].Discharge, cases[2].Discharge = d("2022-05-01"), d("2023-05-01"), d("2023-06-01")
	var got []string
	err = sel.GroupAll(context.Background(), slices.Values(cases), Options{}, func(c *Case, r Result) error {
		got = append(got, r.SchemeID+"/"+r.SchemeVersion+"/"+r.DRG)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"old/1/BR25", "cur/2/BR25", "cur/2/ES35"}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	stop := errors.New("stop")
	n := 0
	err = sel.GroupAll(context.Background(), slices.Values(cases), Options{}, func(*Case, Result) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("callback error: %v after %d", err, n)
	}
	if _, err := NewSelector(); err == nil {
		t.Error("empty selector accepted")
	}
}
