package synth

import (
	"bufio"
	"encoding/binary"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

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
// empty and this keeps it cheap. Consecutive lines of the same kind are then
// merged into one appender (the empty tail is one precomputed run of
// commas), and consecutive plain text fields into one appender that reads
// the strings straight from the Stay (see textOffsets).
func columns(fields []*frontpage.Field) []colFn {
	type piece struct {
		fn     colFn
		off    uintptr // offset of the string in Stay for plain text fields
		text   bool
		dx, px int // first line index of a diagnosis/procedure run, else -1
		cost   int // cost item, else -1
	}
	offs := textOffsets()
	var ps []piece
	for i := 0; i < len(fields); {
		f := fields[i]
		if n, ok := dxRun(fields[i:]); ok {
			ps = append(ps, piece{fn: dxLine(n), dx: n, px: -1, cost: -1})
			i += 3
			continue
		}
		if n, ok := pxRun(fields[i:]); ok {
			ps = append(ps, piece{fn: pxLine(n), dx: -1, px: n, cost: -1})
			i += 11
			continue
		}
		pc := piece{fn: column(f), dx: -1, px: -1, cost: -1}
		if off, ok := offs[f]; ok {
			pc.off, pc.text = off, true
		}
		if c, ok := costItem(f); ok {
			pc.cost = int(c)
		}
		ps = append(ps, pc)
		i++
	}
	var out []colFn
	for i := 0; i < len(ps); {
		j := i + 1
		switch pc := ps[i]; {
		case pc.text:
			for j < len(ps) && ps[j].text {
				j++
			}
			if j-i > 1 {
				o := make([]uintptr, 0, j-i)
				for _, q := range ps[i:j] {
					o = append(o, q.off)
				}
				out = append(out, textRun(o))
				i = j
				continue
			}
		case pc.cost >= 0:
			for j < len(ps) && ps[j].cost >= 0 {
				j++
			}
			if j-i > 1 {
				items := make([]frontpage.CostItem, 0, j-i)
				for _, q := range ps[i:j] {
					items = append(items, frontpage.CostItem(q.cost))
				}
				out = append(out, costRun(items))
				i = j
				continue
			}
		case pc.dx >= 0:
			for j < len(ps) && ps[j].dx == pc.dx+(j-i) {
				j++
			}
			if j-i > 1 {
				out = append(out, dxLines(pc.dx, j-i))
				i = j
				continue
			}
		case pc.px >= 0:
			for j < len(ps) && ps[j].px == pc.px+(j-i) {
				j++
			}
			if j-i > 1 {
				out = append(out, pxLines(pc.px, j-i))
				i = j
				continue
			}
		}
		out = append(out, ps[i].fn)
		i++
	}
	return out
}

// textOffsets finds, for the registry's text and code fields whose value is
// a string of the Stay read as is, the offset of that string in the Stay.
// Each candidate is checked three ways on probe stays (all strings set to
// distinct markers, only this one set, all but this one set), so a getter
// that derives its value from other fields is never mistaken for a plain
// one; those keep going through Field.Get.
var textOffsets = sync.OnceValue(func() map[*frontpage.Field]uintptr {
	var locs []uintptr
	var walk func(t reflect.Type, base uintptr)
	walk = func(t reflect.Type, base uintptr) {
		switch t.Kind() {
		case reflect.String:
			locs = append(locs, base)
		case reflect.Struct:
			for i := 0; i < t.NumField(); i++ {
				walk(t.Field(i).Type, base+t.Field(i).Offset)
			}
		case reflect.Array:
			for i := 0; i < t.Len(); i++ {
				walk(t.Elem(), base+uintptr(i)*t.Elem().Size())
			}
		}
	}
	walk(reflect.TypeFor[frontpage.Stay](), 0)
	marker := func(k int) string { return "\x00probe" + strconv.Itoa(k) }
	set := func(s *frontpage.Stay, off uintptr, v string) { *(*string)(unsafe.Add(unsafe.Pointer(s), off)) = v }
	var all frontpage.Stay
	byMarker := map[string]int{}
	for k, off := range locs {
		set(&all, off, marker(k))
		byMarker[marker(k)] = k
	}
	out := map[*frontpage.Field]uintptr{}
	for _, f := range frontpage.Fields() {
		if f.Kind != frontpage.KindText && f.Kind != frontpage.KindCode {
			continue
		}
		k, ok := byMarker[f.Get(&all)]
		if !ok {
			continue
		}
		var only, but frontpage.Stay
		set(&only, locs[k], marker(k))
		for k2, off := range locs {
			if k2 != k {
				set(&but, off, marker(k2))
			}
		}
		if f.Get(&only) == marker(k) && f.Get(&but) == "" {
			out[f] = locs[k]
		}
	}
	return out
})

// textRun appends plain string fields of the Stay, comma-separated.
func textRun(offs []uintptr) colFn {
	return func(b []byte, s *frontpage.Stay) []byte {
		p := unsafe.Pointer(s)
		for k, off := range offs {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendText(b, *(*string)(unsafe.Add(p, off)))
		}
		return b
	}
}

// costRun appends cost items, comma-separated.
func costRun(items []frontpage.CostItem) colFn {
	return func(b []byte, s *frontpage.Stay) []byte {
		for k, c := range items {
			if k > 0 {
				b = append(b, ',')
			}
			if o := s.Costs[c]; o.Valid {
				b = appendAmount(b, o.V)
			}
		}
		return b
	}
}

func costItem(f *frontpage.Field) (frontpage.CostItem, bool) {
	if f.Group != "cost" {
		return 0, false
	}
	for c := frontpage.CostItem(0); c < frontpage.NumCostItems; c++ {
		if frontpage.CostCodes[c] == f.Code {
			return c, true
		}
	}
	return 0, false
}

// emptyLines returns the separators of n empty lines of width fields each
// (joined by commas, as appendRow joins columns).
func emptyLines(n, width int) string {
	if n == 0 {
		return ""
	}
	return strings.Repeat(",", n*width-1)
}

// dxLines appends n other-diagnosis lines from line lo.
func dxLines(lo, n int) colFn {
	tails := make([]string, n+1)
	for k := range tails {
		tails[k] = emptyLines(k, 3)
	}
	return func(b []byte, s *frontpage.Stay) []byte {
		have := min(max(len(s.Diagnoses)-lo, 0), n)
		for k := 0; k < have; k++ {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendDx(b, &s.Diagnoses[lo+k])
		}
		if have > 0 && have < n {
			b = append(b, ',')
		}
		return append(b, tails[n-have]...)
	}
}

// pxLines appends n procedure lines from line lo.
func pxLines(lo, n int) colFn {
	tails := make([]string, n+1)
	for k := range tails {
		tails[k] = emptyLines(k, 11)
	}
	return func(b []byte, s *frontpage.Stay) []byte {
		have := min(max(len(s.Procedures)-lo, 0), n)
		for k := 0; k < have; k++ {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendPx(b, &s.Procedures[lo+k])
		}
		if have > 0 && have < n {
			b = append(b, ',')
		}
		return append(b, tails[n-have]...)
	}
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
		return appendDx(b, &s.Diagnoses[i])
	}
}

