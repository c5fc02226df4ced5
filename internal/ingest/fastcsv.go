package ingest

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// maxRecordBytes bounds one CSV record; beyond it the file is not a
// front-page export (or a quote was never closed).
const maxRecordBytes = 64 << 20

// fastCSV is a CSV splitter specialised for front-page exports: records
// without quotes (nearly all of them) are found with one IndexByte for the
// newline, converted to one string and cut at the delimiter, about five
// times faster than encoding/csv. Records with quotes take a careful path
// that follows RFC 4180 and tolerates bare quotes inside unquoted fields (as
// encoding/csv's LazyQuotes does). Each record's fields are substrings of one
// string allocated for that record.
type fastCSV struct {
	r          io.Reader
	buf        []byte
	start, end int
	eof        bool
	readErr    error
	line       int // physical line of the next record (1-based)
	comma      byte
	checkUTF8  bool
	offs       []uint32 // field boundaries: start, end pairs; escEnd marks fields with "" escapes
}

// escEnd flags, in the end offset of a field, that the field holds escaped
// quotes ("") to be unescaped when the field is used.
const escEnd = 1 << 31

// field returns field k of a record.
func field(text string, offs []uint32, k int) string {
	st, en := offs[2*k], offs[2*k+1]
	if en&escEnd != 0 {
		return strings.ReplaceAll(text[st:en&^escEnd], `""`, `"`)
	}
	return text[st:en]
}

// fields returns all fields of a record (for headers and small files).
func fields(text string, offs []uint32) []string {
	out := make([]string, len(offs)/2)
	for k := range out {
		out[k] = field(text, offs, k)
	}
	return out
}

func newFastCSV(r io.Reader, comma byte, checkUTF8 bool) *fastCSV {
	return &fastCSV{r: r, buf: make([]byte, 1<<20), line: 1, comma: comma, checkUTF8: checkUTF8}
}

// fill reads more data, compacting or growing the buffer. It returns false
// when nothing more can be read.
func (c *fastCSV) fill() bool {
	if c.eof {
		return false
	}
	if c.start > 0 {
		n := copy(c.buf, c.buf[c.start:c.end])
		c.start, c.end = 0, n
	}
	if c.end == len(c.buf) {
		if len(c.buf) >= maxRecordBytes {
			return false
		}
		nb := make([]byte, 2*len(c.buf))
		copy(nb, c.buf[:c.end])
		c.buf = nb
	}
	for {
		n, err := c.r.Read(c.buf[c.end:])
		c.end += n
		if err != nil {
			c.eof = true
			if err != io.EOF {
				c.readErr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
}

// next implements source.
func (c *fastCSV) next() (string, []uint32, int, error) {
	for {
		data := c.buf[c.start:c.end]
		nl := bytes.IndexByte(data, '\n')
		if nl < 0 && !c.eof {
			if !c.fill() && !c.eof {
				return "", nil, c.line, fmt.Errorf("记录超过 %d MB record longer than %d MB", maxRecordBytes>>20, maxRecordBytes>>20)
			}
			continue
		}
		if c.readErr != nil {
			return "", nil, c.line, fmt.Errorf("读取 read: %w", c.readErr)
		}
		if nl < 0 && len(data) == 0 {
			return "", nil, 0, io.EOF
		}
		rec := data
		if nl >= 0 {
			rec = data[:nl]
		}
		if bytes.IndexByte(rec, '"') >= 0 {
			return c.quoted()
		}
		line := c.line
		c.line++
		if nl >= 0 {
			c.start += nl + 1
		} else {
			c.start = c.end
		}
		if n := len(rec); n > 0 && rec[n-1] == '\r' {
			rec = rec[:n-1]
		}
		if c.checkUTF8 && !utf8.Valid(rec) {
			return "", nil, line, &recordError{line: line, cn: "含有非 UTF-8 字节（文件编码混杂？）", en: "invalid UTF-8 bytes (mixed encodings?)"}
		}
		c.offs = c.offs[:0]
		st := 0
		for i, b := range rec {
			if b == c.comma {
				c.offs = append(c.offs, uint32(st), uint32(i))
				st = i + 1
			}
		}
		c.offs = append(c.offs, uint32(st), uint32(len(rec)))
		return string(rec), c.offs, line, nil
	}
}

// quoted handles a record containing quotes in one pass that finds the
// record's end (a newline outside quotes, reading more data as needed) and
// the field boundaries. A quote opens a quoted field only at the start of a
// field; elsewhere it is a bare quote kept as text (encoding/csv's
// LazyQuotes). Fields are substrings of one string made from the raw
// record; only fields with escaped quotes ("") are copied.
func (c *fastCSV) quoted() (string, []uint32, int, error) {
	for {
		data := c.buf[c.start:c.end]
		end, ok := c.scan(data)
		if !ok && !c.eof {
			if !c.fill() && !c.eof {
				return "", nil, c.line, fmt.Errorf("line %d: 记录过长（引号未闭合？）record too long (unterminated quote?)", c.line)
			}
			continue
		}
		line := c.line
		rec := data[:end]
		if end < len(data) {
			c.start += end + 1
		} else {
			c.start = c.end
		}
		c.line += 1 + bytes.Count(rec, []byte{'\n'})
		if !ok {
			return "", nil, line, &recordError{line: line, cn: "引号未闭合（文件被截断？）", en: "unterminated quote (truncated file?)"}
		}
		if c.checkUTF8 && !utf8.Valid(rec) {
			return "", nil, line, &recordError{line: line, cn: "含有非 UTF-8 字节（文件编码混杂？）", en: "invalid UTF-8 bytes (mixed encodings?)"}
		}
		return string(rec), c.offs, line, nil
	}
}

// scan finds the fields of the record at the start of data, filling c.offs
// with field boundaries (escEnd marks fields with escaped quotes). It returns the record's length
// (excluding the newline, and a CR before it) and whether the record is
// complete; incomplete means the data ended inside quotes or before a
// newline.
func (c *fastCSV) scan(data []byte) (int, bool) {
	c.offs = c.offs[:0]
	i := 0
	for {
		st, en, esc := i, i, 0
		if i < len(data) && data[i] == '"' {
			j := i + 1
			for {
				q := bytes.IndexByte(data[j:], '"')
				if q < 0 {
					return len(data), false
				}
				j += q
				if j+1 < len(data) && data[j+1] == '"' {
					esc = 1
					j += 2
					continue
				}
				if j+1 >= len(data) && !c.eof {
					return len(data), false // cannot tell "" from " yet
				}
				break
			}
			st, en = i+1, j
			i = j + 1
			// Text after the closing quote up to the delimiter is kept (lazy).
			for i < len(data) && data[i] != c.comma && data[i] != '\n' {
				i++
			}
			if i > j+1 { // lazy tail: keep the raw text, closing quote included
				en = i
				if data[i-1] == '\r' && (i == len(data) || data[i] == '\n') {
					en = i - 1
				}
			}
		} else {
			for i < len(data) && data[i] != c.comma && data[i] != '\n' {
				i++
			}
			en = i
			if en > st && data[en-1] == '\r' && (i == len(data) || data[i] == '\n') {
				en--
			}
		}
		if esc != 0 {
			c.offs = append(c.offs, uint32(st), uint32(en)|escEnd)
		} else {
			c.offs = append(c.offs, uint32(st), uint32(en))
		}
		if i >= len(data) {
			return len(data), c.eof
		}
		if data[i] == '\n' {
			return i, true
		}
		i++ // delimiter
	}
}

func (c *fastCSV) close() error { return nil }
