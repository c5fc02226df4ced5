package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// EachStay reads the store in parts of readPartIDs consecutive stay ids. Two
// readers fill parts concurrently (each query on its own pooled connection,
// so DuckDB and the Go-side conversion of two parts overlap) while the caller
// consumes earlier parts in order. Per part there are four small queries
// (stays and the three child tables) instead of four ordered scans of whole
// tables, which made DuckDB sort every table; the child tables are
// aggregated per stay in DuckDB (one string per stay, no ORDER BY) and the
// text columns of stays come as one string per row, so the driver converts a
// few values per stay instead of ~300 (measured in docs/storage.md).
const (
	readPartIDs = 8192
	readReaders = 2
)

// Separators inside the aggregated strings. A value that contains one of
// them is detected by counting fields and records (see splitExact) and that
// stay is then read column by column, so any text round-trips exactly.
const (
	fieldSep  = "\x1f"
	recordSep = "\x1e"
)

var (
	readTextCols  []int // stayCols indexes read as one concatenated string (colText, colList)
	readTypedCols []int // the other stayCols indexes, read as typed values
	readStaySQL   string
	readTextSQL   string // the text columns of one stay, column by column (fallback)
)

func init() {
	var typed, text []string
	for i := range stayCols {
		c := &stayCols[i]
		switch {
		case c.Packed:
		case c.Kind == colText || c.Kind == colList:
			readTextCols = append(readTextCols, i)
			text = append(text, c.Name)
		default:
			readTypedCols = append(readTypedCols, i)
			typed = append(typed, c.Name)
		}
	}
	readUnpackedText = len(readTextCols)
	// The packed column is itself chr(31)-separated fields with the
	// separator escaped inside values, so it is appended to the
	// concatenation as its last len(packedIdx) fields.
	readTextCols = append(readTextCols, packedIdx...)
	packed := packedColumn
	if len(packedIdx) > 1 {
		packed = "coalesce(" + packedColumn + ", repeat(chr(31), " + strconv.Itoa(len(packedIdx)-1) + "))"
	}
	text = append(text, packed)
	readStaySQL = "SELECT stay_id, admission_no, " + strings.Join(typed, ", ") +
		", concat(" + strings.Join(text, ", chr(31), ") + ") FROM stays"
	readTextSQL = "SELECT " + strings.Join(text, ", ") + " FROM stays WHERE stay_id = ?"
}

// readUnpackedText is how many of readTextCols are columns of their own;
// the rest are packed fields, escaped (unpackField).
var readUnpackedText int

// childQuery describes how one child table is aggregated per stay.
type childQuery struct {
	table  string
	fields int    // fields per record, seq included
	expr   string // one record as text: seq first, NULL as empty
	slow   string // the records of one stay, column by column (fallback)
}

var (
	dxQuery = childQuery{table: "stay_diagnoses", fields: 4,
		expr: "concat(seq, chr(31), code, chr(31), name, chr(31), poa)",
		slow: "SELECT seq, code, name, poa FROM stay_diagnoses WHERE stay_id = ? ORDER BY seq"}
	// The packed fields of a procedure (pxPacked) end the record as they are
	// stored: escaped, never holding a raw chr(31); readPart unpacks them.
	pxQuery = childQuery{table: "stay_procedures", fields: 3 + len(pxPacked),
		expr: "concat(seq, chr(31), code, chr(31), epoch_us(op_date), chr(31), " + pxPackedSQL + ")",
		slow: "SELECT seq, code, epoch_us(op_date), " + pxSlowFields() + " FROM (SELECT *, string_split(" + pxPackedSQL +
			", chr(31)) AS _f FROM stay_procedures WHERE stay_id = ?) ORDER BY seq"}
	icuQuery = childQuery{table: "stay_icu", fields: 4,
		expr: "concat(seq, chr(31), icu_type, chr(31), epoch_us(in_time), chr(31), epoch_us(out_time))",
		slow: "SELECT seq, icu_type, epoch_us(in_time), epoch_us(out_time) FROM stay_icu WHERE stay_id = ? ORDER BY seq"}
)

// readPart is one range [from, to) of stay ids.
type readPart struct {
	from, to int64
	ids      []int64
	stays    []*frontpage.Stay
	err      error
	done     chan struct{}
}

