package ingest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// Mapping is a parsed hospital mapping file. The format is line based; see
// ParseMapping and docs/import.md.
type Mapping struct {
	File        string
	Columns     map[string]string            // normalised source header → national code
	Ignore      map[string]bool              // normalised source headers ignored without a note
	Values      map[string]map[string]string // code → source value → value to store
	Defaults    map[string]string            // code → value used when the column is absent or the cell blank
	DateFormats map[string]string            // code → Go time layout
	Encoding    string                       // forced encoding ("" = sniff)
	Sheet       string                       // xlsx sheet name ("" = first sheet)
}

// LoadMapping reads and parses a mapping file.
func LoadMapping(path string) (*Mapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("读取映射文件 read mapping file: %w", err)
	}
	return ParseMapping(path, bytes.NewReader(data))
}

// ParseMapping parses the mapping format:
//
//	# comment (a # at the start of a line or after a space starts a comment)
//	column <source header> = <code or any recognised header>
//	value <field> <source value> = <stored value>
//	default <field> = <value>
//	date_format <field> = <layout>       (Go layout 2006-01-02 15:04, or yyyy-MM-dd HH:mm)
//	ignore <source header>
//	encoding utf-8|gbk|gb18030
//	sheet <xlsx sheet name>
//
// <field> is a national code or any header spelling the importer recognises.
// Any token may be written in double quotes (Go syntax) to include spaces,
// '=' or '#'. Errors name the file and line.
func ParseMapping(name string, r io.Reader) (*Mapping, error) {
	m := &Mapping{File: name, Columns: map[string]string{}, Ignore: map[string]bool{},
		Values: map[string]map[string]string{}, Defaults: map[string]string{}, DateFormats: map[string]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		if err := m.parseLine(sc.Text(), lineNo == 1); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, lineNo, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: 读取映射文件 read mapping file: %w", name, lineNo+1, err)
	}
	return m, nil
}

func mapErr(cn, en string, args ...any) error {
	return fmt.Errorf(cn+" "+en, args...)
}

func (m *Mapping) parseLine(line string, first bool) error {
	if !utf8.ValidString(line) {
		return mapErr("映射文件必须是 UTF-8", "mapping file must be UTF-8")
	}
	if first {
		line = strings.TrimPrefix(line, "\ufeff")
	}
	line, err := stripComment(line)
	if err != nil {
		return err
	}
	line = strings.TrimSpace(line)
	if line == "" {
		return nil
	}
	kw, rest, _ := strings.Cut(line, " ")
	if i := strings.IndexAny(kw, "\t"); i >= 0 {
		kw, rest = line[:i], line[i+1:]
	}
	rest = strings.TrimSpace(rest)
	switch kw {
	case "column":
		lhs, rhs, err := splitAssign(rest)
		if err != nil {
			return err
		}
		src, err := unquote(lhs)
		if err != nil {
			return err
		}
		dst, err := unquote(rhs)
		if err != nil {
			return err
		}
		code, err := mappingField(dst)
		if err != nil {
			return err
		}
		if normHeader(src) == "" {
			return mapErr("列名为空", "empty column name")
		}
		m.Columns[normHeader(src)] = code
	case "value":
		lhs, rhs, err := splitAssign(rest)
		if err != nil {
			return err
		}
		fieldTok, srcVal := splitFirstToken(lhs)
		f, err := unquote(fieldTok)
		if err != nil {
			return err
		}
		code, err := mappingField(f)
		if err != nil {
			return err
		}
		from, err := unquote(srcVal)
		if err != nil {
			return err
		}
		to, err := unquote(rhs)
		if err != nil {
			return err
		}
		if from == "" {
			return mapErr("缺少原值: value <字段> <原值> = <新值>", "missing source value: value <field> <from> = <to>")
		}
		if m.Values[code] == nil {
			m.Values[code] = map[string]string{}
		}
		m.Values[code][strings.TrimSpace(from)] = to
	case "default":
		code, v, err := fieldAssign(rest)
		if err != nil {
			return err
		}
		fld, _ := frontpage.FieldByCode(code)
		var probe frontpage.Stay
		if err := fld.Set(&probe, v); err != nil {
			cn, en := splitReason(err.Error())
			return fmt.Errorf("默认值无效 invalid default for %s: %s / %s", code, cn, en)
		}
		m.Defaults[code] = v
	case "date_format":
		code, layout, err := fieldAssign(rest)
		if err != nil {
			return err
		}
		fld, _ := frontpage.FieldByCode(code)
		if fld.Kind != frontpage.KindDate && fld.Kind != frontpage.KindDateTime {
			return mapErr("%s 不是日期字段", "%s is not a date field", code, code)
		}
		layout = javaLayout(layout)
		if !strings.Contains(layout, "2006") && !strings.Contains(layout, "06") {
			return mapErr("日期格式缺少年份 (2006 或 yyyy)", "date layout lacks a year (2006 or yyyy): %q", layout)
		}
		probe := time.Date(2021, 3, 5, 14, 30, 7, 0, time.UTC)
		if _, err := time.Parse(layout, probe.Format(layout)); err != nil {
			return mapErr("日期格式无效", "invalid date layout %q", layout)
		}
		m.DateFormats[code] = layout
	case "ignore":
		src, err := unquote(rest)
		if err != nil {
			return err
		}
		if normHeader(src) == "" {
			return mapErr("列名为空", "empty column name")
		}
		m.Ignore[normHeader(src)] = true
	case "encoding":
		enc := strings.ToLower(strings.TrimSpace(rest))
		switch enc {
		case "utf-8", "utf8":
			m.Encoding = "utf-8"
		case "gbk", "gb2312", "gb18030":
			m.Encoding = "gb18030"
		default:
			return mapErr("不支持的编码", "unsupported encoding %q (utf-8, gbk, gb18030)", enc)
		}
	case "sheet":
		s, err := unquote(rest)
		if err != nil {
			return err
		}
		if s == "" {
			return mapErr("工作表名为空", "empty sheet name")
		}
		m.Sheet = s
	default:
		return mapErr("未知指令", "unknown directive %q (column, value, default, date_format, ignore, encoding, sheet)", kw)
	}
	return nil
}

