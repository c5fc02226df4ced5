package qc

import (
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/yardstick-health/yardstick/internal/codes"
	"github.com/yardstick-health/yardstick/internal/frontpage"
)

// Per-stay values. Many rules read the same fields (C03C alone is read by a
// dozen conditions), so when a stay's check starts the Checker reads every
// stay field the enabled rules use into a value slot, cleaned text, number
// or time, plus the range keys of the codes, in one tight loop; the rules
// then read slots. Values that are expensive and rarely needed (registry
// dates parsed from text, the dictionaries, the ages) are computed on first
// use.

// numVal and timeVal are the value slots of numeric and time fields; text
// fields have a string and a code key. Keeping one small array per kind
// keeps the values the rules read within a few cache lines.
type numVal struct {
	v   float64
	ok  bool   // present
	gen uint32 // lazy sources: the stay the value was computed for
}

type timeVal struct {
	t   time.Time
	day time.Time // t at midnight UTC of its calendar date, when acc.dayed
	gen uint32    // lazy sources: the stay the value was computed for
}

// stayCache holds the per-stay values.
type stayCache struct {
	texts  []string  // text slots, cleaned
	texts1 []string  // texts from index 1 (texts1[1:] is texts), for acc.textSlot
	keys   []uint32  // codeKey of text slots, when acc.keyed
	nums   []numVal  // numeric slots
	times  []timeVal // time slots
	dxKeys []uint32  // codeKey of each diagnosis code
	pxKeys []uint32  // codeKey of each procedure code
	gen    uint32    // stay number, for the lazily computed values
	lazy   bool      // the engine has lazily computed slots
	done   uint8     // lazily computed values below that are valid
	dxDict *codes.Dict
	pxDict *codes.Dict
	ageY   float64
	ageD   int
	ageYOK bool
	ageDOK bool
}

const (
	doneDicts uint8 = 1 << iota
	doneAgeYears
	doneAgeDays
)

// load reads the stay's values for the engine's rules.
func (k *Checker) load(s *frontpage.Stay) {
	c := &k.c
	c.done = 0
	if c.lazy {
		c.gen++
		if c.gen == 0 { // wrapped after 4 billion stays
			for i := range c.nums {
				c.nums[i].gen = 0
			}
			for i := range c.times {
				c.times[i].gen = 0
			}
			c.gen = 1
		}
	}
	e := k.e
	p := unsafe.Pointer(s)
	texts := c.texts[:len(e.strOffs)]
	for j, off := range e.strOffs {
		texts[j] = clean(*(*string)(unsafe.Add(p, off)))
	}
	nums := c.nums[:len(e.intOffs)+len(e.floatOffs)]
	for j, off := range e.intOffs {
		o := (*frontpage.Opt[int])(unsafe.Add(p, off))
		nums[j] = numVal{v: float64(o.V), ok: o.Valid}
	}
	nums = nums[len(e.intOffs):]
	for j, off := range e.floatOffs {
		o := (*frontpage.Opt[float64])(unsafe.Add(p, off))
		nums[j] = numVal{v: o.V, ok: o.Valid}
	}
	times := c.times[:len(e.timeOffs)]
	for j, off := range e.timeOffs {
		times[j].t = *(*time.Time)(unsafe.Add(p, off))
	}
	for _, j := range e.dayedTimes {
		if t := &times[j]; !t.t.IsZero() {
			t.day = midnight(t.t)
		}
	}
	for i := range e.loads {
		op := &e.loads[i]
		switch op.src {
		case srcDxLine, srcPxLine:
			var v string
			if l := linePtr(s, op.src, op.line); l != nil {
				v = clean(*(*string)(unsafe.Add(l, op.off)))
			}
			c.texts[op.slot] = v
		case srcGet:
			c.texts[op.slot] = clean(op.a.get(s))
		case srcNum:
			x, ok := op.a.num(s)
			c.nums[op.slot] = numVal{v: x, ok: ok}
		}
	}
	for _, j := range e.keyedTexts {
		c.keys[j] = codeKey(c.texts[j])
	}
	c.dxKeys = c.dxKeys[:0]
	for i := range s.Diagnoses {
		c.dxKeys = append(c.dxKeys, codeKey(s.Diagnoses[i].Code))
	}
	c.pxKeys = c.pxKeys[:0]
	for i := range s.Procedures {
		c.pxKeys = append(c.pxKeys, codeKey(s.Procedures[i].Code))
	}
}

