package qc

import (
	"fmt"
	"strings"
)

// Markers of the generated part of docs/quality-rules.md.
const (
	DocBegin = "<!-- BEGIN GENERATED RULES (yardstick check rules --format markdown) -->"
	DocEnd   = "<!-- END GENERATED RULES -->"
)

// RulesMarkdown renders the rule list as the generated part of
// docs/quality-rules.md: counts by category and severity, then one table per
// category.
func RulesMarkdown(rules []*Rule) string {
	var b strings.Builder
	b.WriteString(DocBegin + "\n\n")
	count := map[Category][4]int{}
	for _, r := range rules {
		c := count[r.Category]
		c[r.Severity]++
		c[0]++
		count[r.Category] = c
	}
	b.WriteString("| category | rules | error | warning | info |\n|---|---|---|---|---|\n")
	var tot [4]int
	for _, c := range Categories {
		n := count[c]
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d |\n", c, n[0], n[Error], n[Warning], n[Info])
		for i := range tot {
			tot[i] += n[i]
		}
	}
	fmt.Fprintf(&b, "| **total** | **%d** | %d | %d | %d |\n", tot[0], tot[Error], tot[Warning], tot[Info])
	for _, c := range Categories {
		var rs []*Rule
		for _, r := range rules {
			if r.Category == c {
				rs = append(rs, r)
			}
		}
		if len(rs) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n### %s\n\n", c)
		b.WriteString("| id | check | severity | scope | fields | condition | message (中文 / English) | source |\n|---|---|---|---|---|---|---|---|\n")
		for _, r := range rs {
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s<br>%s | %s |\n",
				r.ID, checkDesc(r), r.Severity, dash(r.Scope), mdEscape(strings.Join(r.Fields, ", ")), mdEscape(condDesc(r.When)),
				mdEscape(r.MsgCN), mdEscape(r.MsgEN), mdEscape(r.Source))
		}
	}
	b.WriteString("\n" + DocEnd + "\n")
	return b.String()
}

func dash(s string) string {
	if s == "" {
		return "stay"
	}
	return s
}

func checkDesc(r *Rule) string {
	p := r.Params
	var parts []string
	add := func(k, v string) {
		if v != "" {
			parts = append(parts, k+"="+v)
		}
	}
	add("table", p.Table)
	add("pattern", p.Pattern)
	add("system", p.System)
	add("mode", p.Mode)
	add("sex", p.Sex)
	if len(p.Ranges) > 0 {
		add("ranges", strings.Join(p.Ranges, " "))
	}
	if p.Min != nil {
		add("min", trimFloat(*p.Min))
	}
	if p.Max != nil {
		add("max", trimFloat(*p.Max))
	}
	if p.Step != 0 {
		add("step", trimFloat(p.Step))
	}
	add("unit", p.Unit)
	add("op", p.Op)
	if p.Tolerance != 0 {
		add("tol", trimFloat(p.Tolerance))
	}
	add("granularity", p.Granularity)
	if p.ReportLast {
		add("report", "last")
	}
	if len(parts) == 0 {
		return "`" + r.Check + "`"
	}
	return "`" + r.Check + "` " + mdEscape(strings.Join(parts, " "))
}

func trimFloat(f float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.4f", f), "0"), ".")
}

func condDesc(cs []Cond) string {
	var parts []string
	for _, c := range cs {
		v := c.Value
		if len(c.Values) > 0 {
			v = strings.Join(c.Values, " ")
		}
		parts = append(parts, strings.TrimSpace(c.Field+" "+c.Op+" "+v))
	}
	return strings.Join(parts, " AND ")
}

func mdEscape(s string) string { return strings.ReplaceAll(s, "|", "\\|") }
