package ingest

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// WriteOptions control the CSV and XLSX writers.
type WriteOptions struct {
	Encoding string   // "utf-8" (default), "utf-8-bom", "gbk", "gb18030" (CSV only)
	Headers  string   // "code" (default), "chinese", "pinyin"
	Columns  []string // optional subset/order of national field codes; default: the wide layout below
	// MaxDx and MaxPx bound the wide layout: every registry field, but only
	// other diagnoses 1..MaxDx and other procedures 1..MaxPx. 0 means the full
	// national layout (40 each). A stay that does not fit makes Write fail
	// rather than silently lose lines.
	MaxDx, MaxPx int
}

// outCol is one output column: a header and how to get the cell from a stay.
type outCol struct {
	header string
	get    func(*frontpage.Stay) string
}

// CSVWriter streams stays as CSV.
type CSVWriter struct {
	cw           *csv.Writer
	cols         []outCol
	rec          []string
	maxDx, maxPx int
	wroteHeader  bool
}

// NewCSVWriter returns a writer; the header is written with the first stay
// (or by Flush when no stay was written).
func NewCSVWriter(w io.Writer, opt WriteOptions) (*CSVWriter, error) {
	cols, maxDx, maxPx, err := layout(opt)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(opt.Encoding) {
	case "", "utf-8", "utf8":
	case "utf-8-bom":
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return nil, fmt.Errorf("write BOM: %w", err)
		}
	case "gbk":
		w = transform.NewWriter(w, simplifiedchinese.GBK.NewEncoder())
	case "gb18030":
		w = transform.NewWriter(w, simplifiedchinese.GB18030.NewEncoder())
	default:
		return nil, fmt.Errorf("不支持的编码 unsupported encoding %q", opt.Encoding)
	}
	return &CSVWriter{cw: csv.NewWriter(w), cols: cols, rec: make([]string, len(cols)), maxDx: maxDx, maxPx: maxPx}, nil
}

func (w *CSVWriter) header() error {
	if w.wroteHeader {
		return nil
	}
	w.wroteHeader = true
	for i, c := range w.cols {
		w.rec[i] = c.header
	}
	if err := w.cw.Write(w.rec); err != nil {
		return fmt.Errorf("write header: %w", err)
	}
	return nil
}

// Write writes one stay.
func (w *CSVWriter) Write(s *frontpage.Stay) error {
	if err := w.header(); err != nil {
		return err
	}
	if err := fits(s, w.maxDx, w.maxPx); err != nil {
		return err
	}
	for i, c := range w.cols {
		w.rec[i] = c.get(s)
	}
	if err := w.cw.Write(w.rec); err != nil {
		return fmt.Errorf("write stay: %w", err)
	}
	return nil
}

// Flush writes buffered data (and the header if nothing was written yet).
func (w *CSVWriter) Flush() error {
	if err := w.header(); err != nil {
		return err
	}
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		return fmt.Errorf("flush csv: %w", err)
	}
	return nil
}

func fits(s *frontpage.Stay, maxDx, maxPx int) error {
	if n := len(s.Diagnoses) - 1; n > maxDx {
		return fmt.Errorf("病例有 %d 个其他诊断, 布局只有 %d 列 stay has %d other diagnoses, layout holds %d", n, maxDx, n, maxDx)
	}
	if n := len(s.Procedures) - 1; n > maxPx {
		return fmt.Errorf("病例有 %d 个其他手术, 布局只有 %d 列 stay has %d other procedures, layout holds %d", n, maxPx, n, maxPx)
	}
	if len(s.ICU) > frontpage.MaxICUStays {
		return fmt.Errorf("重症监护超过 %d 次 more than %d ICU stays", frontpage.MaxICUStays, frontpage.MaxICUStays)
	}
	return nil
}

