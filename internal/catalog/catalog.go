// Package catalog holds the procedure and diagnosis catalogues some 国考
// indicators need: the 国考 level-4 list (#6), the minimally invasive list
// (#5), the day-surgery list (#3), the surgical-complication diagnosis list
// (#8) and the 国临版3.0 procedure categories (手术/介入治疗/治疗性操作/诊断性操作,
// #4 and every surgical denominator).
//
// Catalogues are versioned by year. When a kind has no imported catalogue the
// package falls back to rules over the front page itself (手术级别, B38) or to
// a built-in default list, and every Set says which of these it used so the
// outputs can state it.
package catalog

import (
	"fmt"
	"sort"
	"strings"
)

// Kind names a catalogue.
type Kind string

// Catalogue kinds.
const (
	Level4       Kind = "level4"             // 国考四级手术目录
	Level3       Kind = "level3"             // 二级公立医院绩效考核三级手术目录
	MinInvasive  Kind = "minimally_invasive" // 国考微创手术目录
	DaySurgery   Kind = "day_surgery"        // 日间手术目录
	Complication Kind = "complication"       // 手术并发症诊断 ICD-10 prefixes/ranges
	Category     Kind = "procedure_category" // 国临版3.0 类别
)

// Kinds lists all kinds in display order.
var Kinds = []Kind{Category, Level4, Level3, MinInvasive, DaySurgery, Complication}

// Chinese returns the Chinese name of the kind.
func (k Kind) Chinese() string {
	switch k {
	case Level4:
		return "四级手术目录"
	case Level3:
		return "三级手术目录"
	case MinInvasive:
		return "微创手术目录"
	case DaySurgery:
		return "日间手术目录"
	case Complication:
		return "手术并发症目录"
	case Category:
		return "手术操作类别"
	}
	return string(k)
}

// ParseKind accepts the English kind name or its Chinese name.
func ParseKind(s string) (Kind, bool) {
	s = strings.TrimSpace(s)
	for _, k := range Kinds {
		if s == string(k) || s == k.Chinese() {
			return k, true
		}
	}
	switch s {
	case "mis", "minimally-invasive":
		return MinInvasive, true
	case "category", "procedure-category":
		return Category, true
	case "day-surgery":
		return DaySurgery, true
	}
	return "", false
}

// Procedure categories of 国临版3.0.
const (
	CatSurgery      = "手术"
	CatIntervention = "介入治疗"
	CatTherapeutic  = "治疗性操作"
	CatDiagnostic   = "诊断性操作"
)

// NormalizeCategory maps spellings of the four categories to the canonical
// Chinese name, or "" when unknown.
func NormalizeCategory(s string) string {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "手术", "surgery", "operation", "s":
		return CatSurgery
	case "介入治疗", "介入", "intervention", "interventional", "i":
		return CatIntervention
	case "治疗性操作", "治疗", "therapeutic", "t":
		return CatTherapeutic
	case "诊断性操作", "诊断", "diagnostic", "d":
		return CatDiagnostic
	}
	return ""
}

// Entry is one line of a catalogue.
type Entry struct {
	Code   string // normalised code (see NormCode); for ranges the lower bound
	CodeTo string // upper bound of a range (complication ranges such as T82.0–T87.6), or ""
	Name   string
	Value  string // category for Kind Category, otherwise ""
}

// Catalogue is one version of one kind.
type Catalogue struct {
	Kind    Kind
	Version string // year, e.g. "2024"; "builtin" for built-in defaults
	Source  string // file name, or a description of the built-in default
	Builtin bool
	Entries []Entry

	exact  map[string]string // code → value ("1" when no value)
	ranges []Entry
	// keywords make a name-based catalogue (built-in minimally invasive
	// heuristic): a procedure matches when its name contains any keyword.
	keywords []string
}

// New builds a catalogue and its lookup index.
func New(kind Kind, version, source string, entries []Entry) *Catalogue {
	c := &Catalogue{Kind: kind, Version: version, Source: source, Entries: entries}
	c.index()
	return c
}

