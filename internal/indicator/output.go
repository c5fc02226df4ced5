package indicator

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Header lines every output starts with: what was computed, from which data
// and with which catalogue versions (and fallbacks).
func (r *Result) Header() []string {
	q := r.Query
	out := []string{
		fmt.Sprintf("国考及运营指标 indicators %d, 按%s by %s, 期间 period %s", q.Year, q.By.Chinese(), q.By, q.Period),
		"数据来源 data source: " + r.Provenance.DataSource,
	}
	if len(r.Provenance.Catalogs) == 0 {
		out = append(out, "目录 catalogues: (无记录 none recorded)")
	}
	for _, c := range r.Provenance.Catalogs {
		out = append(out, "目录 catalogue "+c)
	}
	for _, n := range r.Provenance.Notes {
		out = append(out, "说明 note: "+n)
	}
	out = append(out, "计数规则 counting: 按出院时间(B15)，人数不是台次（另注明者除外）；比率为分子之和÷分母之和 discharges by B15, persons not operations unless stated; ratio of sums")
	return out
}

// Columns of the flat outputs (table, CSV, XLSX).
var flatHeader = []string{"机构 org", "维度 key", "名称 label", "期间 period", "代码 code", "指标 indicator", "国考 GK", "分子 numerator", "分母 denominator",
	"值 value", "单位 unit", "状态 status", "去年同期 last year", "同比变化 YoY abs", "同比% YoY %", "同比评价 YoY mark",
	"上期 prev period", "环比变化 PoP abs", "环比% PoP %", "环比评价 PoP mark", "方向 direction"}

func fnum(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 4, 64)
}

func fval(v float64, ok bool) string { return fvalN(v, ok, 2) }

func fvalN(v float64, ok bool, prec int) string {
	if !ok {
		return ""
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

// Rows flattens the result: one row per cell × indicator.
func (r *Result) Rows() [][]string {
	var rows [][]string
	for _, c := range r.Cells {
		for i, d := range r.Defs {
			v := c.Values[i]
			den := ""
			if v.HasDen {
				den = fnum(v.Den)
			}
			num := fnum(v.Num)
			if v.Status != "" && !v.Valid && v.Num == 0 {
				num = ""
			}
			// Indices (CMI, consumption indices) live near 1: four decimals.
			prec := 2
			if d.Unit == "" {
				prec = 4
			}
			rows = append(rows, []string{c.Org, c.Key, c.Label, c.Period, d.Code, d.NameCN, d.GK(), num, den,
				fvalN(v.Value, v.Valid, prec), d.Unit, v.Status,
				fvalN(v.YoY.Value, v.YoY.Valid, prec), fvalN(v.YoY.Abs, v.Valid && v.YoY.Valid, prec), fval(v.YoY.Rel, v.Valid && v.YoY.RelValid), v.YoY.Mark.Chinese(),
				fvalN(v.PoP.Value, v.PoP.Valid, prec), fvalN(v.PoP.Abs, v.Valid && v.PoP.Valid, prec), fval(v.PoP.Rel, v.Valid && v.PoP.RelValid), v.PoP.Mark.Chinese(),
				d.Direction.Chinese()})
		}
	}
	return rows
}

// width is the display width of s in a terminal (CJK and full-width forms
// take two columns).
func width(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r >= 0x1100 && (r <= 0x115f || r == 0x2329 || r == 0x232a ||
			(r >= 0x2e80 && r <= 0xa4cf && r != 0x303f) || (r >= 0xac00 && r <= 0xd7a3) ||
			(r >= 0xf900 && r <= 0xfaff) || (r >= 0xfe30 && r <= 0xfe4f) || (r >= 0xff00 && r <= 0xff60) ||
			(r >= 0xffe0 && r <= 0xffe6)):
			n += 2
		default:
			n++
		}
	}
	return n
}

