package ingest

import (
	"fmt"
	"strings"
	"time"
)

// RowError describes one row that could not be used. It never contains
// patient identity values (name, ID number, address, phone): reasons for
// identity fields say "值无效 invalid value"; codes, dates and amounts may be
// echoed because the user needs them to find and fix the cell.
type RowError struct {
	File     string
	Line     int    // physical line in the file (header = 1); for xlsx the sheet row
	Column   string // the column header as written in the file ("" for row-level problems)
	Field    string // national field code ("" for row-level problems)
	ReasonCN string
	ReasonEN string
}

// String formats the error as "file:line: column (field): 原因 / reason".
func (e RowError) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d: ", e.File, e.Line)
	switch {
	case e.Column != "" && e.Field != "" && e.Column != e.Field:
		fmt.Fprintf(&b, "%s (%s): ", e.Column, e.Field)
	case e.Field != "":
		fmt.Fprintf(&b, "%s: ", e.Field)
	case e.Column != "":
		fmt.Fprintf(&b, "%s: ", e.Column)
	}
	b.WriteString(e.ReasonCN)
	if e.ReasonEN != "" && e.ReasonEN != e.ReasonCN {
		b.WriteString(" / ")
		b.WriteString(e.ReasonEN)
	}
	return b.String()
}

// Error makes RowError usable as an error value (e.g. wrapped in the error
// returned under Options.Strict).
func (e RowError) Error() string { return e.String() }

// Options control a read.
type Options struct {
	MappingFile string             // optional hospital mapping file (see ParseMapping)
	Mapping     *Mapping           // already parsed mapping; takes precedence over MappingFile
	Strict      bool               // any bad row makes the read fail (nothing more is emitted after it)
	BatchSize   int                // stays per emit call (default 2000)
	Progress    func(rowsRead int) // called after each batch from the emitting goroutine
	Sheet       string             // xlsx sheet name (default: the first sheet, or the mapping's sheet)
}

// Report summarises a read.
type Report struct {
	File        string
	Format      string // "csv" or "xlsx"
	Encoding    string // "utf-8", "utf-8-bom", "gbk", "gb18030" (csv); "xlsx" for Excel files
	HeaderStyle string // "code", "chinese", "pinyin", "mapping" or "mixed"
	Delimiter   string // csv field separator that was detected ("," "\t" ";" "|")
	RowsRead    int    // data rows (header excluded, wholly empty lines excluded)
	RowsGood    int    // distinct stays / records imported
	RowsBad     int    // rows not imported (includes earlier occurrences superseded by a duplicate)
	Errors      []RowError
	// IgnoredColumns lists header cells that matched no field (each once).
	IgnoredColumns []string
	// Notes are file-level remarks that are not errors (e.g. "a .xlsx file
	// that holds CSV text was read as CSV").
	Notes    []string
	Duration time.Duration
}

func (r *Report) addError(e RowError) {
	r.Errors = append(r.Errors, e)
}

// splitReason splits the "中文 English" messages of package frontpage into
// their Chinese and English halves: the English part starts at the first
// ASCII letter.
func splitReason(msg string) (cn, en string) {
	for i := 0; i < len(msg); i++ {
		c := msg[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			cn, en = strings.TrimSpace(msg[:i]), strings.TrimSpace(msg[i:])
			if cn == "" {
				cn = en
			}
			return cn, en
		}
	}
	return msg, msg
}
