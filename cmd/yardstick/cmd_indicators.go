package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/yardstick-health/yardstick/internal/catalog"
	"github.com/yardstick-health/yardstick/internal/indicator"
	"github.com/yardstick-health/yardstick/internal/store"
)

func init() {
	register(&command{
		Name:    "indicators",
		Summary: "计算国考及运营指标（同比、环比、明细）compute 国考 and operating indicators (YoY, PoP, drill-down)",
		Usage: `用法 usage:
  yardstick indicators --year 2021 [--by department] [--period month] [--org CODE]
                       [--codes a,b,...] [--format table|csv|xlsx|json] [--out FILE] [--db FILE]
  yardstick indicators list [--format table|csv|json]        指标定义 the indicator registry
  yardstick indicators input FILE [--db FILE]                填报值 manual inputs (CSV/XLSX:
                       机构代码 org, 年份 year, 指标代码 code, 值 value[, 科室代码 dept])
  yardstick indicators drill --year 2021 --code level4_share --part numerator --org CODE
                       [--by department --key DEPT] [--period month --sub 3] [--format table|csv] [--out FILE]

先为缺少病例事实的病例计算事实（手术、四级、微创、日间、择期、死亡、再住院、DRG…），
再用一条分组查询计算所有指标，并给出去年同期（同比）和上一期（环比）。
Facts are derived first for stays that lack them; one grouped query then computes
every indicator with the same period last year (同比) and the previous period (环比).

维度 --by: hospital campus department doctor(主治医师 B24) drg adrg mdc
期间 --period: year quarter month
填报值代码 input codes: physicians (平均执业医师数, for bed_days_per_physician) and gk3_NN
(see 'yardstick indicators list').

参数 flags:
  --db FILE        数据库文件 store file (default yardstick.duckdb)
  --threads N      DuckDB 线程数 threads (0 = all cores)
`,
		Run: runIndicators,
	})
}

func runIndicators(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "list":
			return runIndicatorsList(env, args[1:])
		case "input":
			return runIndicatorsInput(ctx, env, args[1:])
		case "drill":
			return runIndicatorsDrill(ctx, env, args[1:])
		}
	}
	fs := flag.NewFlagSet("indicators", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	q, db, threads := queryFlags(fs)
	codes := fs.String("codes", "", "指标代码，逗号分隔 indicator codes, comma separated (default: all computed)")
	format := fs.String("format", "table", "table|csv|xlsx|json")
	out := fs.String("out", "", "输出文件 output file (default stdout; required for xlsx)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("%v", err)
	}
	if len(pos) > 0 {
		return usagef("多余的参数 unexpected arguments %v", pos)
	}
	if *codes != "" {
		q.Indicators = strings.Split(*codes, ",")
	}
	switch *format {
	case "table", "csv", "json", "xlsx":
	default:
		return usagef("未知格式 unknown --format %q (table|csv|xlsx|json)", *format)
	}
	if *format == "xlsx" && *out == "" {
		return usagef("xlsx 需要 --out FILE: xlsx needs --out FILE")
	}
	if err := checkQuery(q); err != nil {
		return err
	}
	src, closeDB, err := openIndicatorSource(ctx, env, *db, *threads)
	if err != nil {
		return err
	}
	defer closeDB()
	res, err := indicator.Compute(ctx, src, *q)
	if err != nil {
		return err
	}
	return writeOut(*out, env.Stdout, func(w io.Writer) error {
		switch *format {
		case "csv":
			return res.WriteCSV(w)
		case "json":
			return res.WriteJSON(w)
		case "xlsx":
			return res.WriteXLSX(w)
		}
		return res.WriteTable(w)
	})
}