// WriteAligned writes rows as aligned text columns.
func WriteAligned(w io.Writer, header []string, rows [][]string) error {
	ws := make([]int, len(header))
	for i, h := range header {
		ws[i] = width(h)
	}
	for _, r := range rows {
		for i, c := range r {
			if i < len(ws) && width(c) > ws[i] {
				ws[i] = width(c)
			}
		}
	}
	var b strings.Builder
	line := func(r []string) {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", ws[i]-width(c)+2))
			}
		}
		b.WriteString("\n")
	}
	line(header)
	for _, r := range rows {
		line(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// tableCols picks the compact column set of the text table from flatHeader.
var tableCols = []int{0, 1, 2, 3, 5, 7, 8, 9, 10, 11, 12, 14, 15, 16, 18, 19}

// WriteTable writes the result as aligned Chinese text.
func (r *Result) WriteTable(w io.Writer) error {
	for _, h := range r.Header() {
		if _, err := fmt.Fprintln(w, "# "+h); err != nil {
			return err
		}
	}
	pick := func(row []string) []string {
		out := make([]string, len(tableCols))
		for i, c := range tableCols {
			out[i] = row[c]
		}
		return out
	}
	var rows [][]string
	for _, row := range r.Rows() {
		rows = append(rows, pick(row))
	}
	return WriteAligned(w, pick(flatHeader), rows)
}

// WriteCSV writes the header lines as # comments, then the flat rows.
func (r *Result) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil { // BOM: Excel opens UTF-8 CSV correctly
		return err
	}
	cw := csv.NewWriter(w)
	for _, h := range r.Header() {
		if err := cw.Write([]string{"# " + h}); err != nil {
			return err
		}
	}
	if err := cw.Write(flatHeader); err != nil {
		return err
	}
	if err := cw.WriteAll(r.Rows()); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the whole result (header lines included) as JSON.
func (r *Result) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(struct {
		Header []string `json:"header"`
		*Result
	}{r.Header(), r})
}

// WriteXLSX writes a workbook: sheet 指标 with the flat rows, sheet 说明 with
// the header lines and the definitions used.
func (r *Result) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	const data, notes = "指标 indicators", "说明 notes"
	if err := f.SetSheetName("Sheet1", data); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(data)
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	row := 1
	put := func(vals []string, numeric map[int]bool) error {
		cells := make([]any, len(vals))
		for i, v := range vals {
			cells[i] = v
			if numeric[i] && v != "" {
				if x, err := strconv.ParseFloat(v, 64); err == nil {
					cells[i] = x
				}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, row)
		row++
		return sw.SetRow(cell, cells)
	}
	if err := put(flatHeader, nil); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	num := map[int]bool{7: true, 8: true, 9: true, 12: true, 13: true, 14: true, 16: true, 17: true, 18: true}
	for _, r := range r.Rows() {
		if err := put(r, num); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if _, err := f.NewSheet(notes); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	lines := r.Header()
	lines = append(lines, "")
	for _, d := range r.Defs {
		lines = append(lines, fmt.Sprintf("%s %s (%s): 分子 numerator = %s; 分母 denominator = %s; %s", d.Code, d.NameCN, d.GK(), d.Numerator, d.Denominator, d.Counting))
	}
	for i, l := range lines {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetCellStr(notes, cell, l); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	return nil
}

// ListRows describes the registry for `yardstick indicators list`.
func ListRows(defs []*Def) (header []string, rows [][]string) {
	header = []string{"代码 code", "国考 GK", "名称 name", "English", "分子 numerator", "分母 denominator", "单位 unit", "方向 direction", "来源 source", "计数 counting", "版本 version"}
	for _, d := range defs {
		num, den := d.Numerator, d.Denominator
		if d.Kind == KindGrowth {
			num, den = "growth of "+d.Base, "(上年同期 same period last year)"
		}
		rows = append(rows, []string{d.Code, d.GK(), d.NameCN, d.NameEN, num, den, d.Unit, string(d.Direction), d.Source, d.Counting, fmt.Sprint(d.Version)})
	}
	return header, rows
}

// DrillRows flattens a drill-down list.
func DrillRows(refs []StayRef) (header []string, rows [][]string) {
	header = []string{"stay_id", "机构 org", "病案号 mrn", "住院次数 admission_no", "出院科室 dept", "出院日期 discharge", "计入值 value", "分组 group"}
	for _, r := range refs {
		d := ""
		if !r.Discharge.IsZero() {
			d = r.Discharge.Format("2006-01-02")
		}
		rows = append(rows, []string{fmt.Sprint(r.StayID), r.Org, r.MRN, fmt.Sprint(r.AdmissionNo), r.Dept, d, fnum(r.Value), r.Group})
	}
	return header, rows
}
