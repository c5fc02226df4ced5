package qc

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unsafe"

	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// cleanRef is the plain definition clean must agree with.
func cleanRef(v string) string {
	v = strings.TrimSpace(v)
	if frontpage.IsBlank(v) {
		return ""
	}
	return v
}

// TestCleanMatchesTrimSpace: the byte tests of clean/mayTrim skip
// strings.TrimSpace only when it would change nothing.
func TestCleanMatchesTrimSpace(t *testing.T) {
	var spaces []string
	for r := rune(0); r <= 0x3000; r++ {
		if unicode.IsSpace(r) {
			spaces = append(spaces, string(r))
		}
	}
	bodies := []string{"", "a", "1", "-", "—", "－", "张三", "0701", "。", "\u2030", "\u1681", "\xff", "\xc2", "\xe2\x80", "a\xe3", "Õ", "\u00a1", "x\u00b7"}
	var cases []string
	for _, b := range bodies {
		cases = append(cases, b)
		for _, sp := range spaces {
			cases = append(cases, sp+b, b+sp, sp+b+sp)
		}
	}
	// every short byte string over an alphabet that includes the space lead bytes
	alpha := []byte{' ', 'a', '-', 0x80, 0x85, 0x9a, 0xa0, 0xc2, 0xe1, 0xe2, 0xe3, 0xe4}
	cases = appendByteStrings(cases, "", alpha, 4)
	for _, c := range cases {
		if got, want := clean(c), cleanRef(c); got != want {
			t.Errorf("clean(%q) = %q, want %q", c, got, want)
		}
		if c != "" && !mayTrim(c) && strings.TrimSpace(c) != c {
			t.Errorf("mayTrim(%q) = false but TrimSpace trims it", c)
		}
	}
}

