package catalog

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// ReadFile reads a CSV (UTF-8, UTF-8 with BOM or GBK) or XLSX file (first
// sheet) into rows.
func ReadFile(ctx context.Context, path string) ([][]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		f, err := excelize.OpenFile(path)
		if err != nil {
			return nil, fmt.Errorf("打开 open %s: %w", path, err)
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, fmt.Errorf("%s: 没有工作表 no sheet", path)
		}
		rows, err := f.GetRows(sheets[0])
		if err != nil {
			return nil, fmt.Errorf("读取 read %s: %w", path, err)
		}
		return rows, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("读取 read %s: %w", path, err)
	}
	rows, err := ParseCSV(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return rows, nil
}

// ParseCSV decodes CSV bytes in UTF-8 (with or without BOM) or GBK.
func ParseCSV(b []byte) ([][]string, error) {
	b = bytes.TrimPrefix(b, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(b) {
		d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
		if err != nil {
			return nil, fmt.Errorf("无法识别编码 cannot decode (neither UTF-8 nor GBK): %w", err)
		}
		b = d
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var rows [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("CSV: %w", err)
		}
		rows = append(rows, rec)
	}
	return rows, nil
}

// header aliases, matched after lower-casing and removing spaces.
var (
	hCode = []string{"code", "编码", "代码", "手术编码", "手术操作编码", "国家临床版3.0手术编码", "国临版编码", "code_gl30", "icd", "icd10", "诊断编码", "主要编码"}
	hTo   = []string{"code_to", "to", "至", "结束编码", "终止编码"}
	hName = []string{"name", "名称", "手术名称", "手术操作名称", "国家临床版3.0手术名称", "name_gl30", "诊断名称"}
	hCat  = []string{"category", "类别", "手术类别", "手术操作类别"}
	hL4   = []string{"gk_level4", "绩效考核四级手术标识", "四级手术标识", "四级手术"}
	hMIS  = []string{"gk_minimally_invasive", "绩效考核微创手术标识", "微创手术标识", "微创手术"}
	hDay  = []string{"day_surgery", "日间手术标识", "日间手术"}
)

func findCol(header []string, names []string) int {
	for i, h := range header {
		h = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(h), " ", ""))
		h = strings.TrimPrefix(h, "\ufeff")
		for _, n := range names {
			if h == strings.ToLower(n) {
				return i
			}
		}
	}
	return -1
}

func truthy(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "是", "y", "yes", "true", "√", "✓", "t":
		return true
	}
	return false
}

// Parse turns rows (first row = header) into entries of the given kind. It
// accepts a plain list (编码 code, 名称 name[, 类别 category][, 至 code_to])
// and the merged hospital dictionary of the standards notes §4.2 (国家临床版3.0
// 手术编码, 手术类别, 绩效考核四级手术标识, 绩效考核微创手术标识, 日间手术标识…),
// from which it takes the column that belongs to the kind. A complication
// code may also be written "T82.0–T87.6" (or with "-"/"~") in the code column.
// Bad lines are returned as problems (line numbers 1-based, header = 1)
// rather than failing the import.
func Parse(kind Kind, rows [][]string) (entries []Entry, problems []string, err error) {
	if len(rows) < 2 {
		return nil, nil, fmt.Errorf("文件没有数据行 no data rows")
	}
	h := rows[0]
	ci := findCol(h, hCode)
	if ci < 0 {
		return nil, nil, fmt.Errorf("缺少编码列 missing code column (编码/code/国家临床版3.0手术编码)")
	}
	ni, ti := findCol(h, hName), findCol(h, hTo)
	flag := -1
	switch kind {
	case Level4:
		flag = findCol(h, hL4)
	case MinInvasive:
		flag = findCol(h, hMIS)
	case DaySurgery:
		flag = findCol(h, hDay)
	}
	cat := findCol(h, hCat)
	if kind == Category && cat < 0 {
		return nil, nil, fmt.Errorf("缺少类别列 missing category column (类别/手术类别/category)")
	}
	seen := map[string]bool{}
	for li, r := range rows[1:] {
		line := li + 2
		get := func(i int) string {
			if i < 0 || i >= len(r) {
				return ""
			}
			return strings.TrimSpace(r[i])
		}
		code := get(ci)
		if code == "" {
			continue
		}
		if flag >= 0 && !truthy(get(flag)) {
			continue
		}
		e := Entry{Code: NormCode(code), Name: get(ni), CodeTo: NormCode(get(ti))}
		if kind == Complication && e.CodeTo == "" {
			for _, sep := range []string{"–", "—", "~", "-"} {
				if lo, hi, ok := strings.Cut(code, sep); ok && lo != "" && hi != "" {
					e.Code, e.CodeTo = NormCode(lo), NormCode(hi)
					break
				}
			}
		}
		if kind != Complication && e.CodeTo != "" {
			problems = append(problems, fmt.Sprintf("第%d行 line %d: 只有并发症目录支持编码范围 only complication lists take ranges", line, line))
			continue
		}
		if kind == Category {
			e.Value = NormalizeCategory(get(cat))
			if e.Value == "" {
				problems = append(problems, fmt.Sprintf("第%d行 line %d: 未知类别 unknown category %q", line, line, get(cat)))
				continue
			}
		}
		key := e.Code + "|" + e.CodeTo
		if seen[key] {
			continue
		}
		seen[key] = true
		entries = append(entries, e)
	}
	if len(entries) == 0 {
		return nil, problems, fmt.Errorf("没有可用的条目 no usable entries for %s", kind)
	}
	return entries, problems, nil
}