// lazyNum and lazyTime compute a lazy slot on first use in the stay.
func (k *Checker) lazyNum(a *acc, s *frontpage.Stay) *numVal {
	v := &k.c.nums[a.slot]
	if v.gen != k.c.gen {
		v.gen = k.c.gen
		v.v, v.ok = a.num(s)
	}
	return v
}

func (k *Checker) lazyTime(a *acc, s *frontpage.Stay) *timeVal {
	v := &k.c.times[a.slot]
	if v.gen != k.c.gen {
		v.gen = k.c.gen
		v.t = a.tm(s)
		if a.dayed && !v.t.IsZero() {
			v.day = midnight(v.t)
		}
	}
	return v
}

// text is the value of a text field ("" when absent). Stay fields are
// cleaned, item fields are read as stored.
func (k *Checker) text(a *acc, s *frontpage.Stay, i int) string {
	// Small enough to be inlined into the rules for the common stay field.
	if t := a.textSlot; t > 0 {
		return k.c.texts1[t]
	}
	return k.textSlow(a, s, i)
}

// textSlow is text for the fields without textSlot: item fields and
// fields that are not text.
func (k *Checker) textSlow(a *acc, s *frontpage.Stay, i int) string {
	switch {
	case a.slot < 0:
		return itemText(s, a.part, i)
	case a.kind != kText:
		return ""
	}
	return k.c.texts[a.slot] // not given a textSlot (not reached)
}

// num is the value of a numeric field.
func (k *Checker) num(a *acc, s *frontpage.Stay) (float64, bool) {
	if a.slot < 0 || a.kind != kNum {
		return 0, false
	}
	if a.src == srcLazyNum {
		v := k.lazyNum(a, s)
		return v.v, v.ok
	}
	v := &k.c.nums[a.slot]
	return v.v, v.ok
}

// tm is the value of a time field (zero when absent).
func (k *Checker) tm(a *acc, s *frontpage.Stay, i int) time.Time {
	switch {
	case a.slot < 0:
		return itemTime(s, a.part, i)
	case a.kind != kTime:
		return time.Time{}
	case a.src == srcLazyTime:
		return k.lazyTime(a, s).t
	}
	return k.c.times[a.slot].t
}

// day is t, the non-zero value of time field a, at midnight UTC of its
// calendar date (a day-granularity comparison).
func (k *Checker) day(a *acc, s *frontpage.Stay, t time.Time) time.Time {
	if a.slot < 0 || !a.dayed {
		return midnight(t)
	}
	return k.c.times[a.slot].day
}

