package report

import (
	"math"
	"strconv"
	"strings"
)

// Formatting follows the way Chinese hospital reports write numbers:
// counts from 10 000 up in 万 with 2 decimals ("260.72 万人次"), smaller
// counts as plain integers ("3407 例次", no thousands separators),
// percentages with 2 decimals, means with the figure's decimals.

// Dash is shown for a missing value in tables.
const Dash = "—"

func itoa(n int) string { return strconv.Itoa(n) }

// fixed formats x with d decimals, never printing "-0.00".
func fixed(x float64, d int) string {
	p := math.Pow(10, float64(d))
	r := math.Round(x*p) / p
	if r == 0 {
		r = 0 // drops the sign of -0
	}
	return strconv.FormatFloat(r, 'f', d, 64)
}

func (f Figure) decimals() int {
	switch f.Kind {
	case Rate, Money:
		return 2
	case Count:
		return 0
	}
	if f.Decimals > 0 {
		return f.Decimals
	}
	return 2
}

// Number formats the report-year value without unit ("260.72 万", "39.12",
// "7.8"); Dash when missing.
func (f Figure) Number() string { return f.number(f.Value) }

func (f Figure) number(v Value) string {
	if !v.Valid {
		return Dash
	}
	if f.Kind == Count && math.Abs(v.V) >= 1e4 {
		return fixed(v.V/1e4, 2) + " 万"
	}
	return fixed(v.V, f.decimals())
}

// Text is the value with its unit as the narrative writes it: "260.72 万人次",
// "3407 例次", "39.12%", "7.8 天", "1.05"; Dash when missing.
func (f Figure) Text() string { return f.text(f.Value) }

// PriorText is Text for the previous year.
func (f Figure) PriorText() string { return f.text(f.Prior) }

func (f Figure) text(v Value) string {
	if !v.Valid {
		return Dash
	}
	n := f.number(v)
	switch {
	case f.Kind == Rate:
		return n + "%"
	case f.Unit == "":
		return n
	case strings.HasSuffix(n, " 万"):
		return n + f.Unit // "260.72 万" + "人次"
	}
	return n + " " + f.Unit
}

// NumText and DenText format the numerator and denominator as counts (or with
// 2 decimals when they are not whole numbers, e.g. bed-days sums of costs).
func (f Figure) NumText() string { return countText(f.Numerator) }

// DenText formats the denominator; see NumText.
func (f Figure) DenText() string { return countText(f.Denominator) }

func countText(v Value) string {
	if !v.Valid {
		return Dash
	}
	if v.V == math.Trunc(v.V) && math.Abs(v.V) < 1e15 {
		return strconv.FormatInt(int64(v.V), 10)
	}
	return fixed(v.V, 2)
}

// Change is the year-over-year comparison of a figure.
type Change struct {
	Valid  bool   // both years present (and, for relative changes, a non-zero base)
	Sign   int    // +1 up, -1 down, 0 flat (zero at the displayed precision)
	Mode   string // "rel" relative %, "pt" percentage points, "abs" absolute in the unit
	Amount string // magnitude as displayed: "3.45%", "1.23 个百分点", "0.5 天", "0.03"
	Class  string // "good", "bad", "flat" or "neutral" (direction not judged)
	kind   Kind
}

// Change compares the report year with the prior year. A change is flat when
// it is zero at the displayed precision (2 decimals for % and 个百分点, the
// figure's decimals otherwise), so the report never says 增长 0.00%.
func (f Figure) Change() Change {
	c := Change{kind: f.Kind}
	if !f.Value.Valid || !f.Prior.Valid {
		return c
	}
	var delta float64
	d := f.decimals()
	switch f.Kind {
	case Count, Money:
		if f.Prior.V == 0 {
			return c // growth from zero has no percentage
		}
		c.Mode = "rel"
		delta = (f.Value.V - f.Prior.V) / math.Abs(f.Prior.V) * 100
		d = 2
		c.Amount = fixed(math.Abs(delta), d) + "%"
	case Rate:
		c.Mode = "pt"
		delta = f.Value.V - f.Prior.V
		c.Amount = fixed(math.Abs(delta), d) + " 个百分点"
	default:
		c.Mode = "abs"
		delta = f.Value.V - f.Prior.V
		c.Amount = fixed(math.Abs(delta), d)
		if f.Unit != "" {
			c.Amount += " " + f.Unit
		}
	}
	c.Valid = true
	p := math.Pow(10, float64(d))
	switch r := math.Round(delta * p); {
	case r > 0:
		c.Sign = 1
	case r < 0:
		c.Sign = -1
	}
	switch {
	case c.Sign == 0:
		c.Class = "flat"
	case f.Better == Neutral:
		c.Class = "neutral"
	case int(f.Better) == c.Sign:
		c.Class = "good"
	default:
		c.Class = "bad"
	}
	return c
}

