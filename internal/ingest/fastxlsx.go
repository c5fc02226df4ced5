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
	shared  []string
	dateSty []bool // cellXfs index → numeric cells are dates
	row     int
	buf     []byte
	offs    []uint32
	cells   []xcell
	win     []byte // window of decompressed sheet XML
	start   int
	end     int
	eof     bool
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
	x.rc, x.win = rc, make([]byte, 1<<20)
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

// fill reads more sheet XML into the window, keeping unconsumed bytes.
func (x *xlsxReader) fill() (bool, error) {
	if x.eof {
		return false, nil
	}
	if x.start > 0 {
		n := copy(x.win, x.win[x.start:x.end])
		x.start, x.end = 0, n
	}
	if x.end == len(x.win) {
		if len(x.win) >= maxRecordBytes {
			return false, errors.New("xlsx 行过长 row too long")
		}
		nw := make([]byte, 2*len(x.win))
		copy(nw, x.win[:x.end])
		x.win = nw
	}
	n, err := io.ReadFull(x.rc, x.win[x.end:])
	x.end += n
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		x.eof = true
		return n > 0, nil
	}
	if err != nil {
		return false, err
	}
	return true, nil
}

var (
	rowOpen  = []byte("<row")
	rowClose = []byte("</row>")
)

// nextRow finds the next <row> element — whole rows are parsed from the
// window with index operations, not tag by tag — and collects its cells.
func (x *xlsxReader) nextRow() (int, bool, error) {
	x.cells = x.cells[:0]
	for {
		data := x.win[x.start:x.end]
		i := bytes.Index(data, rowOpen)
		for i >= 0 && i+4 < len(data) && !isTagEnd(data[i+4]) {
			j := bytes.Index(data[i+4:], rowOpen)
			if j < 0 {
				i = -1
				break
			}
			i += 4 + j
		}
		if i < 0 || i+4 >= len(data) {
			if x.eof {
				return 0, false, nil
			}
			if i < 0 && len(data) > 8 { // keep a possible partial "<row"
				x.start = x.end - 8
			}
			if _, err := x.fill(); err != nil {
				return 0, false, err
			}
			continue
		}
		gt := bytes.IndexByte(data[i:], '>')
		if gt < 0 {
			if x.eof {
				return 0, false, errors.New("工作表在行中结束 worksheet ends inside a row")
			}
			if _, err := x.fill(); err != nil {
				return 0, false, err
			}
			continue
		}
		tag := data[i+4 : i+gt]
		x.row++
		if r := attr(tag, "r"); r != nil {
			if n, err := strconv.Atoi(string(r)); err == nil {
				x.row = n
			}
		}
		if len(tag) > 0 && tag[len(tag)-1] == '/' {
			x.start += i + gt + 1
			return x.row, true, nil
		}
		body := data[i+gt+1:]
		end := bytes.Index(body, rowClose)
		if end < 0 {
			if x.eof {
				return 0, false, errors.New("工作表在行中结束 worksheet ends inside a row")
			}
			x.row-- // re-read this row once more data is in
			if _, err := x.fill(); err != nil {
				return 0, false, err
			}
			continue
		}
		x.parseCells(body[:end])
		x.start += i + gt + 1 + end + len(rowClose)
		return x.row, true, nil
	}
}

func isTagEnd(c byte) bool {
	return c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\r' || c == '\n'
}

// parseCells reads the <c> elements of one row's content.
func (x *xlsxReader) parseCells(body []byte) {
	col := -1
	for {
		i := bytes.Index(body, []byte("<c"))
		if i < 0 {
			return
		}
		body = body[i+2:]
		if len(body) == 0 || !isTagEnd(body[0]) {
			continue // <col…>, <cfRule…>
		}
		gt := bytes.IndexByte(body, '>')
		if gt < 0 {
			return
		}
		tag := body[:gt]
		body = body[gt+1:]
		col++
		if r := attr(tag, "r"); r != nil {
			if c, ok := colIndex(r); ok {
				col = c
			}
		}
		if len(tag) > 0 && tag[len(tag)-1] == '/' {
			continue
		}
		end := bytes.Index(body, []byte("</c>"))
		if end < 0 {
			end = len(body)
		}
		inner := body[:end]
		body = body[end:]
		v := x.format(cellText(inner), string(attr(tag, "t")), string(attr(tag, "s")))
		if v != "" {
			x.cells = append(x.cells, xcell{col, v})
		}
	}
}

// cellText returns the value of a cell's content: the <v> text, or the
// concatenated <t> texts of an inline string (phonetic runs excluded).
func cellText(inner []byte) string {
	if v, ok := elemText(inner, "v"); ok {
		return unescapeXML(v)
	}
	var out []byte
	for {
		i := bytes.Index(inner, []byte("<t"))
		if i < 0 {
			break
		}
		if ph := bytes.Index(inner, []byte("<rPh")); ph >= 0 && ph < i {
			e := bytes.Index(inner[ph:], []byte("</rPh>"))
			if e < 0 {
				break
			}
			inner = inner[ph+e+6:]
			continue
		}
		t, ok := elemText(inner[i:], "t")
		if !ok {
			inner = inner[i+2:]
			continue
		}
		out = append(out, t...)
		e := bytes.Index(inner[i:], []byte("</t>"))
		if e < 0 {
			break
		}
		inner = inner[i+e+4:]
	}
	return unescapeXML(out)
}

// elemText finds the first <name …>text</name> in b.
func elemText(b []byte, name string) ([]byte, bool) {
	open := "<" + name
	for {
		i := bytes.Index(b, []byte(open))
		if i < 0 {
			return nil, false
		}
		rest := b[i+len(open):]
		if len(rest) == 0 || !isTagEnd(rest[0]) {
			b = rest
			continue
		}
		gt := bytes.IndexByte(rest, '>')
		if gt < 0 {
			return nil, false
		}
		if gt > 0 && rest[gt-1] == '/' {
			return nil, true // <v/>
		}
		rest = rest[gt+1:]
		e := bytes.Index(rest, []byte("</"+name+">"))
		if e < 0 {
			return nil, false
		}
		return rest[:e], true
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

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// attr returns the raw value of attribute key (namespace prefix ignored),
// or nil. Values used here (cell references, types, styles) hold no
// entities.
func attr(attrs []byte, key string) []byte {
	i := 0
	for i < len(attrs) {
		for i < len(attrs) && isXMLSpace(attrs[i]) {
			i++
		}
		ns := i
		for i < len(attrs) && attrs[i] != '=' && !isXMLSpace(attrs[i]) {
			i++
		}
		name := attrs[ns:i]
		for i < len(attrs) && (attrs[i] == '=' || isXMLSpace(attrs[i])) {
			i++
		}
		if i >= len(attrs) || (attrs[i] != '"' && attrs[i] != '\'') {
			return nil
		}
		q := attrs[i]
		i++
		vs := i
		for i < len(attrs) && attrs[i] != q {
			i++
		}
		if i >= len(attrs) {
			return nil
		}
		if c := bytes.IndexByte(name, ':'); c >= 0 {
			name = name[c+1:]
		}
		if string(name) == key {
			return attrs[vs:i]
		}
		i++
	}
	return nil
}

// colIndex converts a cell reference like "AB12" to a 0-based column.
func colIndex(ref []byte) (int, bool) {
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