func midnight(t time.Time) time.Time {
	if t.Location() == time.UTC {
		// UTC days start at multiples of 24 h since the zero time, which is
		// what Truncate counts from: the same instant as below, without the
		// calendar arithmetic (the parser and the store give UTC times).
		return t.Truncate(24 * time.Hour)
	}
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (k *Checker) present(a *acc, s *frontpage.Stay, i int) bool {
	switch a.kind {
	case kText:
		return k.text(a, s, i) != ""
	case kNum:
		_, ok := k.num(a, s)
		return ok
	case kTime:
		return !k.tm(a, s, i).IsZero()
	}
	return listLen(s, a.list) > 0
}

// inRanges is rangeSet.has of a text field's value.
func (k *Checker) inRanges(r rangeSet, a *acc, s *frontpage.Stay, i int) bool {
	if len(r) == 0 {
		return false
	}
	if a.slot >= 0 {
		v := k.text(a, s, i)
		if v == "" {
			return false
		}
		if a.keyed {
			return r.hasKey(k.c.keys[a.slot])
		}
		return r.hasKey(codeKey(v))
	}
	switch a.part {
	case partDxCode:
		if uint(i) < uint(len(s.Diagnoses)) && s.Diagnoses[i].Code != "" {
			return r.hasKey(k.c.dxKeys[i])
		}
		return false
	case partPxCode:
		if uint(i) < uint(len(s.Procedures)) && s.Procedures[i].Code != "" {
			return r.hasKey(k.c.pxKeys[i])
		}
		return false
	}
	return r.has(itemText(s, a.part, i))
}

// listInRanges is rangeSet.has of element j of a list field.
func (k *Checker) listInRanges(r rangeSet, l list, s *frontpage.Stay, j int) bool {
	if len(r) == 0 || listAt(s, l, j) == "" {
		return false
	}
	switch l {
	case listAnyDx:
		return r.hasKey(k.c.dxKeys[j])
	case listOtherDx:
		return r.hasKey(k.c.dxKeys[j+1])
	case listAnyPx:
		return r.hasKey(k.c.pxKeys[j])
	}
	return r.has(listAt(s, l, j))
}

// dxIn is r.has(s.Diagnoses[i].Code) with the stay's code key (false when
// there is no diagnosis i).
func (k *Checker) dxIn(r rangeSet, s *frontpage.Stay, i int) bool {
	return len(r) > 0 && uint(i) < uint(len(s.Diagnoses)) && s.Diagnoses[i].Code != "" && r.hasKey(k.c.dxKeys[i])
}

// pxIn is r.has(s.Procedures[i].Code) with the stay's code key.
func (k *Checker) pxIn(r rangeSet, s *frontpage.Stay, i int) bool {
	return len(r) > 0 && uint(i) < uint(len(s.Procedures)) && s.Procedures[i].Code != "" && r.hasKey(k.c.pxKeys[i])
}

// dict is the imported dictionary of the stay's diagnosis (px false) or
// procedure code system, or nil.
func (k *Checker) dict(px bool, s *frontpage.Stay) *codes.Dict {
	if k.c.done&doneDicts == 0 {
		k.c.dxDict, k.c.pxDict = k.e.dicts.For(s.DxCodeSystem), k.e.dicts.For(s.PxCodeSystem)
		k.c.done |= doneDicts
	}
	if px {
		return k.c.pxDict
	}
	return k.c.dxDict
}

// ageYears and ageDays are the package functions, once per stay.
func (k *Checker) ageYears(s *frontpage.Stay) (float64, bool) {
	if k.c.done&doneAgeYears == 0 {
		k.c.ageY, k.c.ageYOK = ageYears(s)
		k.c.done |= doneAgeYears
	}
	return k.c.ageY, k.c.ageYOK
}

func (k *Checker) ageDays(s *frontpage.Stay) (int, bool) {
	if k.c.done&doneAgeDays == 0 {
		k.c.ageD, k.c.ageDOK = ageDays(s)
		k.c.done |= doneAgeDays
	}
	return k.c.ageD, k.c.ageDOK
}

// show renders the value for a message; identity fields are never shown.
func (k *Checker) show(a *acc, s *frontpage.Stay, i int) string {
	if a.identity {
		return "***"
	}
	switch a.kind {
	case kNum:
		v, ok := k.num(a, s)
		if !ok {
			return ""
		}
		return strconv.FormatFloat(v, 'f', -1, 64)
	case kTime:
		t := k.tm(a, s, i)
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			return frontpage.FormatDate(t)
		}
		return frontpage.FormatDateTime(t)
	case kList:
		parts := make([]string, listLen(s, a.list))
		for j := range parts {
			parts[j] = listAt(s, a.list, j)
		}
		return strings.Join(parts, ",")
	}
	return k.text(a, s, i)
}
