package ingest

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// DefaultBatchSize is the number of stays per emit call.
const DefaultBatchSize = 2000

// maxReportedErrors caps Report.Errors so a file of nothing but bad rows
// cannot exhaust memory; RowsBad still counts every bad row.
const maxReportedErrors = 100_000

// requiredColumns must be present (or defaulted by the mapping) for a file
// to be read at all.
var requiredColumns = []string{"A01", "A48", "A49", "B12", "B15", "C03C"}

// actKind says what to do with a column.
type actKind uint8

const (
	actSkip actKind = iota
	actField
	actIncisionCls
	actIncisionHeal
	actAgeMonths
)

// colAct is the precomputed action of one column, so the per-cell work is a
// slice index and a setter call, without map lookups.
type colAct struct {
	kind   actKind
	field  *frontpage.Field
	header string
	recode map[string]string // mapping "value" lines for the field
	layout string            // mapping "date_format" for the field
	line   int               // procedure line for incision columns
	dx, px int               // diagnosis / procedure line the column feeds (-1: none), to size the slices once
}

// plan is the column plan of a front-page file.
type plan struct {
	cols     []colAct
	defaults []defaultVal
	incision bool // file has split QKDJn/QKYHLBn columns
	// csv: a row with a different number of cells is broken (truncated
	// file, stray delimiter). xlsx rows simply end at their last non-empty
	// cell, so they are not checked.
	checkWidth bool
	dxCols     [][]int // dxCols[line] = columns feeding diagnosis line
	pxCols     [][]int // pxCols[line] = columns feeding procedure line
}

// lastLine estimates the highest diagnosis/procedure line in use from the
// first column of each line (the code, in every layout the writers and the
// national interface use). Lines are probed from the top because wide
// layouts leave the high lines empty. An underestimate only costs speed:
// the field setters grow the list when a later line has data.
func lastLine(lines [][]int, offs []uint32) int {
	for l := len(lines) - 1; l >= 0; l-- {
		if len(lines[l]) == 0 {
			continue
		}
		ci := lines[l][0]
		if 2*ci+1 < len(offs) && offs[2*ci] != offs[2*ci+1] {
			return l
		}
	}
	return -1
}

func addLine(lines [][]int, line, col int) [][]int {
	for len(lines) <= line {
		lines = append(lines, nil)
	}
	lines[line] = append(lines[line], col)
	return lines
}

type defaultVal struct {
	field *frontpage.Field
	value string
}

// ReadFrontPages parses the file and calls emit with batches of good stays
// (already Normalize()d), in file order. Bad rows are reported in
// Report.Errors and skipped. With Strict, any bad row makes it return an
// error (emit is not called again after the first bad row; reading continues
// so the report lists every bad row). If emit returns an error, reading stops
// and that error is returned.
//
// Duplicates (same A01+A48+A49 within the file): the LAST occurrence wins,
// because HIS exports append corrections. The later row is reported with the
// line of the earlier one, and the earlier one counts as bad. If the earlier
// stay is still in the batch being built it is replaced in place; if it was
// already emitted, the later stay is emitted in a later batch and the
// consumer must treat the repeated key as a replacement (the store does).
func ReadFrontPages(ctx context.Context, path string, opt Options, emit func([]frontpage.Stay) error) (*Report, error) {
	start := time.Now()
	rep := &Report{File: path}
	m, err := loadOptMapping(&opt)
	if err != nil {
		return rep, err
	}
	src, err := openPath(path, &opt, m, rep)
	if err != nil {
		return rep, fmt.Errorf("%s: %w", path, err)
	}
	defer src.close()
	err = readFrontPages(ctx, src, path, opt, m, rep, emit)
	rep.Duration = time.Since(start)
	return rep, err
}

// ReadFrontPagesFrom is ReadFrontPages for a stream (stdin, generated data);
// name is used in reports.
func ReadFrontPagesFrom(ctx context.Context, r io.Reader, name string, opt Options, emit func([]frontpage.Stay) error) (*Report, error) {
	start := time.Now()
	rep := &Report{File: name}
	m, err := loadOptMapping(&opt)
	if err != nil {
		return rep, err
	}
	src, err := openReader(r, &opt, m, rep)
	if err != nil {
		return rep, fmt.Errorf("%s: %w", name, err)
	}
	defer src.close()
	err = readFrontPages(ctx, src, name, opt, m, rep, emit)
	rep.Duration = time.Since(start)
	return rep, err
}