// queryFlags declares the query flags shared by compute and drill.
func queryFlags(fs *flag.FlagSet) (*indicator.Query, *string, *int) {
	q := &indicator.Query{}
	fs.IntVar(&q.Year, "year", 0, "出院年份 discharge year")
	fs.Func("by", "hospital|campus|department|doctor|drg|adrg|mdc", func(s string) error { q.By = indicator.Dim(s); return nil })
	fs.Func("period", "year|quarter|month", func(s string) error { q.Period = indicator.Period(s); return nil })
	fs.StringVar(&q.Org, "org", "", "机构代码 organisation code (default all)")
	db := fs.String("db", store.DefaultPath, "数据库文件 store file")
	threads := fs.Int("threads", 0, "DuckDB threads")
	return q, db, threads
}

func checkQuery(q *indicator.Query) error {
	if q.Year == 0 {
		return usagef("需要 --year: --year is required")
	}
	if q.By != "" {
		ok := false
		for _, d := range indicator.Dims {
			ok = ok || d == q.By
		}
		if !ok {
			return usagef("未知维度 unknown --by %q (hospital|campus|department|doctor|drg|adrg|mdc)", q.By)
		}
	}
	switch q.Period {
	case "", indicator.Year, indicator.Quarter, indicator.Month:
	default:
		return usagef("未知期间 unknown --period %q (year|quarter|month)", q.Period)
	}
	for _, c := range q.Indicators {
		if _, ok := indicator.Lookup(strings.TrimSpace(c)); !ok {
			return usagef("未知指标 unknown indicator %q (yardstick indicators list)", c)
		}
	}
	for i := range q.Indicators {
		q.Indicators[i] = strings.TrimSpace(q.Indicators[i])
	}
	return nil
}