// EachStay calls fn for every stay matching the filter, in stay_id order,
// with its diagnoses, procedures and ICU stays. fn gets a fresh Stay it may
// keep; returning an error stops the iteration and is returned.
//
// The parts are read with separate queries, so they are separate snapshots:
// if an import commits in the same process while EachStay runs, a replaced
// stay may be missed or come without its lines. Commands run imports and
// reads in separate processes, where DuckDB's file lock rules this out.
func (db *DB) EachStay(ctx context.Context, f Filter, fn func(id int64, s *frontpage.Stay) error) error {
	cond, args := f.where()
	q := "SELECT min(stay_id), max(stay_id) FROM stays"
	if cond != "" {
		q += " WHERE " + cond
	}
	var lo, hi sql.NullInt64
	if err := db.db.QueryRowContext(ctx, q, args...).Scan(&lo, &hi); err != nil {
		return fmt.Errorf("读取病案 read stays: %w", err)
	}
	if !lo.Valid {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	parts := make(chan *readPart, readReaders)
	work := make(chan *readPart, readReaders)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		for range parts {
		}
		wg.Wait()
	}()
	go func() {
		defer close(parts)
		defer close(work)
		for from := lo.Int64; from <= hi.Int64; from += readPartIDs {
			p := &readPart{from: from, to: min(from+readPartIDs, hi.Int64+1), done: make(chan struct{})}
			select {
			case work <- p:
			case <-ctx.Done():
				return
			}
			select {
			case parts <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	for i := 0; i < readReaders; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range work {
				if p.err = ctx.Err(); p.err == nil {
					p.err = db.readPart(ctx, p, cond, args)
				}
				close(p.done)
			}
		}()
	}
	for p := range parts {
		<-p.done
		if p.err != nil {
			return p.err
		}
		for i, s := range p.stays {
			if err := fn(p.ids[i], s); err != nil {
				return err
			}
		}
		p.ids, p.stays = nil, nil
	}
	return ctx.Err()
}

// readPart reads the stays of one id range with their child rows.
func (db *DB) readPart(ctx context.Context, p *readPart, cond string, args []any) error {
	width := int(p.to - p.from)
	dx := make([][]frontpage.Diagnosis, width)
	px := make([][]frontpage.Procedure, width)
	icu := make([][]frontpage.ICUStay, width)
	err := db.readChild(ctx, p, dxQuery, cond, args, func(i int, id int64, recs [][]string) error {
		if recs == nil {
			var err error
			if recs, err = db.readChildSlow(ctx, dxQuery, id); err != nil {
				return err
			}
		}
		out := make([]frontpage.Diagnosis, len(recs))
		for k, r := range recs {
			out[k] = frontpage.Diagnosis{Code: r[1], Name: r[2], POA: r[3]}
		}
		dx[i] = out
		return nil
	})
	if err != nil {
		return fmt.Errorf("读取诊断 read diagnoses: %w", err)
	}
	err = db.readChild(ctx, p, pxQuery, cond, args, func(i int, id int64, recs [][]string) error {
		if recs == nil {
			var err error
			if recs, err = db.readChildSlow(ctx, pxQuery, id); err != nil {
				return err
			}
		}
		out := make([]frontpage.Procedure, len(recs))
		for k, r := range recs {
			d, err := epochTime(r[2])
			if err != nil {
				return err
			}
			pr := &out[k]
			pr.Code, pr.Date = r[1], d
			for j := range pxPacked {
				if f := r[3+j]; f != "" {
					*pxPacked[j].str(pr) = unpackField(f)
				}
			}
		}
		px[i] = out
		return nil
	})
	if err != nil {
		return fmt.Errorf("读取手术操作 read procedures: %w", err)
	}
	err = db.readChild(ctx, p, icuQuery, cond, args, func(i int, id int64, recs [][]string) error {
		if recs == nil {
			var err error
			if recs, err = db.readChildSlow(ctx, icuQuery, id); err != nil {
				return err
			}
		}
		out := make([]frontpage.ICUStay, len(recs))
		for k, r := range recs {
			in, err := epochTime(r[2])
			if err != nil {
				return err
			}
			o, err := epochTime(r[3])
			if err != nil {
				return err
			}
			out[k] = frontpage.ICUStay{Type: r[1], In: in, Out: o}
		}
		icu[i] = out
		return nil
	})
	if err != nil {
		return fmt.Errorf("读取重症监护 read ICU stays: %w", err)
	}

	q, qargs := rangeQuery(readStaySQL+" WHERE", p, cond, args)
	rows, err := db.db.QueryContext(ctx, q+" ORDER BY stay_id", qargs...)
	if err != nil {
		return fmt.Errorf("读取病案 read stays: %w", err)
	}
	defer rows.Close()
	n := 3 + len(readTypedCols)
	vals := make([]any, n)
	dest := make([]any, n)
	for i := range dest {
		dest[i] = &vals[i]
	}
	var text string
	dest[n-1] = &text
	fields := make([]string, len(readTextCols))
	for rows.Next() {
		text = ""
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("读取病案 read stays: %w", err)
		}
		id := asInt64(vals[0])
		s := &frontpage.Stay{AdmissionNo: int(asInt64(vals[1]))}
		for k, ci := range readTypedCols {
			setCol(s, &stayCols[ci], vals[2+k])
		}
		if !splitExact(text, fieldSep, fields) {
			if err := db.readTextSlow(ctx, id, fields); err != nil {
				return err
			}
		}
		for k, ci := range readTextCols {
			if f := fields[k]; f != "" {
				if k >= readUnpackedText {
					f = unpackField(f)
				}
				setCol(s, &stayCols[ci], f)
			}
		}
		if i := id - p.from; i >= 0 && i < int64(width) {
			s.Diagnoses, s.Procedures, s.ICU = dx[i], px[i], icu[i]
		}
		p.ids = append(p.ids, id)
		p.stays = append(p.stays, s)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("读取病案 read stays: %w", err)
	}
	return nil
}

