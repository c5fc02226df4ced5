package store

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// Bulk loading goes through staging CSV files that DuckDB's parallel CSV
// reader inserts with INSERT … SELECT FROM read_csv, instead of the Go
// Appender: with ~120 mostly-VARCHAR columns the Appender makes one cgo call
// and one allocation per string value and was measured 3–4× slower (see
// docs/storage.md). Formatting CSV in Go is plain byte appending.

// csvBuf formats one table's rows as RFC 4180 CSV. An empty unquoted field
// is NULL for read_csv; empty strings are stored as NULL anyway.
type csvBuf struct {
	b     []byte
	first bool
}

func (c *csvBuf) sep() {
	if c.first {
		c.first = false
		return
	}
	c.b = append(c.b, ',')
}

// csvSpecial marks the bytes that make a CSV field need quoting. A table
// lookup per byte is several times cheaper than strings.ContainsAny, which
// rebuilt its character set for every one of ~150 fields per stay.
var csvSpecial = [256]bool{',': true, '"': true, '\r': true, '\n': true}

func needsQuote(s string) bool {
	i := 0
	// Eight bytes at a time: a byte of x equal to b makes x^(b*lo) have a
	// zero byte, which (v-lo)&^v&hi detects without false negatives; a hit
	// is confirmed byte by byte below.
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		a, b, c, d := x^(lo*','), x^(lo*'"'), x^(lo*'\r'), x^(lo*'\n')
		if ((a-lo)&^a|(b-lo)&^b|(c-lo)&^c|(d-lo)&^d)&hi != 0 {
			break
		}
	}
	for ; i < len(s); i++ {
		if csvSpecial[s[i]] {
			return true
		}
	}
	return false
}

func (c *csvBuf) str(s string) {
	c.sep()
	if s == "" {
		return
	}
	if needsQuote(s) {
		c.b = append(c.b, '"')
		for i := 0; i < len(s); i++ {
			if s[i] == '"' {
				c.b = append(c.b, '"')
			}
			c.b = append(c.b, s[i])
		}
		c.b = append(c.b, '"')
		return
	}
	c.b = append(c.b, s...)
}

func (c *csvBuf) null() { c.sep() }

func (c *csvBuf) int(v int64) {
	c.sep()
	c.b = strconv.AppendInt(c.b, v, 10)
}

func (c *csvBuf) float(v float64) {
	c.sep()
	switch {
	case math.IsInf(v, 1):
		c.b = append(c.b, "inf"...)
	case math.IsInf(v, -1):
		c.b = append(c.b, "-inf"...)
	default:
		// Shortest representation that parses back to the same float64.
		c.b = strconv.AppendFloat(c.b, v, 'g', -1, 64)
	}
}

func (c *csvBuf) date(t time.Time) {
	c.sep()
	if t.IsZero() {
		return
	}
	y, m, d := t.Date()
	c.b = appendYMD(c.b, y, int(m), d)
}

func (c *csvBuf) ts(t time.Time) {
	c.sep()
	if t.IsZero() {
		return
	}
	t = t.UTC()
	if t.Nanosecond() != 0 {
		c.b = t.AppendFormat(c.b, "2006-01-02 15:04:05.999999")
		return
	}
	y, m, d := t.Date()
	if y < 0 || y > 9999 {
		c.b = t.AppendFormat(c.b, "2006-01-02 15:04:05")
		return
	}
	hh, mm, ss := t.Clock()
	c.b = appendYMD(c.b, y, int(m), d)
	c.b = append(c.b, ' ', byte('0'+hh/10), byte('0'+hh%10), ':', byte('0'+mm/10), byte('0'+mm%10), ':', byte('0'+ss/10), byte('0'+ss%10))
}

// appendYMD appends yyyy-mm-dd as time.Format("2006-01-02") does, without
// its layout interpretation (dates are formatted for every stay).
func appendYMD(b []byte, y, m, d int) []byte {
	if y < 0 || y > 9999 {
		return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC).AppendFormat(b, "2006-01-02")
	}
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+d/10), byte('0'+d%10))
}

func (c *csvBuf) row() { c.first = true }

func (c *csvBuf) end() { c.b = append(c.b, '\n') }

// stageTable is one staging file.
type stageTable struct {
	table string
	path  string
	f     *os.File
	w     *bufio.Writer
	buf   csvBuf
	rows  int64
}

func (t *stageTable) flushRow() error {
	t.buf.end()
	t.rows++
	if len(t.buf.b) >= 64<<10 {
		if _, err := t.w.Write(t.buf.b); err != nil {
			return fmt.Errorf("write staging file: %w", err)
		}
		t.buf.b = t.buf.b[:0]
	}
	return nil
}

func (t *stageTable) finish() error {
	if _, err := t.w.Write(t.buf.b); err != nil {
		return fmt.Errorf("write staging file: %w", err)
	}
	t.buf.b = t.buf.b[:0]
	if err := t.w.Flush(); err != nil {
		return fmt.Errorf("write staging file: %w", err)
	}
	return t.f.Close()
}

// stager writes stays into staging files and loads them.
type stager struct {
	dir                string
	stays, dx, px, icu *stageTable
	importID           int64
	nextID             int64
	n                  int64
	packed             []byte // scratch for the packed text fields
}

// defaultChunkStays is how many stays go into one set of staging files.
const defaultChunkStays = 100_000

