package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"path"
	"strconv"
	"strings"
	"time"
)

// xlsxReader streams one worksheet of an xlsx file with a hand-written
// scanner for the few sheet-XML elements that carry data (row, c, v, is/t).
// excelize decodes every cell through encoding/xml reflection (~3 µs per
// cell); this is two orders of magnitude cheaper and keeps memory flat: only
// the shared-string table and the style table are held.
type xlsxReader struct {
	zr      *zip.Reader
	closer  io.Closer
	rc      io.ReadCloser
	br      *bufio.Reader
	shared  []string
	dateSty []bool // cellXfs index → numeric cells are dates
	row     int
	buf     []byte
	offs    []uint32
	cells   []xcell
	tag     []byte
}

type xcell struct {
	col int
	val string
}

func openXLSX(ra io.ReaderAt, size int64, closer io.Closer, sheet string, rep *Report) (*xlsxReader, error) {
	rep.Format, rep.Encoding = "xlsx", "xlsx"
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, fmt.Errorf("xlsx 文件损坏 broken xlsx (zip): %w", err)
	}
	x := &xlsxReader{zr: zr, closer: closer}
	target, err := x.sheetPath(sheet)
	if err != nil {
		return nil, err
	}
	if err := x.readShared(); err != nil {
		return nil, err
	}
	if err := x.readStyles(); err != nil {
		return nil, err
	}
	f := x.file(target)
	if f == nil {
		return nil, fmt.Errorf("xlsx 缺少工作表 missing worksheet %s", target)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("打开工作表 open worksheet: %w", err)
	}
	x.rc, x.br = rc, bufio.NewReaderSize(rc, 1<<20)
	return x, nil
}

func (x *xlsxReader) file(name string) *zip.File {
	name = strings.TrimPrefix(name, "/")
	for _, f := range x.zr.File {
		if strings.EqualFold(f.Name, name) {
			return f
		}
	}
	return nil
}

func (x *xlsxReader) decodeXML(name string, v any) (bool, error) {
	f := x.file(name)
	if f == nil {
		return false, nil
	}
	rc, err := f.Open()
	if err != nil {
		return true, fmt.Errorf("xlsx %s: %w", name, err)
	}
	defer rc.Close()
	if err := xml.NewDecoder(rc).Decode(v); err != nil {
		return true, fmt.Errorf("xlsx %s: %w", name, err)
	}
	return true, nil
}

// sheetPath finds the worksheet part: the named sheet, or the first one.
func (x *xlsxReader) sheetPath(sheet string) (string, error) {
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	ok, err := x.decodeXML("xl/workbook.xml", &wb)
	if err != nil {
		return "", err
	}
	if !ok || len(wb.Sheets) == 0 {
		return "", errors.New("xlsx 没有工作表 no worksheet in workbook")
	}
	pick := wb.Sheets[0]
	if sheet != "" {
		found := false
		for _, s := range wb.Sheets {
			if s.Name == sheet {
				pick, found = s, true
			}
		}
		if !found {
			return "", fmt.Errorf("xlsx 没有名为 %q 的工作表 no sheet named %q", sheet, sheet)
		}
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if _, err := x.decodeXML("xl/_rels/workbook.xml.rels", &rels); err != nil {
		return "", err
	}
	for _, r := range rels.Rels {
		if r.ID == pick.RID {
			if strings.HasPrefix(r.Target, "/") {
				return r.Target[1:], nil
			}
			return path.Join("xl", r.Target), nil
		}
	}
	return "xl/worksheets/sheet1.xml", nil
}

// readShared loads the shared-string table: the text of each <si> is the
// concatenation of its <t> elements, phonetic runs (<rPh>) excluded.
func (x *xlsxReader) readShared() error {
	f := x.file("xl/sharedStrings.xml")
	if f == nil {
		return nil
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("xlsx sharedStrings: %w", err)
	}
	defer rc.Close()
	d := xml.NewDecoder(bufio.NewReader(rc))
	var sb strings.Builder
	inT, inPh, inSI := false, 0, false
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("xlsx sharedStrings: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				inSI = true
				sb.Reset()
			case "t":
				inT = true
			case "rPh":
				inPh++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				inSI = false
				x.shared = append(x.shared, sb.String())
			case "t":
				inT = false
			case "rPh":
				inPh--
			}
		case xml.CharData:
			if inSI && inT && inPh == 0 {
				sb.Write(t)
			}
		}
	}
}