// rangeQuery appends the id range of p and the filter to a query ending in
// WHERE and returns it with its arguments.
func rangeQuery(q string, p *readPart, cond string, args []any) (string, []any) {
	q += " stay_id >= ? AND stay_id < ?"
	out := []any{p.from, p.to}
	if cond != "" {
		q += " AND (" + cond + ")"
		out = append(out, args...)
	}
	return q, out
}

// readChild reads the records of one child table for the stays of p,
// aggregated per stay, and calls set with the records in seq order (nil when
// a value contains a separator and the stay must be read with readChildSlow).
// The records are only valid during the call.
func (db *DB) readChild(ctx context.Context, p *readPart, c childQuery, cond string, args []any, set func(i int, id int64, recs [][]string) error) error {
	q := "SELECT stay_id, count(*), string_agg(" + c.expr + ", chr(30)) FROM " + c.table + " WHERE stay_id >= ? AND stay_id < ?"
	qargs := []any{p.from, p.to}
	if cond != "" {
		var sub string
		sub, qargs = rangeQuery("SELECT stay_id FROM stays WHERE", p, cond, args)
		qargs = append([]any{p.from, p.to}, qargs...)
		q += " AND stay_id IN (" + sub + ")"
	}
	rows, err := db.db.QueryContext(ctx, q+" GROUP BY stay_id", qargs...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		id, count int64
		agg       string
		sp        recordSplitter
	)
	for rows.Next() {
		if err := rows.Scan(&id, &count, &agg); err != nil {
			return err
		}
		i := id - p.from
		if i < 0 || i >= p.to-p.from {
			continue
		}
		if err := set(int(i), id, sp.split(agg, int(count), c.fields)); err != nil {
			return err
		}
	}
	return rows.Err()
}

// recordSplitter splits aggregated child strings. Its buffers are reused
// from stay to stay: the records it returns are valid until the next call
// (the callers copy the fields, substrings of the aggregate, into typed
// structs), which keeps ~0.4 GB of pointer-holding garbage per million
// stays away from the GC.
type recordSplitter struct {
	fields []string
	recs   [][]string
	sorted [][]string
	seqs   []int64
	ord    []int
}

