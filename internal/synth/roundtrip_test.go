package synth

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/ingest"
)

// TestImportRoundTrip reads generated files back through the importer (UTF-8
// and GBK): every row must be accepted and give back the same front page.
func TestImportRoundTrip(t *testing.T) {
	h := hospitalFor(t, "tertiary-general", 21, 0.01)
	cols := Columns(DefaultMaxDx, DefaultMaxPx)
	var want []*frontpage.Stay
	if err := h.Stays(context.Background(), 2021, StreamOptions{}, func(s *frontpage.Stay, d *Defect) error {
		want = append(want, CloneStay(s))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := h.WriteCSV(context.Background(), 2021, StreamOptions{}, cols, &buf, nil); err != nil {
		t.Fatal(err)
	}
	gbk, err := io.ReadAll(transform.NewReader(bytes.NewReader(buf.Bytes()), simplifiedchinese.GBK.NewEncoder()))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, enc string
		data      []byte
	}{
		{"utf-8", "utf-8", buf.Bytes()},
		{"gbk", "gbk", gbk},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []frontpage.Stay
			rep, err := ingest.ReadFrontPagesFrom(context.Background(), bytes.NewReader(tc.data), "synth.csv", ingest.Options{},
				func(b []frontpage.Stay) error { got = append(got, b...); return nil })
			if err != nil {
				t.Fatal(err)
			}
			if rep.RowsBad != 0 || len(got) != len(want) {
				t.Fatalf("%d stays read, %d bad rows (first: %v); want %d, 0", len(got), rep.RowsBad, rep.Errors, len(want))
			}
			if rep.Encoding != tc.enc && !(tc.enc == "gbk" && rep.Encoding == "gb18030") {
				t.Errorf("encoding detected as %s, want %s", rep.Encoding, tc.enc)
			}
			for i := range want {
				for _, f := range cols {
					a, b := f.Get(want[i]), f.Get(&got[i])
					if a == "-" {
						a = "" // the placeholder for "nothing to record" reads as empty
					}
					if a != b {
						t.Fatalf("stay %d field %s: wrote %q, read %q", i, f.Code, a, b)
					}
				}
			}
		})
	}
}

// reimport writes a year as CSV and reads it back through the importer, as a
// hospital's file would arrive.
func reimport(t *testing.T, h *Hospital, year int) []frontpage.Stay {
	t.Helper()
	var buf bytes.Buffer
	if err := h.WriteCSV(context.Background(), year, StreamOptions{}, Columns(DefaultMaxDx, DefaultMaxPx), &buf, nil); err != nil {
		t.Fatal(err)
	}
	var got []frontpage.Stay
	rep, err := ingest.ReadFrontPagesFrom(context.Background(), &buf, "synth.csv", ingest.Options{},
		func(b []frontpage.Stay) error { got = append(got, b...); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if rep.RowsBad != 0 {
		t.Fatalf("%d bad rows: %v", rep.RowsBad, rep.Errors)
	}
	return got
}

// TestHeaderStyles writes Chinese- and pinyin-headed files and reads them
// back: the importer must take every row.
func TestHeaderStyles(t *testing.T) {
	for _, style := range []string{"chinese", "pinyin"} {
		t.Run(style, func(t *testing.T) {
			dir := t.TempDir()
			res, err := Generate(context.Background(), Config{Profile: "county-general", Years: []int{2021}, Seed: 2, Scale: 0.01, Headers: style}, dir)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			rep, err := ingest.ReadFrontPages(context.Background(), filepath.Join(dir, FrontPageFile(2021, "csv")), ingest.Options{},
				func(b []frontpage.Stay) error { n += len(b); return nil })
			if err != nil {
				t.Fatal(err)
			}
			if rep.HeaderStyle != style || rep.RowsBad != 0 || n != res.Years[0].Stats.Discharges {
				t.Errorf("header style %s, %d bad rows, %d stays; want %s, 0, %d", rep.HeaderStyle, rep.RowsBad, n, style, res.Years[0].Stats.Discharges)
			}
		})
	}
	if _, err := Generate(context.Background(), Config{Profile: "county-general", Years: []int{2021}, Scale: 0.01, Headers: "klingon"}, t.TempDir()); err == nil {
		t.Error("unknown header style accepted")
	}
}