// readStyles finds which cell styles format numbers as dates, so date cells
// (stored as day serials) are read as date-times.
func (x *xlsxReader) readStyles() error {
	var st struct {
		NumFmts []struct {
			ID   int    `xml:"numFmtId,attr"`
			Code string `xml:"formatCode,attr"`
		} `xml:"numFmts>numFmt"`
		Xfs []struct {
			NumFmtID int `xml:"numFmtId,attr"`
		} `xml:"cellXfs>xf"`
	}
	if _, err := x.decodeXML("xl/styles.xml", &st); err != nil {
		return err
	}
	custom := map[int]bool{}
	for _, f := range st.NumFmts {
		custom[f.ID] = isDateFormat(f.Code)
	}
	for _, xf := range st.Xfs {
		id := xf.NumFmtID
		date := (id >= 14 && id <= 22) || (id >= 45 && id <= 47) || (id >= 27 && id <= 36) || (id >= 50 && id <= 58)
		if c, ok := custom[id]; ok {
			date = c
		}
		x.dateSty = append(x.dateSty, date)
	}
	return nil
}

// isDateFormat reports whether an Excel number format shows a date or time:
// it has y, m, d, h or s outside quotes and brackets.
func isDateFormat(code string) bool {
	inQ, inB := false, false
	for _, r := range strings.ToLower(code) {
		switch {
		case r == '"':
			inQ = !inQ
		case inQ:
		case r == '[':
			inB = true
		case r == ']':
			inB = false
		case inB:
		case strings.ContainsRune("ymdhs", r):
			return true
		}
	}
	return false
}

// next implements source.
func (x *xlsxReader) next() (string, []uint32, int, error) {
	for {
		rowNo, ok, err := x.nextRow()
		if err != nil {
			return "", nil, x.row, fmt.Errorf("读取 xlsx read xlsx: %w", err)
		}
		if !ok {
			return "", nil, 0, io.EOF
		}
		x.buf, x.offs = x.buf[:0], x.offs[:0]
		col := 0
		for _, c := range x.cells {
			for col < c.col { // gaps are empty cells
				x.offs = append(x.offs, uint32(len(x.buf)), uint32(len(x.buf)))
				col++
			}
			st := len(x.buf)
			x.buf = append(x.buf, c.val...)
			x.offs = append(x.offs, uint32(st), uint32(len(x.buf)))
			col++
		}
		return string(x.buf), x.offs, rowNo, nil
	}
}

// nextRow scans to the next <row> and collects its cells.
func (x *xlsxReader) nextRow() (int, bool, error) {
	x.cells = x.cells[:0]
	for {
		name, attrs, selfClose, err := x.nextTag()
		if err == io.EOF {
			return 0, false, nil
		}
		if err != nil {
			return 0, false, err
		}
		if name != "row" {
			continue
		}
		x.row++
		if r := attr(attrs, "r"); r != "" {
			if n, err := strconv.Atoi(r); err == nil {
				x.row = n
			}
		}
		if selfClose {
			return x.row, true, nil
		}
		return x.row, true, x.readCells()
	}
}

// readCells reads <c> elements up to </row>.
func (x *xlsxReader) readCells() error {
	col := -1
	for {
		name, attrs, selfClose, err := x.nextTag()
		if err != nil {
			if err == io.EOF {
				return errors.New("工作表在行中结束 worksheet ends inside a row")
			}
			return err
		}
		switch name {
		case "/row":
			return nil
		case "c":
			col++
			if r := attr(attrs, "r"); r != "" {
				if c, ok := colIndex(r); ok {
					col = c
				}
			}
			typ, style := attr(attrs, "t"), attr(attrs, "s")
			if selfClose {
				continue
			}
			v, err := x.cellValue(typ)
			if err != nil {
				return err
			}
			v = x.format(v, typ, style)
			if v != "" {
				x.cells = append(x.cells, xcell{col, v})
			}
		}
	}
}

// cellValue reads the content of a <c> element up to </c>: the <v> text,
// or the <t> texts of an inline string.
func (x *xlsxReader) cellValue(typ string) (string, error) {
	var out []byte
	inV, inT, inPh := false, false, 0
	for {
		b, err := x.br.ReadByte()
		if err != nil {
			return "", err
		}
		if b != '<' {
			if (inV || inT) && inPh == 0 {
				out = append(out, b)
			}
			continue
		}
		name, _, selfClose, err := x.readTag()
		if err != nil {
			return "", err
		}
		switch name {
		case "v":
			inV = !selfClose
		case "/v":
			inV = false
		case "t":
			inT = !selfClose
		case "/t":
			inT = false
		case "rPh":
			inPh++
		case "/rPh":
			inPh--
		case "/c":
			return unescapeXML(out), nil
		}
	}
}

func (x *xlsxReader) format(v, typ, style string) string {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(x.shared) {
			return ""
		}
		return x.shared[i]
	case "b":
		if v == "1" {
			return "TRUE"
		}
		return "FALSE"
	case "", "n":
		if style == "" {
			return v
		}
		s, err := strconv.Atoi(style)
		if err != nil || s < 0 || s >= len(x.dateSty) || !x.dateSty[s] {
			return v
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > 2958465 {
			return v
		}
		// Excel day serials count from 1899-12-30 (the 1900 leap-year bug
		// included); round to the second.
		secs := math.Round(f * 86400)
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Add(time.Duration(secs) * time.Second)
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			return t.Format("2006-01-02")
		}
		return t.Format("2006-01-02 15:04:05")
	}
	return v // str, inlineStr, e
}

