package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"time"
)

//go:embed templates/report.html.tmpl
var defaultTemplate string

// DefaultTemplate returns the text of the built-in HTML template, the
// starting point of a hospital's own template (yardstick report template).
func DefaultTemplate() string { return defaultTemplate }

// Template is a parsed report template.
type Template struct {
	t *template.Template
}

// funcs are the helpers available to templates (documented in docs/report.md).
// "sec" is replaced per execution by a fresh counter, so sections that a
// template leaves out for missing data do not leave holes in 一、二、三.
func funcs() template.FuncMap {
	return template.FuncMap{
		"sec": func() string { return "" },
		"cn":  chineseNumeral,
		"fmtv": func(v Value, decimals int, unit string) string {
			return valueText(v, decimals, unit)
		},
		"pct":  pct,
		"add1": func(i int) int { return i + 1 },
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
		},
		"int": func(n int) string { return itoa(n) },
		"count": func(v Value, unit string) string {
			return Figure{Kind: Count, Unit: unit}.text(v)
		},
		"countInt": func(n int, unit string) string {
			return Figure{Kind: Count, Unit: unit}.text(V(float64(n)))
		},
	}
}

// ParseTemplate parses a report template (the default one or a hospital's
// edited copy) with the report helper functions.
func ParseTemplate(name, text string) (*Template, error) {
	t, err := template.New(name).Funcs(funcs()).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("解析报告模板 parse report template %s: %w", name, err)
	}
	return &Template{t: t}, nil
}

var builtin = template.Must(template.New("report.html.tmpl").Funcs(funcs()).Parse(defaultTemplate))

// RenderHTML writes the report as one self-contained HTML file. A nil
// template uses the built-in one. The output is buffered so a template
// error never leaves a half-written report behind.
func RenderHTML(w io.Writer, d *Data, tmpl *Template) error {
	base := builtin
	if tmpl != nil {
		base = tmpl.t
	}
	// Clone so the section counter is fresh and the parsed template is never
	// executed itself (an executed html/template can no longer be cloned).
	t, err := base.Clone()
	if err != nil {
		return fmt.Errorf("clone report template: %w", err)
	}
	n := 0
	t.Funcs(template.FuncMap{"sec": func() string { n++; return chineseNumeral(n) }})
	var buf bytes.Buffer
	if err := t.Execute(&buf, d); err != nil {
		return fmt.Errorf("生成报告 execute report template: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	return nil
}
