package synth

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// Default number of other-diagnosis and other-procedure column groups in
// written files: enough for every generated stay, far fewer than the 40 the
// interface allows (wide files are slow to read for no gain).
const (
	DefaultMaxDx = 20
	DefaultMaxPx = 8
)

// Columns returns the front-page fields written to files, in the registry's
// canonical order, keeping other diagnoses 1..maxDx and other procedures
// 1..maxPx.
func Columns(maxDx, maxPx int) []*frontpage.Field {
	var out []*frontpage.Field
	for _, f := range frontpage.Fields() {
		c := f.Code
		switch {
		case (strings.HasPrefix(c, "C06x") || strings.HasPrefix(c, "C07x") || strings.HasPrefix(c, "C08x")) && f.Index > maxDx:
			continue
		case len(c) >= 4 && c[3] == 'x' && c[0] == 'C' && c[1:3] >= "35" && c[1:3] <= "44" && f.Index > maxPx:
			continue
		case strings.HasPrefix(c, "YS11x") && f.Index > maxPx:
			continue
		}
		out = append(out, f)
	}
	return out
}

// colFn appends the canonical text of one field to b.
type colFn func(b []byte, s *frontpage.Stay) []byte

// StayWriter writes front pages as CSV in the import format: a header row of
// national field codes, then one row per stay with the registry's canonical
// values. It is hand-rolled (append-only, no per-field allocation) because
// it sits on the generator's hot path; TestStayWriterMatchesRegistry checks
// it cell by cell against frontpage.Field.Get.
type StayWriter struct {
	w    *bufio.Writer
	cols []colFn
	buf  []byte
	rows int
}

// NewStayWriter writes the header and returns a writer for the rows.
func NewStayWriter(w io.Writer, fields []*frontpage.Field) (*StayWriter, error) {
	sw := &StayWriter{w: bufio.NewWriterSize(w, 1<<20)}
	hdr := make([]byte, 0, 4096)
	for i, f := range fields {
		if i > 0 {
			hdr = append(hdr, ',')
		}
		hdr = append(hdr, f.Code...)
		sw.cols = append(sw.cols, column(f))
	}
	hdr = append(hdr, '\r', '\n')
	_, err := sw.w.Write(hdr)
	return sw, err
}

// Write appends one row.
func (sw *StayWriter) Write(s *frontpage.Stay) error {
	b := sw.buf[:0]
	for i, c := range sw.cols {
		if i > 0 {
			b = append(b, ',')
		}
		b = c(b, s)
	}
	b = append(b, '\r', '\n')
	sw.buf = b
	sw.rows++
	_, err := sw.w.Write(b)
	return err
}

// Flush writes buffered rows to the underlying writer.
func (sw *StayWriter) Flush() error { return sw.w.Flush() }

func column(f *frontpage.Field) colFn {
	code := f.Code
	idx := func() int { n, _ := strconv.Atoi(code[4:6]); return n }
	switch {
	case code == "A13":
		return func(b []byte, s *frontpage.Stay) []byte { return appendDate(b, s.BirthDate) }
	case code == "B33":
		return func(b []byte, s *frontpage.Stay) []byte { return appendDate(b, s.QCDate) }
	case code == "B12":
		return func(b []byte, s *frontpage.Stay) []byte { return appendDateTime(b, s.AdmTime) }
	case code == "B15":
		return func(b []byte, s *frontpage.Stay) []byte { return appendDateTime(b, s.DisTime) }
	case code == "A14":
		return func(b []byte, s *frontpage.Stay) []byte { return appendOpt(b, s.AgeYears) }
	case code == "A16":
		return func(b []byte, s *frontpage.Stay) []byte { return appendOpt(b, s.AgeDays) }
	case code == "A17":
		return func(b []byte, s *frontpage.Stay) []byte { return appendOpt(b, s.NewbornAdmWeight) }
	case code == "B20":
		return func(b []byte, s *frontpage.Stay) []byte { return appendOpt(b, s.LOS) }
	case code == "C47":
		return func(b []byte, s *frontpage.Stay) []byte { return appendOpt(b, s.VentHours) }
	case code == "A49":
		return func(b []byte, s *frontpage.Stay) []byte {
			if s.AdmissionNo == 0 {
				return b
			}
			return strconv.AppendInt(b, int64(s.AdmissionNo), 10)
		}
	case strings.HasPrefix(code, "A18x"):
		i := idx() - 1
		return func(b []byte, s *frontpage.Stay) []byte { return appendOpt(b, s.BirthWeights[i]) }
	case len(code) == 3 && code >= "C28" && code <= "C33":
		k, _ := strconv.Atoi(code[1:])
		if k <= 30 {
			return func(b []byte, s *frontpage.Stay) []byte { return appendOpt(b, s.ComaBefore[k-28]) }
		}
		return func(b []byte, s *frontpage.Stay) []byte { return appendOpt(b, s.ComaAfter[k-31]) }
	case code == "C16x01" || strings.HasPrefix(code, "C37x"):
		i := 0
		if code[1] == '3' {
			i = idx()
		}
		return func(b []byte, s *frontpage.Stay) []byte {
			if i >= len(s.Procedures) {
				return b
			}
			return appendDateTime(b, s.Procedures[i].Date)
		}
	case strings.HasPrefix(code, "C49x") || strings.HasPrefix(code, "C50x"):
		i, out := idx()-1, code[2] == '0'
		return func(b []byte, s *frontpage.Stay) []byte {
			if i >= len(s.ICU) {
				return b
			}
			if out {
				return appendDateTime(b, s.ICU[i].Out)
			}
			return appendDateTime(b, s.ICU[i].In)
		}
	case f.Group == "cost":
		for c := frontpage.CostItem(0); c < frontpage.NumCostItems; c++ {
			if frontpage.CostCodes[c] == code {
				return func(b []byte, s *frontpage.Stay) []byte {
					o := s.Costs[c]
					if !o.Valid {
						return b
					}
					return strconv.AppendFloat(b, o.V, 'f', 2, 64)
				}
			}
		}
	}
	return func(b []byte, s *frontpage.Stay) []byte { return appendText(b, f.Get(s)) }
}

func appendOpt(b []byte, o frontpage.Opt[int]) []byte {
	if !o.Valid {
		return b
	}
	return strconv.AppendInt(b, int64(o.V), 10)
}

func appendText(b []byte, v string) []byte {
	if strings.ContainsAny(v, ",\"\r\n") {
		b = append(b, '"')
		b = append(b, strings.ReplaceAll(v, `"`, `""`)...)
		return append(b, '"')
	}
	return append(b, v...)
}

func append2(b []byte, v int) []byte { return append(b, byte('0'+v/10), byte('0'+v%10)) }

func appendDate(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	y, m, d := t.Date()
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	b = append2(b, int(m))
	b = append(b, '-')
	return append2(b, d)
}

func appendDateTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return b
	}
	b = appendDate(b, t)
	hh, mm, ss := t.Clock()
	b = append(b, ' ')
	b = append2(b, hh)
	b = append(b, ':')
	b = append2(b, mm)
	b = append(b, ':')
	return append2(b, ss)
}
