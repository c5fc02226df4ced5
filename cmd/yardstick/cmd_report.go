package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/yardstick-health/yardstick/internal/drg"
	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/qc"
	"github.com/yardstick-health/yardstick/internal/report"
	"github.com/yardstick-health/yardstick/internal/store"
)

func init() {
	register(&command{
		Name:    "report",
		Summary: "年度运行分析报告 annual report (HTML, PDF, Word)",
		Usage: `用法 usage:
  yardstick report [--db FILE] [--year YEAR] [--org CODE] [--hospital NAME]
                   [--out FILE] [--format html|pdf|docx] [--template FILE]
  yardstick report --sample [--year YEAR] [--template FILE] [--out FILE]
  yardstick report template > my.tmpl

生成医院年度运行分析报告（中文）：由数据生成的总体情况叙述、主要指标同比表、科室排名、
DRG 病例组合、病案首页质量和图表。Builds the hospital's annual report in Chinese: a narrative
summary generated from the numbers, key indicator tables with year-over-year change, department
rankings, DRG case mix, front-page quality and charts.

格式 formats:
  html  单个自包含文件（内联样式与 SVG 图表，可离线打开、打印）self-contained single file
  pdf   由无头 Chromium 打印 HTML 生成，需要安装 chromium（apt-get install chromium fonts-noto-cjk）
        printed from the HTML by headless Chromium (chromium, chromium-browser or google-chrome on PATH)
  docx  Word 文档，可直接编辑；图表以数据表形式给出 Word document; charts are given as tables
  不指定 --format 时按 --out 的扩展名判断，默认 html. Without --format the --out extension decides.

模板 template: 报告版式是 html/template 模板。'yardstick report template > my.tmpl' 导出内置模板，
编辑后用 --template my.tmpl 生成；模板可用的数据见 docs/report.md。--template 只影响 HTML/PDF。
The layout is an html/template file: export the default, edit it, pass it with --template
(HTML and PDF only; the .docx is itself the editable form). Data available: docs/report.md.

参数 flags:
  --db FILE        数据库 store (默认 default: ` + store.DefaultPath + `)
  --year YEAR      报告年度（按出院时间）report year by discharge date (默认 default: 上一年 last year)
  --org CODE       机构代码；数据含多个机构时必填 organisation code, required when the store holds several
  --hospital NAME  报告中的医院名称 hospital name (默认 default: 首页 A02 医疗机构名称)
  --out FILE       输出文件，"-" 为标准输出 output file, "-" = stdout (默认 default: report-YEAR.FORMAT)
  --format F       html | pdf | docx
  --template FILE  自定义 HTML 模板 edited template
  --sample         使用内置示例数据（不读数据库），用于预览模板 invented sample data, to preview a template

退出码 exit codes: 0 成功 ok, 2 用法或系统错误 usage or system error.
`,
		Run: runReport,
	})
}

type reportFlags struct {
	db, org, hospital, out, format, template string
	year                                     int
	sample                                   bool
}

func runReport(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) > 0 && args[0] == "template" {
		if len(args) > 1 {
			return usagef("report template 不接受参数 takes no arguments; 重定向输出 redirect stdout: yardstick report template > my.tmpl")
		}
		_, err := io.WriteString(env.Stdout, report.DefaultTemplate())
		return err
	}
	var f reportFlags
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors are reported once, by run()
	fs.StringVar(&f.db, "db", store.DefaultPath, "")
	fs.IntVar(&f.year, "year", time.Now().Year()-1, "")
	fs.StringVar(&f.org, "org", "", "")
	fs.StringVar(&f.hospital, "hospital", "", "")
	fs.StringVar(&f.out, "out", "", "")
	fs.StringVar(&f.format, "format", "", "")
	fs.StringVar(&f.template, "template", "", "")
	fs.BoolVar(&f.sample, "sample", false, "")
	if err := fs.Parse(args); err != nil {
		return usagef("%v (yardstick report --help)", err)
	}
	if fs.NArg() > 0 {
		return usagef("多余的参数 unexpected argument %q (yardstick report --help)", fs.Arg(0))
	}
	format, err := reportFormat(f.format, f.out)
	if err != nil {
		return err
	}
	if f.out == "" {
		f.out = fmt.Sprintf("report-%d.%s", f.year, format)
	}
	var tmpl *report.Template
	if f.template != "" {
		if format == "docx" {
			fmt.Fprintln(env.Stderr, "注意：--template 只影响 HTML/PDF，Word 文档使用固定版式 note: --template applies to HTML/PDF only")
		}
		b, err := os.ReadFile(f.template)
		if err != nil {
			return fmt.Errorf("读取模板 read template: %w", err)
		}
		if tmpl, err = report.ParseTemplate(filepath.Base(f.template), string(b)); err != nil {
			return usagef("%v", err)
		}
	}

	var d *report.Data
	if f.sample {
		d = report.Sample(f.year)
		if f.hospital != "" {
			d.Hospital = f.hospital
		}
	} else if d, err = buildReportData(ctx, env, &f); err != nil {
		return err
	}

	// Render into memory first: a failed render must not truncate an
	// existing report file.
	var buf bytes.Buffer
	switch format {
	case "html":
		err = report.RenderHTML(&buf, d, tmpl)
	case "docx":
		err = report.RenderDOCX(&buf, d)
	case "pdf":
		err = report.RenderPDF(ctx, &buf, d, tmpl, "")
	}
	if err != nil {
		return err
	}
	if f.out == "-" {
		_, err = env.Stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(f.out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("写入报告 write report: %w", err)
	}
	fmt.Fprintf(env.Stderr, "已生成 wrote %s (%s, %d 年 year %d, %d 字节 bytes)\n", f.out, d.Hospital, d.Year, d.Year, buf.Len())
	return nil
}

