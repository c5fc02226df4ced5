package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/yardstick-health/yardstick/internal/drg"
	"github.com/yardstick-health/yardstick/internal/store"
)

func init() {
	register(&command{
		Name:    "group",
		Summary: "DRG 分组 group stays into DRGs (CHS-DRG)",
		Usage: `用法 usage:
  yardstick group [--db FILE] [--scheme DIR|ID] [--region R [--weight-year Y]] [--weights auto|internal|none] [--json]
  yardstick group --in cases.csv [--out results.csv] [--scheme DIR|ID] [--translate] [--schemes DIR]
  yardstick group explain --in cases.csv --id CASE_ID [--scheme DIR|ID] [--lang zh|en]
  yardstick group explain --sex 1 --age 45 --dx "I63.900|I10.x05" [--px ...] [--age-days N] [--weight G] [--los N] [--way N]

按指定方案对文件中的病例分组。Group the cases of a plain CSV file with a scheme.
--scheme 可以是方案文件夹 (按国家分组表格式组织) 或已安装方案的 id; 不指定时使用内置演示方案
` + drg.DemoID + ` (只是国家方案的子集, 正式使用请先 yardstick scheme import 完整方案)。
--scheme accepts a scheme folder or the id of an installed pack; without it the embedded demo
pack ` + drg.DemoID + ` (a subset of the national scheme) is used and a note is printed.

输入列 input columns (UTF-8 CSV with header; lists separated by |, first = principal):
  id,sex,age,age_days,birth_weight_g,los_days,discharge_way,dept,diagnoses,procedures
  可选 optional: discharge_date (YYYY-MM-DD; 不在方案有效期内的病例记为 invalid,
  cases outside the scheme's effective range are reported invalid)
  sex: 1/2 或 男/女; 空的数值按 0 处理 (与 OpenDRG 一致) empty numbers read as 0 (OpenDRG parity).
输出列 output columns:
  id,status,mdc,adrg,drg,cc_code,cc_level,drg_name,tier,scheme,reason
  status: grouped 分组成功 | ungroupable 无法入组 (0000) | ambiguous 歧义 (xQY) | invalid 信息校验不通过

参数 flags:
  --in FILE        输入文件 input file ("-" = stdin)
  --out FILE       输出文件 output file (默认 default: stdout)
  --scheme DIR|ID  分组方案 scheme (默认 default: ` + drg.DemoID + `)
  --translate      先把国家临床版编码转换为医保版 translate 国家临床版 codes to 医保版 first
  --schemes DIR    已安装方案目录 installed schemes directory (见 see yardstick scheme --help)
explain:
  --id ID          要解释的病例 id case to explain (默认第一行 default: first row)
  --lang zh|en     只输出一种语言 only one language (默认两种 default: both)

不带 --in: 对数据库中全部住院分组, 结果写入 drg_results (重新分组替换旧结果)。
Without --in: group every stay in the store (--db) into drg_results, replacing earlier results.
  不指定 --scheme 时按出院日期选用已安装且在有效期内的方案, 否则用内置演示方案 (会提示)。
  Without --scheme each stay uses the installed pack in force on its discharge date, else the
  embedded demo pack (with a note). 国家临床版编码 (YS02/YS03) 经方案的对照表转换, 医保版直接使用。
  Codes recorded in 国家临床版 are translated through the pack's crosswalks; 医保版 codes are used as is.
  --db FILE        数据库 store (默认 default: ` + store.DefaultPath + `)
  --region R       使用方案中该地区的权重表 use the pack's weight table of region R
  --weight-year Y  权重年份 weight year (默认最新 default: latest for R)
  --weights MODE   auto (默认: 选定地区的权重; 方案无权重时按本院费用计算内部权重 the chosen region's
                   table; internal weights from the store's costs when the pack has none) | internal | none
  --json           以 JSON 输出摘要 print the summary as JSON

退出码 exit codes: 0 成功, 1 有无法解析的行 rows that could not be read, 2 用法或系统错误.
`,
		Run: runGroup,
	})
}