func (c *Catalogue) index() {
	c.exact = make(map[string]string, len(c.Entries))
	c.ranges = nil
	for _, e := range c.Entries {
		if e.CodeTo != "" {
			c.ranges = append(c.ranges, e)
			continue
		}
		v := e.Value
		if v == "" {
			v = "1"
		}
		if c.Kind == Complication {
			c.exact[dxKey(e.Code)] = v // diagnosis prefixes, matched by MatchDx
			continue
		}
		main, ext := pxKey(e.Code)
		if ext != "" {
			main += "X" + ext
		}
		c.exact[main] = v
	}
}

// NormCode normalises a code for matching: upper case, no spaces, and the
// ICD-10 dagger/asterisk marks removed. Dots are kept because procedure codes
// (ICD-9-CM-3) and diagnosis codes are matched with them as written in the
// national editions.
func NormCode(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.NewReplacer(" ", "", "†", "", "*", "", "＊", "", "+", "").Replace(s)
	return s
}

// lookup finds the value for a code. Procedure codes in the national clinical
// edition are written 51.2200 or with an extension 51.2200x001; lists are
// often published at the main-code level (51.22 or 51.2200). So codes are
// compared with trailing zeros of the main code dropped (51.2200 = 51.22),
// and an entry without an extension covers all its extensions.
func (c *Catalogue) lookup(code string) (string, bool) {
	if c == nil {
		return "", false
	}
	main, ext := pxKey(code)
	if main == "" {
		return "", false
	}
	if ext != "" {
		if v, ok := c.exact[main+"X"+ext]; ok {
			return v, true
		}
	}
	v, ok := c.exact[main]
	return v, ok
}

// pxKey splits a procedure code into its main part (trailing zeros after
// the dot dropped) and its extension.
func pxKey(code string) (main, ext string) {
	code = NormCode(code)
	main, ext, _ = strings.Cut(code, "X")
	if strings.Contains(main, ".") {
		main = strings.TrimRight(main, "0")
		main = strings.TrimSuffix(main, ".")
	}
	return main, ext
}

// Contains reports whether a procedure (code, name) is on the catalogue.
func (c *Catalogue) Contains(code, name string) bool {
	if c == nil {
		return false
	}
	if _, ok := c.lookup(code); ok {
		return true
	}
	for _, k := range c.keywords {
		if name != "" && strings.Contains(name, k) {
			return true
		}
	}
	return false
}

// Value returns the category of a procedure code (Kind Category).
func (c *Catalogue) Value(code string) string {
	v, _ := c.lookup(code)
	return v
}

// MatchDx reports whether a diagnosis code is on a prefix/range catalogue
// (complications). Entries match as prefixes with the dot ignored, so "I26"
// covers I26.0 and I26.900; ranges compare the code cut to the bounds'
// length, inclusively ("T82.0"–"T87.6" covers T82.0xx…T87.6xx).
func (c *Catalogue) MatchDx(code string) bool {
	if c == nil {
		return false
	}
	k := dxKey(code)
	if k == "" {
		return false
	}
	// Every prefix of the code is looked up, so the cost does not grow with
	// the size of the list.
	for i := len(k); i >= 1; i-- {
		if _, ok := c.exact[k[:i]]; ok {
			return true
		}
	}
	for _, r := range c.ranges {
		lo, hi := dxKey(r.Code), dxKey(r.CodeTo)
		if len(k) >= len(lo) && k[:len(lo)] >= lo && cut(k, len(hi)) <= hi {
			return true
		}
	}
	return false
}

