package qc

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

func TestRunParallel(t *testing.T) {
	e, err := New(Options{Dicts: testDicts()})
	if err != nil {
		t.Fatal(err)
	}
	clean, bad := build(t), build(t, m{"B29": "", "A27": "11111111111"})
	const n = 3000
	produce := func(emit func(int64, *frontpage.Stay) error) error {
		for i := 0; i < n; i++ {
			s := clean
			if i%3 == 0 {
				s = bad
			}
			if err := emit(int64(i), s); err != nil {
				return err
			}
		}
		return nil
	}
	// What a single Check reports for the bad stay; every bad result must
	// carry exactly that (findings of many stays share blocks in Run).
	want := slices.Clone(e.NewChecker().Check(bad))
	var kept [][]Finding
	seen := map[int64]bool{}
	sum, err := e.Run(context.Background(), 2, produce, func(rs []Result) error {
		for _, r := range rs {
			if len(r.Findings) > 0 {
				kept = append(kept, r.Findings)
				// Appending must not overwrite another stay's findings.
				_ = append(r.Findings, Finding{Field: "appended"})
			}
		}
		for _, r := range rs {
			if seen[r.ID] {
				t.Errorf("stay %d twice", r.ID)
			}
			seen[r.ID] = true
			if (r.ID%3 == 0) != (len(r.Findings) > 0) {
				t.Errorf("stay %d: %d findings", r.ID, len(r.Findings))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 || len(kept) != n/3 {
		t.Fatalf("%d findings for the bad stay, %d stays with findings", len(want), len(kept))
	}
	for i, fs := range kept {
		if !reflect.DeepEqual(fs, want) {
			t.Fatalf("result %d: findings\n%+v\nwant\n%+v", i, fs, want)
		}
	}
	if len(seen) != n || sum.Stays != n || sum.ByRule["C-11"] != n/3 || sum.StaysBy["V-06b"] != n/3 || sum.Agg.Total.WithError != n/3 {
		t.Errorf("summary: stays %d, C-11 %d, V-06b stays %d, with error %d", sum.Stays, sum.ByRule["C-11"], sum.StaysBy["V-06b"], sum.Agg.Total.WithError)
	}
	if len(sum.TopRules()) == 0 || sum.TopRules()[0].Rule.Severity != Error {
		t.Error("top rules not sorted by severity")
	}

	boom := errors.New("sink full")
	_, err = e.Run(context.Background(), 2, produce, func([]Result) error { return boom })
	if !errors.Is(err, boom) {
		t.Errorf("consume error: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := e.Run(ctx, 2, produce, func([]Result) error { return nil }); err == nil {
		t.Error("cancelled run returned no error")
	}
}
