package synth

import (
	"bufio"
	"io"
	"math"
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

// colFn appends the canonical text of one field (or of a run of fields,
// separators included) to b.
type colFn func(b []byte, s *frontpage.Stay) []byte

// columns compiles the fields into appenders. Runs of fields that form one
// other-diagnosis line (C06xNNC, C07xNNN, C08xNNC) or one procedure line
// (code … anaesthetist, YS1xxNN) become a single appender, which writes
// only separators when the stay has no such line: most of a wide row is
// empty and this keeps it cheap.
func columns(fields []*frontpage.Field) []colFn {
	var out []colFn
	for i := 0; i < len(fields); {
		f := fields[i]
		if n, ok := dxRun(fields[i:]); ok {
			out = append(out, dxLine(n))
			i += 3
			continue
		}
		if n, ok := pxRun(fields[i:]); ok {
			out = append(out, pxLine(n))
			i += 11
			continue
		}
		out = append(out, column(f))
		i++
	}
	return out
}

func dxRun(f []*frontpage.Field) (int, bool) {
	if len(f) < 3 || !strings.HasPrefix(f[0].Code, "C06x") {
		return 0, false
	}
	nn := f[0].Code[4:6]
	if f[1].Code != "C07x"+nn+"N" || f[2].Code != "C08x"+nn+"C" {
		return 0, false
	}
	n, err := strconv.Atoi(nn)
	return n, err == nil
}

var pxPrincipal = []string{"C14x01C", "C15x01N", "C16x01", "C17x01", "C18x01", "C19x01", "C20x01", "C21x01C", "C22x01C", "C23x01", "YS10x01"}

func pxRun(f []*frontpage.Field) (int, bool) {
	if len(f) < 11 {
		return 0, false
	}
	want := pxPrincipal
	idx := 0
	if strings.HasPrefix(f[0].Code, "C35x") {
		nn := f[0].Code[4:6]
		n, err := strconv.Atoi(nn)
		if err != nil {
			return 0, false
		}
		idx = n
		want = []string{"C35x" + nn + "C", "C36x" + nn + "N", "C37x" + nn, "C38x" + nn, "C39x" + nn, "C40x" + nn, "C41x" + nn, "C42x" + nn + "C", "C43x" + nn + "C", "C44x" + nn, "YS11x" + nn}
	}
	for k, c := range want {
		if f[k].Code != c {
			return 0, false
		}
	}
	return idx, true
}

func dxLine(i int) colFn {
	return func(b []byte, s *frontpage.Stay) []byte {
		if i >= len(s.Diagnoses) {
			return append(b, ',', ',')
		}
		d := &s.Diagnoses[i]
		b = appendText(b, d.Code)
		b = append(b, ',')
		b = appendText(b, d.Name)
		b = append(b, ',')
		return appendText(b, d.POA)
	}
}

func pxLine(i int) colFn {
	return func(b []byte, s *frontpage.Stay) []byte {
		if i >= len(s.Procedures) {
			return append(b, ",,,,,,,,,,"...)
		}
		p := &s.Procedures[i]
		b = appendText(b, p.Code)
		b = append(b, ',')
		b = appendText(b, p.Name)
		b = append(b, ',')
		b = appendDateTime(b, p.Date)
		for _, v := range [...]string{p.Level, p.Surgeon, p.Assistant1, p.Assistant2, p.Incision, p.Anaesthesia, p.Anaesthetist, p.Elective} {
			b = append(b, ',')
			b = appendText(b, v)
		}
		return b
	}
}

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
	}
	sw.cols = columns(fields)
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
					return appendAmount(b, o.V)
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
	quote := false
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == ',' || c == '"' || c == '\r' || c == '\n' {
			quote = true
			break
		}
	}
	if quote {
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

// appendAmount writes an amount with two decimals, as FormatAmount does, but
// without going through the general float formatter: amounts are whole
// cents, so rounding to cents and printing the integer is exact.
func appendAmount(b []byte, v float64) []byte {
	if v < 0 || v > 1e12 || v != v {
		return strconv.AppendFloat(b, v, 'f', 2, 64)
	}
	c := int64(math.Round(v * 100))
	b = strconv.AppendInt(b, c/100, 10)
	return append(b, '.', byte('0'+c/10%10), byte('0'+c%10))
}
