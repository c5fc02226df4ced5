package report

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// Charts are drawn as inline SVG in Go so the HTML report stays a single
// self-contained file that prints, works offline and converts to PDF without
// JavaScript. The drawings are deliberately simple: grouped bars, lines and
// horizontal ranking bars on a light grid.

var palette = []string{"#1f5fa8", "#c8553d", "#4f9d69", "#d19a2a", "#7a5ea8", "#5d6d7e"}

const (
	chartW   = 680.0
	chartH   = 260.0
	padLeft  = 56.0
	padRight = 16.0
	padTop   = 42.0
	padBot   = 38.0
)

// esc escapes text for an SVG text node or attribute.
func esc(s string) string {
	return template.HTMLEscapeString(s)
}

// niceStep returns a round axis step (1, 2, 2.5 or 5 × 10^n) giving about n ticks up to max.
func niceStep(max float64, n int) float64 {
	if max <= 0 {
		return 1
	}
	raw := max / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if raw <= m*mag {
			return m * mag
		}
	}
	return 10 * mag
}

// axisLabel formats a tick value compactly; wan writes every tick in 万 so
// one axis never mixes "5000" and "1万".
func axisLabel(v float64, wan bool) string {
	switch {
	case wan && v != 0:
		s := fixed(v/1e4, 2)
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		return s + "万"
	case v == math.Trunc(v):
		return fixed(v, 0)
	case math.Abs(v) >= 1:
		return strings.TrimRight(strings.TrimRight(fixed(v, 2), "0"), ".")
	}
	return strings.TrimRight(strings.TrimRight(fixed(v, 4), "0"), ".")
}

// valueLabel formats a data label on a bar.
func valueLabel(v float64) string {
	switch {
	case math.Abs(v) >= 1e4:
		return fixed(v/1e4, 2) + "万"
	case v == math.Trunc(v):
		return fixed(v, 0)
	}
	return fixed(v, 2)
}

// SVG renders the chart as an inline <svg> element. A chart without any
// valid value renders a short "暂无数据" placeholder instead of empty axes.
func (c *Chart) SVG() template.HTML {
	if c == nil {
		return ""
	}
	lo, hi, ok := c.bounds()
	if !ok || len(c.Labels) == 0 {
		return template.HTML(`<p class="nodata">` + esc(c.Title) + `：暂无数据</p>`)
	}
	var b strings.Builder
	switch c.Kind {
	case HBars:
		c.hbars(&b, hi)
	case Lines:
		c.axes(&b, lo, hi, func(b *strings.Builder, y func(float64) float64, x0, step float64) {
			c.lines(b, y, x0, step)
		})
	default:
		c.axes(&b, lo, hi, func(b *strings.Builder, y func(float64) float64, x0, step float64) {
			c.bars(b, y, x0, step)
		})
	}
	return template.HTML(b.String())
}

func (c *Chart) bounds() (lo, hi float64, ok bool) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range c.Series {
		for _, v := range s.Values {
			if v.Valid {
				lo, hi, ok = math.Min(lo, v.V), math.Max(hi, v.V), true
			}
		}
	}
	return lo, hi, ok
}

func (c *Chart) open(b *strings.Builder, h float64) {
	fmt.Fprintf(b, `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s">`,
		chartW, h, esc(c.Title))
	fmt.Fprintf(b, `<text x="8" y="16" class="ct">%s</text>`, esc(c.Title))
	if c.Unit != "" {
		fmt.Fprintf(b, `<text x="8" y="34" class="cu">%s</text>`, esc("单位："+c.Unit))
	}
	// Legend, right-aligned, only when there is more than one series.
	if len(c.Series) > 1 && c.Kind != HBars {
		x := chartW - padRight
		for i := len(c.Series) - 1; i >= 0; i-- {
			w := 14 + 12*float64(len([]rune(c.Series[i].Name))) + 10
			x -= w
			fmt.Fprintf(b, `<rect x="%.1f" y="9" width="10" height="10" fill="%s"/><text x="%.1f" y="18" class="lg">%s</text>`,
				x, palette[i%len(palette)], x+14, esc(c.Series[i].Name))
		}
	}
}

