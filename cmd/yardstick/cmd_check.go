package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/yardstick-health/yardstick/internal/codes"
	"github.com/yardstick-health/yardstick/internal/frontpage"
	"github.com/yardstick-health/yardstick/internal/ingest"
	"github.com/yardstick-health/yardstick/internal/qc"
	"github.com/yardstick-health/yardstick/internal/store"
)

func init() {
	register(&command{
		Name:    "check",
		Summary: "病案首页质控：规则检查、百分制评分、问题清单 front-page quality rules, score, worklist",
		Usage: `用法 usage:
  yardstick check [flags]                 检查数据库中的病案并保存结果 check the stays in the store, store findings
  yardstick check --file FILE [flags]     导入前检查文件 check a file before import (nothing is stored)
  yardstick check rules [--format text|markdown|json] [--config FILE]   列出规则 list the rules

规则见 docs/quality-rules.md。每次检查替换这些病案上一次的结果；重新导入的病案失去旧结果。
问题清单只显示病案号和住院次数，不显示姓名、证件号等身份信息。
Rules: docs/quality-rules.md. A check replaces the previous findings of the
stays it checks; a re-imported stay loses its old findings. The worklist shows
病案号 and 住院次数, never names or ID numbers.

参数 flags:
  --db FILE            数据库文件 store file (default yardstick.duckdb); with --file only
                       its code dictionaries are used, if it exists
  --file FILE          检查文件（CSV/XLSX）而不是数据库 check a file instead of the store
  --mapping FILE       医院映射文件 hospital mapping file (with --file)
  --config FILE        规则配置 rule configuration (JSON: disable, severity, rules, score)
  --dept CODE          只检查出院科别 only this discharge department (repeatable, comma list)
  --format F           问题清单格式 worklist format: text (summary only, default), csv, json, xlsx
  --out FILE           问题清单输出文件 worklist file (default stdout; required for xlsx)
  --sort S             排序 sort: severity (default), dept, rule
  --severity S         清单最低严重程度 lowest severity listed: error, warning, info (default info)
  --workers N          并行检查数 checking goroutines (default 2)
  --groups G           按科室或编码员列出评分与指标 per-group table: dept or coder
  --store-info         也保存提示级问题 also store info-level findings (default: errors and warnings;
                       info findings are counted in the summary and per stay)

退出码 exit codes: 0 无错误级问题 no error-level findings, 1 有错误级问题 error-level findings
(block upload), 2 用法或系统错误 usage or system error.
`,
		Run: runCheck,
	})
}

type checkFlags struct {
	db, file, mapping, config string
	format, out, sort, sev    string
	groups                    string
	storeInfo                 bool
	depts                     multiFlag
	workers                   int
}

type multiFlag []string

func (m *multiFlag) String() string { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error {
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			*m = append(*m, p)
		}
	}
	return nil
}

