package ingest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// readAll reads a file and collects the stays.
func readAll(t *testing.T, path string, opt Options) ([]frontpage.Stay, *Report, error) {
	t.Helper()
	var got []frontpage.Stay
	rep, err := ReadFrontPages(context.Background(), path, opt, func(b []frontpage.Stay) error {
		got = append(got, b...)
		return nil
	})
	return got, rep, err
}

func writeCSVFile(t *testing.T, path string, stays []frontpage.Stay, opt WriteOptions) {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewCSVWriter(&buf, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range stays {
		if err := w.Write(&stays[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRoundTripEncodingsAndHeaders(t *testing.T) {
	want := testStays()
	dir := t.TempDir()
	wantEnc := map[string]string{"utf-8": "utf-8", "utf-8-bom": "utf-8-bom", "gbk": "gbk", "gb18030": "gbk", "xlsx": "xlsx"}
	for _, enc := range []string{"utf-8", "utf-8-bom", "gbk", "gb18030", "xlsx"} {
		for _, hdr := range []string{"code", "chinese", "pinyin"} {
			t.Run(enc+"/"+hdr, func(t *testing.T) {
				opt := WriteOptions{Encoding: enc, Headers: hdr}
				var path string
				if enc == "xlsx" {
					path = filepath.Join(dir, hdr+".xlsx")
					if err := WriteXLSX(path, want, WriteOptions{Headers: hdr}); err != nil {
						t.Fatal(err)
					}
				} else {
					path = filepath.Join(dir, enc+"-"+hdr+".csv")
					writeCSVFile(t, path, want, opt)
				}
				got, rep, err := readAll(t, path, Options{BatchSize: 3})
				if err != nil {
					t.Fatalf("read: %v (report %+v)", err, rep)
				}
				if len(rep.Errors) > 0 {
					t.Fatalf("unexpected errors: %v", rep.Errors)
				}
				if rep.Encoding != wantEnc[enc] {
					t.Errorf("encoding = %q, want %q", rep.Encoding, wantEnc[enc])
				}
				if rep.HeaderStyle != hdr {
					t.Errorf("header style = %q, want %q", rep.HeaderStyle, hdr)
				}
				if len(rep.IgnoredColumns) > 0 {
					t.Errorf("ignored columns: %v", rep.IgnoredColumns)
				}
				if rep.RowsRead != len(want) || rep.RowsGood != len(want) || rep.RowsBad != 0 {
					t.Errorf("rows read/good/bad = %d/%d/%d, want %d/%d/0", rep.RowsRead, rep.RowsGood, rep.RowsBad, len(want), len(want))
				}
				if len(got) != len(want) {
					t.Fatalf("got %d stays, want %d", len(got), len(want))
				}
				for i := range want {
					if !reflect.DeepEqual(got[i], want[i]) {
						diffStay(t, i, &got[i], &want[i])
					}
				}
			})
		}
	}
}

// diffStay reports the fields that differ, field by field through the
// registry, so a failure says which column broke.
func diffStay(t *testing.T, i int, got, want *frontpage.Stay) {
	t.Helper()
	n := 0
	for _, f := range frontpage.Fields() {
		if g, w := f.Get(got), f.Get(want); g != w {
			t.Errorf("stay %d field %s (%s): got %q, want %q", i, f.Code, f.NameCN, g, w)
			if n++; n > 10 {
				return
			}
		}
	}
	if n == 0 {
		t.Errorf("stay %d differs outside the registry:\n got %#v\nwant %#v", i, got, want)
	}
}
