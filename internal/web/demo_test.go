package web

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/yardstick-health/yardstick/internal/drg"
	"github.com/yardstick-health/yardstick/internal/drgrun"
	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/ingest"
	"github.com/yardstick-health/yardstick/internal/qc"
	"github.com/yardstick-health/yardstick/internal/store"
	"github.com/yardstick-health/yardstick/internal/synth"
	"golang.org/x/crypto/bcrypt"
)

// demoFixture is a synthetic hospital (two years, small scale) imported the
// way `yardstick demo` does, checked by the quality rules, served on
// loopback. The browser tests and screenshots run against it.
type demoFixture struct {
	db   *store.DB
	srv  *Server
	ts   *httptest.Server
	dir  string
	year int
	dept string // the department with the most level-4 operations
}

func newDemoFixture(t testing.TB, scale float64) *demoFixture {
	t.Helper()
	store.BcryptCost = bcrypt.MinCost
	ctx := context.Background()
	dir := t.TempDir()
	p, err := synth.LoadProfile("tertiary-general")
	if err != nil {
		t.Fatal(err)
	}
	years := []int{p.RefYear - 1, p.RefYear}
	if _, err := synth.Generate(ctx, synth.Config{Profile: p.Name, Years: years, Seed: 1, Scale: scale}, filepath.Join(dir, "data")); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(ctx, filepath.Join(dir, "demo.duckdb"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	data := func(name string) string { return filepath.Join(dir, "data", name) }
	depts, _, err := ingest.ReadDepartments(ctx, data(synth.DepartmentsFile), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportDepartments(ctx, store.ImportMeta{Kind: store.KindDepartments, File: synth.DepartmentsFile}, depts, &store.ImportOutcome{}); err != nil {
		t.Fatal(err)
	}
	for _, y := range years {
		visits, _, err := ingest.ReadVisits(ctx, data(synth.VisitsFile(y)), ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.ImportVisits(ctx, store.ImportMeta{Kind: store.KindOutpatient, File: synth.VisitsFile(y)}, visits, &store.ImportOutcome{}); err != nil {
			t.Fatal(err)
		}
		path := data(synth.FrontPageFile(y, "csv"))
		if _, err := db.ImportStays(ctx, store.ImportMeta{File: synth.FrontPageFile(y, "csv")}, func(ctx context.Context, emit func([]frontpage.Stay) error) (*store.ImportOutcome, error) {
			rep, err := ingest.ReadFrontPages(ctx, path, ingest.Options{}, emit)
			return outcomeOf(rep, path), err
		}); err != nil {
			t.Fatal(err)
		}
	}
	demo, err := drg.DemoScheme()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := drgrun.GroupStore(ctx, db, drgrun.GroupStoreOptions{Fallback: demo}); err != nil {
		t.Fatal(err)
	}
	eng, err := qc.New(qc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.RunCheck(ctx, eng, store.CheckOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, u := range fixtureUsers {
		if _, err := db.CreateUser(ctx, u, testPass); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := New(Config{DB: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), UploadDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	f := &demoFixture{db: db, srv: srv, dir: dir, year: p.RefYear}
	if err := db.SQL().QueryRowContext(ctx, `SELECT dept FROM stay_facts WHERE year = ? AND level4 AND surgical GROUP BY dept ORDER BY count(*) DESC, dept LIMIT 1`, f.year).Scan(&f.dept); err != nil {
		t.Fatal(err)
	}
	// The department head of the fixture users heads the busiest level-4 department.
	u, err := db.UserByName(ctx, "headA")
	if err != nil {
		t.Fatal(err)
	}
	ds := []string{f.dept}
	if err := db.UpdateUser(ctx, u.ID, store.UserUpdate{Depts: &ds}); err != nil {
		t.Fatal(err)
	}
	f.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(f.ts.Close)
	return f
}