func appendDx(b []byte, d *frontpage.Diagnosis) []byte {
	b = appendText(b, d.Code)
	b = append(b, ',')
	b = appendText(b, d.Name)
	b = append(b, ',')
	return appendText(b, d.POA)
}

func pxLine(i int) colFn {
	return func(b []byte, s *frontpage.Stay) []byte {
		if i >= len(s.Procedures) {
			return append(b, ",,,,,,,,,,"...)
		}
		return appendPx(b, &s.Procedures[i])
	}
}

func appendPx(b []byte, p *frontpage.Procedure) []byte {
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
		if c, ok := costItem(f); ok {
			return func(b []byte, s *frontpage.Stay) []byte {
				o := s.Costs[c]
				if !o.Valid {
					return b
				}
				return appendAmount(b, o.V)
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
	if !needsQuote(v) {
		return append(b, v...)
	}
	b = append(b, '"')
	b = append(b, strings.ReplaceAll(v, `"`, `""`)...)
	return append(b, '"')
}

// quoteMask has the bits of ',', '"', CR and LF.
const quoteMask = 1<<',' | 1<<'"' | 1<<'\r' | 1<<'\n'

// needsQuote tells whether v holds a comma, quote, CR or LF. The four are
// below '-' (0x2d): long strings (diagnosis names, addresses) are first
// tested eight bytes at a time for any byte below it (an exact test, the
// haszero family of Hacker's Delight) and only words that pass this cheap
// filter are looked at byte by byte.
func needsQuote(v string) bool {
	i := 0
	if len(v) >= 16 {
		p := unsafe.Slice(unsafe.StringData(v), len(v)) // read only
		for ; i+8 <= len(p); i += 8 {
			x := binary.LittleEndian.Uint64(p[i:])
			if (x-0x0101010101010101*0x2d)&^x&0x8080808080808080 != 0 {
				break // a byte below '-': look closer from here
			}
		}
	}
	for ; i < len(v); i++ {
		if c := v[i]; c < 64 && quoteMask&(1<<c) != 0 {
			return true
		}
	}
	return false
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
	c := uint64(math.Round(v * 100))
	var d [24]byte
	i := len(d) - 3
	q := c / 100
	r := c - q*100
	d[i], d[i+1], d[i+2] = '.', digits2[2*r], digits2[2*r+1]
	for q >= 100 {
		qq := q / 100
		r := q - qq*100
		i -= 2
		d[i], d[i+1] = digits2[2*r], digits2[2*r+1]
		q = qq
	}
	if q >= 10 {
		i -= 2
		d[i], d[i+1] = digits2[2*q], digits2[2*q+1]
	} else {
		i--
		d[i] = byte('0' + q)
	}
	return append(b, d[i:]...)
}

const digits2 = "00010203040506070809" +
	"10111213141516171819" +
	"20212223242526272829" +
	"30313233343536373839" +
	"40414243444546474849" +
	"50515253545556575859" +
	"60616263646566676869" +
	"70717273747576777879" +
	"80818283848586878889" +
	"90919293949596979899"