// layout builds the output columns.
func layout(opt WriteOptions) ([]outCol, int, int, error) {
	maxDx, maxPx := opt.MaxDx, opt.MaxPx
	if maxDx <= 0 || maxDx > frontpage.MaxOtherDiagnoses {
		maxDx = frontpage.MaxOtherDiagnoses
	}
	if maxPx <= 0 || maxPx > frontpage.MaxOtherProcedures {
		maxPx = frontpage.MaxOtherProcedures
	}
	var fields []*frontpage.Field
	if len(opt.Columns) > 0 {
		for _, c := range opt.Columns {
			f, ok := frontpage.FieldByCode(c)
			if !ok {
				return nil, 0, 0, fmt.Errorf("未知字段 unknown field %q", c)
			}
			fields = append(fields, f)
		}
		// A subset may drop lines; only the listed indices are checked by fits
		// when the caller asked for the full layout.
		maxDx, maxPx = frontpage.MaxOtherDiagnoses, frontpage.MaxOtherProcedures
	} else {
		for _, f := range frontpage.Fields() {
			if isOtherDx(f.Code) && f.Index > maxDx || isOtherPx(f.Code) && f.Index > maxPx {
				continue
			}
			fields = append(fields, f)
		}
	}
	var cols []outCol
	for _, f := range fields {
		f := f
		switch opt.Headers {
		case "", "code":
			cols = append(cols, outCol{f.Code, f.Get})
		case "chinese":
			cols = append(cols, outCol{f.NameCN, f.Get})
		case "pinyin":
			cols = append(cols, pinyinCols(f)...)
		default:
			return nil, 0, 0, fmt.Errorf("未知表头样式 unknown header style %q (code, chinese, pinyin)", opt.Headers)
		}
	}
	return cols, maxDx, maxPx, nil
}

func isOtherDx(code string) bool {
	return strings.HasPrefix(code, "C06x") || strings.HasPrefix(code, "C07x") || strings.HasPrefix(code, "C08x")
}

func isOtherPx(code string) bool {
	if strings.HasPrefix(code, "YS11x") {
		return true
	}
	if len(code) < 4 || code[0] != 'C' || code[3] != 'x' {
		return false
	}
	n, err := strconv.Atoi(code[1:3])
	return err == nil && n >= 35 && n <= 44
}

// pinyinCols writes a field under its legacy pinyin name, in the old
// interface's units: incision as the split QKDJn/QKYHLBn pair, the under-one
// age in months ("3 15/30"). Fields the old interface lacks keep their
// national code so a pinyin file still carries everything.
func pinyinCols(f *frontpage.Field) []outCol {
	if line, ok := incisionLine(f.Code); ok {
		n := strconv.Itoa(line + 1)
		return []outCol{
			{"QKDJ" + n, func(s *frontpage.Stay) string { c, _ := splitIncision(f.Get(s)); return c }},
			{"QKYHLB" + n, func(s *frontpage.Stay) string { _, h := splitIncision(f.Get(s)); return h }},
		}
	}
	if f.Code == "A16" {
		return []outCol{{"BZYZSNL", func(s *frontpage.Stay) string {
			if !s.AgeDays.Valid {
				return ""
			}
			m, d := s.AgeDays.V/30, s.AgeDays.V%30
			if d == 0 {
				return strconv.Itoa(m)
			}
			return fmt.Sprintf("%d %d/30", m, d)
		}}}
	}
	if p := PinyinHeader(f.Code); p != "" {
		return []outCol{{p, f.Get}}
	}
	return []outCol{{f.Code, f.Get}}
}

// incisionLine reports whether code is an RC014 incision field and its
// procedure line (0 = principal).
func incisionLine(code string) (int, bool) {
	if code == "C21x01C" {
		return 0, true
	}
	if strings.HasPrefix(code, "C42x") && len(code) == 7 {
		n, err := strconv.Atoi(code[4:6])
		if err == nil {
			return n, true
		}
	}
	return 0, false
}

// WriteXLSX writes stays to an .xlsx file with excelize's streaming writer.
// Cells are written as text so values round-trip exactly.
func WriteXLSX(path string, stays []frontpage.Stay, opt WriteOptions) error {
	cols, maxDx, maxPx, err := layout(opt)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return fmt.Errorf("xlsx stream writer: %w", err)
	}
	row := make([]any, len(cols))
	for i, c := range cols {
		row[i] = c.header
	}
	if err := sw.SetRow("A1", row); err != nil {
		return fmt.Errorf("xlsx header: %w", err)
	}
	for n := range stays {
		s := &stays[n]
		if err := fits(s, maxDx, maxPx); err != nil {
			return err
		}
		for i, c := range cols {
			// Empty cells are left out, as Excel itself does; writing them
			// would more than double the sheet XML of a wide layout.
			if v := c.get(s); v != "" {
				row[i] = v
			} else {
				row[i] = nil
			}
		}
		cell, err := excelize.CoordinatesToCellName(1, n+2)
		if err != nil {
			return fmt.Errorf("xlsx row %d: %w", n+2, err)
		}
		if err := sw.SetRow(cell, row); err != nil {
			return fmt.Errorf("xlsx row %d: %w", n+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx flush: %w", err)
	}
	if err := f.SaveAs(path); err != nil {
		return fmt.Errorf("save %s: %w", path, err)
	}
	return nil
}