type groupFlags struct {
	sf        schemeFlags
	scheme    string
	in, out   string
	translate bool
	// store mode
	region     string
	weightYear int
	weights    string
	json       bool
}

func (g *groupFlags) register(fs *flag.FlagSet) {
	g.sf.register(fs)
	fs.StringVar(&g.scheme, "scheme", "", "scheme folder or installed id")
	fs.StringVar(&g.in, "in", "", "input CSV")
	fs.StringVar(&g.out, "out", "", "output CSV")
	fs.BoolVar(&g.translate, "translate", false, "translate 国家临床版 codes")
	fs.StringVar(&g.region, "region", "", "weight table region")
	fs.IntVar(&g.weightYear, "weight-year", 0, "weight table year")
	fs.StringVar(&g.weights, "weights", "auto", "auto, internal or none")
	fs.BoolVar(&g.json, "json", false, "JSON summary")
}

// loadScheme resolves --scheme: an existing folder is read as a pack (an
// overlay resolves its parent through the registry), anything else is an
// installed id; empty means the embedded demo pack.
func (g *groupFlags) loadScheme(ctx context.Context, env *cliEnv) (*drg.Scheme, error) {
	reg := g.sf.registry()
	if g.scheme == "" {
		fmt.Fprintf(env.Stderr, "未指定 --scheme, 使用内置演示方案 %s (国家方案的子集) no --scheme given: using the embedded demo pack %s (a subset of the national scheme)\n", drg.DemoID, drg.DemoID)
		return drg.DemoScheme()
	}
	if st, err := os.Stat(g.scheme); err == nil && st.IsDir() {
		p, err := drg.LoadDir(ctx, g.scheme, reg)
		if err != nil {
			return nil, err
		}
		s, issues, err := drg.Compile(p)
		if err != nil {
			printIssues(env.Stderr, issues)
			return nil, fmt.Errorf("方案 scheme %s: %w", g.scheme, err)
		}
		return s, nil
	}
	return reg.Scheme(ctx, g.scheme)
}

func runGroup(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) > 0 && args[0] == "explain" {
		return runExplain(ctx, env, args[1:])
	}
	var g groupFlags
	fs := newFlagSet("group", env.Stderr)
	g.register(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("多余的参数 unexpected arguments %v", pos)
	}
	if g.in == "" {
		return runGroupStore(ctx, env, &g)
	}
	s, err := g.loadScheme(ctx, env)
	if err != nil {
		return err
	}
	sel, err := drg.NewSelector(s)
	if err != nil {
		return err
	}
	in, closeIn, err := openIn(env, g.in)
	if err != nil {
		return err
	}
	defer closeIn()
	var out io.Writer = env.Stdout
	var outFile *os.File
	if g.out != "" && g.out != "-" {
		if outFile, err = os.Create(g.out); err != nil {
			return fmt.Errorf("create %s: %w", g.out, err)
		}
		defer outFile.Close()
		out = outFile
	}
	w := csv.NewWriter(out)
	if err := w.Write([]string{"id", "status", "mdc", "adrg", "drg", "cc_code", "cc_level", "drg_name", "tier", "scheme", "reason"}); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	counts := map[drg.Status]int{}
	bad := 0
	opt := drg.Options{Translate: g.translate}
	err = readCases(in, func(line int, c *drg.Case, perr error) error {
		if perr != nil {
			bad++
			fmt.Fprintf(env.Stderr, "第 %d 行 line %d: %v\n", line, line, perr)
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		r := sel.Group(c, opt)
		counts[r.Status]++
		reason := r.Reason
		if len(r.Untranslated) > 0 {
			reason += ": " + strings.Join(r.Untranslated, "|")
		}
		return w.Write([]string{c.ID, r.Status.String(), r.MDC, r.ADRG, r.DRG, r.CCCode, r.CCLevel.String(), r.DRGName, r.Tier.String(), r.SchemeID, reason})
	})
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	if err == nil && outFile != nil {
		err = outFile.Close()
	}
	if err != nil {
		return err
	}
	total := counts[drg.StatusGrouped] + counts[drg.StatusUngroupable] + counts[drg.StatusAmbiguous] + counts[drg.StatusInvalid]
	fmt.Fprintf(env.Stderr, "方案 scheme %s %s: %d 例 cases — 入组 grouped %d, 无法入组 0000 %d, 歧义 QY %d, 校验不通过 invalid %d\n",
		s.ID(), s.Version(), total, counts[drg.StatusGrouped], counts[drg.StatusUngroupable], counts[drg.StatusAmbiguous], counts[drg.StatusInvalid])
	if bad > 0 {
		return dataErrorf("%d 行无法读取 rows could not be read", bad)
	}
	return nil
}