// TestSlotsReadLikeRegistry: every registry field, read through a value
// slot (direct offsets, typed fields, getters, lazily parsed text forms),
// has the value its registry text form gives (amounts with at most two
// decimals: the text form rounds to cents, the rules read the number).
func TestSlotsReadLikeRegistry(t *testing.T) {
	var codes []string
	for _, f := range frontpage.Fields() {
		if f.Kind != frontpage.KindList {
			codes = append(codes, f.Code)
		}
	}
	e, err := Compile([]*Rule{{ID: "X", Category: Completeness, Severity: Error, Check: CheckRequired, Fields: codes}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	k := e.NewChecker()
	stays := []*frontpage.Stay{build(t), build(t, m{"A11": " 张三\u3000", "B14": "-", "C02N": "—", "A48": "\t", "D11": "12.34", "A18x03": "3100",
		"C06x02C": "Z37.000", "C16x01": "", "C37x01": "2021-03-06 07:00", "C48x01C": "03", "C49x01": "2021-03-06 10:00", "C47": "12"}), {}}
	// a raw value the parser would have trimmed
	stays[1].OrgName = " 医院 "
	for n, s := range stays {
		for round := 0; round < 2; round++ { // the second round reads lazy slots of a new stay generation
			k.Check(s)
			for _, a := range e.compiled[0].fields {
				f, _ := frontpage.FieldByCode(a.code)
				raw := f.Get(s)
				switch a.kind {
				case kText:
					if got, want := k.text(a, s, 0), cleanRef(raw); got != want {
						t.Errorf("stay %d %s: text %q, want %q", n, a.code, got, want)
					}
				case kNum:
					got, ok := k.num(a, s)
					want, err := strconv.ParseFloat(raw, 64)
					if ok != (raw != "" && err == nil) || (ok && got != want) {
						t.Errorf("stay %d %s: num %v %v, want %q", n, a.code, got, ok, raw)
					}
				case kTime:
					want, _ := frontpage.ParseDateTime(raw)
					got := k.tm(a, s, 0)
					if f.Kind == frontpage.KindDate {
						got = got.Truncate(24 * time.Hour)
					}
					if !got.Equal(want) {
						t.Errorf("stay %d %s: time %v, want %v", n, a.code, got, want)
					}
				default:
					t.Errorf("%s: kind %d", a.code, a.kind)
				}
			}
		}
	}
}

// TestLineFieldsReadDirectly: the text and code fields of the diagnosis
// and procedure lines are loaded from the lines, not through Field.Get
// (TestSlotsReadLikeRegistry checks the values).
func TestLineFieldsReadDirectly(t *testing.T) {
	refs := lineOffsets()
	n := 0
	for _, f := range frontpage.Fields() {
		if (f.Group != "diagnosis" && f.Group != "procedure") || (f.Kind != frontpage.KindText && f.Kind != frontpage.KindCode) {
			continue
		}
		if _, own := textOffsets()[f]; own { // C01C, C09C, C12C…: strings of the stay
			continue
		}
		n++
		r, ok := refs[f]
		if !ok {
			t.Errorf("%s: not read from its line", f.Code)
			continue
		}
		if want := map[string]src{"diagnosis": srcDxLine, "procedure": srcPxLine}[f.Group]; r.src != want {
			t.Errorf("%s: source %d, want %d", f.Code, r.src, want)
		}
	}
	if n < 100 {
		t.Fatalf("only %d line fields in the registry", n)
	}
	if f, _ := frontpage.FieldByCode("C06x03C"); refs[f].line != 3 {
		t.Errorf("C06x03C read from line %d, want 3 (C03C is line 0)", refs[f].line)
	}
}

// TestLazySlotGenerationWrap: lazily computed slots stay correct when the
// stay counter wraps.
func TestLazySlotGenerationWrap(t *testing.T) {
	rules := []*Rule{{ID: "X", Category: Logic, Severity: Error, Check: CheckWhen, Fields: []string{"C16x01"},
		When: []Cond{{Field: "C16x01", Op: "present"}}, MsgCN: "{value}", MsgEN: "{value}"}}
	e, err := Compile(rules, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !e.lazy {
		t.Fatal("C16x01 should be read lazily")
	}
	with, without := build(t), build(t, m{"C16x01": ""})
	k := e.NewChecker()
	k.c.gen = math.MaxUint32 - 2
	for i := 0; i < 6; i++ {
		s, want := with, 1
		if i%2 == 1 {
			s, want = without, 0
		}
		if got := len(k.Check(s)); got != want {
			t.Fatalf("check %d (gen %d): %d findings, want %d", i, k.c.gen, got, want)
		}
	}
}

// TestCodeSet: the packed code sets answer like a map of the table.
func TestCodeSet(t *testing.T) {
	probes := []string{"", "0", "1", "9", "01", "0701", "070100", "0701000", "07010000", "x", "\x00", "1\x00", "-", "张三"}
	for _, id := range CodeTableIDs() {
		tab := CodeTable(id)
		var keys []string
		for c := range tab {
			keys = append(keys, c)
			probes = append(probes, c, c+"0", c[:len(c)-1])
		}
		keys = append(keys, "a long code value")
		set := newCodeSet(keys)
		for _, p := range append(probes, "a long code value", "a long code valu") {
			_, want := tab[p]
			want = want || p == "a long code value"
			if got := set.has(p); got != want {
				t.Errorf("%s: has(%q) = %v, want %v", id, p, got, want)
			}
		}
	}
	if s := newCodeSet([]string{"", "1"}); !s.has("") || !s.has("1") || s.has("2") {
		t.Error("set with the empty code")
	}
	if s := newCodeSet(nil); s.has("") || s.has("1") {
		t.Error("empty set")
	}
}

// TestPersonNameFastPath: the letter shortcut of isPersonName agrees with
// the Unicode tables it skips.
func TestPersonNameFastPath(t *testing.T) {
	for r := rune(0); r <= 0xFFFF; r++ {
		if (r >= 0x4E00 && r <= 0x9FFF) || (r|0x20 >= 'a' && r|0x20 <= 'z') {
			if unicode.IsDigit(r) || unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
				t.Fatalf("%U is skipped but is not a letter", r)
			}
		}
	}
}

// TestMidnight: the UTC shortcut gives the instant of the calendar
// computation, for any date including years before 1 and leap days.
func TestMidnight(t *testing.T) {
	slow := func(t time.Time) time.Time {
		y, m, d := t.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	r := rand.New(rand.NewPCG(1, 2))
	shanghai := time.FixedZone("CST", 8*3600)
	for i := 0; i < 200000; i++ {
		tm := time.Date(r.IntN(12000)-1000, time.Month(1+r.IntN(12)), 1+r.IntN(31), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1e9), time.UTC)
		if i%7 == 0 {
			tm = tm.Truncate(24 * time.Hour).Add(time.Duration(r.IntN(3)-1) * time.Nanosecond)
		}
		for _, x := range []time.Time{tm, tm.In(time.UTC), tm.In(shanghai)} {
			if got, want := midnight(x), slow(x); !got.Equal(want) {
				t.Fatalf("midnight(%v) = %v, want %v", x, got, want)
			}
		}
	}
	if got := midnight(time.Time{}); !got.Equal(slow(time.Time{})) {
		t.Fatalf("zero time: %v", got)
	}
}

// TestLoadKeysAndDays: the slots load fills by kind and offset hold, for
// every field of the rules, the value, code key and calendar day the
// straightforward reading gives.
func TestLoadKeysAndDays(t *testing.T) {
	var texts, times []string
	for _, f := range frontpage.Fields() {
		switch f.Kind {
		case frontpage.KindText, frontpage.KindCode:
			texts = append(texts, f.Code)
		case frontpage.KindDate, frontpage.KindDateTime:
			times = append(times, f.Code)
		}
	}
	rules := append(Catalogue(), &Rule{ID: "X1", Category: Coding, Severity: Error, Check: CheckCodeRange, Fields: texts,
		Params: Params{Mode: "forbid", Ranges: []string{"A00-Z99"}}})
	for i := 0; i+1 < len(times); i++ {
		rules = append(rules, &Rule{ID: "X2" + strconv.Itoa(i), Category: Logic, Severity: Error, Check: CheckDateOrder, Fields: times[i : i+2]})
	}
	e, err := Compile(rules, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.strOffs) == 0 || len(e.intOffs) == 0 || len(e.floatOffs) == 0 || len(e.timeOffs) == 0 || len(e.keyedTexts) == 0 || len(e.dayedTimes) == 0 {
		t.Fatal("some load kind unused")
	}
	k := e.NewChecker()
	s1 := build(t, m{"A11": " 张三\u3000", "B14": "-", "C01C": " k35.800 ", "B12": "2021-03-06 07:00", "A13": "2020-12-31", "C06x02C": "Z37.000"})
	s1.QCDate = time.Date(2021, 3, 9, 23, 59, 0, 0, time.FixedZone("CST", 8*3600))
	for n, s := range []*frontpage.Stay{build(t), s1, {}} {
		k.Check(s)
		for _, c := range e.compiled {
			for _, a := range c.fields {
				if a.slot < 0 {
					continue
				}
				f, _ := frontpage.FieldByCode(a.code)
				switch a.kind {
				case kText:
					want := ""
					if f != nil {
						want = cleanRef(f.Get(s))
					}
					if got := k.text(a, s, 0); got != want || k.c.texts[a.slot] != want {
						t.Errorf("stay %d %s: text %q, want %q", n, a.code, got, want)
					}
					if a.keyed && k.c.keys[a.slot] != codeKey(want) {
						t.Errorf("stay %d %s: key %x, want %x", n, a.code, k.c.keys[a.slot], codeKey(want))
					}
				case kTime:
					tm := k.tm(a, s, 0)
					if a.src == srcTime && !tm.Equal(*(*time.Time)(unsafe.Add(unsafe.Pointer(s), a.off))) {
						t.Errorf("stay %d %s: time %v", n, a.code, tm)
					}
					if a.dayed && !tm.IsZero() && k.day(a, s, tm) != midnight(tm) {
						t.Errorf("stay %d %s: day %v, want %v", n, a.code, k.day(a, s, tm), midnight(tm))
					}
				}
			}
		}
	}
}

// TestDaysBetween: the Unix-day count agrees with the definition, for UTC
// and other zones, before 1970 and across spans Sub saturates on.
func TestDaysBetween(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	shanghai := time.FixedZone("CST", 8*3600)
	rnd := func() time.Time {
		tm := time.Date(r.IntN(1200)+1400, time.Month(1+r.IntN(12)), 1+r.IntN(31), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1e9), time.UTC)
		switch r.IntN(8) {
		case 0:
			tm = tm.Truncate(24 * time.Hour).Add(time.Duration(r.IntN(3)-1) * time.Nanosecond)
		case 1:
			tm = tm.In(shanghai)
		case 2:
			tm = time.Date(r.IntN(20000)-5000, 1, 1, 0, 0, 0, 0, time.UTC)
		case 3:
			tm = time.Time{}
		}
		return tm
	}
	for i := 0; i < 300000; i++ {
		a, b := rnd(), rnd()
		if i%3 == 0 {
			b = a.Add(time.Duration(r.IntN(1000)-500) * time.Hour)
		}
		if got, want := daysBetween(a, b), daysBetweenRef(a, b); got != want {
			t.Fatalf("daysBetween(%v, %v) = %d, want %d", a, b, got, want)
		}
	}
	// the saturation edge
	base := time.Date(1900, 1, 1, 12, 0, 0, 0, time.UTC)
	for d := maxDurationDays - 2; d <= maxDurationDays+2; d++ {
		for _, b := range []time.Time{base.AddDate(0, 0, int(d)), base.AddDate(0, 0, -int(d))} {
			if got, want := daysBetween(base, b), daysBetweenRef(base, b); got != want {
				t.Fatalf("daysBetween(%v, %v) = %d, want %d", base, b, got, want)
			}
		}
	}
}

// appendByteStrings appends prefix followed by every string of at most n
// bytes over alpha, for exhaustive comparisons with a reference.
func appendByteStrings(cases []string, prefix string, alpha []byte, n int) []string {
	cases = append(cases, prefix)
	if n > 0 {
		for _, c := range alpha {
			cases = appendByteStrings(cases, prefix+string(c), alpha, n-1)
		}
	}
	return cases
}
