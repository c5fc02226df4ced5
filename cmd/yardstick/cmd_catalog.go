package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/yardstick-health/yardstick/internal/catalog"
	"github.com/yardstick-health/yardstick/internal/store"
)

func init() {
	register(&command{
		Name:    "catalog",
		Summary: "导入手术操作与并发症目录 import procedure and complication catalogues",
		Usage: `用法 usage:
  yardstick catalog import KIND FILE --version 2024 [--db FILE]
  yardstick catalog list [--db FILE]

KIND:
  procedure_category   手术操作类别 (国临版3.0 类别: 手术/介入治疗/治疗性操作/诊断性操作)
  level4               国考四级手术目录
  level3               三级手术目录 (二级公立医院绩效考核 #3)
  minimally_invasive   国考微创手术目录
  day_surgery          日间手术目录
  complication         手术并发症诊断 ICD-10 前缀或范围 prefixes or ranges (T82.0–T87.6)

文件 FILE: CSV (UTF-8/GBK) 或 or XLSX, 列 columns 编码 code, 名称 name[, 类别 category][, 至 code_to];
也接受医院合并手术字典 also the merged hospital dictionary (国家临床版3.0手术编码, 手术类别,
绩效考核四级手术标识, 绩效考核微创手术标识, 日间手术标识 …): the column of KIND is used.

目录按年份版本管理：某年的数据使用不晚于该年的最新版本。未导入时按首页手术级别或内置默认目录，
并在每个指标输出中注明。导入后病例事实会重新计算。
Catalogues are versioned by year: data of a year use the newest version not after it.
Without one, the front page's 手术级别 or a built-in default is used and every indicator
output says so. Importing drops the derived facts so they are recomputed.
`,
		Run: runCatalog,
	})
}

func runCatalog(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return usagef("用法 usage: yardstick catalog import KIND FILE --version YEAR | yardstick catalog list")
	}
	fs := flag.NewFlagSet("catalog", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	db := fs.String("db", store.DefaultPath, "数据库文件 store file")
	version := fs.String("version", "", "目录版本年份 catalogue version year, e.g. 2024")
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return usagef("%v", err)
	}
	switch args[0] {
	case "list":
		d, err := store.Open(ctx, *db)
		if err != nil {
			return err
		}
		defer d.Close()
		lib, err := d.Catalogs(ctx)
		if err != nil {
			return err
		}
		vs := lib.Versions()
		if len(vs) == 0 {
			fmt.Fprintln(env.Stdout, "未导入目录 no catalogues imported; 使用 using:")
			for _, n := range lib.For(0).Notes {
				fmt.Fprintln(env.Stdout, "  "+n)
			}
			return nil
		}
		for _, v := range vs {
			fmt.Fprintln(env.Stdout, v)
		}
		return nil
	case "import":
	default:
		return usagef("未知子命令 unknown subcommand %q (import|list)", args[0])
	}
	if len(pos) != 2 {
		return usagef("用法 usage: yardstick catalog import KIND FILE --version YEAR")
	}
	kind, ok := catalog.ParseKind(pos[0])
	if !ok {
		return usagef("未知目录类型 unknown kind %q (procedure_category|level4|level3|minimally_invasive|day_surgery|complication)", pos[0])
	}
	if y, err := strconv.Atoi(*version); err != nil || y < 1990 || y > 2100 || len(*version) != 4 {
		return usagef("需要 --version 年份 --version YEAR is required (e.g. 2024)")
	}
	rows, err := catalog.ReadFile(ctx, pos[1])
	if err != nil {
		return err
	}
	entries, problems, err := catalog.Parse(kind, rows)
	for _, p := range problems {
		fmt.Fprintf(env.Stderr, "%s: %s\n", pos[1], p)
	}
	if err != nil {
		return dataErrorf("%s: %v", pos[1], err)
	}
	d, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer d.Close()
	c := catalog.New(kind, *version, filepath.Base(pos[1]), entries)
	if err := d.ImportCatalog(ctx, c); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s\n导入 imported %d 条 entries, 错误行 bad rows %d; 病例事实将在下次计算指标时重算 facts are recomputed on the next indicators run\n", c.Label(), len(entries), len(problems))
	if len(problems) > 0 {
		return dataErrorf("%d 行有错误 bad rows", len(problems))
	}
	return nil
}