func openIn(env *cliEnv, path string) (io.Reader, func(), error) {
	if path == "-" {
		return env.Stdin, func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("open %s: %w", path, err)
	}
	return f, func() { f.Close() }, nil
}

// caseColumns are the required input columns.
var caseColumns = []string{"id", "sex", "age", "age_days", "birth_weight_g", "los_days", "discharge_way", "dept", "diagnoses", "procedures"}

// readCases streams the input file, calling fn for every data row with the
// parsed case or the reason it could not be parsed. A missing column is a
// usage error for the whole file.
func readCases(r io.Reader, fn func(line int, c *drg.Case, err error) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return usagef("输入文件为空 empty input file")
	}
	if err != nil {
		return usagef("读取表头 read header: %v", err)
	}
	idx := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		idx[h] = i
	}
	for _, c := range caseColumns {
		if _, ok := idx[c]; !ok {
			return usagef("缺少必填列 missing required column %q (need %s)", c, strings.Join(caseColumns, ","))
		}
	}
	dateCol, hasDate := idx["discharge_date"]
	line := 1
	for {
		rec, err := cr.Read()
		line++
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if err := fn(line, nil, err); err != nil {
					return err
				}
				continue
			}
			return fmt.Errorf("read: %w", err)
		}
		get := func(name string) string {
			i := idx[name]
			if i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		var perr error
		num := func(name string) int {
			v := get(name)
			if v == "" {
				return 0 // empty numbers read as 0, as in the OpenDRG reference
			}
			n, err := strconv.Atoi(v)
			if err != nil {
				if f, ferr := strconv.ParseFloat(v, 64); ferr == nil {
					return int(f)
				}
				if perr == nil {
					perr = fmt.Errorf("%s %q 不是数字 not a number", name, v)
				}
			}
			return n
		}
		c := drg.Case{
			ID: get("id"), Sex: get("sex"), AgeYears: num("age"), AgeDays: num("age_days"),
			BirthWeight: num("birth_weight_g"), LOS: num("los_days"), DischargeWay: get("discharge_way"),
			Dept: get("dept"), Diagnoses: splitCodes(get("diagnoses")), Procedures: splitCodes(get("procedures")),
		}
		if hasDate && dateCol < len(rec) && strings.TrimSpace(rec[dateCol]) != "" {
			d, err := time.Parse("2006-01-02", strings.TrimSpace(rec[dateCol])[:min(10, len(strings.TrimSpace(rec[dateCol])))])
			if err != nil && perr == nil {
				perr = fmt.Errorf("discharge_date %q 不是日期 not a date (YYYY-MM-DD)", rec[dateCol])
			}
			c.Discharge = d
		}
		if perr != nil {
			if err := fn(line, nil, perr); err != nil {
				return err
			}
			continue
		}
		if err := fn(line, &c, nil); err != nil {
			return err
		}
	}
}