// nextTag skips to the next tag and reads it.
func (x *xlsxReader) nextTag() (string, []byte, bool, error) {
	for {
		b, err := x.br.ReadByte()
		if err != nil {
			return "", nil, false, err
		}
		if b == '<' {
			return x.readTag()
		}
		// Skip text quickly up to the next '<'.
		if _, err := x.br.ReadSlice('<'); err != nil && err != bufio.ErrBufferFull {
			return "", nil, false, err
		}
		if err := x.br.UnreadByte(); err != nil {
			return "", nil, false, err
		}
	}
}

// readTag reads a tag after its '<': the local name (with a leading '/'
// for end tags), the raw attribute bytes, and whether it is self-closing.
// Processing instructions, comments and CDATA are skipped.
func (x *xlsxReader) readTag() (string, []byte, bool, error) {
	x.tag = x.tag[:0]
	inQ := byte(0)
	for {
		b, err := x.br.ReadByte()
		if err != nil {
			return "", nil, false, err
		}
		if inQ != 0 {
			if b == inQ {
				inQ = 0
			}
		} else if b == '"' || b == '\'' {
			inQ = b
		} else if b == '>' {
			break
		}
		x.tag = append(x.tag, b)
	}
	t := x.tag
	if len(t) > 0 && (t[0] == '?' || t[0] == '!') {
		return "?", nil, true, nil
	}
	selfClose := len(t) > 0 && t[len(t)-1] == '/'
	if selfClose {
		t = t[:len(t)-1]
	}
	end := bytes.IndexAny(t, " \t\r\n")
	name, attrs := t, []byte(nil)
	if end >= 0 {
		name, attrs = t[:end], t[end:]
	}
	closing := len(name) > 0 && name[0] == '/'
	if closing {
		name = name[1:]
	}
	if i := bytes.IndexByte(name, ':'); i >= 0 { // drop a namespace prefix
		name = name[i+1:]
	}
	n := string(name)
	if closing {
		n = "/" + n
	}
	return n, attrs, selfClose, nil
}

// attr returns the value of attribute key (without namespace prefix).
func attr(attrs []byte, key string) string {
	for len(attrs) > 0 {
		attrs = bytes.TrimLeft(attrs, " \t\r\n")
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 || eq+1 >= len(attrs) {
			return ""
		}
		name := bytes.TrimSpace(attrs[:eq])
		if i := bytes.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		rest := bytes.TrimLeft(attrs[eq+1:], " \t\r\n")
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return ""
		}
		q := rest[0]
		end := bytes.IndexByte(rest[1:], q)
		if end < 0 {
			return ""
		}
		if string(name) == key {
			return unescapeXML(rest[1 : 1+end])
		}
		attrs = rest[end+2:]
	}
	return ""
}

// colIndex converts a cell reference like "AB12" to a 0-based column.
func colIndex(ref string) (int, bool) {
	c := 0
	i := 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		c = c*26 + int(ref[i]-'A'+1)
		if c > 16384 {
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	return c - 1, true
}

// unescapeXML resolves the five predefined entities and character
// references; anything else is kept as written.
func unescapeXML(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	var sb strings.Builder
	for len(b) > 0 {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			sb.Write(b)
			break
		}
		sb.Write(b[:i])
		b = b[i:]
		semi := bytes.IndexByte(b, ';')
		if semi < 0 || semi > 12 {
			sb.WriteByte('&')
			b = b[1:]
			continue
		}
		ent := string(b[1:semi])
		switch {
		case ent == "amp":
			sb.WriteByte('&')
		case ent == "lt":
			sb.WriteByte('<')
		case ent == "gt":
			sb.WriteByte('>')
		case ent == "quot":
			sb.WriteByte('"')
		case ent == "apos":
			sb.WriteByte('\'')
		case strings.HasPrefix(ent, "#x") || strings.HasPrefix(ent, "#X"):
			n, err := strconv.ParseUint(ent[2:], 16, 32)
			if err != nil {
				sb.Write(b[:semi+1])
			} else {
				sb.WriteRune(rune(n))
			}
		case strings.HasPrefix(ent, "#"):
			n, err := strconv.ParseUint(ent[1:], 10, 32)
			if err != nil {
				sb.Write(b[:semi+1])
			} else {
				sb.WriteRune(rune(n))
			}
		default:
			sb.Write(b[:semi+1])
		}
		b = b[semi+1:]
	}
	return sb.String()
}

func (x *xlsxReader) close() error {
	var err error
	if x.rc != nil {
		err = x.rc.Close()
	}
	if x.closer != nil {
		if e := x.closer.Close(); err == nil {
			err = e
		}
	}
	return err
}
