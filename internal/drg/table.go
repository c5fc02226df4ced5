package drg

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// table is one CSV file of a pack held as text: a header and rows. Packs are
// kept in this neutral form until compile time so overlays can add, remove
// and replace rows without knowing what the columns mean.
type table struct {
	Header []string
	Rows   [][]string
	// Line numbers (1-based, header = 1) of each row in its source file, for
	// error messages; 0 for rows that came from an overlay merge.
	Lines []int
}

// col returns the index of a named column or -1.
func (t *table) col(name string) int {
	for i, h := range t.Header {
		if h == name {
			return i
		}
	}
	return -1
}

// parseTable reads an RFC 4180 CSV file. Lines without a double quote (all
// but a few hundred of the ~250,000 rows of the national pack) are split
// directly, which is several times faster than encoding/csv and keeps pack
// loading well under the 300 ms budget; quoted lines go through encoding/csv.
func parseTable(name string, data []byte) (*table, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // tolerate a UTF-8 BOM
	t := &table{}
	s := string(data) // one copy; every field below is a substring of it
	lineNo := 0
	for len(s) > 0 {
		var line string
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			line, s = s, ""
		}
		lineNo++
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		var fields []string
		if strings.IndexByte(line, '"') < 0 {
			fields = strings.Split(line, ",")
		} else {
			// Quoted fields (commas inside names) go through encoding/csv
			// one line at a time. A quoted field spanning lines is not
			// supported: code tables never contain line breaks.
			r := csv.NewReader(strings.NewReader(line))
			r.FieldsPerRecord = -1
			rec, err := r.Read()
			if err != nil && err != io.EOF {
				return nil, fmt.Errorf("%s 第 %d 行 line %d: %w", name, lineNo, lineNo, err)
			}
			fields = rec
		}
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		if t.Header == nil {
			t.Header = fields
			continue
		}
		if len(fields) < len(t.Header) {
			// Trailing empty columns are often dropped by spreadsheet tools.
			f := make([]string, len(t.Header))
			copy(f, fields)
			fields = f
		}
		t.Rows = append(t.Rows, fields)
		t.Lines = append(t.Lines, lineNo)
	}
	if t.Header == nil {
		return nil, fmt.Errorf("%s: 文件为空 empty file (no header)", name)
	}
	return t, nil
}

// requireColumns checks that the table has the named columns and returns their
// indexes in the same order.
func (t *table) requireColumns(name string, cols ...string) ([]int, error) {
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = t.col(c)
		if idx[i] < 0 {
			return nil, fmt.Errorf("%s: 缺少列 missing column %q (header %v)", name, c, t.Header)
		}
	}
	return idx, nil
}

// writeCSV renders the table back to CSV (used by import and the demo generator).
func (t *table) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	for _, r := range t.Rows {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