func loadOptMapping(opt *Options) (*Mapping, error) {
	if opt.Mapping != nil {
		return opt.Mapping, nil
	}
	if opt.MappingFile == "" {
		return nil, nil
	}
	return LoadMapping(opt.MappingFile)
}

// readHeader returns the first non-empty record (the header) and its line.
func readHeader(src source) ([]string, int, error) {
	for {
		text, offs, line, err := src.next()
		if err == io.EOF {
			return nil, 0, errEmpty
		}
		if err != nil {
			return nil, line, fmt.Errorf("表头 header: %w", err)
		}
		if rec := fields(text, offs); !blankRecord(rec) {
			return rec, line, nil
		}
	}
}

// blankText reports whether every field of a record is blank.
func blankText(text string, offs []uint32) bool {
	for k := 0; k < len(offs)/2; k++ {
		if strings.TrimSpace(field(text, offs, k)) != "" {
			return false
		}
	}
	return true
}

func blankRecord(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// buildPlan resolves the header into column actions and checks the required
// columns.
func buildPlan(header []string, m *Mapping, rep *Report) (*plan, error) {
	p := &plan{cols: make([]colAct, len(header)), checkWidth: rep.Format == "csv"}
	for i := range p.cols {
		p.cols[i].dx, p.cols[i].px = -1, -1
	}
	have := map[string]bool{}
	styles := map[string]int{}
	seenIgnored := map[string]bool{}
	for i, h := range header {
		nh := normHeader(h)
		p.cols[i].header = h
		if nh == "" || (m != nil && m.Ignore[nh]) {
			continue
		}
		var t target
		ok := false
		if m != nil {
			if code, found := m.Columns[nh]; found {
				t, ok = target{code: code}, true
				styles["mapping"]++
			}
		}
		if !ok {
			t, ok = resolveHeader(h)
			if ok {
				styles[styleOf(t.level)]++
			}
		}
		if !ok {
			if !seenIgnored[h] {
				seenIgnored[h] = true
				rep.IgnoredColumns = append(rep.IgnoredColumns, h)
			}
			continue
		}
		a := &p.cols[i]
		a.dx, a.px = -1, -1
		switch t.sp {
		case spIncisionCls, spIncisionHeal:
			a.kind, a.line = actIncisionCls, t.line
			if t.sp == spIncisionHeal {
				a.kind = actIncisionHeal
			}
			a.field, _ = frontpage.FieldByCode(incisionCode(t.line))
			p.incision = true
		case spAgeMonths:
			a.kind = actAgeMonths
			a.field, _ = frontpage.FieldByCode("A16")
		default:
			a.kind = actField
			a.field, _ = frontpage.FieldByCode(t.code)
		}
		if a.field == nil { // cannot happen with the built-in tables; be safe on user input
			a.kind = actSkip
			continue
		}
		have[a.field.Code] = true
		a.dx, a.px = dxLine(a.field), pxLine(a.field)
		if a.dx >= 0 {
			p.dxCols = addLine(p.dxCols, a.dx, i)
		}
		if a.px >= 0 {
			p.pxCols = addLine(p.pxCols, a.px, i)
		}
		if m != nil {
			a.recode = m.Values[a.field.Code]
			a.layout = m.DateFormats[a.field.Code]
		}
	}
	if m != nil {
		for code, v := range m.Defaults {
			f, _ := frontpage.FieldByCode(code)
			p.defaults = append(p.defaults, defaultVal{f, v})
			have[code] = true
		}
	}
	var missing []string
	for _, c := range requiredColumns {
		if !have[c] {
			f, _ := frontpage.FieldByCode(c)
			missing = append(missing, c+" "+f.NameCN)
		}
	}
	rep.HeaderStyle = majorityStyle(styles)
	if len(missing) > 0 {
		return nil, fmt.Errorf("缺少必填列 missing required columns: %s", strings.Join(missing, ", "))
	}
	return p, nil
}

func majorityStyle(styles map[string]int) string {
	best, n, total := "", 0, 0
	for _, s := range []string{"code", "chinese", "pinyin", "mapping"} {
		total += styles[s]
		if styles[s] > n {
			best, n = s, styles[s]
		}
	}
	if n*2 < total { // no style holds a majority
		return "mixed"
	}
	return best
}

// rawBatch is a batch of split records travelling from the reader to the
// converter: each record is one string, field boundaries are stored flat
// in offs (pointer-free, so the GC does not scan them).
type rawBatch struct {
	offs []uint32
	recs []rawRec
}

type rawRec struct {
	line       int
	text       string
	start, end int // range of offs
	err        *recordError
}

// convBatch is a batch of converted stays.
type convBatch struct {
	stays    []frontpage.Stay
	errs     []RowError
	rowsRead int
	bad      int
	good     int
}

func readFrontPages(ctx context.Context, src source, name string, opt Options, m *Mapping, rep *Report, emit func([]frontpage.Stay) error) error {
	header, _, err := readHeader(src)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	p, err := buildPlan(header, m, rep)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	batchSize := opt.BatchSize
	if batchSize <= 0 {
		batchSize = DefaultBatchSize
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Stage 1: read, decode and split. Stage 2: convert. The caller's
	// goroutine emits. Buffers of stage 1 are recycled through free.
	raws := make(chan *rawBatch, 2)
	free := make(chan *rawBatch, 4)
	convs := make(chan *convBatch, 1)
	readErr := make(chan error, 1)
	go func() {
		defer close(raws)
		readErr <- splitRecords(ctx, src, batchSize, raws, free)
	}()
	go func() {
		defer close(convs)
		c := newConverter(name, p, len(header), batchSize)
		for rb := range raws {
			cb := c.convert(rb)
			clear(rb.recs) // drop the record texts so a pooled batch does not pin them
			select {
			case free <- rb:
			default:
			}
			select {
			case convs <- cb:
			case <-ctx.Done():
				for range raws { // let the reader finish
				}
				return
			}
		}
	}()

	var emitErr error
	strictFailed := false
	for cb := range convs {
		rep.RowsRead += cb.rowsRead
		rep.RowsBad += cb.bad
		rep.RowsGood += cb.good
		for _, e := range cb.errs {
			if len(rep.Errors) < maxReportedErrors {
				rep.addError(e)
			}
		}
		if opt.Strict && rep.RowsBad > 0 {
			strictFailed = true
		}
		if emitErr == nil && !strictFailed && len(cb.stays) > 0 {
			if err := emit(cb.stays); err != nil {
				emitErr = err
				cancel()
			}
		}
		if opt.Progress != nil {
			opt.Progress(rep.RowsRead)
		}
	}
	if len(rep.Errors) == maxReportedErrors && rep.RowsBad > maxReportedErrors {
		rep.Notes = append(rep.Notes, fmt.Sprintf("只列出前 %d 个错误 only the first %d errors are listed", maxReportedErrors, maxReportedErrors))
	}
	if emitErr != nil {
		return emitErr
	}
	if err := <-readErr; err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if strictFailed {
		return fmt.Errorf("%s: 严格模式下有 %d 行无效 strict mode: %d bad rows (first: %s)", name, rep.RowsBad, rep.RowsBad, rep.Errors[0])
	}
	return nil
}

// splitRecords is stage 1.
func splitRecords(ctx context.Context, src source, batchSize int, out chan<- *rawBatch, free chan *rawBatch) error {
	get := func() *rawBatch {
		select {
		case b := <-free:
			b.offs, b.recs = b.offs[:0], b.recs[:0]
			return b
		default:
			return &rawBatch{recs: make([]rawRec, 0, batchSize)}
		}
	}
	send := func(b *rawBatch) error {
		select {
		case out <- b:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	b := get()
	for {
		text, offs, line, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			var re *recordError
			if !errors.As(err, &re) {
				return err
			}
			b.recs = append(b.recs, rawRec{line: line, err: re})
		} else {
			if blankText(text, offs) {
				continue
			}
			st := len(b.offs)
			b.offs = append(b.offs, offs...)
			b.recs = append(b.recs, rawRec{line: line, text: text, start: st, end: len(b.offs)})
		}
		if len(b.recs) >= batchSize {
			if err := send(b); err != nil {
				return err
			}
			b = get()
		}
	}
	if len(b.recs) > 0 {
		return send(b)
	}
	return nil
}

// converter is stage 2: records to stays.
type converter struct {
	name      string
	p         *plan
	ncols     int
	batchSize int
	cur       *convBatch
	batchSeq  int32
	seen      map[uint64]seenKey
	seed      maphash.Seed
	incCls    []string
	incHeal   []string
	incLines  []int
	rowErrs   []RowError
	dxArena   []frontpage.Diagnosis
	pxArena   []frontpage.Procedure
}

type seenKey struct {
	line  int32
	batch int32
	idx   int32
}

func newConverter(name string, p *plan, ncols, batchSize int) *converter {
	c := &converter{name: name, p: p, ncols: ncols, batchSize: batchSize, seen: map[uint64]seenKey{}, seed: maphash.MakeSeed()}
	if p.incision {
		c.incCls = make([]string, frontpage.MaxOtherProcedures+1)
		c.incHeal = make([]string, frontpage.MaxOtherProcedures+1)
	}
	c.newBatch()
	return c
}

func (c *converter) newBatch() {
	c.cur = &convBatch{stays: make([]frontpage.Stay, 0, c.batchSize)}
	c.batchSeq++
}

// convert converts a raw batch; it returns a full batch of stays (possibly
// with only errors) — output batches follow input batches one to one, so
// progress and errors flow at the reading pace.
func (c *converter) convert(rb *rawBatch) *convBatch {
	for i := range rb.recs {
		r := &rb.recs[i]
		c.cur.rowsRead++
		if r.err != nil {
			c.cur.bad++
			c.cur.errs = append(c.cur.errs, RowError{File: c.name, Line: r.line, ReasonCN: r.err.cn, ReasonEN: r.err.en})
			continue
		}
		c.row(r.text, rb.offs[r.start:r.end], r.line)
	}
	out := c.cur
	c.newBatch()
	return out
}

func (c *converter) rowErr(line int, a *colAct, cn, en string) {
	e := RowError{File: c.name, Line: line, ReasonCN: cn, ReasonEN: en}
	if a != nil {
		e.Column = a.header
		if a.field != nil {
			e.Field = a.field.Code
		}
	}
	c.rowErrs = append(c.rowErrs, e)
}

func (c *converter) fieldErr(line int, f *frontpage.Field, cn, en string) {
	c.rowErrs = append(c.rowErrs, RowError{File: c.name, Line: line, Column: f.Code, Field: f.Code, ReasonCN: cn, ReasonEN: en})
}

func (c *converter) row(text string, offs []uint32, line int) {
	c.rowErrs = c.rowErrs[:0]
	n := len(offs) / 2
	if c.p.checkWidth && n != c.ncols && !(n > c.ncols && blankText(text, offs[2*c.ncols:])) {
		c.rowErr(line, nil, fmt.Sprintf("列数不符：应为 %d 列，实际 %d 列（文件截断或引号未闭合？）", c.ncols, n),
			fmt.Sprintf("wrong number of columns: want %d, got %d (truncated file or unterminated quote?)", c.ncols, n))
		c.finishBad()
		return
	}
	// Size the diagnosis and procedure lists once, from per-batch arenas,
	// instead of growing them cell by cell.
	cols := c.p.cols[:min(n, c.ncols)]
	maxDx, maxPx := lastLine(c.p.dxCols, offs), lastLine(c.p.pxCols, offs)
	c.cur.stays = append(c.cur.stays, frontpage.Stay{})
	s := &c.cur.stays[len(c.cur.stays)-1]
	if maxDx >= 0 {
		s.Diagnoses = c.dxSlice(maxDx + 1)
	}
	if maxPx >= 0 {
		s.Procedures = c.pxSlice(maxPx + 1)
	}
	for ci := range cols {
		if offs[2*ci] == offs[2*ci+1] {
			continue
		}
		a := &cols[ci]
		if a.kind == actSkip {
			continue
		}
		cell := field(text, offs, ci)
		if isSpace(cell[0]) || isSpace(cell[len(cell)-1]) {
			if cell = strings.TrimSpace(cell); cell == "" {
				continue
			}
		}
		if len(cell) <= 3 && (cell == "-" || cell == "—" || cell == "－") { // frontpage.IsBlank, already trimmed
			continue
		}
		switch a.kind {
		case actField:
			v := cell
			if a.recode != nil {
				if nv, ok := a.recode[v]; ok {
					if v = strings.TrimSpace(nv); frontpage.IsBlank(v) {
						continue
					}
				}
			}
			if a.layout != "" {
				t, err := time.Parse(a.layout, v)
				if err != nil {
					c.rowErr(line, a, "日期与映射文件的 date_format 不符", fmt.Sprintf("date does not match date_format %q: %q", a.layout, v))
					continue
				}
				v = frontpage.FormatDateTime(t)
			}
			if err := a.field.SetTrimmed(s, v); err != nil {
				c.setErr(line, a, err)
			}
		case actIncisionCls:
			c.incCls[a.line] = cell
			c.incLines = append(c.incLines, a.line)
		case actIncisionHeal:
			c.incHeal[a.line] = cell
			c.incLines = append(c.incLines, a.line)
		case actAgeMonths:
			days, err := monthsToDays(cell)
			if err != nil {
				c.rowErr(line, a, "不足1周岁年龄（月）无法识别", fmt.Sprintf("age under one year (months) not recognised: %q (use 3 or \"3 15/30\")", cell))
				continue
			}
			if days >= 0 {
				if err := a.field.SetTrimmed(s, strconv.Itoa(days)); err != nil {
					c.setErr(line, a, err)
				}
			}
		}
	}
	for _, ln := range c.incLines {
		if v := combineIncision(c.incCls[ln], c.incHeal[ln]); v != "" {
			f, _ := frontpage.FieldByCode(incisionCode(ln))
			_ = f.Set(s, v) // code field: cannot fail
		}
		c.incCls[ln], c.incHeal[ln] = "", ""
	}
	c.incLines = c.incLines[:0]
	for _, d := range c.p.defaults {
		if d.field.Get(s) == "" {
			_ = d.field.Set(s, d.value) // validated when the mapping was parsed
		}
	}
	c.checkStay(s, line)
	if len(c.rowErrs) > 0 {
		c.cur.stays = c.cur.stays[:len(c.cur.stays)-1]
		c.finishBad()
		return
	}
	s.Normalize()
	c.add(line)
}

func isSpace(b byte) bool {
	return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == 0xE3 /* start of U+3000 ideographic space */
}

func (c *converter) dxSlice(n int) []frontpage.Diagnosis {
	if len(c.dxArena)+n > cap(c.dxArena) {
		c.dxArena = make([]frontpage.Diagnosis, 0, max(n, 8*c.batchSize))
	}
	off := len(c.dxArena)
	c.dxArena = c.dxArena[:off+n]
	return c.dxArena[off : off+n : off+n]
}

func (c *converter) pxSlice(n int) []frontpage.Procedure {
	if len(c.pxArena)+n > cap(c.pxArena) {
		c.pxArena = make([]frontpage.Procedure, 0, max(n, 4*c.batchSize))
	}
	off := len(c.pxArena)
	c.pxArena = c.pxArena[:off+n]
	return c.pxArena[off : off+n : off+n]
}

// dxLine is the diagnosis line a field feeds (0 = principal), or -1.
func dxLine(f *frontpage.Field) int {
	switch {
	case f.Code == "C03C" || f.Code == "C04N" || f.Code == "C05C":
		return 0
	case isOtherDx(f.Code):
		return f.Index
	}
	return -1
}

// pxLine is the procedure line a field feeds (0 = principal), or -1.
func pxLine(f *frontpage.Field) int {
	switch {
	case isOtherPx(f.Code):
		return f.Index
	case f.Group == "procedure" || strings.HasPrefix(f.Code, "YS10x"):
		return 0
	}
	return -1
}

func (c *converter) setErr(line int, a *colAct, err error) {
	if a.field.Identity { // never echo identity values
		c.rowErr(line, a, "值无效", "invalid value")
		return
	}
	cn, en := splitReason(err.Error())
	c.rowErr(line, a, cn, en)
}

// checkStay applies the row-level rules that make a stay unusable.
func (c *converter) checkStay(s *frontpage.Stay, line int) {
	has := func(code string) bool {
		for _, e := range c.rowErrs {
			if e.Field == code {
				return true
			}
		}
		return false
	}
	miss := func(code string) {
		if has(code) {
			return
		}
		f, _ := frontpage.FieldByCode(code)
		c.fieldErr(line, f, "缺少"+f.NameCN+"（病例主键）", "missing "+f.NameEN+" (part of the episode key)")
	}
	if s.OrgCode == "" {
		miss("A01")
	}
	if s.MRN == "" {
		miss("A48")
	}
	if s.AdmissionNo == 0 {
		miss("A49")
	}
	if !s.AdmTime.IsZero() && !s.DisTime.IsZero() && s.DisTime.Before(s.AdmTime) {
		f, _ := frontpage.FieldByCode("B15")
		c.fieldErr(line, f, "出院时间早于入院时间", fmt.Sprintf("discharge (%s) before admission (%s)",
			frontpage.FormatDateTime(s.DisTime), frontpage.FormatDateTime(s.AdmTime)))
	}
}

func (c *converter) finishBad() {
	c.cur.bad++
	c.cur.errs = append(c.cur.errs, c.rowErrs...)
	c.rowErrs = c.rowErrs[:0]
}

// add keeps the stay just built at the end of the batch, handling
// duplicates (the last occurrence wins).
func (c *converter) add(line int) {
	last := len(c.cur.stays) - 1
	s := &c.cur.stays[last]
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(s.OrgCode)
	h.WriteByte(0)
	h.WriteString(s.MRN)
	h.WriteByte(0)
	h.WriteString(strconv.Itoa(s.AdmissionNo))
	k := h.Sum64()
	if prev, dup := c.seen[k]; dup {
		c.cur.errs = append(c.cur.errs, RowError{File: c.name, Line: line, Field: "A48",
			ReasonCN: fmt.Sprintf("重复病例（与第 %d 行的 A01+A48+A49 相同），保留后出现的本行", prev.line),
			ReasonEN: fmt.Sprintf("duplicate stay (same A01+A48+A49 as line %d); this later row is kept", prev.line)})
		c.cur.bad++ // the superseded earlier row is not imported
		if prev.batch == c.batchSeq {
			c.cur.stays[prev.idx] = *s
			c.cur.stays = c.cur.stays[:last]
			c.seen[k] = seenKey{line: int32(line), batch: prev.batch, idx: prev.idx}
			return
		}
		c.cur.good-- // the earlier row was counted good in an earlier batch
	}
	c.cur.good++
	c.seen[k] = seenKey{line: int32(line), batch: c.batchSeq, idx: int32(last)}
}

// monthsToDays converts the old interface's age-under-one-year in months to
// days. Forms: "3" (months), "3.5", "3 15/30" or "15/30" (paper-form
// notation: months plus days out of 30). A month counts as 30 days, which is
// what the paper form's "/30" notation assumes; the error is at most a day or
// two per month. Returns -1 for a blank cell.
func monthsToDays(v string) (int, error) {
	v = strings.TrimSpace(v)
	if frontpage.IsBlank(v) {
		return -1, nil
	}
	months, days := 0.0, 0
	parts := strings.Fields(v)
	if len(parts) > 2 {
		return 0, errors.New("bad months")
	}
	for i, p := range parts {
		if num, den, ok := strings.Cut(p, "/"); ok {
			if i != len(parts)-1 || den != "30" {
				return 0, errors.New("bad fraction")
			}
			d, err := strconv.Atoi(num)
			if err != nil || d < 0 || d >= 31 {
				return 0, errors.New("bad days")
			}
			days = d
			continue
		}
		if i != 0 {
			return 0, errors.New("bad months")
		}
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || f < 0 || f > 24 || f != f {
			return 0, errors.New("bad months")
		}
		months = f
	}
	return int(months*30+0.5) + days, nil
}
