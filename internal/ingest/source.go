package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/transform"
)

// sniffSize is how much of a file is inspected to choose format, encoding
// and delimiter.
const sniffSize = 64 << 10

// source yields the records of a table, header first.
type source interface {
	// next returns the next record as its text and field boundaries (see
	// field), and its physical line (sheet row for xlsx). The offsets are
	// only valid until the next call. A *recordError reports a broken
	// record; reading may continue after it. io.EOF ends. Keeping records as
	// one string plus pointer-free offsets keeps the garbage collector from
	// scanning millions of string headers.
	next() (string, []uint32, int, error)
	close() error
}

// recordError is a record-level problem found while splitting the file.
type recordError struct {
	line   int
	cn, en string
}

func (e *recordError) Error() string { return fmt.Sprintf("line %d: %s %s", e.line, e.cn, e.en) }

var (
	errXLS   = errors.New("不支持旧版 Excel (.xls) 文件，请另存为 .xlsx 或 .csv / old binary Excel (.xls) is not supported: save as .xlsx or .csv")
	errEmpty = errors.New("文件为空 empty file")
)

// openPath opens a file by content, not extension: a zip (PK\x03\x04) is read
// as xlsx, an OLE2 compound file is rejected as .xls, anything else is read
// as CSV text. A .xlsx name holding CSV text is read as CSV with a note,
// because HIS "Excel export" buttons often write CSV under that name.
func openPath(path string, opt *Options, m *Mapping, rep *Report) (source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("打开文件 open: %w", err)
	}
	br := bufio.NewReaderSize(f, 1<<20)
	head, _ := br.Peek(8)
	ext := strings.ToLower(filepath.Ext(path))
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		if ext != ".xlsx" && ext != ".xlsm" {
			rep.Notes = append(rep.Notes, "文件内容是 xlsx（扩展名为 "+ext+"）, 已按 xlsx 读取 / content is xlsx despite the "+ext+" extension; read as xlsx")
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("stat: %w", err)
		}
		x, err := openXLSX(f, st.Size(), f, sheetName(opt, m), rep)
		if err == nil {
			return x, nil
		}
		f.Close()
		// Unusual packaging the fast reader does not understand: let
		// excelize try before giving up.
		xf, err2 := excelize.OpenFile(path)
		if err2 != nil {
			return nil, fmt.Errorf("打开 xlsx open xlsx: %w", err)
		}
		return newXLSXSource(xf, sheetName(opt, m), rep)
	}
	src, err := newCSVSource(br, f, m, rep)
	if err != nil {
		f.Close()
		return nil, err
	}
	if ext == ".xlsx" || ext == ".xls" {
		rep.Notes = append(rep.Notes, "扩展名为 "+ext+" 但内容是 CSV 文本, 已按 CSV 读取 / the file is named "+ext+" but holds CSV text; read as CSV")
	}
	return src, nil
}

// openReader is openPath for a stream (stdin, tests, generated data). An
// xlsx stream must be buffered by excelize; CSV streams are not.
func openReader(r io.Reader, opt *Options, m *Mapping, rep *Report) (source, error) {
	br := bufio.NewReaderSize(r, 1<<20)
	head, _ := br.Peek(8)
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		// A zip needs random access: an xlsx stream is buffered in memory.
		data, err := io.ReadAll(br)
		if err != nil {
			return nil, fmt.Errorf("读取 read: %w", err)
		}
		return openXLSX(bytes.NewReader(data), int64(len(data)), nil, sheetName(opt, m), rep)
	}
	return newCSVSource(br, nil, m, rep)
}

func sheetName(opt *Options, m *Mapping) string {
	if opt.Sheet != "" {
		return opt.Sheet
	}
	if m != nil {
		return m.Sheet
	}
	return ""
}