func cut(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// dxKey drops dots and a trailing ".x"/"x" wildcard so I97.x becomes I97.
func dxKey(s string) string {
	s = NormCode(s)
	s = strings.TrimSuffix(s, ".X")
	return strings.ReplaceAll(s, ".", "")
}

// Label describes the catalogue for output headers.
func (c *Catalogue) Label() string {
	if c == nil {
		return ""
	}
	if c.Builtin {
		return fmt.Sprintf("%s %s: %s", c.Kind.Chinese(), c.Kind, c.Source)
	}
	return fmt.Sprintf("%s %s: %s版 version %s (%s, %d 条 entries)", c.Kind.Chinese(), c.Kind, c.Version, c.Version, c.Source, len(c.Entries))
}

// Set is the catalogue set used to derive the facts of one year. A nil
// catalogue of a kind means "not imported": the fact rules fall back to the
// front page and the Notes say so.
type Set struct {
	Year        int
	ByKind      map[Kind]*Catalogue
	Notes       []string // which version was chosen and every fallback
	FallbackFor map[Kind]bool
}

// Get returns the catalogue of a kind, or nil.
func (s *Set) Get(k Kind) *Catalogue {
	if s == nil {
		return nil
	}
	return s.ByKind[k]
}

// Fallback texts, stated in every output that used them.
const (
	FallbackCategory = "手术操作类别未导入，按手术级别 fallback：有手术级别(1–4)且编码为手术室类(ICD-9-CM-3 00–86)的操作记为手术 procedure categories not imported: a procedure is surgical when it has a 手术级别 and an OR-type code (00–86)"
	FallbackLevel4   = "四级手术目录未导入，按手术级别 fallback：手术级别=4 level-4 list not imported: 手术级别 = 4"
	FallbackLevel3   = "三级手术目录未导入，按手术级别 fallback：手术级别=3 level-3 list not imported: 手术级别 = 3"
	FallbackDay      = "日间手术目录未导入：日间手术 = B38=1 的手术患者 day-surgery list not imported: surgical stays with B38 = 1"
)

// Library is every imported catalogue version, from which a Set per year is
// chosen.
type Library struct {
	Catalogues []*Catalogue
}

// For chooses the catalogues for a data year: per kind the newest version
// not after the year; if all versions are later, the oldest one (with a
// note). Kinds without any imported version use the built-in default
// (complication, minimally invasive) or the front-page fallback.
func (l *Library) For(year int) *Set {
	s := &Set{Year: year, ByKind: map[Kind]*Catalogue{}, FallbackFor: map[Kind]bool{}}
	for _, k := range Kinds {
		var best, oldest *Catalogue
		for _, c := range l.Catalogues {
			if c.Kind != k || c.Builtin {
				continue
			}
			if oldest == nil || c.Version < oldest.Version {
				oldest = c
			}
			if c.Version <= fmt.Sprint(year) && (best == nil || c.Version > best.Version) {
				best = c
			}
		}
		switch {
		case best != nil:
			s.ByKind[k] = best
			s.Notes = append(s.Notes, best.Label())
		case oldest != nil:
			s.ByKind[k] = oldest
			s.Notes = append(s.Notes, oldest.Label()+fmt.Sprintf("（无 %d 年或更早版本，使用最早版本 no version for %d or earlier, using the oldest）", year, year))
		default:
			switch k {
			case Complication:
				c := BuiltinComplications()
				s.ByKind[k] = c
				s.Notes = append(s.Notes, c.Label())
			case MinInvasive:
				c := BuiltinMinInvasive()
				s.ByKind[k] = c
				s.Notes = append(s.Notes, c.Label())
			case Category:
				s.FallbackFor[k] = true
				s.Notes = append(s.Notes, FallbackCategory)
			case Level4:
				s.FallbackFor[k] = true
				s.Notes = append(s.Notes, FallbackLevel4)
			case Level3:
				s.FallbackFor[k] = true
				s.Notes = append(s.Notes, FallbackLevel3)
			case DaySurgery:
				s.FallbackFor[k] = true
				s.Notes = append(s.Notes, FallbackDay)
			}
		}
	}
	return s
}

// Versions lists the imported (kind, version) pairs, sorted.
func (l *Library) Versions() []string {
	var out []string
	for _, c := range l.Catalogues {
		if !c.Builtin {
			out = append(out, c.Label())
		}
	}
	sort.Strings(out)
	return out
}