// openIndicatorSource opens the store and brings the facts up to date.
func openIndicatorSource(ctx context.Context, env *cliEnv, path string, threads int) (indicator.Source, func(), error) {
	db, err := store.OpenWith(ctx, path, store.Options{Threads: threads})
	if err != nil {
		return nil, nil, err
	}
	lib, err := db.Catalogs(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	st, err := db.RefreshFacts(ctx, lib)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if st.Derived > 0 {
		fmt.Fprintf(env.Stderr, "病例事实 facts: 新计算 derived %d, 共 total %d\n", st.Derived, st.Total)
	}
	return db.IndicatorSource(), func() { db.Close() }, nil
}

func writeOut(path string, stdout io.Writer, fn func(io.Writer) error) error {
	if path == "" {
		return fn(stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("创建输出文件 create %s: %w", path, err)
	}
	if err := fn(f); err != nil {
		f.Close()
		return fmt.Errorf("写入 write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("写入 write %s: %w", path, err)
	}
	return nil
}

func runIndicatorsList(env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("indicators list", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	format := fs.String("format", "table", "table|csv|json")
	if err := fs.Parse(args); err != nil {
		return usagef("%v", err)
	}
	defs, err := indicator.Registry()
	if err != nil {
		return err
	}
	h, rows := indicator.ListRows(defs)
	switch *format {
	case "table":
		return indicator.WriteAligned(env.Stdout, h, rows)
	case "csv":
		w := csv.NewWriter(env.Stdout)
		w.Write(h)
		w.WriteAll(rows)
		return w.Error()
	case "json":
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", " ")
		return enc.Encode(defs)
	}
	return usagef("未知格式 unknown --format %q (table|csv|json)", *format)
}

func runIndicatorsInput(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("indicators input", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	db := fs.String("db", store.DefaultPath, "数据库文件 store file")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("%v", err)
	}
	if len(pos) != 1 {
		return usagef("用法 usage: yardstick indicators input FILE")
	}
	rows, err := catalog.ReadFile(ctx, pos[0])
	if err != nil {
		return err
	}
	ins, problems, err := parseInputs(rows)
	if err != nil {
		return dataErrorf("%s: %v", pos[0], err)
	}
	for _, p := range problems {
		fmt.Fprintf(env.Stderr, "%s: %s\n", pos[0], p)
	}
	d, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.ImportInputs(ctx, ins); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "填报值 inputs: 导入 imported %d 条, 错误行 bad rows %d\n", len(ins), len(problems))
	if len(problems) > 0 {
		return dataErrorf("%d 行有错误 bad rows", len(problems))
	}
	return nil
}

// parseInputs reads the manual-input table: org, year, code, value[, dept].
func parseInputs(rows [][]string) ([]indicator.Input, []string, error) {
	if len(rows) < 2 {
		return nil, nil, fmt.Errorf("没有数据行 no data rows")
	}
	col := func(names ...string) int {
		for i, h := range rows[0] {
			h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
			for _, n := range names {
				if h == n {
					return i
				}
			}
		}
		return -1
	}
	oi, yi := col("org", "org_code", "机构代码", "机构"), col("year", "年份", "年度")
	ci, vi, di := col("code", "indicator", "指标代码", "指标"), col("value", "值", "数值"), col("dept", "dept_code", "科室代码", "科室")
	if oi < 0 || yi < 0 || ci < 0 || vi < 0 {
		return nil, nil, fmt.Errorf("缺少列 missing columns: need org, year, code, value (机构代码, 年份, 指标代码, 值)")
	}
	var out []indicator.Input
	var problems []string
	for n, r := range rows[1:] {
		get := func(i int) string {
			if i < 0 || i >= len(r) {
				return ""
			}
			return strings.TrimSpace(r[i])
		}
		if get(oi) == "" && get(ci) == "" {
			continue
		}
		line := n + 2
		y, err := strconv.Atoi(get(yi))
		if err != nil || y < 1900 || y > 3000 {
			problems = append(problems, fmt.Sprintf("第%d行 line %d: 年份无效 bad year %q", line, line, get(yi)))
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSuffix(get(vi), "%"), 64)
		if err != nil {
			problems = append(problems, fmt.Sprintf("第%d行 line %d: 值无效 bad value %q", line, line, get(vi)))
			continue
		}
		code := get(ci)
		if _, ok := indicator.Lookup(code); !ok && code != "physicians" {
			problems = append(problems, fmt.Sprintf("第%d行 line %d: 未知指标代码 unknown code %q", line, line, code))
			continue
		}
		if get(oi) == "" {
			problems = append(problems, fmt.Sprintf("第%d行 line %d: 缺少机构代码 missing org", line, line))
			continue
		}
		out = append(out, indicator.Input{Org: get(oi), Year: y, Code: code, Value: v, Dept: get(di)})
	}
	return out, problems, nil
}

func runIndicatorsDrill(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("indicators drill", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	q, db, threads := queryFlags(fs)
	code := fs.String("code", "", "指标代码 indicator code")
	part := fs.String("part", "numerator", "numerator|denominator")
	key := fs.String("key", "", "维度值 breakdown key (department code, DRG…)")
	sub := fs.Int("sub", 0, "月份或季度 month (1–12) or quarter (1–4); 0 for --period year")
	format := fs.String("format", "csv", "csv|table")
	out := fs.String("out", "", "输出文件 output file")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("%v", err)
	}
	if len(pos) > 0 {
		return usagef("多余的参数 unexpected arguments %v", pos)
	}
	if *code == "" || q.Org == "" {
		return usagef("需要 --code 和 --org: --code and --org are required")
	}
	if err := checkQuery(q); err != nil {
		return err
	}
	if *format != "csv" && *format != "table" {
		return usagef("未知格式 unknown --format %q (csv|table)", *format)
	}
	src, closeDB, err := openIndicatorSource(ctx, env, *db, *threads)
	if err != nil {
		return err
	}
	defer closeDB()
	refs, err := indicator.DrillDown(ctx, src, *q, *code, indicator.Cell{Org: q.Org, Key: *key, Year: q.Year, Sub: *sub}, indicator.Part(*part))
	if err != nil {
		return err
	}
	h, rows := indicator.DrillRows(refs)
	return writeOut(*out, env.Stdout, func(w io.Writer) error {
		if *format == "table" {
			return indicator.WriteAligned(w, h, rows)
		}
		cw := csv.NewWriter(w)
		cw.Write(h)
		cw.WriteAll(rows)
		return cw.Error()
	})
}