// split splits agg into count records of nf fields each, sorted by seq (the
// first field). It returns nil when the string does not have exactly that
// shape (a value holds a separator).
func (sp *recordSplitter) split(agg string, count, nf int) [][]string {
	if strings.Count(agg, recordSep) != count-1 || strings.Count(agg, fieldSep) != count*(nf-1) {
		return nil
	}
	if cap(sp.fields) < count*nf {
		sp.fields = make([]string, count*nf)
	}
	if cap(sp.recs) < count {
		sp.recs, sp.sorted = make([][]string, count), make([][]string, count)
		sp.seqs, sp.ord = make([]int64, count), make([]int, count)
	}
	recs, seqs := sp.recs[:count], sp.seqs[:count]
	sorted := true
	for k := 0; k < count; k++ {
		rec := agg
		if j := strings.Index(agg, recordSep); j >= 0 {
			rec, agg = agg[:j], agg[j+1:]
		}
		r := sp.fields[k*nf : (k+1)*nf : (k+1)*nf]
		if !splitExact(rec, fieldSep, r) {
			return nil
		}
		seq, err := strconv.ParseInt(r[0], 10, 64)
		if err != nil {
			return nil
		}
		seqs[k] = seq
		if k > 0 && seq < seqs[k-1] {
			sorted = false
		}
		recs[k] = r
	}
	if sorted {
		return recs
	}
	ord := sp.ord[:count]
	for k := range ord {
		ord[k] = k
	}
	slices.SortStableFunc(ord, func(a, b int) int {
		switch {
		case seqs[a] < seqs[b]:
			return -1
		case seqs[a] > seqs[b]:
			return 1
		}
		return 0
	})
	out := sp.sorted[:count]
	for k, o := range ord {
		out[k] = recs[o]
	}
	return out
}

// splitExact splits s at sep into exactly len(out) fields; it reports false
// when the number of fields differs.
func splitExact(s, sep string, out []string) bool {
	for k := range out {
		if k == len(out)-1 {
			if strings.Contains(s, sep) {
				return false
			}
			out[k] = s
			return true
		}
		j := strings.Index(s, sep)
		if j < 0 {
			return false
		}
		out[k], s = s[:j], s[j+len(sep):]
	}
	return s == ""
}

// readChildSlow reads the records of one stay column by column, as text in
// the same shape as splitRecords (seq first, timestamps as epoch µs).
func (db *DB) readChildSlow(ctx context.Context, c childQuery, id int64) ([][]string, error) {
	rows, err := db.db.QueryContext(ctx, c.slow, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var recs [][]string
	vals := make([]sql.NullString, c.fields)
	dest := make([]any, c.fields)
	for i := range dest {
		dest[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		r := make([]string, c.fields)
		for i, v := range vals {
			r[i] = v.String
		}
		recs = append(recs, r)
	}
	return recs, rows.Err()
}

// readTextSlow reads the text columns of one stay column by column.
func (db *DB) readTextSlow(ctx context.Context, id int64, out []string) error {
	n := readUnpackedText + 1 // the unpacked columns and the packed one
	vals := make([]sql.NullString, n)
	dest := make([]any, n)
	for i := range dest {
		dest[i] = &vals[i]
	}
	if err := db.db.QueryRowContext(ctx, readTextSQL, id).Scan(dest...); err != nil {
		return fmt.Errorf("读取病案 read stay %d: %w", id, err)
	}
	for i, v := range vals[:readUnpackedText] {
		out[i] = v.String
	}
	// Values never contain a raw separator in the packed column.
	if !splitExact(vals[readUnpackedText].String, fieldSep, out[readUnpackedText:]) {
		return fmt.Errorf("读取病案 read stay %d: %s does not have %d fields", id, packedColumn, len(out)-readUnpackedText)
	}
	return nil
}

// epochTime converts epoch microseconds as text ("" = absent) to a UTC time
// the way the driver converts a TIMESTAMP.
func epochTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	us, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("bad timestamp %q: %w", s, err)
	}
	return time.UnixMicro(us).UTC(), nil
}

// pxSlowFields are the packed procedure fields as separate, still escaped,
// columns of the list _f (readChildSlow).
func pxSlowFields() string {
	f := make([]string, len(pxPacked))
	for k := range f {
		f[k] = fmt.Sprintf("_f[%d]", k+1)
	}
	return strings.Join(f, ", ")
}