func runCheck(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) > 0 && args[0] == "rules" {
		return runCheckRules(env, args[1:])
	}
	var f checkFlags
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.db, "db", store.DefaultPath, "")
	fs.StringVar(&f.file, "file", "", "")
	fs.StringVar(&f.mapping, "mapping", "", "")
	fs.StringVar(&f.config, "config", "", "")
	fs.StringVar(&f.format, "format", "text", "")
	fs.StringVar(&f.out, "out", "", "")
	fs.StringVar(&f.sort, "sort", "severity", "")
	fs.StringVar(&f.sev, "severity", "info", "")
	fs.Var(&f.depts, "dept", "")
	fs.IntVar(&f.workers, "workers", 2, "")
	fs.StringVar(&f.groups, "groups", "", "")
	fs.BoolVar(&f.storeInfo, "store-info", false, "")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("%v", err)
	}
	if len(pos) > 0 {
		return usagef("多余的参数 unexpected arguments %v (use --file FILE)", pos)
	}
	switch f.format {
	case "text", "csv", "json", "xlsx":
	default:
		return usagef("--format 必须是 must be text, csv, json or xlsx")
	}
	if f.format == "xlsx" && f.out == "" {
		return usagef("xlsx 格式需要 --out FILE xlsx needs --out FILE")
	}
	switch f.sort {
	case "severity", "dept", "rule":
	default:
		return usagef("--sort 必须是 must be severity, dept or rule")
	}
	maxSev, err := qc.ParseSeverity(f.sev)
	if err != nil {
		return usagef("--severity: %v", err)
	}
	if f.groups != "" && f.groups != "dept" && f.groups != "coder" {
		return usagef("--groups 必须是 must be dept or coder")
	}
	if f.workers < 1 || f.workers > 64 {
		return usagef("--workers 必须在 1–64 must be 1–64")
	}
	var cfg *qc.Config
	if f.config != "" {
		if cfg, err = qc.LoadConfig(f.config); err != nil {
			return usagef("%v", err)
		}
	}
	if f.file != "" {
		return checkFile(ctx, env, &f, cfg, maxSev)
	}
	// One DuckDB thread: the check reads on two connections and checks on
	// --workers goroutines already; DuckDB's own worker threads only added
	// hand-offs between threads (≈ 7% more CPU, docs/quality-rules.md).
	db, err := store.OpenWith(ctx, f.db, store.Options{Threads: 1})
	if err != nil {
		return err
	}
	defer db.Close()
	dicts, err := db.CodeDicts(ctx)
	if err != nil {
		return err
	}
	e, err := qc.New(qc.Options{Dicts: dicts, Config: cfg})
	if err != nil {
		return usagef("%v", err)
	}
	// The pass allocates ≈ 1.5 GB per million stays over a live heap of
	// ≈ 250 MB (the parts in flight): collecting at 3× rather than 2× the
	// live heap saves ≈ 5% of the CPU for ≈ 200 MB more memory
	// (docs/quality-rules.md, "Speed"). GOGC in the environment wins.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(200))
	}
	start := time.Now()
	run, err := db.RunCheck(ctx, e, store.CheckOptions{Filter: store.Filter{DisDepts: f.depts}, Workers: f.workers, Config: f.config, StoreInfo: f.storeInfo})
	if err != nil {
		return err
	}
	printCheckSummary(env.Stderr, e, run.Summary, time.Since(start), fmt.Sprintf("检查批次 check run %d, 结果已保存 findings stored in %s", run.ID, f.db))
	printGroups(env.Stderr, run.Summary.Agg, f.groups)
	if f.format != "text" {
		rows, err := db.Findings(ctx, store.FindingFilter{Depts: f.depts, MaxSeverity: maxSev, Sort: f.sort})
		if err != nil {
			return err
		}
		if err := writeWorklist(env.Stdout, f.format, f.out, rows); err != nil {
			return err
		}
	}
	if n := run.Summary.BySeverity[qc.Error]; n > 0 {
		return dataErrorf("%d 个错误级问题 error-level findings (block upload)", n)
	}
	return nil
}

