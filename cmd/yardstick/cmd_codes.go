package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/yardstick-health/yardstick/internal/codes"
	"github.com/yardstick-health/yardstick/internal/store"
)

func init() {
	register(&command{
		Name:    "codes",
		Summary: "导入诊断/手术编码字典 import diagnosis and procedure code dictionaries",
		Usage: `用法 usage:
  yardstick codes import --system SYSTEM [--version LABEL] [--grey FILE] [--db FILE] FILE
  yardstick codes list [--db FILE]

导入编码字典（UTF-8 CSV，第一列为编码，第二列为名称；国临→医保映射表
guolin_code,yibao_code 也可直接导入，映射会用于灰码判断）。同一编码体系再次导入时替换旧版本。
质控规则 V-02d/V-02e（编码存在性）和 I-01/I-02（医保灰码）使用这些字典；未导入时这些规则跳过，
并在检查摘要中提示一次。

Imports a code dictionary (UTF-8 CSV, code in the first column, name in the
second; a 国临→医保 crosswalk "guolin_code,yibao_code" can be imported as is
and its mapping is used for grey codes). Importing a system again replaces it.
The quality rules V-02d/V-02e (code exists) and I-01/I-02 (医保 grey codes)
use the dictionaries; without one they are skipped and the check summary
says so once.

SYSTEM: ICD10-GL2.0 (国家临床版2.0 诊断), ICD10-YB2.0 (医保版2.0 诊断),
        ICD9CM3-GL3.0 (国家临床版3.0 手术操作), ICD9CM3-YB2.0 (医保版2.0 手术操作)

参数 flags:
  --system SYSTEM   编码体系 code system (required)
  --version LABEL   版本标签 version label (default: the file name)
  --grey FILE       医保灰码清单 grey-code list (CSV, code in the first column)
  --db FILE         数据库文件 store file (default yardstick.duckdb)
`,
		Run: runCodes,
	})
}

func runCodes(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		return usagef("缺少子命令 missing subcommand: import or list")
	}
	fs := flag.NewFlagSet("codes", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dbPath := fs.String("db", store.DefaultPath, "")
	system := fs.String("system", "", "")
	version := fs.String("version", "", "")
	grey := fs.String("grey", "", "")
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return usagef("%v", err)
	}
	switch args[0] {
	case "list":
		if len(pos) != 0 {
			return usagef("codes list 不接受文件参数 takes no FILE")
		}
		db, err := store.Open(ctx, *dbPath)
		if err != nil {
			return err
		}
		defer db.Close()
		vers, err := db.CodeVersions(ctx)
		if err != nil {
			return err
		}
		if len(vers) == 0 {
			fmt.Fprintln(env.Stdout, "未导入编码字典 no code dictionary imported")
			return nil
		}
		for _, v := range vers {
			fmt.Fprintf(env.Stdout, "%-14s %-24s %7d 编码 codes  %5d 灰码 grey  %6d 映射 crosswalk  %s\n",
				v.System, v.Version, v.Codes, v.Grey, v.Crosswalk, v.ImportedAt.Format("2006-01-02 15:04"))
		}
		return nil
	case "import":
	default:
		return usagef("未知子命令 unknown subcommand %q (import, list)", args[0])
	}
	if len(pos) != 1 {
		return usagef("codes import 需要一个文件 needs exactly one FILE")
	}
	if !codes.ValidSystem(*system) {
		return usagef("--system 必须是 must be one of %s", strings.Join(codes.Systems, ", "))
	}
	file := pos[0]
	if _, err := os.Stat(file); err != nil {
		return usagef("文件无法读取 cannot read %s: %v", file, err)
	}
	label := *version
	if label == "" {
		label = filepath.Base(file)
	}
	d, err := codes.ReadFile(ctx, *system, label, file)
	if err != nil {
		return dataErrorf("%v", err)
	}
	if *grey != "" {
		g, err := os.Open(*grey)
		if err != nil {
			return usagef("灰码文件无法读取 cannot read grey list %s: %v", *grey, err)
		}
		err = d.ReadGrey(ctx, g)
		g.Close()
		if err != nil {
			return dataErrorf("%s: %v", *grey, err)
		}
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.ImportCodes(ctx, d, file, *grey); err != nil {
		return err
	}
	inDict := 0
	for c := range d.Grey {
		if d.Has(c) {
			inDict++
		}
	}
	fmt.Fprintf(env.Stdout, "已导入 imported %s %q: %d 编码 codes, %d 灰码 grey (%d 在字典中 in the dictionary), %d 映射 crosswalk\n",
		d.System, d.Version, d.Len(), len(d.Grey), inDict, len(d.Crosswalk))
	return nil
}