// Arrow is ↑, ↓ or → (flat); empty when the change is not valid.
func (c Change) Arrow() string {
	if !c.Valid {
		return ""
	}
	switch c.Sign {
	case 1:
		return "↑"
	case -1:
		return "↓"
	}
	return "→"
}

// Short is the table cell: "↑3.45%", "↓0.5 天", "→持平", or Dash.
func (c Change) Short() string {
	if !c.Valid {
		return Dash
	}
	if c.Sign == 0 {
		return "→持平"
	}
	return c.Arrow() + strings.Replace(c.Amount, " 个百分点", "个百分点", 1)
}

// Phrase is the narrative clause: "同比增长 3.45%", "较上年下降 0.5 天",
// "较上年提高 1.23 个百分点", "与上年持平"; empty when not valid.
func (c Change) Phrase() string {
	if !c.Valid {
		return ""
	}
	if c.Sign == 0 {
		return "与上年持平"
	}
	switch c.Mode {
	case "rel":
		if c.Sign > 0 {
			return "同比增长 " + c.Amount
		}
		return "同比下降 " + c.Amount
	case "pt":
		if c.Sign > 0 {
			return "较上年提高 " + c.Amount
		}
		return "较上年下降 " + c.Amount
	}
	up := "增加"
	if c.kind == Index {
		up = "提高"
	}
	if c.Sign > 0 {
		return "较上年" + up + " " + c.Amount
	}
	return "较上年下降 " + c.Amount
}

var cnDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// chineseNumeral writes 1–99 in Chinese numerals for section numbers
// (一、二、…、十一); other numbers as Arabic digits.
func chineseNumeral(n int) string {
	switch {
	case n >= 1 && n <= 10:
		return cnDigits[n]
	case n > 10 && n < 20:
		return "十" + cnDigits[n-10]
	case n >= 20 && n < 100:
		s := cnDigits[n/10] + "十"
		if n%10 != 0 {
			s += cnDigits[n%10]
		}
		return s
	}
	return itoa(n)
}

// pct formats a ratio a/b as percent text with 2 decimals, Dash when b is 0.
func pct(a, b int) string {
	if b == 0 {
		return Dash
	}
	return fixed(100*float64(a)/float64(b), 2) + "%"
}

// valueText formats an optional value with d decimals and a unit.
func valueText(v Value, d int, unit string) string {
	if !v.Valid {
		return Dash
	}
	s := fixed(v.V, d)
	if unit == "%" {
		return s + "%"
	}
	if unit != "" {
		s += " " + unit
	}
	return s
}

// Digits is the number part of Text ("260.72" of "260.72 万人次"), for
// layouts that print the unit smaller.
func (f Figure) Digits() string {
	if !f.Value.Valid {
		return Dash
	}
	if f.Kind == Count && math.Abs(f.Value.V) >= 1e4 {
		return fixed(f.Value.V/1e4, 2)
	}
	return fixed(f.Value.V, f.decimals())
}

// UnitLabel is the unit part of Text ("万人次", "%", "天", "").
func (f Figure) UnitLabel() string {
	switch {
	case !f.Value.Valid:
		return ""
	case f.Kind == Rate:
		return "%"
	case f.Kind == Count && math.Abs(f.Value.V) >= 1e4:
		return "万" + f.Unit
	}
	return f.Unit
}
