package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestExportParquet(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	if _, err := db.ImportStays(ctx, ImportMeta{File: "a.csv"}, producer(staysOf(t, "ORG1", 0, 25), 10)); err != nil {
		t.Fatal(err)
	}
	for _, withID := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "out")
		got, err := db.ExportParquet(ctx, dir, ExportOptions{IncludeIdentity: withID})
		if err != nil {
			t.Fatal(err)
		}
		files := map[string]ExportedTable{}
		for _, e := range got {
			files[e.Table] = e
		}
		for _, table := range []string{"stays", "stay_diagnoses", "stay_procedures", "stay_icu", "imports"} {
			e, ok := files[table]
			if !ok {
				t.Fatalf("%s not exported", table)
			}
			var n int64
			if err := db.SQL().QueryRow(`SELECT count(*) FROM read_parquet('` + e.File + `')`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != e.Rows || n != count(t, db, table) {
				t.Fatalf("%s: parquet has %d rows, reported %d", table, n, e.Rows)
			}
		}
		if _, ok := files["schema_migrations"]; ok {
			t.Fatal("schema_migrations exported")
		}
		var cols string
		if err := db.SQL().QueryRow(`SELECT string_agg(name, ',') FROM parquet_schema('` + files["stays"].File + `')`).Scan(&cols); err != nil {
			t.Fatal(err)
		}
		hasName := strings.Contains(","+cols+",", ",id_number,")
		if hasName != withID {
			t.Fatalf("IncludeIdentity=%v but id_number exported=%v", withID, hasName)
		}
	}
}
