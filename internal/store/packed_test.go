package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

func TestPackFieldRoundTrip(t *testing.T) {
	for _, v := range []string{"", "a", "\x1f", "\x1b", "\x1b0", "\x1b1", "a\x1bb\x1fc\x1b", "\x1b\x1f\x1b\x1f"} {
		p := string(appendPacked(nil, v))
		if strings.Contains(p, "\x1f") {
			t.Errorf("%q packed as %q holds the separator", v, p)
		}
		if got := unpackField(p); got != v {
			t.Errorf("%q: packed %q unpacked %q", v, p, got)
		}
	}
}

// TestExportUnpacksFields checks that the Parquet export has one column per
// field, in stayCols order, with the packed values unpacked exactly.
func TestExportUnpacksFields(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	in := staysOf(t, "ORG1", 0, 3)
	in[1].Address = "x\x1b1\x1b\x1fy"
	in[2].AdmRoute = "\x1f"
	in[2].TransferDepts = []string{"01", "0\x1b2"}
	if _, err := db.ImportStays(ctx, ImportMeta{File: "a.csv"}, producer(in, 2)); err != nil {
		t.Fatal(err)
	}
	ids, _ := readAll(t, db, Filter{})
	for _, withID := range []bool{false, true} {
		got, err := db.ExportParquet(ctx, filepath.Join(t.TempDir(), "out"), ExportOptions{IncludeIdentity: withID})
		if err != nil {
			t.Fatal(err)
		}
		var file string
		for _, e := range got {
			if e.Table == "stays" {
				file = e.File
			}
		}
		want := append([]string(nil), stayLeadCols...)
		for _, c := range stayCols {
			if f, _ := frontpage.FieldByCode(c.Code); withID || !f.Identity {
				want = append(want, c.Name)
			}
		}
		var cols string
		if err := db.SQL().QueryRow(`SELECT string_agg(name, ',' ORDER BY name) FROM parquet_schema('` + file + `') WHERE num_children IS NULL OR num_children = 0`).Scan(&cols); err != nil {
			t.Fatal(err)
		}
		sorted := append([]string(nil), want...)
		slicesSort(sorted)
		if cols != strings.Join(sorted, ",") {
			t.Fatalf("IncludeIdentity=%v: parquet columns\n got %s\nwant %s", withID, cols, strings.Join(sorted, ","))
		}
		for k, s := range in {
			for _, c := range stayCols {
				f, _ := frontpage.FieldByCode(c.Code)
				if !c.Packed || (!withID && f.Identity) {
					continue
				}
				var v sql.NullString
				if err := db.SQL().QueryRow(`SELECT `+c.Name+` FROM read_parquet('`+file+`') WHERE stay_id = ?`, ids[k]).Scan(&v); err != nil {
					t.Fatal(err)
				}
				w := ""
				if c.Kind == colList {
					w = strings.Join(*c.list(&s), ",")
				} else {
					w = *c.str(&s)
				}
				if v.String != w || v.Valid != (w != "") {
					t.Errorf("stay %d %s: parquet %q (valid %v), want %q", k, c.Name, v.String, v.Valid, w)
				}
			}
		}
	}
}

// TestMigratePackedText builds a store in the layout before migration 0002
// (one column per text field) and checks that opening it converts the
// stays without losing a value.
func TestMigratePackedText(t *testing.T) {
	ctx := context.Background()
	in := staysOf(t, "ORG1", 0, 6)
	in[1].Address = "x\x1b1\x1b\x1fy"
	in[2].TransferDepts = []string{"01", "0\x1f2"}
	src := openTest(t)
	if _, err := src.ImportStays(ctx, ImportMeta{File: "a.csv"}, producer(in, 4)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := src.ExportParquet(ctx, dir, ExportOptions{IncludeIdentity: true}); err != nil {
		t.Fatal(err)
	}
	_, want := readAll(t, src, Filter{})

	path := filepath.Join(t.TempDir(), "old.duckdb")
	raw, err := sql.Open("duckdb", path)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`CREATE TABLE schema_migrations (version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.Version == 2 {
			continue
		}
		if _, err := raw.Exec(m.SQL); err != nil {
			t.Fatalf("migration %d: %v", m.Version, err)
		}
		if _, err := raw.Exec(`INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
	for _, table := range []string{"stays", "stay_diagnoses", "stay_procedures", "stay_icu"} {
		if _, err := raw.Exec(`INSERT INTO ` + table + ` SELECT * FROM read_parquet('` + filepath.Join(dir, table+".parquet") + `')`); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := OpenWith(ctx, path, Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, got := readAll(t, db, Filter{})
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after migration 0002:\n got %+v\nwant %+v", got, want)
	}
}

func slicesSort(s []string) { sort.Strings(s) }