// axes draws the grid, y ticks and x labels, then calls draw with the y
// mapping, the x of the first slot and the slot width.
func (c *Chart) axes(b *strings.Builder, lo, hi float64, draw func(b *strings.Builder, y func(float64) float64, x0, step float64)) {
	c.open(b, chartH)
	min := math.Min(0, lo) // bars and volumes start at zero
	step := niceStep(hi-min, 5)
	top := math.Ceil(hi/step) * step
	if top <= min {
		top = min + step
	}
	bottom := math.Floor(min/step) * step
	plotH := chartH - padTop - padBot
	y := func(v float64) float64 { return padTop + plotH*(top-v)/(top-bottom) }
	for v := bottom; v <= top+step/2; v += step {
		fmt.Fprintf(b, `<line x1="%.0f" x2="%.0f" y1="%.1f" y2="%.1f" class="grid"/>`, padLeft, chartW-padRight, y(v), y(v))
		fmt.Fprintf(b, `<text x="%.0f" y="%.1f" class="yt">%s</text>`, padLeft-6, y(v)+4, esc(axisLabel(v, top >= 1e4)))
	}
	slot := (chartW - padLeft - padRight) / float64(len(c.Labels))
	for i, l := range c.Labels {
		fmt.Fprintf(b, `<text x="%.1f" y="%.0f" class="xt">%s</text>`, padLeft+slot*(float64(i)+0.5), chartH-padBot+16, esc(l))
	}
	draw(b, y, padLeft, slot)
	b.WriteString(`</svg>`)
}

func (c *Chart) bars(b *strings.Builder, y func(float64) float64, x0, slot float64) {
	n := float64(len(c.Series))
	bw := slot * 0.7 / n
	zero := y(0)
	for si, s := range c.Series {
		col := palette[si%len(palette)]
		for i, v := range s.Values {
			if i >= len(c.Labels) || !v.Valid {
				continue
			}
			x := x0 + slot*float64(i) + slot*0.15 + bw*float64(si)
			top, h := y(v.V), zero-y(v.V)
			if h < 0 {
				top, h = zero, -h
			}
			fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s：%s</title></rect>`,
				x, top, bw, h, col, esc(s.Name), esc(c.Labels[i]), esc(valueLabel(v.V)))
			// Data labels only when they fit (one series, few bars).
			if len(c.Series) == 1 && len(c.Labels) <= 12 {
				fmt.Fprintf(b, `<text x="%.1f" y="%.1f" class="dl">%s</text>`, x+bw/2, top-4, esc(valueLabel(v.V)))
			}
		}
	}
}

func (c *Chart) lines(b *strings.Builder, y func(float64) float64, x0, slot float64) {
	for si, s := range c.Series {
		col := palette[si%len(palette)]
		var pts []string
		flush := func() {
			if len(pts) > 1 {
				fmt.Fprintf(b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, col, strings.Join(pts, " "))
			}
			pts = pts[:0]
		}
		for i, v := range s.Values {
			if i >= len(c.Labels) {
				break
			}
			if !v.Valid { // a gap, not a drop to zero
				flush()
				continue
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x0+slot*(float64(i)+0.5), y(v.V)))
		}
		flush()
		for i, v := range s.Values {
			if i >= len(c.Labels) || !v.Valid {
				continue
			}
			fmt.Fprintf(b, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"><title>%s %s：%s</title></circle>`,
				x0+slot*(float64(i)+0.5), y(v.V), col, esc(s.Name), esc(c.Labels[i]), esc(valueLabel(v.V)))
		}
	}
}

// hbars draws a ranking: one row per label, bar length ∝ the first series.
func (c *Chart) hbars(b *strings.Builder, hi float64) {
	const row = 22.0
	labelW := 120.0
	h := padTop + row*float64(len(c.Labels)) + 10
	c.open(b, h)
	if len(c.Series) == 0 {
		b.WriteString(`</svg>`)
		return
	}
	s := c.Series[0]
	maxW := chartW - labelW - padRight - 70
	for i, l := range c.Labels {
		yy := padTop + row*float64(i)
		fmt.Fprintf(b, `<text x="%.0f" y="%.1f" class="yl">%s</text>`, labelW-8, yy+row/2+4, esc(l))
		if i >= len(s.Values) || !s.Values[i].Valid || hi <= 0 {
			continue
		}
		w := maxW * math.Max(0, s.Values[i].V) / hi
		fmt.Fprintf(b, `<rect x="%.0f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, labelW, yy+4, w, row-8, palette[0])
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" class="hl">%s</text>`, labelW+w+6, yy+row/2+4, esc(valueLabel(s.Values[i].V)))
	}
	b.WriteString(`</svg>`)
}
