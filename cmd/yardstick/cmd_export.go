package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/yardstick-health/yardstick/internal/store"
)

func init() {
	register(&command{
		Name:    "export",
		Summary: "导出数据库为 Parquet export the store to Parquet",
		Usage: `用法 usage:
  yardstick export parquet --out DIR [flags]

把数据库的每个数据表写成 DIR/<表名>.parquet（DuckDB COPY），可导入 Spark、Trino 等分布式引擎。
Writes every data table of the store to DIR/<table>.parquet (DuckDB COPY,
zstd), for loading into a distributed engine (Spark, Trino, ...). Patient
identity columns (name, ID number, addresses, phones) are left out unless
--include-identity is given; web accounts and the audit log are never exported.

参数 flags:
  --db FILE            数据库文件 store file (default yardstick.duckdb)
  --out DIR            输出目录 output directory (created if missing)
  --include-identity   包含患者身份信息列 include patient identity columns
  --json               在标准输出打印 JSON 摘要 print a JSON summary on stdout
`,
		Run: runExport,
	})
}

func runExport(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || args[0] != "parquet" {
		return usagef("用法 usage: yardstick export parquet --out DIR (see --help)")
	}
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dbPath := fs.String("db", store.DefaultPath, "")
	out := fs.String("out", "", "")
	withID := fs.Bool("include-identity", false, "")
	asJSON := fs.Bool("json", false, "")
	rest, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return usagef("%v", err)
	}
	if len(rest) > 0 {
		return usagef("多余的参数 unexpected arguments: %v", rest)
	}
	if *out == "" {
		return usagef("缺少 --out DIR missing --out DIR")
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return usagef("数据库文件不存在 store file %s does not exist", *dbPath)
	}
	db, err := store.Open(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	tables, err := db.ExportParquet(ctx, *out, store.ExportOptions{IncludeIdentity: *withID})
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			DB     string                `json:"db"`
			Out    string                `json:"out"`
			Tables []store.ExportedTable `json:"tables"`
		}{*dbPath, *out, tables})
	}
	for _, t := range tables {
		fmt.Fprintf(env.Stdout, "%s\t%d 行 rows\t%s\n", t.Table, t.Rows, t.File)
	}
	return nil
}