// checkFile checks a file before import: nothing is stored; the store (if it
// exists) only provides the imported code dictionaries.
func checkFile(ctx context.Context, env *cliEnv, f *checkFlags, cfg *qc.Config, maxSev qc.Severity) error {
	if _, err := os.Stat(f.file); err != nil {
		return usagef("文件无法读取 cannot read %s: %v", f.file, err)
	}
	var dicts codes.Set
	if _, err := os.Stat(f.db); err == nil {
		db, err := store.Open(ctx, f.db)
		if err != nil {
			return err
		}
		dicts, err = db.CodeDicts(ctx)
		db.Close()
		if err != nil {
			return err
		}
	}
	e, err := qc.New(qc.Options{Dicts: dicts, Config: cfg})
	if err != nil {
		return usagef("%v", err)
	}
	opt := ingest.Options{MappingFile: f.mapping}
	deptSet := map[string]bool{}
	for _, d := range f.depts {
		deptSet[d] = true
	}
	start := time.Now()
	var rows []store.FindingRow
	var rep *ingest.Report
	var n int64
	sum, err := e.Run(ctx, f.workers, func(emit func(int64, *frontpage.Stay) error) error {
		var rerr error
		rep, rerr = ingest.ReadFrontPages(ctx, f.file, opt, func(batch []frontpage.Stay) error {
			for i := range batch {
				if len(deptSet) > 0 && !deptSet[batch[i].DisDept] {
					continue
				}
				n++
				if err := emit(n, &batch[i]); err != nil {
					return err
				}
			}
			return nil
		})
		return rerr
	}, func(rs []qc.Result) error {
		for i := range rs {
			r := &rs[i]
			for k := range r.Findings {
				fd := &r.Findings[k]
				if fd.Rule.Severity > maxSev {
					continue
				}
				rows = append(rows, store.FindingRow{StayID: r.ID, MRN: r.Stay.MRN, AdmissionNo: int64(r.Stay.AdmissionNo),
					DisDate: r.Stay.DisTime, Dept: r.Stay.DisDept, Coder: r.Stay.Coder, RuleID: fd.Rule.ID,
					Category: string(fd.Rule.Category), Severity: fd.Rule.Severity, Field: fd.Field, Value: fd.Value,
					Expect: fd.Expect, MessageCN: fd.MessageCN(), MessageEN: fd.MessageEN()})
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("check %s: %w", f.file, err)
	}
	note := fmt.Sprintf("文件 file %s: 读取 %d 行, 可用 %d, 不可用 %d（见 yardstick import 的错误报告）rows read %d, good %d, bad %d",
		filepath.Base(f.file), rep.RowsRead, rep.RowsGood, rep.RowsBad, rep.RowsRead, rep.RowsGood, rep.RowsBad)
	printCheckSummary(env.Stderr, e, sum, time.Since(start), note)
	printGroups(env.Stderr, sum.Agg, f.groups)
	sortRows(rows, f.sort)
	if f.format != "text" {
		if err := writeWorklist(env.Stdout, f.format, f.out, rows); err != nil {
			return err
		}
	}
	if n := sum.BySeverity[qc.Error]; n > 0 {
		return dataErrorf("%d 个错误级问题 error-level findings (block upload)", n)
	}
	return nil
}

func sortRows(rows []store.FindingRow, by string) {
	key := func(r *store.FindingRow) []string {
		sev := strconv.Itoa(int(r.Severity))
		adm := fmt.Sprintf("%06d", r.AdmissionNo)
		switch by {
		case "dept":
			return []string{r.Dept, sev, r.RuleID, r.MRN, adm, r.Field}
		case "rule":
			return []string{r.RuleID, sev, r.Dept, r.MRN, adm, r.Field}
		}
		return []string{sev, r.Dept, r.RuleID, r.MRN, adm, r.Field}
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := key(&rows[i]), key(&rows[j])
		for k := range a {
			if a[k] != b[k] {
				return a[k] < b[k]
			}
		}
		return false
	})
}

func printCheckSummary(w io.Writer, e *qc.Engine, s *qc.Summary, d time.Duration, note string) {
	fmt.Fprintln(w, note)
	rate := 0.0
	if d > 0 {
		rate = float64(s.Stays) / d.Seconds()
	}
	fmt.Fprintf(w, "病案 stays %d, 问题 findings %d (错误 errors %d, 警告 warnings %d, 提示 info %d), %.1fs (%.0f stays/s)\n",
		s.Stays, s.Findings, s.BySeverity[qc.Error], s.BySeverity[qc.Warning], s.BySeverity[qc.Info], d.Seconds(), rate)
	for _, n := range s.SkipNotes() {
		fmt.Fprintln(w, "注意 note: "+n)
	}
	if s.Stays > 0 {
		t := &s.Agg.Total
		fmt.Fprintf(w, "平均分 mean score %.1f, 有错误病案 stays with errors %.1f%%\n", t.MeanScore(), 100*t.ErrorShare())
		for _, ind := range qc.Indicators {
			if r, ok := t.Rate(ind.No); ok {
				fmt.Fprintf(w, "  %2d %s %.1f%% (%s)\n", ind.No, ind.NameCN, 100*r, ind.Computable)
			} else {
				fmt.Fprintf(w, "  %2d %s —（无法从首页计算 not computable from front pages）\n", ind.No, ind.NameCN)
			}
		}
	}
	top := s.TopRules()
	if len(top) > 15 {
		top = top[:15]
	}
	for _, rc := range top {
		fmt.Fprintf(w, "  %-6s %-7s %7d 例 stays %8d 条 findings  %s\n", rc.Rule.ID, rc.Rule.Severity, rc.Stays, rc.Findings, rc.Rule.Title(false))
	}
}

// printGroups prints mean score, share with errors and the computable 2016
// indicators per department or coder.
func printGroups(w io.Writer, a *qc.Aggregate, by string) {
	var gs []*qc.Group
	switch by {
	case "dept":
		gs = qc.Sorted(a.ByDept)
		fmt.Fprint(w, "出院科别 dept")
	case "coder":
		gs = qc.Sorted(a.ByCoder)
		fmt.Fprint(w, "编码员 coder")
	default:
		return
	}
	fmt.Fprint(w, "\t病案 stays\t平均分 mean\t有错误 with errors")
	for _, ind := range qc.Indicators {
		if ind.Flag != 0 {
			fmt.Fprintf(w, "\t#%d", ind.No)
		}
	}
	fmt.Fprintln(w)
	for _, g := range gs {
		key := g.Key
		if key == "" {
			key = "(空 empty)"
		}
		fmt.Fprintf(w, "%s\t%d\t%.1f\t%.1f%%", key, g.Stays, g.MeanScore(), 100*g.ErrorShare())
		for _, ind := range qc.Indicators {
			if r, ok := g.Rate(ind.No); ok {
				fmt.Fprintf(w, "\t%.1f%%", 100*r)
			}
		}
		fmt.Fprintln(w)
	}
}

var worklistHeader = []string{"病案号 MRN", "住院次数 admission no", "出院日期 discharge date", "出院科别 department", "编码员 coder",
	"规则 rule", "严重程度 severity", "类别 category", "字段 field", "值 value", "问题 message", "message (English)"}

func worklistRecord(r *store.FindingRow) []string {
	return []string{r.MRN, strconv.FormatInt(r.AdmissionNo, 10), frontpage.FormatDate(r.DisDate), r.Dept, r.Coder,
		r.RuleID, r.Severity.String(), r.Category, r.Field, r.Value, r.MessageCN, r.MessageEN}
}

func writeWorklist(stdout io.Writer, format, out string, rows []store.FindingRow) (err error) {
	if format == "xlsx" {
		return writeWorklistXLSX(out, rows)
	}
	w := stdout
	if out != "" {
		fh, err := os.Create(out)
		if err != nil {
			return fmt.Errorf("create worklist: %w", err)
		}
		defer func() {
			if cerr := fh.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("write worklist: %w", cerr)
			}
		}()
		w = fh
	}
	switch format {
	case "csv":
		if _, err := io.WriteString(w, "\ufeff"); err != nil { // BOM so Excel opens UTF-8 correctly
			return fmt.Errorf("write worklist: %w", err)
		}
		cw := csv.NewWriter(w)
		if err := cw.Write(worklistHeader); err != nil {
			return fmt.Errorf("write worklist: %w", err)
		}
		for i := range rows {
			if err := cw.Write(worklistRecord(&rows[i])); err != nil {
				return fmt.Errorf("write worklist: %w", err)
			}
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("write worklist: %w", err)
		}
	case "json":
		type item struct {
			MRN         string `json:"mrn"`
			AdmissionNo int64  `json:"admission_no"`
			DisDate     string `json:"discharge_date"`
			Dept        string `json:"dept"`
			Coder       string `json:"coder"`
			Rule        string `json:"rule"`
			Severity    string `json:"severity"`
			Category    string `json:"category"`
			Field       string `json:"field"`
			Value       string `json:"value,omitempty"`
			MessageCN   string `json:"message_cn"`
			MessageEN   string `json:"message_en"`
		}
		items := make([]item, len(rows))
		for i, r := range rows {
			items[i] = item{r.MRN, r.AdmissionNo, frontpage.FormatDate(r.DisDate), r.Dept, r.Coder, r.RuleID, r.Severity.String(),
				r.Category, r.Field, r.Value, r.MessageCN, r.MessageEN}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		if err := enc.Encode(items); err != nil {
			return fmt.Errorf("write worklist: %w", err)
		}
	}
	return nil
}

func writeWorklistXLSX(path string, rows []store.FindingRow) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	toRow := func(rec []string) []any {
		out := make([]any, len(rec))
		for i, v := range rec {
			out[i] = v
		}
		return out
	}
	if err := sw.SetRow("A1", toRow(worklistHeader)); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	for i := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
		if err := sw.SetRow(cell, toRow(worklistRecord(&rows[i]))); err != nil {
			return fmt.Errorf("xlsx: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("xlsx: %w", err)
	}
	if err := f.SaveAs(path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func runCheckRules(env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("check rules", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	format := fs.String("format", "text", "")
	config := fs.String("config", "", "")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	var cfg *qc.Config
	if *config != "" {
		var err error
		if cfg, err = qc.LoadConfig(*config); err != nil {
			return usagef("%v", err)
		}
	}
	e, err := qc.New(qc.Options{Config: cfg})
	if err != nil {
		return usagef("%v", err)
	}
	switch *format {
	case "markdown", "md":
		_, err = io.WriteString(env.Stdout, qc.RulesMarkdown(e.Rules()))
	case "json":
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", " ")
		err = enc.Encode(e.Rules())
	case "text":
		for _, r := range e.Rules() {
			state := ""
			if r.Disabled {
				state = " (disabled)"
			}
			if _, err = fmt.Fprintf(env.Stdout, "%-6s %-12s %-7s %-11s %s%s\n", r.ID, r.Category, r.Severity, r.Check, r.Title(false), state); err != nil {
				break
			}
		}
	default:
		return usagef("--format 必须是 must be text, markdown or json")
	}
	if err != nil && !errors.Is(err, io.ErrClosedPipe) {
		return fmt.Errorf("write rules: %w", err)
	}
	return nil
}