func newCSVSource(br *bufio.Reader, closer io.Closer, m *Mapping, rep *Report) (source, error) {
	rep.Format = "csv"
	sample, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("读取 read: %w", err)
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(sample, []byte("\xef\xbb\xbf")))) == 0 {
		return nil, errEmpty
	}
	if bytes.HasPrefix(sample, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}) {
		return nil, errXLS
	}
	if bytes.HasPrefix(sample, []byte{0xFF, 0xFE}) || bytes.HasPrefix(sample, []byte{0xFE, 0xFF}) {
		return nil, errors.New("不支持 UTF-16 编码，请另存为 UTF-8 或 GBK / UTF-16 is not supported: save as UTF-8 or GBK")
	}
	if bytes.IndexByte(sample, 0) >= 0 {
		return nil, errors.New("文件含有二进制内容，不是 CSV 文本 / binary content: not a CSV text file")
	}
	forced := ""
	if m != nil {
		forced = m.Encoding
	}
	var r io.Reader = br
	switch {
	case bytes.HasPrefix(sample, []byte("\xef\xbb\xbf")):
		br.Discard(3)
		rep.Encoding = "utf-8-bom"
	case forced == "utf-8":
		rep.Encoding = "utf-8"
	case forced == "gb18030":
		rep.Encoding = "gb18030"
		r = transform.NewReader(br, newGBDecoder())
	case validUTF8Prefix(sample):
		rep.Encoding = "utf-8"
	default:
		ok, four := validGB18030Prefix(sample)
		if !ok {
			return nil, errors.New("无法识别的文件编码（既不是 UTF-8 也不是 GBK/GB18030）/ undecodable encoding: neither UTF-8 nor GBK/GB18030")
		}
		rep.Encoding = "gbk"
		if four {
			rep.Encoding = "gb18030"
		}
		// GBK is a subset of GB18030, so one decoder serves both.
		r = transform.NewReader(br, newGBDecoder())
	}
	comma := sniffDelimiter(sample)
	rep.Delimiter = string(comma)
	fc := newFastCSV(r, comma, rep.Encoding == "utf-8" || rep.Encoding == "utf-8-bom")
	return &csvFile{fastCSV: fc, closer: closer}, nil
}

// csvFile is a fastCSV that owns the underlying file.
type csvFile struct {
	*fastCSV
	closer io.Closer
}

func (s *csvFile) close() error {
	if s.closer != nil {
		return s.closer.Close()
	}
	return nil
}

// validUTF8Prefix reports whether sample is UTF-8, allowing a rune cut off
// at the end of the sniff window.
func validUTF8Prefix(b []byte) bool {
	if utf8.Valid(b) {
		return true
	}
	for cut := 1; cut <= 3 && cut < len(b); cut++ {
		if utf8.Valid(b[:len(b)-cut]) {
			return true
		}
	}
	return false
}

// validGB18030Prefix checks the byte structure of GB18030 (one, two or four
// byte sequences) and reports whether four-byte sequences (outside GBK) occur.
func validGB18030Prefix(b []byte) (ok, four bool) {
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c < 0x80:
			i++
		case c == 0x80 || c == 0xFF:
			return false, four
		case i+1 >= len(b):
			return true, four // cut at the window end
		case b[i+1] >= 0x30 && b[i+1] <= 0x39:
			if i+3 >= len(b) {
				return true, four
			}
			if b[i+2] < 0x81 || b[i+2] > 0xFE || b[i+3] < 0x30 || b[i+3] > 0x39 {
				return false, four
			}
			four = true
			i += 4
		case b[i+1] >= 0x40 && b[i+1] <= 0xFE && b[i+1] != 0x7F:
			i += 2
		default:
			return false, four
		}
	}
	return true, four
}

// sniffDelimiter picks the separator of the header line: the most frequent
// of comma, tab, semicolon and vertical bar outside quotes.
func sniffDelimiter(sample []byte) byte {
	line := sample
	if i := bytes.IndexByte(sample, '\n'); i >= 0 {
		line = sample[:i]
	}
	counts := map[byte]int{}
	inQ := false
	for _, c := range line {
		switch c {
		case '"':
			inQ = !inQ
		case ',', '\t', ';', '|':
			if !inQ {
				counts[c]++
			}
		}
	}
	best, n := byte(','), 0
	for _, c := range []byte{',', '\t', ';', '|'} {
		if counts[c] > n {
			best, n = c, counts[c]
		}
	}
	return best
}

type xlsxSource struct {
	f    *excelize.File
	rows *excelize.Rows
	row  int
	buf  []byte
	offs []uint32
}

func newXLSXSource(f *excelize.File, sheet string, rep *Report) (source, error) {
	rep.Format, rep.Encoding = "xlsx", "xlsx"
	if sheet == "" {
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			f.Close()
			return nil, errEmpty
		}
		sheet = sheets[0]
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("工作表 sheet %q: %w", sheet, err)
	}
	return &xlsxSource{f: f, rows: rows}, nil
}

func (s *xlsxSource) next() (string, []uint32, int, error) {
	if !s.rows.Next() {
		if err := s.rows.Error(); err != nil {
			return "", nil, 0, fmt.Errorf("读取 xlsx read xlsx: %w", err)
		}
		return "", nil, 0, io.EOF
	}
	s.row++
	cols, err := s.rows.Columns()
	if err != nil {
		return "", nil, s.row, &recordError{line: s.row, cn: "无法读取该行", en: "cannot read row: " + err.Error()}
	}
	s.buf, s.offs = s.buf[:0], s.offs[:0]
	for _, c := range cols {
		st := len(s.buf)
		s.buf = append(s.buf, c...)
		s.offs = append(s.offs, uint32(st), uint32(len(s.buf)))
	}
	return string(s.buf), s.offs, s.row, nil
}

func (s *xlsxSource) close() error {
	err := s.rows.Close()
	if e := s.f.Close(); err == nil {
		err = e
	}
	return err
}