func splitCodes(s string) []string {
	if s == "" {
		return nil
	}
	var out []string
	for _, p := range strings.Split(s, "|") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func runExplain(ctx context.Context, env *cliEnv, args []string) error {
	var g groupFlags
	fs := newFlagSet("group explain", env.Stderr)
	g.register(fs)
	var id, lang, sex, dxs, pxs, way, dept string
	var age, ageDays, weight, los int
	fs.StringVar(&id, "id", "", "case id")
	fs.StringVar(&lang, "lang", "", "zh or en")
	fs.StringVar(&sex, "sex", "", "sex 1/2")
	fs.IntVar(&age, "age", 0, "age in years")
	fs.IntVar(&ageDays, "age-days", -1, "age in days")
	fs.IntVar(&weight, "weight", 0, "birth weight g")
	fs.IntVar(&los, "los", 0, "length of stay")
	fs.StringVar(&way, "way", "", "discharge way")
	fs.StringVar(&dept, "dept", "", "department")
	fs.StringVar(&dxs, "dx", "", "diagnoses, | separated")
	fs.StringVar(&pxs, "px", "", "procedures, | separated")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("多余的参数 unexpected arguments %v", pos)
	}
	if lang != "" && lang != "zh" && lang != "en" {
		return usagef("--lang 须为 must be zh or en")
	}
	var c *drg.Case
	switch {
	case g.in != "":
		in, closeIn, err := openIn(env, g.in)
		if err != nil {
			return err
		}
		defer closeIn()
		errFound := errors.New("found")
		err = readCases(in, func(line int, cc *drg.Case, perr error) error {
			if cc == nil {
				if id != "" {
					return nil
				}
				return fmt.Errorf("第 %d 行 line %d: %w", line, line, perr)
			}
			if id == "" || cc.ID == id {
				c = cc
				return errFound
			}
			return nil
		})
		if err != nil && !errors.Is(err, errFound) {
			return err
		}
		if c == nil {
			return dataErrorf("没有 id 为 %q 的病例 no case with id %q", id, id)
		}
	case dxs != "":
		c = &drg.Case{ID: id, Sex: sex, AgeYears: age, AgeDays: ageDays, BirthWeight: weight, LOS: los, DischargeWay: way, Dept: dept, Diagnoses: splitCodes(dxs), Procedures: splitCodes(pxs)}
	default:
		return usagef("需要 --in 或 --dx need --in FILE or --dx CODES")
	}
	s, err := g.loadScheme(ctx, env)
	if err != nil {
		return err
	}
	r := s.GroupWith(c, drg.Options{Trace: true, Translate: g.translate})
	fmt.Fprintf(env.Stdout, "病例 case %s: %s %s — %s %s %s", c.ID, r.Status.Chinese(), r.Status, r.MDC, r.ADRG, r.DRG)
	if r.DRGName != "" {
		fmt.Fprintf(env.Stdout, " %s", r.DRGName)
	}
	if r.CCCode != "" {
		fmt.Fprintf(env.Stdout, " (%s %s)", r.CCLevel, r.CCCode)
	}
	if r.Reason != "" {
		fmt.Fprintf(env.Stdout, " — %s", r.Reason)
	}
	fmt.Fprintln(env.Stdout)
	if r.Trace != nil && r.Trace.Principal != "" {
		fmt.Fprintf(env.Stdout, "主要诊断 principal diagnosis: %s %s\n", r.Trace.Principal, s.DxName(r.Trace.Principal))
	}
	if r.Trace != nil && r.Trace.PrincipalProc != "" {
		fmt.Fprintf(env.Stdout, "主要手术 principal procedure: %s %s\n", r.Trace.PrincipalProc, s.ProcName(r.Trace.PrincipalProc))
	}
	if lang == "" || lang == "zh" {
		fmt.Fprintln(env.Stdout, r.Trace.Render("zh"))
	}
	if lang == "" || lang == "en" {
		fmt.Fprintln(env.Stdout, r.Trace.Render("en"))
	}
	return nil
}