// reportFormat resolves --format, else the --out extension, else html.
func reportFormat(format, out string) (string, error) {
	if format == "" {
		switch strings.ToLower(filepath.Ext(out)) {
		case ".pdf":
			return "pdf", nil
		case ".docx":
			return "docx", nil
		case ".doc":
			return "", usagef("不支持旧版 .doc 格式，请使用 .docx the old .doc format is not supported: use .docx")
		}
		return "html", nil
	}
	switch f := strings.ToLower(format); f {
	case "html", "pdf", "docx":
		return f, nil
	}
	return "", usagef("未知格式 unknown --format %q (html|pdf|docx)", format)
}

// buildReportData reads the store: indicators through the store's indicator
// source, department names from the dictionary, the hospital name from the
// front pages (A02).
func buildReportData(ctx context.Context, env *cliEnv, f *reportFlags) (*report.Data, error) {
	if _, err := os.Stat(f.db); errors.Is(err, os.ErrNotExist) {
		return nil, usagef("数据库不存在 store %s not found: 先导入数据 import data first (yardstick import), 或用 --sample 预览 or preview with --sample", f.db)
	}
	db, err := store.Open(ctx, f.db)
	if err != nil {
		return nil, fmt.Errorf("打开数据库 open store: %w", err)
	}
	defer db.Close()
	// Bring the case facts up to date first (as yardstick indicators does):
	// a stay imported or regrouped since the last run must be in the report.
	lib, err := db.Catalogs(ctx)
	if err != nil {
		return nil, fmt.Errorf("读取目录 read catalogues: %w", err)
	}
	st, err := db.RefreshFacts(ctx, lib)
	if err != nil {
		return nil, fmt.Errorf("更新病例事实 refresh facts: %w", err)
	}
	if st.Derived > 0 {
		fmt.Fprintf(env.Stderr, "病例事实 facts: 新计算 derived %d, 共 total %d\n", st.Derived, st.Total)
	}
	opt := report.Options{Year: f.year, Org: f.org, Hospital: f.hospital, DeptNames: map[string]string{}}
	opt.DRGNames, opt.DRGTiers, opt.Scheme = drgLabels(ctx, db)
	depts, err := db.Departments(ctx, f.org)
	if err != nil {
		return nil, fmt.Errorf("读取科室字典 read departments: %w", err)
	}
	for _, dp := range depts {
		opt.DeptNames[dp.Code] = dp.Name
	}
	d, err := report.Build(ctx, db.IndicatorSource(), opt)
	if err != nil {
		return nil, err
	}
	if d.Quality, err = qualityFromStore(ctx, db, d.OrgCode, f.year); err != nil {
		return nil, err
	}
	if f.hospital == "" {
		var name string
		row := db.SQL().QueryRowContext(ctx,
			`SELECT org_name FROM stays WHERE org_code = ? AND coalesce(org_name, '') <> '' GROUP BY org_name ORDER BY count(*) DESC LIMIT 1`, d.OrgCode)
		if err := row.Scan(&name); err == nil {
			d.Hospital = name
		}
	}
	if d.Quality == nil {
		fmt.Fprintln(env.Stderr, "提示：报告未包含病案首页质控结果 note: the report has no front-page quality section")
	}
	return d, nil
}

