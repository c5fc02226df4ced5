package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"slices"
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
// stays without losing a value. The old layout has unpacked procedures
// too, so 0003 is left out as well.
func TestMigratePackedText(t *testing.T) {
	testMigratePacked(t, 2, 3)
}

// TestMigratePackedProcedures does the same for a store in the layout
// between migrations 0002 and 0003 (packed stays, one column per procedure
// field).
func TestMigratePackedProcedures(t *testing.T) {
	testMigratePacked(t, 3)
}

// testMigratePacked builds a store without the migrations skip, fills it
// from a Parquet export (which has the unpacked layout) and checks that
// opening it applies them without losing a value.
func testMigratePacked(t *testing.T, skip ...int) {
	ctx := context.Background()
	in := staysOf(t, "ORG1", 0, 6)
	in[1].Address = "x\x1b1\x1b\x1fy"
	in[2].TransferDepts = []string{"01", "0\x1f2"}
	setOddProcedures(in)
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
		if slices.Contains(skip, m.Version) {
			continue
		}
		if _, err := raw.Exec(m.SQL); err != nil {
			t.Fatalf("migration %d: %v", m.Version, err)
		}
		if _, err := raw.Exec(`INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.Version, m.Name); err != nil {
			t.Fatal(err)
		}
	}
	staysTable := "stays"
	if !slices.Contains(skip, 2) {
		// Packed stays: load the unpacked export through the packed layout.
		staysTable = ""
		if err := loadPackedStays(ctx, raw, filepath.Join(dir, "stays.parquet")); err != nil {
			t.Fatal(err)
		}
	}
	for _, table := range []string{staysTable, "stay_diagnoses", "stay_procedures", "stay_icu"} {
		if table == "" {
			continue
		}
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
		t.Fatalf("after migrations %v:\n got %+v\nwant %+v", skip, got, want)
	}
	var n int64
	if err := db.SQL().QueryRow(`SELECT count(*) FROM duckdb_columns() WHERE table_name = 'stay_procedures'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Fatalf("stay_procedures has %d columns after migration, want 5", n)
	}
}

// loadPackedStays inserts an unpacked stays Parquet file into the packed
// stays table, packing in SQL as migration 0002 does.
func loadPackedStays(ctx context.Context, raw *sql.DB, file string) error {
	var sel []string
	var packed []string
	for _, c := range stayTableCols() {
		if c[0] != packedColumn {
			sel = append(sel, c[0])
		}
	}
	for _, i := range packedIdx {
		packed = append(packed, "replace(replace(coalesce("+stayCols[i].Name+", ''), chr(27), chr(27) || '0'), chr(31), chr(27) || '1')")
	}
	q := "INSERT INTO stays SELECT " + strings.Join(sel, ", ") + ", concat(" + strings.Join(packed, ", chr(31), ") + ") FROM read_parquet('" + file + "')"
	_, err := raw.ExecContext(ctx, q)
	return err
}

// setOddProcedures puts separator and escape characters into procedure
// fields, and one stay without procedures, so the packing is exercised.
func setOddProcedures(in []frontpage.Stay) {
	for k := range in {
		for j := range in[k].Procedures {
			p := &in[k].Procedures[j]
			switch (k + j) % 4 {
			case 0:
				p.Surgeon = "a\x1fb\x1b1c"
			case 1:
				p.Name, p.Elective = "\x1b", "\x1f"
			case 2:
				p.Assistant2, p.Anaesthetist = "", "\x1e"
			}
		}
	}
	if len(in) > 3 {
		in[3].Procedures = nil
	}
}

func slicesSort(s []string) { sort.Strings(s) }

// TestExportUnpacksProcedures checks that stay_procedures is exported in
// its unpacked layout (the columns of migration 0001, in order, with their
// types) and with every packed value exact, NULL when absent.
func TestExportUnpacksProcedures(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	in := staysOf(t, "ORG1", 0, 8)
	setOddProcedures(in)
	if _, err := db.ImportStays(ctx, ImportMeta{File: "a.csv"}, producer(in, 3)); err != nil {
		t.Fatal(err)
	}
	ids, _ := readAll(t, db, Filter{})
	got, err := db.ExportParquet(ctx, filepath.Join(t.TempDir(), "out"), ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var file string
	for _, e := range got {
		if e.Table == "stay_procedures" {
			file = e.File
		}
	}
	var cols string
	if err := db.SQL().QueryRow(`SELECT string_agg(column_name || ' ' || column_type, ',') FROM (DESCRIBE SELECT * FROM read_parquet('` + file + `'))`).Scan(&cols); err != nil {
		t.Fatal(err)
	}
	want := "stay_id BIGINT,seq INTEGER,code VARCHAR,name VARCHAR,op_date TIMESTAMP,level VARCHAR,surgeon VARCHAR,assistant1 VARCHAR," +
		"assistant2 VARCHAR,incision VARCHAR,anaesthesia VARCHAR,anaesthetist VARCHAR,elective VARCHAR"
	if cols != want {
		t.Fatalf("parquet columns\n got %s\nwant %s", cols, want)
	}
	n := 0
	for k, s := range in {
		for j := range s.Procedures {
			p := &s.Procedures[j]
			n++
			for _, f := range pxPacked {
				var v sql.NullString
				if err := db.SQL().QueryRow(`SELECT `+f.Name+` FROM read_parquet('`+file+`') WHERE stay_id = ? AND seq = ?`, ids[k], j).Scan(&v); err != nil {
					t.Fatal(err)
				}
				if w := *f.str(p); v.String != w || v.Valid != (w != "") {
					t.Errorf("stay %d procedure %d %s: parquet %q (valid %v), want %q", k, j, f.Name, v.String, v.Valid, w)
				}
			}
		}
	}
	var rows int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM read_parquet('` + file + `')`).Scan(&rows); err != nil || rows != n {
		t.Fatalf("parquet has %d procedure rows (%v), want %d", rows, err, n)
	}
}
