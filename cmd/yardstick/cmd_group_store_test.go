package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/drgrun"
	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/store"
	"github.com/yardstick-health/yardstick/internal/synth"
)

// groupTestStore writes a small synthetic year into a fresh store file and
// returns its path and number of stays.
func groupTestStore(t *testing.T) (string, int) {
	t.Helper()
	ctx := context.Background()
	p, err := synth.LoadProfile("tertiary-general")
	if err != nil {
		t.Fatal(err)
	}
	h, err := synth.NewHospital(p, 3, 0.003)
	if err != nil {
		t.Fatal(err)
	}
	var stays []frontpage.Stay
	if err := h.Stays(ctx, p.RefYear, synth.StreamOptions{}, func(s *frontpage.Stay, _ *synth.Defect) error {
		stays = append(stays, *synth.CloneStay(s))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "y.duckdb")
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.ImportStays(ctx, store.ImportMeta{File: "synth"}, func(ctx context.Context, emit func([]frontpage.Stay) error) (*store.ImportOutcome, error) {
		return &store.ImportOutcome{RowsRead: len(stays), RowsGood: len(stays)}, emit(stays)
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	return path, len(stays)
}

func countResults(t *testing.T, path string) (rows, weighted int) {
	t.Helper()
	db, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.SQL().QueryRow(`SELECT count(*), count(weight) FROM drg_results`).Scan(&rows, &weighted); err != nil {
		t.Fatal(err)
	}
	return rows, weighted
}

func TestGroupStoreCLI(t *testing.T) {
	path, n := groupTestStore(t)
	if n == 0 {
		t.Fatal("no synthetic stays")
	}

	code, out, errs := runCLI(t, "group", "--db", path)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.Contains(errs, "demo-chs-drg-1.1") {
		t.Errorf("no demo-pack note on stderr: %q", errs)
	}
	for _, want := range []string{"分组 grouped " + itoaTest(n) + " 例住院 stays", "DRG 组数 DRG count", "用时 time"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if rows, w := countResults(t, path); rows != n || w != 0 {
		t.Errorf("drg_results: %d rows (%d weighted), want %d and 0 weighted without --region", rows, w, n)
	}

	// Regroup with weights, JSON summary: still one row per stay.
	code, out, errs = runCLI(t, "group", "--db", path, "--region", "盐城", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var sum drgrun.GroupStoreSummary
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("JSON summary: %v\n%s", err, out)
	}
	if sum.Stays != n || sum.Grouped == 0 || sum.CMI <= 0 || sum.Grouped+sum.Ungroupable+sum.Ambiguous+sum.Invalid != n {
		t.Errorf("summary %+v for %d stays", sum, n)
	}
	if rows, w := countResults(t, path); rows != n || w != sum.WeightedStays || w == 0 {
		t.Errorf("drg_results: %d rows (%d weighted), want %d (%d weighted)", rows, w, n, sum.WeightedStays)
	}

	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unknown region", []string{"group", "--db", path, "--region", "火星"}, 2, "火星"},
		{"missing store", []string{"group", "--db", filepath.Join(t.TempDir(), "none.duckdb")}, 2, "store not found"},
		{"bad weights mode", []string{"group", "--db", path, "--weights", "maybe"}, 2, "--weights"},
		{"out without in", []string{"group", "--db", path, "--out", "x.csv"}, 2, "--out"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runCLI(t, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.msg) {
				t.Errorf("exit %d (want %d), stderr %q (want %q)", code, tc.code, errs, tc.msg)
			}
		})
	}
}

func itoaTest(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