// drgLabels reads DRG names, tiers and the scheme (id and version) from
// drg_results as written by `yardstick group`. A store that was never grouped
// yields empty maps, and the report leaves the DRG section out.
func drgLabels(ctx context.Context, db *store.DB) (names, tiers map[string]string, scheme string) {
	names, tiers = map[string]string{}, map[string]string{}
	rows, err := db.SQL().QueryContext(ctx, `SELECT drg, max(coalesce(drg_name, '')), max(coalesce(tier, ''))
		FROM drg_results WHERE status = 'grouped' GROUP BY drg`)
	if err != nil {
		return names, tiers, ""
	}
	defer rows.Close()
	for rows.Next() {
		var code, name, tier string
		if rows.Scan(&code, &name, &tier) != nil {
			continue
		}
		if name != "" {
			names[code] = name
		}
		if t, ok := drg.ParseTier(tier); ok {
			tiers[code] = t.Chinese()
		}
	}
	_ = db.SQL().QueryRowContext(ctx, `SELECT scheme_id || ' ' || coalesce(scheme_version, '') FROM drg_results
		GROUP BY scheme_id, scheme_version ORDER BY count(*) DESC LIMIT 1`).Scan(&scheme)
	return names, tiers, strings.TrimSpace(scheme)
}

// qualityFromStore reads the front-page quality results of a year (written
// by yardstick qc into qc_scores and qc_findings) through the stays'
// discharge year. Nil when no stay of the year was checked.
func qualityFromStore(ctx context.Context, db *store.DB, org string, year int) (*report.Quality, error) {
	stats := func(y int) (*report.QualityStats, error) {
		st := &report.QualityStats{}
		err := db.SQL().QueryRowContext(ctx, `SELECT count(*), count(s.score), coalesce(sum(s.score), 0),
			count(*) FILTER (WHERE s.score >= 90), count(*) FILTER (WHERE s.score >= 75 AND s.score < 90), count(*) FILTER (WHERE s.score < 75),
			count(*) FILTER (WHERE coalesce(s.errors, 0) + coalesce(s.warnings, 0) + coalesce(s.infos, 0) > 0)
			FROM qc_scores s JOIN stay_facts f ON f.stay_id = s.stay_id WHERE f.year = ? AND f.org_code = ?`, y, org).
			Scan(&st.Checked, &st.Scored, &st.ScoreSum, &st.Bands[0], &st.Bands[1], &st.Bands[2], &st.WithFindings)
		if err != nil {
			return nil, fmt.Errorf("读取质控得分 read qc scores: %w", err)
		}
		if st.Checked == 0 {
			return nil, nil
		}
		rows, err := db.SQL().QueryContext(ctx, `SELECT q.rule_id, coalesce(q.field, ''), min(q.severity), count(*), count(DISTINCT q.stay_id)
			FROM qc_findings q JOIN stay_facts f ON f.stay_id = q.stay_id WHERE f.year = ? AND f.org_code = ?
			GROUP BY 1, 2 ORDER BY 4 DESC, 1, 2 LIMIT 15`, y, org)
		if err != nil {
			return nil, fmt.Errorf("读取质控问题 read qc findings: %w", err)
		}
		defer rows.Close()
		msgs := map[string]string{}
		for _, r := range qc.Catalogue() {
			msgs[r.ID] = r.MsgCN
		}
		for rows.Next() {
			var r report.RuleRow
			var field string
			var sev int
			if err := rows.Scan(&r.Code, &field, &sev, &r.Count, &r.Stays); err != nil {
				return nil, fmt.Errorf("读取质控问题 read qc findings: %w", err)
			}
			r.Severity = qc.Severity(sev).CN()
			r.Name = ruleName(msgs[r.Code], field)
			if r.Name == "" {
				r.Name = r.Code
			}
			st.Rules = append(st.Rules, r)
		}
		return st, rows.Err()
	}
	cur, err := stats(year)
	if err != nil || cur == nil {
		return nil, err
	}
	prior, err := stats(year - 1)
	if err != nil {
		return nil, err
	}
	return report.QualityResult(cur, prior, 15), nil
}

// ruleName renders a rule's Chinese message for one field as the rule's
// name in the report: the field placeholders are filled, the value and the
// expected value (which belong to one record) are left out.
func ruleName(tpl, field string) string {
	name := field
	if f, ok := frontpage.FieldByCode(field); ok {
		name = f.NameCN
	}
	s := strings.NewReplacer("{name}", name, "{field}", field, "{name_en}", "", "{value}", "", "{expect}", "").Replace(tpl)
	// Join the words again without the gaps the removed values leave:
	// Chinese takes no spaces, only two Latin words keep one between them.
	words := strings.Fields(s)
	var b strings.Builder
	for i, w := range words {
		if i > 0 && isLatinEnd(words[i-1]) && isLatinStart(w) {
			b.WriteByte(' ')
		}
		b.WriteString(w)
	}
	return b.String()
}

func isLatinEnd(w string) bool   { r := []rune(w); return len(r) > 0 && r[len(r)-1] < 0x2E80 }
func isLatinStart(w string) bool { r := []rune(w); return len(r) > 0 && r[0] < 0x2E80 }