func newStager(dir string, seq int, importID, firstID int64) (*stager, error) {
	s := &stager{dir: dir, importID: importID, nextID: firstID}
	for _, t := range []struct {
		p    **stageTable
		name string
	}{{&s.stays, "stays"}, {&s.dx, "stay_diagnoses"}, {&s.px, "stay_procedures"}, {&s.icu, "stay_icu"}} {
		path := filepath.Join(dir, fmt.Sprintf("%04d-%s.csv", seq, t.name))
		f, err := os.Create(path)
		if err != nil {
			s.remove()
			return nil, fmt.Errorf("create staging file: %w", err)
		}
		*t.p = &stageTable{table: t.name, path: path, f: f, w: bufio.NewWriterSize(f, 1<<20), buf: csvBuf{b: make([]byte, 0, 80<<10)}}
	}
	return s, nil
}

func (s *stager) remove() {
	for _, t := range []*stageTable{s.stays, s.dx, s.px, s.icu} {
		if t != nil {
			t.f.Close()
			os.Remove(t.path)
		}
	}
}

func (s *stager) append(st *frontpage.Stay) error {
	id := s.nextID
	s.nextID++
	c := &s.stays.buf
	c.row()
	c.int(id)
	c.int(s.importID)
	if st.AdmissionNo != 0 {
		c.int(int64(st.AdmissionNo))
	} else {
		c.null()
	}
	for i := range stayCols {
		col := &stayCols[i]
		if col.Packed {
			continue
		}
		switch col.Kind {
		case colText:
			c.str(*col.str(st))
		case colInt:
			if o := col.num(st); o.Valid {
				c.int(int64(o.V))
			} else {
				c.null()
			}
		case colFloat:
			if o := col.amt(st); o.Valid {
				c.float(o.V)
			} else {
				c.null()
			}
		case colDate:
			c.date(*col.tm(st))
		case colTime:
			c.ts(*col.tm(st))
		case colList:
			c.str(strings.Join(*col.list(st), ","))
		}
	}
	// The packed text fields, in one column (columns.go).
	p := s.packed[:0]
	for k, i := range packedIdx {
		if k > 0 {
			p = append(p, packSep)
		}
		col := &stayCols[i]
		if col.Kind == colList {
			for j, v := range *col.list(st) {
				if j > 0 {
					p = append(p, ',')
				}
				p = appendPacked(p, v)
			}
		} else {
			p = appendPacked(p, *col.str(st))
		}
	}
	s.packed = p
	c.str(unsafe.String(unsafe.SliceData(p), len(p)))
	if err := s.stays.flushRow(); err != nil {
		return err
	}
	for i := range st.Diagnoses {
		d := &st.Diagnoses[i]
		c := &s.dx.buf
		c.row()
		c.int(id)
		c.int(int64(i))
		c.str(d.Code)
		c.str(d.Name)
		c.str(d.POA)
		if err := s.dx.flushRow(); err != nil {
			return err
		}
	}
	for i := range st.Procedures {
		p := &st.Procedures[i]
		c := &s.px.buf
		c.row()
		c.int(id)
		c.int(int64(i))
		c.str(p.Code)
		c.ts(p.Date)
		// The other text fields, in one column (columns.go, pxPacked).
		s.packed = appendPackedProcedure(s.packed[:0], p)
		c.str(unsafe.String(unsafe.SliceData(s.packed), len(s.packed)))
		if err := s.px.flushRow(); err != nil {
			return err
		}
	}
	for i := range st.ICU {
		u := &st.ICU[i]
		c := &s.icu.buf
		c.row()
		c.int(id)
		c.int(int64(i))
		c.str(u.Type)
		c.ts(u.In)
		c.ts(u.Out)
		if err := s.icu.flushRow(); err != nil {
			return err
		}
	}
	s.n++
	return nil
}

// load closes the staging files and inserts them into their tables on conn
// (inside the caller's transaction).
func (s *stager) load(ctx context.Context, conn *sql.Conn) error {
	for _, t := range []*stageTable{s.stays, s.dx, s.px, s.icu} {
		if err := t.finish(); err != nil {
			return err
		}
		if t.rows == 0 {
			continue
		}
		cols, err := tableColumns(ctx, conn, t.table)
		if err != nil {
			return err
		}
		var spec []string
		for _, c := range cols {
			spec = append(spec, fmt.Sprintf("'%s': '%s'", c[0], c[1]))
		}
		q := fmt.Sprintf(`INSERT INTO %s SELECT * FROM read_csv('%s', header = false, delim = ',', quote = '"', escape = '"',
			columns = {%s}, new_line = '\n', auto_detect = false)`,
			quoteIdent(t.table), strings.ReplaceAll(t.path, "'", "''"), strings.Join(spec, ", "))
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("load %s: %w", t.table, err)
		}
	}
	return nil
}

// tableColumns lists (name, type) of a table in column order.
func tableColumns(ctx context.Context, conn *sql.Conn, table string) ([][2]string, error) {
	rows, err := conn.QueryContext(ctx, `SELECT column_name, data_type FROM duckdb_columns()
		WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ? ORDER BY column_index`, table)
	if err != nil {
		return nil, fmt.Errorf("columns of %s: %w", table, err)
	}
	defer rows.Close()
	var out [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