// mappingField resolves the field named in a mapping line. Split pinyin
// columns (QKDJn) cannot be targets because they are only half a value.
func mappingField(s string) (string, error) {
	t, ok := resolveHeader(s)
	if !ok || t.code == "" || t.sp != spNone {
		return "", mapErr("未知字段", "unknown field %q", s)
	}
	return t.code, nil
}

// stripComment removes a comment: '#' at the start or after white space,
// outside double quotes.
func stripComment(line string) (string, error) {
	inQ := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '\\' && inQ:
			i++
		case c == '"':
			inQ = !inQ
		case c == '#' && !inQ && (i == 0 || line[i-1] == ' ' || line[i-1] == '\t'):
			return line[:i], nil
		}
	}
	if inQ {
		return "", mapErr("引号未闭合", "unterminated quote")
	}
	return line, nil
}

// splitAssign splits "lhs = rhs" at the first '=' outside quotes.
func splitAssign(s string) (string, string, error) {
	inQ := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && inQ:
			i++
		case c == '"':
			inQ = !inQ
		case c == '=' && !inQ:
			lhs, rhs := strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+1:])
			if lhs == "" {
				return "", "", mapErr("等号左边为空", "nothing before '='")
			}
			return lhs, rhs, nil
		}
	}
	return "", "", mapErr("缺少 '='", "missing '='")
}

// splitFirstToken returns the first (possibly quoted) token and the rest.
func splitFirstToken(s string) (string, string) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, `"`) {
		for i := 1; i < len(s); i++ {
			if s[i] == '\\' {
				i++
				continue
			}
			if s[i] == '"' {
				return s[:i+1], strings.TrimSpace(s[i+1:])
			}
		}
		return s, ""
	}
	tok, rest, _ := strings.Cut(s, " ")
	if i := strings.IndexByte(tok, '\t'); i >= 0 {
		tok, rest = s[:i], s[i+1:]
	}
	return tok, strings.TrimSpace(rest)
}

func unquote(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, `"`) {
		u, err := strconv.Unquote(s)
		if err != nil {
			return "", mapErr("引号格式错误", "bad quoting in %s", s)
		}
		return u, nil
	}
	return s, nil
}

// javaLayout converts yyyy-MM-dd HH:mm:ss style patterns (as HIS vendors
// document them) to a Go layout; Go layouts pass through unchanged.
func javaLayout(s string) string {
	if !strings.Contains(s, "yyyy") && !strings.Contains(s, "yy") {
		return s
	}
	return strings.NewReplacer("yyyy", "2006", "yy", "06", "MM", "01", "dd", "02", "HH", "15", "mm", "04", "ss", "05").Replace(s)
}

// fieldAssign parses "<field> = <value>" (either side may be quoted) into the
// field's national code and the value: the shape of the default and
// date_format directives.
func fieldAssign(rest string) (code, value string, err error) {
	lhs, rhs, err := splitAssign(rest)
	if err != nil {
		return "", "", err
	}
	f, err := unquote(lhs)
	if err != nil {
		return "", "", err
	}
	if code, err = mappingField(f); err != nil {
		return "", "", err
	}
	if value, err = unquote(rhs); err != nil {
		return "", "", err
	}
	return code, value, nil
}
